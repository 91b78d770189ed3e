"""A raw page → its article: main text, title, date, language, or why it is not one.

selectolax's Lexbor parser instead of trafilatura: trafilatura deletes every zero-width
non-joiner (part of Persian spelling) and is ~50× slower on these pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from shahrnameh.nlp.dates import parse_date
from shahrnameh.nlp.language import detect_language

# Not <form>: ASP.NET sites wrap the whole page in one.
_DROP_TAGS = "script, style, noscript, nav, header, footer, aside, iframe, button, select, svg, template"
_CHROME = re.compile(
    r"menu|nav|sidebar|side-bar|related|comment|footer|share|social|tags?\b|breadcrumb|newsletter|"
    r"advert|banner|popular|most-?viewed|widget|subscribe|login|search|header|copyright", re.I)
_BODY_HINTS = ("[itemprop=articleBody]", "article .body", ".article-body", ".news-body", ".body-text",
               ".wsw", ".item-text", ".content-text", ".story", "article")
_BLOCKS = "p, li, h2, h3, h4, blockquote, td, div"
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_CHALLENGE_MARKERS = ("arvancloud", "cf-chl", "cf_chl", "challenge-platform", "just a moment...",
                      "checking your browser", "attention required! | cloudflare", "ddos-guard")
_JS_REDIRECT = re.compile(r"(window|document|top)\.location(\.href)?\s*=|location\.replace\(|http-equiv=[\"']?refresh", re.I)
_TITLE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")
MIN_ARTICLE_CHARS = 250
_DATE_META = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
              "date", "dc.date", "DC.date.issued", "sailthru.date", "parsely-pub-date")


@dataclass(frozen=True)
class Page:
    kind: str
    title: str | None
    published: str | None
    language: str
    text: str
    reason: str | None = None


def read_html(html: str, url: str | None = None) -> Page:
    if not html.strip():
        return Page("empty", None, None, "unknown", "", "empty document")
    tree = LexborHTMLParser(html)
    title = _title(tree)
    head = html[:200_000]
    lowered = head[:50_000].lower()
    if any(marker in lowered for marker in _CHALLENGE_MARKERS) and len(_visible_text(tree)) < 3000:
        name = "ArvanCloud" if "arvan" in lowered else "Cloudflare or another CDN"
        return Page("block_page", title, None, "unknown", "", f"{name} bot challenge")
    published = _published(tree)
    text = _main_text(tree)
    language = detect_language(text or (title or ""))
    if len(text) < MIN_ARTICLE_CHARS:
        if len(text) < 50 and ("<iframe" in head or _JS_REDIRECT.search(head)):
            return Page("empty", title, published, language, text, "JavaScript redirect or frame shell, no content")
        if not text and not title:
            return Page("empty", None, published, language, "", "no text on the page")
        return Page("not_article", title, published, language, text,
                    f"only {len(text)} characters of body text: a media, snippet or index page")
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    return Page("article", title, published, language, text)


def _title(tree: LexborHTMLParser) -> str | None:
    for selector, attribute in (("meta[property='og:title']", "content"), ("h1", None), ("title", None)):
        node = tree.css_first(selector)
        if node is None:
            continue
        value = node.attributes.get(attribute) if attribute else node.text(separator=" ")
        value = _WS.sub(" ", value or "").strip()
        if value:
            return _TITLE_SUFFIX.sub("", value) if selector == "title" else value
    return None


def _published(tree: LexborHTMLParser) -> str | None:
    candidates: list[str] = []
    for node in tree.css("time[datetime]"):
        candidates.append(node.attributes.get("datetime") or "")
    for node in tree.css("meta"):
        key = node.attributes.get("property") or node.attributes.get("name") or node.attributes.get("itemprop")
        if key and key in _DATE_META:
            candidates.append(node.attributes.get("content") or "")
    for node in tree.css("script[type='application/ld+json']"):
        try:
            data = json.loads(node.text() or "null")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("datePublished"):
                candidates.append(str(item["datePublished"]))
    for candidate in candidates:
        date = parse_date(candidate)
        if date:
            return date.isoformat()
    for node in tree.css("[class*=date], [id*=date], [class*=time], [class*=Date]"):
        date = parse_date(node.text(separator=" ")[:200])
        if date:
            return date.isoformat()
    return None


def _visible_text(tree: LexborHTMLParser) -> str:
    body = tree.body
    return body.text(separator=" ") if body is not None else ""


def _is_chrome(node) -> bool:
    attributes = node.attributes
    marker = f"{attributes.get('class') or ''} {attributes.get('id') or ''} {attributes.get('role') or ''}"
    return bool(marker.strip()) and bool(_CHROME.search(marker))


def _main_text(tree: LexborHTMLParser) -> str:
    body = tree.body
    if body is None:
        return ""
    for node in body.css(_DROP_TAGS):
        node.decompose()
    for node in body.css("[class], [id]"):
        if node.tag not in ("body", "html", "article", "main") and _is_chrome(node):
            node.decompose()
    container = _best_container(body)
    return _paragraphs(container)


def _script_chars(text: str) -> int:
    return len(_ARABIC_SCRIPT.findall(text))


def _best_container(body):
    for selector in _BODY_HINTS:
        node = body.css_first(selector)
        if node is not None and _script_chars(node.text()) >= MIN_ARTICLE_CHARS:
            return node
    # Readability-style: credit each paragraph's text to its parent and grandparent,
    # discounted by how much of it is link text.
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for paragraph in body.css("p"):
        text = paragraph.text()
        chars = _script_chars(text)
        if chars < 25:
            continue
        links = sum(len(a.text()) for a in paragraph.css("a"))
        weight = chars * (1 - min(1.0, links / max(len(text), 1)))
        for depth, ancestor in enumerate((paragraph.parent, paragraph.parent and paragraph.parent.parent)):
            if ancestor is None:
                continue
            key = ancestor.mem_id
            nodes[key] = ancestor
            scores[key] = scores.get(key, 0.0) + weight / (1 + depth)
    # Pages that set the body as bare text between <br>s, with no <p> at all.
    for block in body.css("div, td, section"):
        own = "".join(child.text_content or "" for child in block.iter(include_text=True) if child.tag == "-text")
        chars = _script_chars(own)
        if chars >= MIN_ARTICLE_CHARS:
            nodes[block.mem_id] = block
            scores[block.mem_id] = scores.get(block.mem_id, 0.0) + chars
    if not scores:
        return body
    return nodes[max(scores, key=scores.get)]


def _paragraphs(container) -> str:
    lines: list[str] = []
    blocks = container.css("p, h2, h3, h4, li, blockquote")
    if not blocks or sum(len(b.text()) for b in blocks) < 0.5 * len(container.text()):
        raw = container.text(separator="\n")
        candidates = raw.split("\n")
    else:
        candidates = [block.text(separator=" ") for block in blocks]
    for line in candidates:
        line = _WS.sub(" ", line).strip()
        if line and (not lines or lines[-1] != line):
            lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- plain text

_END_MARKERS = re.compile(
    r"^(انتهای پیام|ساير مطالب|سایر مطالب|مطالب مرتبط|اخبار مرتبط|نظرات شما|ارسال دیدگاه|"
    r"نظرات و ارسال نظر|لینک کوتاه|Likes\d)")
_SENTENCE_END = re.compile(r"[.!؟?:]\s*$")
LONG_LINE = 120
LEAD_MIN = 50


def read_text(text: str) -> Page:
    """A text file as a page shows it: '#' metadata lines, header chrome, title, body, trailer."""
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    header_meta = [line for line in lines if line.startswith("#")]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        return Page("empty", None, None, "unknown", "", "empty text")
    first_long = next((i for i, line in enumerate(lines) if len(line) >= LONG_LINE), len(lines))
    header, rest = lines[:first_long], lines[first_long:]
    body: list[str] = []
    for line in rest:
        if _END_MARKERS.match(line):
            break
        if line.endswith("/") and len(line) < 30:  # «انتهای پیام/»-style sign-offs
            break
        body.append(line)
    title = _text_title(header)
    # A lead paragraph between the title and the first long line is body, not chrome.
    if title and title in header:
        after_title = header[header.index(title) + 1:]
        body[:0] = [line for line in after_title if len(line) >= LEAD_MIN and line != title
                    and not line.startswith(title)]
    published = None
    for line in header + header_meta:
        date = parse_date(line)
        if date:
            published = date.isoformat()
            break
    # A title sitting on its own before the body, when the header is just the title.
    body_text = "\n".join(body)
    if not body_text:
        return Page("empty", title, published, "unknown", "", "no article body in the text")
    return Page("article", title, published, detect_language(body_text), body_text)


def _text_title(header: list[str]) -> str | None:
    """The first header line that reads like a headline: not a kicker ending in ':',
    not a short label, preferring a line printed twice (title and its repeat)."""
    seen: dict[str, int] = {}
    candidates = []
    for line in header:
        if line.endswith(":") or len(line) < 15 or parse_date(line):
            continue
        stem = _TITLE_SUFFIX.sub("", line)
        seen[stem[:40]] = seen.get(stem[:40], 0) + 1
        candidates.append(stem)
    if not candidates:
        return None
    repeated = [c for c in candidates if seen[c[:40]] > 1]
    return (repeated or candidates)[0]
