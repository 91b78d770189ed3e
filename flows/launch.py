"""Where `run`, `demo` and `reparse` run: the core in this process, or a Prefect flow.

Without a configured Prefect server (PREFECT_API_URL unset) and without a cluster, a
one-off run calls the core (shahrnameh.ingest) directly: Prefect's temporary server
would cost 15-20 s at every start, more than a nightly run in which nothing changed.
With PREFECT_API_URL the run is a Prefect flow (seen in the server's UI) on this
process's threads; with `--cluster ADDRESS` (a Dask scheduler, tcp://HOST:PORT) or
`--workers N` (a local cluster of N worker processes) it is a Prefect flow whose tasks
run on the cluster's workers: one per source for a nightly run, one per batch of
archived pages for a reparse.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

from shahrnameh import ingest
from shahrnameh.flows.settings import SOURCES_AT_ONCE, quiet_prefect

IN_PROCESS = "running in this process (no Prefect server configured: PREFECT_API_URL is unset)"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LaunchError(ValueError):
    """Options that cannot work together (one line, for the command line)."""


def prefect_server() -> str | None:
    """The Prefect server's API URL when one is configured ($PREFECT_API_URL), else None."""
    return os.environ.get("PREFECT_API_URL") or None


def nightly(sources, db_url: str, archive_root, *, substitutions: dict | None = None,
            crawl_settings: dict | None = None, cluster: str | None = None, workers: int | None = None,
            at_once: int = SOURCES_AT_ONCE) -> dict:
    """One nightly run, `at_once` sources crawled at a time (per worker on a local cluster; a
    remote cluster's workers crawl as many as their threads); the run's summary (RunReport as a dict)."""
    runner = _task_runner(db_url, cluster, workers, threads_per_worker=at_once)
    if runner is None and prefect_server() is None:
        return ingest.run_nightly(db_url, archive_root, sources, substitutions=substitutions,
                                  crawl_settings=crawl_settings, sources_at_once=at_once,
                                  started=lambda run: _say(IN_PROCESS)).as_dict()
    from prefect.task_runners import ThreadPoolTaskRunner

    from shahrnameh.flows.nightly import nightly as nightly_flow

    flow = nightly_flow.with_options(task_runner=runner or ThreadPoolTaskRunner(max_workers=at_once))
    with _prefect_api(cluster, workers):
        return flow(str(sources), db_url, str(archive_root), substitutions=substitutions,
                    crawl_settings=crawl_settings)


def reparse(db_url: str, archive_root, *, source: str | None = None, cluster: str | None = None,
            workers: int | None = None) -> ingest.ReparseResult:
    """Every archived article page read again (see ingest.reparse)."""
    from shahrnameh.warehouse import db

    # Reading is CPU work: one page batch at a time per worker process.
    runner = _task_runner(db_url, cluster, workers, threads_per_worker=1)
    if runner is None and prefect_server() is None:
        return ingest.reparse(db.connect(db_url), archive_root, source=source,
                              started=lambda run_id: _say(IN_PROCESS))
    from shahrnameh.flows.reparse_flow import reparse as reparse_flow

    flow = reparse_flow if runner is None else reparse_flow.with_options(task_runner=runner)
    with _prefect_api(cluster, workers):
        return flow(db_url, str(archive_root), source=source)


def _task_runner(db_url: str, cluster: str | None, workers: int | None, *, threads_per_worker: int):
    """Prefect's DaskTaskRunner on the cluster asked for, or None for none; imports Prefect when needed."""
    if cluster and workers:
        raise LaunchError("give --cluster ADDRESS or --workers N, not both")
    if workers is not None and workers < 1:
        raise LaunchError(f"--workers must be at least 1, not {workers}")
    if cluster:
        if db_url.startswith("sqlite") and not _on_this_machine(cluster):
            raise LaunchError(f"a SQLite warehouse is one machine's file: the workers of cluster {cluster} "
                              "cannot share it; use a PostgreSQL warehouse (--db postgresql://...)")
    if prefect_server() is not None or cluster or workers:
        quiet_prefect()
    if not (cluster or workers):
        return None
    from prefect_dask import DaskTaskRunner

    if cluster:
        return DaskTaskRunner(address=cluster)
    import dask

    # Dask's statistical profiler (every worker thread's stack every 10 ms), its system
    # monitor (every 0.5 s) and its memory monitor (every 0.1 s) feed a dashboard that a local
    # cluster here does not serve, and each takes the interpreter lock from the task: together
    # they made the reparse 10-19% slower per page on one worker than in process (measured:
    # benchmarks/distributed.py; the memory limit is still kept, checked every second).
    dask.config.set({"distributed.worker.profile.enabled": False,
                     "distributed.admin.system-monitor.interval": "5s",
                     "distributed.worker.memory.monitor-interval": "1s"})
    # Processes, not threads: each worker has its own interpreter lock and its own crawl reactor.
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "processes": True,
                                          "threads_per_worker": threads_per_worker, "dashboard_address": None})


@contextmanager
def _prefect_api(cluster: str | None, workers: int | None):
    """One Prefect API for the flow and every task of a cluster run without a configured server.

    Left to itself, Prefect starts a temporary server in every worker process at its first
    task, and two tasks starting at once on one worker's threads race (Prefect 3.8 marks the
    server running before its process exists: "Server process did not start"). Workers on
    this machine share this process's temporary server instead; workers on other machines
    cannot reach it, so each starts its own once, when it joins, before any task.
    """
    if prefect_server() is not None or not (cluster or workers):
        yield
        return
    if cluster and not _on_this_machine(cluster):
        from distributed import Client

        from shahrnameh.flows.workerplugin import TemporaryPrefectServer

        with Client(cluster) as client:
            client.register_plugin(TemporaryPrefectServer(), name="shahrnameh-prefect-server")
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from shahrnameh.flows.serverguard import guard_prefect_server

    guard_prefect_server()
    server = SubprocessASGIServer()
    server.start()
    # Prefect sends the flow's settings with every task, so the workers use this URL too.
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def _on_this_machine(cluster: str) -> bool:
    return urlsplit(cluster if "://" in cluster else f"tcp://{cluster}").hostname in _LOOPBACK


def _say(line: str) -> None:
    print(f"shahrnameh: {line}", file=sys.stderr, flush=True)
