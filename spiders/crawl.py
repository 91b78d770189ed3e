"""Crawl one source and return its FetchRecords: in a child process, or on a shared reactor thread.

Scrapy's Twisted reactor cannot be restarted in a process. Two ways around it:
- isolated (the default of crawl_source): every crawl gets a fresh Python,
  `python -m shahrnameh.spiders.crawl`; a crash or leak in a crawl dies with its child.
  It costs a Python start and Scrapy's imports per source, 2-5 s each.
- in process: one reactor runs for the life of the process in a daemon thread, and every
  crawl (from any thread, several at once) is scheduled on it. No per-crawl start-up, which
  is most of a nightly run in which nothing changed (benchmarks/second_run.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from shahrnameh.spiders.records import FetchRecord, KnownFetches
from shahrnameh.spiders.sources import Source

_STDERR_TAIL_LINES = 20


class CrawlError(RuntimeError):
    """The crawl's child process died or timed out; the message carries its last stderr lines."""


def crawl_source(source: Source, archive_root: Path, *, run_id: int, known: KnownFetches | None = None,
                 settings_overrides: dict | None = None, timeout_s: float = 1800,
                 isolated: bool | None = True) -> list[FetchRecord]:
    """The source's FetchRecords; `isolated` None: on the shared reactor thread when this
    process can host it, else in a child process. `known`: what the archive index knows of
    the source's URLs (conditional requests, unchanged bodies not written twice); nothing
    known, every page is downloaded as new."""
    archive_root = Path(archive_root).resolve()
    archive_root.mkdir(parents=True, exist_ok=True)
    if isolated is None:
        isolated = not _in_process_possible()
    if not isolated:  # the records are handed over in memory
        return _crawl_in_process(source, archive_root, run_id, known or {}, settings_overrides or {}, timeout_s)
    with tempfile.TemporaryDirectory(prefix="shahrnameh-crawl-") as scratch:
        records_path = Path(scratch) / "records.jsonl"
        known_path = Path(scratch) / "known.json"
        known_path.write_text(json.dumps(known or {}, ensure_ascii=False), encoding="utf-8")
        command = [
            sys.executable, "-m", "shahrnameh.spiders.crawl",
            "--source", json.dumps(source.to_json(), ensure_ascii=False),
            "--archive-root", str(archive_root), "--run-id", str(run_id),
            "--records", str(records_path), "--known", str(known_path),
            "--settings", json.dumps(settings_overrides or {}),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired as error:
            raise CrawlError(f"crawl of {source.name} timed out after {timeout_s:.0f} s:\n"
                             f"{_tail(error.stderr)}") from error
        if done.returncode != 0:
            raise CrawlError(f"crawl of {source.name} exited with {done.returncode}:\n{_tail(done.stderr)}")
        return _read_records(records_path)


def _read_records(records_path: Path) -> list[FetchRecord]:
    if not records_path.exists():
        return []
    with records_path.open(encoding="utf-8") as lines:
        return [FetchRecord(**json.loads(line)) for line in lines if line.strip()]


_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
_reactor_lock = threading.Lock()
_reactor_ready: threading.Event | None = None
_reactor_failure: list[BaseException] = []


def prepare_in_process() -> bool:
    """Starts the shared reactor and imports the crawl's modules ahead of the first crawl,
    for a process that will crawl in process; False when it cannot host the reactor."""
    if not _in_process_possible():
        return False
    from scrapy.crawler import CrawlerRunner  # noqa: F401
    from shahrnameh.spiders.news import NewsSpider  # noqa: F401
    return True


def _in_process_possible() -> bool:
    try:
        _reactor()
    except CrawlError:
        return False
    return True


def _reactor():
    """The process's reactor, running in its own daemon thread (started on first use)."""
    global _reactor_ready
    with _reactor_lock:
        if _reactor_ready is None:
            _reactor_ready = threading.Event()

            def run() -> None:
                try:
                    # Installed in this thread, so the asyncio loop it drives is this thread's own.
                    from scrapy.utils.reactor import install_reactor, is_asyncio_reactor_installed
                    if "twisted.internet.reactor" not in sys.modules:
                        install_reactor(_REACTOR)
                    elif not is_asyncio_reactor_installed():
                        raise CrawlError("another Twisted reactor is installed in this process")
                    from twisted.internet import reactor
                    if reactor.running:
                        raise CrawlError("a Twisted reactor already runs in this process")
                    # The crawl's own log lines are for its child process; here only errors,
                    # since every failed URL is a FetchRecord anyway.
                    logging.getLogger("scrapy").setLevel(logging.ERROR)
                    reactor.callWhenRunning(_reactor_ready.set)
                    reactor.run(installSignalHandlers=False)
                except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                    _reactor_failure.append(error)
                    _reactor_ready.set()

            threading.Thread(target=run, name="shahrnameh-reactor", daemon=True).start()
    _reactor_ready.wait()
    if _reactor_failure:
        raise CrawlError(f"the crawl reactor could not start: {_reactor_failure[0]}")
    from twisted.internet import reactor
    return reactor


def _crawl_in_process(source: Source, archive_root: Path, run_id: int, known: KnownFetches, overrides: dict,
                      timeout_s: float) -> list[FetchRecord]:
    reactor = _reactor()
    records: list[FetchRecord] = []  # filled on the reactor thread, read once the crawl is done
    done = threading.Event()
    outcome: dict = {"bugs": []}

    def start() -> None:
        from scrapy import signals
        from scrapy.crawler import CrawlerRunner

        from shahrnameh.spiders.news import NewsSpider
        from shahrnameh.spiders.settings import CrawlSettings, crawl_settings

        try:
            runner = CrawlerRunner(CrawlSettings({**crawl_settings(source, overrides), "TWISTED_REACTOR": _REACTOR}))
            crawler = runner.create_crawler(NewsSpider)
            outcome["crawler"] = crawler
            crawler.signals.connect(lambda failure, response, spider: outcome["bugs"].append(
                f"callback failed on {response.url}: {failure.getErrorMessage()}"), signal=signals.spider_error,
                weak=False)
            crawler.signals.connect(lambda item, response, spider, failure: outcome["bugs"].append(
                f"pipeline failed on {getattr(item, 'url', item)}: {failure.getErrorMessage()}"),
                signal=signals.item_error, weak=False)
            finished = runner.crawl(crawler, source_json=json.dumps(source.to_json(), ensure_ascii=False),
                                    archive_root=str(archive_root), run_id=run_id, records=records,
                                    known=known)
        except Exception as error:  # a bad setting or pipeline: the caller hears of it
            outcome["bugs"].append(f"crawl failed: {type(error).__name__}: {error}")
            done.set()
            return
        finished.addErrback(lambda failure: outcome["bugs"].append(f"crawl failed: {failure.getErrorMessage()}"))
        finished.addBoth(lambda _: done.set())

    reactor.callFromThread(start)
    if not done.wait(timeout_s):
        crawler = outcome.get("crawler")
        if crawler is not None:
            reactor.callFromThread(crawler.stop)
        done.wait(60)
        raise CrawlError(f"crawl of {source.name} timed out after {timeout_s:.0f} s")
    if outcome["bugs"]:
        raise CrawlError("\n".join([f"crawl of {source.name} finished with errors:", *outcome["bugs"][-10:]]))
    return records


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
    parser.add_argument("--known", help="what the archive index knows of the source's URLs, a JSON file")
    parser.add_argument("--settings", default="{}", help="Scrapy setting overrides as JSON")
    args = parser.parse_args(argv)

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from shahrnameh.spiders.news import NewsSpider
    from shahrnameh.spiders.settings import CrawlSettings, crawl_settings

    source = Source.from_json(json.loads(args.source))
    Path(args.records).touch()
    process = CrawlerProcess(CrawlSettings(crawl_settings(source, json.loads(args.settings))))
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
                            run_id=args.run_id, records_path=args.records, known_path=args.known)
    started.addErrback(lambda failure: bugs.append(f"crawl failed: {failure.getErrorMessage()}"))
    process.start()
    if bugs:
        print("\n".join(["crawl finished with errors:", *bugs[-10:]]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
