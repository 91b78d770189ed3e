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
