"""A local news site on 127.0.0.1 built from the real pages in corpus/ (see demo/README.md).

Its pages travel with the package (`shahrnameh.demo.CORPUS`), so it runs from any install.

Sections, so that every discovery path of the spider runs for real:
  /sitemap.xml  → /cityhall/<slug>.html  (Fars municipal texts and the two seeds, rendered)
  /feed.xml     → /dari/<slug>.html      (VOA Dari pages, as published)
  /news/?page=N → /news/<slug>.html      (Persian and Arabic news pages, the two edge cases)
/robots.txt disallows /private/, which the /news/ listing links to.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from shahrnameh.demo import CORPUS
from shahrnameh.demo.localserver import LocalServer
from shahrnameh.nlp.page import read_text

LISTING_PAGE_SIZE = 10
# Files never change while the site runs; one fixed date makes Last-Modified stable across runs.
LAST_MODIFIED = datetime(2025, 3, 1, tzinfo=timezone.utc)
# Where shiraz.ir's real home page sent visitors; this site redirects there to exercise offsite handling.
SHIRAZ_PORTAL = "https://portal.shiraz.ir"

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


class DemoSiteError(RuntimeError):
    pass


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    location: str | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest() + '"'


class DemoSite:
    def __init__(self, root: Path | None = None, port: int = 0):
        # A fixed port keeps the demo's URLs, and so its articles, the same from one demo
        # run to the next: a busy fixed port is an error, not another port (whose URLs would
        # store every article again); 0 takes any free one.
        self.port = port
        self.corpus = Path(root) if root is not None else CORPUS
        if not (self.corpus / "html").is_dir() or not (self.corpus / "text").is_dir():
            raise DemoSiteError(f"corpus not found at {self.corpus}: the demo site serves corpus/ (html/, text/, "
                                "seeds/), installed with the package as shahrnameh/demo/corpus; reinstall it")
        self.requests: list[str] = []
        self.pages: dict[str, Page] = {}
        self._server: LocalServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise DemoSiteError("the demo site is not running (use it as a context manager)")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> DemoSite:
        try:
            self._server = LocalServer(("127.0.0.1", self.port), _handler_for(self))
        except OSError as error:
            raise DemoSiteError(
                f"cannot serve the demo site on 127.0.0.1:{self.port} ({error.strerror}): is another demo "
                "running? Stop it, or set SHAHRNAMEH_DEMO_PORT to a free port (the same one every time: "
                "the demo's URLs, and so its articles, depend on it)") from None
        self.pages = build_pages(self.corpus, self.base_url)
        self._server.start("demosite")
        return self

    def __exit__(self, *exc) -> None:
        self._server.stop()
        self._server = None

    def article_urls(self) -> list[str]:
        """Every article page the site links to from its sitemap, feed or listing."""
        return [self.base_url + path for path, page in self.pages.items()
                if path.startswith(("/cityhall/", "/dari/", "/news/")) and path.endswith(".html")
                and page.status == 200]


def build_pages(corpus: Path, base_url: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    cityhall = []
    for path in sorted((corpus / "text").glob("*.txt")) + sorted((corpus / "seeds").glob("*.txt")):
        slug = path.stem if path.parent.name == "text" else f"seed-{path.stem}"
        url_path = f"/cityhall/{slug}.html"
        pages[url_path] = Page(200, "text/html; charset=utf-8", render_text(path, corpus).encode("utf-8"))
        cityhall.append(url_path)
    for path in sorted((corpus / "pdf").glob("*.pdf")):  # reports, linked from the article they render
        pages[f"/cityhall/reports/{path.name}"] = Page(200, "application/pdf", path.read_bytes())
    dari = []
    for path in sorted((corpus / "html" / "voa-dari").glob("*.html")):
        url_path = f"/dari/{path.name}"
        pages[url_path] = _as_published(path)
        dari.append(url_path)
    news = []
    for folder, prefix in (("persian-news", ""), ("arabic-news", "arabic-"), ("edge-cases", "")):
        for path in sorted((corpus / "html" / folder).glob("*.html")):
            url_path = f"/news/{prefix}{path.name}"
            pages[url_path] = _as_published(path)
            news.append(url_path)
    if not cityhall or not dari or not news:
        raise DemoSiteError(f"{corpus} lacks text/, seeds/ or html/ pages for the demo site")
    pages["/news/shiraz-portal.html"] = Page(302, "text/html; charset=utf-8", b"", location=SHIRAZ_PORTAL)
    news.append("/news/shiraz-portal.html")
    pages["/robots.txt"] = Page(200, "text/plain; charset=utf-8",
                                f"User-agent: *\nDisallow: /private/\n\nSitemap: {base_url}/sitemap.xml\n".encode())
    pages["/sitemap.xml"] = Page(200, "application/xml", _sitemap(base_url, cityhall))
    pages["/feed.xml"] = Page(200, "application/rss+xml; charset=utf-8", _feed(base_url, dari, pages))
    listing_pages = [news[i:i + LISTING_PAGE_SIZE] for i in range(0, len(news), LISTING_PAGE_SIZE)]
    for number, links in enumerate(listing_pages, start=1):
        body = _listing(number, len(listing_pages), links, pages).encode("utf-8")
        pages["/news/" if number == 1 else f"/news/?page={number}"] = Page(200, "text/html; charset=utf-8", body)
    pages["/"] = Page(200, "text/html; charset=utf-8", _home().encode("utf-8"))
    return pages


def render_text(path: Path, corpus: Path) -> str:
    """A text-only corpus file as a plain, labelled article page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = {}
    for line in lines:
        match = re.match(r"#\s*(\w+)\s*:\s*(.*)", line)
        if match:
            header[match.group(1).lower()] = match.group(2).strip()
    text_lines = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not text_lines:
        raise DemoSiteError(f"{path}: no text to render")
    # A seed is a page copied whole, its site's header strip first («فیروزه کویر | شنبه ۲۹
    # اردیبهشت ۱۴۰۳»): the headline is the line the text reader takes for it, and the lines
    # above it stay above it, as the site showed them, not promoted to the <h1>.
    headline = read_text("\n".join(text_lines)).title
    at = next((i for i, line in enumerate(text_lines) if headline and line.startswith(headline)), 0)
    chrome, title, paragraphs = text_lines[:at], text_lines[at], text_lines[at + 1:]
    origin = header.get("url") or f"corpus/{path.relative_to(corpus)} (see corpus/MANIFEST.md)"
    date = header.get("date") or header.get("published")
    time = f'<p><time datetime="{html.escape(date)}">{html.escape(date)}</time></p>\n' if date else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if (corpus / "pdf" / f"{path.stem}.pdf").is_file():
        body += f'\n<p><a href="/cityhall/reports/{path.stem}.pdf">متن کامل گزارش (PDF)</a></p>'
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<article>\n"
        + "".join(f"<p>{html.escape(line)}</p>\n" for line in chrome) +
        f"<h1>{html.escape(title)}</h1>\n"
        f"{time}{body}\n</article>\n<footer><p>Text-only material from {html.escape(origin)}, "
        "rendered by the Shahrnameh demo site.</p></footer>\n</body>\n</html>\n"
    )


def _as_published(path: Path) -> Page:
    body = path.read_bytes()
    charset = _CHARSET.search(body[:4096])
    content_type = f"text/html; charset={charset.group(1).decode().lower()}" if charset else "text/html"
    return Page(200, content_type, body)


def _page_title(page: Page, fallback: str) -> str:
    match = _TITLE.search(page.body)
    title = match.group(1).decode("utf-8", "replace") if match else ""
    return html.unescape(" ".join(title.split())) or fallback


def _sitemap(base_url: str, paths: list[str]) -> bytes:
    modified = LAST_MODIFIED.date().isoformat()
    urls = "".join(f"<url><loc>{xml_escape(base_url + p)}</loc><lastmod>{modified}</lastmod></url>\n"
                   for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n').encode()


def _feed(base_url: str, paths: list[str], pages: dict[str, Page]) -> bytes:
    items = "".join(
        f"<item><title>{xml_escape(_page_title(pages[p], p))}</title><link>{xml_escape(base_url + p)}</link>"
        f"<guid>{xml_escape(base_url + p)}</guid></item>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Shahrnameh demo: VOA Dari pages</title>"
            f"<link>{xml_escape(base_url)}/</link><description>Real VOA Dari pages served locally"
            f"</description>\n{items}</channel></rss>\n").encode("utf-8")


def _listing(number: int, total: int, paths: list[str], pages: dict[str, Page]) -> str:
    links = "\n".join(f'<li><a href="{html.escape(p)}">{html.escape(_page_title(pages[p], p))}</a></li>'
                      for p in paths)
    nav = []
    if number > 1:
        previous = "/news/" if number == 2 else f"/news/?page={number - 1}"
        nav.append(f'<a rel="prev" href="{previous}">« قبلی</a>')
    if number < total:
        nav.append(f'<a href="/news/?page={number + 1}">بعدی »</a>')
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>اخبار — صفحه {number}</title></head><body>\n<h1>اخبار</h1>\n<ul>\n{links}\n</ul>\n"
        f"<nav>{' '.join(nav)}</nav>\n"
        '<p><a href="/private/drafts.html">Staff drafts</a></p>\n'
        "<footer>Listing page of the Shahrnameh demo site; the linked pages are real.</footer>\n"
        "</body></html>\n"
    )


def _home() -> str:
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Shahrnameh demo site</title></head>'
            '<body><ul><li><a href="/news/">News</a></li><li><a href="/sitemap.xml">City hall (sitemap)</a></li>'
            '<li><a href="/feed.xml">VOA Dari (RSS)</a></li></ul></body></html>\n')


def _handler_for(site: DemoSite):
    class Handler(BaseHTTPRequestHandler):
        server_version = "ShahrnamehDemo/0.1"
        # Keep-alive, as the web servers of real sites do (BaseHTTPRequestHandler's default
        # HTTP/1.0 closes every connection); every response carries its Content-Length.
        protocol_version = "HTTP/1.1"
        # Headers and body are two writes: with Nagle's algorithm the body of a kept-alive
        # connection waits for the client's delayed ACK of the headers (40 ms).
        disable_nagle_algorithm = True

        def do_GET(self):
            site.requests.append(self.path)
            parts = urlsplit(self.path)
            key = parts.path + (f"?{parts.query}" if parts.query else "")
            page = site.pages.get(key)
            if page is None:
                status = 403 if parts.path.startswith("/private/") else 404
                self._send(Page(status, "text/plain; charset=utf-8", f"{status}\n".encode()))
            elif page.status == 200 and self._not_modified(page):
                self.send_response(304)
                self.send_header("ETag", page.etag)
                self.send_header("Last-Modified", format_datetime(LAST_MODIFIED, usegmt=True))
                self.end_headers()
            else:
                self._send(page)

        def _not_modified(self, page: Page) -> bool:
            tags = self.headers.get("If-None-Match")
            if tags is not None:
                return page.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return parsedate_to_datetime(since) >= LAST_MODIFIED
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, page: Page):
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            if page.location:
                self.send_header("Location", page.location)
            if page.status == 200:
                self.send_header("ETag", page.etag)
                self.send_header("Last-Modified", format_datetime(LAST_MODIFIED, usegmt=True))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format, *args):
            pass

    return Handler
