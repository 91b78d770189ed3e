"""Exporting a table or view of the warehouse as CSV, JSON lines or Parquet, streamed.

Rows are read in batches from a streaming cursor (a server-side cursor on PostgreSQL) and
written as they come, so memory stays flat however large the table. Filters go through the
alias tables: «--municipality تهران» finds Tehran and its districts, «--municipality شهر ری»
Tehran's district 20. Everything the user types reaches SQL only as a bound parameter; table
names are checked against the schema.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from sqlalchemy import Date, Engine, bindparam, text
from sqlalchemy.exc import SQLAlchemyError

from shahrnameh.warehouse.db import READ_ONLY, WarehouseError, first_line
from shahrnameh.warehouse.entities import find_municipality, find_programme
from shahrnameh.warehouse.models import Base

FORMATS = ("csv", "jsonl", "parquet")
VIEWS = ("facts_full", "programme_timeline")
BATCH_ROWS = 20_000  # rows per fetch and per Parquet row group: ~10 MB of facts in memory

# How each exportable relation is filtered: its date column, and how it names municipality and
# programme ("id": entity id columns; "name": canonical names). None: that filter does not apply.
_FILTERS = {
    "facts_full": ("published", ("municipality_id", "id"), ("programme_id", "id")),
    "programme_timeline": ("published", ("municipality", "name"), ("programme", "name")),
    "facts": (None, ("municipality_id", "id"), ("programme_id", "id")),
    "articles": ("published", None, None),
}


@dataclass(frozen=True)
class Export:
    """What to export: a table or view, and optional filters as the user wrote them."""

    table: str = "facts_full"
    since: date | None = None   # the command line reads the user's date (nlp.dates.read_date)
    municipality: str | None = None
    programme: str | None = None


def exportable() -> list[str]:
    return list(VIEWS) + sorted(t.name for t in Base.metadata.sorted_tables)


def write(engine: Engine, request: Export, fmt: str, out: IO[bytes]) -> int:
    """Write the rows of `request` to the binary stream `out` in format `fmt`; the row count."""
    if fmt not in FORMATS:
        raise WarehouseError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            statement, params = _statement(connection, request)
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            # yield_per: a server-side cursor on PostgreSQL, batch fetches on SQLite.
            result = connection.execution_options(yield_per=BATCH_ROWS).execute(statement, params)
            columns = list(result.keys())
            batches = (list(batch) for batch in result.partitions(BATCH_ROWS))
            writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
            return writer(columns, batches, out)
    except SQLAlchemyError as error:
        raise WarehouseError(f"exporting {request.table}: {first_line(error)}") from error


def _statement(connection, request: Export):
    if request.table not in exportable():
        raise WarehouseError(f"unknown table {request.table!r}: choose one of {', '.join(exportable())}")
    date_column, municipality_filter, programme_filter = _FILTERS.get(request.table, (None, None, None))
    relation = _relation(connection, request.table)
    conditions, params = [], {}
    if request.since is not None:
        if date_column is None:
            raise WarehouseError(f"--since: {request.table} has no publication date; use facts_full")
        params["since"] = request.since
        conditions.append(f"{date_column} >= :since")
    for option, value, where, resolve in (
            ("--municipality", request.municipality, municipality_filter, _municipalities),
            ("--programme", request.programme, programme_filter, _programmes)):
        if value is None:
            continue
        if where is None:
            raise WarehouseError(f"{option}: {request.table} has no {option[2:]}; use facts_full")
        entities = resolve(connection, value)
        column_name, by = where
        names = []
        for i, (entity_id, name) in enumerate(entities):
            params[f"{option[2:]}_{i}"] = entity_id if by == "id" else name
            names.append(f":{option[2:]}_{i}")
        conditions.append(f"{column_name} IN ({', '.join(names)})")
    sql = f"SELECT * FROM {relation}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    # A stable order, so two exports of the same warehouse are the same file.
    order = "fact_id" if request.table == "programme_timeline" else "id"
    if request.table in VIEWS or order in Base.metadata.tables[request.table].c:
        sql += f" ORDER BY {order}"
    statement = text(sql)
    if "since" in params:  # typed, so SQLite gets ISO text like the dates it stores
        statement = statement.bindparams(bindparam("since", type_=Date))
    return statement, params


def _relation(connection, name: str) -> str:
    # The name was checked against the schema's own list; quoted as the dialect quotes names.
    return connection.dialect.identifier_preparer.quote(name)


def _municipalities(connection, written: str) -> list[tuple[int, str]]:
    """The municipality `written` names and its districts, as (id, canonical name)."""
    found = find_municipality(connection, written)
    if not found:
        raise WarehouseError(f"--municipality: no municipality matches {written!r} "
                             "(list them: shahrnameh sql \"SELECT name FROM municipalities\")")
    return found


def _programmes(connection, written: str) -> list[tuple[int, str]]:
    found = find_programme(connection, written)
    if found is None:
        raise WarehouseError(f"--programme: no programme matches {written!r} "
                             "(list them: shahrnameh sql \"SELECT name FROM programmes\")")
    return [found]


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


_AS_IS = {str, int, float, type(None)}


def _plain_row(row) -> list:
    return [value if type(value) in _AS_IS else _plain(value) for value in row]


def _write_csv(columns: list[str], batches: Iterator[list], out: IO[bytes]) -> int:
    # UTF-8 with a byte-order mark: Excel opens a CSV without one in the machine's legacy
    # code page (Windows-1256 or 1252), which turns Persian into mojibake; with it, Excel,
    # LibreOffice and pandas (encoding="utf-8-sig") all read UTF-8. CRLF line ends as RFC 4180 says.
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for batch in batches:
        writer.writerows(map(_plain_row, batch))
        count += len(batch)
    stream.flush()
    stream.detach()
    return count


def _write_jsonl(columns: list[str], batches: Iterator[list], out: IO[bytes]) -> int:
    count = 0
    for batch in batches:
        out.write("".join(json.dumps(dict(zip(columns, _plain_row(row))), ensure_ascii=False) + "\n"
                          for row in batch).encode("utf-8"))
        count += len(batch)
    return count


# Parquet column types by name: SQLite hands view columns back untyped (dates as text), so
# the types cannot all come from the values. Everything else is inferred from its values.
_INTEGER_COLUMNS = {"id", "article_id", "fact_id", "story_id", "ordinal", "sentence_start", "sentence_end",
                    "number_start", "number_end", "municipality_id", "programme_id", "article_version",
                    "version", "source_id", "page_id", "superseded_by", "first_run_id", "last_run_id", "run_id",
                    "parent_id", "status", "length", "archive_offset"}
_DATE_COLUMNS = {"published"}
_TIMESTAMP_COLUMNS = {"created_at", "started_at", "finished_at", "fetched_at", "last_seen_at"}


def _arrow_type(name: str, values: list):
    import pyarrow as pa

    if name == "value":
        return pa.decimal128(24, 4)  # exact, as the warehouse keeps it (models.ExactNumeric)
    if name in _INTEGER_COLUMNS:
        return pa.int64()
    if name in _DATE_COLUMNS:
        return pa.date32()
    if name in _TIMESTAMP_COLUMNS:
        return pa.timestamp("us")
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return pa.bool_()
    if isinstance(sample, int):
        return pa.int64()
    if isinstance(sample, (float, Decimal)):
        return pa.float64()
    return pa.string()


def _arrow_value(value, arrow_type):
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_decimal(arrow_type):
        return value if isinstance(value, Decimal) else Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if pa.types.is_date(arrow_type) and isinstance(value, str):
        return date.fromisoformat(value)
    if pa.types.is_timestamp(arrow_type) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if pa.types.is_string(arrow_type) and not isinstance(value, str):
        return str(_plain(value))
    if pa.types.is_floating(arrow_type):
        return float(value)
    return value


def _write_parquet(columns: list[str], batches: Iterator[list], out: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    schema = None
    count = 0
    try:
        for batch in batches:
            by_column = list(zip(*batch))
            if schema is None:
                schema = pa.schema([(name, _arrow_type(name, list(values)))
                                    for name, values in zip(columns, by_column)])
                writer = pq.ParquetWriter(out, schema, compression="zstd")
            arrays = [pa.array([_arrow_value(v, field.type) for v in values], type=field.type)
                      for field, values in zip(schema, by_column)]
            # One row group per batch: a reader can stream the file back the same way.
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
        if writer is None:  # no rows: still a valid file with the columns, typed by name
            schema = pa.schema([(name, _arrow_type(name, [])) for name in columns])
            writer = pq.ParquetWriter(out, schema, compression="zstd")
    finally:
        if writer is not None:
            writer.close()
    return count
