"""Persian (Dari included) or Arabic? Letters and function words tell them apart."""

from __future__ import annotations

import re

from shahrnameh.nlp.letters import ARABIC_YEH_KAF, folding

_LATIN_RUN = re.compile(r"[A-Za-z]+")
_ENGLISH_WORD = re.compile(r"\b(?:the|and|of|to|in|is)\b", re.I)
_PERSIAN_LETTERS = "پچژگ"
# Persian keyboards type ی and ک; Arabic ones ي and ك, which older Persian sites (Fars
# before ~1390) also used, so those count for Arabic only when no Persian letter is present.
_PERSIAN_YA_KAF = "یک"
_ARABIC_YA_KAF = "يك"
_WORD = re.compile(r"[\u0600-\u06FF\u200c]+")
_PERSIAN_WORDS = frozenset("است این که را می‌شود می های برای شد شده بود کرد و از با آن در به شود نیز".split())
_ARABIC_WORDS = frozenset("في التي الذي على إلى عن هذا هذه كان قال أن إن مع بعد ذلك".split())
# Compared with the folded words of the sample.
_fold = folding(ARABIC_YEH_KAF)
_FOLDED_ARABIC_WORDS = frozenset(map(_fold, _ARABIC_WORDS))
MIN_LETTERS = 20
# Enough text to tell; reading a whole long article adds time, not certainty.
SAMPLE_CHARS = 4000


def detect_language(text: str) -> str:
    """'fa', 'ar', 'en', 'other' or 'unknown' (too little text to tell)."""
    if not isinstance(text, str):
        raise TypeError(f"detect_language wants str, got {type(text).__name__}")
    sample = text[:SAMPLE_CHARS]
    script = arabic_script_letters(sample)
    latin = sum(map(len, _LATIN_RUN.findall(sample)))
    if script + latin < MIN_LETTERS:
        return "unknown"
    if latin > script:
        return "en" if _ENGLISH_WORD.search(sample) else "other"
    # Folded once for the whole sample.
    words = _WORD.findall(_fold(sample))
    persian_letters = sum(map(sample.count, _PERSIAN_LETTERS))
    persian = (sum(w in _PERSIAN_WORDS for w in words) + 3 * persian_letters
               + sum(map(sample.count, _PERSIAN_YA_KAF)) / 4
               # Arabic spelling has no zero-width non-joiner; Persian puts one in «می‌شود».
               + sample.count("\u200c"))
    arabic = (sum(w in _FOLDED_ARABIC_WORDS for w in words) + 3 * sample.count("ة")
              + sum(w.startswith("ال") and len(w) > 3 for w in words))
    if not persian_letters:
        arabic += sum(map(sample.count, _ARABIC_YA_KAF)) / 4
    return "fa" if persian >= arabic else "ar"


# Characters no written language puts in running text (tab, newline and return aside).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Persian, Arabic and English put a space every 5 to 8 characters; bytes read as a
# single-byte charset have one in 256 (a "word" of hundreds of letters). Longer words
# than this, other than numbers, are not language.
MAX_WORD_CHARS = 30
MIN_CHARS_TO_JUDGE = 200


def not_language(text: str) -> str | None:
    """Why `text` is no language at all (random bytes read as characters), or None.

    Only judged on text of Arabic or Latin script, whose languages separate words with
    spaces; a short text is given the benefit of the doubt.
    """
    sample = text[:SAMPLE_CHARS]
    if len(sample) < MIN_CHARS_TO_JUDGE:
        return None
    controls = len(_CONTROL.findall(sample))
    if controls * 100 > len(sample):
        return f"not language: {controls} control characters in {len(sample)}"
    letters = sum(map(str.isalpha, sample))
    script = arabic_script_letters(sample) + sum(map(len, _LATIN_RUN.findall(sample)))
    overlong = sum(len(word) for word in sample.split() if len(word) > MAX_WORD_CHARS and not word.isdigit())
    if 2 * script > letters and 2 * overlong > len(sample):
        return (f"not language: {overlong} of its first {len(sample)} characters are in words "
                f"longer than {MAX_WORD_CHARS}")
    return None


def arabic_script_letters(text: str) -> int:
    """How many characters of `text` are in the Arabic block (U+0600–U+06FF).

    Their UTF-8 lead bytes are exactly 0xD8–0xDB, and bytes.count runs in C: an order of
    magnitude faster than a regex over the str.
    """
    encoded = text.encode("utf-8", "surrogatepass")
    return encoded.count(b"\xd8") + encoded.count(b"\xd9") + encoded.count(b"\xda") + encoded.count(b"\xdb")
