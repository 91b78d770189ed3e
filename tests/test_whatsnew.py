"""`shahrnameh whatsnew --since DATE`: numbers stored since a date, new and changed, by municipality."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import DateTime, bindparam, text
from typer.testing import CliRunner

from shahrnameh.flows.cli import app
from shahrnameh.warehouse import db, load
from test_timeline import CORPUS, corpus_document, empty_warehouse, load_corpus  # noqa: F401 (fixture)

SEED = "seeds/004_2c1a495e2d80be16.txt"
# The article as the site later updated it: more people in more councils.
UPDATE = ("۳۵۰ نفر در ۵۰ شورای محله", "۴۲۰ نفر در ۶۰ شورای محله")
FESTIVAL = "text/fars_8307140301_tehran_participation_festival_200_projects.txt"


def stored_last_week_then_updated(url: str, articles: tuple[str, ...] | None = None):
    """The corpus (or `articles` of it) stored last week, then this week's run storing the
    updated seed 004: the engine and this week's run id."""
    load_corpus(url, **({"articles": articles} if articles else {}))
    engine = db.connect(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET created_at = :last_week").bindparams(
            bindparam("last_week", type_=DateTime)), {"last_week": datetime(2026, 11, 16, 1, 0)})
    run_id = load.start_run(engine)
    _, outcome = load.load_document(engine, run_id, page_id=None, source="corpus", url=(CORPUS / SEED).as_uri(),
                                    document=corpus_document(SEED, UPDATE))
    assert outcome == "changed"
    return engine, run_id


@pytest.fixture
def warehouse(empty_warehouse) -> str:
    """Last week's run stored two articles; this week's stored a changed version of one and a new one."""
    url = empty_warehouse
    engine, run_id = stored_last_week_then_updated(url, (SEED, "seeds/000_79683cf1f56b498c.txt"))
    load.load_document(engine, run_id, page_id=None, source="corpus", url=(CORPUS / FESTIVAL).as_uri(),
                       document=corpus_document(FESTIVAL))
    return url


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_changed_article_shows_old_and_new_numbers_and_a_new_article_its_numbers(warehouse):
    result = _run("whatsnew", "--since", "2026-11-20", "--db", warehouse)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("# What's new since 2026-11-20 (۲۹ آبان ۱۴۰۵)")
    rafsanjan = out.split("## رفسنجان", 1)[1].split("\n## ", 1)[0]
    assert "**changed** · شورای محله · council: 50 → 60 شورای محله" in rafsanjan
    assert "**changed** · شورای محله · people: 350 → 420 نفر" in rafsanjan
    assert "> از همینرو تشکیل شورای محله را به تدریج آغاز کردیم و اکنون در ۵۰ محله، ۴۲۰ نفر در ۶۰ شورای محله" in rafsanjan
    assert f"[corpus]({(CORPUS / SEED).as_uri()})" in rafsanjan
    # What the update did not touch is not news: «۴۷ شورای بانوان» is stated in both versions.
    assert "شورای بانوان" not in rafsanjan and "**new**" not in rafsanjan and "dropped" not in rafsanjan
    tehran = out.split("## تهران", 1)[1].split("\n## ", 1)[0]
    assert "**new** · جشنواره مشارکت‌های مردمی · project: 200 طرح · 2004-10-05 (۱۴ مهر ۱۳۸۳)" in tehran
    # Seed 000 (Tehran district 3) was stored last week and did not change.
    assert "منطقه 3" not in out


def test_nothing_is_new_after_the_last_run_and_everything_before_the_first(warehouse):
    later = _run("whatsnew", "--since", "2099-01-01", "--db", warehouse)
    assert later.exit_code == 0 and "0 numbers: 0 new, 0 changed, 0 dropped, in 0 municipalities" in later.output
    earlier = _run("whatsnew", "--since", "2026-01-01", "--db", warehouse)
    assert "changed" not in earlier.output.split("\n", 3)[3]  # from before the first run every number is new
    assert "## تهران / منطقه 3" in earlier.output


def test_html_is_a_page_with_links_and_escaped_evidence(warehouse):
    result = _run("whatsnew", "--since", "1405-08-29", "--format", "html", "--db", warehouse)  # Jalali
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "What's new since 2026-11-20" in page
    assert f'<a href="{(CORPUS / SEED).as_uri()}"><bdi>corpus</bdi></a>' in page
    assert '<li class="changed"><b>changed</b>' in page and "50 → 60 <bdi>شورای محله</bdi>" in page
    assert '<blockquote dir="rtl" lang="fa">از همینرو' in page


def test_html_isolates_every_persian_run_from_the_english_around_it(warehouse):
    """«(۲۹ آبان ۱۴۰۵)» in the English heading keeps its order only inside a <bdi>; every
    Persian text is in a <bdi> or an element whose direction is right to left."""
    page = _run("whatsnew", "--since", "2026-11-20", "--format", "html", "--db", warehouse).output
    runs = _persian_runs(page)
    assert ("۲۹ آبان ۱۴۰۵", ["html", "body", "h1", "bdi"], "en") in runs
    assert ("۲۹ اردیبهشت ۱۴۰۳", ["html", "body", "section", "ul", "li", "bdi"], "en") in runs
    assert ("رفسنجان", ["html", "body", "section", "h2"], "rtl") in runs
    unisolated = [(text, path) for text, path, direction in runs if path[-1] != "bdi" and direction != "rtl"]
    assert runs and not unisolated, unisolated
    # «50 → 60» is not isolated: in an English line it reads left to right, old → new.
    assert "council: 50 → 60 <bdi>" in page


def _persian_runs(page: str) -> list[tuple[str, list[str], str]]:
    """Each text run with a Persian letter: (text, the open elements, the direction in force)."""
    from html.parser import HTMLParser

    class Runs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack: list[tuple[str, str]] = []
            self.found: list[tuple[str, list[str], str]] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("meta", "br"):
                return
            direction = dict(attrs).get("dir") or (self.stack[-1][1] if self.stack else "en")
            self.stack.append((tag, direction))

        def handle_endtag(self, tag):
            while self.stack and self.stack.pop()[0] != tag:
                pass

        def handle_data(self, data):
            if any("\u0600" <= ch <= "\u06ff" for ch in data):
                self.found.append((data.strip(), [tag for tag, _ in self.stack], self.stack[-1][1]))

    parser = Runs()
    parser.feed(page)
    return parser.found


@pytest.mark.parametrize("since, message", [
    ("last week", "--since: not a date: 'last week' (expected a date like 2024-03-20 (Gregorian) or 1403-01-01 (Jalali)"),
    ("2026-02-30", "--since: not a date: '2026-02-30' (day is out of range for month in the Gregorian calendar)"),
    ("1405-13-01", "--since: not a date: '1405-13-01'"),
    ("11/12/2026", "--since: ambiguous date '11/12/2026': 2026-12-11 (day first) or 2026-11-12 (month first)"),
])
def test_a_bad_date_is_one_clear_line(warehouse, since, message):
    result = _run("whatsnew", "--since", since, "--db", warehouse)
    assert result.exit_code == 2
    assert result.output.strip().startswith("shahrnameh: " + message) and len(result.output.strip().splitlines()) == 1


def test_a_bad_format_is_one_clear_line(warehouse):
    result = _run("whatsnew", "--since", "2026-11-20", "--format", "pdf", "--db", warehouse)
    assert result.exit_code == 2 and "unknown --format 'pdf': expected markdown or html" in result.output


@pytest.mark.parametrize("since", ["2026-11-20", "1405-08-29", "۱۴۰۵/۰۸/۲۹", "۲۹ آبان ۱۴۰۵", "20/11/2026"])
def test_since_in_either_calendar_and_either_digits_is_one_day(warehouse, since):
    result = _run("whatsnew", "--since", since, "--db", warehouse)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# What's new since 2026-11-20 (۲۹ آبان ۱۴۰۵)")


def test_a_number_the_new_version_no_longer_states_is_dropped_against_what_was_seen_at_the_date(warehouse):
    # A second update the same week also removes a sentence: compared with last week's version,
    # the two changes stay changes and the removed number is dropped.
    engine = db.connect(warehouse)
    run_id = load.start_run(engine)
    removed = "هم اکنون ۴۷ شورای بانوان در محلات تاسیس شده است."
    _, outcome = load.load_document(engine, run_id, page_id=None, source="corpus", url=(CORPUS / SEED).as_uri(),
                                    document=corpus_document(SEED, UPDATE, (removed, "")))
    assert outcome == "changed"
    out = _run("whatsnew", "--since", "2026-11-20", "--db", warehouse).output
    rafsanjan = out.split("## رفسنجان", 1)[1]
    assert "**dropped** · شورای بانوان · council: 47 → (no longer stated) شورای بانوان" in rafsanjan
    assert "council: 50 → 60 شورای محله" in rafsanjan and "people: 350 → 420 نفر" in rafsanjan


def test_only_one_programme_or_one_municipality(warehouse):
    councils = _run("whatsnew", "--since", "2026-11-20", "--programme", "شوراي‌محله", "--db", warehouse)
    assert councils.exit_code == 0, councils.output
    assert "2 numbers: 0 new, 2 changed, 0 dropped, in 1 municipality" in councils.output
    tehran = _run("whatsnew", "--since", "2026-11-20", "-m", "تهران", "--db", warehouse)
    assert "4 numbers: 4 new" in tehran.output and "رفسنجان" not in tehran.output
    unknown = _run("whatsnew", "--since", "2026-11-20", "-p", "شورا", "--db", warehouse)
    assert unknown.exit_code == 2 and "no programme named «شورا»; close matches:" in unknown.output
