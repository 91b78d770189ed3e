"""What the spider hands to the item pipelines: one fetch, with or without a response."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    source: str
    url: str
    requested_url: str
    role: str
    fetched_at: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_type: str | None = None
    encoding: str | None = None
    error: str | None = None
    blocked: bool = False
    # Why the URL was not requested at all (its sitemap lastmod); then `previous` is its body.
    not_requested: str | None = None
    # The archive index's entry for this URL before this fetch (records.KNOWN_FIELDS; set by the
    # archive pipeline, or by the spider for a URL not requested).
    previous: dict | None = None
    archive_path: str | None = None
    archive_offset: int | None = None
    sha256: str | None = None
