"""Entities: municipalities and programmes with alias tables, facts → entity ids; views
facts_full (with canonical names) and programme_timeline.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FACTS_FULL_0001 = """
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

# 0001's columns first, in their order, so queries written for it keep working.
FACTS_FULL = """
CREATE VIEW facts_full AS
SELECT f.id, f.article_id, f.ordinal, f.value, f.category, f.unit, f.qualifier, f.evidence,
       f.sentence_start, f.sentence_end, f.number_start, f.number_end,
       f.municipality, f.programme,
       a.url AS url, a.title AS title, a.published AS published, a.language AS language,
       s.name AS source,
       f.municipality_id AS municipality_id, m.name AS municipality_name, m.kind AS municipality_kind,
       coalesce(city.name, m.name) AS city,
       f.programme_id AS programme_id, p.name AS programme_name,
       coalesce(a.story_id, a.id) AS story_id, a.version AS article_version
FROM facts f
JOIN articles a ON a.id = f.article_id
JOIN sources s ON s.id = a.source_id
LEFT JOIN municipalities m ON m.id = f.municipality_id
LEFT JOIN municipalities city ON city.id = m.parent_id
LEFT JOIN programmes p ON p.id = f.programme_id
WHERE a.superseded_by IS NULL
"""

# One row per (story, programme, municipality, category, value): a syndicated copy of a story
# repeats its numbers, and the timeline counts them once, from the earliest article (dated
# before undated, then the first stored). An article without story_id is its own story.
# programme and municipality lead the PARTITION BY so that a WHERE on them is applied before
# the window (both engines push such a condition into the subquery), which keeps one
# programme's timeline an index lookup.
PROGRAMME_TIMELINE = """
CREATE VIEW programme_timeline AS
SELECT programme, municipality, category, unit, published, value, qualifier,
       fact_id, article_id, story_id, url, source, evidence
FROM (
    SELECT p.name AS programme, m.name AS municipality, f.category AS category, f.unit AS unit,
           a.published AS published, f.value AS value, f.qualifier AS qualifier,
           f.id AS fact_id, a.id AS article_id, coalesce(a.story_id, a.id) AS story_id,
           a.url AS url, s.name AS source, f.evidence AS evidence,
           row_number() OVER (
               PARTITION BY p.name, m.name, coalesce(a.story_id, a.id), f.category, f.value
               ORDER BY CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.id, f.id
           ) AS copy
    FROM facts f
    JOIN articles a ON a.id = f.article_id
    JOIN sources s ON s.id = a.source_id
    LEFT JOIN programmes p ON p.id = f.programme_id
    LEFT JOIN municipalities m ON m.id = f.municipality_id
    WHERE a.superseded_by IS NULL
) ranked
WHERE copy = 1
"""


def upgrade() -> None:
    op.execute("DROP VIEW facts_full")
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("municipalities.id")),
    )
    op.create_table(
        "municipality_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alias", sa.Text, nullable=False, unique=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("municipality_id", sa.Integer, sa.ForeignKey("municipalities.id"), nullable=False),
    )
    op.create_index("ix_municipality_aliases_key", "municipality_aliases", ["key"])
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "programme_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alias", sa.Text, nullable=False, unique=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
    )
    op.create_index("ix_programme_aliases_key", "programme_aliases", ["key"])
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("municipality_id", sa.Integer,
                                   sa.ForeignKey("municipalities.id", name="fk_facts_municipality_id")))
        batch.add_column(sa.Column("programme_id", sa.Integer,
                                   sa.ForeignKey("programmes.id", name="fk_facts_programme_id")))
    if not op.get_context().as_sql:  # an SQL script has no data to resolve
        _resolve_existing_facts(op.get_bind())
    op.create_index("ix_facts_municipality_id", "facts", ["municipality_id"])
    # Every index of facts is updated by every load (bulk loading ran at half speed with all
    # seven): the text ones give way to the entity ids, article_id already leads the unique
    # (article_id, ordinal) index, and a category (15 values, the largest a fifth of all
    # facts) is read by scanning anyway.
    for column in _DROPPED_INDEXES:
        op.drop_index(f"ix_facts_{column}", table_name="facts")
    op.create_index("ix_facts_programme_id_municipality_id", "facts", ["programme_id", "municipality_id"])
    op.execute(FACTS_FULL)
    op.execute(PROGRAMME_TIMELINE)


_DROPPED_INDEXES = ("category", "programme", "municipality", "article_id")


def _resolve_existing_facts(connection) -> None:
    """Facts loaded before this revision get their entity ids from their names."""
    # Imported here: only an upgrade over existing data needs the resolver.
    from shahrnameh.warehouse.entities import Entities

    facts = sa.table("facts", sa.column("id"), sa.column("municipality"), sa.column("programme"),
                     sa.column("municipality_id"), sa.column("programme_id"))
    if connection.scalar(sa.select(facts.c.id).limit(1)) is None:
        return  # a new warehouse: the first load seeds the entities
    entities = Entities(connection)
    entities.seed()
    for name_column, id_column, resolve in (("municipality", "municipality_id", entities.municipality_id),
                                            ("programme", "programme_id", entities.programme_id)):
        names = connection.scalars(sa.select(facts.c[name_column]).where(facts.c[name_column].isnot(None))
                                   .distinct()).all()
        for name in names:
            entity_id = resolve(name)
            if entity_id is not None:
                connection.execute(facts.update().where(facts.c[name_column] == name)
                                   .values({id_column: entity_id}))


def downgrade() -> None:
    op.execute("DROP VIEW programme_timeline")
    op.execute("DROP VIEW facts_full")
    op.drop_index("ix_facts_programme_id_municipality_id", table_name="facts")
    op.drop_index("ix_facts_municipality_id", table_name="facts")
    for column in _DROPPED_INDEXES:
        op.create_index(f"ix_facts_{column}", "facts", [column])
    with op.batch_alter_table("facts") as batch:
        batch.drop_constraint("fk_facts_programme_id", type_="foreignkey")
        batch.drop_constraint("fk_facts_municipality_id", type_="foreignkey")
        batch.drop_column("programme_id")
        batch.drop_column("municipality_id")
    for table in ("programme_aliases", "programmes", "municipality_aliases", "municipalities"):
        op.drop_table(table)
    op.execute(FACTS_FULL_0001)
