"""What a Dask worker on another machine needs before it runs Shahrnameh's Prefect tasks."""

from __future__ import annotations

from distributed import WorkerPlugin


class TemporaryPrefectServer(WorkerPlugin):
    """The worker's own temporary Prefect server, started once when the worker joins.

    Started here, before any task, and not by the tasks themselves: two tasks starting at
    once on one worker's threads race in Prefect 3.8 ("Server process did not start").
    """

    def setup(self, worker) -> None:
        from prefect.server.api.server import SubprocessASGIServer

        from shahrnameh.flows.serverguard import guard_prefect_server

        guard_prefect_server()
        SubprocessASGIServer().start()
