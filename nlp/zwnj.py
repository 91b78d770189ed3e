"""Put back the zero-width non-joiners (ZWNJ) that copied and syndicated text lost.

Driven by hazm's word list (≈193k words, 13k spelled with a ZWNJ): a glued word is
restored only when its ZWNJ spelling is listed and the glued spelling is not a word
itself, so a correct word is never broken. Unlisted words get a ZWNJ before a plural
or comparative suffix, or between two listed words when the first ends in ه (a medial
ه there is what a lost ZWNJ looks like); nlp/data/zwnj_overrides.tsv settles the
spellings the list cannot. The «می» verb prefix is hazm's Normalizer's job.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from shahrnameh.nlp.lexicon import adjectives as lexicon_adjectives, words as lexicon_words

ZWNJ = "\u200c"
_WORD = re.compile(r"[\u0621-\u06CC\u200c]+")
_PLURAL = ("هایی", "های", "ها")
_COMPARATIVE = ("ترین", "تر")
# After a final ه these take a ZWNJ («محله‌ای», «پروژه‌ام»); after other letters they
# join («کتابی», «کتابم») and are not restored.
_AFTER_HEH = ("ای", "ام", "ات", "اش", "ایم", "اید", "اند")
_MIN_PART = 3
# A listed word plus one of these is a correct joined word («فرهنگی», «انتهای»,
# «شهروندان»), however it could otherwise be split.
_JOINED = ("ی", "یی", "ان", "ات", "م", "ت", "ش")


def _data_rows(name: str) -> list[list[str]]:
    data = resources.files("shahrnameh.nlp") / "data" / name
    return [line.split("\t") for line in data.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """(words, glued spelling → ZWNJ spelling, adjectives)."""
    listed = lexicon_words()
    words = set(listed)
    adjectives = lexicon_adjectives()
    glued: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in words:
        if ZWNJ in word:
            key = word.replace(ZWNJ, "")
            if key in words:
                continue
            if key in glued and glued[key] != word:
                ambiguous.add(key)
            glued[key] = word
    for key in ambiguous:
        del glued[key]
    glued.update({row[0].strip(): row[1].strip() for row in _data_rows("zwnj_overrides.tsv")})
    return frozenset(words), glued, frozenset(adjectives)


def _known(word: str) -> str | None:
    """The word as it should be written, when the list knows it."""
    words, glued, _ = _lexicon()
    if word in glued:
        return glued[word]
    return word if word in words else None


def _with_suffix(word: str) -> str | None:
    words, _, adjectives = _lexicon()
    if word.endswith("های") and word[:-3] in words and word[:-3] + "ه" in words:
        return None  # «X‌های» or «Xه‌ای» («آبهای», «کدهای»): both readings are words
    for suffix in _PLURAL + _COMPARATIVE + _AFTER_HEH:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < _MIN_PART:
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


def is_listed_word(word: str) -> bool:
    """Whether hazm's word list has `word` (as written, or glued from a listed ZWNJ form)."""
    return _known(word) is not None


@lru_cache(maxsize=65536)  # news repeats its words; the lookups add up per article
def restore_word(word: str) -> str:
    """`word` with its lost ZWNJs back, or unchanged when the list cannot tell."""
    if ZWNJ in word or len(word) < 4:
        return word
    known = _known(word)
    if known is not None:
        return known
    words = _lexicon()[0]
    if any(word.endswith(suffix) and word[: -len(suffix)] in words for suffix in _JOINED):
        return word
    return _with_suffix(word) or _compound(word) or word


def restore_zwnj(text: str) -> str:
    return _WORD.sub(lambda m: restore_word(m.group(0)), text)
