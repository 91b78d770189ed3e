"""Municipality and programme entities: a name as an article wrote it → the entity's id.

Every spelling seen is a row of the entity's alias table, with its `alias_key` (nlp.entities);
a name whose key is known maps to that entity (and its spelling is added), an unknown one
becomes a new entity. Cities and programmes of nlp/data are seeded first, so their spellings
there are the canonical names.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from shahrnameh.nlp.entities import (
    SEPARATOR, alias_key, canonical_name, municipality_parts, seed_cities, seed_programmes,
)
from shahrnameh.warehouse.models import Municipality, MunicipalityAlias, Programme, ProgrammeAlias

# PostgreSQL: loaders creating entities at the same time take turns, so one key never gets
# two entities. (SQLite writers are already one at a time.)
_CREATION_LOCK = 7312

# Engines whose seed lists this process has already checked.
_seeded: weakref.WeakSet = weakref.WeakSet()


class Entities:
    """Resolves names to entity ids inside one transaction, creating the unknown ones."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self._programmes: dict[str, int] = {}
        self._municipalities: dict[str, tuple[int, str]] = {}
        self._locked = False

    def programme_id(self, name: str | None) -> int | None:
        if not name or not alias_key(name):
            return None
        # Cached by spelling, not key: each new spelling of a known entity becomes one more alias.
        if name not in self._programmes:
            self._programmes[name] = self._resolve(Programme, ProgrammeAlias, "programme_id", name,
                                                   alias_key(name), {})
        return self._programmes[name]

    def municipality_id(self, name: str | None) -> int | None:
        """«تهران / منطقه 3» is the district «تهران / منطقه 3», whose parent is the city «تهران»."""
        if not name or not alias_key(name):
            return None
        found = self._municipality(name)
        return found[0] if found else None

    def _municipality(self, name: str) -> tuple[int, str] | None:
        key = alias_key(name)
        if name in self._municipalities:
            return self._municipalities[name]
        parent: tuple[int, str] | None = None
        result = None
        for part, kind in municipality_parts(name):
            if kind == "city" and parent is None:
                entity_id = self._resolve(Municipality, MunicipalityAlias, "municipality_id", part,
                                          alias_key(part), {"kind": "city", "parent_id": None})
                parent = (entity_id, self._name(Municipality, entity_id))
                result = parent
            elif kind == "district":
                full = f"{parent[1]}{SEPARATOR}{part}" if parent else part
                entity_id = self._resolve(Municipality, MunicipalityAlias, "municipality_id", full,
                                          alias_key(full), {"kind": "district",
                                                            "parent_id": parent[0] if parent else None})
                result = (entity_id, full)
                break
        if result is not None and alias_key(name) != alias_key(result[1]):
            # The name as written («تهران / منطقه ۳») is an alias of what it resolved to.
            self._add_alias(MunicipalityAlias, "municipality_id", name, key, result[0])
        self._municipalities[name] = result
        return result

    def _resolve(self, entity, aliases, foreign_key: str, name: str, key: str, extra: dict) -> int:
        entity_id = self._by_key(aliases, foreign_key, key)
        if entity_id is None:
            self._lock()
            entity_id = self._by_key(aliases, foreign_key, key)
        if entity_id is None:
            canonical = canonical_name(name)
            # The canonical name may exist under another key only if alias_key changed since
            # it was stored; then the name is that entity.
            entity_id = self.connection.scalar(select(entity.id).where(entity.name == canonical))
            if entity_id is None:
                entity_id = self.connection.scalar(insert(entity).values(name=canonical, **extra)
                                                   .returning(entity.id))
            self._add_alias(aliases, foreign_key, canonical, key, entity_id)
        self._add_alias(aliases, foreign_key, " ".join(name.split()), key, entity_id)
        return entity_id

    def _by_key(self, aliases, foreign_key: str, key: str) -> int | None:
        return self.connection.scalar(select(getattr(aliases, foreign_key)).where(aliases.key == key)
                                      .order_by(aliases.id).limit(1))

    def _add_alias(self, aliases, foreign_key: str, alias: str, key: str, entity_id: int) -> None:
        self.connection.execute(_insert(self.connection, aliases.__table__)
                                .values(alias=alias, key=key, **{foreign_key: entity_id})
                                .on_conflict_do_nothing(index_elements=["alias"]))

    def _name(self, entity, entity_id: int) -> str:
        return self.connection.scalar(select(entity.name).where(entity.id == entity_id))

    def _lock(self) -> None:
        if not self._locked and self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_CREATION_LOCK})")
        self._locked = True

    def seed(self) -> None:
        """The cities and programmes of nlp/data, each an entity; known spellings are left as they are."""
        programmes = set(self.connection.scalars(select(ProgrammeAlias.alias)))
        municipalities = set(self.connection.scalars(select(MunicipalityAlias.alias)))
        for name in seed_programmes():
            if " ".join(name.split()) not in programmes:
                self.programme_id(name)
        for name in seed_cities():
            if " ".join(name.split()) not in municipalities:
                self.municipality_id(name)


def seed_once(engine: Engine) -> None:
    """Seed the entities, in a transaction of their own, the first time this process writes to
    `engine` (the lists in nlp/data may have grown since the warehouse was last written)."""
    if engine in _seeded:
        return
    with engine.begin() as connection:
        Entities(connection).seed()
    _seeded.add(engine)


def _insert(connection: Connection, table):
    return (sqlite if connection.dialect.name == "sqlite" else postgresql).insert(table)
