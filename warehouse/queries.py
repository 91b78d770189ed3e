"""Reading the warehouse: the summary, table counts, facts of an article, and read-only SQL."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from shahrnameh.warehouse.db import READ_ONLY, WarehouseError, first_line
from shahrnameh.warehouse.models import Article, Base, Fact, Failure, Page, Run, Source, closed_by

_READING_STATEMENTS = ("SELECT", "WITH", "EXPLAIN")
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.DOTALL)

# The failures table's stage of the pages read that turned out to be no article (ingest.steps).
NOT_ARTICLE_STAGE = "classify"

FACT_COLUMNS = ("ordinal", "value", "category", "unit", "qualifier", "evidence", "municipality", "programme",
                "sentence_start", "sentence_end", "number_start", "number_end", "attribution")


def summary(engine: Engine) -> dict:
    """Counts of what the warehouse holds (current article versions and their facts), the last
    run, and the runs it closed as interrupted (their process died; when last seen alive)."""
    current = Article.superseded_by.is_(None)
    live = Fact.retired_run_id.is_(None)
    not_article = Failure.stage == NOT_ARTICLE_STAGE
    with _reading(engine, "summarising the warehouse") as connection:
        def count(statement) -> int:
            return connection.scalar(statement) or 0

        by_category = connection.execute(
            select(Fact.category, func.count()).join(Article, Article.id == Fact.article_id)
            .where(current, live).group_by(Fact.category).order_by(func.count().desc(), Fact.category)
        ).all()
        last_run = connection.execute(select(Run).order_by(Run.id.desc()).limit(1)).mappings().first()
        # A run killed with SIGKILL is closed as interrupted by the next run, which the summary names.
        interrupted = [] if last_run is None else connection.execute(
            select(Run.id, Run.started_at, Run.last_seen_at, Run.errors)
            .where(Run.status == "interrupted", Run.id < last_run["id"]).order_by(Run.id)).all()
        return {
            "sources": count(select(func.count()).select_from(Source)),
            "pages": count(select(func.count()).select_from(Page)),
            "articles": count(select(func.count()).select_from(Article).where(current)),
            "facts": count(select(func.count()).select_from(Fact)
                           .join(Article, Article.id == Fact.article_id).where(current, live)),
            # Pages read that are no article (a video page, a bot challenge) are kept in the
            # failures table at stage classify, but nothing went wrong: counted apart.
            "not_articles": count(select(func.count()).select_from(Failure).where(not_article)),
            "failures": count(select(func.count()).select_from(Failure).where(~not_article)),
            "facts_by_category": {category: n for category, n in by_category},
            "last_run": None if last_run is None else {k: _plain_value(v) for k, v in last_run.items()},
            "interrupted_closed_by_last_run": [
                {"run_id": run.id, "started_at": _plain_value(run.started_at),
                 "last_seen_at": _plain_value(run.last_seen_at)}
                for run in interrupted if closed_by(run.errors) == last_run["id"]],
        }


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every warehouse table, old article versions included."""
    with _reading(engine, "counting rows") as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


def facts_for_article(engine: Engine, url: str) -> list[dict]:
    """The facts of the current version of the article at `url`, in text order; [] for an unknown URL."""
    columns = [getattr(Fact, name) for name in FACT_COLUMNS]
    with _reading(engine, f"reading the facts of {url}") as connection:
        rows = connection.execute(
            select(*columns).join(Article, Article.id == Fact.article_id)
            .where(Article.url == url, Article.superseded_by.is_(None), Fact.retired_run_id.is_(None))
            .order_by(Fact.ordinal)
        ).mappings().all()
    return [{name: _plain_value(row[name]) for name in FACT_COLUMNS} for row in rows]


# What one `sql` query may take: a runaway recursive query otherwise runs, and grows, until
# the machine gives out (560 MB in 20 s, measured). The row limit alone does not bound memory:
# a few rows of 100 MB each, or one group_concat that never ends (1 GB in 15 s), pass it.
SQL_TIMEOUT_S = 60.0
SQL_MAX_ROWS = 100_000
SQL_MAX_MEGABYTES = 256


def run_sql(engine: Engine, sql: str, params: dict | None = None, *, timeout_s: float = SQL_TIMEOUT_S,
            max_rows: int = SQL_MAX_ROWS, max_megabytes: int = SQL_MAX_MEGABYTES) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one read-only query.

    Without `params` the text goes to the database as it is: a colon or percent sign in a
    string literal (LIKE '%:ساعت%') is text, not a bind parameter. With `params`, bind
    parameters are written `:name`. Only SELECT, WITH and EXPLAIN are accepted, and the
    query runs in a transaction the database itself keeps read-only (a WITH can hide a
    DELETE on PostgreSQL), then rolled back. A query running longer than `timeout_s`,
    returning more than `max_rows` rows, or needing more than `max_megabytes` (its rows' text
    held here; on SQLite also any one string or blob it builds) is stopped with a
    WarehouseError saying so. PostgreSQL's server bounds its own memory.
    """
    statement = _LEADING_COMMENTS.sub("", sql)
    keyword = statement.split(None, 1)[0].upper() if statement.strip() else ""
    if keyword not in _READING_STATEMENTS:
        raise WarehouseError(f"only read-only queries ({', '.join(_READING_STATEMENTS)}) are allowed, "
                             f"not {keyword or 'an empty query'}")
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise WarehouseError(f"read-only queries are not supported on {dialect}")
    deadline = time.monotonic() + timeout_s
    too_long = f"query stopped: it ran longer than {timeout_s:g} s (give --timeout for more)"
    too_big = (f"query stopped: it needed more than {max_megabytes} MB of memory (narrow it, give --max-memory "
               "for more, or use `export` for whole tables)")
    budget = max_megabytes * 2**20
    length_limit = None
    with _reading(engine, "query failed") as connection:
        raw = connection.connection.dbapi_connection
        try:
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
                # Called every few thousand SQLite instructions; non-zero stops the query.
                raw.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
                # No string or blob of this connection may pass the budget (set back afterwards):
                # a group_concat that never ends stops growing there until the time limit ends
                # the query; one that ends is "string or blob too big". (SQLite's heap limit
                # would be the whole process's, and its PRAGMA can never raise it again.)
                length_limit = raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, budget)
            else:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}")
            try:
                if params is None:
                    # Server-side cursor on PostgreSQL, so a huge result is never held whole.
                    streaming = dialect == "postgresql" and keyword != "EXPLAIN"
                    result = connection.execution_options(no_parameters=True, stream_results=streaming,
                                                          max_row_buffer=1000).exec_driver_sql(sql)
                else:
                    result = connection.execute(text(sql), params)
                columns = list(result.keys()) if result.returns_rows else []
                rows, held = [], 0
                for row in (result if result.returns_rows else ()):
                    if len(rows) == max_rows:
                        raise WarehouseError(f"query stopped: more than {max_rows} rows (narrow it, give "
                                             "--max-rows for more, or use `export` for whole tables)")
                    if time.monotonic() > deadline:
                        raise WarehouseError(too_long)
                    rows.append(tuple(_plain_value(value) for value in row))
                    held += sum(len(value) if isinstance(value, (str, bytes)) else 8 for value in rows[-1])
                    if held > budget:
                        raise WarehouseError(too_big)
            except MemoryError:
                raise WarehouseError(too_big) from None
            except SQLAlchemyError as error:
                if time.monotonic() > deadline or _cancelled_by_timeout(error):
                    raise WarehouseError(too_long) from error
                if "string or blob too big" in str(getattr(error, "orig", error)):
                    raise WarehouseError(too_big) from error
                raise WarehouseError(f"query failed: {first_line(error)}") from error
        finally:
            if dialect == "sqlite":
                raw.set_progress_handler(None, 0)
                if length_limit is not None:
                    raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, length_limit)
            connection.rollback()
            if dialect == "sqlite":
                # The pooled connection is reused by writers.
                connection.exec_driver_sql("PRAGMA query_only = OFF")
                connection.rollback()
    return columns, rows


def _cancelled_by_timeout(error: SQLAlchemyError) -> bool:
    return "statement timeout" in str(getattr(error, "orig", error))


@contextmanager
def _reading(engine: Engine, doing: str) -> Iterator[Connection]:
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            yield connection
    except SQLAlchemyError as error:
        raise WarehouseError(f"{doing}: {first_line(error)}") from error


def _plain_value(value):
    """JSON-ready and the same on every database: numerics as int when integral (exact up to
    1e15 and beyond) else float; dates and timestamps as ISO text (SQLite already gives text)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
