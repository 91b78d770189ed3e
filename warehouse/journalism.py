"""Reading the warehouse for journalists: one programme's numbers over time, and what is new.

Names typed by a user are matched through the alias tables by `nlp.entities.alias_key`, so
«شورایاری», «شورای‌یاری» and «شورايارى» find one programme; user text reaches SQL only
as a bound parameter. Rows come from the `programme_timeline` view (current article versions,
a syndicated story counted once).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import DateTime, Engine, bindparam, text

from shahrnameh.nlp.entities import alias_key
from shahrnameh.warehouse import entities
from shahrnameh.warehouse.db import WarehouseError
from shahrnameh.warehouse.queries import _plain_value, _reading

# The timeline of one programme, with when each article version was first stored: an undated
# article still has a place in time (when the crawler first saw it).
TIMELINE_SQL = """
SELECT t.published AS published, a.created_at AS seen, t.municipality AS municipality,
       t.category AS category, t.value AS value, t.unit AS unit, t.qualifier AS qualifier,
       t.source AS source, t.url AS url, t.evidence AS evidence,
       t.fact_id AS fact_id, t.article_id AS article_id, t.story_id AS story_id
FROM programme_timeline t
JOIN articles a ON a.id = t.article_id
WHERE t.programme = :programme
"""

# Facts of current article versions stored since a moment (one row per syndicated story).
NEW_SQL = """
SELECT t.programme AS programme, t.municipality AS municipality, t.category AS category,
       t.unit AS unit, t.value AS value, t.qualifier AS qualifier, t.published AS published,
       t.url AS url, t.source AS source, t.evidence AS evidence, t.fact_id AS fact_id,
       a.created_at AS seen, a.title AS title
FROM programme_timeline t
JOIN articles a ON a.id = t.article_id
WHERE a.created_at >= :since
"""

# The facts of every version, stored before that moment, of the URLs that got a new version
# since: the one of them stored last is what a reader saw at `since`.
EARLIER_SQL = """
SELECT a.url AS url, a.id AS article_id, a.created_at AS created_at, p.name AS programme,
       m.name AS municipality, f.category AS category, f.unit AS unit, f.value AS value,
       f.qualifier AS qualifier, f.evidence AS evidence, f.ordinal AS ordinal
FROM articles a
JOIN facts f ON f.article_id = a.id
LEFT JOIN programmes p ON p.id = f.programme_id
LEFT JOIN municipalities m ON m.id = f.municipality_id
WHERE a.created_at < :since
  AND a.url IN (SELECT url FROM articles WHERE created_at >= :since AND superseded_by IS NULL)
"""


class NoMatch(WarehouseError):
    """A programme or municipality name that names nothing in the warehouse."""


@dataclass
class Timeline:
    programme: str
    municipalities: list[str] | None  # None: every municipality
    rows: list[dict] = field(default_factory=list)


def find_programme(engine: Engine, name: str) -> str:
    """The canonical name of the programme `name` spells (any alias, with or without ZWNJ, ي/ك)."""
    with _reading(engine, "looking up the programme") as connection:
        found = entities.find_programme(connection, name)
        if found is not None:
            return found[1]
        names = connection.execute(text("SELECT name FROM programmes")).scalars().all()
    raise NoMatch(f"no programme named «{name.strip()}»" + _close_matches(name, names))


def find_municipalities(engine: Engine, name: str) -> list[str]:
    """The municipality `name` spells and its districts («تهران» → «تهران», «تهران / منطقه 3», …)."""
    with _reading(engine, "looking up the municipality") as connection:
        found = entities.find_municipality(connection, name)
        if found:
            return [canonical for _, canonical in found]
        names = connection.execute(text("SELECT name FROM municipalities")).scalars().all()
    raise NoMatch(f"no municipality named «{name.strip()}»" + _close_matches(name, names))


def timeline(engine: Engine, programme: str, municipality: str | None = None) -> Timeline:
    """A programme's numbers by date: published date, else the day the article was first stored."""
    name = find_programme(engine, programme)
    municipalities = find_municipalities(engine, municipality) if municipality else None
    sql = TIMELINE_SQL
    params: dict = {"programme": name}
    statement = text(sql)
    if municipalities is not None:
        statement = text(sql + "  AND t.municipality IN :municipalities").bindparams(
            bindparam("municipalities", expanding=True))
        params["municipalities"] = municipalities
    with _reading(engine, f"reading the timeline of {name}") as connection:
        rows = [_row(row) for row in connection.execute(statement, params).mappings()]
    rows.sort(key=lambda row: (row["date"], row["municipality"] or "", row["category"], row["fact_id"]))
    return Timeline(programme=name, municipalities=municipalities, rows=rows)


def whatsnew(engine: Engine, since: date, programme: str | None = None,
             municipality: str | None = None) -> dict[str, list[dict]]:
    """Numbers stored since `since` (00:00 UTC), by municipality: each `status` is `new`,
    `changed` (a new version of an article states another value: `old_value`) or `dropped`
    (the new version no longer states a number the earlier one did). Optionally only one
    programme's, or one municipality's (its districts included)."""
    wanted_programme = find_programme(engine, programme) if programme else None
    wanted_places = set(find_municipalities(engine, municipality)) if municipality else None
    moment = datetime(since.year, since.month, since.day)
    params = {"since": moment}
    with _reading(engine, f"reading what is new since {since.isoformat()}") as connection:
        current = [_row(row) for row in connection.execute(
            text(NEW_SQL).bindparams(bindparam("since", type_=DateTime)), params).mappings()]
        earlier = [dict(row) for row in connection.execute(
            text(EARLIER_SQL).bindparams(bindparam("since", type_=DateTime)), params).mappings()]
    before = _versions_seen_at(earlier)
    items: list[dict] = []
    by_url: dict[str, list[dict]] = defaultdict(list)
    for row in current:
        by_url[row["url"]].append(row)
    for url, rows in by_url.items():
        items.extend(_compare(before.get(url), rows))
    if wanted_programme is not None:
        items = [item for item in items if item["programme"] == wanted_programme]
    if wanted_places is not None:
        items = [item for item in items if item["municipality"] in wanted_places]
    grouped: dict[str, list[dict]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i["municipality"] or "\uffff", i["date"], i["url"], i["fact_id"] or 0)):
        grouped[item["municipality"] or ""].append(item)
    return dict(grouped)


def _versions_seen_at(earlier: list[dict]) -> dict[str, list[dict]]:
    """Per URL, the facts of its version stored last before `since`."""
    latest: dict[str, tuple] = {}
    for row in earlier:
        mark = (str(row["created_at"]), row["article_id"])
        if row["url"] not in latest or mark > latest[row["url"]]:
            latest[row["url"]] = mark
    facts: dict[str, list[dict]] = defaultdict(list)
    stated: set[tuple] = set()
    for row in sorted(earlier, key=lambda r: r["ordinal"]):
        if (str(row["created_at"]), row["article_id"]) != latest[row["url"]]:
            continue
        value = _plain_value(row["value"])
        # As programme_timeline does: a value said twice in one article is one number.
        said = (row["url"], row["programme"], row["municipality"], row["category"], value)
        if said not in stated:
            stated.add(said)
            facts[row["url"]].append({**row, "value": value})
    return facts


def _compare(old: list[dict] | None, new: list[dict]) -> list[dict]:
    """New facts against the earlier version's: same programme, municipality, category and unit
    with another value is a change; an equal value is no news."""
    def key(fact: dict) -> tuple:
        return fact["programme"], fact["municipality"], fact["category"], fact["unit"]

    if old is None:
        return [{**row, "status": "new", "old_value": None} for row in new]
    remaining = defaultdict(list)
    for fact in old:
        remaining[key(fact)].append(fact)
    unmatched = []
    for row in new:
        same = next((f for f in remaining[key(row)] if f["value"] == row["value"]), None)
        if same is not None:
            remaining[key(row)].remove(same)
        else:
            unmatched.append(row)
    items = []
    for row in unmatched:
        candidates = remaining[key(row)]
        if candidates:
            previous = candidates.pop(0)
            items.append({**row, "status": "changed", "old_value": previous["value"],
                          "old_evidence": previous["evidence"]})
        else:
            items.append({**row, "status": "new", "old_value": None})
    template = new[0]
    for facts in remaining.values():
        for fact in facts:
            items.append({**template, "programme": fact["programme"], "municipality": fact["municipality"],
                          "category": fact["category"], "unit": fact["unit"], "value": None,
                          "qualifier": fact["qualifier"], "evidence": fact["evidence"], "fact_id": None,
                          "status": "dropped", "old_value": fact["value"]})
    return items


def _row(row) -> dict:
    item = {name: _plain_value(value) for name, value in dict(row).items()}
    seen = item.get("seen")
    item["seen"] = str(seen)[:10] if seen is not None else None
    # Where the article gives no date, the day it was first stored stands in (and says so).
    item["dated"] = item.get("published") is not None
    item["date"] = item["published"] if item["dated"] else item["seen"]
    return item


def _close_matches(name: str, names: list[str]) -> str:
    key = alias_key(name)
    keys = {}
    for candidate in names:
        keys.setdefault(alias_key(candidate), candidate)
    close = difflib.get_close_matches(key, list(keys), n=5, cutoff=0.5) if key else []
    # A fragment of a longer name («شورا» for «شورای محله») is close too.
    close += [k for k in keys if key and key in k and k not in close]
    if not close:
        return "; nothing close in the warehouse"
    return "; close matches: " + ", ".join(f"«{keys[k]}»" for k in close[:8])
