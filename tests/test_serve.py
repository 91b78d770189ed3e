"""`shahrnameh serve`: Datasette over the SQLite warehouse, read-only, driven in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from shahrnameh.flows.cli import app
from shahrnameh.warehouse import db, journalism
from shahrnameh.warehouse.datasette_metadata import metadata
from test_timeline import load_corpus

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1280,1100")


def _chromium() -> str | None:
    return os.environ.get("SHAHRNAMEH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def warehouse(tmp_path) -> Path:
    path = tmp_path / "warehouse.sqlite"
    url = f"sqlite:///{path}"
    load_corpus(url)
    db.disconnect(url)
    return path


@pytest.fixture
def served(warehouse, tmp_path):
    """`shahrnameh serve` in its own process on a free 127.0.0.1 port; (base URL, warehouse path)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "shahrnameh.flows", "serve", "--db", f"sqlite:///{warehouse}",
                               "--port", str(port), "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"shahrnameh serve exited {server.returncode}: {(tmp_path / 'serve.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"shahrnameh serve did not answer in 90 s: {(tmp_path / 'serve.log').read_text()}")
                time.sleep(0.3)
        yield base, warehouse
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def test_in_chromium_the_canned_timeline_runs_and_the_page_cannot_write(served, tmp_path):
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium for this test: scripts/services/chromium.sh installs it")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or scripts/services/chromium.sh)")
    base, warehouse = served
    name = warehouse.stem
    # Another spelling than the stored «شورای محله»: Datasette matches it with alias_key() too.
    page = f"{base}/{name}/timeline?" + urllib.parse.urlencode({"programme": "شوراي‌محله"})
    profile = tmp_path / "chromium-profile"

    dom = _browser(chromium, profile, "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "روند زمانی یک برنامه · Timeline of a programme" in html
    assert 'class="rows-and-columns"' in html
    assert html.count('<tr>') - 1 == 3  # a header row and the three numbers of «شورای محله»
    for cell in ("رفسنجان", "شورای محله", "۳۵۰ نفر در ۵۰ شورای محله فعال هستند", "2024-05-18"):
        assert cell in html

    # The same rows as the command line's timeline, through Datasette's JSON.
    rows = _get_json(f"{base}/{name}/timeline.json?_shape=array&" + urllib.parse.urlencode({"programme": "شورای محله"}))
    expected = journalism.timeline(db.connect(f"sqlite:///{warehouse}"), "شورای محله").rows
    assert sorted((r["category"], r["value"], r["unit"], r["evidence"]) for r in rows) == \
        sorted((r["category"], r["value"], r["unit"], r["evidence"]) for r in expected)

    screenshot = tmp_path / "timeline.png"
    shot = _browser(chromium, profile, f"--screenshot={screenshot}", page)
    assert shot.returncode == 0 and screenshot.stat().st_size > 20_000, shot.stderr[-2000:]
    from PIL import Image

    with Image.open(screenshot) as image:
        assert image.size == (1280, 1100)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50  # a rendered page, not blank
    if os.environ.get("SHAHRNAMEH_SCREENSHOT"):
        shutil.copy(screenshot, os.environ["SHAHRNAMEH_SCREENSHOT"])

    engine = db.connect(f"sqlite:///{warehouse}")
    with engine.connect() as connection:
        before = connection.scalar(text("SELECT count(*) FROM facts"))
    refused = _browser(chromium, profile, "--dump-dom", f"{base}/{name}?" + urllib.parse.urlencode(
        {"sql": "DELETE FROM facts"}))
    assert "Statement must be a SELECT" in refused.stdout
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM facts")) == before


def test_the_canned_whatsnew_query_shows_new_numbers(served):
    base, warehouse = served
    rows = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2000-01-01")
    assert rows and {row["status"] for row in rows} == {"new"}
    assert any(row["municipality"] == "رفسنجان" and row["value"] == 47 and row["unit"] == "شورای بانوان"
               for row in rows)
    assert _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2999-01-01") == []


def test_the_metadata_describes_every_table_and_column_of_the_warehouse(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    inspector = inspect(engine)
    described = metadata("fresh")["databases"]["fresh"]["tables"]
    missing = []
    for name in inspector.get_table_names() + inspector.get_view_names():
        if name not in described:
            missing.append(name)
            continue
        columns = {column["name"] for column in inspector.get_columns(name)}
        missing += [f"{name}.{column}" for column in sorted(columns - set(described[name]["columns"]))]
    assert not missing, f"undescribed in warehouse/datasette_metadata.py: {missing}"
    assert all("·" in table["title"] for table in described.values())  # Persian · English


def test_serve_needs_a_sqlite_file(tmp_path):
    result = CliRunner().invoke(app, ["serve", "--db", "postgresql+psycopg://someone@127.0.0.1:1/warehouse"])
    assert result.exit_code == 2
    assert "serve needs a SQLite warehouse file, not postgresql" in result.output
    missing = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert missing.exit_code == 2 and "no warehouse at" in missing.output
    assert not (tmp_path / "none.sqlite").exists()
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE notes (body TEXT)").connection.close()
    foreign = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{other}"])
    assert foreign.exit_code == 2 and "is not a Shahrnameh warehouse" in foreign.output
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database")
    assert "is not a Shahrnameh warehouse" in CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{text_file}"]).output
