"""The records the crawl produces: one per fetched URL, pointing into the raw archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
    # The response's validators, for the next crawl's conditional request (If-None-Match,
    # If-Modified-Since); kept in the archive index for 2xx responses.
    etag: str | None = None
    last_modified: str | None = None


# What the archive index knows of a URL a source downloaded before (a dict with these keys, the
# "previous" of a fetch): its last 2xx body, where the archive has it, and the validators.
KNOWN_FIELDS = ("sha256", "etag", "last_modified", "archive_path", "offset", "length", "fetched_at",
                "content_type", "encoding")
# url → its known fetch: what the core hands a crawl, read from the warehouse's archive index.
KnownFetches = dict[str, dict]


def known_fetch(record: FetchRecord) -> dict | None:
    """The archive index's entry a fetch makes: only a downloaded 2xx body is "the last version"
    of its URL (an error page is archived but is not; a 304 leaves the entry as it was)."""
    if record.status is None or not 200 <= record.status < 300 or record.sha256 is None \
            or record.archive_path is None or record.outcome in ("failed", "blocked"):
        return None
    return {"sha256": record.sha256, "etag": record.etag, "last_modified": record.last_modified,
            "archive_path": record.archive_path, "offset": record.archive_offset, "length": record.length,
            "fetched_at": record.fetched_at, "content_type": record.content_type, "encoding": record.encoding}


def known_after(records, known: KnownFetches | None = None) -> KnownFetches:
    """The known fetches after these records (in crawl order), starting from `known`."""
    known = dict(known or {})
    for record in records:
        entry = known_fetch(record)
        if entry is not None:
            known[record.url] = entry
    return known


def newest(known: KnownFetches, other: KnownFetches) -> KnownFetches:
    """Both, the later download of a URL known to both."""
    merged = dict(known)
    for url, entry in other.items():
        if url not in merged or _when(entry) > _when(merged[url]):
            merged[url] = entry
    return merged


def _when(entry: dict) -> datetime:
    return datetime.fromisoformat(str(entry["fetched_at"]).replace("Z", "+00:00"))
