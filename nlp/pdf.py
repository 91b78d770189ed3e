"""PDF reports → text in logical (reading) order → Document of kind "report".

Municipal reports and budget documents are PDFs. A PDF stores glyphs where they are drawn,
left to right, so a Persian line comes out of every extractor in visual order: letters
reversed, numbers not. Measured on `corpus/pdf/fars_13930707000829_ardabil_fire_stations_budget.pdf` (a real
Fars article rendered by LibreOffice; share of the source's words found in order):

- pypdf 7.1: 69 %: runs words together («دوایستگاهجدید») and reorders lines;
- pdfminer.six `extract_text`: 5 %: every line reversed;
- the same, each line put back through the Unicode bidi algorithm (python-bidi): 96 %: a
  number splits its line into three text boxes that pdfminer orders left to right;
- pdfminer.six layout, the glyphs of one baseline merged into a row, then bidi: 100 %
  (this module).

A glyph that stands for several letters (the lam-alef ligature «لا») is one character
whose text is already in logical order; it is reversed before the row is, so that it
comes out right. Presentation forms (U+FB50–U+FEFF), which some PDF generators map their
glyphs to, fold to the plain letters by NFKC.
"""

from __future__ import annotations

import heapq
import re
import statistics
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlsplit

from bidi import get_display
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTContainer, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from shahrnameh.nlp.dates import parse_date
from shahrnameh.nlp.document import DocumentError, document_from_page
from shahrnameh.nlp.language import detect_language
from shahrnameh.nlp.page import Page
from shahrnameh.nlp.records import Document

# A report longer than this is read up to here: the first pages hold the summary, and a
# 2,000-page annex must not stall a nightly run.
MAX_PAGES = 200
_PDF_TYPES = ("application/pdf", "application/x-pdf", "application/acrobat")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_PAGE_NUMBER = re.compile(r"^[\s\d۰-۹\-–—/|.]*$")
# A title is set larger than the body; 1.15 × the body's size keeps bold body text out.
_TITLE_SCALE = 1.15
# A gap wider than this × the glyph's size is a space (pdfminer's LAParams default).
_WORD_MARGIN = 0.1
# Rows further apart than this × the line pitch start a new paragraph.
_PARAGRAPH_GAP = 1.2


class PdfError(DocumentError):
    """Bytes that are not a readable PDF (broken, encrypted, not a PDF at all)."""


@dataclass(frozen=True)
class _Row:
    page: int
    top: float
    bottom: float
    size: float
    text: str


def is_pdf(content: bytes, content_type: str | None = None) -> bool:
    """By the bytes first (servers often say application/octet-stream), else the Content-Type."""
    if content[:1024].lstrip().startswith(b"%PDF-"):
        return True
    return bool(content_type) and _media(content_type) in _PDF_TYPES


def looks_like_pdf(content_type: str | None, url: str | None = None) -> bool:
    """Before the bytes are read: a PDF by its Content-Type, or a .pdf URL served as generic bytes."""
    media = _media(content_type or "")
    if media in _PDF_TYPES:
        return True
    path = urlsplit(url or "").path.lower()
    return path.endswith(".pdf") and media in ("", "application/octet-stream", "binary/octet-stream",
                                               "application/download", "application/force-download")


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def pdf_text(content: bytes) -> tuple[str | None, str]:
    """(title, body): the title is the opening rows set larger than the body, if any; the
    body's paragraphs are separated by newlines, each in logical order."""
    rows = _rows(content)
    if not rows:
        return None, ""
    body_size = statistics.median(row.size for row in rows)
    title_rows = []
    while rows and rows[0].page == 0 and rows[0].size >= body_size * _TITLE_SCALE:
        title_rows.append(rows.pop(0))
    title = " ".join(row.text for row in title_rows) or None
    return title, "\n".join(_paragraphs(rows))


def read_pdf(content: bytes, url: str | None = None) -> Document:
    """A PDF's bytes → Document of kind "report" (or "empty" when it has no text layer)."""
    title, body = pdf_text(content)
    if not body:
        reason = "no text layer: a scanned or image-only PDF" if title is None else "a title and no body"
        return document_from_page(Page("empty", title, None, "unknown", "", reason))
    head = [title] if title else []
    head += [line for line in body.split("\n")[:3] if len(line) < 80]
    published = next((d.isoformat() for d in map(parse_date, head) if d), None)
    return document_from_page(Page("report", title, published, detect_language(body), body))


def _rows(content: bytes) -> list[_Row]:
    if not isinstance(content, (bytes, bytearray)):
        raise TypeError(f"a PDF is bytes, not {type(content).__name__}")
    if not content[:1024].lstrip().startswith(b"%PDF-"):
        raise PdfError("not a PDF: the bytes do not start with %PDF-")
    rows: list[_Row] = []
    try:
        for number, page in enumerate(extract_pages(BytesIO(content), laparams=LAParams(), maxpages=MAX_PAGES)):
            rows.extend(_page_rows(number, page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise PdfError(f"encrypted PDF: {type(error).__name__}") from error
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as error:
        # pdfminer reports a damaged file with whatever exception its parser hit.
        raise PdfError(f"unreadable PDF: {type(error).__name__}: {error}".splitlines()[0][:200]) from error
    return rows


def _page_rows(number: int, page) -> list[_Row]:
    """The page's text lines grouped into rows (same baseline band), top to bottom."""
    lines = sorted(_text_lines(page), key=lambda line: -line.y1)
    groups: list[list[LTTextLineHorizontal]] = []
    for line in lines:
        for group in groups:
            top, bottom = max(g.y1 for g in group), min(g.y0 for g in group)
            if min(top, line.y1) - max(bottom, line.y0) > 0.5 * min(line.height, top - bottom):
                group.append(line)
                break
        else:
            groups.append([line])
    rows = []
    for group in groups:
        # Left to right is visual order; bidi turns the row into reading order. By glyph, not by
        # text line: pdfminer may cut a «/» or a number out of a line into a line of its own
        # that lies inside the other's span.
        visual = _SPACES.sub(" ", _visual(group)).strip()
        if not visual or _PAGE_NUMBER.match(visual):
            continue
        logical = get_display(visual, base_dir="R" if _RTL.search(visual) else "L")
        sizes = [c.size for line in group for c in line if isinstance(c, LTChar) and c.get_text().strip()]
        rows.append(_Row(number, max(g.y1 for g in group), min(g.y0 for g in group),
                         statistics.median(sizes) if sizes else 0.0, logical))
    rows.sort(key=lambda row: -row.top)
    return rows


def _text_lines(obj):
    if isinstance(obj, LTTextLineHorizontal):
        yield obj
    elif isinstance(obj, LTContainer):
        for child in obj:
            yield from _text_lines(child)


def _visual(group: list[LTTextLineHorizontal]) -> str:
    """The row's glyphs left to right, a space where they stand apart (pdfminer's word_margin)."""
    # Merged by x, each line's own order kept: a zero-width glyph (ZWNJ) stays where pdfminer put it.
    glyphs = heapq.merge(*([g for g in line if isinstance(g, LTChar)] for line in group), key=lambda g: g.x0)
    out: list[str] = []
    right = None
    for glyph in glyphs:
        text = unicodedata.normalize("NFKC", glyph.get_text())
        if len(text) > 1 and _RTL.search(text):
            text = text[::-1]  # a ligature's letters, logical already: undo the row's reversal
        if right is not None and glyph.x0 - right > _WORD_MARGIN * max(glyph.width, glyph.height):
            out.append(" ")
        out.append(text)
        right = glyph.x1 if right is None else max(right, glyph.x1)
    return "".join(out)


def _paragraphs(rows: list[_Row]) -> list[str]:
    pitches = [a.top - b.top for a, b in zip(rows, rows[1:]) if a.page == b.page and a.top > b.top]
    # The line pitch is the smallest usual distance between rows; paragraphs add space to it.
    pitch = min((p for p in pitches if p > 0.5 * max(r.top - r.bottom for r in rows)), default=0.0)
    paragraphs: list[list[str]] = []
    previous = None
    for row in rows:
        new = (previous is None or row.page != previous.page and not _continues(previous)
               or row.page == previous.page and previous.top - row.top > pitch * _PARAGRAPH_GAP
               or abs(row.size - previous.size) > 0.1 * previous.size)
        if new:
            paragraphs.append([row.text])
        else:
            paragraphs[-1].append(row.text)
        previous = row
    return [" ".join(p) for p in paragraphs]


def _continues(row: _Row) -> bool:
    """Whether a page's last row runs on to the next page (no sentence end)."""
    return not row.text.rstrip().endswith((".", "!", "؟", "?", ":"))
