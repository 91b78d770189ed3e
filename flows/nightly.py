"""The nightly Prefect flow: one task per source, so one failing source stops no other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from shahrnameh.flows.settings import NIGHTLY_CRON, NIGHTLY_TIMEZONE, SOURCES_AT_ONCE, quiet_prefect

quiet_prefect()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.schedules import Cron  # noqa: E402
from prefect.runtime import task_run  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from shahrnameh.flows import pipeline  # noqa: E402
from shahrnameh.flows.serverguard import guard_prefect_server  # noqa: E402
from shahrnameh.spiders.sources import Source, load_sources  # noqa: E402
from shahrnameh.warehouse import db, load  # noqa: E402

# Prefect's temporary server must not outlive a run killed with SIGKILL.
guard_prefect_server()


@task(name="crawl-source", retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE)
def crawl_task(db_url: str, source: Source, archive_root: str, run_id: int, crawl_settings: dict | None):
    with _attempt(db_url, run_id, source.name, "crawl") as attempt:
        return pipeline.crawl(source, Path(archive_root), run_id, crawl_settings), attempt


@task(name="load-source", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def load_task(db_url: str, archive_root: str, run_id: int, source: str, records):
    # Retrying is safe: loading is idempotent.
    with _attempt(db_url, run_id, source, "load") as attempt:
        return pipeline.load_crawl(db.connect(db_url), Path(archive_root), run_id, source, records), attempt


@contextmanager
def _attempt(db_url: str, run_id: int, source: str, step: str) -> Iterator[int]:
    """The number of this try of a task (1, then 2 when Prefect retries it). A try that fails is
    recorded in `failures` before Prefect retries: a retry that then succeeds hid it otherwise."""
    attempt = task_run.run_count or 1
    try:
        yield attempt
    except Exception as error:
        try:
            load.record_failure(db.connect(db_url), run_id, source=source, url="", stage=step,
                                message=f"{step} of {source}, try {attempt}: {type(error).__name__}: "
                                        f"{' '.join(str(error).split())[:500]}")
        except db.WarehouseError:  # the warehouse itself is the trouble: Prefect still retries the task
            pass
        raise


@flow(name="shahrnameh-nightly", task_runner=ThreadPoolTaskRunner(max_workers=SOURCES_AT_ONCE))
def nightly(
    sources_file: str,
    db_url: str,
    archive_root: str,
    substitutions: dict[str, str] | None = None,
    crawl_settings: dict | None = None,
) -> dict:
    """Crawl every source, read every new page, load articles and facts; returns the run summary.

    One run at a time per archive and warehouse (pipeline.exclusive_run): a second refuses at
    once. A run whose process died is closed as `interrupted` by the next one.
    """
    pipeline.settle_process()
    engine = db.connect(db_url)
    with pipeline.exclusive_run(engine, Path(archive_root)):
        run_id = load.start_run(engine)
        interrupted = load.close_interrupted_runs(engine, run_id)
        with pipeline.heartbeat(engine, run_id):
            result = _nightly_run(engine, run_id, sources_file, db_url, archive_root, substitutions, crawl_settings)
    result["interrupted"] = [{"run_id": closed, "last_seen_at": f"{seen:%Y-%m-%d %H:%M:%S}"}
                             for closed, seen in interrupted]
    return result


def _nightly_run(engine, run_id: int, sources_file: str, db_url: str, archive_root: str,
                 substitutions: dict[str, str] | None, crawl_settings: dict | None) -> dict:
    logger = get_run_logger()
    try:
        sources = load_sources(sources_file, substitutions=substitutions)
    except Exception as error:
        load.finish_run(engine, run_id, status="failed", counts={}, errors=[str(error)])
        raise
    for source in sources:
        load.upsert_source(
            engine, name=source.name, start_urls=list(source.start_urls),
            allowed_domains=list(source.allowed_domains), municipality=source.municipality,
        )
    crawls = {s.name: crawl_task.submit(db_url, s, archive_root, run_id, crawl_settings) for s in sources}
    healths: list[pipeline.SourceHealth] = []
    errors: list[str] = []
    retried: list[str] = []
    for name, crawl_future in crawls.items():
        try:
            records, crawl_tries = crawl_future.result()
            health, load_tries = load_task.submit(db_url, archive_root, run_id, name, records).result()
        except Exception as error:  # recorded; the other sources go on
            message = f"source {name} failed: {type(error).__name__}: {error}"
            logger.error(message)
            errors.append(message)
            load.record_failure(engine, run_id, source=name, url="", stage="source", message=message)
            continue
        retried += [f"source {name}: {step} succeeded on try {tries}, after failing (table failures, stage {step})"
                    for step, tries in (("crawl", crawl_tries), ("load", load_tries)) if tries > 1]
        logger.info(
            "%s: fetched %d, new %d, changed %d, unchanged %d, failed %d, blocked %d; articles +%d, facts +%d",
            name, health.fetched, health.new, health.changed, health.unchanged, health.failed,
            health.blocked, health.articles_new + health.articles_changed, health.facts_new,
        )
        healths.append(health)
        errors.extend(health.errors)
    counts = _run_counts(len(sources), healths)
    if len(healths) < len(sources):
        status = "partial" if healths else "failed"
    else:
        # Complete, but a retry is said: it hid a real fault once (two runs at once, both "succeeded").
        status = "retried" if retried else "succeeded"
    errors = retried + errors
    load.finish_run(engine, run_id, status=status, counts=counts, errors=errors)
    return {"run_id": run_id, "status": status, "counts": counts,
            "sources": [_health_row(h) for h in healths], "errors": errors}


def _run_counts(source_count: int, healths: list[pipeline.SourceHealth]) -> dict:
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
    }


def _health_row(health: pipeline.SourceHealth) -> dict:
    row = asdict(health)
    row["facts_by_category"] = dict(health.facts_by_category)
    row.pop("errors")
    return row


def nightly_deployment(sources_file: str, db_url: str, archive_root: str):
    """The nightly schedule (02:00 Tehran time) as a Prefect deployment of this flow."""
    return nightly.to_deployment(
        name="nightly",
        schedules=[Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)],
        parameters={"sources_file": sources_file, "db_url": db_url, "archive_root": archive_root},
    )
