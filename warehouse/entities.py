"""Municipality and programme entities: a name as an article wrote it → the entity's id.

Every spelling seen is a row of the entity's alias table, with its key (nlp.entities: `alias_key`, for
programmes `programme_key`, which also folds plurals);
a name whose key is known maps to that entity (and its spelling is added), an unknown one
becomes a new entity. Cities and programmes of nlp/data are seeded first, so their spellings
there are the canonical names.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from shahrnameh.nlp.entities import (
    SEPARATOR, alias_key, canonical_name, district_towns, municipality_parts, programme_key, seed_cities,
    seed_programmes,
)
from shahrnameh.warehouse.models import Municipality, MunicipalityAlias, Programme, ProgrammeAlias

# PostgreSQL: loaders creating entities at the same time take turns, so one key never gets
# two entities. (SQLite writers are already one at a time.)
_CREATION_LOCK = 7312

# Engines whose seed lists this process has already checked.
_seeded: weakref.WeakSet = weakref.WeakSet()


class _Kind:
    """One entity table and its alias table, with what this transaction knows of them."""

    def __init__(self, connection: Connection, entity, aliases, foreign_key: str, key):
        self.entity, self.aliases, self.foreign_key, self.key = entity, aliases, foreign_key, key
        self.by_alias: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        # The alias tables are small (a few per entity): read once, then most names cost a dict lookup.
        rows = connection.execute(select(aliases.alias, aliases.key, getattr(aliases, foreign_key))
                                  .order_by(aliases.id)).all()
        for alias, key, entity_id in rows:
            self.by_alias[alias] = entity_id
            self.by_key.setdefault(key, entity_id)
        self.names: dict[int, str] = dict(connection.execute(select(entity.id, entity.name)).all())


class Entities:
    """Resolves names to entity ids inside one transaction, creating the unknown ones."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self._kinds: dict[str, _Kind] = {}
        self._locked = False

    def _kind(self, name: str) -> _Kind:
        if name not in self._kinds:
            entity, aliases, foreign_key, key = {
                # A programme's key also folds plurals and the ezafe: «سراهای محلات» is «سرای محله».
                "programme": (Programme, ProgrammeAlias, "programme_id", programme_key),
                "municipality": (Municipality, MunicipalityAlias, "municipality_id", alias_key),
            }[name]
            self._kinds[name] = _Kind(self.connection, entity, aliases, foreign_key, key)
        return self._kinds[name]

    def programme_id(self, name: str | None) -> int | None:
        if not name:
            return None
        kind = self._kind("programme")
        found = kind.by_alias.get(name)
        return found if found is not None else self._resolve(kind, name, {})

    def municipality_id(self, name: str | None) -> int | None:
        """«تهران / منطقه 3» is the district «تهران / منطقه 3», whose parent is the city «تهران»."""
        if not name:
            return None
        kind = self._kind("municipality")
        found = kind.by_alias.get(name)
        if found is not None:
            return found
        parent: int | None = None
        result = None
        for part, part_kind in municipality_parts(name):
            if part_kind == "city" and parent is None:
                parent = result = self._resolve(kind, part, {"kind": "city", "parent_id": None})
            elif part_kind == "district":
                if parent is not None and SEPARATOR in kind.names[parent]:
                    # The «city» was a town that is a city's district («شهرری / منطقه 20»): a
                    # district has no districts, the town's district is the place.
                    break
                full = f"{kind.names[parent]}{SEPARATOR}{part}" if parent else part
                result = self._resolve(kind, full, {"kind": "district", "parent_id": parent})
                break
        if result is not None:
            # The name as written («تهران / منطقه ۳») is an alias of what it resolved to.
            self._add_alias(kind, name, kind.key(name), result)
        return result

    def _resolve(self, kind: _Kind, name: str, extra: dict) -> int | None:
        """The id of the entity `name` spells, its spelling added as an alias; created when unknown."""
        spelling = " ".join(name.split())
        if spelling in kind.by_alias:
            return kind.by_alias[spelling]
        key = kind.key(name)
        if not key:
            return None
        entity_id = kind.by_key.get(key)
        if entity_id is None:
            self._lock()
            entity_id = self.connection.scalar(select(getattr(kind.aliases, kind.foreign_key))
                                               .where(kind.aliases.key == key).order_by(kind.aliases.id).limit(1))
        if entity_id is None:
            canonical = canonical_name(name)
            # The canonical name may exist under another key only if alias_key changed since
            # it was stored; then the name is that entity.
            entity_id = self.connection.scalar(select(kind.entity.id).where(kind.entity.name == canonical))
            if entity_id is None:
                entity_id = self.connection.scalar(insert(kind.entity).values(name=canonical, **extra)
                                                   .returning(kind.entity.id))
            kind.names[entity_id] = canonical
            self._add_alias(kind, canonical, key, entity_id)
        self._add_alias(kind, spelling, key, entity_id)
        return entity_id

    def _add_alias(self, kind: _Kind, alias: str, key: str, entity_id: int) -> None:
        if alias in kind.by_alias:
            return
        self.connection.execute(_insert(self.connection, kind.aliases.__table__)
                                .values(alias=alias, key=key, **{kind.foreign_key: entity_id})
                                .on_conflict_do_nothing(index_elements=["alias"]))
        kind.by_alias[alias] = entity_id
        kind.by_key.setdefault(key, entity_id)
        if entity_id not in kind.names:
            kind.names[entity_id] = self.connection.scalar(select(kind.entity.name)
                                                           .where(kind.entity.id == entity_id))

    def _lock(self) -> None:
        if not self._locked and self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_CREATION_LOCK})")
        self._locked = True

    def seed(self) -> None:
        """The cities and programmes of nlp/data, each an entity, and the towns that are a city's
        district as aliases of that district; known spellings are left as they are (a warehouse
        that stored «شهرری» as a city of its own keeps it)."""
        for name in seed_programmes():
            self.programme_id(name)
        for name in seed_cities():
            self.municipality_id(name)
        kind = self._kind("municipality")
        for town, district in district_towns().items():
            self._add_alias(kind, town, kind.key(town), self.municipality_id(district))


def seed_once(engine: Engine) -> None:
    """Seed the entities, in a transaction of their own, the first time this process writes to
    `engine` (the lists in nlp/data may have grown since the warehouse was last written)."""
    if engine in _seeded:
        return
    with engine.begin() as connection:
        Entities(connection).seed()
    _seeded.add(engine)


def find_programme(connection: Connection, written: str) -> tuple[int, str] | None:
    """The programme a user's `written` name spells (any alias: with or without ZWNJ, ي/ك,
    plural), as (id, canonical name); None when it names none."""
    return _find(connection, ProgrammeAlias, "programme_id", Programme, written, programme_key)


def find_municipality(connection: Connection, written: str) -> list[tuple[int, str]]:
    """The municipality a user's `written` name spells, then its districts by name, as
    (id, canonical name); [] when it names none."""
    found = _find(connection, MunicipalityAlias, "municipality_id", Municipality, written, alias_key)
    if found is None:
        return []
    districts = connection.execute(select(Municipality.id, Municipality.name)
                                   .where(Municipality.parent_id == found[0]).order_by(Municipality.name)).all()
    return [found, *((row[0], row[1]) for row in districts)]


def _find(connection: Connection, aliases, foreign_key: str, entity, written: str, key_of) -> tuple[int, str] | None:
    key = key_of(written)
    if not key:
        return None
    row = connection.execute(select(entity.id, entity.name)
                             .join(aliases, getattr(aliases, foreign_key) == entity.id)
                             .where(aliases.key == key).order_by(aliases.id).limit(1)).first()
    return None if row is None else (row[0], row[1])


def _insert(connection: Connection, table):
    return (sqlite if connection.dialect.name == "sqlite" else postgresql).insert(table)
