"""The nightly run's steps as plain functions: testable without Prefect.

crawl (spiders → raw archive) → read (nlp) → load (warehouse); data moves one way.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from shahrnameh import filelock
from shahrnameh.flows.settings import HEARTBEAT_S

from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.nlp.pdf import is_pdf, looks_like_pdf, read_pdf
from shahrnameh.nlp.records import Document
from shahrnameh.spiders.archive import Archive, ArchiveError, holds_warc_files, known_in_warc_files
from shahrnameh.spiders.crawl import crawl_source, prepare_in_process
from shahrnameh.spiders.records import FetchRecord, newest
from shahrnameh.spiders.sources import Source
from shahrnameh.warehouse import archive_queries, db, load
from shahrnameh.warehouse.db import WarehouseError

_READABLE_KINDS = {"article", "report"}
# In the archive's root: held by the run writing to it.
RUN_LOCK_NAME = "run.lock"


@dataclass
class SourceHealth:
    """One source's line on the status board of a run."""

    source: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    blocked: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    facts_new: int = 0
    facts_by_category: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # Pages read that are no article (media and index pages, block pages, redirect shells):
    # in the failures table (stage "classify") like errors, but nothing went wrong.
    not_article_pages: list[str] = field(default_factory=list)

    def add(self, other: SourceHealth) -> None:
        """The counts of another part of the same source's work (a reparse batch), added to these."""
        for name in ("fetched", "new", "changed", "unchanged", "failed", "blocked", "articles_new",
                     "articles_changed", "facts_new"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.facts_by_category.update(other.facts_by_category)
        self.errors.extend(other.errors)
        self.not_article_pages.extend(other.not_article_pages)


def _is_page(content_type: str | None) -> bool:
    """HTML or text, or no Content-Type at all (then the bytes decide, in decode_page)."""
    if not content_type:
        return True
    media = content_type.split(";")[0].strip().lower()
    return media.startswith("text/") or media in ("application/xhtml+xml", "application/xml")


_settling = threading.Lock()


def settle_process() -> None:
    # A Dask worker's threads may all start with it: one settles, the others wait for it.
    with _settling:
        _settle_process()


@lru_cache(maxsize=1)
def _settle_process() -> None:
    """Loads what every run of this process uses (the reader's word tables, Scrapy and the
    crawl reactor), then sets it all aside from the garbage collector with gc.freeze, once
    per process. Those ~200k objects live as long as the process, yet every full collection
    walked them again: 60-120 ms each, a few per run (measured; one falling in a nightly run
    in which nothing changed made it cost twice as much). Collected first, so no garbage is
    frozen with them."""
    read_document("<html><body><p>گرم کردن</p></body></html>", is_html=True)
    prepare_in_process()
    gc.collect()
    gc.freeze()


@contextmanager
def exclusive_run(engine, archive_root: Path) -> Iterator[None]:
    """Held by a nightly run: one run at a time per archive and per warehouse. A second run
    refuses at once (ArchiveError, WarehouseError) instead of racing the first one's writes
    (two runs at once gave 60 `database is locked` errors in the archive's old index, hidden
    by retries). The operating system lets go of both when the run's process dies."""
    archive_root = Path(archive_root)
    with ExitStack() as held:
        try:
            held.enter_context(filelock.exclusive(archive_root / RUN_LOCK_NAME))
        except filelock.LockBusy as busy:
            raise ArchiveError(f"another run is using the archive {archive_root} ({busy}): "
                               "wait for it to finish") from None
        held.enter_context(db.run_lock(engine))
        yield


@contextmanager
def heartbeat(engine, run_id: int, every_s: float = HEARTBEAT_S) -> Iterator[None]:
    """Marks the run alive (runs.last_seen_at) every `every_s` seconds while the block runs, so
    that a run killed in the middle is later closed with when it was last seen."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                load.run_alive(engine, run_id)
            except WarehouseError:  # a busy warehouse delays one beat; the run goes on
                pass

    beating = threading.Thread(target=beat, name=f"run-{run_id}-heartbeat", daemon=True)
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()


def crawl(engine, source: Source, archive_root: Path, run_id: int, crawl_settings: dict | None, *,
          interrupted: tuple[int, ...] = ()) -> list[FetchRecord]:
    """The source crawled into the raw archive, conditionally on what the warehouse's archive
    index knows of its URLs; the index then knows what this crawl downloaded (before anything
    is loaded: a run that dies before loading is not downloaded again).

    What the index cannot know is read from the WARC files: all of the source's when the
    index knows nothing of it (a new source, or a warehouse new to an archive that holds its
    pages: the default archive is shared by every warehouse under SHAHRNAMEH_HOME), else
    those of this run (an attempt lost with its worker) and of `interrupted` runs (killed
    before the core recorded what their crawl downloaded)."""
    known = archive_queries.known_fetches(engine, source.name)
    from_files = known_in_warc_files(archive_root, source.name, runs=(*interrupted, run_id) if known else None)
    known = newest(known, from_files)
    # On the process's shared reactor thread when possible: no Python and Scrapy start-up per source.
    records = crawl_source(source, archive_root, run_id=run_id, known=known, settings_overrides=crawl_settings,
                           isolated=None)
    archive_queries.remember_fetches(engine, source.name, records, known_before={
        url: entry for url, entry in from_files.items() if known[url] is entry})
    return records


def load_crawl(engine, archive_root: Path, run_id: int, source: str, records: list[FetchRecord], *,
               worker: str | None = None) -> SourceHealth:
    """Archive records of one source's crawl → pages, articles and facts in the warehouse.

    New and changed bodies are read. An unchanged body is read only if no earlier load into
    this warehouse read it to the end: a run that died between fetching and loading is
    completed this way, and so is a new warehouse over an archive that already holds the
    pages. Such a body is read as a first sighting, its failure recorded like a new one's.
    Re-reading every archived body with today's nlp is `reparse`'s job, not the nightly's.
    """
    health = SourceHealth(source)
    archive = Archive(archive_root)
    to_read = []
    seen = archive_queries.touch_unchanged_pages(
        engine, run_id, [(r.url, r.sha256) for r in records if r.outcome == "unchanged" and r.sha256])
    for record in records:
        if record.status is not None:
            health.fetched += 1
        setattr(health, record.outcome, getattr(health, record.outcome) + 1)
        page_id = seen.get((record.url, record.sha256)) if record.outcome == "unchanged" else None
        if page_id is None:
            page_id, _ = load.record_fetch(engine, run_id, record)
        if record.error:
            health.errors.append(f"{record.url}: {record.error}")
        if (record.role not in ("article", "report") or record.outcome in ("failed", "blocked")
                or record.sha256 is None or record.archive_path is None):
            continue
        to_read.append((record, page_id))
    already_read = archive_queries.pages_already_read(
        engine, [page_id for record, page_id in to_read if record.outcome == "unchanged" and page_id is not None])
    for record, page_id in to_read:
        if record.outcome == "unchanged" and page_id in already_read:
            continue
        read_and_load(engine, archive, run_id, source, health, url=record.url, page_id=page_id,
                      sha256=record.sha256, content_type=record.content_type, encoding=record.encoding,
                      archive_path=record.archive_path, archive_offset=record.archive_offset)
    load.record_source_health(
        engine, run_id, source,
        fetched=health.fetched, new=health.new, changed=health.changed,
        unchanged=health.unchanged, failed=health.failed, blocked=health.blocked, worker=worker,
    )
    return health


def read_and_load(engine, archive: Archive, run_id: int, source: str, health: SourceHealth, *, url: str,
                  page_id: int | None, sha256: str, content_type: str | None, encoding: str | None,
                  archive_path: str, archive_offset: int) -> tuple[str | None, Document | None]:
    """One archived body → article and facts in the warehouse; the crawl and `reparse` share it.

    Returns the article's load outcome ("new", "changed", "unchanged") and the document read;
    (None, the document) when the body is not an article; (None, None) when it could not be
    read or loaded. Each of those is recorded in `failures` (the same failure again only
    moves its last_run_id). `health` is updated. The body read must be `url`'s with digest
    `sha256`: any other is a read failure, never another page's text.
    """
    if not _is_page(content_type) and not looks_like_pdf(content_type, url):
        _not_an_article(engine, run_id, source, url, health, "not_html",
                        f"{content_type.split(';')[0].strip()} is not a page to read")
        return None, None
    try:
        body = archive.read_body(archive_path, archive_offset, url=url, sha256=sha256)
        if is_pdf(body, content_type):  # a report: kind "report", or "empty" when scanned
            document = read_pdf(body, url=url)
        else:
            document = read_document(decode_page(body, encoding), is_html=True, url=url)
    except Exception as error:  # one bad page must not lose the rest of the run
        health.failed += 1
        _failure(engine, run_id, source, url, health, "read", f"{type(error).__name__}: {error}")
        return None, None
    if document.kind not in _READABLE_KINDS:
        health.blocked += document.kind == "block_page"
        _not_an_article(engine, run_id, source, url, health, document.kind,
                        document.reason or "no article text")
        return None, document
    document = load.with_storable_facts(document, url)
    try:
        _, outcome = load.load_document(engine, run_id, page_id=page_id, source=source, url=url, document=document)
    except WarehouseError as error:  # the warehouse refused this document; the rest go on
        health.failed += 1
        _failure(engine, run_id, source, url, health, "load", str(error))
        return None, None
    for reason in document.dropped:  # the article is stored; these facts of it are not
        _failure(engine, run_id, source, url, health, "extract", reason)
    if outcome in ("new", "changed"):
        setattr(health, f"articles_{outcome}", getattr(health, f"articles_{outcome}") + 1)
        health.facts_new += len(document.facts)
        health.facts_by_category.update(fact.category for fact in document.facts)
    return outcome, document


def _failure(engine, run_id: int, source: str, url: str, health: SourceHealth, stage: str, message: str) -> None:
    load.record_failure(engine, run_id, source=source, url=url, stage=stage, message=message)
    health.errors.append(f"{url}: {message}")


def _not_an_article(engine, run_id: int, source: str, url: str, health: SourceHealth, kind: str, reason: str) -> None:
    load.record_failure(engine, run_id, source=source, url=url, stage="classify", message=f"{kind}: {reason}")
    health.not_article_pages.append(f"{url}: {reason}" if kind == "not_article"
                                    else f"{url}: {kind.replace('_', ' ')}: {reason}")


@dataclass
class ReparseResult:
    run_id: int
    pages: int = 0
    unchanged: int = 0
    not_articles: int = 0
    # Same text, other facts (an nlp change): the URLs whose facts were re-extracted.
    refreshed: list[str] = field(default_factory=list)
    facts_refreshed: int = 0
    health: dict[str, SourceHealth] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return [error for health in self.health.values() for error in health.errors]

    @property
    def not_article_pages(self) -> list[str]:
        return [page for health in self.health.values() for page in health.not_article_pages]

    def add(self, other: ReparseResult) -> None:
        """Another batch's counts of the same reparse, added to these."""
        self.pages += other.pages
        self.unchanged += other.unchanged
        self.not_articles += other.not_articles
        self.refreshed.extend(other.refreshed)
        self.facts_refreshed += other.facts_refreshed
        for name, health in other.health.items():
            self.health.setdefault(name, SourceHealth(name)).add(health)


def reparse(engine, archive_root: Path, *, source: str | None = None,
            started: Callable[[int], None] | None = None) -> ReparseResult:
    """Read every current article page again from the raw archive (no network) and load it.

    For after an nlp improvement: a text that reads the same changes nothing; a text that
    reads differently becomes the article's new version (the old one and its facts stay,
    superseded). It is a run of its own in `runs`, and its failures go to `failures`.
    `started(run_id)` is called once the run is started, the archive and the source found.
    """
    with db.run_lock(engine):  # no nightly run loads beside it, nor closes its row as interrupted
        run_id, pages = start_reparse(engine, archive_root, source=source)
        if started is not None:
            started(run_id)
        result = ReparseResult(run_id)
        try:
            reparse_pages(engine, archive_root, pages, result)
        except BaseException as error:
            finish_reparse(engine, result, stopped_by=error)
            raise
        finish_reparse(engine, result)
        return result


def start_reparse(engine, archive_root: Path, *, source: str | None = None) -> tuple[int, list[dict]]:
    """The reparse's run in `runs` and the archived pages it reads (see `reparse`)."""
    archive_root = Path(archive_root)
    if not holds_warc_files(archive_root):
        raise ArchiveError(f"no raw archive at {archive_root} (expected its run-N/*.warc.gz files there)")
    if source is not None and source not in archive_queries.source_names(engine):
        raise WarehouseError(f"no source named {source!r} in the warehouse")
    pages = archive_queries.current_article_pages(engine, source)
    return load.start_run(engine), pages


def reparse_pages(engine, archive_root: Path, pages: list[dict], result: ReparseResult) -> ReparseResult:
    """Some of a reparse's pages read and loaded, counted into `result` (also when one raises)."""
    archive = Archive(Path(archive_root))
    try:
        for page in pages:
            health = result.health.setdefault(page["source"], SourceHealth(page["source"]))
            result.pages += 1
            outcome, document = read_and_load(
                engine, archive, result.run_id, page["source"], health, url=page["url"], page_id=page["page_id"],
                sha256=page["sha256"],
                content_type=page["content_type"], encoding=page["encoding"],
                archive_path=page["archive_path"], archive_offset=page["archive_offset"])
            if outcome is None and document is not None:
                result.not_articles += 1
            elif outcome == "unchanged":
                result.unchanged += 1
                _refresh_facts(engine, result.run_id, page["source"], page["url"], document, health, result)
    finally:
        archive.close()
    return result


def finish_reparse(engine, result: ReparseResult, *, stopped_by: BaseException | None = None) -> None:
    if stopped_by is None:
        load.finish_run(engine, result.run_id, status="succeeded", counts=_reparse_counts(result),
                        errors=result.errors)
    else:
        load.finish_run(engine, result.run_id, status="failed", counts=_reparse_counts(result),
                        errors=[*result.errors, f"reparse stopped: {type(stopped_by).__name__}: {stopped_by}"])


def _refresh_facts(engine, run_id: int, source: str, url: str, document: Document, health: SourceHealth,
                   result: ReparseResult) -> None:
    """Same text, maybe other facts: the warehouse keeps the old ones retired, stores the new."""
    try:
        stored = load.refresh_facts(engine, run_id, url=url, document=document)
    except WarehouseError as error:
        health.failed += 1
        _failure(engine, run_id, source, url, health, "load", str(error))
        return
    if stored is not None:
        result.refreshed.append(url)
        result.facts_refreshed += stored
        health.facts_new += stored
        health.facts_by_category.update(fact.category for fact in document.facts)


def _reparse_counts(result: ReparseResult) -> dict:
    healths = result.health.values()
    by_category: Counter = Counter()
    for health in healths:
        by_category.update(health.facts_by_category)
    return {
        "kind": "reparse", "pages_read": result.pages,
        "articles_new": sum(h.articles_new for h in healths),
        "articles_changed": sum(h.articles_changed for h in healths),
        "articles_unchanged": result.unchanged, "not_articles": result.not_articles,
        "facts_new": sum(h.facts_new for h in healths), "facts_new_by_category": dict(by_category),
        "facts_refreshed_articles": len(result.refreshed), "facts_refreshed": result.facts_refreshed,
        "failed": sum(h.failed for h in healths),
    }
