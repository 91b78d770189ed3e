"""The warehouse tables as SQLAlchemy 2 typed declarative models (docs/schema.md explains them).

Timestamps are naive UTC: SQLite has no time zone type, and one convention everywhere is
simpler than converting at every read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# "retried": every source loaded, but a step had to be tried again (its errors say which and why);
# "interrupted": the run's process died (killed, power cut); the next run closed its row.
RUN_STATUSES = ("running", "succeeded", "retried", "partial", "failed", "interrupted")
# The last line of an interrupted run's errors (the same since revision 0008), which names the
# run that closed it: `summary` reads it back to say what the last run closed.
_CLOSED_BY = re.compile(r"interrupted: the run stopped without finishing, last seen alive at [^;]* UTC; "
                        r"closed by run (\d+)")


def interrupted_line(last_seen_at: datetime, by_run_id: int) -> str:
    return (f"interrupted: the run stopped without finishing, last seen alive at {last_seen_at:%Y-%m-%d %H:%M:%S} "
            f"UTC; closed by run {by_run_id}")


def closed_by(errors: list | None) -> int | None:
    """The run that closed an `interrupted` run as such (interrupted_line), or None."""
    found = _CLOSED_BY.fullmatch(str(errors[-1])) if errors else None
    return int(found.group(1)) if found else None


# SQLite keeps integers exact only within 64 bits: larger fact values are refused at load time.
LARGEST_FACT_VALUE = Decimal(10) ** 18


class ExactNumeric(Numeric):
    """NUMERIC that stays exact on SQLite too, where SQLAlchemy would pass every value as a float.

    SQLite gets integral values as 64-bit integers (exact) and others as decimal text, which
    NUMERIC affinity stores as REAL; values come back as Decimal. PostgreSQL has a native
    decimal and its driver's own processing is kept.
    """

    cache_ok = True

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _to_sqlite_number

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _from_sqlite_number


def _to_sqlite_number(value):
    if value is None:
        return None
    value = Decimal(value) if isinstance(value, int) else value
    if not isinstance(value, Decimal):
        value = Decimal(repr(value))
    if value == value.to_integral_value() and abs(value) < 2 ** 63:
        return int(value)
    return str(value)


def _from_sqlite_number(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    start_urls: Mapped[list] = mapped_column(JSON)
    allowed_domains: Mapped[list] = mapped_column(JSON)
    municipality: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Updated as the run goes: where a killed run stopped.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="running")
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    errors: Mapped[list] = mapped_column(JSON, default=list)


class RunSource(Base):
    __tablename__ = "run_sources"
    __table_args__ = (UniqueConstraint("run_id", "source_id", name="uq_run_sources_run_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    # The Dask worker's address (tcp://HOST:PORT) when the run ran on a cluster, else NULL.
    worker: Mapped[str | None] = mapped_column(String(200))


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("url", "sha256", name="uq_pages_url_sha256"),
        Index("ix_pages_url", "url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(Text)
    requested_url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    archive_path: Mapped[str | None] = mapped_column(Text)
    # WARC files and bodies can pass 2 GiB.
    archive_offset: Mapped[int | None] = mapped_column(BigInteger)
    length: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)


class ArchiveIndexEntry(Base):
    """The raw archive's index: per source and URL, the body it was last downloaded with (2xx),
    where the archive has it, and the validators of the next crawl's conditional request."""

    __tablename__ = "archive_index"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    url: Mapped[str] = mapped_column(Text, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    archive_path: Mapped[str] = mapped_column(Text)
    archive_offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int | None] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(64))


class Failure(Base):
    __tablename__ = "failures"
    __table_args__ = (Index("ix_failures_url_stage", "url", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The same failure seen again in a later run is one row, not a new one each night.
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("url", "text_sha256", name="uq_articles_url_text_sha256"),
        Index("ix_articles_url", "url"),
        Index("ix_articles_published", "published"),
        Index("ix_articles_story_id", "story_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Near-duplicate copies (syndication) share the story_id of the story's first article.
    story_id: Mapped[int | None] = mapped_column(Integer)


class ArticleBand(Base):
    """MinHash LSH band keys of an article: articles sharing a (band, bucket) are near-duplicate candidates."""

    __tablename__ = "article_bands"
    __table_args__ = (Index("ix_article_bands_band_bucket", "band", "bucket"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))


class Fact(Base):
    __tablename__ = "facts"
    __table_args__ = (
        # Also the index of a fact's article (article_id leads it).
        UniqueConstraint("article_id", "ordinal", name="uq_facts_article_ordinal"),
        Index("ix_facts_municipality_id", "municipality_id"),
        # programme_timeline: one programme's facts, by municipality.
        Index("ix_facts_programme_id_municipality_id", "programme_id", "municipality_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(ExactNumeric(24, 4))
    category: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(Text)
    qualifier: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)
    number_start: Mapped[int] = mapped_column(Integer)
    number_end: Mapped[int] = mapped_column(Integer)
    municipality: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(Text)
    # The entities the two names above resolve to through the alias tables (NULL when no name).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    # How `municipality` was attributed (nlp.records.ATTRIBUTED_BY): "sentence", "earlier",
    # "title", "source" (the source's default), "" (no place); NULL for facts loaded before
    # it was kept.
    attribution: Mapped[str | None] = mapped_column(String(16))
    # Set when a later extraction of the same text (`shahrnameh reparse`) replaced this fact:
    # the run that retired it. Retired facts are history, left out of the views.
    retired_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", name="fk_facts_retired_run_id"))


MUNICIPALITY_KINDS = ("city", "district")


class Municipality(Base):
    """A city, or a district («منطقه 3») of its city (`parent_id`)."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))


class MunicipalityAlias(Base):
    """A spelling of a municipality's name as seen; `key` is nlp.entities.alias_key(alias)."""

    __tablename__ = "municipality_aliases"
    __table_args__ = (Index("ix_municipality_aliases_key", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(Text, unique=True)
    key: Mapped[str] = mapped_column(Text)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))


class Programme(Base):
    """A named municipal programme («سامانه من شهردارم»)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class ProgrammeAlias(Base):
    """A spelling of a programme's name as seen; `key` is nlp.entities.alias_key(alias)."""

    __tablename__ = "programme_aliases"
    __table_args__ = (Index("ix_programme_aliases_key", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(Text, unique=True)
    key: Mapped[str] = mapped_column(Text)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
