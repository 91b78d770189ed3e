"""Item pipelines: archive the response, then turn the fetch into a FetchRecord (a line of the
records file, or in memory for a crawl in the caller's process)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.pages import FetchedPage
from shahrnameh.spiders.records import FetchRecord, known_fetch


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.archive = Archive(Path(spider.archive_root), run_id=spider.run_id)
        self.known = spider.known

    def close_spider(self, spider=None):
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: FetchedPage, spider=None) -> FetchedPage:
        if item.status is None:
            return item
        item.previous = self.known.get(item.url)
        item.archive_path, item.archive_offset, item.sha256 = self.archive.write_response(
            item.source, item.url, item.status, item.headers, item.body, item.fetched_at, role=item.role,
            encoding=item.encoding, previous=item.previous)
        return item


class FetchRecordPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stream = None
        self.records: list[FetchRecord] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.known = spider.known
        self.records = spider.records
        if self.records is None:
            self.stream = open(spider.records_path, "a", encoding="utf-8")

    def close_spider(self, spider=None):
        if self.stream is not None:
            self.stream.close()

    def process_item(self, item: FetchedPage, spider=None) -> FetchedPage:
        record = fetch_record(item)
        entry = known_fetch(record)
        if entry is not None:  # later fetches of this crawl see it, as the next crawl will
            self.known[record.url] = entry
        if self.records is not None:
            self.records.append(record)
            return item
        self.stream.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
        self.stream.flush()
        return item


def fetch_record(item: FetchedPage) -> FetchRecord:
    archive_path, offset, sha256 = item.archive_path, item.archive_offset, item.sha256
    length = len(item.body) if item.status is not None else None
    content_type, encoding = item.content_type, item.encoding
    error = item.error
    header = {name.lower(): value for name, value in item.headers}
    if item.not_requested and item.previous:
        # Not fetched: the last archived body stands, as after a 304.
        outcome = "unchanged"
        archive_path, offset = item.previous["archive_path"], item.previous["offset"]
        sha256, length = item.previous["sha256"], item.previous["length"]
        content_type, encoding = item.previous["content_type"], item.previous["encoding"]
    elif error:
        outcome = "blocked" if item.blocked else "failed"
    elif item.status == 304:
        if item.previous is None:
            outcome, error = "failed", "304 Not Modified for a URL with no archived copy"
        else:
            # Not modified: the body is the one archived last time.
            outcome = "unchanged"
            archive_path, offset = item.previous["archive_path"], item.previous["offset"]
            sha256, length = item.previous["sha256"], item.previous["length"]
            content_type, encoding = item.previous["content_type"], item.previous["encoding"]
    elif item.previous is None:
        outcome = "new"
    else:
        outcome = "unchanged" if item.previous["sha256"] == sha256 else "changed"
    return FetchRecord(
        source=item.source, url=item.url, requested_url=item.requested_url, role=item.role,
        outcome=outcome, status=item.status, fetched_at=item.fetched_at,
        content_type=content_type, encoding=encoding, sha256=sha256,
        archive_path=archive_path, archive_offset=offset, length=length, error=error,
        etag=header.get("etag"), last_modified=header.get("last-modified"),
    )
