"""Persian (Dari included) against Arabic and English, on the corpus pages."""

from pathlib import Path

import pytest

from shahrnameh.nlp.language import detect_language
from shahrnameh.nlp.page import read_html

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ARABIC = sorted((CORPUS / "html" / "arabic-news").glob("*.html"))
PERSIAN = sorted((CORPUS / "html" / "persian-news").glob("*.html")) + sorted(
    p for p in (CORPUS / "html" / "voa-dari").glob("*.html") if p.name != "article_7689473.html")


def test_corpus_has_the_pages_it_should():
    assert len(ARABIC) == 8 and len(PERSIAN) == 70


@pytest.mark.parametrize("path", ARABIC, ids=lambda p: p.name)
def test_arabic_pages(path):
    assert read_html(path.read_text(encoding="utf-8")).language == "ar"


@pytest.mark.parametrize("path", PERSIAN, ids=lambda p: p.name)
def test_persian_and_dari_pages(path):
    assert read_html(path.read_text(encoding="utf-8")).language == "fa"


def test_persian_text_files_with_arabic_letters_are_persian():
    # Old Fars items spell ي and ك the Arabic way; they are still Persian.
    for path in sorted((CORPUS / "text").glob("*.txt")):
        body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.startswith("#"))
        assert detect_language(body) == "fa", path.name


def test_short_sentences():
    assert detect_language("شهردار اردبیل گفت: تعداد دو ایستگاه جدید آتش‌نشانی تا نیمه اول سال آینده تکمیل و تجهیز شده و به بهره‌برداری می‌رسد.") == "fa"
    assert detect_language("القائم بأعمال السفارة الأفغانية يثمّن جهود الإمارات") == "ar"
    assert detect_language("VOA content is a work of the US government and is in the public domain.") == "en"
    assert detect_language("") == "unknown"
    assert detect_language("۱۴۰۳") == "unknown"


def test_fars_titles_in_arabic_spelling_are_persian():
    # A title is short: «200 طرح در جشنواره مشاركت‌‌هاي مردمي معرفي مي شود» has no پ چ ژ گ,
    # only Arabic ي/ك, a ZWNJ and Persian function words to go on.
    for path in sorted((CORPUS / "text").glob("*.txt")):
        title = next(line for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))
        assert detect_language(title) == "fa", title


def test_arabic_headlines_of_the_corpus_pages():
    # The og:title of three corpus/html/arabic-news pages.
    for headline in ("وزير الرى يشهد توقيع عقد دراسة تحديد السحب الآمن للخزانات",
                     "سرقة منزل أميرة سعودية في باريس يضم أغراضاً فاخرة بقيمة 700",
                     "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا"):
        assert detect_language(headline) == "ar", headline
