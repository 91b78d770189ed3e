"""The nightly steps without Prefect: crawl the local demo site, read, load; twice."""

from shahrnameh import ingest
from shahrnameh.demo.site import DemoSite
from shahrnameh.ingest import steps as pipeline
from shahrnameh.flows.settings import DEMO_CRAWL_SETTINGS, DEMO_SOURCES
from shahrnameh.spiders.sources import load_sources
from shahrnameh.warehouse import db, queries

# The run log grows by design: one row per run (and per source per run).
RUN_LOG_TABLES = {"runs", "run_sources", "alembic_version"}


def _run(engine, archive, sources):
    run = ingest.start_run(engine.url.render_as_string(hide_password=False), archive, sources,
                           crawl_settings=DEMO_CRAWL_SETTINGS)
    healths = [ingest.ingest_source(run, source) for source in run.sources]
    ingest.finish_run(run, [ingest.SourceOutcome(h.source, health=h) for h in healths])
    return healths


def _data_counts(engine):
    return {t: n for t, n in queries.table_counts(engine).items() if t not in RUN_LOG_TABLES}


def test_two_runs_over_the_demo_site_store_everything_once(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    archive = tmp_path / "archive"
    with DemoSite() as site:
        sources = load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
        first = _run(engine, archive, sources)
        after_first = _data_counts(engine)
        second = _run(engine, archive, sources)
        after_second = _data_counts(engine)

    assert sum(h.articles_new for h in first) >= 50
    assert sum(h.facts_new for h in first) >= 50
    assert after_first["articles"] >= 50 and after_first["facts"] >= 50
    assert after_second == after_first
    assert sum(h.articles_new + h.articles_changed + h.facts_new for h in second) == 0
    assert sum(h.new + h.changed for h in second) == 0

    summary = queries.summary(engine)
    assert summary["facts_by_category"].get("money", 0) > 0
    # The ArvanCloud challenge page is recorded as blocked, never stored as an article.
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM articles WHERE text LIKE '%ArvanCloud%'")
    assert rows[0][0] == 0
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM failures WHERE stage = 'classify'")
    assert rows[0][0] >= 2
    # Arabic pages are stored as Arabic articles and give no Persian facts (one of the 8,
    # elbaladtv, keeps its body in markup the page reader does not find yet).
    _, rows = queries.run_sql(
        engine, "SELECT count(*), sum((SELECT count(*) FROM facts f WHERE f.article_id = a.id)) "
                "FROM articles a WHERE a.language = 'ar'")
    assert rows[0][0] >= 7 and not rows[0][1]


def test_a_crawl_never_loaded_is_loaded_by_the_next_run_and_read_pages_are_not_read_again(tmp_path, monkeypatch):
    engine = db.connect(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    archive = tmp_path / "archive"
    with DemoSite() as site:
        [cityhall] = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                      if s.name == "demo-cityhall"]
        # Run 1 dies after crawling: the archive has the bodies, the warehouse nothing.
        died = ingest.start_run(engine.url.render_as_string(hide_password=False), archive, [cityhall],
                                crawl_settings=DEMO_CRAWL_SETTINGS)
        ingest.crawl_source(died, cityhall)
        assert ingest.finish_run(died, []).status == "failed"
        [second] = _run(engine, archive, [cityhall])
        assert second.new == 0 and second.unchanged >= 7  # all 304: nothing downloaded again
        assert second.articles_new >= 7
        # Run 3: everything unchanged and already read, so nothing is read at all.
        reads = []
        real = pipeline.read_and_load
        monkeypatch.setattr(pipeline, "read_and_load", lambda *a, **k: reads.append(k["url"]) or real(*a, **k))
        [third] = _run(engine, archive, [cityhall])
    assert third.unchanged == second.unchanged and third.articles_new == 0 and reads == []


def test_settling_the_process_starts_the_crawl_reactor_and_freezes_once(monkeypatch):
    import gc

    from shahrnameh.spiders import crawl

    pipeline.settle_process()
    assert gc.get_freeze_count() > 10_000  # modules, classes, word tables: set aside from every collection
    assert crawl._reactor().running
    # Once per process: a later run's garbage is never frozen. (Counting frozen objects again
    # is no test of that: other tests' threads free frozen objects meanwhile.)
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(True))
    pipeline.settle_process()
    assert freezes == []


def test_a_new_warehouse_over_an_archive_that_holds_the_pages_is_filled_like_the_first(tmp_path):
    # The default archive is shared by every warehouse under SHAHRNAMEH_HOME: a second
    # warehouse's first run meets only 304s and unchanged bodies, and must still get it all.
    archive = tmp_path / "archive"
    first = db.connect(f"sqlite:///{tmp_path / 'first.sqlite'}")
    second = db.connect(f"sqlite:///{tmp_path / 'second.sqlite'}")
    with DemoSite() as site:
        sources = load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
        _run(first, archive, sources)
        healths = _run(second, archive, sources)
    assert sum(h.new + h.changed for h in healths) == 0  # nothing new to the archive
    _, reports = queries.run_sql(second, "SELECT count(*) FROM articles WHERE kind = 'report'")
    assert reports[0][0] >= 1  # the PDF, linked from an article that answered 304
    assert _data_counts(second) == _data_counts(first)
    assert queries.run_sql(second, "SELECT stage, url, message FROM failures ORDER BY 1, 2, 3") == \
        queries.run_sql(first, "SELECT stage, url, message FROM failures ORDER BY 1, 2, 3")
