"""Which worker ran each source of a run: run_sources.worker.

On a Dask cluster (`--cluster`, `--workers`) a source's crawl and load run on one of the
cluster's workers; its address (tcp://HOST:PORT) is kept with the source's line of the
run, so an operator sees where a source failed. NULL when the run ran in one process.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_sources") as table:
        table.add_column(sa.Column("worker", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_sources") as table:
        table.drop_column("worker")
