"""One generic spider for every source: discovery from sitemaps, feeds or listing pages."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from w3lib.url import safe_url_string

from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.middlewares import OffsiteRedirect
from shahrnameh.spiders.pages import FetchedPage
from shahrnameh.spiders.records import KnownFetches
from shahrnameh.spiders.sources import Source, url_pattern

_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
_NEXT_TEXTS = {"next", "nextpage", "بعدی", "بعد", "صفحهبعد", "صفحهبعدی", "»", "›", ">"}
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|categories|service|section|search|login|register|author|archive|rss|feed"
    r"|redirect|ads?|banner)(/|$)"
    r"|\.(jpe?g|png|gif|svg|webp|pdf|zip|mp3|mp4|css|js|xml)$", re.I)
# A page its sitemap says is unchanged is still asked for (conditionally) after this long.
LASTMOD_TRUST_DAYS = 30
# An id, a page file, or a slug of four words or more.
_ARTICLE_LIKE = re.compile(r"\d{4,}|\.(html?|aspx|php)$|/[^/]*-[^/]*-[^/]*-[^/]*/?$", re.I)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source_json: str, archive_root: str, run_id: str | int, records_path: str | None = None,
                 records: list | None = None, known: KnownFetches | None = None, known_path: str | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.source = Source.from_json(json.loads(source_json))
        self.allowed_domains = list(self.source.allowed_domains)
        self.archive_root = Path(archive_root)
        self.run_id = int(run_id)
        # Where the FetchRecords go: a JSONL file (a crawl in a child process), or a list (in process).
        self.records_path = records_path
        self.records = records
        # RE2: linear in the URL, so no pattern of a sources file can stall the crawl on one link.
        self.article_pattern = url_pattern(self.source.article_url_pattern) if self.source.article_url_pattern else None
        # What the archive index knew of this source's URLs before the crawl (handed over by the
        # core, or as a JSON file to a crawl in a child process); the pipelines add this crawl's.
        if known_path:
            known = json.loads(Path(known_path).read_text(encoding="utf-8"))
        self.known: KnownFetches = dict(known or {})
        self.archive = Archive(self.archive_root)  # to read archived bodies, never to write
        # URLs answered from the archive by their sitemap lastmod, never requested this run.
        self._not_requested: set[str] = set()

    async def start(self):
        for robots_url in dict.fromkeys(_robots_url(u) for u in self.source.start_urls):
            yield scrapy.Request(robots_url, callback=self.parse_page, errback=self.on_error, dont_filter=True,
                                 meta={"role": "robots", "dont_obey_robotstxt": True,
                                       "handle_httpstatus_list": [404, 410]})
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse_start, errback=self.on_error,
                                 meta={"role": _role_hint(url), "listing_depth": 0})

    def parse_page(self, response):
        yield self._page(response, response.meta["role"])

    def parse_start(self, response):
        body = response.body
        if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz: served gzipped without Content-Encoding
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        kind, root = _detect(body)
        if kind == "sitemapindex":
            yield self._page(response, "sitemap")
            for loc in _locs(root, "sitemap"):
                yield response.follow(loc, callback=self.parse_start, errback=self.on_error,
                                      meta={"role": "sitemap", "listing_depth": 0})
        elif kind == "urlset":
            yield self._page(response, "sitemap")
            for loc, lastmod in _urls_with_lastmod(root):
                yield from self._article_request(urljoin(response.url, loc), from_listing=False, lastmod=lastmod)
        elif kind == "feed":
            yield self._page(response, "feed")
            for link in _feed_links(root):
                yield from self._article_request(urljoin(response.url, link), from_listing=False)
        else:
            yield from self.parse_listing(response)

    def parse_listing(self, response):
        yield self._page(response, "listing")
        if not isinstance(response, TextResponse):
            return
        for href in response.css("a::attr(href)").getall():
            yield from self._article_request(response.urljoin(href.strip()), from_listing=True)
        depth = response.meta.get("listing_depth", 0)
        if depth < self.source.max_depth:
            for url in _next_pages(response):
                yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                     meta={"role": "listing", "listing_depth": depth + 1})

    def parse_article(self, response):
        report = _is_pdf(response) or response.status == 304 and response.meta.get("role") == "report"
        yield self._page(response, "report" if report else "article")
        if response.status == 304 and not report:
            # Not modified: its links are those of the body archived last time.
            yield from self._reports_of_archived(response.url, response.meta.get("previous"))
        elif isinstance(response, TextResponse):
            yield from self._reports(response)

    def _reports(self, response: TextResponse, *, article_unchanged: bool = False):
        """Reports (PDF) linked from an article, fetched within the same page budget."""
        if b"pdf" not in response.body.lower() and not response.encoding.lower().startswith("utf-16"):
            # Most articles link no report: a search of the bytes spares parsing every link
            # (an unchanged site's second crawl spent 40% of its time there).
            return
        for href in response.css("a::attr(href)").getall():
            parts = urlsplit(response.urljoin(href.strip()))
            if (parts.path.lower().endswith(".pdf") and parts.scheme in ("http", "https")
                    and _in_domains(parts.hostname, self.allowed_domains)):
                if article_unchanged:
                    yield from self._archived_report(urlunsplit(parts))
                else:
                    yield from self._article_request(urlunsplit(parts), from_listing=False, role="report")

    def _reports_of_archived(self, url: str, previous: dict | None):
        """The reports linked from an unchanged article's archived body. The article still links
        to them: a warehouse that has never seen them (a new one over this archive, or one whose
        run died before loading them) gets them this way."""
        if not previous or "html" not in (previous.get("content_type") or "html").lower():
            return
        try:
            body = self.archive.read_body(previous["archive_path"], previous["offset"])
        except Exception as error:  # noqa: BLE001 - an unreadable archived copy only loses its links
            self.logger.warning("%s: archived body unreadable, its report links not followed: %s", url, error)
            return
        yield from self._reports(TextResponse(url, body=body, encoding=previous.get("encoding") or "utf-8"),
                                 article_unchanged=True)

    def _archived_report(self, url: str):
        """A report of an unchanged article: its archived copy stands, as the article's does,
        without a request; one never archived is requested."""
        url = safe_url_string(urlunsplit(urlsplit(url)._replace(fragment="")))
        previous = self.known.get(url)
        if previous is None:
            yield from self._article_request(url, from_listing=False, role="report")
        elif url not in self._not_requested:
            self._not_requested.add(url)
            yield FetchedPage(source=self.source.name, url=url, requested_url=url, role="report", fetched_at=_now(),
                              previous=previous, not_requested="linked from an unchanged article")

    def on_error(self, failure):
        request = failure.request
        response = getattr(failure.value, "response", None)
        # Blocked: the site (robots.txt, a redirect away) said no. Anything else ignored is a failure.
        blocked = failure.check(OffsiteRedirect) is not None or (
            failure.check(IgnoreRequest) is not None and failure.check(HttpError) is None
            and "robots.txt" in failure.getErrorMessage())
        if failure.check(HttpError):
            error = f"HTTP {response.status}"
        else:
            error = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        error = " ".join(error.split())[:300]
        role = request.meta.get("role") or "listing"
        if response is not None:
            page = self._page(response, role)
            page.error, page.blocked = error, blocked
            return [page]
        return [FetchedPage(source=self.source.name, url=request.url, requested_url=_requested_url(request),
                            role=role, fetched_at=_now(), error=error, blocked=blocked)]

    def _article_request(self, url: str, *, from_listing: bool, role: str = "article", lastmod: str | None = None):
        # The form Scrapy requests and the archive indexes: percent-encoded, no fragment.
        url = safe_url_string(urlunsplit(urlsplit(url)._replace(fragment="")))
        if role == "article" and not self._is_article(url, from_listing):
            return
        if url in self._not_requested:
            return
        headers = {}
        previous = self.known.get(url)
        if previous and _unchanged_since(lastmod, previous["fetched_at"]):
            # The sitemap says the page has not changed since we downloaded it: no request at all.
            self._not_requested.add(url)
            yield FetchedPage(source=self.source.name, url=url, requested_url=url, role=role, fetched_at=_now(),
                              previous=previous, not_requested=f"sitemap lastmod {lastmod}")
            if role == "article":
                yield from self._reports_of_archived(url, previous)
            return
        if previous:
            if previous.get("etag"):
                headers["If-None-Match"] = previous["etag"]
            if previous.get("last_modified"):
                headers["If-Modified-Since"] = previous["last_modified"]
        yield scrapy.Request(url, headers=headers, callback=self.parse_article, errback=self.on_error,
                             meta={"role": role, "handle_httpstatus_list": [304], "previous": previous})

    def _is_article(self, url: str, from_listing: bool) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not _in_domains(parts.hostname, self.allowed_domains):
            return False
        if self.article_pattern is not None:
            return self.article_pattern.search(url) is not None
        if not from_listing:
            return True
        return parts.path not in ("", "/") and not _NOT_ARTICLE.search(parts.path) \
            and _ARTICLE_LIKE.search(parts.path) is not None

    def _page(self, response, role: str) -> FetchedPage:
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, values in response.headers.items() for v in values]
        content_type = response.headers.get(b"Content-Type")
        return FetchedPage(
            source=self.source.name, url=response.url, requested_url=_requested_url(response.request),
            role=role, fetched_at=_now(), status=response.status, headers=headers, body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            encoding=response.encoding if isinstance(response, TextResponse) and response.body else None,
        )

    def closed(self, reason):
        self.archive.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _requested_url(request) -> str:
    redirects = request.meta.get("redirect_urls") or []
    return redirects[0] if redirects else request.url


def _is_pdf(response) -> bool:
    media = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    return media == b"application/pdf" or response.body[:1024].lstrip().startswith(b"%PDF-")


def _robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def _role_hint(url: str) -> str:
    lowered = url.lower()
    if "sitemap" in lowered:
        return "sitemap"
    if re.search(r"rss|feed|atom", lowered):
        return "feed"
    return "listing"


def _in_domains(host: str | None, domains: list[str]) -> bool:
    host = (host or "").lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def _detect(body: bytes):
    """(kind, parsed root) by content, whatever the Content-Type says; kind 'html' otherwise."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<?xml") and not re.match(rb"<(urlset|sitemapindex|rss|feed|rdf:rdf)\b", head):
        return "html", None
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return "html", None
    if root is None:
        return "html", None
    name = etree.QName(root).localname.lower()
    if name in ("urlset", "sitemapindex"):
        return name, root
    if name in ("rss", "feed", "rdf"):
        return "feed", root
    return "html", None


def _locs(root, parent: str) -> list[str]:
    return [el.text.strip() for el in root.iter() if isinstance(el.tag, str)
            and etree.QName(el).localname == "loc" and el.text
            and etree.QName(el.getparent()).localname == parent]


def _urls_with_lastmod(root) -> list[tuple[str, str | None]]:
    urls = []
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname != "url":
            continue
        fields = {etree.QName(child).localname: (child.text or "").strip() for child in el
                  if isinstance(child.tag, str)}
        if fields.get("loc"):
            urls.append((fields["loc"], fields.get("lastmod") or None))
    return urls


def _unchanged_since(lastmod: str | None, downloaded_at: str) -> bool:
    """Whether a sitemap's <lastmod> says the page is older than our last download of it.

    A bare date is only trusted when it is an earlier day than the download (it may have
    changed later that day). After LASTMOD_TRUST_DAYS a page is asked for again anyway (with
    a conditional request), in case the site's lastmod is stale.
    """
    if not lastmod:
        return False
    try:
        downloaded = datetime.fromisoformat(downloaded_at.replace("Z", "+00:00"))
        if len(lastmod) == 10:
            changed_day = datetime.fromisoformat(lastmod).date()
            fresh = changed_day < downloaded.date()
        else:
            changed = datetime.fromisoformat(lastmod.replace("Z", "+00:00"))
            if changed.tzinfo is None:
                changed = changed.replace(tzinfo=timezone.utc)
            fresh = changed <= downloaded
    except ValueError:
        return False
    return fresh and (datetime.now(timezone.utc) - downloaded).days < LASTMOD_TRUST_DAYS


def _feed_links(root) -> list[str]:
    links = []
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname not in ("item", "entry"):
            continue
        for child in el:
            if not isinstance(child.tag, str) or etree.QName(child).localname != "link":
                continue
            href = child.get("href") or (child.text or "").strip()
            if href and child.get("rel", "alternate") == "alternate":
                links.append(href)
                break
    return links


def _next_pages(response) -> list[str]:
    found = response.css("link[rel~=next]::attr(href), a[rel~=next]::attr(href)").getall()
    current = urlsplit(response.url)
    page = _page_number(current.query)
    for anchor in response.css("a[href]"):
        href = anchor.attrib["href"]
        text = re.sub(r"\s+", "", " ".join(anchor.css("::text").getall())).lower().strip("«»")
        if text in _NEXT_TEXTS or re.sub(r"\s+", "", anchor.attrib.get("aria-label", "")).lower() in _NEXT_TEXTS:
            found.append(href)
            continue
        target = urlsplit(response.urljoin(href))
        if target.path == current.path and _page_number(target.query) == page + 1:
            found.append(href)
    return list(dict.fromkeys(response.urljoin(h) for h in found))


def _page_number(query: str) -> int:
    for key, value in parse_qsl(query):
        if key.lower() in ("page", "p", "pg") and value.isdigit():
            return int(value)
    return 1
