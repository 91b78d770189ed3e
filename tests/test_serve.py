"""`shahrnameh serve`: Datasette over the SQLite warehouse, read-only, driven in headless Chromium."""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from datetime import datetime, timezone
from html.parser import HTMLParser

from sqlalchemy import inspect, text
from typer.testing import CliRunner

from shahrnameh.flows.cli import app
from shahrnameh.warehouse import db, journalism, load
from shahrnameh.warehouse.datasette_metadata import metadata
from test_timeline import CORPUS
from test_whatsnew import SEED, stored_last_week_then_updated

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1280,1100")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Last week's run stored the four corpus articles; this week's stored seed 004 as the
    site updated it (350 → 420 people, 50 → 60 councils)."""
    path = tmp_path_factory.mktemp("serve") / "warehouse.sqlite"
    url = f"sqlite:///{path}"
    engine, run_id = stored_last_week_then_updated(url)
    load.finish_run(engine, run_id, status="succeeded", counts={}, errors=[])
    db.disconnect(url)
    return path


@pytest.fixture(scope="module")
def served(warehouse, tmp_path_factory):
    """`shahrnameh serve` in its own process on a free 127.0.0.1 port; (base URL, warehouse path)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path_factory.mktemp("serve-log") / "serve.log"
    log = log_path.open("w")
    # SHAHRNAMEH_HOME: the session's own, not the module's first test's (conftest sets it per test).
    server = subprocess.Popen([sys.executable, "-m", "shahrnameh.flows", "serve", "--db", f"sqlite:///{warehouse}",
                               "--port", str(port), "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "SHAHRNAMEH_HOME": str(log_path.parent / "home")})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"shahrnameh serve exited {server.returncode}: {log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"shahrnameh serve did not answer in 90 s: {log_path.read_text()}")
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


@pytest.fixture
def chromium() -> str:
    found = os.environ.get("SHAHRNAMEH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium for this test: scripts/services/chromium.sh installs it")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or scripts/services/chromium.sh)")
    return found


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


class _Cells(HTMLParser):
    """The text of each <td> of a page, and whether it sits inside an element with a `dir`."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, str | None]] = []
        self._open: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None
        self._cell_dir: str | None = None

    def handle_starttag(self, tag, attrs):
        direction = dict(attrs).get("dir")
        self._open.append((tag, direction))
        if tag == "td":
            self._cell, self._cell_dir = [], direction
        elif self._cell is not None and direction:
            self._cell_dir = direction

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass
        if tag == "td" and self._cell is not None:
            self.cells.append(("".join(self._cell).strip(), self._cell_dir))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _cells(page: str) -> dict[str, str | None]:
    parser = _Cells()
    parser.feed(page)
    return dict(parser.cells)


def _screenshot(chromium: str, profile: Path, page: str, path: Path, height: int = 1100) -> None:
    from PIL import Image

    shot = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--window-size=1280,{height}", f"--user-data-dir={profile}",
                           f"--screenshot={path}", page], capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and path.stat().st_size > 20_000, shot.stderr[-2000:]
    with Image.open(path) as image:
        assert image.size == (1280, height)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50  # a rendered page, not blank
    keep = os.environ.get("SHAHRNAMEH_SCREENSHOTS")  # a folder: keep the screenshots to look at
    if keep:
        shutil.copy(path, Path(keep) / path.name)


def test_in_chromium_the_canned_timeline_runs_and_the_page_cannot_write(served, chromium, tmp_path):
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
    for cell in ("رفسنجان", "شورای محله", "۴۲۰ نفر در ۶۰ شورای محله فعال هستند", "2024-05-18"):
        assert cell in html

    # The same rows as the command line's timeline, through Datasette's JSON.
    rows = _get_json(f"{base}/{name}/timeline.json?_shape=array&" + urllib.parse.urlencode({"programme": "شورای محله"}))
    expected = journalism.timeline(db.connect(f"sqlite:///{warehouse}"), "شورای محله").rows
    assert sorted((r["category"], r["value"], r["unit"], r["evidence"]) for r in rows) == \
        sorted((r["category"], r["value"], r["unit"], r["evidence"]) for r in expected)

    screenshot = tmp_path / "serve-timeline.png"
    _screenshot(chromium, profile, page, screenshot)
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


def test_in_chromium_persian_cells_are_right_to_left_and_english_ones_left_to_right(served, chromium, tmp_path):
    base, warehouse = served
    page = f"{base}/{warehouse.stem}/facts_full?" + urllib.parse.urlencode(
        {"_col": ["evidence", "unit", "title", "category", "url"], "municipality_name": "رفسنجان"}, doseq=True)
    dom = _browser(chromium, tmp_path / "profile", "--dump-dom", page)
    cells = _cells(dom.stdout)
    evidence = [text for text in cells if text.startswith("از همینرو تشکیل شورای محله")]
    assert evidence and cells[evidence[0]] == "auto"  # the sentence: the full stop on its left
    assert cells["شورای محله"] == "auto" and cells["نفر"] == "auto"  # units
    assert cells["آیین رونمایی از الگوی حکمرانی مردمی و مدیریت مشارکتی شهرداری رفسنجان برگزارشد"] == "auto"  # title
    assert cells["council"] is None and cells["people"] is None  # English: left to right
    assert not [text for text, direction in cells.items() if text.startswith("file:") and direction]  # links
    # Headings, paragraphs and the cells a plugin cannot reach (a foreign key's label) take
    # their first letter's direction from the stylesheet every page links.
    assert '<link rel="stylesheet" href="/-/shahrnameh.css">' in dom.stdout
    with urllib.request.urlopen(f"{base}/-/shahrnameh.css", timeout=30) as response:
        css = response.read().decode()
    assert "unicode-bidi: plaintext" in css and "h1, h2, h3, p, li, td, th" in css
    _screenshot(chromium, tmp_path / "profile", page, tmp_path / "serve-rtl-cells.png", height=2600)


def test_the_front_page_opens_on_the_journalists_questions(served, chromium, tmp_path):
    base, warehouse = served
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:  # / leads to the warehouse's page
        assert response.url == f"{base}/{warehouse.stem}"
        page = response.read().decode()
    order = ["پرسش‌ها · Questions", "Timeline of a programme", "What&#39;s new since a date", '<a href="/-/feed.atom">',
             "برنامه‌ها · programmes", "شهرداری‌ها · municipalities", "روند زمانی برنامه‌ها · programme_timeline",
             "اعداد با خبر و منبع · facts_full", "Other tables", "خبرها · articles", "Custom SQL query"]
    positions = [page.find(text) for text in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))
    for internal in ("alembic_version", "article_bands", "run_sources", "programme_aliases", "failures"):
        assert f"/{warehouse.stem}/{internal}\"" not in page
    assert "8 hidden tables" in page
    with urllib.request.urlopen(f"{base}/{warehouse.stem}?_show_hidden=1", timeout=30) as response:
        assert f"/{warehouse.stem}/alembic_version\"" in response.read().decode()
    _screenshot(chromium, tmp_path / "profile", f"{base}/", tmp_path / "serve-front.png", height=1400)


# In an English description, pairs of texts in the order they are written: Chromium must draw
# them in that order, left to right. Unisolated, «(«سامانه من شهردارم», «شورای محله»)» is one
# right-to-left run (only punctuation between the names), drawn with the second name first; and
# a description that starts with a Persian name is laid out right to left as a whole, the
# English after the name put on its left.
WRITTEN_ORDER = [
    pytest.param("", ".db-table p", ("سامانه من شهردارم", "شورای محله"), id="front-page"),
    pytest.param("/programme_aliases", ".metadata-description", ("شورایاری", "شورای‌یاری"), id="table"),
    pytest.param("/municipalities", "dl.column-descriptions dd", ("تهران", "تهران / منطقه 3"), id="column"),
    pytest.param("/facts", "dl.column-descriptions dd", ("تهران / منطقه 3", "where the text says it"),
                 id="starting-with-persian"),
]


@pytest.mark.parametrize("path, where, names", WRITTEN_ORDER)
def test_in_chromium_persian_names_in_english_descriptions_keep_their_written_order(
        served, chromium, tmp_path, path, where, names):
    base, warehouse = served
    edges = _drawn_at(chromium, tmp_path / "profile", f"{base}/{warehouse.stem}{path}", where, names)
    assert all(name in edges for name in names), edges
    (first_left, first_top), (second_left, second_top) = (edges[name] for name in names)
    assert first_top == second_top and first_left < second_left, edges


def test_every_persian_run_in_an_english_description_is_isolated(served):
    base, warehouse = served
    pages = ["", "/timeline", "/programmes", "/programmes/1", "/municipalities", "/facts", "/facts_full",
             "/programme_aliases"]
    for path in pages:
        with urllib.request.urlopen(f"{base}/{warehouse.stem}{path}", timeout=30) as response:
            runs = _description_runs(response.read().decode())
        assert runs, path  # each page has a description naming something in Persian
        assert not [text for text, isolated in runs if not isolated], (path, runs)


def _drawn_at(chromium: str, profile: Path, page: str, where: str, names) -> dict[str, tuple[float, float]]:
    """Where Chromium draws each of `names` on `page` (its first occurrence in an element matching
    the CSS selector `where`): (left, top) in pixels. The page as served, its links resolved
    against the server, with a script at its end that measures the text's ranges."""
    with urllib.request.urlopen(page, timeout=30) as response:
        served_html = response.read().decode()
    origin = page.split("/", 3)
    measure = """<script>
(() => {
  const found = {};
  for (const name of %s) {
    for (const element of document.querySelectorAll(%s)) {
      const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      while (!(name in found) && texts.nextNode()) {
        const node = texts.currentNode, at = node.data.indexOf(name);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + name.length);
        const box = range.getBoundingClientRect();
        found[name] = [box.left, box.top];
      }
    }
  }
  document.body.setAttribute("data-drawn-at", JSON.stringify(found));
})();
</script>""" % (json.dumps(list(names), ensure_ascii=False), json.dumps(where))
    measured = served_html.replace("<head>", f'<head><base href="{origin[0]}//{origin[2]}/">', 1)
    measured = measured.replace("</body>", measure + "</body>", 1)
    file = profile.parent / "measured.html"
    file.write_text(measured, encoding="utf-8")
    dom = _browser(chromium, profile, "--dump-dom", file.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    drawn = re.search(r'data-drawn-at="([^"]*)"', dom.stdout)
    assert drawn, dom.stdout[-2000:]
    return {name: tuple(box) for name, box in json.loads(html_lib.unescape(drawn.group(1))).items()}


class _DescriptionRuns(HTMLParser):
    """Each Persian text run inside a description (a canned query's, a table's, a column's) and
    whether it is isolated: inside a <bdi>, or an element of its own direction."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool, bool]] = []  # (tag, in a description, isolated)
        self.runs: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "link", "meta"):
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        in_description, isolated = self.open[-1][1:] if self.open else (False, False)
        parent = self.open[-1][0] if self.open else ""
        in_description = in_description or tag == "dd" or bool({"query-description", "metadata-description"} & set(
            classes)) or (tag == "p" and parent == "div" and self._in_db_table)
        isolated = isolated or tag == "bdi" or attributes.get("dir") in ("rtl", "auto")
        self.open.append((tag, in_description, isolated))
        if "db-table" in classes:
            self._db_table_depth = len(self.open)

    _db_table_depth = 0

    @property
    def _in_db_table(self) -> bool:
        return 0 < self._db_table_depth <= len(self.open)

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass
        if len(self.open) < self._db_table_depth:
            self._db_table_depth = 0

    def handle_data(self, data):
        if self.open and self.open[-1][1] and re.search("[\u0600-\u06ff]", data):
            self.runs.append((data.strip(), self.open[-1][2]))


def _description_runs(page: str) -> list[tuple[str, bool]]:
    parser = _DescriptionRuns()
    parser.feed(page)
    return parser.runs


def test_a_programmes_page_shows_its_chart(served, chromium, tmp_path):
    from PIL import Image

    base, warehouse = served
    engine = db.connect(f"sqlite:///{warehouse}")
    with engine.connect() as connection:
        programme_id = connection.scalar(text("SELECT id FROM programmes WHERE name = 'شورای محله'"))
    page = f"{base}/{warehouse.stem}/programmes/{programme_id}"
    dom = _browser(chromium, tmp_path / "profile", "--dump-dom", page).stdout
    chart = "/-/timeline.png?" + urllib.parse.urlencode({"programme": "شورای محله"})
    assert f'<img src="{chart}"' in dom
    assert 'href="/-/feed.atom?' + urllib.parse.urlencode({"programme": "شورای محله"}) + '"' in dom
    with urllib.request.urlopen(base + chart, timeout=120) as response:
        assert response.headers["Content-Type"] == "image/png"
        png = tmp_path / "chart.png"
        png.write_bytes(response.read())
    with Image.open(png) as image:
        assert image.format == "PNG" and image.text["Title"] == "شورای محله" and image.width >= 1000
    # The canned timeline shows the same chart under its table.
    canned = _browser(chromium, tmp_path / "profile", "--dump-dom", f"{base}/{warehouse.stem}/timeline?"
                      + urllib.parse.urlencode({"programme": "شورای‌محله"})).stdout
    assert f'<img src="{chart}"' in canned
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/-/timeline.png?programme=Atlantis", timeout=30)
    assert missing.value.code == 404 and "no programme named «Atlantis»" in missing.value.read().decode()
    _screenshot(chromium, tmp_path / "profile", page, tmp_path / "serve-programme.png", height=1900)


def test_the_canned_whatsnew_query_shows_new_and_changed_numbers(served):
    base, warehouse = served
    every = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2000-01-01")
    assert {row["status"] for row in every} == {"new", "changed"}
    assert any(row["municipality"] == "تهران / منطقه 20" and row["value"] == 220 and row["unit"] == "مسجد"
               and row["status"] == "new" for row in every)
    # Said again by this week's version of seed 004, «47 شورای بانوان» is no news.
    assert not any(row["unit"] == "شورای بانوان" for row in every)
    this_week = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2026-11-20")
    assert sorted((row["status"], row["unit"], row["previous_value"], row["value"]) for row in this_week) == [
        ("changed", "شورای محله", 50, 60), ("changed", "نفر", 350, 420)]
    tehran = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2000-01-01&"
                       + urllib.parse.urlencode({"municipality": "تهران"}))
    assert tehran and {row["municipality"] for row in tehran} <= {"تهران", "تهران / منطقه 3", "تهران / منطقه 20"}
    assert "تهران / منطقه 20" in {row["municipality"] for row in tehran}  # a city takes its districts along
    # (2099, not 2999: the one date reader refuses a year that is neither Jalali nor Gregorian.)
    assert _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2099-01-01") == []


@pytest.mark.parametrize("since", ["1405-08-29", "۱۴۰۵/۰۸/۲۹", "۲۹ آبان ۱۴۰۵", "20/11/2026"])
def test_the_canned_whatsnew_reads_its_date_as_the_command_line_does(served, since):
    # The web form's :since went to SQL as text: «1405-08-29» (= 2026-11-20) sorts before
    # every stored «2026-…» and silently answered every number ever stored (issue 16: one
    # date reader for every date a user types).
    base, warehouse = served
    gregorian = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2026-11-20")
    assert len(gregorian) == 2
    assert _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&"
                     + urllib.parse.urlencode({"since": since})) == gregorian


@pytest.mark.parametrize("since, message", [
    ("last week", "since: not a date: 'last week'"),
    ("01/02/2026", "since: ambiguous date '01/02/2026': 2026-02-01 (day first) or 2026-01-02 (month first)"),
])
def test_the_canned_whatsnew_refuses_a_date_it_cannot_read_in_one_line(served, since, message):
    base, warehouse = served
    for page in ("whatsnew", "whatsnew.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/{warehouse.stem}/{page}?" + urllib.parse.urlencode({"since": since}),
                                   timeout=30)
        assert refused.value.code == 400
        body = refused.value.read().decode()
        assert body.startswith(message) and len(body.strip().splitlines()) == 1


def test_the_feeds_read_in_a_feed_parser(served):
    import feedparser

    base, warehouse = served
    everything = feedparser.parse(f"{base}/-/feed.atom")
    assert everything.bozo == 0 and everything.version == "atom10", everything.get("bozo_exception")
    assert everything.feed.title.startswith("شهرنامه: تازه‌ها · Shahrnameh: what's new")
    assert everything.feed.language == "fa"
    entries = everything.entries
    with db.connect(f"sqlite:///{warehouse}").connect() as connection:
        numbers = connection.scalar(text("SELECT count(*) FROM programme_timeline"))
        updated = connection.scalar(text("SELECT count(*) FROM programme_timeline WHERE url = :url"),
                                    {"url": (CORPUS / SEED).as_uri()})
    # Every number once, but of seed 004's update only the two it changed: the rest it said again.
    assert len(entries) == numbers - (updated - 2)
    assert len({entry.id for entry in entries}) == len(entries)
    newest = entries[0]  # this week's changes come first
    assert newest.title in ("changed · تغییر · شورای محله · رفسنجان · council: 50 → 60 شورای محله",
                            "changed · تغییر · شورای محله · رفسنجان · people: 350 → 420 نفر")
    # (feedparser shows file:///… as file://…; a crawled article's link is http.)
    assert newest.link.endswith("/corpus/" + SEED) and newest.author == "corpus"
    assert "۴۲۰ نفر در ۶۰ شورای محله فعال هستند" in newest.summary and "۲۹ اردیبهشت ۱۴۰۳" in newest.summary
    assert newest.updated_parsed[:3] == datetime.now(timezone.utc).timetuple()[:3]
    assert {tag.term for tag in newest.tags} >= {"شورای محله", "رفسنجان"}
    assert all(entry.updated_parsed[:3] == (2026, 11, 16) for entry in entries[2:])  # last week's numbers

    programme = feedparser.parse(f"{base}/-/feed.atom?" + urllib.parse.urlencode({"programme": "شورای‌محله"}))
    assert programme.bozo == 0 and programme.feed.title.endswith("· شورای محله")
    assert {entry.title.split(" · ")[2] for entry in programme.entries} == {"شورای محله"}
    assert len(programme.entries) == 2  # the two changed numbers; «50 محله» was said again

    tehran = feedparser.parse(f"{base}/-/feed.atom?" + urllib.parse.urlencode({"municipality": "تهران"}))
    places = {tag.term for entry in tehran.entries for tag in entry.tags}
    assert tehran.bozo == 0 and tehran.entries and "تهران / منطقه 20" in places and "رفسنجان" not in places

    nothing = feedparser.parse(f"{base}/-/feed.atom?" + urllib.parse.urlencode(
        {"programme": "شورای محله", "municipality": "تهران"}))
    assert nothing.bozo == 0 and nothing.entries == []  # an empty feed, still a feed
    unknown = feedparser.parse(f"{base}/-/feed.atom?programme=Atlantis")
    assert unknown.status == 404

    # A municipality's page links its feed, for the browser and for feed readers' discovery.
    with db.connect(f"sqlite:///{warehouse}").connect() as connection:
        rafsanjan = connection.scalar(text("SELECT id FROM municipalities WHERE name = 'رفسنجان'"))
    with urllib.request.urlopen(f"{base}/{warehouse.stem}/municipalities/{rafsanjan}", timeout=30) as response:
        page = response.read().decode()
    link = "/-/feed.atom?" + urllib.parse.urlencode({"municipality": "رفسنجان"})
    assert f'<a href="{link}">' in page and f'type="application/atom+xml" title="What\'s new · رفسنجان" href="{link}"' in page


@pytest.mark.parametrize("rey", ["شهر ری", "شهرری", "ری"])
def test_the_feed_and_the_canned_whatsnew_find_shahr_e_rey_as_tehrans_district_20(served, rey):
    # The news calls district 20 by the town it was; nlp stores it as the district, the alias
    # tables keep the town's names for it.
    import feedparser

    base, warehouse = served
    feed = feedparser.parse(f"{base}/-/feed.atom?" + urllib.parse.urlencode({"municipality": rey}))
    assert feed.get("status") == 200 and feed.bozo == 0 and feed.feed.title.endswith("· تهران / منطقه 20")
    assert feed.entries and {tag.term for entry in feed.entries for tag in entry.tags} & {"تهران / منطقه 20"}
    rows = _get_json(f"{base}/{warehouse.stem}/whatsnew.json?_shape=array&since=2000-01-01&"
                     + urllib.parse.urlencode({"municipality": rey}))
    assert rows and {row["municipality"] for row in rows} == {"تهران / منطقه 20"}


@pytest.mark.parametrize("path", ["/{db}/timeline?programme=x", "/{db}/whatsnew?since=2000-01-01", "/{db}/facts",
                                  "/{db}", "/-/feed.atom"])
def test_a_post_is_refused_with_405_not_a_server_error(served, path):
    base, warehouse = served
    request = urllib.request.Request(base + path.format(db=warehouse.stem), data=b"programme=x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 405 and refused.value.headers["Allow"] == "GET, HEAD"
    assert "only reads" in refused.value.read().decode()


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
