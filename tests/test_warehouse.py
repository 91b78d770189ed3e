"""The warehouse on a fresh SQLite file: migrations, idempotent loading, versions, failures, read-only SQL."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from shahrnameh.nlp.records import Document, Fact
from shahrnameh.spiders.records import FetchRecord
from shahrnameh.warehouse import db, load, queries

from conftest import CORPUS, GOLD, POSTGRES, postgres_schema

SEED = "000_79683cf1f56b498c.txt"
URL = "https://example.org/news/79683cf1f56b498c"

# A PostgreSQL URL (scripts/services/postgres.sh starts a throwaway cluster and sets it): every
# test taking `warehouse_url` or `engine` runs on SQLite and on PostgreSQL, where it gets its
# own schema, dropped afterwards. Unset, the PostgreSQL runs are skipped.
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (scripts/services/postgres.sh sets it)"))]


def _seed_text() -> str:
    return (CORPUS / "seeds" / SEED).read_text(encoding="utf-8")


def _fact(text: str, evidence: str, value, category: str, qualifier: str) -> Fact:
    start = text.index(evidence)
    written = next(token for token in evidence.split() if token.isdigit() and int(token) == value)
    number_start = text.index(written, start)
    unit = evidence[evidence.index(written) + len(written):].split()[0]
    return Fact(value=value, category=category, unit=unit, qualifier=qualifier, evidence=evidence,
                municipality="تهران", programme=None, sentence_start=start, sentence_end=start + len(evidence),
                number_start=number_start, number_end=number_start + len(written))


def _document(text: str) -> Document:
    """The seed article with the gold facts of it that its text still contains."""
    gold = [json.loads(line) for line in (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    facts = tuple(_fact(text, g["evidence"], g["value"], g["category"], g["qualifier"])
                  for g in gold if g["doc"] == SEED and g["evidence"] in text)
    return Document(kind="article", title=text.splitlines()[0], published="2019-05-18", language="fa",
                    text=text, facts=facts)


@pytest.fixture(params=ENGINES)
def warehouse_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def engine(warehouse_url):
    engine = db.connect(warehouse_url)
    yield engine
    db.disconnect(warehouse_url)


@pytest.fixture
def run_id(engine):
    load.upsert_source(engine, name="seeds", start_urls=["https://example.org/"],
                       allowed_domains=["example.org"], municipality="تهران")
    return load.start_run(engine)


def _record(sha256: str | None, outcome: str, error: str | None = None) -> FetchRecord:
    return FetchRecord(source="seeds", url=URL, requested_url=URL, role="article", outcome=outcome,
                       status=200 if sha256 else None, fetched_at="2026-11-25T01:00:00+00:00",
                       content_type="text/html", encoding="utf-8", sha256=sha256,
                       archive_path="crawl-1.warc.gz" if sha256 else None,
                       archive_offset=0 if sha256 else None, length=1000 if sha256 else None, error=error)


def test_upgrade_from_empty_then_connecting_again_changes_nothing(warehouse_url, tmp_path):
    url = warehouse_url
    engine = db.connect(url)
    assert db.connect(url) is engine
    db.disconnect(url)  # as a new process would: the revision is checked, nothing re-run
    again = db.connect(url)
    assert again is not engine
    tables = set(inspect(again).get_table_names())
    assert {"sources", "runs", "run_sources", "pages", "failures", "articles", "facts",
            "article_bands"} <= tables
    assert "facts_full" in inspect(again).get_view_names()
    _, rows = queries.run_sql(again, "SELECT version_num FROM alembic_version")
    head = ScriptDirectory.from_config(db.migration_config()).get_current_head()
    assert rows == [(head,)]
    assert all(n == 0 for n in queries.table_counts(again).values())
    if url.startswith("sqlite"):
        # A removed SQLite file is created and migrated again, not served from the old engine.
        load.upsert_source(again, name="seeds", start_urls=[], allowed_domains=[], municipality=None)
        again.dispose()
        (tmp_path / "warehouse.sqlite").unlink()
        fresh = db.connect(url)
        assert fresh is not again and queries.table_counts(fresh)["sources"] == 0
        again = fresh
    db.disconnect(url)


def test_the_migration_matches_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from shahrnameh.warehouse.models import Base

    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_loading_the_same_document_twice_stores_it_once(engine, run_id):
    document = _document(_seed_text())
    assert len(document.facts) == 3
    page_id, _ = load.record_fetch(engine, run_id, _record("a" * 64, "new"))
    article_id, outcome = load.load_document(engine, run_id, page_id=page_id, source="seeds", url=URL,
                                             document=document)
    assert outcome == "new"
    counts = queries.table_counts(engine)
    assert load.load_document(engine, run_id, page_id=page_id, source="seeds", url=URL,
                              document=document) == (article_id, "unchanged")
    assert queries.table_counts(engine) == counts
    assert counts["articles"] == 1 and counts["facts"] == 3

    facts = queries.facts_for_article(engine, URL)
    assert [f["value"] for f in facts] == [2500, 12, 22]
    assert all(type(f["value"]) is int for f in facts)
    assert facts[0]["unit"] == "پروژه" and facts[0]["qualifier"] == "about"
    _, rows = queries.run_sql(engine, "SELECT source, url, published, category FROM facts_full ORDER BY ordinal")
    assert rows[0] == ("seeds", URL, "2019-05-18", "project")
    summary = queries.summary(engine)
    assert summary["articles"] == 1 and summary["facts"] == 3
    assert summary["facts_by_category"] == {"district": 1, "neighbourhood": 1, "project": 1}
    assert summary["last_run"]["status"] == "running"


def test_a_changed_text_is_a_new_version_and_the_old_one_keeps_its_facts(engine, run_id):
    text = _seed_text()
    first_id, _ = load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                                     document=_document(text))
    # The same page later published without its last paragraphs, which held two of the facts.
    shorter = text[: text.index("شاهد رویدادهای تازه")]
    second_id, outcome = load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                                            document=_document(shorter))
    assert outcome == "changed" and second_id != first_id
    _, rows = queries.run_sql(engine, "SELECT id, version, superseded_by FROM articles ORDER BY id")
    assert rows == [(first_id, 1, second_id), (second_id, 2, None)]
    _, rows = queries.run_sql(engine, "SELECT article_id, count(*) FROM facts GROUP BY article_id ORDER BY 1")
    assert rows == [(first_id, 3), (second_id, 1)]
    assert [f["value"] for f in queries.facts_for_article(engine, URL)] == [2500]
    assert queries.summary(engine)["articles"] == 1
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts_full")
    assert rows == [(1,)]

    # Back to the first text: that version is current again, nothing is added.
    assert load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                              document=_document(text)) == (first_id, "changed")
    _, rows = queries.run_sql(engine, "SELECT id FROM articles WHERE superseded_by IS NULL")
    assert rows == [(first_id,)]
    assert queries.table_counts(engine)["articles"] == 2


def test_fact_values_stay_exact_past_float_precision(engine, run_id):
    # Scale words make large values («4 میلیارد تومان» in the Ardabil article). 10^18 - 1 is
    # past 2^53, where a float would round it to 10^18; 2.5 checks fractions survive.
    largest = 10 ** 18 - 1
    assert float(largest) != largest
    document = _document(_seed_text())
    big = [f.__class__(**{**f.__dict__, "value": value})
           for f, value in zip(document.facts, (4_000_000_000, largest, 2.5))]
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                       document=Document(**{**document.__dict__, "facts": tuple(big)}))
    assert [f["value"] for f in queries.facts_for_article(engine, URL)] == [4_000_000_000, largest, 2.5]
    _, rows = queries.run_sql(engine, "SELECT sum(value) FROM facts WHERE value > 1000")
    assert rows == [(largest + 4_000_000_000,)]


@pytest.mark.parametrize("change, message", [
    ({"category": "budget"}, "category 'budget'"),
    ({"qualifier": "roughly"}, "qualifier 'roughly'"),
    ({"sentence_start": 0}, "is not its evidence"),
    ({"number_end": 10 ** 6}, "number offsets"),
    ({"value": float("nan")}, "not finite"),
    ({"value": 10 ** 18}, "too large"),
])
def test_a_fact_breaking_the_record_contract_is_refused_and_nothing_is_stored(engine, run_id, change, message):
    document = _document(_seed_text())
    broken = document.facts[0].__class__(**{**document.facts[0].__dict__, **change})
    with pytest.raises(db.WarehouseError, match=message):
        load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                           document=Document(**{**document.__dict__, "facts": (broken,) + document.facts[1:]}))
    assert queries.table_counts(engine)["articles"] == 0


def test_a_document_that_is_not_an_article_is_refused(engine, run_id):
    blocked = Document(**{**_document(_seed_text()).__dict__, "kind": "block_page", "facts": (),
                          "reason": "ArvanCloud bot challenge"})
    with pytest.raises(db.WarehouseError, match="not an article kind"):
        load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=blocked)
    with pytest.raises(db.WarehouseError, match="not an ISO date"):
        load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                           document=Document(**{**_document(_seed_text()).__dict__, "published": "1398/02/28"}))


def test_a_database_refusal_is_a_warehouse_error_and_leaves_nothing(engine, run_id):
    # A page id that was never recorded: the foreign key refuses the article.
    with pytest.raises(db.WarehouseError, match=f"loading article {URL}: .*(?i:foreign key)"):
        load.load_document(engine, run_id, page_id=10 ** 6, source="seeds", url=URL,
                           document=_document(_seed_text()))
    counts = queries.table_counts(engine)
    assert counts["articles"] == 0 and counts["facts"] == 0


def test_a_crash_between_facts_leaves_no_part_of_the_article(engine, run_id, monkeypatch):
    real_insert = load.insert_facts

    def some_facts_then_crash(connection, rows):
        real_insert(connection, rows[:1])
        raise RuntimeError("killed while loading facts")

    monkeypatch.setattr(load, "insert_facts", some_facts_then_crash)
    with pytest.raises(RuntimeError, match="killed"):
        load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=_document(_seed_text()))
    counts = queries.table_counts(engine)
    assert counts["articles"] == 0 and counts["facts"] == 0


def test_record_fetch_is_idempotent_on_url_and_body(engine, run_id):
    first = load.record_fetch(engine, run_id, _record("a" * 64, "new"))
    assert first[1] is True
    second_run = load.start_run(engine)
    assert load.record_fetch(engine, second_run, _record("a" * 64, "unchanged")) == (first[0], False)
    _, rows = queries.run_sql(engine, "SELECT first_run_id, last_run_id, outcome FROM pages")
    assert rows == [(run_id, second_run, "new")]
    changed = load.record_fetch(engine, second_run, _record("b" * 64, "changed"))
    assert changed[1] is True and changed[0] != first[0]
    assert queries.table_counts(engine)["pages"] == 2


def test_failures_are_recorded_once_per_distinct_failure(engine, run_id):
    assert load.record_fetch(engine, run_id, _record(None, "failed", "DNS lookup failed")) == (None, False)
    load.record_failure(engine, run_id, source="seeds", url=URL, stage="read", message="ValueError: empty body")
    load.record_failure(engine, run_id, source=None, url="", stage="source", message="no such host")
    second_run = load.start_run(engine)
    load.record_fetch(engine, second_run, _record(None, "failed", "DNS lookup failed"))
    _, rows = queries.run_sql(engine, "SELECT stage, message, run_id, last_run_id FROM failures ORDER BY id")
    assert rows == [("fetch", "DNS lookup failed", run_id, second_run),
                    ("read", "ValueError: empty body", run_id, run_id),
                    ("source", "no such host", run_id, run_id)]
    assert queries.table_counts(engine)["pages"] == 0
    assert queries.summary(engine)["failures"] == 3


def test_registering_a_source_again_updates_it_in_place(engine, run_id):
    first = load.upsert_source(engine, name="seeds", start_urls=["https://example.org/"],
                               allowed_domains=["example.org"], municipality="تهران")
    again = load.upsert_source(engine, name="seeds", start_urls=["https://example.org/news/"],
                               allowed_domains=["example.org", "www.example.org"], municipality=None)
    assert again == first
    _, rows = queries.run_sql(engine, "SELECT start_urls, allowed_domains, municipality FROM sources")
    def parsed(value):  # SQLite hands JSON back as text, PostgreSQL parsed
        return json.loads(value) if isinstance(value, str) else value

    assert [(parsed(u), parsed(d), m) for u, d, m in rows] == [
        (["https://example.org/news/"], ["example.org", "www.example.org"], None)]


def test_a_fetch_claiming_a_body_without_one_is_refused(engine, run_id):
    with pytest.raises(db.WarehouseError, match="no body"):
        load.record_fetch(engine, run_id, _record(None, "new"))
    assert queries.table_counts(engine)["failures"] == 0


def test_a_blocked_fetch_with_a_body_is_a_page_and_a_failure(engine, run_id):
    page_id, is_new = load.record_fetch(engine, run_id, _record("c" * 64, "blocked", "ArvanCloud bot challenge"))
    assert page_id is not None and is_new
    _, rows = queries.run_sql(engine, "SELECT stage, message FROM failures")
    assert rows == [("fetch", "ArvanCloud bot challenge")]


def test_runs_and_source_health(engine, run_id):
    load.record_source_health(engine, run_id, "seeds", fetched=3, new=2, changed=0, unchanged=1, failed=0, blocked=0)
    load.record_source_health(engine, run_id, "seeds", fetched=4, new=2, changed=0, unchanged=1, failed=1, blocked=0)
    load.finish_run(engine, run_id, status="partial", counts={"sources": 1}, errors=["x: DNS lookup failed"])
    _, rows = queries.run_sql(engine, "SELECT fetched, failed FROM run_sources")
    assert rows == [(4, 1)]
    last = queries.summary(engine)["last_run"]
    assert (last["status"], last["counts"], last["errors"]) == ("partial", {"sources": 1}, ["x: DNS lookup failed"])
    assert last["finished_at"]
    with pytest.raises(db.WarehouseError, match="status"):
        load.finish_run(engine, run_id, status="done", counts={}, errors=[])


@pytest.mark.parametrize("statement", [
    "UPDATE articles SET title = 'x'",
    "DELETE FROM facts",
    "INSERT INTO sources (name) VALUES ('x')",
    "  -- a comment first\n DROP TABLE facts",
    "",
])
def test_run_sql_refuses_anything_but_reading(engine, run_id, statement):
    with pytest.raises(db.WarehouseError, match="read-only"):
        queries.run_sql(engine, statement)
    assert queries.table_counts(engine)["sources"] == 1


@pytest.mark.parametrize("statement", [
    "WITH x AS (SELECT 1) DELETE FROM sources",
    "SELECT 1; DELETE FROM sources",
])
def test_run_sql_cannot_write_even_behind_a_select(engine, run_id, statement):
    with pytest.raises(db.WarehouseError, match="query failed"):
        queries.run_sql(engine, statement)
    assert queries.table_counts(engine)["sources"] == 1
    # The connection goes back to the pool writable.
    load.upsert_source(engine, name="other", start_urls=[], allowed_domains=[], municipality=None)
    columns, rows = queries.run_sql(engine, "SELECT name FROM sources WHERE name = :name", {"name": "other"})
    assert (columns, rows) == (["name"], [("other",)])


def test_a_colon_or_percent_inside_a_string_literal_is_text_not_a_parameter(engine, run_id):
    load.upsert_source(engine, name="ساعت:۱۰ 100%", start_urls=[], allowed_domains=[], municipality=None)
    columns, rows = queries.run_sql(engine, "SELECT name, '%s', ':x' FROM sources WHERE name LIKE '%:۱۰ 100%%'")
    assert rows == [("ساعت:۱۰ 100%", "%s", ":x")]


_RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "


def test_a_runaway_query_is_stopped_by_its_time_limit(engine, run_id):
    # No row ever comes out: only the time limit can stop it.
    with pytest.raises(db.WarehouseError, match=r"^query stopped: it ran longer than 0.5 s \(give --timeout"):
        queries.run_sql(engine, _RUNAWAY + "SELECT count(*) FROM r", timeout_s=0.5)
    # The pooled connection is usable and writable again.
    load.upsert_source(engine, name="after", start_urls=[], allowed_domains=[], municipality=None)
    assert queries.run_sql(engine, "SELECT count(*) FROM sources")[1] == [(2,)]


def test_a_query_past_its_row_limit_is_stopped_not_held_in_memory(engine, run_id):
    with pytest.raises(db.WarehouseError, match=r"^query stopped: more than 1000 rows"):
        queries.run_sql(engine, _RUNAWAY + "SELECT n FROM r", max_rows=1000)
    assert len(queries.run_sql(engine, _RUNAWAY + "SELECT n FROM r LIMIT 1000", max_rows=1000)[1]) == 1000


def test_a_query_past_its_memory_limit_is_stopped(engine, run_id):
    # Few rows, each large: the row limit alone let them pile up until the time limit (GBs).
    big = "printf('%.*c', 100000, 'x')" if engine.dialect.name == "sqlite" else "repeat('x', 100000)"
    bounded = _RUNAWAY.replace("FROM r)", "FROM r WHERE n < 50000)")
    with pytest.raises(db.WarehouseError, match=r"^query stopped: it needed more than 8 MB of memory \(narrow"):
        queries.run_sql(engine, _RUNAWAY + f"SELECT n, {big} FROM r", max_megabytes=8)
    if engine.dialect.name == "sqlite":
        # No row at all, and SQLite's own memory grows: one group_concat of 50 MB (a runaway
        # recursive one took 1 GB in 15 s, stopped only by the time limit).
        with pytest.raises(db.WarehouseError, match=r"^query stopped: it needed more than 8 MB of memory"):
            queries.run_sql(engine, bounded + "SELECT length(group_concat(printf('%.*c', 1000, 'x'))) FROM r",
                            max_megabytes=8)
    # The limit is the query's only: the same connection reads and writes as before.
    assert queries.run_sql(engine, f"SELECT length({big.replace('100000', '20000000')})")[1] == [(20_000_000,)]
    assert queries.run_sql(engine, bounded + "SELECT count(*) FROM r")[1] == [(50000,)]
    load.upsert_source(engine, name="after", start_urls=[], allowed_domains=[], municipality=None)


def test_the_sql_command_takes_a_literal_colon_and_stops_a_runaway_query(engine, warehouse_url, run_id):
    from typer.testing import CliRunner

    from shahrnameh.flows.cli import app

    found = CliRunner().invoke(app, ["sql", "SELECT count(*) FROM sources WHERE name LIKE '%:ساعت%'",
                                     "--db", warehouse_url])
    assert found.exit_code == 0 and found.stdout.splitlines()[-1] == "0", found.output
    runaway = CliRunner().invoke(app, ["sql", _RUNAWAY + "SELECT count(*) FROM r", "--timeout", "0.5",
                                       "--db", warehouse_url])
    assert runaway.exit_code == 2
    assert runaway.stderr.splitlines() == [
        "shahrnameh: query stopped: it ran longer than 0.5 s (give --timeout for more)"]


@pytest.mark.parametrize("statement, params", [
    ("SELECT no_such_column FROM facts", None),
    ("SELECT id FROM sources WHERE name = :name", None),
])
def test_a_failing_query_is_one_line_naming_the_problem(engine, statement, params):
    with pytest.raises(db.WarehouseError, match=r"^query failed: .*(no_such_column|bindings|syntax error at or near \"?:)") as caught:
        queries.run_sql(engine, statement, params)
    assert "\n" not in str(caught.value) and "sqlalche.me" not in str(caught.value)


@pytest.mark.parametrize("url, message", [
    ("nosuchengine://x", "unknown database type 'nosuchengine'"),
    ("not a url", "not a database URL"),
    ("sqlite:////nonexistent-shahrnameh-dir/w.sqlite", "unable to open database file"),
    ("postgresql+nosuchdriver://localhost/x", r"unknown database type 'postgresql\+nosuchdriver'"),
    ("sqlite://", "in-memory SQLite database is not shared"),
    ("mssql+pymssql://localhost/x", r"its database driver is not installed \(No module named 'pymssql'\)"),
])
def test_a_bad_url_is_a_warehouse_error(url, message):
    with pytest.raises(db.WarehouseError, match=message) as caught:
        db.connect(url)
    assert str(caught.value).startswith(f"cannot open warehouse {url}")
    assert "\n" not in str(caught.value)


def test_default_url_lives_in_the_data_home_which_only_connecting_creates(tmp_path, monkeypatch):
    url = db.default_url()
    assert url == f"sqlite:///{tmp_path / 'home'}/warehouse.sqlite"
    assert not (tmp_path / "home").exists()  # naming the warehouse makes nothing
    db.connect()  # what `run` and `demo` do: the warehouse is made, in a new home folder
    assert (tmp_path / "home" / "warehouse.sqlite").is_file()
    db.disconnect(url)
    monkeypatch.setenv("SHAHRNAMEH_DB", "sqlite:///elsewhere.sqlite")
    assert db.default_url() == "sqlite:///elsewhere.sqlite"


def test_two_threads_loading_at_once_both_succeed(engine, run_id):
    # The nightly flow loads two sources in parallel threads on one SQLite file.
    import threading

    errors = []

    def fetch_many(source: str):
        try:
            for i in range(60):
                url = f"https://{source}.example.org/{i}"
                load.record_fetch(engine, run_id, FetchRecord(
                    source=source, url=url, requested_url=url, role="article", outcome="new", status=200,
                    fetched_at="2026-11-25T01:00:00Z", content_type="text/html", encoding="utf-8",
                    sha256=f"{i:064x}", archive_path="crawl-1.warc.gz", archive_offset=i, length=1, error=None))
                queries.summary(engine)
        except Exception as error:  # collected: an exception in a thread would not fail the test
            errors.append(error)

    threads = [threading.Thread(target=fetch_many, args=(name,)) for name in ("tehran", "shiraz")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert queries.table_counts(engine)["pages"] == 120


@pytest.mark.skipif(not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (SQLite's writers take turns)")
def test_loads_of_one_source_run_side_by_side_and_a_bulk_load_of_it_waits():
    # A reparse's batches on two workers load pages of one source at once: neither waits for
    # the other (loads of one URL take turns by the URL's own lock). A bulk load
    # (load_documents), which writes its URLs without locking each, waits for every one.
    import threading

    from sqlalchemy.orm import Session

    document = _document(_seed_text())
    with postgres_schema() as url:
        engine = db.connect(url)
        try:
            load.upsert_source(engine, name="seeds", start_urls=["https://example.org/"],
                               allowed_domains=["example.org"], municipality="تهران")
            run_id = load.start_run(engine)
            with Session(engine) as session, session.begin():
                load._locked_source(session, "seeds")  # a load of the source, under way
                single = threading.Thread(target=load.load_document, args=(engine, run_id), kwargs=dict(
                    page_id=None, source="seeds", url=URL + "/beside", document=document))
                single.start()
                single.join(timeout=30)
                assert not single.is_alive()  # it did not wait

                bulk = threading.Thread(target=load.load_documents, args=(engine, run_id), kwargs=dict(
                    source="seeds", documents=[(URL + "/bulk", None, document)]))
                bulk.start()
                bulk.join(timeout=2)
                assert bulk.is_alive()  # it waits for the load under way
            bulk.join(timeout=30)
            assert not bulk.is_alive()
            assert queries.table_counts(engine)["articles"] == 2
        finally:
            db.disconnect(url)


_LOADER = """
import sys
from shahrnameh.warehouse import db, load
from test_warehouse import _document, _seed_text

url, count = sys.argv[1], int(sys.argv[2])
engine = db.connect(url)
run_id = load.start_run(engine)
text = _seed_text()
first, second = _document(text), _document(text[: text.index("شاهد رویدادهای تازه")])
for i in range(count):
    for document in (first, second):  # a new article, then a changed text of it
        load.load_document(engine, run_id, page_id=None, source="seeds",
                           url=f"https://example.org/news/{i}", document=document)
    print(i, flush=True)
"""


# A child process that can import these tests' helpers.
_CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)}


def _kill_when_printed(command: list[str], lines: int) -> None:
    """Runs `command`, and kills it with SIGKILL once it has printed `lines` lines."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=_CHILD_ENV)
    for _ in range(lines):
        assert child.stdout.readline(), "the loader ended before it was killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def _consistent(engine) -> dict[int, int]:
    """Asserts no article lacks a fact of its text and no URL has two current versions;
    returns {version: articles}."""
    _, rows = queries.run_sql(engine, "SELECT a.version, count(f.id) FROM articles a "
                                      "LEFT JOIN facts f ON f.article_id = a.id GROUP BY a.id, a.version")
    assert all(facts == (3 if version == 1 else 1) for version, facts in rows), rows
    _, rows = queries.run_sql(engine, "SELECT url, count(*) FROM articles WHERE superseded_by IS NULL "
                                      "GROUP BY url HAVING count(*) <> 1")
    assert rows == []
    _, rows = queries.run_sql(engine, "SELECT url FROM articles GROUP BY url HAVING max(version) = 2 AND "
                                      "min(CASE WHEN version = 2 THEN superseded_by END) IS NOT NULL")
    assert rows == []
    _, rows = queries.run_sql(engine, "SELECT version, count(*) FROM articles GROUP BY version")
    return dict(rows)


def test_a_load_killed_half_way_leaves_a_consistent_warehouse_and_the_next_completes_it(warehouse_url):
    command = [sys.executable, "-c", _LOADER, warehouse_url]
    _kill_when_printed([*command, "100"], 10)  # ten articles in, the child is in the middle of loading more

    engine = db.connect(warehouse_url)
    try:
        versions = _consistent(engine)
        assert 10 <= versions[1] < 100
        # The next load goes over the same articles: done ones are unchanged, the rest loaded.
        subprocess.run([*command, "100"], check=True, capture_output=True, env=_CHILD_ENV)
        assert _consistent(engine) == {1: 100, 2: 100}
        assert queries.summary(engine)["articles"] == 100
    finally:
        db.disconnect(warehouse_url)


_BULK_LOADER = """
import sys, time
from shahrnameh.warehouse import db, load
from test_warehouse import _document, _seed_text

url, count = sys.argv[1], int(sys.argv[2])
engine = db.connect(url)
run_id = load.start_run(engine)
document = _document(_seed_text())


def documents():
    for i in range(count):
        print(i, flush=True)  # handed to the loader, not yet committed
        time.sleep(0.01)
        yield f"https://example.org/news/{i}", None, document


load.load_documents(engine, run_id, source="seeds", documents=documents(), batch_size=7)
"""


def test_a_bulk_load_killed_half_way_leaves_whole_batches_and_the_next_completes_it(warehouse_url):
    command = [sys.executable, "-c", _BULK_LOADER, warehouse_url, "100"]
    _kill_when_printed(command, 30)  # the 30th article is in the fifth batch: the four before it are committed

    engine = db.connect(warehouse_url)
    try:
        loaded = _consistent(engine)[1]  # every article stored has all its facts
        assert 28 <= loaded < 100 and loaded % 7 == 0, loaded
        subprocess.run(command, check=True, capture_output=True, env=_CHILD_ENV)
        assert _consistent(engine) == {1: 100}
        assert queries.table_counts(engine)["facts"] == 300
    finally:
        db.disconnect(warehouse_url)


@pytest.mark.skipif(not POSTGRES, reason="SHAHRNAMEH_TEST_POSTGRES is not set (SQLite stores text uncompressed)")
def test_article_texts_are_compressed_with_lz4_on_postgresql():
    """Revision 0005: lz4 compresses a long text several times faster than pglz, PostgreSQL's default."""
    text = _seed_text()
    assert len(text.encode("utf-8")) > 2048  # past the size at which PostgreSQL compresses a value
    with postgres_schema() as url:
        engine = db.connect(url)
        try:
            run_id = load.start_run(engine)
            load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=_document(text))
            with engine.connect() as connection:
                stored = connection.exec_driver_sql("SELECT pg_column_compression(text) FROM articles").scalar()
            assert stored == "lz4"
        finally:
            db.disconnect(url)


def test_bulk_loading_stores_what_loading_one_by_one_stores(warehouse_url, tmp_path):
    text = _seed_text()
    shorter = text[: text.index("شاهد رویدادهای تازه")]
    items = [(f"https://example.org/news/{i}", None, _document(text)) for i in range(25)]
    # A URL twice in one batch (new then changed), and one already in the warehouse.
    items += [("https://example.org/news/3", None, _document(shorter)), (URL, None, _document(shorter))]

    def rows(engine):
        _, articles = queries.run_sql(engine, "SELECT url, version, superseded_by IS NULL, text_sha256, story_id "
                                              "IS NOT NULL FROM articles ORDER BY url, version")
        _, facts = queries.run_sql(engine, "SELECT a.url, a.version, f.ordinal, f.value, f.evidence, "
                                           "f.programme_id, f.municipality_id FROM facts f JOIN articles a "
                                           "ON a.id = f.article_id ORDER BY 1, 2, 3")
        return articles, facts

    results = []
    for bulk in (False, True):
        url = warehouse_url if bulk else f"sqlite:///{tmp_path / 'one-by-one.sqlite'}"
        engine = db.connect(url)
        try:
            run = load.start_run(engine)
            load.load_document(engine, run, page_id=None, source="seeds", url=URL, document=_document(text))
            if bulk:
                counts = load.load_documents(engine, run, source="seeds", documents=iter(items), batch_size=10)
                assert counts == {"new": 25, "changed": 2}
                again = load.load_documents(engine, run, source="seeds", documents=iter(items), batch_size=10)
                assert again == {"unchanged": 25, "changed": 2}  # news/3 goes back to its text, then on
            else:
                for item_url, page_id, document in items:
                    load.load_document(engine, run, page_id=page_id, source="seeds", url=item_url, document=document)
                for item_url, page_id, document in items:
                    load.load_document(engine, run, page_id=page_id, source="seeds", url=item_url, document=document)
            results.append(rows(engine))
        finally:
            db.disconnect(url)
    assert results[0] == results[1]
    assert len(results[0][0]) == 28 and len(results[0][1]) == 26 * 3 + 2  # 26 URLs, 2 of them twice


_HOLD_A_WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
connection.execute("CREATE TABLE held (x)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


def test_opening_a_warehouse_another_process_is_writing_waits_for_it(tmp_path):
    # CI saw a second run, started with the first on a new warehouse, stop with «cannot open
    # warehouse …: database is locked»: the switch to WAL ran before the busy timeout was set, so
    # it waited only sqlite3's default 5 s. Held 7 s by another process, the warehouse now opens.
    path = tmp_path / "warehouse.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_A_WRITE_LOCK, str(path), "7"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        engine = db.connect(f"sqlite:///{path}")
        assert inspect(engine).has_table("alembic_version")
    finally:
        holder.wait(timeout=30)
        db.disconnect(f"sqlite:///{path}")
