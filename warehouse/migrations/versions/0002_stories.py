"""Syndication: articles that tell the same story share a story_id; MinHash LSH bands find them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        # The id of the first stored article of the story; an article with no near-duplicate is
        # its own story. NULL only for rows loaded before this revision.
        batch.add_column(sa.Column("story_id", sa.Integer))
        batch.create_index("ix_articles_story_id", ["story_id"])
    # One row per (article, LSH band): two articles sharing any (band, bucket) are candidates.
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "band", name="pk_article_bands"),
    )
    op.create_index("ix_article_bands_band_bucket", "article_bands", ["band", "bucket"])


def downgrade() -> None:
    op.drop_index("ix_article_bands_band_bucket", table_name="article_bands")
    op.drop_table("article_bands")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_story_id")
        batch.drop_column("story_id")
