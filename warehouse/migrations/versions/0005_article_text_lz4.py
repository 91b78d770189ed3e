"""PostgreSQL: article texts compressed with lz4 rather than pglz.

A text longer than about 2 kB is compressed when stored (TOAST). pglz, the default, was a
tenth of the server's time in a bulk load (benchmarks/scale.py, perf); lz4 compresses and
reads back several times faster, for a few percent less compression. Texts stored before
stay as they are (both methods read back alike); new ones are lz4. A server built without
lz4 keeps pglz. SQLite does not compress: nothing to do there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Checked by the server when the migration runs, so the SQL script (alembic --sql) works too.
_WHEN_LZ4 = """
DO $$
BEGIN
    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
        ALTER TABLE articles ALTER COLUMN text SET COMPRESSION {method};
    END IF;
END
$$
"""


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(_WHEN_LZ4.format(method="lz4"))


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(_WHEN_LZ4.format(method="DEFAULT"))
