"""Where `run`, `demo` and `reparse` run: the core in this process, or a Prefect flow.

Without a configured Prefect server (PREFECT_API_URL unset) and without a cluster, a
one-off run calls the core (shahrnameh.ingest) directly: Prefect's temporary server
would cost 15-20 s at every start, more than a nightly run in which nothing changed.
With PREFECT_API_URL the run is a Prefect flow (seen in the server's UI); with a cluster
it is a Prefect flow whose tasks run on the cluster's Dask workers.
"""

from __future__ import annotations

import os
import sys

from shahrnameh import ingest
from shahrnameh.flows.settings import SOURCES_AT_ONCE, quiet_prefect


IN_PROCESS = "running in this process (no Prefect server configured: PREFECT_API_URL is unset)"


def prefect_server() -> str | None:
    """The Prefect server's API URL when one is configured ($PREFECT_API_URL), else None."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    return None


def _say(line: str) -> None:
    print(f"shahrnameh: {line}", file=sys.stderr, flush=True)


def nightly(sources, db_url: str, archive_root, *, substitutions: dict | None = None,
            crawl_settings: dict | None = None) -> dict:
    """One nightly run; the run's summary (RunReport as a dict)."""
    if prefect_server() is None:
        return ingest.run_nightly(db_url, archive_root, sources, substitutions=substitutions,
                                  crawl_settings=crawl_settings, sources_at_once=SOURCES_AT_ONCE,
                                  started=lambda run: _say(IN_PROCESS)).as_dict()
    quiet_prefect()
    from shahrnameh.flows.nightly import nightly as nightly_flow

    return nightly_flow(str(sources), db_url, str(archive_root), substitutions=substitutions,
                        crawl_settings=crawl_settings)


def reparse(db_url: str, archive_root, *, source: str | None = None) -> ingest.ReparseResult:
    """Every archived article page read again (see ingest.reparse)."""
    from shahrnameh.warehouse import db

    if prefect_server() is None:
        return ingest.reparse(db.connect(db_url), archive_root, source=source, started=lambda run_id: _say(IN_PROCESS))
    quiet_prefect()
    from shahrnameh.flows.reparse_flow import reparse as reparse_flow

    return reparse_flow(db_url, str(archive_root), source=source)
