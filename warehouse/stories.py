"""Syndication in the warehouse: copies of one story share articles.story_id.

Every stored article version gets its MinHash LSH band keys in `article_bands`
(nlp/syndication.py). A new version looks up the articles sharing any (band, bucket) with
it, confirms each candidate with the exact Jaccard similarity of the two texts' shingles
(both texts are in the warehouse, so the exact value costs one shingling per candidate and
removes the ±0.04 error of the MinHash estimate; a candidate with the very same text is
confirmed by its text_sha256 without shingling it), and joins the story of the earliest
stored confirmed one. With no confirmed candidate it starts its own story (story_id = id).
A changed version of a URL stays in the story of the version it supersedes, so an edited
article is never split from the copies already grouped with it.

Plain SQL through SQLAlchemy Core/ORM: the same statements run on SQLite and PostgreSQL.
Two copies loaded at the same moment by different loaders (threads, or a cluster's workers)
would not see each other's uncommitted bands and could start two stories: on PostgreSQL
the search for a story is one loader at a time (a transaction-level advisory lock, held
until the article's transaction commits); SQLite's writers already are. So the text's own
shingles and band keys (`fingerprint`, pure CPU: most of the cost of a story search) are
computed before the loader's transaction and passed in, not while every other loader waits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, or_, select, text
from sqlalchemy.orm import Session

from shahrnameh.nlp import syndication
from shahrnameh.warehouse.models import Article, ArticleBand

# A story with more candidates than this is boilerplate shared by a whole site (a promo
# paragraph); confirming the earliest ones is enough to find the story.
MAX_CANDIDATES = 50

_STORY_LOCK = 7313  # pg_advisory_xact_lock key; 7312 is warehouse/entities.py's


@dataclass(frozen=True)
class Fingerprint:
    """What the story search needs of a text: its shingles and its LSH band keys."""

    shingles: frozenset[str]
    keys: list[tuple[int, str]]


def fingerprint(text: str) -> Fingerprint:
    shingles = syndication.shingles(text)
    return Fingerprint(shingles, syndication.band_keys(syndication.signature(shingles)) if shingles else [])


def assign_story(session: Session, article: Article, previous: Article | None = None,
                 fingerprint_of_text: Fingerprint | None = None) -> int:
    """Store `article`'s band keys and set its story_id; `previous` is the version it supersedes.

    `article` must be flushed (it needs its id). `fingerprint_of_text`: `fingerprint(article.text)`
    when the caller computed it before its transaction. Returns the story_id.
    """
    found = fingerprint_of_text if fingerprint_of_text is not None else fingerprint(article.text)
    shingles, keys = found.shingles, found.keys
    session.add_all(ArticleBand(article_id=article.id, band=band, bucket=bucket) for band, bucket in keys)
    if previous is not None:
        article.story_id = previous.story_id if previous.story_id is not None else previous.id
    else:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _STORY_LOCK})
        article.story_id = _matching_story(session, article.id, article.text_sha256, shingles, keys) or article.id
    session.flush()
    return article.story_id


def same_story(session: Session, article_id: int) -> list[int]:
    """Ids of the articles in the story of `article_id`, itself included, oldest first."""
    story = session.scalar(select(Article.story_id).where(Article.id == article_id))
    if story is None:
        return [article_id]
    return list(session.scalars(select(Article.id).where(Article.story_id == story).order_by(Article.id)))


def backfill(engine: Engine) -> int:
    """Give a story to every article stored before revision 0002 (story_id NULL), oldest first.

    Returns how many articles were assigned. Idempotent: assigned articles are skipped.
    """
    assigned = 0
    with Session(engine) as session, session.begin():
        pending = session.scalars(select(Article).where(Article.story_id.is_(None)).order_by(Article.id)).all()
        for article in pending:
            previous = session.scalar(
                select(Article).where(Article.superseded_by == article.id, Article.story_id.is_not(None)))
            assign_story(session, article, previous)
            assigned += 1
    return assigned


def _matching_story(session: Session, article_id: int, text_sha256: str | None, shingles: frozenset[str],
                    keys: list[tuple[int, str]]) -> int | None:
    if not keys:
        return None
    shares_a_band = or_(*(and_(ArticleBand.band == band, ArticleBand.bucket == bucket) for band, bucket in keys))
    candidate_ids = select(ArticleBand.article_id).where(shares_a_band, ArticleBand.article_id != article_id)
    # Texts are read one candidate at a time, only when needed: the earliest candidate is
    # usually confirmed, often as the very same text.
    candidates = session.execute(
        select(Article.id, Article.story_id, Article.text_sha256)
        .where(Article.id.in_(candidate_ids), Article.story_id.is_not(None))
        .order_by(Article.id).limit(MAX_CANDIDATES)
    ).all()
    for candidate_id, story_id, candidate_sha256 in candidates:
        if text_sha256 is not None and candidate_sha256 == text_sha256:
            return story_id  # the same text: Jaccard similarity 1
        text = session.scalar(select(Article.text).where(Article.id == candidate_id))
        if syndication.jaccard(shingles, syndication.shingles(text)) >= syndication.SAME_STORY:
            return story_id
    return None
