"""Municipality and programme entities: alias keys, seeding, facts → entity ids, programme_timeline."""

import pytest
from sqlalchemy import text

from shahrnameh.nlp.entities import (
    SYNONYMS, alias_key, canonical_name, municipality_parts, programme_base_form, programme_key, seed_cities,
    seed_programmes,
)
from shahrnameh.nlp.records import Document
from shahrnameh.warehouse import load, queries

from test_warehouse import URL, _document, _seed_text, engine, run_id, warehouse_url  # noqa: F401


@pytest.mark.parametrize("variants", [
    ("شورایاری", "شورای‌یاری", "شورایاری‌ها", "شورای یاری", "شوراياري"),
    ("هیأت امنای محلات", "هیئت امنای محلات", "هيئت‌ امناي محلات"),
    ("سامانه من شهردارم", "سامانه‌ی من شهردارم", "سامانهٔ من شهردارم", "«سامانه من شهردارم»"),
    ("تهران / منطقه 3", "تهران/منطقه ۳", "تهران / منطقه ٣"),
    ("خرم‌آباد", "خرم آباد", "خرم‌اباد"),
    # A hamza on «ی» after «ا» inside a word, written or not (the gazetteer writes «قایم شهر»).
    ("قائم‌شهر", "قایم شهر", "قائمشهر"),
    ("مسائل شهری", "مسایل شهری"),
])
def test_spelling_variants_share_one_key(variants):
    assert len({alias_key(v) for v in variants}) == 1


@pytest.mark.parametrize("variants", [
    # FACTS.md: a programme in its base singular form, one spelling per programme.
    ("سرای محله", "سراهای محلات", "سرای‌محله", "سرا های محلات"),
    ("شورایاری", "شورایاری‌ها", "شورایاری ها", "شورای‌یاری"),
    ("شهردار نوجوان", "شهرداران نوجوان"),
    ("هیأت امنای محلات", "هیئت امنای محله"),
    ("سامانه من شهردارم", "طرح من شهردارم"),     # a synonym line of programmes.txt
    ("جشنواره مشارکت‌های مردمی", "جشنواره مشارکت مردمی"),
])
def test_programme_variants_and_plurals_share_one_key(variants):
    assert len({programme_key(v) for v in variants}) == 1


def test_programme_base_form_is_singular_and_keeps_a_word_that_is_singular():
    assert programme_base_form("سراهای محلات") == "سرای محله"
    assert programme_base_form("شوراهای اسلامی") == "شورای اسلامی"
    # «خدمات» is far commoner than «خدمه» (crew): the word list says it is no plural of it.
    assert programme_base_form("سامانه خدمات شهری") == "سامانه خدمات شهری"
    # «اطلاعات» has no «اطلاعه» the word list knows (Fars News: «سامانه جامع بانک اطلاعات موقوفات»).
    assert programme_base_form("سامانه جامع بانک اطلاعات موقوفات") == "سامانه جامع بانک اطلاعات موقوفات"
    assert programme_base_form("طرح مطالعات جامع") == "طرح مطالعه جامع"
    assert programme_key("شورای محله") != programme_key("شورای بانوان")


@pytest.mark.parametrize("one, other", [
    ("منطقه 1", "منطقه 11"),        # digits are never folded together
    ("شورای محله", "شورای بانوان"),
    ("شهردار محله", "شهردار نوجوان"),
    ("تهران", "تهران / منطقه 3"),    # a district is not its city
])
def test_different_names_keep_different_keys(one, other):
    assert alias_key(one) != alias_key(other)


def test_every_seed_name_has_a_key_and_seed_names_stay_apart():
    cities, programmes = seed_cities(), seed_programmes()
    assert "تهران" in cities and "سامانه من شهردارم" in programmes
    assert all(alias_key(name) for name in cities + programmes)
    # Seed names share a key only when they are listed synonyms or differ by a hamza seat.
    for names in (cities, programmes):
        groups = {}
        for name in names:
            groups.setdefault(alias_key(name), set()).add(name)
        for group in groups.values():
            distinct = {name.replace("أ", "ئ") for name in group if name not in SYNONYMS}
            assert len(distinct) <= 1, group


def test_municipality_parts():
    assert municipality_parts("تهران / منطقه ۰۳") == [("تهران", "city"), ("منطقه 3", "district")]
    assert municipality_parts("منطقه 12") == [("منطقه 12", "district")]
    assert municipality_parts(" شیراز ") == [("شیراز", "city")]
    with pytest.raises(TypeError):
        alias_key(None)


def _with_names(document: Document, names: list[tuple[str | None, str | None]]) -> Document:
    """The document with its facts' (municipality, programme) replaced, one pair per fact."""
    facts = tuple(fact.__class__(**{**fact.__dict__, "municipality": m, "programme": p})
                  for fact, (m, p) in zip(document.facts, names))
    return Document(**{**document.__dict__, "facts": facts})


def _rows(engine, sql, **params):
    return queries.run_sql(engine, sql, params)[1]


def test_loading_maps_every_spelling_to_one_entity(engine, run_id):
    text_ = _seed_text()
    document = _with_names(_document(text_), [
        ("تهران", "شورایاری"), ("تهران / منطقه ۳", "شورای‌یاری"), ("منطقه 3", "شورایاری‌ها")])
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=document)
    rows = _rows(engine, "SELECT f.programme, p.name, m.name, m.kind, parent.name FROM facts f "
                         "JOIN programmes p ON p.id = f.programme_id "
                         "JOIN municipalities m ON m.id = f.municipality_id "
                         "LEFT JOIN municipalities parent ON parent.id = m.parent_id ORDER BY f.ordinal")
    assert rows == [("شورایاری", "شورایاری", "تهران", "city", None),
                    ("شورای‌یاری", "شورایاری", "تهران / منطقه 3", "district", "تهران"),
                    ("شورایاری‌ها", "شورایاری", "منطقه 3", "district", None)]
    # The seed lists were loaded: every city and programme of nlp/data is an entity.
    assert _rows(engine, "SELECT count(*) FROM programmes")[0][0] >= len(
        {alias_key(p) for p in seed_programmes()})
    assert _rows(engine, "SELECT id FROM municipalities WHERE name = :n", n="شیراز")
    aliases = {a for (a,) in _rows(engine, "SELECT a.alias FROM programme_aliases a JOIN programmes p "
                                           "ON p.id = a.programme_id WHERE p.name = :n", n="شورایاری")}
    assert aliases == {"شورایاری", "شورای‌یاری", "شورایاری‌ها"}
    _, full = queries.run_sql(engine, "SELECT programme, programme_name, municipality_name, city "
                                      "FROM facts_full ORDER BY ordinal")
    assert full[1] == ("شورای‌یاری", "شورایاری", "تهران / منطقه 3", "تهران")


def test_a_programme_s_plurals_are_one_entity(engine, run_id):
    document = _with_names(_document(_seed_text()), [
        ("تهران", "سراهای محلات"), ("تهران", "سرای‌محله"), ("تهران", "طرح من شهردارم")])
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=document)
    assert _rows(engine, "SELECT p.name FROM facts f JOIN programmes p ON p.id = f.programme_id "
                         "ORDER BY f.ordinal") == [("سرای محله",), ("سرای محله",), ("سامانه من شهردارم",)]


def test_a_source_s_municipality_is_a_default_not_an_override(engine, run_id):
    # The source «seeds» is Tehran's (test_warehouse's fixture); its article about Mashhad stays Mashhad's.
    document = _document(_seed_text())
    facts = tuple(fact.__class__(**{**fact.__dict__, "municipality": m, "attribution": a})
                  for fact, (m, a) in zip(document.facts, [("مشهد", "sentence"), (None, ""), ("مشهد", "title")]))
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                       document=Document(**{**document.__dict__, "facts": facts}))
    assert _rows(engine, "SELECT municipality, attribution FROM facts_full ORDER BY ordinal") == [
        ("مشهد", "sentence"), ("تهران", "source"), ("مشهد", "title")]


def test_an_unknown_name_becomes_a_new_entity_once(engine, run_id):
    document = _with_names(_document(_seed_text()), [
        ("ممبای", "طرح آزمایشی تازه"), ("ممبای", "طرح آزمایشی‌تازه"), (None, None)])
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=document)
    assert _rows(engine, "SELECT count(*) FROM municipalities WHERE name = :n", n="ممبای") == [(1,)]
    assert _rows(engine, "SELECT count(*) FROM programmes WHERE name = :n", n="طرح آزمایشی تازه") == [(1,)]
    # No place in the text: the source's municipality (sources.yaml, «تهران» here) is the default.
    assert _rows(engine, "SELECT f.programme_id, m.name, f.attribution FROM facts f "
                         "JOIN municipalities m ON m.id = f.municipality_id WHERE ordinal = 2") == [
        (None, "تهران", "source")]
    ids = _rows(engine, "SELECT DISTINCT programme_id FROM facts WHERE programme IS NOT NULL")
    assert len(ids) == 1


def test_shahr_e_rey_is_tehrans_district_20_under_every_name_the_news_gives_it(engine, run_id):
    # Rey is a town in the gazetteer and district 20 in Tehran's municipality: nlp places a number
    # on «ری» when no district is said, on «تهران / منطقه 20» when one is. Both are one entity,
    # and a name that once made Rey a city with districts does not make a district of a district.
    document = _with_names(_document(_seed_text()), [
        ("ری", None), ("تهران / منطقه 20", None), ("شهرری / منطقه 20", None)])
    load.load_document(engine, run_id, page_id=None, source="seeds", url=URL, document=document)
    rows = _rows(engine, "SELECT m.name, m.kind, parent.name FROM facts f JOIN municipalities m "
                         "ON m.id = f.municipality_id LEFT JOIN municipalities parent ON parent.id = m.parent_id "
                         "ORDER BY f.ordinal")
    assert rows == [("تهران / منطقه 20", "district", "تهران")] * 3
    aliases = {a for (a,) in _rows(engine, "SELECT a.alias FROM municipality_aliases a JOIN municipalities m "
                                           "ON m.id = a.municipality_id WHERE m.name = :n", n="تهران / منطقه 20")}
    assert {"شهرری", "شهر ری", "ری"} <= aliases
    assert not _rows(engine, "SELECT name FROM municipalities WHERE name LIKE :rey", rey="%شهرری%")


def test_programme_timeline_counts_a_syndicated_copy_once(engine, run_id):
    text_ = _seed_text()
    names = [("تهران", "شورای محله")] * 3
    first, _ = load.load_document(engine, run_id, page_id=None, source="seeds", url=URL,
                                  document=_with_names(_document(text_), names))
    # The same story republished by another site a day later: same numbers, another URL.
    copy = Document(**{**_with_names(_document(text_), names).__dict__, "published": "2019-05-19"})
    second, _ = load.load_document(engine, run_id, page_id=None, source="seeds",
                                   url=URL + "-copy", document=copy)
    columns, rows = queries.run_sql(engine, "SELECT * FROM programme_timeline ORDER BY fact_id")
    assert columns == ["programme", "municipality", "category", "unit", "published", "value", "qualifier",
                       "fact_id", "article_id", "story_id", "url", "source", "evidence"]
    if _rows(engine, "SELECT story_id FROM articles WHERE id = :i", i=second) != [(first,)]:
        # Without near-duplicate grouping each article is its own story: both copies listed.
        assert len(rows) == 6
        with engine.begin() as connection:
            connection.execute(text("UPDATE articles SET story_id = :s WHERE id IN (:a, :b)"),
                               {"s": first, "a": first, "b": second})
        _, rows = queries.run_sql(engine, "SELECT * FROM programme_timeline ORDER BY fact_id")
    assert len(rows) == 3
    assert {(r[8], r[9], r[4]) for r in rows} == {(first, first, "2019-05-18")}
    assert [r[5] for r in rows] == [2500, 12, 22] and rows[0][0] == "شورای محله" and rows[0][1] == "تهران"
    _, one = queries.run_sql(engine, "SELECT count(*) FROM programme_timeline WHERE programme = :p "
                                     "AND municipality = :m", {"p": "شورای محله", "m": "تهران"})
    assert one == [(3,)]
