"""Persian (Dari included) or Arabic? Letters and function words tell them apart."""

from __future__ import annotations

import re

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[A-Za-z]")
_PERSIAN_LETTERS = re.compile(r"[پچژگ]")
_TA_MARBUTA = re.compile(r"ة")
_WORD = re.compile(r"[\u0600-\u06FF\u200c]+")
_PERSIAN_WORDS = frozenset("است این که را می‌شود می های برای شد شده بود کرد و از با آن".split())
_ARABIC_WORDS = frozenset("في التي الذي على إلى عن هذا هذه كان قال أن إن مع بعد ذلك".split())
MIN_LETTERS = 20


def detect_language(text: str) -> str:
    """'fa', 'ar', 'en', 'other' or 'unknown' (too little text to tell)."""
    script = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if script + latin < MIN_LETTERS:
        return "unknown"
    if latin > script:
        return "en" if re.search(r"\b(the|and|of|to|in)\b", text, re.I) else "other"
    words = _WORD.findall(text)
    persian = sum(w in _PERSIAN_WORDS for w in words) + 3 * len(_PERSIAN_LETTERS.findall(text))
    arabic = (sum(w in _ARABIC_WORDS for w in words) + 3 * len(_TA_MARBUTA.findall(text))
              + sum(w.startswith("ال") and len(w) > 3 for w in words))
    return "fa" if persian >= arabic else "ar"
