"""The alias keys read «ائ» inside a word as «ای»: «قائم‌شهر» is the gazetteer's «قایم شهر».

nlp.entities' keys fold a hamza on «ی» after «ا» («قائن», «قاین»; «مسائل», «مسایل»), so a
name written either way is one municipality or programme. The keys stored before are
recomputed: municipality aliases by alias_key, programme aliases by programme_key (as 0006
left them). Entities whose names now share a key are not merged here; a lookup takes the
first, as for any two aliases of one key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().as_sql:  # an SQL script has no rows to read; keys are written at load
        return
    from shahrnameh.nlp.entities import alias_key, programme_key

    connection = op.get_bind()
    for table, key_of in (("municipality_aliases", alias_key), ("programme_aliases", programme_key)):
        aliases = sa.table(table, sa.column("id"), sa.column("alias"), sa.column("key"))
        # Only aliases with a hamza on «ی» can change key.
        rows = connection.execute(sa.select(aliases.c.id, aliases.c.alias, aliases.c.key)
                                  .where(aliases.c.alias.like("%ئ%"))).all()
        for alias_id, alias, key in rows:
            new_key = key_of(alias)
            if new_key and new_key != key:
                connection.execute(aliases.update().where(aliases.c.id == alias_id).values(key=new_key))


def downgrade() -> None:
    """The keys stay as the upgrade wrote them: 0009's code keys a new «ائ» alias apart, so a
    name written both ways may again become two entities, as it could before 0010."""
