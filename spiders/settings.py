"""Crawl policy: polite by default; the demo and tests relax only the delays."""

from __future__ import annotations

import pickle

from scrapy.settings import Settings

from shahrnameh.spiders.sources import Source

USER_AGENT = "Shahrnameh/0.1 (+https://github.com/shahrnameh/shahrnameh; municipal news research crawler)"

BASE_SETTINGS: dict = {
    "BOT_NAME": "shahrnameh",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 2.0,
    "AUTOTHROTTLE_MAX_DELAY": 60.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 2.0,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    # A URL given up on is a FetchRecord "failed", not a crawl error.
    "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
    # Seconds before retry n is 2**(n-1) times this (see middlewares.RetryBackoffMiddleware).
    "RETRY_BACKOFF_BASE": 5.0,
    "RETRY_BACKOFF_MAX": 120.0,
    "REDIRECT_ENABLED": True,
    "REDIRECT_MAX_TIMES": 5,
    # A meta refresh on a news site is usually a bot wall or a portal hop: record the page itself.
    "METAREFRESH_ENABLED": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    # Our pipelines write synchronously, so parallel item processing buys nothing, and
    # Scrapy 2.19 starts CONCURRENT_ITEMS asyncio tasks for every callback's output:
    # with the default 100 that was most of the CPU of a run in which nothing changed.
    "CONCURRENT_ITEMS": 4,
    # Scrapy 2.19's control server: a crawl has no business listening on a port.
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
    # The run's status board is counted from FetchRecords (ingest/steps.py); Scrapy's own
    # counters, updated several times per request, were read by nobody and were a tenth of
    # the CPU of a crawl answered by 304s.
    "STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector",
    "DOWNLOADER_MIDDLEWARES": {
        "shahrnameh.spiders.middlewares.RetryBackoffMiddleware": 560,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
        # Above RedirectMiddleware (600) so it sees a 3xx before the redirect is followed.
        "shahrnameh.spiders.middlewares.OffsiteRedirectMiddleware": 650,
    },
    # Components that do nothing for this crawl, yet cost every request or item a call (the
    # cost that matters on a night when most answers are 304, benchmarks/second_run.py):
    # a source's depth is its own max_depth (news.py), not Scrapy's, which only counted;
    # MetaCopyDetection and the generator-return check (an AST parse of each callback's source
    # per crawl) warn a spider's author; no source logs in.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    },
    "ITEM_PIPELINES": {
        "shahrnameh.spiders.pipelines.ArchivePipeline": 100,
        "shahrnameh.spiders.pipelines.FetchRecordPipeline": 200,
    },
}


def crawl_settings(source: Source, overrides: dict | None = None) -> dict:
    """The policy for one source: the polite base, the run's overrides, then the source's own
    `settings:` from sources.yaml (the most specific wins)."""
    settings = dict(BASE_SETTINGS)
    # robots.txt is fetched twice (once archived, once by the robots middleware): not pages.
    settings["CLOSESPIDER_PAGECOUNT"] = source.max_pages + 2
    settings.update(overrides or {})
    settings.update(dict(source.settings))
    return settings


class CrawlSettings(Settings):
    """Scrapy's Settings, copied faster. Setting a crawl up copies its settings twice with
    copy.deepcopy, pure Python over some 2,400 objects (4.6 ms a copy here); they are plain
    data, which pickle copies four times faster. In a night when nothing changed, set-up is a
    good part of a source's crawl (benchmarks/second_run.py)."""

    def copy(self) -> CrawlSettings:
        return pickle.loads(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
