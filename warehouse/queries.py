"""Reading the warehouse: the summary, table counts, facts of an article, and read-only SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from shahrnameh.warehouse.db import READ_ONLY, WarehouseError, first_line
from shahrnameh.warehouse.models import Article, Base, Fact, Failure, Page, Run, Source

_READING_STATEMENTS = ("SELECT", "WITH", "EXPLAIN")
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.DOTALL)

FACT_COLUMNS = ("ordinal", "value", "category", "unit", "qualifier", "evidence", "municipality", "programme",
                "sentence_start", "sentence_end", "number_start", "number_end", "attribution")


def summary(engine: Engine) -> dict:
    """Counts of what the warehouse holds (current article versions and their facts) and the last run."""
    current = Article.superseded_by.is_(None)
    live = Fact.retired_run_id.is_(None)
    with _reading(engine, "summarising the warehouse") as connection:
        def count(statement) -> int:
            return connection.scalar(statement) or 0

        by_category = connection.execute(
            select(Fact.category, func.count()).join(Article, Article.id == Fact.article_id)
            .where(current, live).group_by(Fact.category).order_by(func.count().desc(), Fact.category)
        ).all()
        last_run = connection.execute(select(Run).order_by(Run.id.desc()).limit(1)).mappings().first()
        return {
            "sources": count(select(func.count()).select_from(Source)),
            "pages": count(select(func.count()).select_from(Page)),
            "articles": count(select(func.count()).select_from(Article).where(current)),
            "facts": count(select(func.count()).select_from(Fact)
                           .join(Article, Article.id == Fact.article_id).where(current, live)),
            "failures": count(select(func.count()).select_from(Failure)),
            "facts_by_category": {category: n for category, n in by_category},
            "last_run": None if last_run is None else {k: _plain_value(v) for k, v in last_run.items()},
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


def run_sql(engine: Engine, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one read-only query; bind parameters are written `:name`.

    Only SELECT, WITH and EXPLAIN are accepted, and the query runs in a transaction the database
    itself keeps read-only (a WITH can hide a DELETE on PostgreSQL), then rolled back.
    """
    statement = _LEADING_COMMENTS.sub("", sql)
    keyword = statement.split(None, 1)[0].upper() if statement.strip() else ""
    if keyword not in _READING_STATEMENTS:
        raise WarehouseError(f"only read-only queries ({', '.join(_READING_STATEMENTS)}) are allowed, "
                             f"not {keyword or 'an empty query'}")
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise WarehouseError(f"read-only queries are not supported on {dialect}")
    with _reading(engine, "query failed") as connection:
        try:
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
            else:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                result = connection.execute(text(sql), params or {})
                columns = list(result.keys())
                rows = [tuple(_plain_value(value) for value in row) for row in result]
            except SQLAlchemyError as error:
                raise WarehouseError(f"query failed: {first_line(error)}") from error
        finally:
            connection.rollback()
            if dialect == "sqlite":
                # The pooled connection is reused by writers.
                connection.exec_driver_sql("PRAGMA query_only = OFF")
                connection.rollback()
    return columns, rows


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
