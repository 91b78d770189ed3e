"""`shahrnameh run` against the hostile local site: every failure recorded per URL, none fatal."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import CORPUS
from hostilesite import (
    ARABIC, ARTICLES, BUSY, DIGITS, DISALLOWED, CP1256, ERROR, HUGE, MISSING, MOVED, NESTED, SLOW, STRAY_BYTE,
    TRUNCATED, ZIPPED, HostileSite, cut_inside_a_character,
)
from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.warehouse import db, queries

# Every URL that must end as a failures row, and a piece of its recorded reason.
EXPECTED_FAILURES = {
    f"/news/missing-{MISSING}.html": "HTTP 404",
    f"/news/error-{ERROR}.html": "HTTP 500",
    f"/news/slow-{SLOW}.html": "took longer than 1.5 seconds",
    "/news/loop-b.html": "redirect loop: ",
    f"/news/huge-{HUGE}.html": "larger than download max size (200000)",
    "/news/arvancloud-bot-challenge.html": "block_page: ",
    "/news/shiraz-municipality-js-redirect.html": "empty: ",
    f"/news/files/{ZIPPED}": "not_html: application/zip",
    f"{DISALLOWED}{ARTICLES[2]}.html": "Forbidden by robots.txt",
    f"/news/moved-{MOVED}.html": "offsite redirect to http://localhost:",
    # Read at once, not after minutes: refused, or stored without the impossible number.
    f"/news/nested-{NESTED}.html": "not_article: markup nested more than 512 elements deep",
    f"/news/digits-{DIGITS}.html": "fact dropped: the number «111",
    "/news/noise.html": "not_article: not language: ",
}
EXPECTED_ARTICLES = {f"/news/{name}.html" for name in ARTICLES} | {
    f"/news/busy-{BUSY}.html", f"/news/arabic-{ARABIC}.html", "/news/cp1256-khabaronline.html",
    "/news/truncated-aryanews.html", f"/news/digits-{DIGITS}.html", "/news/strayff-aryanews.html"}


def rows(engine, sql):
    return queries.run_sql(engine, sql)[1]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    db_url = f"sqlite:///{tmp / 'warehouse.sqlite'}"
    with HostileSite() as site:
        sources = tmp / "sources.yaml"
        sources.write_text(site.sources_yaml(), encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "shahrnameh.flows", "run", "--sources", str(sources), "--db", db_url,
             "--archive", str(tmp / "archive")],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "SHAHRNAMEH_HOME": str(tmp / "home"), "COLUMNS": "200"})
        seconds = time.monotonic() - started
        yield {"site": site, "done": done, "seconds": seconds, "engine": db.connect(db_url),
               "base": site.base_url, "requests": list(site.requests), "archive": tmp / "archive",
               "sources": sources}


@pytest.mark.slow
def test_the_run_completes_in_bounded_time_and_prints_the_health_line(hostile_run):
    done = hostile_run["done"]
    # Exit 0: every source was crawled; per-URL failures are recorded, not fatal.
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # Bounded by the settings (1.5 s timeout, one retry, 0.2 s back-off) and the subprocess
    # timeout above, not by a timed assert: about 40 s, most of it Prefect's temporary server.
    print(f"shahrnameh run on the hostile site: {hostile_run['seconds']:.1f} s")
    [line] = [line for line in done.stdout.splitlines() if "│ hostile" in line]
    cells = [cell.strip() for cell in line.strip("│ ").split("│")]
    assert cells[0] == "hostile"
    engine = hostile_run["engine"]
    [stored] = rows(engine, "SELECT rs.fetched, rs.new, rs.changed, rs.unchanged, rs.failed, rs.blocked "
                            "FROM run_sources rs JOIN sources s ON s.id = rs.source_id WHERE s.name = 'hostile'")
    # The printed line is the stored line.
    assert [int(c) for c in cells[1:7]] == list(stored)
    fetched, new, changed, unchanged, failed, blocked = stored
    assert new >= len(EXPECTED_ARTICLES) and changed == 0
    assert failed >= 5 and blocked >= 3  # robots, offsite redirect, the ArvanCloud challenge


@pytest.mark.slow
def test_every_failure_is_recorded_once_per_url_with_its_reason(hostile_run):
    base, engine = hostile_run["base"], hostile_run["engine"]
    failures = rows(engine, "SELECT url, stage, message FROM failures")
    by_url = {}
    for url, stage, message in failures:
        by_url.setdefault(url.removeprefix(base), []).append((stage, message))
    for path, reason in EXPECTED_FAILURES.items():
        assert path in by_url, f"{path} not in failures: {sorted(by_url)}"
        assert len(by_url[path]) == 1 and reason in by_url[path][0][1], (path, by_url[path])
        assert "\n" not in by_url[path][0][1]
    # Nothing else failed: the busy page was retried to success, the odd encodings were read.
    assert set(by_url) == set(EXPECTED_FAILURES)


@pytest.mark.slow
def test_nothing_outside_the_site_and_nothing_disallowed_was_requested(hostile_run):
    site_host = hostile_run["base"].removeprefix("http://")
    requests = hostile_run["requests"]
    assert {host for host, _ in requests} == {site_host}  # never the offsite host name
    assert not [path for _, path in requests if path.startswith(DISALLOWED)]
    # 503 then 200: retried once, with back-off, and then stored; 500 and the slow page: tried twice.
    count = {path: sum(1 for _, p in requests if p == path) for _, path in requests}
    assert count[f"/news/busy-{BUSY}.html"] == 2
    assert count[f"/news/error-{ERROR}.html"] == 2 and count[f"/news/slow-{SLOW}.html"] == 2
    # Found from the listing (twice, once with a fragment) and the sitemap: requested once.
    assert count[f"/news/{ARTICLES[0]}.html"] == 1


def test_the_offsite_host_name_reaches_the_site_so_an_offsite_request_would_show():
    # The control for the test above: a request to http://localhost:<port>/ is logged as such.
    with HostileSite() as site:
        with urllib.request.urlopen(f"{site.offsite_url}/news/{ARTICLES[0]}.html", timeout=10) as answer:
            assert answer.status == 200
        assert site.requests == [(f"localhost:{site.port}", f"/news/{ARTICLES[0]}.html")]


@pytest.mark.slow
def test_articles_are_stored_once_each_and_read_right(hostile_run):
    base, engine = hostile_run["base"], hostile_run["engine"]
    articles = {url.removeprefix(base): (language, text, facts) for url, language, text, facts in rows(
        engine, "SELECT url, language, text, (SELECT count(*) FROM facts f WHERE f.article_id = a.id) "
                "FROM articles a")}
    assert set(articles) == EXPECTED_ARTICLES
    assert rows(engine, "SELECT count(*) FROM articles")[0][0] == len(EXPECTED_ARTICLES)
    # windows-1256 with no charset in the header and utf-8 in the markup: read as the original.
    original = (CORPUS / "html" / "persian-news" / f"{CP1256}.html").read_bytes()
    expected = read_document(decode_page(original), is_html=True, url=base + "/news/cp1256-khabaronline.html")
    assert articles["/news/cp1256-khabaronline.html"][1] == expected.text
    assert articles["/news/cp1256-khabaronline.html"][2] == len(expected.facts) > 0
    # Cut inside a UTF-8 character: still UTF-8, no mojibake.
    truncated = articles["/news/truncated-aryanews.html"]
    assert truncated[0] == "fa" and "ط±" not in truncated[1] and "ظˆ" not in truncated[1]  # «ر», «و» misread
    # One stray 0xFF in a UTF-8 page: the clean page's text and facts, not windows-1256 mojibake.
    clean = (CORPUS / "html" / "persian-news" / f"{STRAY_BYTE}.html").read_bytes()
    expected = read_document(decode_page(clean), is_html=True, url=base + "/news/strayff-aryanews.html")
    assert articles["/news/strayff-aryanews.html"] == ("fa", expected.text, len(expected.facts))
    # Arabic: stored as Arabic, and no Persian facts taken from it.
    assert articles[f"/news/arabic-{ARABIC}.html"][0] == "ar" and articles[f"/news/arabic-{ARABIC}.html"][2] == 0
    # ArvanCloud's challenge never became an article.
    assert not [text for _, text, _ in articles.values() if "ArvanCloud" in text]


@pytest.mark.slow
def test_a_second_run_adds_no_article_and_no_failure_row(hostile_run):
    from shahrnameh import ingest

    engine = hostile_run["engine"]
    before = {t: n for t, n in queries.table_counts(engine).items() if t in ("articles", "facts", "failures")}
    run = ingest.start_run(engine.url.render_as_string(hide_password=False), hostile_run["archive"],
                           hostile_run["sources"])
    [source] = run.sources
    health = ingest.ingest_source(run, source)
    ingest.finish_run(run, [ingest.SourceOutcome(source.name, health=health)])
    after = {t: n for t, n in queries.table_counts(engine).items() if t in ("articles", "facts", "failures")}
    assert after == before
    assert health.articles_new == health.articles_changed == 0 and health.new == 0


def test_the_cut_ends_inside_a_character():
    body = (CORPUS / "html" / "persian-news" / f"{TRUNCATED}.html").read_bytes()
    cut = cut_inside_a_character(body)
    assert len(body) // 2 <= len(cut) < len(body)
    with pytest.raises(UnicodeDecodeError, match="unexpected end of data"):
        cut.decode("utf-8")
    text = decode_page(cut, "utf-8")
    assert text == cut.decode("utf-8", "ignore") and "بورس" in text


# --- Interrupted and concurrent runs: real `shahrnameh run` processes, killed or side by side. ---

def _run_command(sources, db_url, archive) -> list[str]:
    return [sys.executable, "-m", "shahrnameh.flows", "run", "--sources", str(sources), "--db", db_url,
            "--archive", str(archive)]


def _archived_bodies(archive) -> int:
    """Response records with a body in the archive's WARC files, as far as they are written."""
    count = 0
    for warc in archive.glob("run-*/*.warc.gz"):
        try:
            with warc.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    count += record.rec_type == "response" and record.http_headers.get_statuscode() != "304"
        except Exception:  # noqa: BLE001 - a record being written: the next look counts it
            pass
    return count


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture(scope="module")
def killed_then_completed(tmp_path_factory):
    """`shahrnameh run` killed with SIGKILL once the crawl has archived pages (none loaded
    yet), then run again to completion over the same warehouse and archive."""
    tmp = tmp_path_factory.mktemp("killed")
    db_url, archive = f"sqlite:///{tmp / 'warehouse.sqlite'}", tmp / "archive"
    env = {**os.environ, "SHAHRNAMEH_HOME": str(tmp / "home"), "COLUMNS": "200"}
    facts = {}
    with HostileSite() as site:
        sources = tmp / "sources.yaml"
        sources.write_text(site.sources_yaml(), encoding="utf-8")
        command = _run_command(sources, db_url, archive)
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            assert _wait_for(lambda: _archived_bodies(archive) >= 6, 240), "the crawl archived nothing"
            child.send_signal(signal.SIGKILL)
            child.wait()
            killed_at = time.time()
        finally:
            if _alive(child.pid):
                os.kill(child.pid, signal.SIGKILL)
        engine = db.connect(db_url)
        facts["after_kill"] = rows(engine, "SELECT id, status FROM runs")
        facts["done"] = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
        facts["summary"] = subprocess.run([sys.executable, "-m", "shahrnameh.flows", "summary", "--db", db_url],
                                          capture_output=True, text=True, timeout=120, env=env)
        facts.update(engine=engine, base=site.base_url, killed_at=killed_at)
        yield facts
        db.disconnect(db_url)


@pytest.mark.slow
def test_prefects_temporary_server_dies_with_a_killed_run(tmp_path):
    # A run as a Prefect flow with no Prefect server configured (here on a local cluster of one
    # worker) starts Prefect's temporary server as its child; a one-off run starts none.
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(SHAHRNAMEH_HOME=str(tmp_path / "home"), PREFECT_HOME=str(tmp_path / "prefect"))
    command = [sys.executable, "-m", "shahrnameh.flows", "demo", "--workers", "1",
               "--db", f"sqlite:///{tmp_path / 'warehouse.sqlite'}", "--archive", str(tmp_path / "archive")]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    servers, others = [], []
    try:
        assert _wait_for(lambda: any("uvicorn" in _command_line(pid) for pid in _children(child.pid)), 240), \
            "no Prefect server among the run's children"
        servers = [pid for pid in _children(child.pid) if "uvicorn" in _command_line(pid)]
        others = [pid for pid in _children(child.pid) if pid not in servers]
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert _wait_for(lambda: not any(map(_alive, servers)), 30), \
            "Prefect's temporary server outlived its killed parent"
    finally:
        for pid in [child.pid, *servers, *others]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_the_next_run_closes_a_killed_run_as_interrupted_with_when_it_was_last_seen(killed_then_completed):
    facts = killed_then_completed
    assert facts["after_kill"] == [(1, "running")]  # nobody could close it
    done = facts["done"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [(status, last_seen, finished, errors)] = rows(
        facts["engine"], "SELECT status, last_seen_at, finished_at, errors FROM runs WHERE id = 1")
    assert status == "interrupted" and last_seen and finished == last_seen
    last_seen_at = datetime.fromisoformat(str(last_seen)).replace(tzinfo=timezone.utc).timestamp()
    assert last_seen_at <= facts["killed_at"] + 1
    assert any(f"last seen alive at {str(last_seen)[:19]}" in error for error in json.loads(errors))
    assert f"run 1 was interrupted (last seen alive at {str(last_seen)[:19]} UTC): closed" in done.stdout
    assert rows(facts["engine"], "SELECT id, status FROM runs") == [(1, "interrupted"), (2, "succeeded")]
    # And the summary read later says it too, under the run that closed it.
    assert "Last run: 2 (nightly), succeeded" in facts["summary"].stdout
    assert f"  run 1 was interrupted (last seen alive at {str(last_seen)[:19]} UTC): closed by this run\n" \
        in facts["summary"].stdout


@pytest.mark.slow
def test_completing_a_killed_run_records_every_failure_the_killed_run_did_not(killed_then_completed):
    facts = killed_then_completed
    by_url = {}
    for url, stage, message in rows(facts["engine"], "SELECT url, stage, message FROM failures"):
        by_url.setdefault(url.removeprefix(facts["base"]), []).append((stage, message))
    assert set(by_url) == set(EXPECTED_FAILURES), sorted(set(EXPECTED_FAILURES) ^ set(by_url))
    for path, reason in EXPECTED_FAILURES.items():
        assert len(by_url[path]) == 1 and reason in by_url[path][0][1], (path, by_url[path])
    articles = {url.removeprefix(facts["base"]) for (url,) in rows(facts["engine"], "SELECT url FROM articles")}
    assert articles == EXPECTED_ARTICLES


@pytest.mark.slow
def test_two_runs_at_once_on_one_warehouse_and_archive_one_refuses_at_once(tmp_path):
    db_url, archive = f"sqlite:///{tmp_path / 'warehouse.sqlite'}", tmp_path / "archive"
    env = {**os.environ, "SHAHRNAMEH_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    with HostileSite() as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(site.sources_yaml(), encoding="utf-8")
        command = _run_command(sources, db_url, archive)
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        base = site.base_url
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 2], [(run.returncode, out[-2000:], err[-2000:]) for run, (out, err) in zip(runs, outputs)]
    [(_, refusal)] = [out for run, out in zip(runs, outputs) if run.returncode == 2]
    [line] = refusal.splitlines()
    assert line.startswith("shahrnameh: another run is using ") and "wait for it to finish" in line
    engine = db.connect(db_url)
    try:
        # The refused run stored nothing; the other one is complete and needed no retry.
        assert rows(engine, "SELECT status FROM runs") == [("succeeded",)]
        assert {url.removeprefix(base) for (url,) in rows(engine, "SELECT url FROM articles")} \
            == EXPECTED_ARTICLES
    finally:
        db.disconnect(db_url)
