"""The reparse as a Prefect flow: one task per batch of archived pages (read + extract + load).

A thin adapter over the core (shahrnameh.ingest): on a Dask cluster the batches are read
by the cluster's workers at once; the run, its counts and its failures are the core's.
"""

from __future__ import annotations

from pathlib import Path

from shahrnameh.flows.settings import quiet_prefect

quiet_prefect()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from shahrnameh import ingest  # noqa: E402
from shahrnameh.warehouse import db  # noqa: E402

# Pages per task: a Prefect task on a Dask worker costs ~0.1 s of the worker's CPU (two API
# clients, each loading the CA bundle; the run's settings rebuilt) and as much again in
# Prefect's server, which shares the machine with the workers (py-spy, 150 tasks of 20 pages:
# +0.17 s a task). 1,000 pages (~20 s of reading) keep that under 1%; an archive too small
# for 16 such batches is cut into BATCHES_AT_LEAST batches of at least 10 pages, so that the
# batches spread over every worker.
PAGES_PER_BATCH = 1000
BATCHES_AT_LEAST = 16


@task(name="reparse-batch", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def reparse_batch_task(db_url: str, archive_root: str, run_id: int, pages: list[dict]) -> ingest.ReparseResult:
    # Retrying is safe: a text read again the same is "unchanged" and its facts are kept.
    ingest.settle_process()
    return ingest.reparse_pages(db.connect(db_url), Path(archive_root), pages, ingest.ReparseResult(run_id))


@flow(name="shahrnameh-reparse", task_runner=ThreadPoolTaskRunner(max_workers=2))
def reparse(db_url: str, archive_root: str, source: str | None = None) -> ingest.ReparseResult:
    engine = db.connect(db_url)
    with db.run_lock(engine):  # no nightly run loads beside it, nor closes its row as interrupted
        return _reparse(engine, db_url, archive_root, source)


def _reparse(engine, db_url: str, archive_root: str, source: str | None) -> ingest.ReparseResult:
    run_id, pages = ingest.start_reparse(engine, Path(archive_root), source=source)
    pages_per_batch = max(10, min(PAGES_PER_BATCH, -(-len(pages) // BATCHES_AT_LEAST)))
    result = ingest.ReparseResult(run_id)
    try:
        futures = [reparse_batch_task.submit(db_url, archive_root, run_id, pages[start:start + pages_per_batch])
                   for start in range(0, len(pages), pages_per_batch)]
        for future in futures:
            result.add(future.result())
    except BaseException as error:
        ingest.finish_reparse(engine, result, stopped_by=error)
        raise
    ingest.finish_reparse(engine, result)
    return result
