"""The records `nlp` produces: a read document and its programme facts.

Plain frozen dataclasses, so that `warehouse` and `flows` can use them without knowing
how they were made, and so that `extract`'s JSON is one `asdict` away.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

# What a fetched page turned out to be. Only "article" and "report" carry facts.
PAGE_KINDS = ("article", "report", "block_page", "empty", "not_article")

QUALIFIERS = ("exact", "more_than", "less_than", "about", "at_least", "up_to")

# How a fact's municipality was found (FACTS.md): in its own sentence, in another sentence of
# the body, in the title, from the source's default (set by the warehouse), or not at all ("").
ATTRIBUTED_BY = ("sentence", "earlier", "title", "source", "")

CATEGORIES = (
    "council", "people", "official", "project", "neighbourhood", "district", "idea",
    "session", "phase", "facility", "money", "percent", "duration", "area", "other",
)

# How a Persian reader names each category (charts and pages show «نفرات (people)»).
CATEGORY_NAMES_FA = {
    "council": "شوراها", "people": "نفرات", "official": "مسئولان", "project": "پروژه‌ها",
    "neighbourhood": "محله‌ها", "district": "منطقه‌ها", "idea": "ایده‌ها", "session": "جلسه‌ها",
    "phase": "مرحله‌ها", "facility": "فضاها و تأسیسات", "money": "مبلغ", "percent": "درصد",
    "duration": "مدت", "area": "مساحت", "other": "سایر",
}


@dataclass(frozen=True)
class Fact:
    """One programme number, per mention, as FACTS.md defines it."""

    value: int | Decimal        # exact, scale words applied: «۱.۵ میلیارد» → 1500000000, «۱۲.۵» → Decimal("12.5")
    category: str               # one of CATEGORIES
    unit: str                   # the counted noun phrase, normalised («شورای محله»)
    qualifier: str              # one of QUALIFIERS
    evidence: str               # the sentence the fact was read from
    municipality: str | None    # «تهران / منطقه 3», where the text says it
    programme: str | None       # «سامانه من شهردارم», where the text gives one
    sentence_start: int         # offsets of `evidence` in Document.text: text[s:e] == evidence
    sentence_end: int
    number_start: int           # offsets of the number as written, in Document.text
    number_end: int
    # How `municipality` was found (ATTRIBUTED_BY): "sentence" (the fact's own),
    # "earlier" (another sentence of the body: the nearest before, else the first after),
    # "title", "source" (the source's default, set by the warehouse), "" (no place).
    attribution: str = ""


@dataclass(frozen=True)
class Document:
    """What nlp reads from one page or text file."""

    kind: str                   # one of PAGE_KINDS
    title: str | None
    published: str | None       # ISO date, "2024-05-18"
    language: str               # "fa" (Persian, Dari included), "ar", "en", "other", "unknown"
    text: str                   # normalised title line, then the main text: title, lead and
                                # body are distinct fact mentions (FACTS.md)
    facts: tuple[Fact, ...] = field(default_factory=tuple)
    reason: str | None = None   # why kind is not "article" (e.g. "ArvanCloud bot challenge")
    dropped: tuple[str, ...] = ()  # facts read but not kept, each as why («… has 400 digits …»)


def to_json(data, **options) -> str:
    """json.dumps, with each Decimal (a fact's value) written as the exact number it is:
    «۱۲.۵» as 12.5, never a float's nearest neighbour, and never Infinity."""
    exact: dict[str, str] = {}
    marker = uuid.uuid4().hex  # in no text of the data

    def number(value):
        if not isinstance(value, Decimal):
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        key = f"{marker}{len(exact)}"
        exact[key] = format(value, "f")
        return key

    text = json.dumps(data, default=number, **options)
    return re.sub(f'"({marker}[0-9]+)"', lambda match: exact[match.group(1)], text) if exact else text
