"""One entry point from a page's bytes or text to a Document with its facts.

`shahrnameh extract`, the nightly flow and `reparse` all read pages through
`read_document`, so a page gives the same article and facts whichever way it arrives.
"""

from __future__ import annotations

import re

from shahrnameh.nlp.facts import extract_facts
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.page import Page, read_html, read_text
from shahrnameh.nlp.records import Document

# Older Iranian sites serve windows-1256 and often declare nothing, or declare UTF-8
# wrongly; these are tried in order after the declared charset.
FALLBACK_ENCODINGS = ("utf-8", "windows-1256")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:]+)""", re.I)
_LANGUAGES_WITH_FACTS = {"fa"}
_KINDS_WITH_FACTS = {"article", "report"}


class DocumentError(ValueError):
    """The input is not a page or text that can be read (binary, undecodable)."""


def decode_page(body: bytes, declared_encoding: str | None = None) -> str:
    """Bytes of an HTML page or text file → str, trusting the bytes over the declaration."""
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
            continue
        except LookupError:
            continue
    raise DocumentError("undecodable bytes: neither the declared charset, UTF-8 nor windows-1256")


def read_document(content: str, *, is_html: bool, url: str | None = None) -> Document:
    """A page's HTML (or a text file as a page shows it) → Document with facts."""
    page = read_html(content, url) if is_html else read_text(content)
    return document_from_page(page)


def document_from_page(page: Page) -> Document:
    title = normalize(page.title) if page.title else None
    body = normalize(page.text) if page.text else ""
    text = _title_then_body(title, body)
    facts: tuple = ()
    if page.kind in _KINDS_WITH_FACTS and page.language in _LANGUAGES_WITH_FACTS:
        facts = tuple(extract_facts(text))
    return Document(
        kind=page.kind,
        title=title,
        published=page.published,
        language=page.language,
        text=text,
        facts=facts,
        reason=page.reason,
    )


def _title_then_body(title: str | None, body: str) -> str:
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}" if body else title
