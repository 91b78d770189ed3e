"""The nightly Prefect flow: one task per source (crawl + load), so one failing source stops no other.

A thin adapter over the core (shahrnameh.ingest): the task runner decides where the
sources' tasks run, on this process's threads or on a Dask cluster's workers.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from shahrnameh.flows.settings import NIGHTLY_CRON, NIGHTLY_TIMEZONE, SOURCES_AT_ONCE, quiet_prefect

quiet_prefect()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.schedules import Cron  # noqa: E402
from prefect.runtime import task_run  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from shahrnameh import ingest  # noqa: E402
from shahrnameh.flows.serverguard import guard_prefect_server  # noqa: E402
from shahrnameh.spiders.sources import Source  # noqa: E402
from shahrnameh.warehouse import db, load  # noqa: E402

# Prefect's temporary server must not outlive a run killed with SIGKILL.
guard_prefect_server()


@task(name="ingest-source", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def ingest_task(run: ingest.Run, source: Source) -> tuple[ingest.SourceHealth, int]:
    # Retrying is safe: a second crawl finds the pages archived, and loading is idempotent.
    with _attempt(run, source.name) as attempt:
        ingest.settle_process()  # once per process: this one's or a Dask worker's
        return ingest.ingest_source(run, source, worker=dask_worker()), attempt


@contextmanager
def _attempt(run: ingest.Run, source: str) -> Iterator[int]:
    """The number of this try of a task (1, then 2 when Prefect retries it). A try that fails is
    recorded in `failures` before Prefect retries: a retry that then succeeds hid it otherwise."""
    attempt = task_run.run_count or 1
    try:
        yield attempt
    except Exception as error:
        try:
            load.record_failure(db.connect(run.db_url), run.run_id, source=source, url="", stage="source",
                                message=f"crawl and load of {source}, try {attempt}: {type(error).__name__}: "
                                        f"{' '.join(str(error).split())[:500]}")
        except db.WarehouseError:  # the warehouse itself is the trouble: Prefect still retries the task
            pass
        raise


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
    """Crawl every source, read every new page, load articles and facts; returns the run summary.

    One run at a time per archive and warehouse (ingest.exclusive): a second refuses at once.
    A run whose process died is closed as `interrupted` by the next one.
    """
    logger = get_run_logger()
    ingest.settle_process()
    with ingest.exclusive(db_url, archive_root):
        run = ingest.start_run(db_url, archive_root, sources_file, substitutions=substitutions,
                               crawl_settings=crawl_settings)
        with ingest.alive(run):
            futures = {source.name: ingest_task.submit(run, source) for source in run.sources}
            outcomes: list[ingest.SourceOutcome] = []
            for name, future in futures.items():
                try:
                    health, tries = future.result()
                except Exception as error:  # recorded; the other sources go on
                    outcome = ingest.source_failed(run, name, error)
                    logger.error(outcome.error)
                    outcomes.append(outcome)
                    continue
                logger.info(
                    "%s: fetched %d, new %d, changed %d, unchanged %d, failed %d, blocked %d; articles +%d, "
                    "facts +%d", name, health.fetched, health.new, health.changed, health.unchanged, health.failed,
                    health.blocked, health.articles_new + health.articles_changed, health.facts_new,
                )
                retried = [f"source {name}: crawl and load succeeded on try {tries}, after failing "
                           "(table failures, stage source)"] if tries > 1 else []
                outcomes.append(ingest.SourceOutcome(name, health=health, retried=retried))
        return ingest.finish_run(run, outcomes).as_dict()


def nightly_deployment(sources_file: str, db_url: str, archive_root: str):
    """The nightly schedule (02:00 Tehran time) as a Prefect deployment of this flow."""
    return nightly.to_deployment(
        name="nightly",
        schedules=[Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)],
        parameters={"sources_file": sources_file, "db_url": db_url, "archive_root": archive_root},
    )
