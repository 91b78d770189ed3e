"""Real pages → article text, title, date; block, empty and non-article pages recognised."""

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import CORPUS
from shahrnameh.nlp.dates import parse_date
from shahrnameh.nlp.page import read_html, read_text

HTML = CORPUS / "html"
ZWNJ = "\u200c"
VOA = sorted(p for p in (HTML / "voa-dari").glob("*.html") if p.name != "article_7689473.html")


def _html(path):
    return path.read_text(encoding="utf-8", errors="replace")


def _read(path):
    return read_html(_html(path))


@pytest.mark.parametrize("name, iso", [
    ("khabaronline-1353889.html", "2020-02-18"),
    ("yjc-7349926.html", "2020-05-10"),                  # Jalali date in article:published_time
    ("aryanews-120200622120908039.html", "2020-06-22"),  # «دوشنبه ۲ تير ۱۳۹۹» under the headline
])
def test_persian_news_pages(name, iso):
    page = _read(HTML / "persian-news" / name)
    assert page.kind == "article" and page.language == "fa" and page.reason is None
    assert page.published == iso
    assert len(page.text) > 1000


# corpus/MANIFEST.md's table.
@pytest.mark.parametrize("name, iso", [
    ("1550981615.html", "2020-03-17"), ("1588107198.html", "2020-04-24"),
    ("1623715966.html", "2020-06-03"), ("1691196862.html", "2020-08-24"),
    ("1731695567.html", "2020-10-07"), ("1764731404.html", "2020-11-09"),
    ("1784190729.html", "2020-12-01"), ("1806793639.html", "2020-12-25"),
])
def test_arabic_news_dates(name, iso):
    page = _read(HTML / "arabic-news" / name)
    assert page.published == iso and page.language == "ar"


@pytest.mark.parametrize("path", VOA, ids=lambda p: p.name)
def test_voa_dari_date_is_the_local_date_the_page_shows(path):
    html = _html(path)
    page = read_html(html)
    stamp = LexborHTMLParser(html).css_first("time[datetime]")
    assert page.published == stamp.attributes["datetime"][:10]
    # «دلو ۰۱, ۱۴۰۳»; recent pages show «۴ hours ago» instead, which is no date.
    shown = parse_date(stamp.text(strip=True))
    assert shown is None or shown.isoformat() == page.published


def test_voa_dari_utc_json_ld_date_is_not_preferred():
    # JSON-LD says 2025-01-19 20:53 UTC; the page shows «دلو ۰۱, ۱۴۰۳».
    assert _read(HTML / "voa-dari" / "article_7163944.html").published == "2025-01-20"


@pytest.mark.parametrize("relative, body_selector", [
    ("persian-news/khabaronline-1353889.html", "[itemprop=articleBody]"),
    ("voa-dari/article_7163944.html", ".wsw"),
    ("voa-dari/article_7948650.html", ".wsw"),
    ("voa-dari/article_7988504.html", ".wsw"),
])
def test_zwnj_words_of_the_body_survive(relative, body_selector):
    html = _html(HTML / relative)
    body = LexborHTMLParser(html).css_first(body_selector).text(separator=" ")
    expected = [w for w in body.split() if ZWNJ in w]
    assert len(expected) >= 20
    kept = set(read_html(html).text.split())
    survived = sum(w in kept for w in expected)
    assert survived / len(expected) >= 0.99, [w for w in expected if w not in kept][:10]


@pytest.mark.parametrize("relative, in_body, chrome", [
    ("persian-news/khabaronline-1353889.html", "اصلاح‌طلبان",
     ["واکنش مولاوردی به کنایه حدادعادل",                  # «مطالب مرتبط»
      "تمامی حقوق این سایت برای خبرآنلاین محفوظ است"]),      # footer
    ("voa-dari/article_7163944.html", "سنگ گرده",
     ["چقدر آب بنوشیم",                                    # «مطالب مرتبط»
      "ما را دنبال کنید",                                   # footer
      "Link has been copied to clipboard"]),                # share/print aside
    ("persian-news/yjc-7349926.html", "مهریز",
     ["کليه حقوق اين سايت متعلق به باشگاه خبرنگاران"]),     # footer
])
def test_related_news_and_footers_are_left_out(relative, in_body, chrome):
    html = _html(HTML / relative)
    text = read_html(html).text
    assert in_body in text
    for line in chrome:
        assert line in re.sub(r"\s+", " ", LexborHTMLParser(html).body.text()), line
        assert line not in text, line


def test_titles():
    assert _read(HTML / "persian-news" / "khabaronline-1353889.html").title == (
        "تحلیل روزنامه اصولگرا از دعوت اصلاح طلبان به حضور مردم در انتخابات")
    aryanews = _read(HTML / "persian-news" / "aryanews-120200622120908039.html")
    assert aryanews.title == "ورود 50 هزار میلیارد تومان نقدینگی به بورس در 3 ماه"
    assert not aryanews.text.startswith(aryanews.title)


def test_text_stops_at_the_end_of_message_sign_off():
    html = (HTML / "persian-news" / "yjc-7349926.html").read_text(encoding="utf-8")
    assert "انتهای پیام/" in LexborHTMLParser(html).css_first(".body").text()
    text = read_html(html).text
    assert "انتهای پیام" not in text
    assert text.endswith("اقدام به سرقت طلا و جواهرات نموده است.")


def test_arvancloud_challenge_is_a_block_page():
    page = _read(HTML / "edge-cases" / "arvancloud-bot-challenge.html")
    assert page.kind == "block_page" and "ArvanCloud" in page.reason and page.text == ""


def test_js_redirect_shell_is_empty():
    page = _read(HTML / "edge-cases" / "shiraz-municipality-js-redirect.html")
    assert page.kind == "empty" and "redirect" in page.reason


def test_the_facebook_snippet_page_is_not_an_article():
    page = _read(HTML / "voa-dari" / "article_7689473.html")
    assert page.kind == "not_article" and page.reason


def test_empty_inputs():
    assert read_html("").kind == "empty"
    assert read_html("   \n").kind == "empty"
    assert read_text("\n\n").kind == "empty"
    with pytest.raises(TypeError):
        read_html(b"<html></html>")


# ------------------------------------------------------------------ text files

def _seed(prefix):
    (path,) = (CORPUS / "seeds").glob(f"{prefix}_*.txt")
    return read_text(path.read_text(encoding="utf-8"))


def test_seed_000_loses_its_chrome_and_keeps_its_body():
    page = _seed("000")
    assert page.kind == "article" and page.language == "fa"
    assert page.title == ("ارتقای کیفیت خدماترسانی به شهروندان با بهرهگیری از ظرفیت هیأت امنای محلات"
                          " شهرداری تهران")
    assert page.text.startswith("پیام خوزستان - با حضور مشاور و دستیار ویژه شهردار تهران")
    assert page.text.endswith("تعیین تکلیف اصولی است.")
    for chrome in ("آخرين مطالب", "شهردار منطقه 3 تاکید کرد:", "بزرگنمايي", "انتهای پیام",
                   "لینک کوتاه", "نظرات شما", "Protected by FormShield", "ساير مطالب",
                   "خبرنگار روس: نمایشگاه کتاب",      # a «ساير مطالب» headline
                   "پایتخت 7"):
        assert chrome not in page.text, chrome


def test_seed_004_date_title_and_trailer():
    page = _seed("004")
    assert page.published == "2024-05-18"         # «فیروزه کویرشنبه ۲۹ اردیبهشت ۱۴۰۳»
    assert page.title == "آیین رونمایی از الگوی حکمرانی مردمی و مدیریت مشارکتی شهرداری رفسنجان برگزارشد"
    assert page.text.startswith("آیین رونمایی از الگوی حکمرانی مردمی و مدیریت مشارکتی شهرداری رفسنجان باحضور")
    assert page.text.endswith("در سطح کشور مورد استفاده قرار گیرد.")
    for chrome in ("سخن دوست", "Likes0", "نظرات و ارسال نظر", "فیروزه کویر رفسنجان"):
        assert chrome not in page.text, chrome


@pytest.mark.parametrize("path", sorted((CORPUS / "text").glob("*.txt")), ids=lambda p: p.name)
def test_fars_text_files_skip_metadata_then_title_then_body(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    page = read_text(path.read_text(encoding="utf-8"))
    assert page.kind == "article" and page.language == "fa"
    assert page.title == lines[0].strip()
    assert page.text.split("\n")[0] == lines[1].strip()
    assert "# source" not in page.text and "farsnews.ir" not in page.text


def test_a_speaker_before_a_spaced_colon_stays_in_the_title():
    # A headline from a sidebar of corpus/html/arabic-news: the speaker is not a site name.
    from shahrnameh.nlp.page import _without_site_name
    assert _without_site_name("الإفتاء : فحص كورونا لا يبطل الصيام", "") == "الإفتاء : فحص كورونا لا يبطل الصيام"


@pytest.mark.parametrize("url, iso", [
    ("http://www.aryanews.com/News/120200622120908039/ورود-50-هزار-میلیارد-تومان-نقدینگی-به-بورس-در-3-ماه", "2020-06-22"),
    ("https://www.youm7.com/story/2020/8/24/وزير-الرى-يشهد-توقيع-عقد/4943459", "2020-08-24"),
    ("https://www.khabaronline.ir/news/1353889/تحلیل-روزنامه-اصولگرا", None),
])
def test_a_page_without_date_metadata_takes_the_date_in_its_url(url, iso):
    # The khabaronline body alone, without the page's head and header: no date left in it.
    html = (HTML / "persian-news" / "khabaronline-1353889.html").read_text(encoding="utf-8")
    body = LexborHTMLParser(html).css_first("[itemprop=articleBody]").html
    page = read_html(f"<html><body>{body}</body></html>", url=url)
    assert page.kind == "article"
    assert page.published == iso


# Seed 004's page header strip as the copy has it: site name, weekday and date run together.
SEED_004_HEADER = "فیروزه کویرشنبه ۲۹ اردیبهشت ۱۴۰۳"
SEED_004_HEADLINE = "آیین رونمایی از الگوی حکمرانی مردمی و مدیریت مشارکتی شهرداری رفسنجان برگزارشد"


@pytest.mark.parametrize("written, title", [
    (f"{SEED_004_HEADLINE} - شنبه ۲۹ اردیبهشت ۱۴۰۳", SEED_004_HEADLINE),
    (f"شنبه ۲۹ اردیبهشت ۱۴۰۳ | {SEED_004_HEADLINE}", SEED_004_HEADLINE),
    (f"۱۴۰۳/۰۲/۲۹ - {SEED_004_HEADLINE}", SEED_004_HEADLINE),
    (f"{SEED_004_HEADLINE} - فیروزه کویر رفسنجان", SEED_004_HEADLINE),
    (SEED_004_HEADER, "فیروزه کویر"),  # what is left once the date stamp is cut: no date
    # A weekday typed on an Arabic keyboard is cut whole, not left as «يك».
    ("خبر مهم شورایاری‌ها - يكشنبه ۱۲ فروردین ۱۴۰۳", "خبر مهم شورایاری‌ها"),
    # A date the headline says in its sentence is part of it.
    ("مهلت ثبت‌نام شورایاری‌ها تا ۲۹ اردیبهشت ۱۴۰۳ تمدید شد", "مهلت ثبت‌نام شورایاری‌ها تا ۲۹ اردیبهشت ۱۴۰۳ تمدید شد"),
    ("۲۹ اردیبهشت ۱۴۰۳ آخرین مهلت ثبت‌نام شورایاری‌ها", "۲۹ اردیبهشت ۱۴۰۳ آخرین مهلت ثبت‌نام شورایاری‌ها"),
])
def test_a_titles_date_stamp_and_site_name_are_cut_not_its_words(written, title):
    page = read_html(f"<html><head><title>{written}</title></head><body><article><h1>{written}</h1>"
                     f"<p>{'متن خبر. ' * 60}</p></article></body></html>")
    assert page.title == title


def test_a_title_that_is_only_a_date_gives_way_to_the_next_candidate():
    page = read_html(f"<html><head><title>{SEED_004_HEADLINE}</title></head><body><article>"
                     f"<h1>شنبه ۲۹ اردیبهشت ۱۴۰۳</h1><p>{'متن خبر. ' * 60}</p></article></body></html>")
    assert page.title == SEED_004_HEADLINE


def test_no_title_of_a_corpus_page_loses_a_word_to_the_date_and_site_rules():
    # Every real page's title, read with and without the date-stamp rule: none of them is a
    # stamp, so none may change (a rule cutting good titles would show here).
    from shahrnameh.nlp import page as page_module

    pages = sorted(HTML.rglob("*.html"))
    assert len(pages) >= 60
    for path in pages:
        html = path.read_bytes().decode("utf-8", errors="replace")
        with_rule = read_html(html).title
        original = page_module._without_date
        page_module._without_date = lambda title: title
        try:
            without_rule = read_html(html).title
        finally:
            page_module._without_date = original
        assert with_rule == without_rule, path.name
