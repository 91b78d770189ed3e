"""A local news site on 127.0.0.1 that fails in every way real municipal sites do.

Every page it serves is a real page from corpus/ (see corpus/MANIFEST.md); the hostility is
at the HTTP level (status codes, redirects, delays, sizes, encodings, cut bodies), except in
the pages that attack the reader (issue 13): a real page with a number of DIGITS_RUN digits
put in its body, a real page inside NESTING unclosed <div>s, a real UTF-8 page with one
stray 0xFF byte, and NOISE_BYTES of random bytes with no NUL. The generated parts are
navigation only: robots.txt, a sitemap and one listing page linking to everything, as any
news site has.

  /news/<voa page>.html              real VOA Dari articles (also in the sitemap: found twice)
  /news/arabic-1623715966.html       an Arabic page
  /news/cp1256-khabaronline.html     a Persian page served ONCE as windows-1256, no charset
                                     in the header, its markup still saying utf-8
  /news/truncated-aryanews.html      a Persian page cut in half, inside a UTF-8 character
  /news/huge-yjc-7349926.html        262 KB: over the DOWNLOAD_MAXSIZE of hostile-sources
  /news/arvancloud-bot-challenge.html, /news/shiraz-municipality-js-redirect.html
  /news/missing-<id>.html → 404      /news/error-<id>.html → 500 every time
  /news/busy-<id>.html → 503 once, then the page (retry with back-off works)
  /news/slow-<id>.html               answers after SLOW_SECONDS (longer than the test's timeout)
  /news/loop-a.html ⇄ /news/loop-b.html   a redirect loop
  /news/files/<id>                   a zip of a real page (application/zip), linked like an article
  /news/moved-<id>.html → 302 to http://localhost:<port>/…: offsite (another host name)
  /news/digits-<id>.html             a real article with a 120,000-digit number «… نفر» in its body
  /news/nested-<id>.html             a real article inside 28,000 unclosed <div>s (194 KB)
  /news/strayff-aryanews.html        a real UTF-8 article with one 0xFF byte in its body, no
                                     charset in the header (was read whole as windows-1256)
  /news/noise.html                   20 KB of random bytes, no NUL, served as text/html
                                     (was stored as a Persian article)
  a link to http://localhost:<port>/… (offsite) and to /news/drafts/ (robots.txt disallows it)

The site logs every request with its Host header, so a test can assert what was never asked
for: /news/drafts/, or anything under the offsite host name `localhost` (which reaches this same
server, so an offsite request would be seen rather than fail silently elsewhere).
"""

from __future__ import annotations

import hashlib
import html
import io
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from shahrnameh.demo.localserver import LocalServer

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"
# Longer than any DOWNLOAD_TIMEOUT a test sets, short enough not to hold a thread for long.
SLOW_SECONDS = 8.0
OFFSITE_HOST = "localhost"
# Inside the articles' URL space, so the spider would request it but for robots.txt.
DISALLOWED = "/news/drafts/"

# The real pages, by role. VOA Dari pages are articles of one CMS; the others are chosen for
# what they are (the largest, a Persian page to re-encode, an Arabic page).
ARTICLES = ("article_7163944", "article_7949073", "article_7920877", "article_7931854")
BUSY = "article_7937782"
SLOW = "article_7942353"
MISSING = "article_7947399"
ERROR = "article_7947446"
ZIPPED = "article_7947688"
MOVED = "article_7948593"
ARABIC = "1623715966"
CP1256 = "khabaronline-1353889"
TRUNCATED = "aryanews-120200622120908039"
HUGE = "yjc-7349926"
DIGITS = "article_6730477"
NESTED = "article_6861700"
STRAY_BYTE = "aryanews-120200622120908039"
# Under the hostile sources' DOWNLOAD_MAXSIZE (200,000 bytes), so that the reader gets them.
DIGITS_RUN = 120_000
NESTING = 28_000
NOISE_BYTES = 20_000


class HostileSiteError(RuntimeError):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str | None = None
    body: bytes = b""
    location: str | None = None
    # "busy": 503 on the first request, then this response; "slow": this response, late.
    behaviour: str | None = None


class HostileSite:
    def __init__(self, root: Path | None = None):
        self.corpus = Path(root) if root is not None else CORPUS
        if not (self.corpus / "html").is_dir():
            raise HostileSiteError(f"corpus not found at {self.corpus}: the hostile site serves corpus/html/")
        self.requests: list[tuple[str, str]] = []  # (Host header, path)
        self.responses: dict[str, Response] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: LocalServer | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise HostileSiteError("the hostile site is not running (use it as a context manager)")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def offsite_url(self) -> str:
        return f"http://{OFFSITE_HOST}:{self.port}"

    def __enter__(self) -> HostileSite:
        self._server = LocalServer(("127.0.0.1", 0), _handler_for(self))
        self.responses = build_responses(self.corpus, self.base_url, self.offsite_url)
        self._server.start("hostilesite")
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()  # wakes the slow handlers
        self._server.stop()
        self._server = None

    def requested(self, path: str) -> int:
        """How many times a path was asked for on this site's own host."""
        host = f"127.0.0.1:{self.port}"
        return sum(1 for h, p in self.requests if h == host and p == path)

    def sources_yaml(self) -> str:
        """A sources file for this site, with the politeness relaxed as data (settings)."""
        template = (HERE / "hostile-sources.yaml").read_text(encoding="utf-8")
        return template.replace("{site}", self.base_url)


def build_responses(corpus: Path, base_url: str, offsite_url: str) -> dict[str, Response]:
    voa = corpus / "html" / "voa-dari"

    def page(path: Path) -> Response:
        return Response(200, "text/html; charset=utf-8", path.read_bytes())

    responses: dict[str, Response] = {}
    articles = []
    for name in ARTICLES:
        responses[f"/news/{name}.html"] = page(voa / f"{name}.html")
        articles.append(f"/news/{name}.html")
    responses[f"/news/busy-{BUSY}.html"] = Response(**{**page(voa / f"{BUSY}.html").__dict__, "behaviour": "busy"})
    responses[f"/news/slow-{SLOW}.html"] = Response(**{**page(voa / f"{SLOW}.html").__dict__, "behaviour": "slow"})
    responses[f"/news/missing-{MISSING}.html"] = Response(404, "text/plain; charset=utf-8", b"404 Not Found\n")
    responses[f"/news/error-{ERROR}.html"] = Response(500, "text/plain; charset=utf-8",
                                                      b"500 Internal Server Error\n")
    responses["/news/loop-a.html"] = Response(302, location=base_url + "/news/loop-b.html")
    responses["/news/loop-b.html"] = Response(302, location=base_url + "/news/loop-a.html")
    responses[f"/news/moved-{MOVED}.html"] = Response(302, location=f"{offsite_url}/news/{MOVED}.html")
    responses[f"/news/arabic-{ARABIC}.html"] = page(corpus / "html" / "arabic-news" / f"{ARABIC}.html")
    responses[f"/news/huge-{HUGE}.html"] = page(corpus / "html" / "persian-news" / f"{HUGE}.html")
    for name in ("arvancloud-bot-challenge", "shiraz-municipality-js-redirect"):
        responses[f"/news/{name}.html"] = page(corpus / "html" / "edge-cases" / f"{name}.html")
    # windows-1256 has no Persian yeh (U+06CC): sites in that charset wrote the Arabic one,
    # as this does; anything else it cannot hold becomes a character reference.
    persian = (corpus / "html" / "persian-news" / f"{CP1256}.html").read_text(encoding="utf-8")
    responses["/news/cp1256-khabaronline.html"] = Response(
        200, "text/html", persian.replace("\u06cc", "\u064a").encode("cp1256", "xmlcharrefreplace"))
    responses["/news/truncated-aryanews.html"] = Response(
        200, "text/html; charset=utf-8", cut_inside_a_character(
            (corpus / "html" / "persian-news" / f"{TRUNCATED}.html").read_bytes()))
    responses[f"/news/files/{ZIPPED}"] = Response(200, "application/zip", zipped(voa / f"{ZIPPED}.html"))
    digits = (voa / f"{DIGITS}.html").read_bytes()
    after_first_paragraph = digits.index(b"</p>", digits.index(b'<div class="wsw">')) + len(b"</p>")
    responses[f"/news/digits-{DIGITS}.html"] = Response(200, "text/html; charset=utf-8", (
        digits[:after_first_paragraph] + f'<p>در این طرح {"1" * DIGITS_RUN} نفر شرکت کردند.</p>'.encode()
        + digits[after_first_paragraph:]))
    nested = (voa / f"{NESTED}.html").read_bytes()
    inside_body = nested.index(b">", nested.index(b"<body")) + 1
    responses[f"/news/nested-{NESTED}.html"] = Response(
        200, "text/html; charset=utf-8", nested[:inside_body] + b"<div>" * NESTING + nested[inside_body:])
    responses["/news/strayff-aryanews.html"] = Response(200, "text/html", with_a_stray_byte(
        (corpus / "html" / "persian-news" / f"{STRAY_BYTE}.html").read_bytes()))
    responses["/news/noise.html"] = Response(200, "text/html", noise(NOISE_BYTES))

    linked = sorted(set(responses) - {"/news/loop-b.html"})
    responses["/news/"] = Response(200, "text/html; charset=utf-8", _listing(linked, offsite_url).encode("utf-8"))
    responses["/robots.txt"] = Response(200, "text/plain; charset=utf-8",
                                        f"User-agent: *\nDisallow: {DISALLOWED}\n\nSitemap: {base_url}/sitemap.xml\n"
                                        .encode())
    responses["/sitemap.xml"] = Response(200, "application/xml", _sitemap(base_url, articles))
    return responses


def cut_inside_a_character(body: bytes) -> bytes:
    """The first half of a UTF-8 page, ending inside a multi-byte character (a dropped connection)."""
    cut = len(body) // 2
    while cut < len(body) and body[cut - 1] < 0xC0:  # end right after a lead byte
        cut += 1
    return body[:cut]


def with_a_stray_byte(body: bytes) -> bytes:
    """A UTF-8 page with one 0xFF put before a Persian word in the second half of its body."""
    middle = body.index("نقدینگی".encode(), len(body) // 2)
    return body[:middle] + b"\xff" + body[middle:]


def noise(size: int) -> bytes:
    """Random bytes without NUL (a NUL alone would mark them binary), the same every run."""
    import random

    chooser = random.Random(13)
    return bytes(chooser.choice(range(1, 256)) for _ in range(size))


def zipped(path: Path) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date: the same bytes every run, so a second crawl finds it unchanged.
        archive.writestr(zipfile.ZipInfo(path.name, date_time=(2025, 2, 26, 0, 0, 0)), path.read_bytes())
    return stream.getvalue()


def _listing(paths: list[str], offsite_url: str) -> str:
    links = [f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>' for p in paths]
    # The same article again, with a fragment and from the sitemap: found three times, stored once.
    links.append(f'<li><a href="/news/{ARTICLES[0]}.html#comments">comments</a></li>')
    links.append(f'<li><a href="{offsite_url}/news/{ARTICLES[1]}.html">elsewhere</a></li>')
    links.append(f'<li><a href="{DISALLOWED}{ARTICLES[2]}.html">draft</a></li>')
    return ('<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>اخبار</title></head>'
            "<body>\n<h1>اخبار</h1>\n<ul>\n" + "\n".join(links) + "\n</ul>\n"
            "<footer>Listing page of the Shahrnameh hostile test site; the linked pages are real.</footer>\n"
            "</body></html>\n")


def _sitemap(base_url: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{xml_escape(base_url + p)}</loc></url>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n').encode()


def _handler_for(site: HostileSite):
    class Handler(BaseHTTPRequestHandler):
        server_version = "ShahrnamehHostile/0.1"

        def do_GET(self):
            path = urlsplit(self.path)
            key = path.path + (f"?{path.query}" if path.query else "")
            with site._lock:
                site.requests.append((self.headers.get("Host", ""), key))
                seen = site.requested(key) if self.headers.get("Host") == f"127.0.0.1:{site.port}" else 0
            response = site.responses.get(key)
            if response is None:
                status = 403 if path.path.startswith(DISALLOWED) else 404
                response = Response(status, "text/plain; charset=utf-8", f"{status}\n".encode())
            elif response.behaviour == "busy" and seen == 1:
                response = Response(503, "text/plain; charset=utf-8", b"503 Service Unavailable\n")
            elif response.behaviour == "slow" and site._stopping.wait(SLOW_SECONDS):
                return
            self._send(response)

        def _send(self, response: Response):
            try:
                self.send_response(response.status)
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                if response.location:
                    self.send_header("Location", response.location)
                if response.status == 200:
                    self.send_header("ETag", '"' + hashlib.sha256(response.body).hexdigest() + '"')
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up on a slow page: that is the point of it

        def log_message(self, format, *args):
            pass

    return Handler
