"""Writing to the warehouse. Every function is idempotent where a retried run would repeat it."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice

from sqlalchemy import Connection, Engine, Table, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shahrnameh.nlp.facts import with_source_default
from shahrnameh.nlp.records import ATTRIBUTED_BY, CATEGORIES, QUALIFIERS, Document
from shahrnameh.spiders.records import OUTCOMES, FetchRecord
from shahrnameh.warehouse import models, stories
from shahrnameh.warehouse.db import READ_ONLY, WarehouseError, first_line
from shahrnameh.warehouse.entities import Entities, seed_once
from shahrnameh.warehouse.models import (
    LARGEST_FACT_VALUE, RUN_STATUSES, Article, Failure, Fact, Page, Run, RunSource, Source, _to_sqlite_number,
    utcnow,
)

_ARTICLE_KINDS = ("article", "report")
_LARGEST_INT = int(LARGEST_FACT_VALUE)  # other kinds are failures, not articles


def upsert_source(engine: Engine, *, name: str, start_urls: list[str], allowed_domains: list[str],
                  municipality: str | None) -> int:
    """The source's id; its settings are updated to these when it already exists."""
    settings = dict(start_urls=list(start_urls), allowed_domains=list(allowed_domains), municipality=municipality)
    with _transaction(engine, f"registering source {name}") as session:
        statement = _insert(session, Source.__table__).values(name=name, **settings)
        return session.scalar(statement.on_conflict_do_update(index_elements=["name"], set_=settings)
                              .returning(Source.id))


def start_run(engine: Engine) -> int:
    with _transaction(engine, "starting a run") as session:
        run = Run(status="running", counts={}, errors=[])
        session.add(run)
        session.flush()
        return run.id


def finish_run(engine: Engine, run_id: int, *, status: str, counts: dict, errors: list[str]) -> None:
    if status not in RUN_STATUSES:
        raise WarehouseError(f"run status must be one of {', '.join(RUN_STATUSES)}, not {status!r}")
    with _transaction(engine, f"finishing run {run_id}") as session:
        run = _run(session, run_id)
        run.status, run.counts, run.errors = status, dict(counts), [str(e) for e in errors]
        run.finished_at = run.last_seen_at = utcnow()


def run_alive(engine: Engine, run_id: int) -> None:
    """The run's heartbeat: it was alive now (runs.last_seen_at)."""
    with _transaction(engine, f"marking run {run_id} alive") as session:
        session.execute(update(Run).where(Run.id == run_id).values(last_seen_at=utcnow()))


def close_interrupted_runs(engine: Engine, by_run_id: int) -> list[tuple[int, datetime]]:
    """Closes every other run still `running` as `interrupted`, its finished_at the moment it was
    last seen alive; returns (run id, last seen alive) of each. Only for a run that holds the
    warehouse's run lock (db.run_lock): no other run is alive then, so a `running` row is one
    whose process died."""
    with _transaction(engine, "closing interrupted runs") as session:
        stale = session.scalars(select(Run).where(Run.status == "running", Run.id != by_run_id)
                                .order_by(Run.id)).all()
        for run in stale:
            run.last_seen_at = run.last_seen_at or run.started_at
            run.status, run.finished_at = "interrupted", run.last_seen_at
            run.errors = [*run.errors, models.interrupted_line(run.last_seen_at, by_run_id)]
        return [(run.id, run.last_seen_at) for run in stale]


def record_fetch(engine: Engine, run_id: int, record: FetchRecord) -> tuple[int | None, bool]:
    """(page id, whether this (url, body) is new to the warehouse); (None, False) when there is no body.

    A fetch that failed or was blocked is also a `failures` row, with or without a body.
    """
    if record.outcome not in OUTCOMES:
        raise WarehouseError(f"fetch of {record.url}: outcome {record.outcome!r} is not one of {OUTCOMES}")
    if record.sha256 is None and record.outcome not in ("failed", "blocked"):
        raise WarehouseError(f"fetch of {record.url}: outcome {record.outcome!r} but no body (sha256 is None)")
    with _transaction(engine, f"recording the fetch of {record.url}") as session:
        _run(session, run_id)
        source_id = _source_id(session, record.source)
        if record.outcome in ("failed", "blocked"):
            _add_failure(session, run_id, source_id, record.url, "fetch", record.error or record.outcome)
        if record.sha256 is None:
            return None, False
        seen_at = utcnow()
        same_body = select(Page).where(Page.url == record.url, Page.sha256 == record.sha256)
        page = session.scalar(same_body)
        if page is None:
            # ON CONFLICT: a concurrent loader (PostgreSQL) may insert the same body between the
            # SELECT and the INSERT; then it is simply not new to us.
            page_id = session.scalar(_insert(session, Page.__table__).values(
                source_id=source_id, url=record.url, requested_url=record.requested_url, role=record.role,
                status=record.status, fetched_at=_timestamp(record.fetched_at, record.url),
                content_type=record.content_type, encoding=record.encoding, sha256=record.sha256,
                archive_path=record.archive_path, archive_offset=record.archive_offset, length=record.length,
                outcome=record.outcome, first_run_id=run_id, last_run_id=run_id, last_seen_at=seen_at,
            ).on_conflict_do_nothing(index_elements=["url", "sha256"]).returning(Page.id))
            if page_id is not None:
                return page_id, True
            page = session.scalar(same_body)
        page.last_run_id, page.last_seen_at = run_id, seen_at
        return page.id, False


def record_failure(engine: Engine, run_id: int, *, source: str | None, url: str, stage: str,
                   message: str) -> None:
    """One failure; the same failure seen again in a later run only moves its last_run_id."""
    with _transaction(engine, f"recording a failure of {url}") as session:
        _run(session, run_id)
        source_id = None if source is None else _source_id(session, source)
        _add_failure(session, run_id, source_id, url, stage, message)


def load_document(engine: Engine, run_id: int, *, page_id: int | None, source: str, url: str,
                  document: Document) -> tuple[int, str]:
    """Store one read article and its facts in one transaction: (article id, "new"|"changed"|"unchanged").

    A text never loaded for this URL becomes its newest version and supersedes the current one;
    no row is ever deleted, so old versions keep their facts.
    """
    _check_document(document, url)
    published = _published(document.published, url)
    _seed_entities(engine)
    text_sha256 = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    # Before the transaction: other loaders wait while it holds SQLite's write lock (or the
    # PostgreSQL story lock), and the fingerprint is CPU work that needs no database. Not
    # for a text already stored for this URL (a reparse's usual page), which needs none.
    fingerprint = None if _text_stored(engine, url, text_sha256) else stories.fingerprint(document.text)
    with _transaction(engine, f"loading article {url}") as session:
        _run(session, run_id)
        locked_source = _locked_source(session, source)
        _locked_url(session, url)
        return _store(session, Entities(session.connection()), run_id, locked_source, page_id, url, document,
                      published, text_sha256, fingerprint)


def load_documents(engine: Engine, run_id: int, *, source: str,
                   documents: Iterable[tuple[str, int | None, Document]], batch_size: int = 1000,
                   group_stories: bool = True) -> Counter:
    """Many (url, page id, document) of one source, one transaction per batch: the same rows as
    `load_document` on each, in a fraction of the time. Counts of "new", "changed", "unchanged".

    URLs the warehouse has never seen are written in bulk (explicit ids, then COPY on
    PostgreSQL or one executemany on SQLite, for articles and facts); a URL seen before goes
    through `load_document`'s versioning inside the batch's transaction. A batch is all or
    nothing, so a load killed half way leaves whole batches. `group_stories=False` leaves
    story_id NULL for `stories.backfill` to fill later (MinHash of each text is most of the
    cost of a bulk load).
    """
    counts: Counter = Counter()
    _seed_entities(engine)
    for batch in _batches(documents, batch_size):
        checked = []
        for url, page_id, document in batch:
            _check_document(document, url)
            checked.append((url, page_id, document, _published(document.published, url),
                            hashlib.sha256(document.text.encode("utf-8")).hexdigest()))
        with _transaction(engine, f"loading {len(checked)} articles of {source}") as session:
            _run(session, run_id)
            source_id, default = _locked_source(session, source, whole=True)
            connection = session.connection()
            entities = Entities(connection)
            urls = {item[0] for item in checked}
            known = set(session.scalars(select(Article.url).where(Article.url.in_(urls)).distinct()))
            fresh, again, seen = [], [], set()
            for item in checked:
                (again if item[0] in known or item[0] in seen else fresh).append(item)
                seen.add(item[0])
            ids = _new_ids(connection, "articles", len(fresh))
            created = utcnow()
            _bulk_insert(connection, Article.__table__, ARTICLE_COLUMNS, [
                article_row(article_id, page_id, source_id, url, document, published, sha, run_id, created)
                for article_id, (url, page_id, document, published, sha) in zip(ids, fresh)])
            number = _number_for(connection)
            insert_facts(connection, [row for article_id, item in zip(ids, fresh)
                                      for row in _fact_rows(article_id, item[2].facts, item[0], entities, number,
                                                            default_municipality=default)])
            if group_stories:
                for article_id in ids:
                    stories.assign_story(session, session.get(Article, article_id))
            if fresh:
                counts["new"] += len(fresh)
            for url, page_id, document, published, sha in again:
                counts[_store(session, entities, run_id, (source_id, default), page_id, url, document, published,
                              sha)[1]] += 1
    return counts


def refresh_facts(engine: Engine, run_id: int, *, url: str, document: Document) -> int | None:
    """After an nlp change, the facts `document` reads from the current version's own text.

    When they differ from the version's live facts, those are retired (kept, with
    retired_run_id = run_id) and the new extraction is stored beside them, in one
    transaction. Returns the number of facts stored (0 when the new extraction has none);
    None when nothing changed, or when the current version has another text (that is
    `load_document`'s case).
    """
    _check_document(document, url)
    _seed_entities(engine)
    text_sha256 = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    with _transaction(engine, f"refreshing the facts of {url}") as session:
        _run(session, run_id)
        article = session.scalar(select(Article).where(
            *_version_with_text(url, text_sha256), Article.superseded_by.is_(None)))
        if article is None:
            return None
        live = session.scalars(select(Fact).where(Fact.article_id == article.id, Fact.retired_run_id.is_(None))
                               .order_by(Fact.ordinal)).all()
        connection = session.connection()
        entities, number = Entities(connection), _number_for(connection)
        default = _source_municipality(session, article.source_id)
        fresh = _fact_rows(article.id, document.facts, url, entities, number, default_municipality=default)
        if [_comparable([getattr(fact, name) for name in FACT_COLUMNS]) for fact in live] == \
                [_comparable(row) for row in fresh]:
            return None
        for fact in live:
            fact.retired_run_id = run_id
        session.flush()
        # Ordinals are unique per article: the new extraction's follow every earlier one.
        start = (session.scalar(select(func.max(Fact.ordinal)).where(Fact.article_id == article.id)) or -1) + 1
        insert_facts(session.connection(), _fact_rows(article.id, document.facts, url, entities, number, start,
                                                      default_municipality=default))
        return len(fresh)


def _comparable(row) -> tuple:
    """What makes two extractions of one text the same: a fact row without its ids and ordinal."""
    return (Decimal(row[2]), *row[3:8], row[9], row[11], row[12], row[15])


# PostgreSQL advisory locks (_SOURCE_LOCKS, source id) in the two-key space, apart from the
# one-key locks of URLs, stories (7313) and entities (7312).
_SOURCE_LOCKS = 7314


def _locked_source(session: Session, source: str, *, whole: bool = False) -> tuple[int, str | None]:
    """(id, default municipality) of the source called `source`, locked for this transaction.

    `whole`: for a load that writes many URLs of the source without locking each
    (`load_documents`): it waits for every other load of the source and they for it.
    Otherwise the lock is shared: loads of one source (a reparse's batches on two workers)
    run side by side, and loads of one URL take turns by `_locked_url`, so a URL never gets
    two current versions. (SQLite's BEGIN IMMEDIATE already serialises every writer.)
    """
    columns = [Source.id, Source.municipality]
    if session.get_bind().dialect.name == "postgresql":
        # An advisory lock, not the row's: a shared row lock held by two transactions at once
        # is a MultiXact written into the row, which made two workers' reparse 7% slower.
        lock = func.pg_advisory_xact_lock if whole else func.pg_advisory_xact_lock_shared
        columns.append(lock(_SOURCE_LOCKS, Source.id))
    # One statement, not three (id, lock, municipality): a reparse pays it for every page.
    locked = select(*columns).where(Source.name == source)
    row = session.execute(locked).first()
    if row is None:
        _source_id(session, source)  # a source the crawl knows and the warehouse not yet
        row = session.execute(locked).one()
    return row.id, row.municipality


def _locked_url(session: Session, url: str) -> None:
    # Loads of one URL wait for each other (PostgreSQL): a reparse's batches on two workers,
    # or two sources whose crawls reach one URL (overlapping sites).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:url, 0))"), {"url": url})


def _store(session: Session, entities: Entities, run_id: int, source: tuple[int, str | None], page_id: int | None,
           url: str, document: Document, published: date | None, text_sha256: str,
           fingerprint: stories.Fingerprint | None = None) -> tuple[int, str]:
    """`source`: the source's (id, default municipality), as `_locked_source` gives them."""
    source_id, default_municipality = source
    current = session.scalar(select(Article).where(Article.url == url, Article.superseded_by.is_(None)))
    same = session.scalar(select(Article).where(*_version_with_text(url, text_sha256)))
    if same is not None:
        if same.superseded_by is None:
            return same.id, "unchanged"
        # The page went back to an earlier text: that version is current again.
        if current is not None:
            current.superseded_by = same.id
        same.superseded_by = None
        return same.id, "changed"
    latest = session.scalar(select(func.max(Article.version)).where(Article.url == url)) or 0
    article = Article(
        page_id=page_id, source_id=source_id, url=url, kind=document.kind, title=document.title,
        published=published, language=document.language, text=document.text, text_sha256=text_sha256,
        version=latest + 1, first_run_id=run_id,
    )
    session.add(article)
    session.flush()
    connection = session.connection()
    insert_facts(connection, _fact_rows(article.id, document.facts, url, entities, _number_for(connection),
                                        default_municipality=default_municipality))
    stories.assign_story(session, article, current, fingerprint)
    if current is not None:
        current.superseded_by = article.id
        session.flush()
    return article.id, "changed" if current is not None else "new"


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def record_source_health(engine: Engine, run_id: int, source: str, *, fetched: int, new: int, changed: int,
                         unchanged: int, failed: int, blocked: int, worker: str | None = None) -> None:
    """The source's line for this run; a retried load replaces it rather than adding a second.
    `worker`: the address of the cluster's worker that ran the source, if any."""
    counts = dict(fetched=fetched, new=new, changed=changed, unchanged=unchanged, failed=failed,
                  blocked=blocked, worker=worker)
    with _transaction(engine, f"recording the health of {source} in run {run_id}") as session:
        _run(session, run_id)
        source_id = _source_id(session, source)
        session.execute(_insert(session, RunSource.__table__).values(run_id=run_id, source_id=source_id, **counts)
                        .on_conflict_do_update(index_elements=["run_id", "source_id"], set_=counts))


FACT_COLUMNS = ("article_id", "ordinal", "value", "category", "unit", "qualifier", "evidence",
                "sentence_start", "sentence_end", "number_start", "number_end", "municipality", "programme",
                "municipality_id", "programme_id", "attribution")


ARTICLE_COLUMNS = ("id", "page_id", "source_id", "url", "kind", "title", "published", "language", "text",
                   "text_sha256", "version", "superseded_by", "first_run_id", "created_at", "story_id")


def article_row(article_id: int, page_id: int | None, source_id: int, url: str, document: Document,
                published: date | None, text_sha256: str, run_id: int, created: datetime) -> tuple:
    """A new article's first version as a row in ARTICLE_COLUMNS order, for `_bulk_insert`."""
    return (article_id, page_id, source_id, url, document.kind, document.title, published, document.language,
            document.text, text_sha256, 1, None, run_id, created, None)


def insert_facts(connection: Connection, rows: list[tuple]) -> None:
    """Insert fact rows (tuples in FACT_COLUMNS order, from `_fact_rows`) by the engine's fast path.
    Part of the caller's transaction."""
    _bulk_insert(connection, models.Fact.__table__, FACT_COLUMNS, rows)


def _bulk_insert(connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (psycopg 3's copy: the rows as one stream, no statement per row),
    one executemany on SQLite (a prepared statement run per row inside one transaction).
    Rows are tuples in `columns` order: building and reading a dict per row cost more than
    SQLite's insert itself."""
    if not rows:
        return
    cursor = connection.connection.driver_connection.cursor()
    if connection.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # The sqlite3 cursor directly, with each column type's own conversion (dates; numbers are
    # ready, see _number_for): SQLAlchemy's per-row parameter processing is not needed.
    dialect = connection.dialect
    converters = [(i, convert) for i, column in enumerate(columns)
                  if column != "value" and (convert := table.c[column].type.dialect_impl(dialect)
                                            .bind_processor(dialect))]
    if converters:
        rows = [_converted(row, converters) for row in rows]
    cursor.executemany(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    cursor.close()


def _converted(row: tuple, converters: list) -> list:
    line = list(row)
    for i, convert in converters:
        if line[i] is not None:
            line[i] = convert(line[i])
    return line


def _new_ids(connection: Connection, table: str, count: int) -> list[int]:
    """`count` ids for rows of `table` written with explicit ids (COPY cannot return them)."""
    if not count:
        return []
    if connection.dialect.name == "postgresql":
        return list(connection.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),
            {"n": count}).scalars())
    # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so nobody else takes these.
    start = (connection.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1
    return list(range(start, start + count))


def _fact_rows(article_id: int, facts, url: str, entities: Entities, number, start: int = 0,
               default_municipality: str | None = None) -> list[tuple]:
    """The facts of one article as rows in FACT_COLUMNS order, numbered from `start`; a fact
    whose text names no place takes its source's `default_municipality` (sources.yaml)."""
    municipality_id, programme_id = entities.municipality_id, entities.programme_id
    return [(article_id, ordinal, number(fact.value, url), fact.category, fact.unit, fact.qualifier, fact.evidence,
             fact.sentence_start, fact.sentence_end, fact.number_start, fact.number_end,
             fact.municipality, fact.programme, municipality_id(fact.municipality), programme_id(fact.programme),
             fact.attribution)
            for ordinal, fact in enumerate(with_source_default(facts, default_municipality), start)]


def _source_municipality(session: Session, source_id: int) -> str | None:
    return session.scalar(select(Source.municipality).where(Source.id == source_id))


def _number_for(connection: Connection):
    """A fact value as the engine stores it: psycopg takes int and Decimal as they are; SQLite
    gets ExactNumeric's form (models._to_sqlite_number), made here, once, rather than per row
    at insert time."""
    if connection.dialect.name != "sqlite":
        return _value
    return _sqlite_value


def _sqlite_value(value, url: str):
    number = _value(value, url)
    return number if type(number) is int else _to_sqlite_number(number)


def _seed_entities(engine: Engine) -> None:
    try:
        seed_once(engine)
    except SQLAlchemyError as error:
        raise WarehouseError(f"seeding municipalities and programmes: {first_line(error)}") from error


def _version_with_text(url: str, text_sha256: str) -> tuple:
    """The article version of `url` whose text has this digest, as WHERE conditions."""
    return Article.url == url, Article.text_sha256 == text_sha256


def _text_stored(engine: Engine, url: str, text_sha256: str) -> bool:
    """Whether `url` has a version with this text, by a read that takes no write lock."""
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return connection.execute(select(Article.id).where(*_version_with_text(url, text_sha256))
                                      .limit(1)).first() is not None
    except SQLAlchemyError as error:
        raise WarehouseError(f"looking up article {url}: {first_line(error)}") from error


@contextmanager
def _transaction(engine: Engine, doing: str) -> Iterator[Session]:
    """One transaction; a database error (constraint, lock timeout, lost connection) becomes
    a WarehouseError saying what was being done, so callers handle one exception type."""
    try:
        with Session(engine) as session, session.begin():
            yield session
    except SQLAlchemyError as error:
        raise WarehouseError(f"{doing}: {first_line(error)}") from error


def _run(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise WarehouseError(f"no run with id {run_id}: call start_run first")
    return run


def _source_id(session: Session, name: str) -> int:
    """The id of the source called `name`, created bare when the crawl knows it and the warehouse not yet."""
    by_name = select(Source.id).where(Source.name == name)
    source_id = session.scalar(by_name)
    if source_id is None:
        session.execute(_insert(session, Source.__table__)
                        .values(name=name, start_urls=[], allowed_domains=[], municipality=None)
                        .on_conflict_do_nothing(index_elements=["name"]))
        source_id = session.scalar(by_name)
    return source_id


def _insert(session: Session, table: Table):
    """The dialect's INSERT, which has ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise WarehouseError(f"the warehouse supports SQLite and PostgreSQL, not {dialect}")


def _add_failure(session: Session, run_id: int, source_id: int | None, url: str, stage: str,
                 message: str) -> None:
    same_source = Failure.source_id.is_(None) if source_id is None else Failure.source_id == source_id
    failure = session.scalar(select(Failure).where(
        same_source, Failure.url == url, Failure.stage == stage, Failure.message == message))
    if failure is None:
        session.add(Failure(run_id=run_id, source_id=source_id, url=url, stage=stage, message=message,
                            last_run_id=run_id))
    else:
        failure.last_run_id, failure.last_seen_at = run_id, utcnow()


def _check_document(document: Document, url: str) -> None:
    """Refuse a document that breaks the record contract, rather than store facts pointing nowhere."""
    if document.kind not in _ARTICLE_KINDS:
        raise WarehouseError(f"article {url}: kind {document.kind!r} is not an article kind {_ARTICLE_KINDS}")
    if not document.text:
        raise WarehouseError(f"article {url}: the document has no text")
    for ordinal, fact in enumerate(document.facts):
        problem = None
        if fact.category not in CATEGORIES:
            problem = f"category {fact.category!r} is not one of CATEGORIES"
        elif fact.qualifier not in QUALIFIERS:
            problem = f"qualifier {fact.qualifier!r} is not one of QUALIFIERS"
        elif fact.attribution not in ATTRIBUTED_BY:
            problem = f"attribution {fact.attribution!r} is not one of ATTRIBUTED_BY"
        elif document.text[fact.sentence_start:fact.sentence_end] != fact.evidence:
            problem = f"text[{fact.sentence_start}:{fact.sentence_end}] is not its evidence"
        elif not 0 <= fact.number_start < fact.number_end <= len(document.text):
            problem = f"number offsets {fact.number_start}:{fact.number_end} are outside the text"
        if problem:
            raise WarehouseError(f"article {url}: fact {ordinal}: {problem}")


def with_storable_facts(document: Document, url: str) -> Document:
    """`document` without the facts whose value the warehouse cannot hold exactly; why each
    was left out is added to its `dropped`. One impossible number loses its fact, never
    the article and its other facts."""
    kept, dropped = [], []
    for ordinal, fact in enumerate(document.facts):
        try:
            _value(fact.value, url)
        except WarehouseError as error:
            dropped.append(f"fact dropped: {fact.category} «{fact.unit}» at {fact.number_start}: "
                           f"{str(error).removeprefix(f'article {url}: ')}")
        else:
            kept.append(fact)
    if not dropped:
        return document
    return replace(document, facts=tuple(kept), dropped=document.dropped + tuple(dropped))


def _value(value: int | float | Decimal, url: str) -> int | Decimal:
    """The value exactly: an int as it is (most values count things), a float as the Decimal it
    prints as; refused when not a finite number or too large for the warehouse."""
    if type(value) is int:
        if -_LARGEST_INT < value < _LARGEST_INT:
            return value
        value = Decimal(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise WarehouseError(f"article {url}: fact value {value!r} is not a number")
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise WarehouseError(f"article {url}: fact value {value!r} is not finite")
    number = value if isinstance(value, Decimal) else Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if abs(number) >= LARGEST_FACT_VALUE:
        # Not the value itself: a number of thousands of digits is printed in the square of its length.
        raise WarehouseError(f"article {url}: fact value of {number.adjusted() + 1} digits is too large for "
                             f"the warehouse (below 10^{LARGEST_FACT_VALUE.adjusted()})")
    return number


def _published(published: str | None, url: str) -> date | None:
    if published is None:
        return None
    try:
        return date.fromisoformat(published)
    except ValueError as error:
        raise WarehouseError(f"article {url}: published {published!r} is not an ISO date") from error


def _timestamp(text: str, url: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise WarehouseError(f"fetch of {url}: fetched_at {text!r} is not an ISO timestamp") from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
