"""archive_index: the raw archive's index moves into the warehouse.

It was a second SQLite database in the archive folder (ARCHIVE/index.sqlite): SQL outside
the warehouse, and a file that cannot be shared between machines. Now per source and URL
the warehouse keeps the body last downloaded (its digest, WARC file and offset) and the
validators for the next conditional request. This revision only makes the table: it does
not know where an archive is. The first run over an archive with an old index.sqlite
imports it (warehouse.archive_queries.import_old_index) and renames it index.sqlite.imported.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_index",
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), primary_key=True),
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("archive_path", sa.Text(), nullable=False),
        sa.Column("archive_offset", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=True),
        sa.Column("encoding", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("archive_index")
