"""What `reparse` needs to know from the warehouse: which archived bodies are the current pages."""

from __future__ import annotations

from sqlalchemy import Engine, select, tuple_, update
from sqlalchemy.orm import Session

from shahrnameh.warehouse.db import WarehouseError, first_line
from shahrnameh.warehouse.models import Article, Failure, Page, Source, utcnow


def current_article_pages(engine: Engine, source: str | None = None) -> list[dict]:
    """Per article (or report) URL, the body it was last seen with: the one to read again.

    An older body of the same URL is history; reading it again would make its text the
    current version once more. "Last seen" is the page's last run, then its id (the later
    insert), so a page that went back to an earlier body is read as that body.
    """
    query = (select(Page.id, Page.url, Page.sha256, Page.content_type, Page.encoding, Page.archive_path, Page.archive_offset,
                    Source.name)
             .join(Source, Source.id == Page.source_id)
             .where(Page.role.in_(("article", "report")), Page.outcome.not_in(("failed", "blocked")),
                    Page.archive_path.is_not(None), Page.archive_offset.is_not(None))
             .order_by(Page.url, Page.last_run_id.desc(), Page.id.desc()))
    if source is not None:
        query = query.where(Source.name == source)
    try:
        with Session(engine) as session:
            rows = session.execute(query).all()
    except Exception as error:  # SQLAlchemy's errors, as one line naming what was asked
        raise WarehouseError(f"listing the archived article pages: {first_line(error)}") from error
    pages: dict[str, dict] = {}
    for page_id, url, sha256, content_type, encoding, archive_path, archive_offset, source_name in rows:
        pages.setdefault(url, {"page_id": page_id, "url": url, "sha256": sha256, "content_type": content_type,
                               "encoding": encoding, "archive_path": archive_path,
                               "archive_offset": archive_offset, "source": source_name})
    return list(pages.values())


def source_names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Source.name).order_by(Source.name)))


def pages_already_read(engine: Engine, page_ids: list[int]) -> set[int]:
    """Those of these pages that an earlier load read to the end: an article version came from
    it, or its URL was classified as no article since the page was first stored."""
    if not page_ids:
        return set()
    wanted = list(dict.fromkeys(page_ids))
    read: set[int] = set()
    with Session(engine) as session:
        for start in range(0, len(wanted), 500):  # bound the IN list
            chunk = wanted[start:start + 500]
            read.update(session.scalars(select(Article.page_id).where(Article.page_id.in_(chunk))))
            classified = (select(Page.id).join(Failure, Failure.url == Page.url)
                          .where(Page.id.in_(chunk), Failure.stage == "classify",
                                 Failure.last_run_id >= Page.first_run_id))
            read.update(session.scalars(classified))
    return read


def touch_unchanged_pages(engine: Engine, run_id: int, bodies: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Mark already stored (url, sha256) bodies as seen in this run, in one transaction.

    The same effect as load.record_fetch for an unchanged fetch, without a transaction per
    page, which is most of a nightly run in which nothing changed. Returns the page id of
    each body found; bodies not stored yet are left to record_fetch.
    """
    if not bodies:
        return {}
    found: dict[tuple[str, str], int] = {}
    wanted = list(dict.fromkeys(bodies))
    try:
        with Session(engine) as session, session.begin():
            for start in range(0, len(wanted), 400):
                chunk = wanted[start:start + 400]
                rows = session.execute(select(Page.id, Page.url, Page.sha256)
                                       .where(tuple_(Page.url, Page.sha256).in_(chunk))).all()
                found.update({(url, sha256): page_id for page_id, url, sha256 in rows})
                if rows:
                    session.execute(update(Page).where(Page.id.in_([row[0] for row in rows]))
                                    .values(last_run_id=run_id, last_seen_at=utcnow()))
    except Exception as error:
        raise WarehouseError(f"marking unchanged pages as seen in run {run_id}: {first_line(error)}") from error
    return found
