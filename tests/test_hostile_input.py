"""Bytes and numbers an attacker or a broken server sends: read as what they are, or refused
with a reason; never another language, never a wrong value, never a lost article."""

import random
from dataclasses import asdict

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

