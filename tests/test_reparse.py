"""`shahrnameh reparse`: articles and facts rebuilt from the raw archive, without the network."""

import dataclasses
import os
import shutil
import subprocess
import sys

import pytest

from shahrnameh import ingest
from shahrnameh.demo.site import DemoSite
from shahrnameh.ingest import steps as pipeline
from shahrnameh.flows.settings import DEMO_CRAWL_SETTINGS, DEMO_SOURCES
from shahrnameh.nlp.facts import extract_facts
from shahrnameh.warehouse import db, queries

DATA_TABLES = ("pages", "articles", "facts", "failures", "sources")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The demo site crawled once into a warehouse file and an archive; the site is then gone."""
    tmp = tmp_path_factory.mktemp("crawled")
    engine = db.connect(f"sqlite:///{tmp / 'warehouse.sqlite'}")
    with DemoSite() as site:
        report = ingest.run_nightly(f"sqlite:///{tmp / 'warehouse.sqlite'}", tmp / "archive", DEMO_SOURCES,
                                    substitutions={"site": site.base_url}, crawl_settings=DEMO_CRAWL_SETTINGS)
    assert report.status == "succeeded", report.errors
    engine.dispose()
    return tmp


@pytest.fixture
def warehouse(crawled, tmp_path):
    """A copy of the crawled warehouse of one's own, and the archive."""
    shutil.copy(crawled / "warehouse.sqlite", tmp_path / "warehouse.sqlite")
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return url, db.connect(url), crawled / "archive"


def counts(engine):
    table = queries.table_counts(engine)
    return {name: table[name] for name in DATA_TABLES}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "shahrnameh.flows", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "200"})


def test_reparse_twice_changes_nothing_and_needs_no_network(warehouse):
    url, engine, archive = warehouse
    before = counts(engine)
    assert before["articles"] >= 50
    runs_before = queries.table_counts(engine)["runs"]
    # The demo site is stopped: any network use would fail. The first reparse runs the nlp of
    # this moment, which may read some texts differently from the crawl's (a new version each);
    # the second must find nothing to do.
    first = cli("reparse", "--db", url, "--archive", str(archive))
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = counts(engine)
    assert after_first["pages"] == before["pages"] and after_first["sources"] == before["sources"]
    current = queries.run_sql(engine, "SELECT count(*), count(DISTINCT url) FROM articles WHERE superseded_by IS NULL")
    assert current[1][0][0] == current[1][0][1]  # one current version per URL: no duplicate
    second = cli("reparse", "--db", url, "--archive", str(archive))
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"unchanged {current[1][0][0]}," in second.stdout
    assert "articles new 0, changed 0," in second.stdout and "new facts 0," in second.stdout
    assert counts(engine) == after_first
    # Each reparse is a run in the log, marked as such.
    assert queries.table_counts(engine)["runs"] == runs_before + 2
    _, rows = queries.run_sql(engine, "SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1")
    assert rows[0][0] == "succeeded" and '"kind": "reparse"' in rows[0][1]


def test_a_changed_extraction_makes_new_versions_and_keeps_the_old_facts(warehouse, monkeypatch):
    url, engine, archive = warehouse
    # (reports are read by nlp.pdf, not by the reader patched below)
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM articles WHERE kind = 'article' AND title IS NOT NULL "
                                      "AND substr(text, 1, length(title)) = title")
    with_title = rows[0][0]
    assert with_title > 10
    facts_before = counts(engine)["facts"]
    real_reader = pipeline.read_document

    def without_title(content, *, is_html, url=None):
        # An "improvement" of the reader: the article text no longer repeats the title.
        document = real_reader(content, is_html=is_html, url=url)
        if not document.title or not document.text.startswith(document.title):
            return document
        text = document.text[len(document.title):].lstrip()
        return dataclasses.replace(document, text=text, facts=tuple(extract_facts(text)) if document.facts else ())

    monkeypatch.setattr(pipeline, "read_document", without_title)
    result = pipeline.reparse(engine, archive)
    changed = sum(h.articles_changed for h in result.health.values())
    assert changed == with_title and sum(h.articles_new for h in result.health.values()) == 0
    after = counts(engine)
    assert after["articles"] == counts_articles_before(engine) and after["pages"] == counts(engine)["pages"]
    # Old versions and their facts are kept, superseded; the new versions are current.
    _, rows = queries.run_sql(engine, "SELECT count(*), sum(CASE WHEN version = 2 THEN 1 ELSE 0 END) FROM articles "
                                      "WHERE superseded_by IS NULL")
    assert rows[0][1] == with_title
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts f JOIN articles a ON a.id = f.article_id "
                                      "WHERE a.superseded_by IS NOT NULL")
    superseded_facts = rows[0][0]
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM articles old JOIN articles new "
                                      "ON new.id = old.superseded_by AND new.url = old.url AND new.version = 2")
    assert rows[0][0] == with_title
    assert after["facts"] >= facts_before and superseded_facts > 0
    # The improved reader again: nothing more to do.
    again = pipeline.reparse(engine, archive)
    assert sum(h.articles_new + h.articles_changed for h in again.health.values()) == 0
    assert counts(engine) == after


def counts_articles_before(engine):
    # Every article is current or superseded by exactly one newer version of its URL.
    _, rows = queries.run_sql(engine, "SELECT count(DISTINCT url) + sum(CASE WHEN superseded_by IS NOT NULL "
                                      "THEN 1 ELSE 0 END) FROM articles")
    return rows[0][0]


def test_a_page_that_cannot_be_read_is_recorded_and_the_rest_go_on(warehouse, monkeypatch):
    url, engine, archive = warehouse
    _, rows = queries.run_sql(engine, "SELECT url FROM articles ORDER BY url LIMIT 1")
    broken = rows[0][0]
    real_reader = pipeline.read_document

    def failing_on_one(content, *, is_html, url=None):
        if url == broken:
            raise ValueError("the new reader trips on this page")
        return real_reader(content, is_html=is_html, url=url)

    monkeypatch.setattr(pipeline, "read_document", failing_on_one)
    result = pipeline.reparse(engine, archive, source=None)
    assert sum(h.failed for h in result.health.values()) == 1
    assert f"{broken}: ValueError: the new reader trips on this page" in result.errors
    assert result.unchanged == counts(engine)["articles"] - 1
    _, rows = queries.run_sql(engine, "SELECT url, stage, message FROM failures WHERE stage = 'read'")
    assert [tuple(r) for r in rows] == [(broken, "read", "ValueError: the new reader trips on this page")]


def test_one_source_only_and_clear_errors(warehouse, tmp_path):
    url, engine, archive = warehouse
    done = cli("reparse", "--db", url, "--archive", str(archive), "--source", "demo-cityhall")
    assert done.returncode == 0, done.stderr
    # Its article pages only (the nlp of this moment may read one differently: a new version, not a page).
    _, rows = queries.run_sql(engine, "SELECT count(DISTINCT a.url) FROM articles a JOIN sources s "
                                      "ON s.id = a.source_id WHERE s.name = 'demo-cityhall'")
    assert f"pages read {rows[0][0]}," in done.stdout and "failures 0" in done.stdout
    assert 0 < rows[0][0] < counts(engine)["articles"] / 2
    unknown = cli("reparse", "--db", url, "--archive", str(archive), "--source", "no-such-source")
    assert unknown.returncode == 2 and unknown.stderr.strip() == (
        "shahrnameh: no source named 'no-such-source' in the warehouse")
    missing = cli("reparse", "--db", url, "--archive", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "no raw archive at" in missing.stderr and not (tmp_path / "nowhere").exists()


def test_pages_that_are_no_article_are_named_so_not_counted_as_failures(warehouse):
    # The demo site's media and snippet pages, its ArvanCloud challenge and its redirect shell
    # are read and are not articles: nothing went wrong.
    url, engine, archive = warehouse
    done = cli("reparse", "--db", url, "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    not_articles = [line for line in lines if line.startswith("  not an article: ")]
    assert len(not_articles) >= 5 and f"not articles {len(not_articles)}, failures 0" in lines[0]
    assert not [line for line in lines if "failure:" in line]
    assert any(line.endswith("block page: ArvanCloud bot challenge") for line in not_articles)
    assert any(line.endswith(": only 99 characters of body text: a media, snippet or index page")
               for line in not_articles)
    # Still recorded, as before, in the failures table.
    _, rows = queries.run_sql(engine, "SELECT count(DISTINCT url) FROM failures WHERE stage = 'classify'")
    assert rows[0][0] == len(not_articles)


def test_other_facts_from_an_unchanged_text_replace_the_live_ones_and_the_old_are_kept(warehouse, monkeypatch):
    url, engine, archive = warehouse
    pipeline.reparse(engine, archive)  # settle on the nlp of this moment first
    # (reports are read by nlp.pdf, not by the reader patched below)
    live_sql = ("SELECT count(*) FROM facts f JOIN articles a ON a.id = f.article_id "
                "WHERE a.superseded_by IS NULL AND f.retired_run_id IS NULL AND a.kind = 'article'")
    _, rows = queries.run_sql(engine, live_sql)
    live_before = rows[0][0]
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts WHERE retired_run_id IS NULL")
    all_live_before = rows[0][0]
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM articles a WHERE a.superseded_by IS NULL AND EXISTS "
                                      "(SELECT 1 FROM facts f WHERE f.article_id = a.id) AND a.kind = 'article'")
    with_facts = rows[0][0]
    assert with_facts > 10
    versions_before = counts(engine)["articles"]
    real_reader = pipeline.read_document

    def without_last_fact(content, *, is_html, url=None):
        # An "improvement" of the fact rules: same text, one fact fewer.
        document = real_reader(content, is_html=is_html, url=url)
        return dataclasses.replace(document, facts=document.facts[:-1])

    monkeypatch.setattr(pipeline, "read_document", without_last_fact)
    result = pipeline.reparse(engine, archive)
    assert len(result.refreshed) == with_facts and result.facts_refreshed == live_before - with_facts
    assert counts(engine)["articles"] == versions_before  # the text did not change: no new version
    _, rows = queries.run_sql(engine, live_sql)
    assert rows[0][0] == live_before - with_facts
    # The earlier extraction stays, retired by this reparse's run, out of the views.
    _, rows = queries.run_sql(engine, "SELECT count(*), min(retired_run_id), max(retired_run_id) FROM facts "
                                      "WHERE retired_run_id IS NOT NULL")
    assert rows[0] == (live_before, result.run_id, result.run_id)
    _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts_full")
    assert rows[0][0] == all_live_before - with_facts
    assert queries.summary(engine)["facts"] == all_live_before - with_facts
    # The same rules again: nothing to do.
    facts_stored = queries.table_counts(engine)["facts"]
    again = pipeline.reparse(engine, archive)
    assert again.refreshed == [] and queries.table_counts(engine)["facts"] == facts_stored
