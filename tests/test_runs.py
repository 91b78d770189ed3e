"""Runs side by side, killed runs and their Prefect server: with real processes, SIGKILL included.

The end-to-end versions (two `shahrnameh run` at once, one killed in the middle) are in
test_hostile.py; these are the mechanisms, on both engines, in seconds.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from shahrnameh.ingest import steps as pipeline
from shahrnameh.spiders.archive import ArchiveError
from shahrnameh.warehouse import db, load, queries

from test_warehouse import engine, warehouse_url  # noqa: F401

# A second process that holds a run's locks until it is killed.
_HOLDER = """
import sys, time
from pathlib import Path
from shahrnameh.ingest import steps as pipeline
from shahrnameh.warehouse import db

engine = db.connect(sys.argv[1])
with pipeline.exclusive_run(engine, Path(sys.argv[2])):
    print("held", flush=True)
    time.sleep(600)
"""


def _holding(warehouse_url, archive) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, warehouse_url, str(archive)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "held\n"
    return child


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()


def test_a_second_run_on_the_same_warehouse_and_archive_refuses_at_once(engine, warehouse_url, tmp_path):
    holder = _holding(warehouse_url, tmp_path / "archive")
    try:
        started = time.monotonic()
        with pytest.raises(ArchiveError, match=rf"^another run is using the archive {tmp_path / 'archive'} "
                                               rf"\(pid {holder.pid}, since .* UTC\): wait for it to finish$"):
            with pipeline.exclusive_run(engine, tmp_path / "archive"):
                pass
        # Another archive, the same warehouse: still refused, by the warehouse's own lock.
        with pytest.raises(db.WarehouseError, match=r"^another run is using the warehouse .*wait for it to finish$"):
            with pipeline.exclusive_run(engine, tmp_path / "other-archive"):
                pass
        assert time.monotonic() - started < 10  # refused, not waited for (a loose bound, not a benchmark)
    finally:
        _kill(holder)
    # SIGKILL leaves no lock behind: the operating system (or PostgreSQL) let go of both.
    with pipeline.exclusive_run(engine, tmp_path / "archive"):
        with pipeline.exclusive_run(engine, tmp_path / "archive"):  # re-entrant in one process
            pass


def test_reparse_waits_for_no_one_it_refuses_beside_a_run(engine, warehouse_url, tmp_path):
    (tmp_path / "archive" / "run-1").mkdir(parents=True)
    (tmp_path / "archive" / "run-1" / "demo.warc.gz").touch()
    holder = _holding(warehouse_url, tmp_path / "other-archive")
    try:
        with pytest.raises(db.WarehouseError, match="another run is using the warehouse"):
            pipeline.reparse(engine, tmp_path / "archive")
    finally:
        _kill(holder)
    assert queries.run_sql(engine, "SELECT count(*) FROM runs")[1] == [(0,)]  # no run row was started


def test_runs_still_running_are_closed_as_interrupted_at_when_they_were_last_seen(engine):
    killed = load.start_run(engine)
    load.run_alive(engine, killed)
    finished = load.start_run(engine)
    load.finish_run(engine, finished, status="succeeded", counts={}, errors=[])
    current = load.start_run(engine)
    [(run_id, last_seen)] = load.close_interrupted_runs(engine, current)
    assert run_id == killed
    rows = queries.run_sql(engine, "SELECT id, status, finished_at, last_seen_at FROM runs ORDER BY id")[1]
    assert [(r[0], r[1]) for r in rows] == [(killed, "interrupted"), (finished, "succeeded"), (current, "running")]
    assert rows[0][2] == rows[0][3] and str(rows[0][3]).replace("T", " ")[:19] == f"{last_seen:%Y-%m-%d %H:%M:%S}"
    [errors] = queries.run_sql(engine, f"SELECT errors FROM runs WHERE id = {killed}")[1][0]
    assert f"last seen alive at {last_seen:%Y-%m-%d %H:%M:%S} UTC; closed by run {current}" in str(errors)
    assert load.close_interrupted_runs(engine, current) == []  # once


def test_the_heartbeat_marks_the_run_alive_while_it_works(engine):
    run_id = load.start_run(engine)
    first = queries.run_sql(engine, f"SELECT last_seen_at FROM runs WHERE id = {run_id}")[1][0][0]
    with pipeline.heartbeat(engine, run_id, every_s=0.05):
        time.sleep(1.2)  # the clock of last_seen_at moves in microseconds
    later = queries.run_sql(engine, f"SELECT last_seen_at FROM runs WHERE id = {run_id}")[1][0][0]
    assert str(later) > str(first)


_PARENT = """
import os, subprocess, sys, time
guarded = subprocess.Popen([sys.executable, "-m", "shahrnameh.flows.serverguard", str(os.getpid()),
                            "http.server", "0", "--bind", "127.0.0.1"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
print(guarded.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_guarded_server_ends_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True)
    server = int(parent.stdout.readline())
    try:
        time.sleep(1)
        assert _alive(server)  # serving while its parent lives
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(server), "the guarded server outlived its killed parent"
    finally:
        parent.stdout.close()
        if _alive(server):
            os.kill(server, signal.SIGKILL)


def test_prefects_temporary_server_is_started_under_the_guard(monkeypatch):
    from prefect.server.api.server import SubprocessASGIServer

    import shahrnameh.flows.nightly  # noqa: F401 - installs the guard

    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda args, env: started.append(args))
    SubprocessASGIServer._run_uvicorn_command(SimpleNamespace(port=8123))
    [args] = started
    assert args[1:5] == ["-m", "shahrnameh.flows.serverguard", str(os.getpid()), "uvicorn"]
    assert "prefect.server.api.server:create_app" in args and "8123" in args
