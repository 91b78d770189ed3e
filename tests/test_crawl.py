"""Real crawls of the local demo site through crawl_source (a Scrapy child process each)."""

import time
from collections import Counter

import pytest

from conftest import CORPUS
from shahrnameh.demosite import DemoSite, Page
from shahrnameh.flows.settings import DEMO_SOURCES
from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.crawl import CrawlError, crawl_source
from shahrnameh.spiders.sources import Source, load_sources

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def crawl_all(site, archive_root, run_id):
    records, started = [], time.monotonic()
    for source in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url}):
        records += crawl_source(source, archive_root, run_id=run_id, settings_overrides=FAST, timeout_s=120)
    return records, time.monotonic() - started


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    archive_root = tmp_path_factory.mktemp("archive")
    with DemoSite() as site:
        first, first_seconds = crawl_all(site, archive_root, 1)
        requests_after_first = len(site.requests)
        second, second_seconds = crawl_all(site, archive_root, 2)
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
    articles = [r for r in second if r.role == "article" and r.status is not None]
    assert len(articles) == 88
    assert {(r.outcome, r.status) for r in articles} == {("unchanged", 304)}
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
        crawl_source(cityhall, tmp_path, run_id=1, settings_overrides=FAST, timeout_s=120)
        path = next(p for p in site.pages if p.startswith("/cityhall/"))
        old = site.pages[path]
        # The same page with one paragraph dropped: a real edit of the real text.
        edited = old.body.replace(old.body[old.body.index(b"<p>"):old.body.index(b"</p>") + 4], b"", 1)
        site.pages[path] = Page(200, old.content_type, edited)
        records = crawl_source(cityhall, tmp_path, run_id=2, settings_overrides=FAST, timeout_s=120)
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
