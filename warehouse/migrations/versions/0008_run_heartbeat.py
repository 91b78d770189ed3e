"""runs.last_seen_at: when a run was last seen alive, so that a killed run can be told apart.

A run killed with SIGKILL (or by a power cut) never finishes its row: it stayed `running`
forever. A run now updates last_seen_at as it goes (at its start, then every half minute),
and the next run, which holds the warehouse's run lock and so knows no other run is alive,
closes such a row as `interrupted`, its finished_at the moment it was last seen. Rows
written before this revision get their started_at: the only moment they are known alive.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        runs.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE runs SET last_seen_at = started_at")


def downgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        runs.drop_column("last_seen_at")
