"""Real pages → article text, title, date; block and empty pages recognised."""

import pytest

from conftest import CORPUS
from shahrnameh.nlp.page import read_html, read_text

HTML = CORPUS / "html"
ZWNJ = "\u200c"


def _read(path):
    return read_html(path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.parametrize("name, iso", [
    ("khabaronline-1353889.html", "2020-02-18"),
    ("yjc-7349926.html", "2020-05-10"),          # Jalali date in article:published_time
    ("aryanews-120200622120908039.html", "2020-06-22"),  # «دوشنبه ۲ تير ۱۳۹۹» in the header
])
def test_persian_news_pages(name, iso):
    page = _read(HTML / "persian-news" / name)
    assert page.kind == "article" and page.language == "fa"
    assert page.published == iso
    assert len(page.text) > 1000


def test_zwnj_words_of_the_body_survive():
    html = (HTML / "persian-news" / "khabaronline-1353889.html").read_text(encoding="utf-8")
    page = read_html(html)
    words = [w for w in page.text.split() if ZWNJ in w]
    assert len(words) > 50
    assert all(w in html for w in words)


def test_voa_dari_dates_are_the_displayed_local_date():
    assert _read(HTML / "voa-dari" / "article_7163944.html").published == "2025-01-20"


@pytest.mark.parametrize("name, kind", [
    ("edge-cases/arvancloud-bot-challenge.html", "block_page"),
    ("edge-cases/shiraz-municipality-js-redirect.html", "empty"),
])
def test_block_and_empty_pages(name, kind):
    page = _read(HTML / name)
    assert page.kind == kind and page.reason


def test_the_facebook_snippet_page_is_not_an_article():
    assert _read(HTML / "voa-dari" / "article_7689473.html").kind != "article"


def test_seed_text_loses_its_sidebar_and_keeps_its_body():
    page = read_text((CORPUS / "seeds" / "000_79683cf1f56b498c.txt").read_text(encoding="utf-8"))
    assert page.kind == "article"
    assert page.title.startswith("ارتقای کیفیت خدماترسانی")
    assert "پایتخت 7" not in page.text          # a sidebar headline
    assert "Protected by FormShield" not in page.text
    assert page.text.endswith("تعیین تکلیف اصولی است.")


def test_seed_text_date_from_its_header():
    page = read_text((CORPUS / "seeds" / "004_2c1a495e2d80be16.txt").read_text(encoding="utf-8"))
    assert page.published == "2024-05-18"
    assert "Likes0" not in page.text


def test_empty_inputs():
    assert read_html("").kind == "empty"
    assert read_text("\n\n").kind == "empty"
