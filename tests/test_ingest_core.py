"""The ingest core called directly, as a notebook or a worker would: no Prefect, no command line."""

import dataclasses

import pytest

from shahrnameh import ingest
from shahrnameh.demo.site import DemoSite
from shahrnameh.flows.settings import DEMO_CRAWL_SETTINGS, DEMO_SOURCES
from shahrnameh.spiders.sources import SourcesError, load_sources
from shahrnameh.warehouse import db, queries


def rows(db_url, sql):
    return queries.run_sql(db.connect(db_url), sql)[1]


@pytest.fixture(scope="module")
def site():
    with DemoSite() as demo_site:
        yield demo_site


def test_a_run_over_the_demo_site_reports_what_it_stored_and_writes_it_to_runs(site, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    report = ingest.run_nightly(db_url, tmp_path / "archive", DEMO_SOURCES,
                                substitutions={"site": site.base_url}, crawl_settings=DEMO_CRAWL_SETTINGS)

    assert report.status == "succeeded"
    assert [row["source"] for row in report.sources] == ["demo-cityhall", "demo-dari", "demo-news"]
    assert report.counts["sources"] == 3 and report.counts["articles_new"] >= 50
    [(articles,)] = rows(db_url, "SELECT count(*) FROM articles")
    assert report.counts["articles_new"] == articles
    [(status, finished)] = rows(db_url, f"SELECT status, finished_at IS NOT NULL FROM runs WHERE id = {report.run_id}")
    assert status == "succeeded" and finished
    stored = rows(db_url, f"SELECT s.name, rs.fetched FROM run_sources rs JOIN sources s ON s.id = rs.source_id "
                          f"WHERE rs.run_id = {report.run_id} ORDER BY s.name")
    assert stored == [(row["source"], row["fetched"]) for row in report.sources]


def test_the_steps_one_by_one_a_failed_source_makes_a_partial_run_and_the_next_run_adds_nothing(site, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    archive = tmp_path / "archive"
    cityhall, dari, _ = load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
    # dari's pages go to an archive that cannot be a folder: its crawl raises, cityhall's does not.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file")

    run = ingest.start_run(db_url, archive, [cityhall, dari], crawl_settings=DEMO_CRAWL_SETTINGS)
    fetched = ingest.crawl_source(run, cityhall)
    assert fetched and all(record.source == "demo-cityhall" for record in fetched)
    health = ingest.load(run, "demo-cityhall", fetched)
    with pytest.raises(OSError) as raised:
        ingest.ingest_source(dataclasses.replace(run, archive_root=str(blocked / "archive")), dari)
    failed = ingest.source_failed(run, "demo-dari", raised.value)
    report = ingest.finish_run(run, [ingest.SourceOutcome("demo-cityhall", health=health), failed])

    assert report.status == "partial"
    assert [row["source"] for row in report.sources] == ["demo-cityhall"] and health.articles_new >= 7
    assert any(error.startswith("source demo-dari failed: NotADirectoryError") for error in report.errors)
    assert rows(db_url, f"SELECT stage FROM failures WHERE run_id = {run.run_id} AND url = ''") == [("source",)]
    assert rows(db_url, f"SELECT status FROM runs WHERE id = {run.run_id}") == [("partial",)]

    again = ingest.start_run(db_url, archive, [cityhall], crawl_settings=DEMO_CRAWL_SETTINGS)
    second = ingest.ingest_source(again, cityhall)
    assert ingest.finish_run(again, [ingest.SourceOutcome("demo-cityhall", health=second)]).status == "succeeded"
    assert second.articles_new == second.new == second.changed == 0 and second.unchanged >= health.articles_new


def test_a_bad_sources_file_fails_the_run_it_started(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources: [{name: x}]\n")
    with pytest.raises(SourcesError):
        ingest.start_run(db_url, tmp_path / "archive", bad)
    [(status, errors)] = rows(db_url, "SELECT status, errors FROM runs")
    assert status == "failed" and errors


def test_a_reparse_in_batches_counts_as_the_reparse_in_one_piece(site, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    archive = tmp_path / "archive"
    ingest.run_nightly(db_url, archive, DEMO_SOURCES, substitutions={"site": site.base_url},
                       crawl_settings=DEMO_CRAWL_SETTINGS)
    engine = db.connect(db_url)
    whole = ingest.reparse(engine, archive)

    run_id, pages = ingest.start_reparse(engine, archive)
    result = ingest.ReparseResult(run_id)
    for batch in (pages[:25], pages[25:60], pages[60:]):
        result.add(ingest.reparse_pages(engine, archive, batch, ingest.ReparseResult(run_id)))
    ingest.finish_reparse(engine, result)

    assert len(pages) == whole.pages == result.pages > 60
    assert (result.unchanged, result.not_articles, result.errors) == (whole.unchanged, whole.not_articles, whole.errors)
    for name, health in whole.health.items():
        assert dataclasses.asdict(result.health[name]) == dataclasses.asdict(health)
    [(status, counts)] = rows(db_url, f"SELECT status, counts FROM runs WHERE id = {run_id}")
    [(whole_counts,)] = rows(db_url, f"SELECT counts FROM runs WHERE id = {whole.run_id}")
    assert status == "succeeded" and counts == whole_counts


def test_a_crawl_in_this_process_hands_its_fetched_pages_over_in_memory(site, tmp_path, monkeypatch):
    import tempfile

    def no_scratch_files(*args, **kwargs):
        raise AssertionError("a crawl in process needs no records file")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_scratch_files)
    [cityhall] = [s for s in load_sources(DEMO_SOURCES, substitutions={"site": site.base_url})
                  if s.name == "demo-cityhall"]
    run = ingest.start_run(f"sqlite:///{tmp_path / 'warehouse.sqlite'}", tmp_path / "archive", [cityhall],
                           crawl_settings=DEMO_CRAWL_SETTINGS)
    fetched = ingest.crawl_source(run, cityhall)
    assert len(fetched) >= 9 and {record.outcome for record in fetched} == {"new"}
    assert ingest.load(run, "demo-cityhall", fetched).articles_new >= 7


def test_run_at_once_reaches_the_core_as_the_number_of_sources_crawled_at_a_time(tmp_path, monkeypatch):
    # `shahrnameh run --at-once 3`: a night of many sources crawls more of them at a time
    # (benchmarks/national.py: 128 at once, 1,400 sources in 10 minutes, 8 at once over an hour).
    from typer.testing import CliRunner

    from shahrnameh.flows import cli, launch

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    seen = {}

    def run_nightly(db_url, archive_root, sources, *, sources_at_once, **_):
        seen["at_once"] = sources_at_once
        return ingest.RunReport(run_id=1, status="succeeded", counts={}, sources=[])

    monkeypatch.setattr(ingest, "run_nightly", run_nightly)
    monkeypatch.setattr(cli, "_print_summary", lambda result, db_url: None)
    sources = tmp_path / "sources.yaml"
    sources.write_text(DEMO_SOURCES.read_text(encoding="utf-8").replace("{site}", "http://127.0.0.1:9"),
                       encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    result = CliRunner().invoke(cli.app, ["run", "--sources", str(sources), "--db", url,
                                          "--archive", str(tmp_path / "archive"), "--at-once", "3"])
    assert seen == {"at_once": 3}, result.output
    seen.clear()
    launch.nightly(sources, url, tmp_path / "archive")
    assert seen == {"at_once": 8}
