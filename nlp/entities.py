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
from shahrnameh.nlp.letters import ALL_LETTERS, folds
from shahrnameh.nlp.lexicon import word_tags, words

SEPARATOR = " / "  # between a city and its district in nlp.facts' municipality: «تهران / منطقه 3»

# Arabic ي/ى/ك, «ۀ» and «ة», «آ» and «ٱ», every hamza seat: all the table folds but direction marks,
# which _DROPPED drops.
_LETTER_FOLDS = str.maketrans(folds(ALL_LETTERS))
# Diacritics, tatweel, ZWNJ/ZWJ and everything that is not a letter, a digit or the
# city/district slash: spacing and half-spaces are where spellings differ most.
_DROPPED = re.compile(r"[\u064B-\u065F\u0670\u0640]|[^\w/]|_")
_EZAFE_AFTER_HEH = re.compile(r"ه\u200cی(?=\s|$)")
_HAMZA_AFTER_ALEF = re.compile(r"(?<=\w)اء(?=[^\W\d_])")
_DOUBLED = re.compile(r"([^\W\d])\1+")
_PLURAL = re.compile(r"(?:ها|های)$")
_DISTRICT = re.compile(r"منطقه\s*(\d+)")

# Names that are the same entity but not the same word, so no folding can join them.
# Written form → canonical written form (the canonical one is the entity's name).
# Programmes' own synonyms are lines «written<TAB>canonical» of nlp/data/programmes.txt.
SYNONYMS = {
    "شهر ری": "شهرری",
    "ری": "شهرری",
}

# Towns a city's municipality has made one of its numbered districts, and which the news still
# names as towns: Rey is Tehran's district 20. nlp.places makes such a town the district when
# the text does (FACTS.md), so «شهرری» may never be stored as written; the warehouse keeps every
# spelling of the town (its SYNONYMS) as an alias of the district, so that «شهر ری» finds it.
DISTRICT_TOWNS = {
    "شهرری": "تهران / منطقه 20",
}


def spelling_key(text: str) -> str:
    """A name as spelt, with only what no writer means apart folded: ي/ك, hamza seats, «آ»,
    a hamza on «ی» after «ا» («قائم‌شهر», «قایم شهر»), diacritics, ZWNJ and spaces. Unlike
    `alias_key` it keeps doubled letters and plurals and joins no synonyms, so a word of
    running text («شده», «شهری») is never taken for a place whose key it shares («ششده», «شهرری»)."""
    return _letters_key(text)


def _letters_key(text: str) -> str:
    # The ezafe after «ه» is written «ۀ» (folded to «ه» below), «هٔ» or «ه‌ی»: all are «ه».
    text = _EZAFE_AFTER_HEH.sub("ه", text)
    key = _DROPPED.sub("", to_latin_digits(text).translate(_LETTER_FOLDS).lower())
    # «ائ» and «ای» inside a word are one spelling («قائن», «قاین»; «پائین», «پایین»), which
    # the one-letter folds cannot join: «ئ» is a hamza seat there, «ی» is not.
    return _HAMZA_AFTER_ALEF.sub("ای", key)


def _folded_key(text: str) -> str:
    key = _letters_key(text)
    # «شورای‌یاری» writes the ezafe ی that «شورایاری» merges: a letter doubled is one letter
    # (digits are not: «منطقه 11» is not «منطقه 1»).
    key = _DOUBLED.sub(r"\1", key)
    # «شورایاری‌ها» → «شورایاری»; a short stem would be a word that merely ends in «ها».
    stripped = _PLURAL.sub("", key)
    return stripped if len(stripped) >= 3 else key


@lru_cache(maxsize=1)
def _synonym_keys() -> dict[str, tuple[str, str]]:
    return {_folded_key(written): (_folded_key(canonical), canonical) for written, canonical in SYNONYMS.items()}


_PLURAL_SUFFIXES = ("\u200cهای", "\u200cها", "های", "ها")
_EZAFE_VOWELS = ("ا", "و")


def singular_word(word: str) -> str:
    """A word of a programme's name in its singular form, when the word list vouches for it:
    «سراهای» → «سرا», «شورایاری‌ها» → «شورایاری», «محلات» → «محله», «شهرداران» → «شهردار».
    A word the list knows as a singular («باران», «خدمات» against a rarer «خدمه») is kept."""
    lexicon = words()
    frequency = lexicon.get(word, (0,))[0]
    is_plural = "PL" in word_tags(word)
    known_singular = frequency > 0 and not is_plural
    for suffix in _PLURAL_SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2 and not known_singular:
            return stem
    if is_plural and word.endswith("ات"):
        # («اطلاعات», «امکانات»: plurals the list knows whose «ـه» form it does not: kept)
        singular = word[:-2] + "ه"
        counted = lexicon.get(singular, (0,))[0]
        if counted and counted >= frequency:
            return singular
    if word.endswith("ان") and not frequency and lexicon.get(word[:-2], (0,))[0]:
        return word[:-2]
    return word


def programme_base_form(name: str) -> str:
    """A programme's name in its base singular form, ezafe written only after a vowel:
    «سراهای محلات» → «سرای محله», «شوراهای اسلامی» → «شورای اسلامی»."""
    joined: list[str] = []
    for word in name.replace("\u200c ", " ").split():
        if joined and word in ("ها", "های"):
            joined[-1] += "\u200c" + word  # «شورایاری ها»: a plural suffix written apart
        else:
            joined.append(word)
    parts = [singular_word(word) for word in joined]
    parts = [word[:-1] if word.endswith("ی") and word[-2:-1] in _EZAFE_VOWELS and i < len(parts) - 1 else word
             for i, word in enumerate(parts)]
    parts = [word + "ی" if word.endswith(_EZAFE_VOWELS) and len(word) > 1 and i < len(parts) - 1 else word
             for i, word in enumerate(parts)]
    return " ".join(parts)


def programme_word_key(word: str) -> str:
    """The key of one word of a programme's name, singular and without its ezafe:
    «سراهای», «سرای» and «سرا» share it (how a name's first word is looked up)."""
    word = singular_word(word)
    if word.endswith("ی") and word[-2:-1] in _EZAFE_VOWELS:
        word = word[:-1]
    return _folded_key(word)


@lru_cache(maxsize=4096)
def programme_key(text: str) -> str:
    """The matching key of a programme's name: `alias_key` of its base singular form, with the
    synonyms of nlp/data/programmes.txt joined. «سرای محله», «سراهای محلات» and «سرای‌محله»
    share one key, so the warehouse keeps one programme for all of them."""
    if not isinstance(text, str):
        raise TypeError(f"programme_key() takes a str, not {type(text).__name__}")
    key = _folded_key(programme_base_form(" ".join(text.split())))
    return _programme_synonyms().get(key, key)


@lru_cache(maxsize=1)
def _programme_synonyms() -> dict[str, str]:
    found = {}
    for line in _seed_lines("programmes.txt"):
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > 1:
            found[_folded_key(programme_base_form(cells[0]))] = _folded_key(programme_base_form(cells[1]))
    return found


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


def district_towns() -> dict[str, str]:
    """Every spelling of a town that is a city's district → the district's name:
    «شهرری», «شهر ری» and «ری» → «تهران / منطقه 20»."""
    return {written: district for town, district in DISTRICT_TOWNS.items()
            for written in (town, *(other for other, canonical in SYNONYMS.items() if canonical == town))}


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


@lru_cache(maxsize=1)
def programme_terms() -> dict[str, tuple[str, ...]]:
    """A listed programme's canonical name → the words its own sentences speak of
    (nlp/data/programme_terms.tsv)."""
    rows = (line.split("\t") for line in _seed_lines("programme_terms.tsv"))
    return {name: tuple(words.split()) for name, words in rows}


def seed_cities() -> list[str]:
    """The cities the warehouse knows before any article names them: nlp.gazetteer's cities
    with municipal districts (Tehran, Mashhad, Isfahan, …), in the data's order."""
    from shahrnameh.nlp.gazetteer import gazetteer  # the gazetteer keys its names with alias_key

    places = gazetteer()
    return [name for key, (name, _) in places.cities.items() if key in places.districts]


def seed_programmes() -> list[str]:
    """The named programmes of nlp/data/programmes.txt, each once, under its canonical name,
    in the file's order. They are seeds and aliases, not the limit: nlp.places finds others."""
    names = []
    for line in _seed_lines("programmes.txt"):
        name = line.split("\t")[-1].strip()
        if name not in names:
            names.append(name)
    return names


def programme_aliases() -> dict[str, str]:
    """Every name programmes.txt lists (synonyms included) → its canonical name."""
    rows = (line.split("\t") for line in _seed_lines("programmes.txt"))
    return {cells[0].strip(): cells[-1].strip() for cells in rows}
