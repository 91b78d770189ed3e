"""`shahrnameh timeline`: a programme's numbers by date as a table and a PNG chart, over a
warehouse loaded from real corpus articles."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import jdatetime
import pytest
from typer.testing import CliRunner

from shahrnameh.flows.cli import app
from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.warehouse import db, load

from conftest import POSTGRES, postgres_schema

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# Seed 004 (Rafsanjan: شورای محله, شهردار محله, مدیریت مشارکتی …, dated in its text), seed 000
# (Tehran district 3, undated), and two Fars News articles about Tehran (سرای محله, the
# participation festival), whose dates are in their Fars News ids (yyMMdd…, Jalali).
ARTICLES = (
    "seeds/004_2c1a495e2d80be16.txt",
    "seeds/000_79683cf1f56b498c.txt",
    "text/fars_8812130218_tehran_region20_shahr-e-rey_projects_neighbourhood_halls.txt",
    "text/fars_8307140301_tehran_participation_festival_200_projects.txt",
)
_FARS_ID = re.compile(r"fars_(\d{2})(\d{2})(\d{2})\d+_")


def corpus_document(relative: str, *text_changes: tuple[str, str]):
    """The article as nlp reads it, after (old, new) text replacements as a site's update would
    make them; a Fars News article gets the date its id encodes."""
    raw = (CORPUS / relative).read_bytes()
    for old, new in text_changes:
        assert old in raw.decode("utf-8")
        raw = raw.decode("utf-8").replace(old, new).encode("utf-8")
    document = read_document(decode_page(raw), is_html=False)
    fars = _FARS_ID.search(relative)
    if document.published is None and fars:
        year, month, day = (int(part) for part in fars.groups())
        published = jdatetime.date(1300 + year, month, day).togregorian().isoformat()
        document = dataclasses.replace(document, published=published)
    return document


def load_corpus(url: str, articles=ARTICLES) -> None:
    """Load the articles into the warehouse at `url`, in one run, as the nightly flow would."""
    engine = db.connect(url)
    load.upsert_source(engine, name="corpus", start_urls=[CORPUS.as_uri()], allowed_domains=[], municipality=None)
    run_id = load.start_run(engine)
    for relative in articles:
        load.load_document(engine, run_id, page_id=None, source="corpus", url=(CORPUS / relative).as_uri(),
                           document=corpus_document(relative))
    load.finish_run(engine, run_id, status="succeeded", counts={}, errors=[])


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (scripts/services/postgres.sh sets it)"))]


@pytest.fixture(params=ENGINES)
def empty_warehouse(request, tmp_path) -> str:
    """A new warehouse URL on each engine: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
        yield url
        db.disconnect(url)
        return
    with postgres_schema() as url:
        yield url
        db.disconnect(url)


@pytest.fixture
def warehouse(empty_warehouse) -> str:
    load_corpus(empty_warehouse)
    return empty_warehouse


@pytest.fixture
def persian_font():
    """The chart tests need a Persian font (scripts/services/fonts.sh installs one; CI requires it)."""
    import os

    from shahrnameh.flows import charts

    try:
        return charts.persian_font()
    except charts.ChartError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Persian font on this machine: {error}")


def _run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})


def test_the_table_lists_the_programmes_numbers_with_date_source_and_evidence(warehouse):
    # ZWNJ where the stored name has a space, Arabic ي: the alias key still finds «شورای محله».
    result = _run("timeline", "شوراي‌محله", "--db", warehouse)
    assert result.exit_code == 0, result.output
    assert "شورای محله in" not in result.output  # no municipality filter was asked for
    # The same value said twice in one story («۵۰ محله») is one number of the timeline.
    assert "شورای محله: 3 numbers" in result.output
    assert "2024-05-18" in result.output and "۲۹ اردیبهشت ۱۴۰۳" in result.output
    assert "رفسنجان" in result.output and "corpus" in result.output
    for value in ("50 محله", "350 نفر", "50 شورای محله"):
        assert value in result.output
    assert "اکنون در ۵۰ محله، ۳۵۰ نفر در ۵۰ شورای محله فعال هستند" in result.output  # the evidence


def test_a_municipality_narrows_the_timeline_and_a_city_takes_its_districts(warehouse):
    # The district 20 article names «شهرری» as the district itself: its numbers are Tehran's district 20.
    both = _run("timeline", "سرای محله", "--db", warehouse)
    assert both.exit_code == 0 and "· تهران / منطقه 20" in both.output and "· شهرری" not in both.output
    district = _run("timeline", "سرای محله", "-m", "تهران / منطقه 20", "--db", warehouse)
    assert district.exit_code == 0, district.output
    places = {line.rsplit("·", 1)[1].strip() for line in district.output.splitlines() if line.count("·") == 2}
    assert places == {"تهران / منطقه 20"}
    tehran = _run("timeline", "سرای محله", "--municipality", "تهران", "--db", warehouse)
    assert tehran.exit_code == 0, tehran.output
    assert any(line.strip().startswith("سرای محله in تهران, تهران / منطقه 20, تهران / منطقه 3: ")
               for line in tehran.output.splitlines())
    assert "تهران / منطقه 20" in tehran.output


@pytest.mark.parametrize("rey", ["شهر ری", "شهرری", "ری", "شهر ري"])
def test_shahr_e_rey_in_any_spelling_is_tehrans_district_20(warehouse, rey):
    # The news still calls district 20 by the town it was: the article names «شهرری» and «شهر ری»,
    # and nlp makes both the district. A reader typing the town's name must find its numbers,
    # not «no municipality matches».
    timeline = _run("timeline", "سرای محله", "-m", rey, "--db", warehouse)
    assert timeline.exit_code == 0, timeline.output
    places = {line.rsplit("·", 1)[1].strip() for line in timeline.output.splitlines() if line.count("·") == 2}
    assert places == {"تهران / منطقه 20"}
    whatsnew = _run("whatsnew", "--since", "2000-01-01", "-m", rey, "--db", warehouse)
    assert whatsnew.exit_code == 0, whatsnew.output
    assert [line for line in whatsnew.output.splitlines() if line.startswith("## ")] == ["## تهران / منطقه 20"]
    exported = _run("export", "--format", "jsonl", "--municipality", rey, "--db", warehouse)
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert rows and {row["municipality_name"] for row in rows} == {"تهران / منطقه 20"}


def test_the_chart_is_a_png_with_persian_text_and_both_calendars(warehouse, tmp_path, persian_font):
    from PIL import Image

    png = tmp_path / "chart.png"
    # «شورای محله»: three categories, three panels.
    result = _run("timeline", "شورای محله", "--db", warehouse, "--png", str(png))
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 20_000
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width >= 1000 and image.height >= 800
        assert image.text["Title"] == "شورای محله"
        # Not a blank canvas: dots, labels and axes in several colours.
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50


def test_the_chart_draws_every_persian_letter_from_the_font_in_reading_order(warehouse, persian_font):
    from matplotlib.ft2font import FT2Font, LoadFlags
    from matplotlib.text import Text

    from shahrnameh.flows import charts
    from shahrnameh.warehouse import journalism

    rows = journalism.timeline(db.connect(warehouse), "سرای محله").rows
    with charts._persian_text():
        figure = charts.draw_timeline(rows, "سرای محله")
        figure.canvas.draw()
        texts = [t.get_text() for t in figure.findobj(Text) if t.get_text()]
        font = FT2Font(str(charts.persian_font()))
    joined = "\n".join(texts)
    assert "سرای محله" in joined
    assert "۱۳ اسفند ۱۳۸۸" in joined and "2010-03-04" in joined  # the article's date, Jalali and Gregorian
    assert "7 سرای محله" in joined and "تهران / منطقه 20" in joined
    persian = {ch for ch in joined if "\u0600" <= ch <= "\u06ff"}
    assert persian and not [ch for ch in persian if font.get_char_index(ord(ch)) == 0]
    # matplotlib lays Persian out right to left: the last letter is drawn first (leftmost).
    drawn = [item.char for item in font._layout("سرای محله", LoadFlags.NO_HINTING)]
    assert drawn[0] == "ه" and drawn[-1] == "س"


def test_a_name_that_names_nothing_is_one_line_with_close_matches(warehouse):
    result = _run("timeline", "شورا", "--db", warehouse)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        result.output.strip()] and "no programme named «شورا»; close matches:" in result.output
    assert "«شورای محله»" in result.output and "Traceback" not in result.output
    nowhere = _run("timeline", "شورای محله", "-m", "Atlantis", "--db", warehouse)
    assert nowhere.exit_code == 2 and "no municipality named «Atlantis»" in nowhere.output


def test_a_known_programme_without_numbers_says_so(warehouse):
    result = _run("timeline", "سامانه من شهردارم", "-m", "رفسنجان", "--db", warehouse)
    assert result.exit_code == 0
    assert "no numbers in the warehouse yet" in result.output


def test_chart_failures_are_clear_and_the_table_is_still_printed(warehouse, tmp_path, monkeypatch, persian_font):
    missing_dir = _run("timeline", "سرای محله", "--db", warehouse, "--png", str(tmp_path / "no" / "c.png"))
    assert missing_dir.exit_code == 1 and "cannot write" in missing_dir.output
    assert "7 سرای محله" in missing_dir.output
    monkeypatch.setenv("SHAHRNAMEH_FONT", str(tmp_path / "nofont.ttf"))
    no_font = _run("timeline", "سرای محله", "--db", warehouse, "--png", str(tmp_path / "c.png"))
    assert no_font.exit_code == 1 and "is not a font with Persian letters" in no_font.output
    assert not (tmp_path / "c.png").exists()


def test_a_chart_file_that_is_not_png_is_one_line_before_anything_is_read(warehouse, tmp_path):
    result = _run("timeline", "سرای محله", "--db", warehouse, "--png", str(tmp_path / "x.txt"))
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"shahrnameh: --png {tmp_path / 'x.txt'}: the chart is a PNG image: give a file name ending in .png"]
    assert not (tmp_path / "x.txt").exists()


def test_no_persian_font_on_the_machine_is_one_clear_line(monkeypatch, tmp_path):
    from shahrnameh.flows import charts

    monkeypatch.delenv("SHAHRNAMEH_FONT", raising=False)
    monkeypatch.setattr(charts, "FONT_DIRS", (str(tmp_path),))
    with pytest.raises(charts.ChartError, match="no Persian-capable font found: install Debian's fonts-noto-core"):
        charts.persian_font()


def test_the_chart_names_its_panels_in_persian_with_the_key_in_brackets_and_titles_its_axes(warehouse, persian_font):
    from shahrnameh.flows import charts
    from shahrnameh.warehouse import journalism

    rows = journalism.timeline(db.connect(warehouse), "شورای محله").rows
    with charts._persian_text():
        figure = charts.draw_timeline(rows, "شورای محله")
    panels = [axis for axis in figure.axes if axis.get_title(loc="right")]
    assert [axis.get_title(loc="right") for axis in panels] == [
        "شوراها (council)", "محله‌ها (neighbourhood)", "نفرات (people)"]
    assert not [axis for axis in panels if axis.get_title(loc="left")]  # no bare English key left
    assert {axis.get_ylabel() for axis in panels} == {"مقدار (value)"}
    assert panels[-1].get_xlabel() == "تاریخ خبر، میلادی و شمسی (article date, Gregorian and Jalali)"
    assert charts.category_label("other") == "سایر (other)" and charts.category_label("new-kind") == "new-kind"


@pytest.mark.parametrize("width", [80, 120])
def test_at_80_and_120_columns_every_evidence_sentence_link_and_source_is_whole(warehouse, width):
    from rich.cells import cell_len  # a ZWNJ takes no cell

    from shahrnameh.warehouse import journalism

    result = CliRunner().invoke(app, ["timeline", "سرای محله", "--db", warehouse], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Only a link may run past the width (one line the terminal wraps, still one link).
    assert all(cell_len(line) <= width for line in lines if "://" not in line)
    flowing = " ".join(result.output.split())
    rows = journalism.timeline(db.connect(warehouse), "سرای محله", None).rows
    assert len(rows) >= 2
    for row in rows:
        assert " ".join(row["evidence"].split()) in flowing
        assert f"  {row['source']}: {row['url']}" in lines
