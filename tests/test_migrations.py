"""Upgrading a warehouse of the previous release (revision 0001, real articles and facts loaded)
to the newest schema, on SQLite and PostgreSQL, and back down."""

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from alembic import command

from shahrnameh.nlp.document import read_document
from shahrnameh.warehouse import db, queries

from conftest import CORPUS
from test_warehouse import warehouse_url  # noqa: F401

ARTICLES = ("seeds/000_79683cf1f56b498c.txt", "seeds/004_2c1a495e2d80be16.txt",
            "text/fars_8812130218_tehran_region20_shahr-e-rey_projects_neighbourhood_halls.txt")


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    engine = sa.create_engine(url)
    config = db.migration_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def _rows_after_upgrade(url: str, revision: str, inserts: list[str], *queries: str) -> list[list[tuple]]:
    """Rows written at `revision`, then each query's rows once upgraded to the head."""
    _migrate(url, revision)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in inserts:
            connection.exec_driver_sql(statement)
    engine.dispose()
    _migrate(url, "head")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = [[tuple(row) for row in connection.exec_driver_sql(query).all()] for query in queries]
    engine.dispose()
    return found


def _load_as_release_0001(url: str) -> dict[str, int]:
    """The three articles, read by today's nlp, written as the 0001 loader wrote them."""
    # Typed as 0001's columns were, so each engine gets dates and timestamps as it stores them.
    types = {"created_at": sa.DateTime, "started_at": sa.DateTime, "published": sa.Date}
    t = {name: sa.table(name, *(sa.column(c, types.get(c)) for c in columns)) for name, columns in {
        "sources": ("id", "name", "start_urls", "allowed_domains", "municipality", "created_at"),
        "runs": ("id", "started_at", "status", "counts", "errors"),
        "articles": ("id", "source_id", "url", "kind", "title", "published", "language", "text", "text_sha256",
                     "version", "first_run_id", "created_at"),
        "facts": ("article_id", "ordinal", "value", "category", "unit", "qualifier", "evidence", "sentence_start",
                  "sentence_end", "number_start", "number_end", "municipality", "programme"),
    }.items()}
    engine = sa.create_engine(url)
    facts_per_url = {}
    now = datetime(2026, 11, 1, 2, 0)
    with engine.begin() as connection:
        connection.execute(t["sources"].insert().values(id=1, name="fars", start_urls="[]", allowed_domains="[]",
                                                        created_at=now))
        connection.execute(t["runs"].insert().values(id=1, started_at=now, status="succeeded", counts="{}",
                                                     errors="[]"))
        for article_id, name in enumerate(ARTICLES, start=1):
            document = read_document((CORPUS / name).read_text(encoding="utf-8"), is_html=False)
            url = f"https://www.farsnews.ir/{name}"
            connection.execute(t["articles"].insert().values(
                id=article_id, source_id=1, url=url, kind=document.kind, title=document.title,
                published=date(2019, 5, article_id), language=document.language, text=document.text,
                text_sha256=hashlib.sha256(document.text.encode()).hexdigest(), version=1, first_run_id=1,
                created_at=now))
            connection.execute(t["facts"].insert(), [dict(
                article_id=article_id, ordinal=i, value=int(f.value) if f.value == int(f.value) else f.value,
                category=f.category, unit=f.unit, qualifier=f.qualifier, evidence=f.evidence,
                sentence_start=f.sentence_start, sentence_end=f.sentence_end, number_start=f.number_start,
                number_end=f.number_end, municipality=f.municipality, programme=f.programme)
                for i, f in enumerate(document.facts)])
            facts_per_url[url] = len(document.facts)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # ids were given: the sequences must follow
            for table in ("sources", "runs", "articles"):
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))")
    engine.dispose()
    return facts_per_url


def test_upgrading_a_0001_warehouse_keeps_its_data_and_resolves_entities(warehouse_url):
    _migrate(warehouse_url, "0001")
    facts_per_url = _load_as_release_0001(warehouse_url)
    assert sum(facts_per_url.values()) >= 25

    engine = db.connect(warehouse_url)  # what the new release does on its first run
    try:
        _, rows = queries.run_sql(engine, "SELECT version_num FROM alembic_version")
        assert rows == [("0003",)] or rows[0][0] > "0003"
        _, rows = queries.run_sql(engine, "SELECT url, count(*) FROM facts_full GROUP BY url")
        assert dict(rows) == facts_per_url
        # Every named municipality and programme now points at its entity, variants at one.
        _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts WHERE (programme IS NOT NULL AND "
                                          "programme_id IS NULL) OR (municipality IS NOT NULL AND "
                                          "municipality_id IS NULL)")
        assert rows == [(0,)]
        _, rows = queries.run_sql(engine, "SELECT DISTINCT programme, programme_name FROM facts_full "
                                          "WHERE programme LIKE :p ORDER BY 1", {"p": "هی%"})
        # (nlp writes a listed programme under its one canonical name; either seat of the hamza is one entity)
        assert rows and {name for _, name in rows} == {"هیأت امنای محلات"}
        _, rows = queries.run_sql(engine, "SELECT DISTINCT municipality, municipality_name, city FROM facts_full "
                                          "WHERE municipality LIKE :m ORDER BY 1", {"m": "%منطقه 20"})
        assert rows == [("تهران / منطقه 20", "تهران / منطقه 20", "تهران")]
        _, rows = queries.run_sql(engine, "SELECT programme, count(*) FROM programme_timeline "
                                          "WHERE programme = :p GROUP BY programme", {"p": "سرای محله"})
        assert rows and rows[0][1] >= 1
        # Old rows have no story_id: each article is its own story in the views.
        _, rows = queries.run_sql(engine, "SELECT count(*) FROM facts_full WHERE story_id <> article_id")
        assert rows == [(0,)]
    finally:
        db.disconnect(warehouse_url)


def test_downgrading_to_0002_and_upgrading_again(warehouse_url):
    _migrate(warehouse_url, "0001")
    facts_per_url = _load_as_release_0001(warehouse_url)
    _migrate(warehouse_url, "head")
    _migrate(warehouse_url, "0002", down=True)
    engine = sa.create_engine(warehouse_url)
    inspector = sa.inspect(engine)
    assert "programmes" not in inspector.get_table_names()
    assert "programme_timeline" not in inspector.get_view_names()
    assert "programme_id" not in {c["name"] for c in inspector.get_columns("facts")}
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM facts_full")).scalar() == sum(facts_per_url.values())
    engine.dispose()
    _migrate(warehouse_url, "head")
    engine = db.connect(warehouse_url)
    try:
        _, rows = queries.run_sql(engine, "SELECT count(programme), count(programme_name) FROM facts_full")
        assert rows[0][0] > 0 and rows[0][0] == rows[0][1]  # every named programme resolved again
    finally:
        db.disconnect(warehouse_url)


def test_the_migrations_render_as_an_sql_script_for_postgresql():
    # (SQLite's batch table rebuilds need a live database to reflect: no script for it.)
    import io

    config = db.migration_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    script = config.output_buffer.getvalue()
    assert "CREATE VIEW programme_timeline" in script and "CREATE TABLE programme_aliases" in script
    # 0001 creates facts_full, 0003 adds the entities to it, 0004 leaves retired facts out,
    # 0006 adds each fact's attribution.
    assert script.count("CREATE VIEW facts_full") == 4 and "DROP VIEW facts_full" in script
    assert "f.attribution AS attribution" in script
    assert "f.retired_run_id IS NULL" in script
    assert "ALTER TABLE articles ALTER COLUMN text SET COMPRESSION lz4" in script  # 0005
    assert "NUMERIC(24, 4)" in script and "archive_offset BIGINT" in script and "AUTOINCREMENT" not in script


def test_upgrading_to_0010_rekeys_names_written_with_a_hamza_after_alef(warehouse_url):
    # 0009 keyed «قائم‌شهر» apart from the gazetteer's «قایم شهر»; 0010's keys join them, so
    # a journalist typing either finds the city.
    keys, programme_keys = _rows_after_upgrade(
        warehouse_url, "0009",
        ["INSERT INTO municipalities (id, name, kind) VALUES (1, 'قایم شهر', 'city')",
         "INSERT INTO municipality_aliases (alias, key, municipality_id) VALUES "
         "('قائم‌شهر', 'قاءمشهر', 1), ('قایم شهر', 'قایمشهر', 1)",
         "INSERT INTO programmes (id, name) VALUES (1, 'پویش پائیز')",
         "INSERT INTO programme_aliases (alias, key, programme_id) VALUES ('پویش پائیز', 'پویشپاءیز', 1)"],
        "SELECT alias, key FROM municipality_aliases", "SELECT alias, key FROM programme_aliases")
    assert dict(keys) == {"قائم‌شهر": "قایمشهر", "قایم شهر": "قایمشهر"}
    from shahrnameh.nlp.entities import programme_key
    assert dict(programme_keys) == {"پویش پائیز": programme_key("پویش پاییز")}


def test_upgrading_to_0011_restores_the_arabic_plurals_names_lost(warehouse_url):
    # 0010's code stored «سامانه جامع بانک اطلاعات موقوفات» (Fars News) as «… اطلاعه …», a word that
    # does not exist; 0011 gives the facts, the programme and its aliases their name back, and
    # merges a programme whose restored name another already has.
    names, aliases = _rows_after_upgrade(
        warehouse_url, "0010",
        ["INSERT INTO programmes (id, name) VALUES (1, 'سامانه جامع بانک اطلاعه موقوفات'), "
         "(2, 'سامانه امکانه'), (3, 'سامانه امکانات'), (4, 'سرای محله')",
         "INSERT INTO programme_aliases (alias, key, programme_id) VALUES "
         "('سامانه جامع بانک اطلاعه موقوفات', 'x', 1), ('سامانه امکانه', 'y', 2), "
         "('سامانه امکانات', 'y', 3), ('سرای محله', 'سرایمحله', 4)"],
        "SELECT id, name FROM programmes", "SELECT alias, key, programme_id FROM programme_aliases")
    from shahrnameh.nlp.entities import programme_key
    assert dict(names) == {1: "سامانه جامع بانک اطلاعات موقوفات", 3: "سامانه امکانات", 4: "سرای محله"}
    assert set(aliases) == {("سامانه جامع بانک اطلاعات موقوفات", programme_key("سامانه جامع بانک اطلاعات موقوفات"), 1),
                            ("سامانه امکانات", programme_key("سامانه امکانات"), 3),
                            ("سرای محله", programme_key("سرای محله"), 4)}
