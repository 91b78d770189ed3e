"""The nightly Prefect flow: one task per source (crawl + load), so one failing source stops no other.

A thin adapter over the core (shahrnameh.ingest): the task runner decides where the
sources' tasks run, on this process's threads or on a Dask cluster's workers.
"""

from __future__ import annotations

import sys

from shahrnameh.flows.settings import NIGHTLY_CRON, NIGHTLY_TIMEZONE, SOURCES_AT_ONCE, quiet_prefect

quiet_prefect()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.schedules import Cron  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from shahrnameh import ingest  # noqa: E402
from shahrnameh.spiders.sources import Source  # noqa: E402


@task(name="ingest-source", retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE)
def ingest_task(run: ingest.Run, source: Source) -> ingest.SourceHealth:
    # Retrying is safe: a second crawl finds the pages archived, and loading is idempotent.
    ingest.settle_process()  # once per process: this one's or a Dask worker's
    return ingest.ingest_source(run, source, worker=dask_worker())


def dask_worker() -> str | None:
    """The address of the Dask worker running this task, None when not on a cluster."""
    if "distributed" not in sys.modules:
        return None
    from distributed import get_worker

    try:
        return get_worker().address
    except ValueError:  # a thread of the flow's own process
        return None


@flow(name="shahrnameh-nightly", task_runner=ThreadPoolTaskRunner(max_workers=SOURCES_AT_ONCE))
def nightly(
    sources_file: str,
    db_url: str,
    archive_root: str,
    substitutions: dict[str, str] | None = None,
    crawl_settings: dict | None = None,
) -> dict:
    """Crawl every source, read every new page, load articles and facts; returns the run summary."""
    logger = get_run_logger()
    ingest.settle_process()
    run = ingest.start_run(db_url, archive_root, sources_file, substitutions=substitutions,
                           crawl_settings=crawl_settings)
    futures = {source.name: ingest_task.submit(run, source) for source in run.sources}
    outcomes: list[ingest.SourceOutcome] = []
    for name, future in futures.items():
        try:
            health = future.result()
        except Exception as error:  # recorded; the other sources go on
            outcome = ingest.source_failed(run, name, error)
            logger.error(outcome.error)
            outcomes.append(outcome)
            continue
        logger.info(
            "%s: fetched %d, new %d, changed %d, unchanged %d, failed %d, blocked %d; articles +%d, facts +%d",
            name, health.fetched, health.new, health.changed, health.unchanged, health.failed,
            health.blocked, health.articles_new + health.articles_changed, health.facts_new,
        )
        outcomes.append(ingest.SourceOutcome(name, health=health))
    return ingest.finish_run(run, outcomes).as_dict()


def nightly_deployment(sources_file: str, db_url: str, archive_root: str):
    """The nightly schedule (02:00 Tehran time) as a Prefect deployment of this flow."""
    return nightly.to_deployment(
        name="nightly",
        schedules=[Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)],
        parameters={"sources_file": sources_file, "db_url": db_url, "archive_root": archive_root},
    )
