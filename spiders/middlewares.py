"""Downloader middlewares the crawl policy needs and Scrapy does not ship."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater
from w3lib.url import safe_url_string


class OffsiteRedirect(IgnoreRequest):
    """A redirect out of the source's domains: the site is sending us away (blocked)."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL of the same chain: the page is broken (failed)."""


class RetryBackoffMiddleware:
    """Waits before a retried request, doubling each time, so a struggling server gets air."""

    def __init__(self, base: float, ceiling: float):
        self.base = base
        self.ceiling = ceiling

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("RETRY_BACKOFF_BASE"),
                   crawler.settings.getfloat("RETRY_BACKOFF_MAX"))

    async def process_request(self, request, spider=None):
        retries = request.meta.get("retry_times", 0)
        if retries and self.base > 0:
            # Imported here: importing the reactor at module level would install the default
            # one before Scrapy installs the asyncio reactor it is configured for.
            from twisted.internet import reactor

            delay = min(self.ceiling, self.base * 2 ** (retries - 1))
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None


class OffsiteRedirectMiddleware:
    """Drops a redirect that leaves the source's domains or loops, as an error the errback records.

    Scrapy would drop both silently at scheduling time: an offsite target by its offsite
    filter, the second visit of a loop by its duplicate filter. Neither would leave a trace.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(response.url, location.decode("latin-1"))
        host = (urlsplit(target).hostname or "").lower()
        domains = [d.lower() for d in getattr(self.crawler.spider, "allowed_domains", None) or []]
        if domains and not any(host == d or host.endswith("." + d) for d in domains):
            raise OffsiteRedirect(f"offsite redirect to {target}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if safe_url_string(target) in {safe_url_string(url) for url in chain}:
            raise RedirectLoop(f"redirect loop: {' -> '.join(chain)} -> {target}")
        return response
