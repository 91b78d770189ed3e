"""The application core: a run's lifecycle and a reparse as plain functions (no Prefect, no Typer).

    run = start_run(db_url, sources_file, archive_root)       # a row in `runs`, sources registered
    health = load(run, source.name, crawl_source(run, source))  # per source: crawl, then read + load
    report = finish_run(run, outcomes)                         # status and counts in `runs`

`run_nightly` does all of it in this process; flows/ runs the same functions as Prefect tasks,
on threads or on a Dask cluster. A reparse: `start_reparse`, `reparse_pages` per batch of
archived pages, `finish_reparse`; `reparse` does all three in this process.
"""

from shahrnameh.ingest.run import (
    Run, RunReport, SourceOutcome, alive, crawl_source, exclusive, finish_run, ingest_source, load, run_nightly,
    source_failed, start_run,
)
from shahrnameh.ingest.steps import (
    ReparseResult, SourceHealth, finish_reparse, reparse, reparse_pages, settle_process, start_reparse,
)

__all__ = [
    "ReparseResult", "Run", "RunReport", "SourceHealth", "SourceOutcome", "alive", "crawl_source", "exclusive",
    "finish_reparse",
    "finish_run", "ingest_source", "load", "reparse", "reparse_pages", "run_nightly", "settle_process",
    "source_failed", "start_reparse", "start_run",
]
