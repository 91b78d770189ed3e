"""The records the crawl produces: one per fetched URL, pointing into the raw archive."""

from __future__ import annotations

from dataclasses import dataclass

# What the spider took a URL to be when it requested it.
ROLES = ("robots", "sitemap", "feed", "listing", "article", "report", "document")

# How a fetch ended.
OUTCOMES = (
    "new",          # a body not archived before for this URL
    "changed",      # a body different from the last archived one for this URL
    "unchanged",    # same body as before (or 304 Not Modified)
    "failed",       # HTTP error, timeout, DNS, too large, ...
    "blocked",      # bot challenge, robots.txt disallowed, offsite redirect
)


@dataclass(frozen=True)
class FetchRecord:
    """One fetched URL. Everything needed to find its raw bytes again without the network."""

    source: str                 # the source's name in sources.yaml
    url: str                    # the URL finally answered (after redirects)
    requested_url: str
    role: str                   # one of ROLES
    outcome: str                # one of OUTCOMES
    status: int | None          # HTTP status; None when no response came
    fetched_at: str             # ISO 8601 UTC timestamp
    content_type: str | None
    encoding: str | None        # the charset the body was decoded with
    sha256: str | None          # of the raw body; None when there is no body
    archive_path: str | None    # WARC file, relative to the archive root
    archive_offset: int | None  # byte offset of the WARC response record
    length: int | None          # body length in bytes
    error: str | None           # a one-line reason when outcome is failed/blocked
