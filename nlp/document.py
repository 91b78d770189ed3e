"""One entry point from a page's bytes or text to a Document with its facts.

`shahrnameh extract`, the nightly flow and `reparse` all read pages through
`read_document`, so a page gives the same article and facts whichever way it arrives.
"""

from __future__ import annotations

import codecs
import re

from shahrnameh.nlp.facts import extract_facts
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.numbers import MAX_NUMBER_DIGITS, is_too_long
from shahrnameh.nlp.page import Page, read_html, read_text
from shahrnameh.nlp.records import Document

# Older Iranian sites serve windows-1256 and often declare nothing, or declare UTF-8
# wrongly; these are tried in order after the declared charset.
FALLBACK_ENCODINGS = ("utf-8", "windows-1256")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:]+)""", re.I)
_LANGUAGES_WITH_FACTS = {"fa"}
_KINDS_WITH_FACTS = {"article", "report"}


# The largest HTML or text page read (the crawler downloads up to 10 MB): eight times the
# largest page of corpus/ (262 kB). nlp's steps are linear in the page, so a page this
# size takes seconds, never minutes; a larger one is a recorded failure, not a stall.
MAX_PAGE_BYTES = 2_000_000


class DocumentError(ValueError):
    """The input is not a page or text that can be read (binary, undecodable)."""


def decode_page(body: bytes, declared_encoding: str | None = None) -> str:
    """Bytes of an HTML page or text file → str, trusting the bytes over the declaration.

    A UTF-8 page with a few bytes that are not UTF-8 (a stray 0xFF, a character cut by an
    editor) is read as UTF-8 without them: reading the whole page in another charset
    would turn every letter into mojibake. Pages that really are windows-1256 are far
    from UTF-8 (most of their letters are invalid sequences) and are read as such.
    """
    if len(body) > MAX_PAGE_BYTES:
        raise DocumentError(f"page of {len(body):,} bytes is larger than the {MAX_PAGE_BYTES:,} bytes "
                            "a page may have to be read")
    if b"\x00" in body[:8192]:
        raise DocumentError("binary content (NUL bytes), not a text or HTML page")
    candidates: list[str] = []
    if declared_encoding:
        candidates.append(declared_encoding)
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    candidates.extend(FALLBACK_ENCODINGS)
    for encoding in candidates:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as error:
            # A download cut short can end inside a UTF-8 character: that is no reason to
            # read the whole page as windows-1256.
            if error.end == len(body) and error.reason == "unexpected end of data":
                return body[:error.start].decode(encoding)
            if _is_utf8(encoding):
                repaired = _mostly_utf8(body)
                if repaired is not None:
                    return repaired
            continue
        except LookupError:
            continue
    raise DocumentError("undecodable bytes: neither the declared charset, UTF-8 nor windows-1256")


# At most one invalid byte sequence per this many well-formed multi-byte characters for a
# page to be UTF-8 with damage rather than another charset.
_UTF8_CHARACTERS_PER_BAD_BYTE = 100
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _mostly_utf8(body: bytes) -> str | None:
    """`body` as UTF-8 with its invalid bytes dropped, if they are a few among many good
    multi-byte characters; None when the page is not UTF-8."""
    # surrogateescape turns each invalid byte into one lone surrogate, which no decoded
    # UTF-8 text holds otherwise: they are counted, then dropped.
    text = body.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(text))
    extra_bytes = len(body) - len(text)  # one per continuation byte of a well-formed character
    return _ESCAPED_BYTE.sub("", text) if bad * _UTF8_CHARACTERS_PER_BAD_BYTE <= extra_bytes else None


def read_document(content: str, *, is_html: bool, url: str | None = None) -> Document:
    """A page's HTML (or a text file as a page shows it) → Document with facts."""
    page = read_html(content, url) if is_html else read_text(content)
    return document_from_page(page)


def document_from_page(page: Page) -> Document:
    title = normalize(page.title) if page.title else None
    body = normalize(page.text) if page.text else ""
    text = _title_then_body(title, body)
    facts: tuple = ()
    dropped: list[str] = []
    if page.kind in _KINDS_WITH_FACTS and page.language in _LANGUAGES_WITH_FACTS:
        read = extract_facts(text)
        facts = tuple(fact for fact in read if not is_too_long(fact.value))
        dropped = [_why_dropped(text, fact) for fact in read if is_too_long(fact.value)]
    return Document(
        kind=page.kind,
        title=title,
        published=page.published,
        language=page.language,
        text=text,
        facts=facts,
        reason=page.reason,
        dropped=tuple(dropped),
    )


def _why_dropped(text: str, fact) -> str:
    written = text[fact.number_start:fact.number_end]
    shown = written if len(written) <= 40 else f"{written[:20]}…{written[-10:]}"
    return (f"fact dropped: the number «{shown}» ({fact.category}, «{fact.unit}») at {fact.number_start} "
            f"has more than {MAX_NUMBER_DIGITS} digits before the point; no amount has")


def _title_then_body(title: str | None, body: str) -> str:
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}" if body else title
