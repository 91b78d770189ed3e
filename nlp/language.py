"""Persian (Dari included) or Arabic? Letters and function words tell them apart."""

from __future__ import annotations

import re

_ARABIC_RUN = re.compile(r"[\u0600-\u06FF]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_ENGLISH_WORD = re.compile(r"\b(?:the|and|of|to|in|is)\b", re.I)
_PERSIAN_LETTERS = "پچژگ"
_WORD = re.compile(r"[\u0600-\u06FF\u200c]+")
_PERSIAN_WORDS = frozenset("است این که را می‌شود می های برای شد شده بود کرد و از با آن".split())
_ARABIC_WORDS = frozenset("في التي الذي على إلى عن هذا هذه كان قال أن إن مع بعد ذلك".split())
MIN_LETTERS = 20
# Enough text to tell; reading a whole long article adds time, not certainty.
SAMPLE_CHARS = 4000


def detect_language(text: str) -> str:
    """'fa', 'ar', 'en', 'other' or 'unknown' (too little text to tell)."""
    if not isinstance(text, str):
        raise TypeError(f"detect_language wants str, got {type(text).__name__}")
    sample = text[:SAMPLE_CHARS]
    script = sum(map(len, _ARABIC_RUN.findall(sample)))
    latin = sum(map(len, _LATIN_RUN.findall(sample)))
    if script + latin < MIN_LETTERS:
        return "unknown"
    if latin > script:
        return "en" if _ENGLISH_WORD.search(sample) else "other"
    words = _WORD.findall(sample)
    persian = sum(w in _PERSIAN_WORDS for w in words) + 3 * sum(map(sample.count, _PERSIAN_LETTERS))
    arabic = (sum(w in _ARABIC_WORDS for w in words) + 3 * sample.count("ة")
              + sum(w.startswith("ال") and len(w) > 3 for w in words))
    return "fa" if persian >= arabic else "ar"
