"""Crawl one source in a child process and return its FetchRecords.

Scrapy's Twisted reactor cannot be restarted in a process, so every crawl gets a fresh
Python: `python -m shahrnameh.spiders.crawl` is that child's entry point.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from shahrnameh.spiders.records import FetchRecord
from shahrnameh.spiders.sources import Source

_STDERR_TAIL_LINES = 20


class CrawlError(RuntimeError):
    """The crawl's child process died or timed out; the message carries its last stderr lines."""


def crawl_source(source: Source, archive_root: Path, *, run_id: int, settings_overrides: dict | None = None,
                 timeout_s: float = 1800) -> list[FetchRecord]:
    archive_root = Path(archive_root).resolve()
    archive_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shahrnameh-crawl-") as scratch:
        records_path = Path(scratch) / "records.jsonl"
        command = [
            sys.executable, "-m", "shahrnameh.spiders.crawl",
            "--source", json.dumps(source.to_json(), ensure_ascii=False),
            "--archive-root", str(archive_root), "--run-id", str(run_id),
            "--records", str(records_path),
            "--settings", json.dumps(settings_overrides or {}),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired as error:
            raise CrawlError(f"crawl of {source.name} timed out after {timeout_s:.0f} s:\n"
                             f"{_tail(error.stderr)}") from error
        if done.returncode != 0:
            raise CrawlError(f"crawl of {source.name} exited with {done.returncode}:\n{_tail(done.stderr)}")
        if not records_path.exists():
            return []
        with records_path.open(encoding="utf-8") as lines:
            return [FetchRecord(**json.loads(line)) for line in lines if line.strip()]


def _tail(stderr) -> str:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    return "\n".join((stderr or "").splitlines()[-_STDERR_TAIL_LINES:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl one source (used by crawl_source).")
    parser.add_argument("--source", required=True, help="the Source as JSON")
    parser.add_argument("--archive-root", required=True)
    parser.add_argument("--run-id", required=True, type=int)
    parser.add_argument("--records", required=True, help="FetchRecords are appended here as JSONL")
    parser.add_argument("--settings", default="{}", help="Scrapy setting overrides as JSON")
    args = parser.parse_args(argv)

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from shahrnameh.spiders.news import NewsSpider
    from shahrnameh.spiders.settings import crawl_settings

    source = Source.from_json(json.loads(args.source))
    Path(args.records).touch()
    process = CrawlerProcess(crawl_settings(source, json.loads(args.settings)))
    crawler = process.create_crawler(NewsSpider)
    # Scrapy logs a bug in a callback or pipeline and carries on: the parent must hear of it.
    bugs: list[str] = []

    def on_spider_error(failure, response, spider):
        bugs.append(f"callback failed on {response.url}: {failure.getErrorMessage()}")

    def on_item_error(item, response, spider, failure):
        bugs.append(f"pipeline failed on {getattr(item, 'url', item)}: {failure.getErrorMessage()}")

    crawler.signals.connect(on_spider_error, signal=signals.spider_error)
    crawler.signals.connect(on_item_error, signal=signals.item_error)
    started = process.crawl(crawler, source_json=args.source, archive_root=args.archive_root,
                            run_id=args.run_id, records_path=args.records)
    started.addErrback(lambda failure: bugs.append(f"crawl failed: {failure.getErrorMessage()}"))
    process.start()
    if bugs:
        print("\n".join(["crawl finished with errors:", *bugs[-10:]]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
