"""A raw page → its article: main text, title, date, language, or why it is not one.

selectolax's Lexbor parser instead of trafilatura: trafilatura deletes every zero-width
non-joiner (part of Persian spelling) and is ~50× slower on these pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from shahrnameh.nlp.dates import find_dates, parse_date
from shahrnameh.nlp.language import arabic_script_letters, detect_language, not_language
from shahrnameh.nlp.letters import ARABIC_LETTERS, folding

# Not <form>: ASP.NET sites wrap the whole page in one.
_DROP_TAGS = "script, style, noscript, nav, header, footer, aside, iframe, button, select, svg, template"
# Whole words of class/id/role («related-items», «side_bar»), so that «tag-85249» (every
# WordPress post's own class) is not «tags».
_CHROME_WORDS = frozenset(
    "menu nav navbar sidebar related comment comments footer share sharing social tags breadcrumb "
    "breadcrumbs newsletter advert ads banner popular mostviewed widget subscribe login search "
    "header copyright toolbar pagination".split())
# Readability's rule: a chrome-looking node that also says it is the content is kept.
_CONTENT_WORDS = frozenset("article body content entry post story main text".split())
_CHROME_WORD = re.compile(r"(?<![A-Za-z])(?:%s)(?![A-Za-z])" % "|".join(sorted(_CHROME_WORDS)), re.I)
_CONTENT_WORD = re.compile(r"(?<![A-Za-z])(?:%s)(?![A-Za-z])" % "|".join(sorted(_CONTENT_WORDS)), re.I)
# Where sites put the article body, most trusted first: itemprop=articleBody, then these
# classes («body» only inside an <article>), then a bare <article>.
_BODY_CLASSES = ("body", "article-body", "news-body", "body-text", "wsw", "item-text", "content-text",
                 "entry-content", "post-content", "story")
_ANY_BODY_HINT = ", ".join(["[itemprop=articleBody]", "article"] + [f".{name}" for name in _BODY_CLASSES])
_LEAD_HINTS = ".introtext, .lead, .article-lead, .news-lead, .item-summary, [itemprop=description]"
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
# As the challenge pages spell them: a case-sensitive `in` is ten times cheaper than
# lower-casing 50 kB of every page.
_CHALLENGE_MARKERS = ("arvancloud", "ArvanCloud", "Arvancloud", "cf-chl", "cf_chl", "challenge-platform",
                      "Just a moment...", "Checking your browser", "checking your browser",
                      "Attention Required! | Cloudflare", "ddos-guard", "DDoS-Guard")
_JS_REDIRECT = re.compile(
    r"(?:window|document|top|self)\.location(?:\.href)?\s*=(?!=)|location\.replace\(|"
    r"http-equiv=[\"']?refresh", re.I)
# Only looked for on pages without text, so a regex over the source beats a tree pass.
_IFRAME = re.compile(r"<iframe\b[^>]*?\bsrc\s*=\s*[\"']?\s*([^\"'\s>]*)", re.I)
_TITLE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")
# Not ':': «شهردار تهران : ...» is a speaker and a quote, and the speaker stays.
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—]\s+")
MIN_ARTICLE_CHARS = 250
_DATE_META = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
              "date", "dc.date", "DC.date.issued", "sailthru.date", "parsely-pub-date")
_DATE_CLASSES = "[class*=date], [id*=date], [class*=time], [class*=Date], [class*=created], [class*=publish]"
# A UTC stamp can fall on the day before the local date the page shows.
_UTC_STAMP = re.compile(r"(?:Z|[+-]00:?00)\s*$")


@dataclass(frozen=True)
class Page:
    kind: str
    title: str | None
    published: str | None
    language: str
    text: str
    reason: str | None = None


def read_html(html: str, url: str | None = None) -> Page:
    """A fetched HTML page → Page. `url`, when given, is the last resort for the date
    (news URLs often carry it: «/story/2020/8/24/», «/News/120200622120908039»)."""
    if not isinstance(html, str):
        raise TypeError(f"read_html wants the decoded page as str, got {type(html).__name__}")
    if not html.strip():
        return Page("empty", None, None, "unknown", "", "empty document")
    if _nested_deeper_than(html, MAX_NESTING):
        return Page("not_article", None, None, "unknown", "",
                    f"markup nested more than {MAX_NESTING} elements deep: no page a browser shows")
    tree = LexborHTMLParser(html)
    title = _title(tree)
    head = html[:200_000]
    top = head[:50_000]
    if any(marker in top for marker in _CHALLENGE_MARKERS) and len(_visible_text(tree)) < 3000:
        name = "ArvanCloud" if "rvan" in top else "Cloudflare or another CDN"
        return Page("block_page", title, None, "unknown", "", f"{name} bot challenge")
    published = _published(tree) or _url_date(url)
    text = _main_text(tree)
    noise = not_language(text)
    if noise:
        return Page("not_article", title, published, "unknown", "", noise)
    language = detect_language(text or (title or ""))
    if len(text) < MIN_ARTICLE_CHARS:
        if len(text) < 50 and _JS_REDIRECT.search(head):
            return Page("empty", title, published, language, text,
                        "JavaScript or meta-refresh redirect, no content")
        frame = _IFRAME.search(html) if not text else None
        if frame:
            return Page("not_article", title, published, language, "",
                        f"no body text, only an embedded frame ({_host(frame.group(1))})")
        if not text:
            return Page("empty", title, published, language, "", "no text on the page")
        return Page("not_article", title, published, language, text,
                    f"only {len(text)} characters of body text: a media, snippet or index page")
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    return Page("article", title, published, language, text)


# Blink and WebKit stop nesting elements at this depth (kMaximumHTMLParserDOMTreeDepth);
# lexbor does not, and its parse takes the square of the depth (100,000 <div>s: 30 s).
# The deepest page of corpus/ nests 55.
MAX_NESTING = 512
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Elements that hold nothing, or that the parser closes by itself when the next one opens
# (<p>, <li>, <td>, <a> …): an unclosed one nests nothing.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen "
    "p li dt dd option optgroup tr td th tbody thead tfoot colgroup caption rb rt rtc rp html head body a".split())


def _nested_deeper_than(html: str, limit: int) -> bool:
    """Whether the tags of `html`, counted as opened and closed, nest deeper than `limit`:
    one pass over the tags, no parse."""
    depth = 0
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() in _NOT_NESTING:
            continue
        if tag.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def _host(src: str) -> str:
    match = re.match(r"\s*(?:https?:)?//([^/?#\s]+)", src)
    return match.group(1) if match else "same site"


def _title(tree: LexborHTMLParser) -> str | None:
    site = tree.css_first("meta[property='og:site_name']")
    site_name = _WS.sub(" ", (site.attributes.get("content") or "") if site else "").strip()
    for selector, attribute in (("meta[property='og:title']", "content"), ("h1", None), ("title", None)):
        node = tree.css_first(selector)
        if node is None:
            continue
        value = node.attributes.get(attribute) if attribute else node.text(separator=" ")
        value = _without_date(_WS.sub(" ", (value or "").replace("\n", " ")).strip())
        if value:
            return _without_site_name(value, site_name)
    return None


# Weekdays, longest first: «یکشنبه» before «شنبه». A page header glues them to the site
# name («فیروزه کویرشنبه ۲۹ اردیبهشت ۱۴۰۳»), so one is cut off a word's end as well.
_WEEKDAY_BEFORE_END = re.compile(
    r"(?:پنج\s?شنبه|پنجشنبه|چهار\s?شنبه|سه\s?شنبه|دوشنبه|یکشنبه|شنبه|جمعه|پنج‌شنبه|چهار‌شنبه|سه‌شنبه)"
    r"[\s,،]*$")
# A weekday typed on an Arabic keyboard («يكشنبه») is the same weekday.
_fold_letters = folding(ARABIC_LETTERS)
_SEPARATORS = "-|–—:"
_EDGE_PUNCTUATION = " \t-|–—:،,"


def _without_date(title: str) -> str:
    """The title without a page's date stamp at its start or end: a date set off by a
    separator («… - ۲۹ اردیبهشت ۱۴۰۳», «۱۴۰۳/۰۲/۲۹ | …») or after its weekday («شنبه ۲۹
    اردیبهشت ۱۴۰۳»); "" when the title is only a date. A date the headline says in its
    sentence («… تا ۲۹ اردیبهشت ۱۴۰۳») stays."""
    mentions = find_dates(title)
    if mentions and not title[mentions[-1].end:].strip(_EDGE_PUNCTUATION):
        head = title[:mentions[-1].start]
        weekday = _WEEKDAY_BEFORE_END.search(_fold_letters(head))
        if weekday:
            head = head[:weekday.start()]
        if weekday or not head.strip() or head.rstrip()[-1] in _SEPARATORS:
            title = head.rstrip(_EDGE_PUNCTUATION)
            mentions = mentions[:-1]
    if mentions:
        before = _fold_letters(title[:mentions[0].start])
        after = title[mentions[0].end:].lstrip(" \t")
        weekday = _WEEKDAY_BEFORE_END.search(before)
        if not (before[:weekday.start()] if weekday else before).strip() and (
                weekday or not after or after[0] in _SEPARATORS):
            title = after.lstrip(_EDGE_PUNCTUATION)
    return title


def _without_site_name(title: str, site_name: str) -> str:
    """«خبرگزاری آریا - ورود 50 هزار …» → «ورود 50 هزار …»: drops the site's name when it
    is one end of the title, or a short end (≤ 3 words) facing a much longer headline."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    for keep, drop in ((parts[1:], parts[0]), (parts[:-1], parts[-1])):
        rest = " - ".join(keep)
        if site_name and len(drop) >= 3 and (drop in site_name or site_name in drop):
            return rest
    if len(parts) == 2:
        first, last = parts
        if len(first.split()) <= 3 and len(last.split()) >= 2 * len(first.split()) + 2:
            return last
        if len(last.split()) <= 3 and len(first.split()) >= 2 * len(last.split()) + 2:
            return first
    return title


def _published(tree: LexborHTMLParser) -> str | None:
    # <time datetime> first, the one marked as publication time before any other: it carries
    # the local time the page displays.
    times = tree.css("time[datetime]")
    stamps: list[str] = [node.attributes.get("datetime") or "" for node in times
                         if "pubdate" in node.attributes or node.attributes.get("itemprop") == "datePublished"]
    stamps += [node.attributes.get("datetime") or "" for node in times]
    for node in tree.css("meta"):
        key = node.attributes.get("property") or node.attributes.get("name") or node.attributes.get("itemprop")
        if key and key in _DATE_META:
            stamps.append(node.attributes.get("content") or "")
    for node in tree.css("script[type='application/ld+json']"):
        stamps.extend(_json_ld_dates(node.text() or ""))
    stamps.sort(key=lambda stamp: bool(_UTC_STAMP.search(stamp)))
    for stamp in stamps:
        date = parse_date(stamp)
        if date:
            return date.isoformat()
    # The line under the headline: «تم نشره الجمعة 24 نيسان / أبريل 2020», «دوشنبه ۲ تير ۱۳۹۹».
    headline = tree.css_first("h1")
    near = headline
    for reach in (400, 1000):
        near = near.parent if near is not None else None
        if near is None or near.tag in ("body", "html"):
            break
        date = parse_date(near.text(separator=" ")[:reach])
        if date:
            return date.isoformat()
    for node in tree.css(_DATE_CLASSES):
        date = parse_date(node.text(separator=" ")[:200])
        if date:
            return date.isoformat()
    return None


# «/2020/8/24/», or a timestamp inside a long id («/News/1 20200622 120908039»).
_URL_DATE = re.compile(r"(?<!\d)(20\d\d)[/-](\d{1,2})[/-](\d{1,2})(?!\d)|(20\d\d)(\d\d)(\d\d)(?=\d{6})")


def _url_date(url: str | None) -> str | None:
    for match in _URL_DATE.finditer(url or ""):
        parts = [int(g) for g in match.groups() if g is not None]
        try:
            date = dt.date(*parts)
        except ValueError:
            continue
        if date <= dt.date.today():
            return date.isoformat()
    return None


def _json_ld_dates(source: str) -> list[str]:
    try:
        data = json.loads(source)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        items = data["@graph"]
    return [str(item["datePublished"]) for item in items if isinstance(item, dict) and item.get("datePublished")]


def _visible_text(tree: LexborHTMLParser) -> str:
    body = tree.body
    return body.text(separator=" ") if body is not None else ""


def _is_chrome(node) -> bool:
    attributes = node.attributes
    return _is_chrome_marker(f"{attributes.get('class') or ''} {attributes.get('id') or ''} "
                             f"{attributes.get('role') or ''}")


# A site's pages repeat the same few hundred class strings: remember the verdicts.
@lru_cache(maxsize=65536)
def _is_chrome_marker(marker: str) -> bool:
    return bool(_CHROME_WORD.search(marker)) and not _CONTENT_WORD.search(marker)


def _main_text(tree: LexborHTMLParser) -> str:
    body = tree.body
    if body is None:
        return ""
    for node in body.css(_DROP_TAGS):
        node.decompose()
    # Chrome is cleared inside the hinted body only (a tenth of the page's nodes); the
    # scoring fallback looks at the whole page and so clears all of it first.
    container = _hinted_container(body)
    if container is None:
        _drop_chrome(body)
        container = _scored_container(body)
    else:
        _drop_chrome(container)
    text = _paragraphs(container)
    lead = _lead(body, text)
    return f"{lead}\n{text}" if lead and text else text


def _drop_chrome(root) -> None:
    for node in root.css("[class], [id], [role]"):
        if node.tag not in ("body", "html", "article", "main") and _is_chrome(node):
            node.decompose()


def _in_chrome(node) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag not in ("article", "main") and _is_chrome(parent):
            return True
        parent = parent.parent
    return False


def _lead(body, text: str) -> str | None:
    """The standfirst many Persian sites print above the body, outside its container."""
    for node in body.css(_LEAD_HINTS):
        if node.tag == "meta":
            continue
        lead = _WS.sub(" ", node.text(separator=" ").replace("\n", " ")).strip()
        if _script_chars(lead) >= 40 and lead[:60] not in text and not _is_chrome(node) and not _in_chrome(node):
            return lead
    return None


def _script_chars(text: str) -> int:
    return arabic_script_letters(text)


def _hint_rank(node) -> int | None:
    attributes = node.attributes
    if attributes.get("itemprop") == "articleBody":
        return 0
    classes = (attributes.get("class") or "").split()
    for rank, name in enumerate(_BODY_CLASSES, start=1):
        if name in classes and (name != "body" or _inside_article(node)):
            return rank
    return len(_BODY_CLASSES) + 1 if node.tag == "article" else None


def _inside_article(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def _hinted_container(body):
    # One pass over the tree for all hints; each hint's first node, in trust order, that
    # holds enough text and is not part of a sidebar wins.
    firsts: dict[int, object] = {}
    for node in body.css(_ANY_BODY_HINT):
        rank = _hint_rank(node)
        if rank is not None and rank not in firsts and not _in_chrome(node):
            firsts[rank] = node
    for rank in sorted(firsts):
        if _script_chars(firsts[rank].text()) >= MIN_ARTICLE_CHARS:
            return firsts[rank]
    return None


def _scored_container(body):
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
    blocks = container.css("p, h2, h3, h4, li, blockquote")
    whole = container.text()
    if not blocks or sum(len(b.text()) for b in blocks) < 0.5 * len(whole):
        candidates = container.text(separator="\n").split("\n")
    else:
        candidates = [line for block in blocks for line in block.text(separator=" ").split("\n")]
    # Lines without a letter of the page's script are player and counter leftovers there.
    arabic_script_page = _script_chars(whole) * 4 > len(whole)
    lines: list[str] = []
    for line in candidates:
        line = _WS.sub(" ", line).strip()
        if not line or (lines and lines[-1] == line):
            continue
        # «انتهای پیام/ی», «اخبار مرتبط»: what follows such a short line is not the article.
        if len(line) < 40 and _END_MARKERS.match(line):
            if lines:
                break
            continue
        # View counters and player messages («17302», «No media source currently available»).
        if not _LETTER.search(line) or arabic_script_page and len(line) < 60 and not _ARABIC_SCRIPT.search(line):
            continue
        lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- plain text

_END_MARKERS = re.compile(
    r"^(انتهای پیام|ساير مطالب|سایر مطالب|مطالب مرتبط|اخبار مرتبط|نظرات شما|ارسال دیدگاه|"
    r"نظرات و ارسال نظر|لینک کوتاه|Likes\d)")
_SENTENCE_END = re.compile(r"[.!؟?:]\s*$")
_SENTENCE_MARK = re.compile(r"[.!؟?]\s")
LONG_LINE = 120
LEAD_MIN = 50


def read_text(text: str) -> Page:
    """A text file as a page shows it: '#' metadata lines, header chrome, title, body, trailer."""
    if not isinstance(text, str):
        raise TypeError(f"read_text wants str, got {type(text).__name__}")
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
                    and not line.startswith(title) and not title.startswith(line)]
    while body and _is_headline_like(body[-1]):
        body.pop()
    published = None
    for line in header + header_meta:
        date = parse_date(line)
        if date:
            published = date.isoformat()
            break
    body_text = "\n".join(body)
    if not body_text:
        return Page("empty", title, published, "unknown", "", "no article body in the text")
    noise = not_language(body_text)
    if noise:
        return Page("not_article", title, published, "unknown", "", noise)
    return Page("article", title, published, detect_language(body_text), body_text)


def _is_headline_like(line: str) -> bool:
    """A sidebar or footer line: short, and no sentence ends in it."""
    return len(line) < LONG_LINE and not _SENTENCE_END.search(line) and not _SENTENCE_MARK.search(line)


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
