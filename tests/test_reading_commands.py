"""The commands that only read (sql, summary, export, whatsnew, timeline) pointed where no
warehouse is: a typo in --db or a forgotten $SHAHRNAMEH_HOME must be a clear "no warehouse
at …" and exit 2, not an empty warehouse created on the spot that answers 0."""

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from shahrnameh.flows.cli import app

from conftest import POSTGRES, postgres_schema
from test_export import loaded  # noqa: F401 (fixture: real articles in a warehouse)
from test_warehouse import engine, warehouse_url  # noqa: F401

READING_COMMANDS = {
    "sql": ["sql", "SELECT count(*) FROM facts"],
    "summary": ["summary"],
    "export": ["export", "--format", "csv"],
    "whatsnew": ["whatsnew", "--since", "1403-01-01"],
    "timeline": ["timeline", "شورایاری"],
}
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (scripts/services/postgres.sh sets it)"))]


def _run(args: list[str]):
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_mistyped_sqlite_path_is_no_warehouse_and_nothing_is_created(command, tmp_path):
    folder = tmp_path / "warehouses"
    folder.mkdir()
    typo = folder / "warehuose.sqlite"
    result = _run([*READING_COMMANDS[command], "--db", f"sqlite:///{typo}"])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"shahrnameh: no warehouse at {typo}\n"
    assert result.stdout == ""
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_forgotten_data_home_is_no_warehouse_and_no_folder_is_made(command, tmp_path, monkeypatch):
    home = tmp_path / "not-made-yet"
    monkeypatch.setenv("SHAHRNAMEH_HOME", str(home))
    result = _run(READING_COMMANDS[command])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"shahrnameh: no warehouse at {home / 'warehouse.sqlite'}\n"
    assert not home.exists()


def test_a_sqlite_file_that_is_not_a_warehouse_is_refused_and_left_as_it_was(tmp_path):
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"")
    result = _run(["sql", "SELECT 1", "--db", f"sqlite:///{other}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"shahrnameh: no warehouse at {other}: it has no alembic_version table")
    assert other.read_bytes() == b""


@pytest.mark.skipif(not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (scripts/services/postgres.sh sets it)")
@pytest.mark.parametrize("command", READING_COMMANDS)
def test_an_empty_postgresql_schema_is_no_warehouse_and_stays_empty(command):
    with postgres_schema() as url:
        result = _run([*READING_COMMANDS[command], "--db", url])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("shahrnameh: no warehouse at postgresql")
        assert "no alembic_version table" in result.stderr
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                assert inspect(connection).get_table_names() == []
                assert inspect(connection).get_view_names() == []
        finally:
            engine.dispose()


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_warehouse_that_is_there_is_read(engine_name, tmp_path):
    from shahrnameh.warehouse import db

    def check(url):
        db.disconnect(url)
        db.connect(url)  # what `run` does: creates the warehouse
        db.disconnect(url)  # a new process would not have it open
        result = _run(["sql", "SELECT count(*) AS facts FROM facts", "--db", url])
        assert (result.exit_code, result.stdout) == (0, "facts\n0\n"), result.output
        db.disconnect(url)

    if engine_name == "sqlite":
        check(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    else:
        with postgres_schema() as url:
            check(url)


@pytest.fixture
def read_with_failures(loaded):
    """The loaded warehouse, its run having met two pages that are no article (a video page, a
    bot challenge) and one real failure (a robots.txt refusal), as the demo run meets them."""
    from shahrnameh.warehouse import load, queries

    run_id = queries.summary(loaded)["last_run"]["id"]
    for url, stage, message in (
            ("https://www.farsnews.ir/video.html", "classify", "not_article: only 99 characters of body text"),
            ("https://www.farsnews.ir/challenge.html", "classify", "block_page: ArvanCloud bot challenge"),
            ("https://www.farsnews.ir/private/drafts.html", "fetch", "IgnoreRequest: Forbidden by robots.txt")):
        load.record_failure(loaded, run_id, source="fars", url=url, stage=stage, message=message)
    return loaded


@pytest.mark.parametrize("width", [80, 120])
def test_summary_is_a_readable_table_and_its_json_is_behind_json(read_with_failures, warehouse_url, width):
    import json

    from shahrnameh.warehouse import queries

    held = queries.summary(read_with_failures)
    printed = CliRunner().invoke(app, ["summary", "--db", warehouse_url], env={"COLUMNS": str(width)})
    assert printed.exit_code == 0, printed.output
    assert "{" not in printed.stdout
    # Pages that are no article are named so and counted apart from what went wrong, as `run`
    # and `reparse` say it: nothing went wrong with a video page.
    assert (held["not_articles"], held["failures"]) == (2, 1)
    assert (f"articles {held['articles']}, facts {held['facts']}, not articles 2, failures 1 "
            in printed.stdout)
    lines = printed.stdout.splitlines()
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert table and all(len(line) <= width for line in table)
    for category, count in held["facts_by_category"].items():
        assert any(line.split("│")[1:3] and [c.strip() for c in line.split("│")[1:3]] == [category, str(count)]
                   for line in table), category
    # A line longer than the terminal is left for it to wrap: one line, never cut in two.
    assert any(line.startswith("sources ") and line.endswith(")") for line in lines)
    assert f"Last run: {held['last_run']['id']} (nightly), {held['last_run']['status']}" in printed.stdout

    as_json = CliRunner().invoke(app, ["summary", "--json", "--db", warehouse_url])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == json.loads(json.dumps(held, default=str))


def test_summary_says_which_runs_the_last_run_closed_as_interrupted(engine, warehouse_url):
    # After a kill -9 the next run closes the dead run's row; the summary read the morning
    # after must say so, not only that the last run succeeded.
    import json

    from shahrnameh.warehouse import load

    def close_and_finish(run_id):
        closed = load.close_interrupted_runs(engine, run_id)
        load.finish_run(engine, run_id, status="succeeded", counts={}, errors=[])
        return closed

    long_ago = load.start_run(engine)  # killed, then closed by the next run: old news
    close_and_finish(load.start_run(engine))
    killed = [load.start_run(engine), load.start_run(engine)]  # two killed in a row
    for run_id in killed:
        load.run_alive(engine, run_id)
    last = load.start_run(engine)
    seen = {run_id: f"{when:%Y-%m-%d %H:%M:%S}" for run_id, when in close_and_finish(last)}
    assert sorted(seen) == killed

    held = json.loads(CliRunner().invoke(app, ["summary", "--json", "--db", warehouse_url]).stdout)
    assert held["last_run"]["id"] == last
    assert [(r["run_id"], r["last_seen_at"][:19].replace("T", " ")) for r in held["interrupted_closed_by_last_run"]] \
        == [(run_id, seen[run_id]) for run_id in killed]
    assert long_ago not in [r["run_id"] for r in held["interrupted_closed_by_last_run"]]

    printed = CliRunner().invoke(app, ["summary", "--db", warehouse_url], env={"COLUMNS": "80"})
    lines = printed.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"Last run: {last} (nightly), succeeded"))
    assert lines[at + 1:at + 3] == [
        f"  run {run_id} was interrupted (last seen alive at {seen[run_id]} UTC): closed by this run"
        for run_id in killed]
    assert f"run {long_ago} " not in printed.stdout
