"""`shahrnameh demo` as the README runs it, twice: the second run adds nothing."""

import os
import socket
import subprocess
import sys

import pytest

from shahrnameh.warehouse import db, queries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# One port for every demo of this test session: the demo's URLs depend on it.
PORT = free_port()


def demo(db_url: str, home, port: int = PORT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shahrnameh.flows", "demo", "--db", db_url],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "SHAHRNAMEH_HOME": str(home), "COLUMNS": "160", "SHAHRNAMEH_DEMO_PORT": str(port)},
    )


@pytest.mark.slow
def test_demo_twice_fills_the_warehouse_once(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = demo(db_url, tmp_path / "home")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "new facts" in first.stdout and "Query it" in first.stdout
    # No Prefect server configured: the run is the core's, in the command's process, and says so.
    assert "running in this process" in first.stderr
    engine = db.connect(db_url)
    counts = queries.table_counts(engine)
    assert counts["articles"] >= 50 and counts["facts"] >= 50

    second = demo(db_url, tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr
    again = queries.table_counts(engine)
    for table in ("sources", "pages", "articles", "facts", "failures"):
        assert again[table] == counts[table], table
    assert again["runs"] == counts["runs"] + 1
    assert "new articles 0" in second.stdout and "new facts 0" in second.stdout


def test_a_busy_demo_port_is_one_clear_line_not_other_urls(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = demo(f"sqlite:///{tmp_path / 'demo.sqlite'}", tmp_path / "home", port=taken.getsockname()[1])
    assert result.returncode == 2
    assert "set SHAHRNAMEH_DEMO_PORT" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "demo.sqlite").exists()
