"""Facts keep how their municipality was attributed; programme aliases keyed by programme_key.

`facts.attribution` is nlp.places' «sentence», «earlier», «title», the source's default
(«source») or "" (no place); facts loaded before stay NULL until `reparse` reads them again.
facts_full shows it as its last column.

Programme names are matched by nlp.entities.programme_key, which also folds plurals and the
ezafe («سراهای محلات» = «سرای محله»); the keys stored by alias_key are recomputed with it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_LAST_COLUMN = "a.version AS article_version"


def _views() -> tuple[str, str]:
    # 0004's views (0003's texts, live facts only), so this revision changes only facts_full's columns.
    from importlib import util
    from pathlib import Path

    path = Path(__file__).with_name("0004_fact_extractions.py")
    spec = util.spec_from_file_location(f"_shahrnameh_{path.stem}", path)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._views(module._LIVE_FACTS)


def upgrade() -> None:
    op.execute("DROP VIEW programme_timeline")
    op.execute("DROP VIEW facts_full")
    op.add_column("facts", sa.Column("attribution", sa.String(16)))
    facts_full, timeline = _views()
    assert facts_full.count(_LAST_COLUMN) == 1
    op.execute(facts_full.replace(_LAST_COLUMN, f"{_LAST_COLUMN},\n       f.attribution AS attribution"))
    op.execute(timeline)
    if not op.get_context().as_sql:  # an SQL script has no rows to read; keys are rewritten at load
        _rekey_programme_aliases(op.get_bind())


def _rekey_programme_aliases(connection) -> None:
    from shahrnameh.nlp.entities import programme_key

    aliases = sa.table("programme_aliases", sa.column("id"), sa.column("alias"), sa.column("key"))
    for alias_id, alias, key in connection.execute(sa.select(aliases.c.id, aliases.c.alias, aliases.c.key)).all():
        new_key = programme_key(alias)
        if new_key and new_key != key:
            connection.execute(aliases.update().where(aliases.c.id == alias_id).values(key=new_key))


def downgrade() -> None:
    op.execute("DROP VIEW programme_timeline")
    op.execute("DROP VIEW facts_full")
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("attribution")
    for view in _views():
        op.execute(view)
    if op.get_context().as_sql:
        return
    from shahrnameh.nlp.entities import alias_key

    connection = op.get_bind()
    aliases = sa.table("programme_aliases", sa.column("id"), sa.column("alias"), sa.column("key"))
    for alias_id, alias in connection.execute(sa.select(aliases.c.id, aliases.c.alias)).all():
        connection.execute(aliases.update().where(aliases.c.id == alias_id).values(key=alias_key(alias)))
