"""Initial schema: sources, runs, run_sources, pages, failures, articles, facts; view facts_full.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Only current article versions: an old version's facts stay in `facts` but not here.
FACTS_FULL = """
CREATE VIEW facts_full AS
SELECT f.id, f.article_id, f.ordinal, f.value, f.category, f.unit, f.qualifier, f.evidence,
       f.sentence_start, f.sentence_end, f.number_start, f.number_end,
       f.municipality, f.programme,
       a.url AS url, a.title AS title, a.published AS published, a.language AS language,
       s.name AS source
FROM facts f
JOIN articles a ON a.id = f.article_id
JOIN sources s ON s.id = a.source_id
WHERE a.superseded_by IS NULL
"""


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("start_urls", sa.JSON, nullable=False),
        sa.Column("allowed_domains", sa.JSON, nullable=False),
        sa.Column("municipality", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
    )
    op.create_table(
        "run_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False)
          for name in ("fetched", "new", "changed", "unchanged", "failed", "blocked")),
        sa.UniqueConstraint("run_id", "source_id", name="uq_run_sources_run_source"),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("requested_url", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("content_type", sa.Text),
        sa.Column("encoding", sa.String(64)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("archive_path", sa.Text),
        sa.Column("archive_offset", sa.BigInteger),
        sa.Column("length", sa.BigInteger),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("first_run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("url", "sha256", name="uq_pages_url_sha256"),
    )
    op.create_index("ix_pages_url", "pages", ["url"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_failures_url_stage", "failures", ["url", "stage"])
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id")),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("superseded_by", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("first_run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("url", "text_sha256", name="uq_articles_url_text_sha256"),
    )
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_index("ix_articles_published", "articles", ["published"])
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("value", sa.Numeric(24, 4), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("qualifier", sa.String(20), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("number_start", sa.Integer, nullable=False),
        sa.Column("number_end", sa.Integer, nullable=False),
        sa.Column("municipality", sa.Text),
        sa.Column("programme", sa.Text),
        sa.UniqueConstraint("article_id", "ordinal", name="uq_facts_article_ordinal"),
    )
    for column in ("category", "programme", "municipality", "article_id"):
        op.create_index(f"ix_facts_{column}", "facts", [column])
    op.execute(FACTS_FULL)


def downgrade() -> None:
    op.execute("DROP VIEW facts_full")
    for table in ("facts", "articles", "failures", "pages", "run_sources", "runs", "sources"):
        op.drop_table(table)
