"""Put back the zero-width non-joiners (ZWNJ) that copied and syndicated text lost.

Driven by hazm's word list (≈193k words, 13k spelled with a ZWNJ): a glued word is
restored only when its ZWNJ spelling is listed and the glued spelling is not a word
itself, so a correct word is never broken.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

ZWNJ = "\u200c"
_WORD = re.compile(r"[\u0621-\u06CC\u200c]+")
# Suffixes written after a ZWNJ, longest first; the stem must be a known word.
_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر", "ای", "ام", "ات", "اش", "ایم", "اید", "اند")
# Suffixes that take a ZWNJ only after a final ه («محله‌ای», «پروژه‌ام»); after other
# letters they join («کتابی», «کتابم»).
_AFTER_HEH_ONLY = {"ای", "ام", "ات", "اش", "ایم", "اید", "اند"}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], dict[str, str]]:
    words: set[str] = set()
    data = resources.files("hazm") / "data" / "words.dat"
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            word = line.split("\t", 1)[0].strip()
            if word:
                words.add(word)
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
    return frozenset(words), glued


def restore_word(word: str) -> str:
    if ZWNJ in word or len(word) < 4:
        return word
    words, glued = _lexicon()
    if word in words:
        return word
    if word in glued:
        return glued[word]
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < 2:
            continue
        if suffix in _AFTER_HEH_ONLY and not stem.endswith("ه"):
            continue
        if suffix in ("ها", "های", "هایی") and stem.endswith("ه") is False and stem not in words \
                and stem not in glued:
            continue
        restored_stem = stem if stem in words else glued.get(stem)
        if restored_stem is None:
            continue
        if suffix in ("ها", "های", "هایی") and not restored_stem.endswith("ه") and ZWNJ not in restored_stem:
            # «کتابها» is commonly written joined; only the ه-final stems need the ZWNJ.
            return restored_stem + ZWNJ + suffix if restored_stem != stem else word
        return restored_stem + ZWNJ + suffix
    return word


def restore_zwnj(text: str) -> str:
    return _WORD.sub(lambda m: restore_word(m.group(0)), text)
