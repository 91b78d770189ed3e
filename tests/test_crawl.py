"""Real crawls of the local demo site through crawl_source (a Scrapy child process each)."""

import time
from dataclasses import replace
from collections import Counter

import pytest

from conftest import CORPUS
from shahrnameh.demo.site import DemoSite, Page
from shahrnameh.flows.settings import DEMO_SOURCES
from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.crawl import CrawlError, crawl_source
from shahrnameh.spiders.records import known_after
from shahrnameh.spiders.sources import Source, load_sources

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def crawl_all(site, archive_root, run_id, known):
    """Every demo source crawled, knowing what the earlier crawls downloaded (`known`, per
    source, updated as the core updates the warehouse's archive index)."""
    records, started = [], time.monotonic()
    for source in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url}):
        crawled = crawl_source(source, archive_root, run_id=run_id, known=known.get(source.name),
                               settings_overrides=FAST, timeout_s=120)
        known[source.name] = known_after(crawled, known.get(source.name))
        records += crawled
    return records, time.monotonic() - started


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    archive_root = tmp_path_factory.mktemp("archive")
    with DemoSite() as site:
        known = {}
        first, first_seconds = crawl_all(site, archive_root, 1, known)
        requests_after_first = len(site.requests)
        second, second_seconds = crawl_all(site, archive_root, 2, known)
        yield {"site": site, "archive": archive_root, "first": first, "second": second,
               "seconds": (first_seconds, second_seconds),
               "second_requests": site.requests[requests_after_first:]}


@pytest.mark.slow
def test_every_article_is_found_with_the_right_roles(two_crawls):
    site, first = two_crawls["site"], two_crawls["first"]
    assert max(two_crawls["seconds"]) < 45
    fetched = {r.url for r in first if r.role == "article" and r.status == 200}
    assert fetched == set(site.article_urls())
    assert len(fetched) == 7 + 68 + 3 + 8 + 2
    roles = Counter((r.source, r.role) for r in first if r.status is not None)
    assert roles[("demo-cityhall", "sitemap")] == 1 and roles[("demo-dari", "feed")] == 1
    assert roles[("demo-news", "listing")] == 2 and roles[("demo-news", "robots")] == 1
    assert {r.outcome for r in first if r.role == "article" and r.status == 200} == {"new"}
    assert all(r.sha256 and r.archive_path and r.archive_offset is not None for r in first if r.status == 200)


@pytest.mark.slow
def test_robots_disallow_and_offsite_redirect_are_blocked_not_fetched(two_crawls):
    site, first = two_crawls["site"], two_crawls["first"]
    assert not [path for path in site.requests if path.startswith("/private/")]
    blocked = {r.url: r.error for r in first if r.outcome == "blocked"}
    assert set(blocked) == {site.base_url + "/private/drafts.html", site.base_url + "/news/shiraz-portal.html"}
    assert "robots.txt" in blocked[site.base_url + "/private/drafts.html"]
    assert "offsite redirect to https://portal.shiraz.ir" in blocked[site.base_url + "/news/shiraz-portal.html"]


@pytest.mark.slow
def test_archived_bodies_are_the_served_pages(two_crawls):
    archive = Archive(two_crawls["archive"])
    by_url = {r.url: r for r in two_crawls["first"]}
    record = by_url[two_crawls["site"].base_url + "/dari/article_7163944.html"]
    served = (CORPUS / "html" / "voa-dari" / "article_7163944.html").read_bytes()
    assert archive.read_body(record.archive_path, record.archive_offset) == served
    assert record.encoding == "utf-8" and record.length == len(served)


@pytest.mark.slow
def test_second_crawl_is_all_unchanged_and_downloads_no_article_body(two_crawls):
    first = {r.url: r for r in two_crawls["first"]}
    second = two_crawls["second"]
    articles = [r for r in second if r.role == "article" and r.outcome != "blocked"]
    assert len(articles) == 88
    # Sitemap pages (lastmod older than the download): not even asked for; the others: 304.
    assert {(r.outcome, r.status) for r in articles if r.source == "demo-cityhall"} == {("unchanged", None)}
    assert {(r.outcome, r.status) for r in articles if r.source != "demo-cityhall"} == {("unchanged", 304)}
    assert not [p for p in two_crawls["second_requests"] if p.startswith("/cityhall/")]
    for record in articles:  # pointing at the bodies archived by the first crawl, read the same way
        before = first[record.url]
        assert (record.archive_path, record.archive_offset, record.sha256, record.length) == (
            before.archive_path, before.archive_offset, before.sha256, before.length)
        assert (record.content_type, record.encoding) == (before.content_type, before.encoding)
    assert {r.outcome for r in second if r.role != "article"} == {"unchanged"}
    archive = Archive(two_crawls["archive"])
    sample = articles[0]
    assert archive.read_body(sample.archive_path, sample.archive_offset)
    assert not [p for p in two_crawls["second_requests"] if p.startswith("/private/")]


@pytest.mark.slow
def test_changed_page_is_fetched_again_and_reported_changed(tmp_path):
    with DemoSite() as site:
        base = site.base_url
        [cityhall] = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                      if s.name == "demo-cityhall"]
        known = known_after(crawl_source(cityhall, tmp_path, run_id=1, settings_overrides=FAST, timeout_s=120))
        path = next(p for p in site.pages if p.startswith("/cityhall/"))
        old = site.pages[path]
        # The same page with one paragraph dropped: a real edit of the real text.
        edited = old.body.replace(old.body[old.body.index(b"<p>"):old.body.index(b"</p>") + 4], b"", 1)
        site.pages[path] = Page(200, old.content_type, edited)
        # As a site does when it edits a page: its sitemap lastmod moves (else it is not even asked for).
        sitemap = site.pages["/sitemap.xml"]
        entry = f"<loc>{base}{path}</loc><lastmod>".encode()
        start = sitemap.body.index(entry) + len(entry)
        site.pages["/sitemap.xml"] = Page(200, sitemap.content_type, sitemap.body[:start] + b"2099-01-01T00:00:00Z"
                                          + sitemap.body[sitemap.body.index(b"</lastmod>", start):])
        records = crawl_source(cityhall, tmp_path, run_id=2, known=known, settings_overrides=FAST, timeout_s=120)
    outcomes = {r.url.removeprefix(base): r.outcome for r in records if r.role == "article"}
    assert outcomes.pop(path) == "changed"
    assert set(outcomes.values()) == {"unchanged"}
    [changed] = [r for r in records if r.url.endswith(path)]
    assert Archive(tmp_path).read_body(changed.archive_path, changed.archive_offset) == edited


def test_unreachable_site_gives_failed_records_not_a_crash(tmp_path):
    with DemoSite() as site:
        dead_url = site.base_url
    source = Source("dead", (dead_url + "/news/",), ("127.0.0.1",))
    records = crawl_source(source, tmp_path, run_id=1, settings_overrides={**FAST, "RETRY_TIMES": 0}, timeout_s=60)
    assert {r.role for r in records} == {"robots", "listing"}
    assert {r.outcome for r in records} == {"failed"}
    assert all(r.status is None and "Connection" in r.error and "\n" not in r.error for r in records)


def test_dying_child_process_raises_crawl_error_with_its_stderr(tmp_path):
    source = Source("broken", ("http://127.0.0.1:9/",), ("127.0.0.1",))
    with pytest.raises(CrawlError, match=r"broken exited with 1[\s\S]*No module named 'no'"):
        crawl_source(source, tmp_path, run_id=1, settings_overrides={"ITEM_PIPELINES": {"no.such.Pipeline": 1}},
                     timeout_s=60)


# Discovery rules, on real pages where the corpus has them.

def spider(**source):
    import json

    from shahrnameh.spiders.news import NewsSpider
    return NewsSpider(source_json=json.dumps(Source(**source).to_json()), archive_root="unused-archive",
                      run_id=1, records_path="unused")


def test_listing_heuristic_picks_article_links_of_a_real_page(tmp_path, monkeypatch):
    from scrapy.http import HtmlResponse

    monkeypatch.chdir(tmp_path)
    body = (CORPUS / "html" / "persian-news" / "khabaronline-1353889.html").read_bytes()
    response = HtmlResponse("https://www.khabaronline.ir/news/1353889", body=body, encoding="utf-8")
    news = spider(name="k", start_urls=("https://www.khabaronline.ir/",), allowed_domains=("khabaronline.ir",))
    requests = [r for href in response.css("a::attr(href)").getall()
                for r in news._article_request(response.urljoin(href), from_listing=True)]
    urls = {r.url for r in requests}
    assert len(urls) > 20 and all("khabaronline.ir/news/" in u for u in urls)
    # the percent-encoded form, as Scrapy requests it and the archive indexes it
    assert "https://www.khabaronline.ir/news/1353788/%D9%81%D8%B1%D8%A7%DA%A9%D8%B3%DB%8C%D9%88%D9%86-%D8%B2%D9%86%D8%A7%D9%86-%D8%B4%D9%88%D8%B1%D8%A7%DB%8C-%D8%B4%D9%87%D8%B1-%D8%A8%D8%A7-%D9%87%D8%AF%D9%81-%D8%B4%D9%86%D8%A7%D8%B3%D8%A7%DB%8C%DB%8C-%D8%B2%D9%86%D8%A7%D9%86-%D8%AA%D9%88%D8%A7%D9%86%D9%85%D9%86%D8%AF-%D8%B4%D9%87%D8%B1%D8%AF%D8%A7%D8%B1%DB%8C-%D8%AA%D8%B4%DA%A9%DB%8C%D9%84" in urls
    tagged = spider(name="k", start_urls=("https://www.khabaronline.ir/",), allowed_domains=("khabaronline.ir",),
                    article_url_pattern=r"/news/1353788/")
    assert len({r.url for href in response.css("a::attr(href)").getall()
                for r in tagged._article_request(response.urljoin(href), from_listing=True)}) == 1


def test_kind_detection_by_content_not_by_name():
    from shahrnameh.spiders.news import _detect, _feed_links, _locs

    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://www.isna.ir/sitemap/1.xml</loc></sitemap></sitemapindex>")
    kind, root = _detect(index)
    assert kind == "sitemapindex" and _locs(root, "sitemap") == ["https://www.isna.ir/sitemap/1.xml"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b'<link rel="enclosure" href="https://www.isna.ir/a.jpg"/>'
            b'<link href="https://www.isna.ir/news/1403022918"/></entry></feed>')
    kind, root = _detect(atom)
    assert kind == "feed" and _feed_links(root) == ["https://www.isna.ir/news/1403022918"]
    page = (CORPUS / "html" / "voa-dari" / "article_7163944.html").read_bytes()
    assert _detect(page) == ("html", None)


def test_pagination_links():
    from scrapy.http import HtmlResponse

    from shahrnameh.spiders.news import _next_pages

    with DemoSite() as site:
        first = HtmlResponse(site.base_url + "/news/", body=site.pages["/news/"].body, encoding="utf-8")
        second = HtmlResponse(site.base_url + "/news/?page=2", body=site.pages["/news/?page=2"].body,
                              encoding="utf-8")
        assert _next_pages(first) == [site.base_url + "/news/?page=2"]
        assert _next_pages(second) == []
    rel_next = HtmlResponse("https://www.tabriz.ir/news?p=4", encoding="utf-8",
                            body=b'<link rel="next" href="/news?p=5"><a href="/news?p=3">3</a>')
    assert _next_pages(rel_next) == ["https://www.tabriz.ir/news?p=5"]


def test_policy_settings_and_overrides():
    from shahrnameh.spiders.settings import USER_AGENT, crawl_settings

    source = Source("tehran", ("https://www.tehran.ir/fa/news",), ("tehran.ir",), max_pages=50)
    polite = crawl_settings(source)
    assert polite["ROBOTSTXT_OBEY"] and polite["AUTOTHROTTLE_ENABLED"] and polite["DOWNLOAD_DELAY"] > 0
    assert polite["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2 and polite["DOWNLOAD_TIMEOUT"] == 30
    assert polite["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024 and polite["USER_AGENT"] == USER_AGENT
    assert 50 <= polite["CLOSESPIDER_PAGECOUNT"] <= 52
    assert crawl_settings(source, FAST)["DOWNLOAD_DELAY"] == 0


@pytest.mark.slow
def test_page_budget_and_size_limit_end_the_crawl_politely(tmp_path):
    with DemoSite() as site:
        dari, news = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                      if s.name in ("demo-dari", "demo-news")]
        few = crawl_source(replace(dari, max_pages=10), tmp_path / "a", run_id=1, settings_overrides={**FAST, "CONCURRENT_REQUESTS": 1,
                                                                                 "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
        small = crawl_source(news, tmp_path / "b", run_id=1, settings_overrides={**FAST, "DOWNLOAD_MAXSIZE": 100_000})
    assert 8 <= len([r for r in few if r.status is not None]) <= 14
    too_big = {r.url.rsplit("/", 1)[-1]: r for r in small if r.outcome == "failed"}
    assert "yjc-7349926.html" in too_big and "khabaronline-1353889.html" in too_big
    assert "aryanews-120200622120908039.html" not in too_big  # 74 KB: under the limit
    assert all(r.status is None and r.sha256 is None and "\n" not in r.error for r in too_big.values())
    assert all("larger than download max size" in r.error for r in too_big.values())


@pytest.mark.slow
def test_retries_back_off(tmp_path):
    with DemoSite() as site:
        dead_url = site.base_url
    source = Source("dead", (dead_url + "/news/",), ("127.0.0.1",))
    started = time.monotonic()
    records = crawl_source(source, tmp_path, run_id=1, timeout_s=60,
                           settings_overrides={**FAST, "RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": 0.75})
    # Retries wait 0.75 s then 1.5 s; the listing waits for the robots.txt lookup, which retries
    # too: 4.5 s at least. Without backoff the whole child takes about 2 s.
    assert time.monotonic() - started >= 4.5
    assert {r.outcome for r in records} == {"failed"}


@pytest.mark.parametrize("lastmod, downloaded, unchanged", [
    ("2025-03-01", "2025-03-02T00:00:00Z", True),
    ("2025-03-02", "2025-03-02T23:00:00Z", False),   # a bare date: it may have changed later that day
    ("2025-03-02T10:00:00+03:30", "2025-03-02T07:00:00Z", True),
    ("2025-03-02T10:00:00+03:30", "2025-03-02T06:00:00Z", False),
    ("2025-03-02T10:00:00", "2025-03-02T10:00:00Z", True),   # no zone: UTC
    (None, "2025-03-02T00:00:00Z", False),
    ("yesterday", "2025-03-02T00:00:00Z", False),
])
def test_sitemap_lastmod_against_the_last_download(lastmod, downloaded, unchanged, monkeypatch):
    from datetime import datetime, timezone

    from shahrnameh.spiders import news

    monkeypatch.setattr(news, "datetime", type("FrozenNow", (datetime,), {
        "now": classmethod(lambda cls, tz=None: datetime(2025, 3, 10, tzinfo=timezone.utc))}))
    assert news._unchanged_since(lastmod, downloaded) is unchanged
    # Trusted for LASTMOD_TRUST_DAYS only: then a conditional request checks the page anyway.
    monkeypatch.setattr(news, "datetime", type("FrozenLater", (datetime,), {
        "now": classmethod(lambda cls, tz=None: datetime(2025, 5, 1, tzinfo=timezone.utc))}))
    assert news._unchanged_since(lastmod, downloaded) is False


def test_gzipped_sitemap_is_read(tmp_path, monkeypatch):
    import gzip

    from scrapy.http import Request, Response
    from scrapy.settings import Settings

    monkeypatch.chdir(tmp_path)
    with DemoSite() as site:
        sitemap = site.pages["/sitemap.xml"].body
        news = spider(name="c", start_urls=(site.base_url + "/sitemap.xml.gz",), allowed_domains=("127.0.0.1",))
        news.settings = Settings({"DOWNLOAD_MAXSIZE": 10_000_000})
        url = site.base_url + "/sitemap.xml.gz"
        response = Response(url, body=gzip.compress(sitemap), request=Request(url, meta={"role": "sitemap"}))
        out = list(news.parse_start(response))
    assert out[0].role == "sitemap"
    assert len([r for r in out[1:] if r.meta["role"] == "article"]) == 7


def test_in_process_crawls_run_again_and_side_by_side_on_one_reactor(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with DemoSite() as site:
        sources = {s.name: s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})}
        cityhall, news = sources["demo-cityhall"], sources["demo-news"]
        first = crawl_source(cityhall, tmp_path, run_id=1, settings_overrides=FAST, isolated=False, timeout_s=120)
        # Two threads at once, as the nightly flow's task runner does, and a second crawl of one source.
        with ThreadPoolExecutor(2) as pool:
            again, other = pool.map(lambda s: crawl_source(s, tmp_path, run_id=2, known=known_after(first)
                                                           if s is cityhall else None, settings_overrides=FAST,
                                                           isolated=False, timeout_s=120), (cityhall, news))
    assert {r.outcome for r in first if r.role == "article"} == {"new"}
    assert {(r.outcome, r.status) for r in again if r.role == "article"} == {("unchanged", None)}  # lastmod
    assert len([r for r in other if r.role == "article" and r.status is not None]) >= 10
    with pytest.raises(CrawlError, match=r"crawl of broken finished with errors:[\s\S]*No module named 'no'"):
        crawl_source(Source("broken", ("http://127.0.0.1:9/",), ("127.0.0.1",)), tmp_path, run_id=3,
                     settings_overrides={"ITEM_PIPELINES": {"no.such.Pipeline": 1}}, isolated=False, timeout_s=60)
