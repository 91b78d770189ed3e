"""`demo` and `reparse` on a real Dask cluster (a scheduler and two worker processes on
127.0.0.1) into PostgreSQL store what a single-process run stores into SQLite."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

import pytest

from conftest import POSTGRES, postgres_schema
from shahrnameh.warehouse import db, queries

pytestmark = pytest.mark.slow
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (scripts/services/postgres.sh sets it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# One demo site port for every run of this module: the demo's URLs depend on it.
DEMO_PORT = free_port()


def dask(*args: str, log) -> subprocess.Popen:
    # A session of its own: the worker's nanny and its worker process are killed together.
    return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


@contextmanager
def dask_cluster(tmp):
    """A Dask scheduler and two single-thread worker processes on 127.0.0.1, as an operator starts them."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    processes = {}
    with open(tmp / "dask.log", "wb") as log:
        try:
            processes["scheduler"] = dask("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                          "--no-dashboard", log=log)
            for name in ("first", "second"):
                processes[name] = dask("worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--name", name,
                                       "--no-dashboard", "--local-directory", str(tmp / name), log=log)
            with Client(address, timeout=120) as client:
                client.wait_for_workers(2, timeout=180)
                workers = {info["name"]: worker for worker, info in client.scheduler_info()["workers"].items()}
            yield {"address": address, "workers": workers, "processes": processes}
        finally:
            for process in processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask")) as started:
        yield started


def shahrnameh(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=900, env=environment(home))


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "shahrnameh.flows", *args]


def environment(home) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in ("PREFECT_API_URL", "SHAHRNAMEH_CLUSTER")}
    return {**env, "SHAHRNAMEH_HOME": str(home), "COLUMNS": "160", "SHAHRNAMEH_DEMO_PORT": str(DEMO_PORT)}


def stored(db_url: str) -> dict:
    """The current articles, their facts and their stories, as comparable plain values."""
    engine = db.connect(db_url)
    _, articles = queries.run_sql(engine, "SELECT url, title, language, text_sha256, story_id FROM articles "
                                          "WHERE superseded_by IS NULL")
    _, facts = queries.run_sql(engine, "SELECT a.url, f.value, f.category, f.evidence FROM facts f "
                                       "JOIN articles a ON a.id = f.article_id "
                                       "WHERE a.superseded_by IS NULL AND f.retired_run_id IS NULL")
    stories: dict = {}
    for url, *_, story in articles:
        stories.setdefault(story, set()).add(url)
    return {
        "articles": sorted(tuple(row[:4]) for row in articles),
        "facts": Counter((url, Decimal(str(value)).normalize(), category, evidence)
                         for url, value, category, evidence in facts),
        "stories": sorted(sorted(urls) for urls in stories.values()),
    }


@pytest.fixture(scope="module")
def single_process(tmp_path_factory):
    """The reference: `demo` in one process into SQLite."""
    tmp = tmp_path_factory.mktemp("single")
    db_url = f"sqlite:///{tmp / 'warehouse.sqlite'}"
    done = shahrnameh("demo", "--db", db_url, home=tmp / "home")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "running in this process" in done.stderr
    return stored(db_url)


@needs_postgres
def test_demo_and_reparse_on_two_workers_store_what_one_process_stores(cluster, single_process, tmp_path):
    with postgres_schema() as db_url:
        done = shahrnameh("demo", "--db", db_url, "--cluster", cluster["address"], home=tmp_path / "home")
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        on_cluster = stored(db_url)
        assert on_cluster["articles"] == single_process["articles"] and len(on_cluster["articles"]) >= 50
        assert on_cluster["facts"] == single_process["facts"]
        # Syndicated copies loaded by different workers at once still share one story.
        assert on_cluster["stories"] == single_process["stories"]
        engine = db.connect(db_url)
        _, workers = queries.run_sql(engine, "SELECT DISTINCT worker FROM run_sources")
        assert sorted(worker for (worker,) in workers) == sorted(cluster["workers"].values())

        reparsed = shahrnameh("reparse", "--db", db_url, "--cluster", cluster["address"], home=tmp_path / "home")
        assert reparsed.returncode == 0, reparsed.stdout[-3000:] + reparsed.stderr[-3000:]
        assert "articles new 0, changed 0" in reparsed.stdout and "failures 0" in reparsed.stdout
        assert stored(db_url) == on_cluster
        _, [(status,)] = queries.run_sql(engine, "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
        assert status == "succeeded"
        db.disconnect(db_url)


def test_a_sqlite_warehouse_is_refused_with_a_cluster_on_another_machine(tmp_path):
    done = shahrnameh("reparse", "--db", f"sqlite:///{tmp_path / 'w.sqlite'}", "--cluster", "tcp://192.0.2.7:8786",
                      home=tmp_path / "home")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "shahrnameh: a SQLite warehouse is one machine's file: the workers of cluster tcp://192.0.2.7:8786 "
        "cannot share it; use a PostgreSQL warehouse (--db postgresql://...)"]


@needs_postgres
def test_a_worker_killed_in_the_middle_of_the_run_loses_nothing_and_stores_nothing_twice(single_process, tmp_path):
    from distributed import Client

    with dask_cluster(tmp_path) as started, postgres_schema() as db_url, Client(started["address"]) as client:
        run = subprocess.Popen(command("demo", "--db", db_url, "--cluster", started["address"]),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(tmp_path / "home"))
        # The first worker seen crawling a source is killed outright (nanny and worker process), mid-task.
        victim = None
        deadline = time.monotonic() + 600
        while victim is None and run.poll() is None and time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items() if any("ingest" in str(k) for k in keys)]
            victim = busy[0] if busy else None
            time.sleep(0.05)
        assert victim is not None, "no source's task was seen running"
        time.sleep(0.5)
        [name] = [name for name, address in started["workers"].items() if address == victim]
        os.killpg(started["processes"][name].pid, signal.SIGKILL)
        stdout, stderr = run.communicate(timeout=900)

        assert run.returncode == 0, stdout[-3000:] + stderr[-3000:]
        on_cluster = stored(db_url)
        assert on_cluster == single_process
        engine = db.connect(db_url)
        _, rows = queries.run_sql(engine, "SELECT count(*), count(DISTINCT url) FROM articles WHERE superseded_by IS NULL")
        assert rows[0][0] == rows[0][1]
        _, rows = queries.run_sql(engine, "SELECT count(*), count(DISTINCT source_id) FROM run_sources")
        assert tuple(rows[0]) == (3, 3)  # one line per source: the killed attempt left none
        _, workers = queries.run_sql(engine, "SELECT DISTINCT worker FROM run_sources")
        assert started["workers"]["first" if name == "second" else "second"] in {worker for (worker,) in workers}
        db.disconnect(db_url)


def test_a_local_cluster_of_worker_processes_shares_a_sqlite_warehouse(single_process, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    done = shahrnameh("demo", "--db", db_url, "--workers", "2", home=tmp_path / "home")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # One Prefect API for the flow and both workers' tasks, not one temporary server per process.
    assert done.stderr.count("Starting temporary server") == 1, done.stderr[-3000:]
    assert stored(db_url) == single_process
    _, workers = queries.run_sql(db.connect(db_url), "SELECT worker FROM run_sources")
    assert len(workers) == 3 and all(worker.startswith("tcp://127.0.0.1:") for (worker,) in workers)


def test_workers_on_other_machines_each_start_their_prefect_server_once_when_they_join(cluster):
    """They cannot reach the temporary server of the machine that starts the run."""
    from distributed import Client

    from shahrnameh.flows.workerplugin import TemporaryPrefectServer

    def health() -> int:
        import httpx
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        return httpx.get(f"{server.api_url}/health", timeout=30).status_code if server.server_process else 0

    with Client(cluster["address"]) as client:
        assert set(client.run(health).values()) == {0}
        client.register_plugin(TemporaryPrefectServer(), name="shahrnameh-prefect-server")
        assert set(client.run(health).values()) == {200}
        client.unregister_worker_plugin("shahrnameh-prefect-server")
