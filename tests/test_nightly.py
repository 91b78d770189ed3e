"""The nightly flow's schedule, as a Prefect deployment (no server needed to build it)."""

from shahrnameh.flows.nightly import nightly, nightly_deployment


def test_the_deployment_runs_the_nightly_flow_at_two_in_tehran(tmp_path):
    deployment = nightly_deployment("sources.yaml", f"sqlite:///{tmp_path}/w.sqlite", str(tmp_path / "archive"))
    assert deployment.name == "nightly"
    assert deployment.flow_name == nightly.name == "shahrnameh-nightly"
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Asia/Tehran"
    assert deployment.parameters["db_url"].endswith("w.sqlite")


def test_a_run_that_needed_a_retry_says_so_in_its_status(tmp_path, monkeypatch):
    from prefect.testing.utilities import prefect_test_harness

    from shahrnameh.demo.site import DemoSite
    from shahrnameh.ingest import run as pipeline
    from shahrnameh.flows.settings import DEMO_CRAWL_SETTINGS
    from shahrnameh.warehouse import db, queries
    from shahrnameh.warehouse.db import WarehouseError

    real_load, loads = pipeline.load_crawl, []

    def locked_once(*args, **kwargs):  # as when two runs wrote at once: retried, then fine
        loads.append(args[3])
        if len(loads) == 1:
            raise WarehouseError("loading article x: database is locked")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_crawl", locked_once)
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - name: demo-cityhall\n    start_urls: ["{site}/sitemap.xml"]\n'
                       '    allowed_domains: ["127.0.0.1"]\n', encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    # Prefect's test harness: a temporary server and database, stopped when the block ends.
    with prefect_test_harness(server_startup_timeout=None), DemoSite() as site:
        result = nightly(str(sources), db_url, str(tmp_path / "archive"), substitutions={"site": site.base_url},
                         crawl_settings=DEMO_CRAWL_SETTINGS)
    assert loads == ["demo-cityhall", "demo-cityhall"]
    assert result["status"] == "retried" and result["counts"]["articles_new"] >= 7
    assert result["errors"][0] == ("source demo-cityhall: crawl and load succeeded on try 2, after failing "
                                   "(table failures, stage source)")
    engine = db.connect(db_url)
    assert queries.run_sql(engine, "SELECT status FROM runs")[1] == [("retried",)]
    assert queries.run_sql(engine, "SELECT message FROM failures WHERE stage = 'source'")[1] == [
        ("crawl and load of demo-cityhall, try 1: WarehouseError: loading article x: database is locked",)]
    db.disconnect(db_url)
