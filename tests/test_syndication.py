"""Syndication: real republished copies share a story, real different stories of one topic do not."""

import itertools
import os
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shahrnameh.nlp import syndication
from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.nlp.normalize import normalize
from shahrnameh.warehouse import db, load, stories
from shahrnameh.warehouse.models import Article, ArticleBand

from conftest import CORPUS, POSTGRES, postgres_schema

SYND = CORPUS / "syndication"
VOA = CORPUS / "html" / "voa-dari"
# Fars News ran one story twice, in its world and its economy services, under two ids.
FARS_WORLD = "fars_8501260044_gorbachev_world.txt"
FARS_ECONOMY = "fars_8501260121_gorbachev_economy.txt"
# Two different Fars stories on chicken prices, a year apart: one topic, one vocabulary.
CHICKEN_2004 = "fars_8305040189_chicken_prices_announced.txt"
CHICKEN_2005 = "fars_8403280244_chicken_prices_falling.txt"
# VOA Dari ran its technology programme's notice again a month later under a new id.
VOA_NOTICE = ("article_7950231.html", "article_7984604.html")
# VOA Dari's two stories on one event, a day apart: the death of the bodybuilder Alireza
# Asahi, then Rashid Khan's pledge to his family. They share names and sentences.
VOA_ASAHI = ("article_7947688.html", "article_7948593.html")


def _text_document(name: str):
    return read_document((SYND / name).read_text(encoding="utf-8"), is_html=False)


def _voa_document(name: str):
    return read_document(decode_page((VOA / name).read_bytes()), is_html=True, url=f"https://www.darivoa.com/a/{name}")


def _edited_copy(text: str) -> str:
    """The story as another agency reruns it: its own headline, the lead paragraph cut, and
    the Arabic ي/ك that older Iranian sites still type."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n\n".join(["بازنشر", *paragraphs[2:]]).replace("ی", "ي").replace("ک", "ك")


# --- pure functions ------------------------------------------------------------------------


def test_spelling_that_copies_disagree_on_does_not_change_the_shingles():
    raw = (SYND / CHICKEN_2005).read_text(encoding="utf-8")  # Arabic ي/ك, as Fars stored it
    body = raw.split("\n\n", 1)[1]
    assert "ي" in body and "ك" in body
    assert syndication.shingles(body) == syndication.shingles(normalize(body))
    assert syndication.shingles("ساخت ۲۷ بوستان") == syndication.shingles("ساخت 27 بوستان")
    assert syndication.shingles("می‌شود") == syndication.shingles("می شود")
    assert syndication.shingles("") == frozenset()
    assert syndication.shingles("آتش‌نشانی") == syndication.shingles("آتش نشانی") == syndication.shingles("آتشنشانی")
    assert syndication.shingles("دو واژه") == frozenset({"دوواژه"})
    with pytest.raises(TypeError):
        syndication.shingles(b"bytes")


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_REAL_TEXTS = sorted((CORPUS / "text").glob("*.txt")) + sorted((CORPUS / "fars-municipal").glob("*.txt"))


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, len(_REAL_TEXTS) - 1), arabic=st.booleans(), digits=st.booleans(),
       zwnj=st.sampled_from(["\u200c", " ", ""]), seed=st.integers(0, 2**16))
def test_a_copy_respelt_as_another_site_would_has_the_same_shingles(index, arabic, digits, zwnj, seed):
    """Real text, respelt the ways copies differ: Arabic ي/ك, Persian digits, every ZWNJ as a
    ZWNJ, a space or nothing, some spaces doubled."""
    text = _REAL_TEXTS[index].read_text(encoding="utf-8").split("\n\n", 1)[1]
    base = normalize(text)
    copy = base.replace("\u200c", zwnj)
    if arabic:
        copy = copy.replace("ی", "ي").replace("ک", "ك")
    if digits:
        copy = copy.translate(_PERSIAN_DIGITS)
    rng = random.Random(seed)
    copy = " ".join(w + (" " if rng.random() < 0.1 else "") for w in copy.split(" "))
    assert syndication.shingles(copy) == syndication.shingles(base)


def test_signatures_and_band_keys_are_the_same_in_another_process():
    # Stored band keys are compared with keys computed in later runs: nothing may depend on
    # the process (Python's hash seed) or the machine.
    text = _text_document(FARS_WORLD).text
    here = syndication.band_keys(syndication.signature(syndication.shingles(text)))
    code = ("import sys, json; from shahrnameh.nlp import syndication as s; "
            "t = sys.stdin.read(); print(json.dumps(s.band_keys(s.signature(s.shingles(t)))))")
    out = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    import json
    assert [tuple(k) for k in json.loads(out)] == here
    assert len(here) == syndication.BANDS and all(len(bucket) == 32 for _, bucket in here)
    assert syndication.BANDS * syndication.ROWS <= syndication.NUM_PERM


def test_band_keys_refuse_a_signature_of_the_wrong_length():
    with pytest.raises(ValueError, match="128"):
        syndication.band_keys(syndication.signature({"a b c"})[:64])


def _pairs():
    docs = {FARS_WORLD: _text_document(FARS_WORLD), FARS_ECONOMY: _text_document(FARS_ECONOMY),
            CHICKEN_2004: _text_document(CHICKEN_2004), CHICKEN_2005: _text_document(CHICKEN_2005)}
    docs.update({name: _voa_document(name) for name in VOA_NOTICE + VOA_ASAHI})
    docs["edited copy"] = read_document(_edited_copy(docs[CHICKEN_2005].text), is_html=False)
    return docs


def test_real_copies_are_candidates_and_different_stories_of_one_topic_are_not():
    docs = _pairs()
    same = {frozenset((FARS_WORLD, FARS_ECONOMY)), frozenset(VOA_NOTICE), frozenset((CHICKEN_2005, "edited copy"))}
    shingles = {name: syndication.shingles(d.text) for name, d in docs.items()}
    sigs = {name: syndication.signature(s) for name, s in shingles.items()}
    keys = {name: set(syndication.band_keys(sig)) for name, sig in sigs.items()}
    for a, b in itertools.combinations(docs, 2):
        exact = syndication.jaccard(shingles[a], shingles[b])
        estimate = syndication.estimated_similarity(sigs[a], sigs[b])
        assert abs(exact - estimate) < 0.15, (a, b, exact, estimate)
        if frozenset((a, b)) in same:
            assert exact >= syndication.SAME_STORY and keys[a] & keys[b], (a, b, exact)
        else:
            assert exact < syndication.SAME_STORY and not keys[a] & keys[b], (a, b, exact)
    # The hard negatives really are one topic: they share names and whole sentences.
    assert syndication.jaccard(shingles[VOA_ASAHI[0]], shingles[VOA_ASAHI[1]]) > 0.2
    assert syndication.jaccard(shingles[CHICKEN_2004], shingles[CHICKEN_2005]) > 0.1


def test_no_two_articles_of_the_corpus_fall_into_one_bucket_unless_they_are_copies():
    """Every text of the corpus against every other: the LSH buckets group only the known copies."""
    texts = {}
    for path in sorted((CORPUS / "text").glob("*.txt")) + sorted((CORPUS / "fars-municipal").glob("*.txt")):
        texts[path.name] = read_document(path.read_text(encoding="utf-8"), is_html=False).text
    for path in sorted(VOA.glob("*.html")):
        texts[path.name] = read_document(decode_page(path.read_bytes()), is_html=True).text
    for path in sorted(SYND.glob("*.txt")):
        texts[path.name] = read_document(path.read_text(encoding="utf-8"), is_html=False).text
    buckets: dict[tuple[int, str], set[str]] = {}
    for name, text in texts.items():
        for key in syndication.band_keys(syndication.signature(syndication.shingles(text))):
            buckets.setdefault(key, set()).add(name)
    grouped = {frozenset(names) for names in buckets.values() if len(names) > 1}
    assert len(texts) > 100
    # VOA's «یک موضوع چند زاویه» programme notice, rerun a month later (a snippet page the
    # pipeline does not store as an article, but the text is a copy all the same).
    assert grouped == {frozenset((FARS_WORLD, FARS_ECONOMY)), frozenset(VOA_NOTICE),
                       frozenset(("article_7950032.html", "article_7984397.html"))}


# --- the warehouse -------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path):
    if not POSTGRES:
        url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
        engine = db.connect(url)
        yield engine
    else:
        with postgres_schema() as url:
            engine = db.connect(url)
            yield engine
    db.disconnect(url)


@pytest.fixture
def run_id(engine):
    for name in ("fars", "voa", "agency"):
        load.upsert_source(engine, name=name, start_urls=[], allowed_domains=[], municipality=None)
    return load.start_run(engine)


def _load(engine, run_id, source, url, document):
    article_id, _ = load.load_document(engine, run_id, page_id=None, source=source, url=url, document=document)
    return article_id


def _stories(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(Article.url, Article.story_id).where(Article.superseded_by.is_(None))).all())


def test_copies_share_a_story_and_every_copy_stays_stored(engine, run_id):
    docs = _pairs()
    urls = {
        FARS_WORLD: "https://www.farsnews.ir/news/8501260044", CHICKEN_2004: "https://www.farsnews.ir/news/8305040189",
        VOA_ASAHI[0]: "https://www.darivoa.com/a/7947688.html", VOA_NOTICE[0]: "https://www.darivoa.com/a/7950231.html",
        CHICKEN_2005: "https://www.farsnews.ir/news/8403280244", VOA_ASAHI[1]: "https://www.darivoa.com/a/7948593.html",
        FARS_ECONOMY: "https://www.farsnews.ir/news/8501260121", VOA_NOTICE[1]: "https://www.darivoa.com/a/7984604.html",
        "edited copy": "https://agency.example/rerun/8403280244",
    }
    ids = {}
    for name, url in urls.items():
        source = "agency" if name == "edited copy" else "voa" if "darivoa" in url else "fars"
        ids[name] = _load(engine, run_id, source, url, docs[name])
    story = {name: _stories(engine)[url] for name, url in urls.items()}
    assert story[FARS_ECONOMY] == story[FARS_WORLD] == ids[FARS_WORLD]
    assert story[VOA_NOTICE[1]] == story[VOA_NOTICE[0]] == ids[VOA_NOTICE[0]]
    assert story["edited copy"] == story[CHICKEN_2005] == ids[CHICKEN_2005]
    for name in (CHICKEN_2004, CHICKEN_2005, *VOA_ASAHI):
        assert story[name] == ids[name], name  # a story of its own
    assert len(set(story.values())) == 6
    with Session(engine) as session:
        assert session.scalar(select(Article.id).where(Article.url == urls[FARS_ECONOMY])) == ids[FARS_ECONOMY]
        assert stories.same_story(session, ids[FARS_ECONOMY]) == [ids[FARS_WORLD], ids[FARS_ECONOMY]]
        bands = session.scalars(select(ArticleBand.article_id)).all()
    assert sorted(set(bands)) == sorted(ids.values()) and len(bands) == syndication.BANDS * len(ids)
    # Loading a copy again adds nothing and keeps its story.
    assert _load(engine, run_id, "fars", urls[FARS_ECONOMY], docs[FARS_ECONOMY]) == ids[FARS_ECONOMY]
    assert _stories(engine)[urls[FARS_ECONOMY]] == ids[FARS_WORLD]


def test_a_changed_version_stays_in_its_story(engine, run_id):
    world, economy = _text_document(FARS_WORLD), _text_document(FARS_ECONOMY)
    first = _load(engine, run_id, "fars", "https://www.farsnews.ir/news/8501260044", world)
    _load(engine, run_id, "fars", "https://www.farsnews.ir/news/8501260121", economy)
    # The economy page is later replaced by a different story: its URL stays in the story.
    changed = _load(engine, run_id, "fars", "https://www.farsnews.ir/news/8501260121", _text_document(CHICKEN_2004))
    assert _stories(engine)["https://www.farsnews.ir/news/8501260121"] == first
    # Its new text is indexed too: a later copy of that text finds it, and joins its story.
    _load(engine, run_id, "agency", "https://agency.example/chicken", _text_document(CHICKEN_2004))
    assert _stories(engine)["https://agency.example/chicken"] == first
    with Session(engine) as session:
        assert session.scalar(select(Article.story_id).where(Article.id == changed)) == first


def test_an_article_with_no_words_is_its_own_story(engine, run_id):
    from shahrnameh.nlp.records import Document

    article_id = _load(engine, run_id, "fars", "https://example.org/x", Document(
        kind="article", title=None, published=None, language="unknown", text="— « » —"))
    assert _stories(engine)["https://example.org/x"] == article_id
    with Session(engine) as session:
        assert session.scalars(select(ArticleBand).where(ArticleBand.article_id == article_id)).all() == []


def test_backfill_groups_articles_stored_before_the_stories_revision(engine, run_id):
    ids = {name: _load(engine, run_id, "fars", f"https://www.farsnews.ir/{name}", _text_document(name))
           for name in (FARS_WORLD, CHICKEN_2004, FARS_ECONOMY)}
    with Session(engine) as session, session.begin():
        session.execute(update(Article).values(story_id=None))
        session.query(ArticleBand).delete()
    assert stories.backfill(engine) == 3
    assert stories.backfill(engine) == 0
    story = _stories(engine)
    assert story[f"https://www.farsnews.ir/{FARS_ECONOMY}"] == story[f"https://www.farsnews.ir/{FARS_WORLD}"] \
        == ids[FARS_WORLD]
    assert story[f"https://www.farsnews.ir/{CHICKEN_2004}"] == ids[CHICKEN_2004]
