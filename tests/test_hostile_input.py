"""Bytes and numbers an attacker or a broken server sends: read as what they are, or refused
with a reason; never another language, never a wrong value, never a lost article."""

import json
import random
from dataclasses import asdict
from decimal import Decimal

import pytest

from conftest import CORPUS
from shahrnameh.nlp.document import decode_page, read_document

ARYANEWS = CORPUS / "html" / "persian-news" / "aryanews-120200622120908039.html"


def facts_of(document):
    return [asdict(fact) for fact in document.facts]


def test_one_stray_byte_in_a_utf8_page_is_dropped_not_read_as_windows_1256():
    clean = ARYANEWS.read_bytes()
    middle = clean.index("نقدینگی".encode(), len(clean) // 2)
    damaged = clean[:middle] + b"\xff" + clean[middle:]
    expected = read_document(decode_page(clean), is_html=True)
    for declared in (None, "utf-8"):
        document = read_document(decode_page(damaged, declared), is_html=True)
        assert document.title == expected.title and expected.title.startswith("ورود 50 هزار میلیارد تومان")
        assert facts_of(document) == facts_of(expected) and len(expected.facts) > 10


def test_a_page_in_windows_1256_is_still_read_as_windows_1256():
    # As the hostile site serves it: the markup says utf-8, the bytes are windows-1256.
    utf8 = ARYANEWS.read_text(encoding="utf-8")
    cp1256 = utf8.replace("\u06cc", "\u064a").encode("cp1256", "xmlcharrefreplace")
    document = read_document(decode_page(cp1256), is_html=True)
    assert document.title.startswith("ورود 50 هزار میلیارد تومان") and document.language == "fa"
    assert len(document.facts) > 10


def test_twenty_kilobytes_of_noise_are_not_an_article():
    noise = bytes(random.Random(13).choice(range(1, 256)) for _ in range(20_000))
    assert b"\x00" not in noise
    for is_html in (True, False):
        document = read_document(decode_page(noise), is_html=is_html)
        assert document.kind == "not_article" and document.facts == ()
        assert document.reason.startswith("not language: ")


def test_no_page_or_text_of_the_corpus_is_taken_for_noise():
    from shahrnameh.nlp.language import not_language
    from shahrnameh.nlp.page import read_html, read_text
    for path in sorted(CORPUS.glob("*/**/*")):
        if path.suffix in (".html", ".txt"):
            text = decode_page(path.read_bytes())
            page = read_html(text) if path.suffix == ".html" else read_text(text)
            assert not_language(page.text) is None, path


PARKS = CORPUS / "text" / "fars_8408210230_tehran_27_parks_security_units.txt"
NINES = "۹" * 25
# A real article, then a sentence of one impossible number, one too large for the
# warehouse but exact, and one ordinary count.
OVERLONG = (PARKS.read_text(encoding="utf-8")
            + f"\nدر این طرح {'۷' * 400} نفر و {NINES} نفر و ۲۵ نفر از شهروندان شرکت کردند.\n")


def test_numbers_are_exact_whole_numbers_as_int_the_rest_as_decimal():
    from shahrnameh.nlp.numbers import find_numbers, parse_number
    assert parse_number(NINES) == 10 ** 25 - 1 and type(parse_number(NINES)) is int
    assert parse_number("۱۲.۵") == Decimal("12.5") and parse_number("۰.۱") == Decimal("0.1")
    assert parse_number("۱.۵ میلیارد") == 1_500_000_000
    assert parse_number("۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷.۸۹") == Decimal("12345678901234567.89")
    # «هزار» thousands of times is one finite reading, never an exception or a stall.
    [chain] = find_numbers("هزار " * 5000 + "نفر")
    assert not chain.value.is_finite() or chain.value >= Decimal(10) ** 30


def test_an_impossible_number_drops_its_fact_and_keeps_the_article():
    clean = read_document(PARKS.read_text(encoding="utf-8"), is_html=False)
    document = read_document(OVERLONG, is_html=False)
    assert document.kind == "article" and document.title == clean.title
    values = [fact.value for fact in document.facts]
    assert values[:len(clean.facts)] == [fact.value for fact in clean.facts]
    assert values[len(clean.facts):] == [10 ** 25 - 1, 25]
    [reason] = document.dropped
    assert reason.startswith("fact dropped: the number «۷۷۷") and "more than 30 digits" in reason


def test_extract_prints_valid_json_with_exact_values(tmp_path):
    from test_cli import shahrnameh
    page = tmp_path / "overlong.txt"
    page.write_text(OVERLONG + "سهم آن ۱۲.۵ درصد بود.\n", encoding="utf-8")
    result = shahrnameh("extract", str(page))
    assert result.returncode == 0, result.stderr

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    record = json.loads(result.stdout, parse_constant=no_constants, parse_float=Decimal)
    values = [fact["value"] for fact in record["facts"]]
    assert 10 ** 25 - 1 in values and 25 in values and Decimal("12.5") in values
    assert f'"value": {"9" * 25},' in result.stdout
    assert len(record["dropped"]) == 1 and "more than 30 digits" in record["dropped"][0]


def test_a_fact_the_warehouse_cannot_hold_is_dropped_with_a_failure_row_not_the_article(tmp_path):
    from shahrnameh.ingest import steps as pipeline
    from shahrnameh.spiders.archive import Archive
    from shahrnameh.warehouse import db, load, queries

    engine = db.connect(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    load.upsert_source(engine, name="k", start_urls=[], allowed_domains=[], municipality=None)
    run_id = load.start_run(engine)
    url = "https://example.org/overlong.html"
    body = ("<html><body><h1>امنیت ۲۷ بوستان</h1><article>"
            + "".join(f"<p>{line}</p>" for line in OVERLONG.splitlines() if line.strip())
            + "</article></body></html>").encode()
    archive = Archive(tmp_path / "archive", run_id=run_id)
    path, offset, sha256 = archive.write_response("k", url, 200, [("Content-Type", "text/html")], body,
                                                  "2026-01-01T00:00:00Z")
    health = pipeline.SourceHealth("k")
    outcome, document = pipeline.read_and_load(
        engine, archive, run_id, "k", health, url=url, page_id=None, sha256=sha256,
        content_type="text/html; charset=utf-8", encoding="utf-8", archive_path=path, archive_offset=offset)
    assert outcome == "new" and 25 in [fact.value for fact in document.facts]
    assert 10 ** 25 - 1 not in [fact.value for fact in document.facts]
    [[stored]] = queries.run_sql(engine, "SELECT count(*) FROM facts")[1]
    assert stored == len(document.facts) > 2
    failures = queries.run_sql(engine, "SELECT stage, message FROM failures ORDER BY message")[1]
    assert [stage for stage, _ in failures] == ["extract", "extract"]
    assert "25 digits is too large for the warehouse" in failures[0][1]
    assert "more than 30 digits" in failures[1][1]
    assert len(health.errors) == 2


def test_a_page_over_the_size_limit_is_refused_before_it_is_read():
    from shahrnameh.nlp.document import MAX_PAGE_BYTES, DocumentError
    page = ARYANEWS.read_bytes()
    oversized = page.replace(b"</body>", b"<p>" + b" " * MAX_PAGE_BYTES + b"</p></body>", 1)
    with pytest.raises(DocumentError, match=r"larger than the 2,000,000 bytes"):
        decode_page(oversized)


def test_markup_nested_deeper_than_a_browser_nests_is_refused_before_parsing():
    from shahrnameh.nlp.page import MAX_NESTING
    page = ARYANEWS.read_text(encoding="utf-8")
    inside_body = page.index(">", page.index("<body")) + 1
    expected = read_document(page, is_html=True)

    def wrapped(depth):
        return page[:inside_body] + "<div>" * depth + page[inside_body:]

    assert read_document(wrapped(MAX_NESTING - 50), is_html=True).text == expected.text
    deep = read_document(wrapped(MAX_NESTING + 1), is_html=True)
    assert deep.kind == "not_article" and deep.reason.startswith("markup nested more than 512 elements deep")
