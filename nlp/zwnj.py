"""Put back the zero-width non-joiners (ZWNJ) that copied and syndicated text lost.

Driven by hazm's word list (193k entries; 27k with a corpus frequency, the rest
inflected forms listed with frequency 0 and no part of speech, glued «کتابها» and
joined «کتاب‌ها» alike):
- a glued word whose ZWNJ spelling is listed gets it, unless the glued spelling is a
  word in its own right (a dictionary entry: «علیرضا», «چشمگیر») or two ZWNJ
  spellings compete;
- a plural or comparative suffix (ها، های، هایی، تر، ترین) gets a ZWNJ after a
  listed stem, and ای، ام، اند… after a final ه; «Xهای» that reads as «X‌های» or
  «Xه‌ای» is settled by the two stems' frequencies when one is ten times the other,
  else by the one reading the list spells, else left («نامهای»);
- a listed word plus a joining suffix (ی، ان، ات…) stays joined («فرهنگی»,
  «تنهایی»), so a correct word is never split;
- two listed words glued after a medial ه (what a lost ZWNJ looks like) are split.
nlp/data/zwnj_overrides.tsv settles the spellings the list cannot. The «می» prefix at
the start of a word is nlp.normalize's job; «برمی»/«درمی» verbs are done here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from shahrnameh.nlp.lexicon import (
    adjectives as lexicon_adjectives, verb_forms, words as lexicon_words, zwnj_words as lexicon_zwnj_words,
)

ZWNJ = "\u200c"
_WORD = re.compile(r"[\u0621-\u06CC\u200c]+")
_PLURAL = ("هایی", "های", "ها")
_COMPARATIVE = ("ترین", "تر")
# After a final ه these take a ZWNJ («محله‌ای», «پروژه‌ام»); after other letters they
# join («کتابی», «کتابم») and are not restored.
_AFTER_HEH = ("ای", "ام", "ات", "اش", "ایم", "اید", "اند")
_MIN_PART = 3
# A word plus one of these is a correct joined word («فرهنگی», «انتهای», «شهروندان»),
# however it could otherwise be split.
_JOINED = ("ی", "یی", "ان", "ات", "م", "ت", "ش")
# How much likelier one reading of «Xهای» must be than the other to be chosen.
_DOMINANCE = 10
_SUFFIX_ENTRIES = tuple(ZWNJ + suffix for suffix in _PLURAL + _COMPARATIVE + _AFTER_HEH)
_PREFIXED_MI = re.compile(r"^(بر|در|فرو|فرا|باز|وا)(ن?می)(.{2,})$")


def _data_rows(name: str) -> list[list[str]]:
    data = resources.files("shahrnameh.nlp") / "data" / name
    return [line.split("\t") for line in data.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, tuple[int, str]], dict[str, str], frozenset[str]]:
    """(listed words → (frequency, tags), glued spelling → ZWNJ spelling, adjectives)."""
    listed = lexicon_words()
    glued: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in lexicon_zwnj_words():
        frequency, tags = listed[word]
        if word[0] == ZWNJ or word[-1] == ZWNJ or ZWNJ * 2 in word:
            continue  # a typo in the list («جوان‌»)
        key = word.replace(ZWNJ, "")
        if _real_entry(listed.get(key)):
            continue  # the glued spelling is a word of its own
        if not _real_entry((frequency, tags)) and word.endswith(_SUFFIX_ENTRIES):
            # The list's generated inflections («سال‌ها», «بسه‌ای»): the suffix rules
            # read these, weighing «X‌های» against «Xه‌ای».
            continue
        if key in glued and glued[key] != word:
            ambiguous.add(key)
        glued[key] = word
    for key in ambiguous:
        del glued[key]
    glued.update({row[0].strip(): row[1].strip() for row in _data_rows("zwnj_overrides.tsv")})
    return listed, glued, lexicon_adjectives()


def _real_entry(entry: tuple[int, str] | None) -> bool:
    # 158k of the list's entries are generated inflections, frequency 0 and tag «0»;
    # the rest are dictionary words (a few with frequency 0 but a part of speech).
    return entry is not None and (entry[0] > 0 or entry[1] != "0")


def _frequency(word: str) -> int:
    return _lexicon()[0].get(word, (0,))[0]


def _is_real(word: str) -> bool:
    """A dictionary word as written, not one of the list's generated inflections."""
    return _real_entry(_lexicon()[0].get(word))


def _known(word: str) -> str | None:
    """The word as it should be written, when the list knows it."""
    listed, glued, _ = _lexicon()
    if word in glued:
        return glued[word]
    return word if word in listed else None


def _weight(word: str) -> int:
    _, glued, _ = _lexicon()
    return max(1, _frequency(word), _frequency(glued.get(word, word)))


def _plural_or_heh(word: str) -> str | None | bool:
    """«Xهای»: «X‌های» or «Xه‌ای»; None when neither stem is listed, False when both are
    and neither is clearly the likelier."""
    stem = word[:-3]
    plural, heh = _known(stem), _known(stem + "ه")
    if plural is None or heh is None:
        return None
    if _weight(stem) >= _DOMINANCE * _weight(stem + "ه"):
        return plural + ZWNJ + "های"
    if _weight(stem + "ه") >= _DOMINANCE * _weight(stem):
        return heh + ZWNJ + "ای"
    # Too close to call on frequency: the list's own inflections may hold one reading
    # only («منطقه‌ای», not «منطق‌های»).
    listed = _lexicon()[0]
    readings = [r for r in (plural + ZWNJ + "های", heh + ZWNJ + "ای") if r in listed]
    return readings[0] if len(readings) == 1 else False


def _with_suffix(word: str) -> str | None:
    _, _, adjectives = _lexicon()
    if word.endswith("های") and len(word) >= 5:
        settled = _plural_or_heh(word)
        if settled is not None:
            return settled or None
    # Two-letter stems («آنها», «شبها») only where the list has the inflected form.
    shortest = 2 if word in _lexicon()[0] else _MIN_PART
    for suffix in _PLURAL + _COMPARATIVE + _AFTER_HEH:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < shortest:
            continue
        if suffix in _AFTER_HEH and not stem.endswith("ه"):
            continue
        if suffix in _COMPARATIVE and stem not in adjectives:
            continue  # «تویتر» is no comparative of «توی»
        known = _known(stem)
        if known is not None:
            return known + ZWNJ + suffix
    return None


def _compound(word: str) -> str | None:
    splits = []
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        if word[cut - 1] != "ه":
            continue
        first, second = _known(word[:cut]), _known(word[cut:])
        if first is not None and second is not None and len(word) - cut > _MIN_PART:
            splits.append(first + ZWNJ + second)
    return splits[0] if len(splits) == 1 else None


def _joined(word: str) -> str | None:
    """`word` as a word plus a joining suffix: unchanged after a real word, with the
    stem's ZWNJ back after a glued one («دانشآموزان» → «دانش‌آموزان»)."""
    _, glued, _ = _lexicon()
    for suffix in _JOINED:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= _MIN_PART:
            if _is_real(stem):
                return word
            if stem in glued:
                return glued[stem] + suffix
    return None


def _prefixed_verb(word: str) -> str | None:
    match = _PREFIXED_MI.match(word)
    if match and f"{match[2]}{ZWNJ}{match[3]}" in verb_forms():
        return f"{match[1]}{match[2]}{ZWNJ}{match[3]}"  # «برمیگردد» → «برمی‌گردد»
    return None


def is_dictionary_word(word: str) -> bool:
    """Whether `word`, as written, is a dictionary word of hazm's list (not one of its
    generated inflections): a spelling nothing here may change."""
    return _is_real(word)


def is_listed_word(word: str) -> bool:
    """Whether hazm's word list has `word` (as written, or glued from a listed ZWNJ form)."""
    return _known(word) is not None


@lru_cache(maxsize=65536)  # news repeats its words; the lookups add up per article
def restore_word(word: str) -> str:
    """`word` with its lost ZWNJs back, or unchanged when the list cannot tell."""
    if ZWNJ in word or len(word) < 4:
        return word
    if _is_real(word):
        return word
    joined = _joined(word)  # «دستگیری», «تنهایی» stay; «دانشآموزان» is restored
    if joined is not None:
        return joined
    listed, glued, _ = _lexicon()
    if word in glued:
        return glued[word]
    if word in listed:  # an inflection entry: «کتابها» is «کتاب‌ها», «میدانی» stays
        return _with_suffix(word) or word
    return _with_suffix(word) or _prefixed_verb(word) or _compound(word) or word


def restore_zwnj(text: str) -> str:
    return _WORD.sub(lambda m: restore_word(m.group(0)), text)
