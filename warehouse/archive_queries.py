"""The warehouse's side of the raw archive: its index (what each source last downloaded, for
incremental crawling), and which archived bodies are the current pages (for `reparse`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, select, tuple_, update
from sqlalchemy.orm import Session

from shahrnameh.spiders.archive import warc_name
from shahrnameh.spiders.records import FetchRecord, KnownFetches, known_after
from shahrnameh.warehouse.db import WarehouseError, first_line
from shahrnameh.warehouse.load import _insert, _source_id
from shahrnameh.warehouse.models import ArchiveIndexEntry, Article, Failure, Page, Source, utcnow

# The archive's index before revision 0009: a SQLite file in the archive folder. Imported once,
# then kept under its name + IMPORTED_SUFFIX.
OLD_INDEX_NAME = "index.sqlite"
IMPORTED_SUFFIX = ".imported"
_INDEX_BATCH = 300  # rows per INSERT: 11 columns each, well under SQLite's bound parameters


def known_fetches(engine: Engine, source: str) -> KnownFetches:
    """What the archive index knows of the source's URLs: url → its entry (records.KNOWN_FIELDS)."""
    query = (select(ArchiveIndexEntry).join(Source, Source.id == ArchiveIndexEntry.source_id)
             .where(Source.name == source))
    try:
        with Session(engine) as session:
            entries = session.scalars(query).all()
            return {entry.url: _known(entry) for entry in entries}
    except Exception as error:  # SQLAlchemy's errors, as one line naming what was asked
        raise WarehouseError(f"reading the archive index of {source}: {first_line(error)}") from error


def remember_fetches(engine: Engine, source: str, records: Iterable[FetchRecord], *,
                     known_before: KnownFetches | None = None) -> int:
    """The archive index after a crawl of `source`: each URL downloaded (2xx) now points at the
    body it was downloaded with, and keeps that response's validators; `known_before` (what
    the crawl knew and the warehouse did not yet) is kept too. One transaction; only this
    source's rows, so sources crawled at once never write the same row. Returns how many."""
    known = known_after(records, known_before)
    if not known:
        return 0
    try:
        with Session(engine) as session, session.begin():
            source_id = _source_id(session, source)
            rows = [_row(source_id, url, entry) for url, entry in known.items()]
            for start in range(0, len(rows), _INDEX_BATCH):
                statement = _insert(session, ArchiveIndexEntry.__table__).values(rows[start:start + _INDEX_BATCH])
                changed = {column: statement.excluded[column] for column in rows[0] if column not in ("source_id", "url")}
                session.execute(statement.on_conflict_do_update(index_elements=["source_id", "url"], set_=changed))
    except Exception as error:
        raise WarehouseError(f"updating the archive index of {source}: {first_line(error)}") from error
    return len(known)


def import_old_index(engine: Engine, archive_root: Path) -> tuple[int, int] | None:
    """The archive's old index.sqlite (before revision 0009), copied into the archive index once
    and renamed index.sqlite.imported; None when there is none. Returns (entries imported,
    URLs no source of the warehouse could take).

    The old index knew URLs, not sources: an entry goes to every source whose allowed domains
    hold the URL's host (so each of them asks conditionally, as all of them did before), else
    to the source whose WARC file holds its body. An entry already in the warehouse is newer
    and stays. Only for a run that holds the archive's run lock (ingest.exclusive)."""
    path = Path(archive_root) / OLD_INDEX_NAME
    if not path.is_file():
        return None
    try:
        # Not read-only: opening it merges a write-ahead log a killed crawl may have left.
        old = sqlite3.connect(path, timeout=60)
        try:
            rows = old.execute("SELECT url, sha256, etag, last_modified, archive_path, offset, length, fetched_at, "
                               "content_type, encoding FROM last_fetch").fetchall()
        finally:
            old.close()
    except sqlite3.Error as error:
        raise WarehouseError(f"importing the old archive index {path}: {error}") from error
    keys = ("sha256", "etag", "last_modified", "archive_path", "offset", "length", "fetched_at", "content_type",
            "encoding")
    imported, homeless = 0, 0
    try:
        with Session(engine) as session, session.begin():
            sources = session.execute(select(Source.id, Source.name, Source.allowed_domains)).all()
            by_file = {warc_name(name): source_id for source_id, name, _ in sources}
            entries = []
            for url, *values in rows:
                entry = dict(zip(keys, values))
                owners = _sources_of_host(urlsplit(url).hostname or "", sources)
                if not owners:
                    by_name = by_file.get(Path(entry["archive_path"]).name.removesuffix(".warc.gz"))
                    owners = [by_name] if by_name is not None else []
                homeless += not owners
                entries += [_row(source_id, url, entry) for source_id in owners]
            for start in range(0, len(entries), _INDEX_BATCH):
                statement = _insert(session, ArchiveIndexEntry.__table__).values(entries[start:start + _INDEX_BATCH])
                session.execute(statement.on_conflict_do_nothing(index_elements=["source_id", "url"]))
            imported = len(entries)
    except Exception as error:
        raise WarehouseError(f"importing the old archive index {path}: {first_line(error)}") from error
    for leftover in ("", "-wal", "-shm"):
        old_file = path.with_name(path.name + leftover)
        if old_file.exists():
            old_file.rename(path.with_name(OLD_INDEX_NAME + IMPORTED_SUFFIX + leftover))
    return imported, homeless


def _sources_of_host(host: str, sources) -> list[int]:
    host = host.lower()
    return [source_id for source_id, _, domains in sources
            if any(host == domain.lower() or host.endswith("." + domain.lower()) for domain in domains or [])]


def _row(source_id: int, url: str, entry: dict) -> dict:
    fetched_at = datetime.fromisoformat(str(entry["fetched_at"]).replace("Z", "+00:00"))
    if fetched_at.tzinfo is not None:
        fetched_at = fetched_at.astimezone(UTC).replace(tzinfo=None)
    return {"source_id": source_id, "url": url, "sha256": entry["sha256"], "etag": entry["etag"],
            "last_modified": entry["last_modified"], "archive_path": entry["archive_path"],
            "archive_offset": entry["offset"], "length": entry["length"], "fetched_at": fetched_at,
            "content_type": entry["content_type"], "encoding": entry["encoding"]}


def _known(entry: ArchiveIndexEntry) -> dict:
    return {"sha256": entry.sha256, "etag": entry.etag, "last_modified": entry.last_modified,
            "archive_path": entry.archive_path, "offset": entry.archive_offset, "length": entry.length,
            "fetched_at": entry.fetched_at.replace(tzinfo=UTC).isoformat(timespec="seconds"),
            "content_type": entry.content_type, "encoding": entry.encoding}


def current_article_pages(engine: Engine, source: str | None = None) -> list[dict]:
    """Per article (or report) URL, the body it was last seen with: the one to read again.

    An older body of the same URL is history; reading it again would make its text the
    current version once more. "Last seen" is the page's last run, then its id (the later
    insert), so a page that went back to an earlier body is read as that body.
    """
    query = (select(Page.id, Page.url, Page.sha256, Page.content_type, Page.encoding, Page.archive_path, Page.archive_offset,
                    Source.name)
             .join(Source, Source.id == Page.source_id)
             .where(Page.role.in_(("article", "report")), Page.outcome.not_in(("failed", "blocked")),
                    Page.archive_path.is_not(None), Page.archive_offset.is_not(None))
             .order_by(Page.url, Page.last_run_id.desc(), Page.id.desc()))
    if source is not None:
        query = query.where(Source.name == source)
    try:
        with Session(engine) as session:
            rows = session.execute(query).all()
    except Exception as error:  # SQLAlchemy's errors, as one line naming what was asked
        raise WarehouseError(f"listing the archived article pages: {first_line(error)}") from error
    pages: dict[str, dict] = {}
    for page_id, url, sha256, content_type, encoding, archive_path, archive_offset, source_name in rows:
        pages.setdefault(url, {"page_id": page_id, "url": url, "sha256": sha256, "content_type": content_type,
                               "encoding": encoding, "archive_path": archive_path,
                               "archive_offset": archive_offset, "source": source_name})
    return list(pages.values())


def source_names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Source.name).order_by(Source.name)))


def pages_already_read(engine: Engine, page_ids: list[int]) -> set[int]:
    """Those of these pages that an earlier load read to the end: an article version came from
    it, or its URL was classified as no article since the page was first stored."""
    if not page_ids:
        return set()
    wanted = list(dict.fromkeys(page_ids))
    read: set[int] = set()
    with Session(engine) as session:
        for start in range(0, len(wanted), 500):  # bound the IN list
            chunk = wanted[start:start + 500]
            read.update(session.scalars(select(Article.page_id).where(Article.page_id.in_(chunk))))
            classified = (select(Page.id).join(Failure, Failure.url == Page.url)
                          .where(Page.id.in_(chunk), Failure.stage == "classify",
                                 Failure.last_run_id >= Page.first_run_id))
            read.update(session.scalars(classified))
    return read


def touch_unchanged_pages(engine: Engine, run_id: int, bodies: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Mark already stored (url, sha256) bodies as seen in this run, in one transaction.

    The same effect as load.record_fetch for an unchanged fetch, without a transaction per
    page, which is most of a nightly run in which nothing changed. Returns the page id of
    each body found; bodies not stored yet are left to record_fetch.
    """
    if not bodies:
        return {}
    found: dict[tuple[str, str], int] = {}
    wanted = list(dict.fromkeys(bodies))
    try:
        with Session(engine) as session, session.begin():
            for start in range(0, len(wanted), 400):
                chunk = wanted[start:start + 400]
                rows = session.execute(select(Page.id, Page.url, Page.sha256)
                                       .where(tuple_(Page.url, Page.sha256).in_(chunk))).all()
                found.update({(url, sha256): page_id for page_id, url, sha256 in rows})
                if rows:
                    session.execute(update(Page).where(Page.id.in_([row[0] for row in rows]))
                                    .values(last_run_id=run_id, last_seen_at=utcnow()))
    except Exception as error:
        raise WarehouseError(f"marking unchanged pages as seen in run {run_id}: {first_line(error)}") from error
    return found
