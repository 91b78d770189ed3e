"""The archive's index lives in the warehouse (table archive_index, revision 0009).

Before it, the archive kept its own SQLite file, ARCHIVE/index.sqlite. An archive and
warehouse of that release are migrated: the warehouse gets its new table, the next run
imports the old file once, and nothing is downloaded again nor lost.
"""

import hashlib
import re
import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from shahrnameh import ingest
from shahrnameh.demo.site import DemoSite, Page
from shahrnameh.flows.settings import DEMO_CRAWL_SETTINGS, DEMO_SOURCES
from shahrnameh.ingest import steps as pipeline
from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.crawl import crawl_source
from shahrnameh.spiders.records import known_after
from shahrnameh.spiders.sources import load_sources
from shahrnameh.warehouse import archive_queries, db, queries

from test_migrations import _migrate
from test_warehouse import warehouse_url  # noqa: F401

# The index file's schema as spiders/archive.py made it up to commit a97e17a.
OLD_INDEX_SCHEMA = """
CREATE TABLE IF NOT EXISTS last_fetch (
    url TEXT PRIMARY KEY, sha256 TEXT NOT NULL, etag TEXT, last_modified TEXT,
    archive_path TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
    fetched_at TEXT NOT NULL, content_type TEXT, encoding TEXT);
CREATE TABLE IF NOT EXISTS bodies (
    url TEXT NOT NULL, sha256 TEXT NOT NULL, archive_path TEXT NOT NULL,
    offset INTEGER NOT NULL, record_id TEXT NOT NULL, warc_date TEXT NOT NULL,
    PRIMARY KEY (url, sha256));
"""
RUN_LOG_TABLES = {"runs", "run_sources", "alembic_version", "archive_index"}


def _run(db_url, archive, sources):
    """One run of every source through the core; its fetched pages and its sources' health."""
    run = ingest.start_run(db_url, archive, sources, crawl_settings=DEMO_CRAWL_SETTINGS)
    records, healths = [], []
    for source in run.sources:
        crawled = ingest.crawl_source(run, source)
        records += crawled
        healths.append(ingest.load(run, source.name, crawled))
    ingest.finish_run(run, [ingest.SourceOutcome(h.source, health=h) for h in healths])
    return records, healths


def _write_old_index(archive, records):
    """ARCHIVE/index.sqlite as the old archive wrote it during these crawls: per URL its last 2xx
    body (one index for all sources, the last writer winning), per (URL, body) its first record."""
    reader = Archive(archive)
    with closing(sqlite3.connect(archive / "index.sqlite")) as index:
        index.executescript(OLD_INDEX_SCHEMA)
        for url, entry in known_after(records).items():
            fetched_at = datetime.fromisoformat(entry["fetched_at"]).strftime("%Y-%m-%dT%H:%M:%SZ")
            index.execute("INSERT INTO last_fetch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (url, entry["sha256"], entry["etag"], entry["last_modified"], entry["archive_path"],
                           entry["offset"], entry["length"], fetched_at, entry["content_type"], entry["encoding"]))
        for record in records:
            if record.sha256 and record.status is not None and record.status != 304:
                fields = reader.record_headers(record.archive_path, record.archive_offset)
                if fields["WARC-Type"] == "response":
                    index.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?, ?, ?, ?, ?)",
                                  (record.url, record.sha256, record.archive_path, record.archive_offset,
                                   fields["WARC-Record-ID"], fields["WARC-Date"]))
        index.commit()
        return dict(((url, rest) for url, *rest in index.execute(
            "SELECT url, sha256, etag, archive_path, offset, encoding FROM last_fetch")))


def _data_counts(engine):
    return {t: n for t, n in queries.table_counts(engine).items() if t not in RUN_LOG_TABLES}


def test_an_archive_with_the_old_index_file_is_migrated_and_nothing_is_downloaded_again(
        warehouse_url, tmp_path, monkeypatch):  # noqa: F811
    archive = tmp_path / "archive"
    with DemoSite() as site:
        sources = load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
        first, _ = _run(warehouse_url, archive, sources)
        engine = db.connect(warehouse_url)
        before = _data_counts(engine)
        failures = queries.run_sql(engine, "SELECT stage, url, message FROM failures ORDER BY 1, 2, 3")
        # The same archive and warehouse as the release before revision 0009 left them.
        old_index = _write_old_index(archive, first)
        db.disconnect(warehouse_url)
        _migrate(warehouse_url, "0008", down=True)
        # Only the imported file may tell the crawl what it knows (all the WARC files could too).
        real = pipeline.known_in_warc_files
        monkeypatch.setattr(pipeline, "known_in_warc_files", lambda root, source, runs=None: real(root, source, runs)
                            if runs is not None else pytest.fail("all WARC files were read"))

        second, healths = _run(warehouse_url, archive, sources)
        engine = db.connect(warehouse_url)

    assert not (archive / "index.sqlite").exists() and (archive / "index.sqlite.imported").is_file()
    pages = [r for r in second if r.role in ("article", "report") and r.outcome != "blocked"]
    assert len(pages) >= 88
    # Nothing downloaded again: answered 304, or not even asked for (sitemap lastmod).
    assert {(r.outcome, r.status) for r in pages} <= {("unchanged", 304), ("unchanged", None)}
    assert sum(h.new + h.changed for h in healths) == 0
    # Nothing lost, nothing stored twice.
    assert _data_counts(engine) == before
    assert queries.run_sql(engine, "SELECT stage, url, message FROM failures ORDER BY 1, 2, 3") == failures
    # Each source knows every URL of its host, and its articles as the old file knew them (their
    # validators and bodies; robots.txt and sitemaps are asked for unconditionally, so they moved).
    articles = {r.url for r in first if r.role in ("article", "report")}
    for source in sources:
        known = archive_queries.known_fetches(engine, source.name)
        assert set(known) == set(old_index)
        assert {url: [e["sha256"], e["etag"], e["archive_path"], e["offset"], e["encoding"]]
                for url, e in known.items() if url in articles} == \
            {url: entry for url, entry in old_index.items() if url in articles}


def test_the_index_follows_each_crawl_and_the_warc_files_stand_in_for_a_new_warehouse(tmp_path):
    archive = tmp_path / "archive"
    first_url, second_url = (f"sqlite:///{tmp_path / name}" for name in ("first.sqlite", "second.sqlite"))
    with DemoSite() as site:
        sources = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                   if s.name == "demo-news"]
        first, _ = _run(first_url, archive, sources)
        known = archive_queries.known_fetches(db.connect(first_url), "demo-news")
        assert known == known_after(first)  # the crawl's own view, kept by the warehouse
        again, _ = _run(first_url, archive, sources)
        assert {r.status for r in again if r.role == "article" and r.outcome != "blocked"} == {304}
        # Another warehouse over the same archive: it knows nothing, the WARC files tell it.
        third, _ = _run(second_url, archive, sources)
    assert {(r.outcome, r.status) for r in third if r.role == "article" and r.outcome != "blocked"} == \
        {("unchanged", 304)}
    from_files = archive_queries.known_fetches(db.connect(second_url), "demo-news")
    assert {url: (e["sha256"], e["etag"], e["encoding"]) for url, e in from_files.items()} == \
        {url: (e["sha256"], e["etag"], e["encoding"]) for url, e in known.items()}


def test_what_a_killed_crawl_archived_is_not_downloaded_again(tmp_path):
    """A run killed in the middle of a crawl archived pages the index never heard of: the next
    run, which closes it as interrupted, reads that run's WARC files for them."""
    db_url, archive = f"sqlite:///{tmp_path / 'warehouse.sqlite'}", tmp_path / "archive"
    with DemoSite() as site:
        sources = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                   if s.name == "demo-news"]
        _run(db_url, archive, sources)
        # An article is edited; the next run downloads it and dies before the core records anything.
        path = next(p for p in site.pages if p.startswith("/news/") and p.endswith(".html")
                    and site.pages[p].body.count(b"<p>") > 1)
        old = site.pages[path]
        site.pages[path] = Page(200, old.content_type, re.sub(rb"<p>.*?</p>", b"", old.body, count=1, flags=re.S))
        url, edited = site.base_url + path, hashlib.sha256(site.pages[path].body).hexdigest()
        assert edited != hashlib.sha256(old.body).hexdigest()
        killed = ingest.start_run(db_url, archive, sources, crawl_settings=DEMO_CRAWL_SETTINGS)
        known = archive_queries.known_fetches(db.connect(db_url), "demo-news")
        died = crawl_source(sources[0], archive, run_id=killed.run_id, known=known,
                            settings_overrides=DEMO_CRAWL_SETTINGS)
        assert [r.outcome for r in died if r.url == url] == ["changed"]
        records, [health] = _run(db_url, archive, sources)
    articles = [r for r in records if r.role == "article" and r.outcome != "blocked"]
    assert len(articles) >= 10 and {(r.outcome, r.status) for r in articles} == {("unchanged", 304)}
    # The edit is in the warehouse all the same: the body the killed run archived, as the page's second.
    assert health.new == health.changed == 0
    assert queries.run_sql(db.connect(db_url), "SELECT sha256 FROM pages WHERE url = :url ORDER BY id",
                           {"url": url})[1] == [(hashlib.sha256(old.body).hexdigest(),), (edited,)]
    assert queries.run_sql(db.connect(db_url), "SELECT id, status FROM runs")[1] == [
        (1, "succeeded"), (2, "interrupted"), (3, "succeeded")]
