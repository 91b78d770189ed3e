"""ZWNJ on the corpus's Persian pages: kept when the page has them, restored when a copy
lost them, and no dictionary word broken (the floors of issue 4 §1; benchmarks/zwnj.py
prints the same figures with examples)."""

import pytest

from conftest import CORPUS
from shahrnameh.nlp.document import decode_page, document_from_page
from shahrnameh.nlp.evaluation import ZWNJ, add_survival, zwnj_survival
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.page import read_html
from shahrnameh.nlp.zwnj import is_dictionary_word


@pytest.fixture(scope="module")
def persian_pages():
    pages = []
    for path in sorted(CORPUS.glob("html/*/*.html")):
        page = read_html(decode_page(path.read_bytes()))
        if page.language == "fa" and page.kind in ("article", "report") and page.text:
            pages.append((path.name, page.text, document_from_page(page).text))
    return pages


def _total(pages, output_of, **options):
    total = None
    for name, text, stored in pages:
        result = zwnj_survival(text, output_of(text, stored), dictionary=is_dictionary_word, **options)
        assert result is not None, f"{name}: letters of the output differ from the page's"
        total = add_survival(total, result)
    return total


def test_corpus_has_the_persian_pages_and_their_zwnj_words(persian_pages):
    # 3 persian-news pages and 61 VOA Dari articles today (the others are snippets or media).
    assert len(persian_pages) >= 64
    assert sum(text.count(ZWNJ) for _, text, _ in persian_pages) > 1000


def test_stored_text_keeps_the_pages_zwnj_words(persian_pages):
    kept = _total(persian_pages, lambda text, stored: stored, align_end=True)
    assert kept["zwnj_kept"] / kept["zwnj_words"] >= 0.99, kept["lost"]
    assert kept["plain_broken"] == 0, kept["broken"]


def test_glued_copies_get_their_zwnj_back_and_no_word_is_broken(persian_pages):
    glued = _total(persian_pages, lambda text, stored: normalize(text.replace(ZWNJ, "")))
    assert glued["zwnj_kept"] / glued["zwnj_words"] >= 0.89, glued["lost"].most_common(20)
    assert glued["plain_broken"] == 0, glued["broken"]
    # Wrong ZWNJs (not merely none) stay rare: frequency-settled «Xهای» and variants.
    assert sum(glued["wrong"].values()) <= 0.01 * glued["zwnj_words"], glued["wrong"]


def test_issue_examples_are_restored():
    assert normalize("میشود خدماترسانی محلهای رئیسجمهور") == (
        f"می{ZWNJ}شود خدمات{ZWNJ}رسانی محله{ZWNJ}ای رئیس{ZWNJ}جمهور")


def test_a_bidi_mark_next_to_a_zwnj_does_not_cost_the_zwnj():
    # corpus/html/voa-dari/article_7950067.html writes «می‌\u200eرود» (ZWNJ, then LRM).
    assert normalize("انتظار می\u200c\u200eرود که") == f"انتظار می{ZWNJ}رود که"


def test_survival_counts_what_it_should():
    # From corpus/html/voa-dari/article_7949477.html.
    page = "فهرست اسامی گروگان‌هایی راکه قرار است آزاد شوند از میانجی‌گران دریافت کرده"
    same = zwnj_survival(page, page, dictionary=is_dictionary_word)
    assert (same["zwnj_words"], same["zwnj_kept"], same["plain_changed"]) == (2, 2, 0)
    lost = zwnj_survival(page, page.replace(f"گروگان{ZWNJ}هایی", "گروگانهایی"), dictionary=is_dictionary_word)
    assert lost["zwnj_kept"] == 1 and lost["lost"] == {f"گروگان{ZWNJ}هایی": 1}
    split = zwnj_survival(page, page.replace("اسامی", f"اسا{ZWNJ}می"), dictionary=is_dictionary_word)
    assert split["plain_broken"] == 1 and split["broken"] == {("اسامی", f"اسا{ZWNJ}می"): 1}
    # Joining a neighbour with a ZWNJ («دریافت کرده» → «دریافت‌کرده», as hazm joins «شده
    # اند») leaves both words whole: a spacing change, not a word changed.
    joined = zwnj_survival(page, page.replace("دریافت کرده", f"دریافت{ZWNJ}کرده"))
    assert joined["zwnj_kept"] == 2 and joined["plain_changed"] == 0
    assert zwnj_survival(page, page + "ها") is None
    titled = zwnj_survival(page, "عنوان\n\n" + page, align_end=True)
    assert titled["zwnj_kept"] == 2 and titled["plain_changed"] == 0


def test_the_preposition_written_apart_with_a_space_divides_the_word_as_its_zwnj_does():
    # From corpus/html/voa-dari/article_7948866.html.
    page = f"تا سال ۲۰۲۶ به{ZWNJ}طور یکجانبه به محدودیت{ZWNJ}های جنگ{ZWNJ}افزارهای هسته{ZWNJ}ای"
    apart = zwnj_survival(page, page.replace(f"به{ZWNJ}طور", "به طور"))
    assert apart["zwnj_kept"] == apart["zwnj_words"] == 4
    # Only after «به»: a space for any other ZWNJ is a word divided wrongly.
    spaced = zwnj_survival(page, page.replace(f"هسته{ZWNJ}ای", "هسته ای"))
    assert spaced["zwnj_kept"] == 3 and spaced["wrong"] == {(f"هسته{ZWNJ}ای", "هسته ای"): 1}
