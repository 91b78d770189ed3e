"""Programme names keep the Arabic plurals the word list knows no «ـه» singular of.

Before, nlp.entities.singular_word turned «اطلاعات» into «اطلاعه» and «امکانات» into «امکانه»,
words that do not exist, because the word list counts neither the plural nor that «singular»:
«سامانه جامع بانک اطلاعات موقوفات» was stored as «… اطلاعه …». Such a plural is now kept. The
names stored before are restored (facts' programme, the programme's name, its aliases), and the
aliases re-keyed by programme_key; a programme whose restored name another one already has is
merged into it (its facts and aliases moved), so no name is stored twice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _restored(name: str, words) -> str:
    """«… اطلاعه …» → «… اطلاعات …»: a word the list does not know whose «ـات» plural it tags."""
    def restored_word(word: str) -> str:
        if not word.endswith("ه") or (words.get(word) or (0,))[0]:
            return word
        plural = word[:-1] + "ات"
        return plural if "PL" in (words.get(plural) or (0, ""))[1].split(",") else word

    return " ".join(restored_word(word) for word in name.split(" "))


def upgrade() -> None:
    if op.get_context().as_sql:  # an SQL script has no rows to read; names are written at load
        return
    from shahrnameh.nlp.entities import programme_key
    from shahrnameh.nlp.lexicon import words

    lexicon = words()
    connection = op.get_bind()
    programmes = sa.table("programmes", sa.column("id"), sa.column("name"))
    aliases = sa.table("programme_aliases", sa.column("id"), sa.column("alias"), sa.column("key"),
                       sa.column("programme_id"))
    facts = sa.table("facts", sa.column("id"), sa.column("programme"), sa.column("programme_id"))
    by_name = {name: programme_id for programme_id, name in connection.execute(
        sa.select(programmes.c.id, programmes.c.name)).all()}
    for name, programme_id in list(by_name.items()):
        restored = _restored(name, lexicon)
        if restored == name:
            continue
        kept = by_name.get(restored)
        if kept is None:
            connection.execute(programmes.update().where(programmes.c.id == programme_id).values(name=restored))
            by_name[restored] = programme_id
        else:  # the restored name is another programme's: one entity
            connection.execute(facts.update().where(facts.c.programme_id == programme_id).values(programme_id=kept))
            connection.execute(aliases.update().where(aliases.c.programme_id == programme_id).values(programme_id=kept))
            connection.execute(programmes.delete().where(programmes.c.id == programme_id))
        del by_name[name]
    seen = {alias for (alias,) in connection.execute(sa.select(aliases.c.alias)).all()}
    for alias_id, alias, key in connection.execute(sa.select(aliases.c.id, aliases.c.alias, aliases.c.key)).all():
        restored = _restored(alias, lexicon)
        if restored != alias and restored in seen:
            connection.execute(aliases.delete().where(aliases.c.id == alias_id))  # spelled so already
            continue
        new_key = programme_key(restored)
        if restored != alias or (new_key and new_key != key):
            connection.execute(aliases.update().where(aliases.c.id == alias_id)
                               .values(alias=restored, key=new_key or key))
            seen.add(restored)
    for fact_id, programme in connection.execute(
            sa.select(facts.c.id, facts.c.programme).where(facts.c.programme.like("%ه%"))).all():
        restored = _restored(programme, lexicon)
        if restored != programme:
            connection.execute(facts.update().where(facts.c.id == fact_id).values(programme=restored))


def downgrade() -> None:
    """The names stay restored: 0010's code would write «اطلاعه» again only for new loads."""
