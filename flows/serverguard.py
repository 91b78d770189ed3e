"""Runs a program (Prefect's temporary API server) that ends when the process that started it ends.

`python -m shahrnameh.flows.serverguard PARENT_PID MODULE ARGS...` runs `python -m MODULE ARGS...`
in this process, with a watchdog thread: once PARENT_PID is no longer this process' parent
(killed with SIGKILL, it could not stop its children), the program is asked to stop (SIGTERM),
and ended a few seconds later if it has not. Prefect starts the server with `atexit`, which a
killed parent never reaches: without this the server outlived it, holding its port and memory.
"""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import threading
import time

# How often the parent is looked for, and how long the program gets to stop by itself.
POLL_S = 0.5
GRACE_S = 5.0


def watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_S)
    os._exit(1)


def guard_prefect_server() -> None:
    """Makes Prefect start its temporary server under this guard, watching this process.

    Prefect (3.8) builds the server's command in SubprocessASGIServer._run_uvicorn_command;
    this replaces that method with the same command behind the guard. Called once, by the
    nightly flow's module, before any server starts.
    """
    from prefect.server.api import server
    from prefect.settings import get_current_settings

    if getattr(server.SubprocessASGIServer._run_uvicorn_command, "guarded", False):
        return

    def run_guarded(self) -> subprocess.Popen:
        import prefect

        return subprocess.Popen(
            args=[sys.executable, "-m", "shahrnameh.flows.serverguard", str(os.getpid()), "uvicorn",
                  "--app-dir", str(prefect.__module_path__.parent), "--factory",
                  "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                  "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1",
                 **get_current_settings().to_environment_variables(exclude_unset=True)},
        )

    run_guarded.guarded = True
    server.SubprocessASGIServer._run_uvicorn_command = run_guarded


def main() -> None:
    parent, module, *arguments = sys.argv[1:]
    parent = int(parent)
    if os.getppid() != parent:  # the parent died before we got here
        sys.exit(1)
    threading.Thread(target=watch, args=(parent,), name="parent-watch", daemon=True).start()
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
