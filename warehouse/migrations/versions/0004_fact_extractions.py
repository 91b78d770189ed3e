"""Facts re-extracted from an unchanged text: the earlier extraction's facts are kept, retired.

An article version is keyed by its text; an nlp improvement can read other facts from the
same text. `shahrnameh reparse` then retires the version's facts (retired_run_id = the
reparse run) and stores the new extraction beside them. The views show live facts only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_LIVE = "WHERE a.superseded_by IS NULL"
_LIVE_FACTS = "WHERE a.superseded_by IS NULL AND f.retired_run_id IS NULL"


def _views_of(revision_module: str) -> tuple[str, str]:
    # The 0003 view texts, so that this revision changes only their filter.
    from importlib import util
    from pathlib import Path

    path = Path(__file__).with_name(revision_module)
    spec = util.spec_from_file_location(f"_shahrnameh_{path.stem}", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FACTS_FULL, module.PROGRAMME_TIMELINE


def _views(live_filter: str) -> tuple[str, str]:
    facts_full, timeline = _views_of("0003_entities.py")
    assert facts_full.count(_LIVE) == 1 and timeline.count(_LIVE) == 1
    return facts_full.replace(_LIVE, live_filter), timeline.replace(_LIVE, live_filter)


def upgrade() -> None:
    # Views first: SQLite's batch mode rebuilds `facts`, which views on it would block.
    op.execute("DROP VIEW programme_timeline")
    op.execute("DROP VIEW facts_full")
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("retired_run_id", sa.Integer))
        batch.create_foreign_key("fk_facts_retired_run_id", "runs", ["retired_run_id"], ["id"])
    for view in _views(_LIVE_FACTS):
        op.execute(view)


def downgrade() -> None:
    op.execute("DROP VIEW programme_timeline")
    op.execute("DROP VIEW facts_full")
    with op.batch_alter_table("facts") as batch:
        batch.drop_constraint("fk_facts_retired_run_id", type_="foreignkey")
        batch.drop_column("retired_run_id")
    for view in _views(_LIVE):  # 0003's own texts
        op.execute(view)
