"""Names of municipalities and programmes → one matching key per entity, and the seed lists.

The extracted `municipality` and `programme` of a fact are names as the article wrote them:
«شورایاری», «شورای‌یاری» and «شورایاری‌ها» are one programme, «هیأت» and «هیئت» one word,
«منطقه ۳» and «منطقه 3» one district. `alias_key` folds these spelling variants into one
key, so the warehouse's alias tables can map every variant to one entity.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from shahrnameh.nlp.digits import to_latin_digits

SEPARATOR = " / "  # between a city and its district in nlp.facts' municipality: «تهران / منطقه 3»

_LETTER_FOLDS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "آ": "ا", "ٱ": "ا",
    # Hamza seats vary between writers («هیأت», «هیئت», «مسؤول», «مسئول»): one symbol for all.
    "أ": "ء", "إ": "ء", "ئ": "ء", "ؤ": "ء",
})
# Diacritics, tatweel, ZWNJ/ZWJ and everything that is not a letter, a digit or the
# city/district slash: spacing and half-spaces are where spellings differ most.
_DROPPED = re.compile(r"[\u064B-\u065F\u0670\u0640]|[^\w/]|_")
_EZAFE_AFTER_HEH = re.compile(r"ه\u200cی(?=\s|$)")
_DOUBLED = re.compile(r"([^\W\d])\1+")
_PLURAL = re.compile(r"(?:ها|های)$")
_DISTRICT = re.compile(r"منطقه\s*(\d+)")

# Names that are the same entity but not the same word, so no folding can join them.
# Written form → canonical written form (the canonical one is the entity's name).
SYNONYMS = {
    "شهرداران نوجوان": "شهردار نوجوان",   # plural in «ان», which alias_key does not strip
    "محله‌محوری": "طرح محله‌محور",
    "شهر ری": "شهرری",
    "ری": "شهرری",
}


def _folded_key(text: str) -> str:
    # The ezafe after «ه» is written «ۀ» (folded to «ه» below), «هٔ» or «ه‌ی»: all are «ه».
    text = _EZAFE_AFTER_HEH.sub("ه", text)
    key = _DROPPED.sub("", to_latin_digits(text).translate(_LETTER_FOLDS).lower())
    # «شورای‌یاری» writes the ezafe ی that «شورایاری» merges: a letter doubled is one letter
    # (digits are not: «منطقه 11» is not «منطقه 1»).
    key = _DOUBLED.sub(r"\1", key)
    # «شورایاری‌ها» → «شورایاری»; a short stem would be a word that merely ends in «ها».
    stripped = _PLURAL.sub("", key)
    return stripped if len(stripped) >= 3 else key


@lru_cache(maxsize=1)
def _synonym_keys() -> dict[str, tuple[str, str]]:
    return {_folded_key(written): (_folded_key(canonical), canonical) for written, canonical in SYNONYMS.items()}


def alias_key(text: str) -> str:
    """The matching key of a name: digits Latin, ي/ك and hamza seats folded, diacritics, ZWNJ,
    spaces and punctuation removed, a plural «ها»/«های» stripped, known synonyms joined.

    Two names with the same key are the same entity; "" for a name with no letters.
    """
    if not isinstance(text, str):
        raise TypeError(f"alias_key() takes a str, not {type(text).__name__}")
    key = _folded_key(text.strip())
    return _synonym_keys().get(key, (key, None))[0]


def canonical_name(text: str) -> str:
    """The name an entity first seen as `text` is stored under: the synonym's canonical form,
    else `text` with its outer spaces removed and runs of spaces made one."""
    key = _folded_key(text.strip())
    canonical = _synonym_keys().get(key, (None, None))[1]
    return canonical or " ".join(text.split())


def municipality_parts(text: str) -> list[tuple[str, str]]:
    """The entities a fact's municipality names, outermost first, as (name, kind):

    «تهران» → [("تهران", "city")]; «تهران / منطقه 3» → [("تهران", "city"), ("منطقه 3",
    "district")]; «منطقه ۳» alone → [("منطقه 3", "district")]. A district's own name is
    completed with its city by the caller, who knows the city's canonical name.
    """
    parts = [" ".join(part.split()) for part in text.split("/")]
    found: list[tuple[str, str]] = []
    for part in filter(None, parts):
        district = _DISTRICT.fullmatch(to_latin_digits(part).translate(_LETTER_FOLDS).replace("\u200c", ""))
        found.append(("منطقه " + str(int(district.group(1))), "district") if district else (part, "city"))
    return found


def _seed_lines(name: str) -> list[str]:
    data = resources.files("shahrnameh.nlp") / "data" / name
    return [line.strip() for line in data.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def seed_cities() -> list[str]:
    """The cities nlp.facts recognises (nlp/data/cities.txt), in the file's order."""
    return _seed_lines("cities.txt")


def seed_programmes() -> list[str]:
    """The named programmes nlp.facts recognises (nlp/data/programmes.txt), in the file's order."""
    return _seed_lines("programmes.txt")
