"""PDF reports: real corpus texts rendered by LibreOffice read back in reading order, with the same facts."""

import difflib
import json
import re
from collections import Counter
from datetime import datetime, timezone

import pytest

from shahrnameh.nlp.document import read_document
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.pdf import PdfError, is_pdf, looks_like_pdf, pdf_text, read_pdf

from conftest import CORPUS

PDF = CORPUS / "pdf"
# corpus/MANIFEST.md: each PDF and the text it was rendered from.
RENDERED = {
    "fars_13930707000829_ardabil_fire_stations_budget.pdf":
        CORPUS / "text" / "fars_13930707000829_ardabil_fire_stations_budget.txt",
    "fars_13990305000508_dogonbadan_urban_regeneration_700bn_rial.pdf":
        CORPUS / "fars-municipal" / "fars_13990305000508_dogonbadan_urban_regeneration_700bn_rial.txt",
}
SCANNED = "fars_13930707000829_ardabil_fire_stations_budget_scanned.pdf"


def _words(text: str) -> list[str]:
    # A PDF keeps no zero-width non-joiner where the font has no glyph for it: compare the
    # parts of «آتش‌نشانی» as two words on both sides.
    return re.findall(r"\w+", normalize(text).replace("\u200c", " "))


def _in_order_share(source: list[str], extracted: list[str]) -> float:
    """Share of the source's words found in the extraction in the same order (longest common subsequence)."""
    matcher = difflib.SequenceMatcher(None, source, extracted, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(source)


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_the_text_round_trips_in_reading_order(name):
    source = read_document(RENDERED[name].read_text(encoding="utf-8"), is_html=False)
    document = read_pdf((PDF / name).read_bytes())
    assert document.kind == "report" and document.language == "fa"
    assert document.title == source.title  # the large type, «/» and numbers in their places
    source_words, pdf_words = _words(source.text), _words(document.text)
    assert _in_order_share(source_words, pdf_words) >= 0.98
    assert len(pdf_words) <= len(source_words) * 1.02  # nothing read twice
    # Right to left, not mirrored: no word reads backwards, no presentation-form glyph is left.
    assert "شهرداری" in document.text or "استاندار" in document.text
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", document.text)


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_the_report_gives_the_facts_the_text_gives(name):
    source = read_document(RENDERED[name].read_text(encoding="utf-8"), is_html=False)
    document = read_pdf((PDF / name).read_bytes())
    assert len(source.facts) >= 15

    def key(fact):
        return fact.value, fact.category, fact.qualifier, fact.unit

    assert Counter(map(key, document.facts)) == Counter(map(key, source.facts))
    for fact in document.facts:
        assert document.text[fact.sentence_start:fact.sentence_end] == fact.evidence


def test_title_is_the_large_type_and_numbers_keep_their_place():
    title, body = pdf_text((PDF / "fars_13930707000829_ardabil_fire_stations_budget.pdf").read_bytes())
    assert title == "دو ایستگاه جدید آتش‌نشانی سال آینده به بهره‌برداری می‌رسد"
    # A number splits its line into separate text boxes; the row keeps them in reading order.
    assert "امسال 300 میلیون تومان اعتبار برای خرید" in body
    assert "4 میلیارد تومان برای خرید نردبان 52 متری" in body
    assert "تلاش شهرداری" in body  # lam-alef, one glyph for two letters
    # The page break falls inside a paragraph: it is joined, not split.
    paragraphs = body.split("\n")
    assert any(p.startswith("شهردار اردبیل با اشاره به بهره") and p.endswith("دو برابر شود.") for p in paragraphs)


def test_a_scanned_report_is_empty_with_a_reason_not_an_error():
    document = read_pdf((PDF / SCANNED).read_bytes())
    assert document.kind == "empty" and document.text == "" and document.facts == ()
    assert "no text layer" in document.reason


@pytest.mark.parametrize("content, message", [
    (b"<html><body>not a report</body></html>", "not a PDF"),
    (b"%PDF-1.7\n", "unreadable PDF"),
    ("half", "unreadable PDF"),
])
def test_a_broken_pdf_is_one_clear_error(content, message):
    if content == "half":  # a download cut off in the middle
        whole = (PDF / "fars_13990305000508_dogonbadan_urban_regeneration_700bn_rial.pdf").read_bytes()
        content = whole[: len(whole) // 2]
    with pytest.raises(PdfError, match=message) as caught:
        read_pdf(content)
    assert "\n" not in str(caught.value)
    with pytest.raises(TypeError):
        read_pdf("%PDF- a str")


def test_a_pdf_is_known_by_its_bytes_its_content_type_or_a_pdf_url_served_as_bytes():
    body = (PDF / SCANNED).read_bytes()
    assert is_pdf(body) and is_pdf(body, "application/octet-stream")
    assert is_pdf(b"", "application/pdf; qs=0.001") and is_pdf(b"", "Application/PDF")
    assert not is_pdf(b"<html>", "text/html") and not is_pdf(b"<html>")
    assert looks_like_pdf("application/pdf") and looks_like_pdf("application/x-pdf; charset=binary")
    assert looks_like_pdf("application/octet-stream", "https://www.tehran.ir/Portals/0/budget-1403.PDF?ver=2")
    assert looks_like_pdf(None, "http://127.0.0.1:8719/news/report.pdf")
    assert not looks_like_pdf("text/html", "http://127.0.0.1:8719/news/report.pdf")
    assert not looks_like_pdf("application/octet-stream", "http://127.0.0.1:8719/news/archive.zip")


def test_extract_reads_pdf_files_too(tmp_path):
    from typer.testing import CliRunner

    from shahrnameh.flows.cli import app

    name = "fars_13990305000508_dogonbadan_urban_regeneration_700bn_rial.pdf"
    broken = tmp_path / "cut.pdf"
    broken.write_bytes((PDF / name).read_bytes()[:5000])
    result = CliRunner().invoke(app, ["extract", str(PDF / name), str(broken), str(PDF / SCANNED)])
    lines = result.stdout.strip().splitlines()
    assert result.exit_code == 1, result.output
    first, scanned = (json.loads(line) for line in lines)
    assert first["kind"] == "report" and first["source"].endswith(name)
    assert first["title"].startswith("اختصاص 700 میلیارد ریال") and len(first["facts"]) >= 15
    assert any(f["value"] == 700000000000 and f["category"] == "money" for f in first["facts"])
    assert scanned["kind"] == "empty"
    assert f"{broken}: unreadable PDF" in result.stderr


@pytest.mark.slow
def test_the_demo_crawl_fetches_the_linked_report_and_loads_it_in_the_story_of_its_article(tmp_path):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shahrnameh.demo.site import DemoSite, Page
    from shahrnameh.ingest import steps as pipeline
    from shahrnameh.flows.settings import DEMO_SOURCES
    from shahrnameh.spiders.sources import load_sources
    from shahrnameh.warehouse import db, load
    from shahrnameh.warehouse.models import Article

    fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
    name = "fars_13930707000829_ardabil_fire_stations_budget"
    engine = db.connect(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    archive = tmp_path / "archive"
    with DemoSite() as site:
        cityhall = next(s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                        if s.name == "demo-cityhall")
        load.upsert_source(engine, name=cityhall.name, start_urls=list(cityhall.start_urls),
                           allowed_domains=list(cityhall.allowed_domains), municipality=None)
        report_url = f"{site.base_url}/cityhall/reports/{name}.pdf"
        article_path = f"/cityhall/{name}.html"

        def crawl():
            run_id = load.start_run(engine)
            records = pipeline.crawl(engine, cityhall, archive, run_id, fast)
            return records, pipeline.load_crawl(engine, archive, run_id, cityhall.name, records)

        (first, health), (second, again) = crawl(), crawl()
        # Only the PDF linked from an article is fetched, not the others the site serves; and not
        # by the second crawl, which finds the article unchanged (304) and so follows none of its links.
        assert [p for p in site.requests if p.startswith("/cityhall/reports/")] == [f"/cityhall/reports/{name}.pdf"]
        # The article is edited (its lead dropped): its links are followed again, the report is
        # asked for conditionally and answers 304.
        old = site.pages[article_path]
        lead = old.body[old.body.index(b"<p>"):old.body.index(b"</p>") + 4]
        site.pages[article_path] = Page(200, old.content_type, old.body.replace(lead, b"", 1))
        sitemap = site.pages["/sitemap.xml"]  # as a site does, the sitemap dates the edit
        today = datetime.now(timezone.utc).date().isoformat()
        entry = re.search(rf"<loc>[^<]*{name}\.html</loc><lastmod>[^<]+</lastmod>".encode(), sitemap.body).group()
        site.pages["/sitemap.xml"] = Page(200, sitemap.content_type, sitemap.body.replace(
            entry, re.sub(rb"<lastmod>[^<]+", f"<lastmod>{today}".encode(), entry)))
        third, _ = crawl()

    reports = [r for r in first if r.role == "report"]
    assert [(r.url, r.status, r.outcome, r.content_type) for r in reports] == [
        (report_url, 200, "new", "application/pdf")]
    # The second crawl asked for no report: one linked from an unchanged article is taken from the archive.
    assert [r.outcome for r in second if r.url == report_url] in ([], ["unchanged"])
    assert [(r.role, r.status, r.outcome) for r in third if r.url == report_url] == [("report", 304, "unchanged")]
    assert health.articles_new == 8 and again.articles_new == again.facts_new == 0
    with Session(engine) as session:
        report = session.scalar(select(Article).where(Article.url == report_url))
        versions = session.scalars(select(Article).where(Article.url.endswith(article_path))
                                   .order_by(Article.version)).all()
        assert report.kind == "report" and [v.kind for v in versions] == ["article", "article"]
        assert report.title == "دو ایستگاه جدید آتش‌نشانی سال آینده به بهره‌برداری می‌رسد"
        # The report is the article's text: one story, both copies stored; the edited
        # version of the article stays in it.
        first_version = versions[0]
        assert report.story_id == first_version.story_id == versions[1].story_id == first_version.id
        assert report.id != first_version.id and len(report.text) > 2000
