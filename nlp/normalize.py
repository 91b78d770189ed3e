"""Persian normalisation: hazm's Normalizer, without the damage it does to numbers and
URLs, then the lost zero-width non-joiners put back."""

from __future__ import annotations

import re
from functools import lru_cache

from shahrnameh.nlp.digits import DIGIT_CLASS
from shahrnameh.nlp.zwnj import restore_zwnj

# hazm spaces out «12.5» → «12 ٫ 5», «1,200» → «1 , 200» and URLs; these spans are set
# aside before it runs and put back after.
_PROTECTED = re.compile(
    rf"https?://\S+|www\.\S+|[{DIGIT_CLASS}]+(?:[.,٫٬/:][{DIGIT_CLASS}]+)+"
)
_AROUND_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
_PLACEHOLDER = re.compile(r"QZPROT([a-z]+)Q")


@lru_cache(maxsize=1)
def _normalizer():
    # Imported here: hazm takes seconds to import, and most commands never need it.
    from hazm import Normalizer

    # decrease_repeated_chars would turn «دهههشتادی» into «دههشتادی»; Persian digits
    # would make evidence differ from the page for no gain (numbers.py reads both).
    return Normalizer(decrease_repeated_chars=False, persian_numbers=False)


def _key(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def normalize(text: str) -> str:
    """Arabic ي/ك → ی/ک, spacing and half-spaces fixed, numbers and URLs kept as written."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes a str, not {type(text).__name__}")
    if not text:
        return text
    kept: dict[str, str] = {}

    def protect(match: re.Match) -> str:
        key = _key(len(kept))
        kept[key] = match.group(0)
        return f"QZPROT{key}Q"

    shielded = _PROTECTED.sub(protect, text)
    # One call for the whole text: hazm's fixed cost per call (it rebuilds its translation
    # table) doubled the time when it ran line by line. It leaves spaces around newlines
    # and folds runs of blank lines into one.
    normalized = restore_zwnj(_AROUND_NEWLINE.sub("\n", _normalizer().normalize(shielded)))
    return _PLACEHOLDER.sub(lambda m: kept.get(m.group(1), m.group(0)), normalized)
