"""A nightly run's lifecycle: start it, crawl and load each source, finish it with a report.

Plain functions over plain records, called alike by the in-process run (`run_nightly`), by
the Prefect flow (flows/nightly.py, one task per source on threads or on a Dask cluster)
and by tests. A source's work (`ingest_source`) takes only picklable arguments (a
warehouse URL, not an engine) so that it can run in another process or on another machine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shahrnameh.ingest.steps import SourceHealth, crawl, exclusive_run, heartbeat, load_crawl
from shahrnameh.spiders.records import FetchRecord
from shahrnameh.spiders.sources import Source, load_sources
from shahrnameh.warehouse import archive_queries, db, load as warehouse_load


@dataclass(frozen=True)
class Run:
    """A started run: what every source's task needs to know of it (picklable)."""

    run_id: int
    db_url: str
    archive_root: str
    sources: tuple[Source, ...]
    crawl_settings: dict | None = None
    # Runs found `running` whose process had died, closed as `interrupted` by this one:
    # {"run_id", "last_seen_at"} each.
    interrupted: tuple[dict, ...] = ()


@dataclass
class SourceOutcome:
    """One source's part of a run: its health, or why it failed as a whole."""

    source: str
    health: SourceHealth | None = None
    error: str | None = None
    # Steps that succeeded only on a later try («source X: load succeeded on try 2, …»).
    retried: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    run_id: int
    status: str  # "succeeded", "retried", "partial" or "failed" (docs/schema.md, runs.status)
    counts: dict
    sources: list[dict]
    errors: list[str] = field(default_factory=list)
    # Pages read that are no article (in the failures table, stage "classify"; nothing went wrong).
    not_article_pages: list[str] = field(default_factory=list)
    interrupted: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def start_run(db_url: str, archive_root: str | Path, sources: str | Path | Iterable[Source], *,
              substitutions: dict[str, str] | None = None, crawl_settings: dict | None = None) -> Run:
    """A new row in `runs`, the sources registered. `sources` is a sources file (read with
    `substitutions`; a bad one fails the run and raises) or the Source records themselves."""
    engine = db.connect(db_url)
    run_id = warehouse_load.start_run(engine)
    # Only a run that holds the run lock (`exclusive`) may take another `running` row for a dead one.
    interrupted = tuple({"run_id": closed, "last_seen_at": f"{seen:%Y-%m-%d %H:%M:%S}"}
                        for closed, seen in warehouse_load.close_interrupted_runs(engine, run_id))
    if isinstance(sources, (str, Path)):
        try:
            sources = load_sources(sources, substitutions=substitutions)
        except Exception as error:
            warehouse_load.finish_run(engine, run_id, status="failed", counts={}, errors=[str(error)])
            raise
    sources = tuple(sources)
    for source in sources:
        warehouse_load.upsert_source(
            engine, name=source.name, start_urls=list(source.start_urls),
            allowed_domains=list(source.allowed_domains), municipality=source.municipality,
        )
    # An archive from before the index moved into the warehouse (revision 0009): its index
    # file is imported once, after the sources are known (they are its entries' owners).
    try:
        archive_queries.import_old_index(engine, Path(archive_root))
    except Exception as error:
        warehouse_load.finish_run(engine, run_id, status="failed", counts={}, errors=[str(error)])
        raise
    return Run(run_id, db_url, str(Path(archive_root).resolve()), sources, crawl_settings, interrupted)


@contextmanager
def exclusive(db_url: str, archive_root: str | Path) -> Iterator[None]:
    """One run at a time per archive and warehouse: a second refuses at once (ArchiveError,
    WarehouseError). Re-entrant in one process, so a command can take it before Prefect starts."""
    with exclusive_run(db.connect(db_url), Path(archive_root)):
        yield


@contextmanager
def alive(run: Run) -> Iterator[None]:
    """The run marks itself alive (runs.last_seen_at) while the block runs."""
    with heartbeat(db.connect(run.db_url), run.run_id):
        yield


def crawl_source(run: Run, source: Source) -> list[FetchRecord]:
    """The source crawled into the raw archive: its fetched pages, in memory."""
    return crawl(db.connect(run.db_url), source, Path(run.archive_root), run.run_id, run.crawl_settings,
                 interrupted=tuple(closed["run_id"] for closed in run.interrupted))


def load(run: Run, source: str, records: list[FetchRecord], *, worker: str | None = None) -> SourceHealth:
    """A source's fetched pages read and loaded into the warehouse; idempotent, so a retry is safe.
    `worker`: the cluster worker's address, kept in the source's line of the run."""
    return load_crawl(db.connect(run.db_url), Path(run.archive_root), run.run_id, source, records, worker=worker)


def ingest_source(run: Run, source: Source, *, worker: str | None = None) -> SourceHealth:
    """Crawl + load of one source: the unit of work a task or a worker runs."""
    return load(run, source.name, crawl_source(run, source), worker=worker)


def source_failed(run: Run, source: str, error: BaseException) -> SourceOutcome:
    """A source whose crawl or load raised: recorded in `failures`; the other sources go on."""
    message = f"source {source} failed: {type(error).__name__}: {error}"
    warehouse_load.record_failure(db.connect(run.db_url), run.run_id, source=source, url="", stage="source",
                                  message=message)
    return SourceOutcome(source, error=message)


def finish_run(run: Run, outcomes: list[SourceOutcome]) -> RunReport:
    """The run's counts and status written to `runs`; its report returned."""
    healths = [outcome.health for outcome in outcomes if outcome.health is not None]
    retried = [note for outcome in outcomes for note in outcome.retried]
    errors: list[str] = list(retried)
    for outcome in outcomes:
        errors.extend(outcome.health.errors if outcome.health is not None else [outcome.error])
    counts = _run_counts(len(run.sources), healths)
    if len(healths) < len(run.sources):
        status = "partial" if healths else "failed"
    else:
        # Complete, but a retry is said: it hid a real fault once (two runs at once, both "succeeded").
        status = "retried" if retried else "succeeded"
    warehouse_load.finish_run(db.connect(run.db_url), run.run_id, status=status, counts=counts, errors=errors)
    not_article_pages = [page for health in healths for page in health.not_article_pages]
    return RunReport(run.run_id, status, counts, [_health_row(h) for h in healths], errors, not_article_pages,
                     list(run.interrupted))


def run_nightly(db_url: str, archive_root: str | Path, sources: str | Path | Iterable[Source], *,
                substitutions: dict[str, str] | None = None, crawl_settings: dict | None = None,
                sources_at_once: int = 8, started: Callable[[Run], None] | None = None) -> RunReport:
    """A whole run in this process: `sources_at_once` sources crawled at a time, each loaded once crawled.

    A one-off run: it does not `settle_process` first, which pays off in a process that
    runs many (a flow's, a worker's), not in one whose run may read no page at all.
    `started(run)` is called once the run is started and its sources read.
    """
    with exclusive(db_url, archive_root):
        run = start_run(db_url, archive_root, sources, substitutions=substitutions, crawl_settings=crawl_settings)
        if started is not None:
            started(run)
        outcomes: list[SourceOutcome] = []
        with alive(run), ThreadPoolExecutor(max_workers=sources_at_once) as pool:
            crawls = {source.name: pool.submit(crawl_source, run, source) for source in run.sources}
            for name, crawled in crawls.items():
                try:
                    outcomes.append(SourceOutcome(name, health=load(run, name, crawled.result())))
                except Exception as error:  # recorded; the other sources go on
                    outcomes.append(source_failed(run, name, error))
        return finish_run(run, outcomes)


def _run_counts(source_count: int, healths: list[SourceHealth]) -> dict:
    by_category: Counter = Counter()
    for health in healths:
        by_category.update(health.facts_by_category)
    return {
        "sources": source_count,
        "pages_fetched": sum(h.fetched for h in healths),
        "articles_new": sum(h.articles_new for h in healths),
        "articles_changed": sum(h.articles_changed for h in healths),
        "facts_new": sum(h.facts_new for h in healths),
        "facts_new_by_category": dict(by_category),
        "failed": sum(h.failed for h in healths),
        "blocked": sum(h.blocked for h in healths),
        "not_articles": sum(len(h.not_article_pages) for h in healths),
    }


def _health_row(health: SourceHealth) -> dict:
    row = asdict(health)
    row["facts_by_category"] = dict(health.facts_by_category)
    row.pop("errors")
    row.pop("not_article_pages")
    return row
