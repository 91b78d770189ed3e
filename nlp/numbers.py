"""Numbers as Persian news writes them → values.

Digits in three scripts, thousands and decimal separators, number words, mixed forms
(«4 هزار و 800», «۱.۵ میلیارد», «۱۶۵ و نیم همت») and scale words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from shahrnameh.nlp.digits import DIGIT_CLASS, to_latin_digits
from shahrnameh.nlp.letters import ARABIC_LETTERS, folding

UNITS = {
    "صفر": 0, "یک": 1, "یه": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6,
    "هفت": 7, "هشت": 8, "نه": 9, "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13,
    "چهارده": 14, "پانزده": 15, "پونزده": 15, "شانزده": 16, "هفده": 17, "هجده": 18,
    "هیجده": 18, "نوزده": 19, "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60,
    "هفتاد": 70, "هشتاد": 80, "نود": 90, "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300,
    "چهارصد": 400, "پانصد": 500, "ششصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
}
SCALES = {"هزار": 10**3, "میلیون": 10**6, "ملیون": 10**6, "میلیارد": 10**9, "بیلیون": 10**9,
          "همت": 10**12, "تریلیون": 10**12}
HALF = "نیم"

_D = f"[{DIGIT_CLASS}]"
# «9.500.000»: two or more dots between 3-digit groups are thousands separators.
_DOTTED_THOUSANDS = rf"{_D}{{1,3}}(?:\.{_D}{{3}}){{2,}}(?![{DIGIT_CLASS}])"
_DIGITS = rf"(?:{_DOTTED_THOUSANDS}|{_D}+(?:[,٬]{_D}{{3}})*(?:[.٫/]{_D}+)?)"
_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
# A number word joined by ZWNJ to anything but a scale word or a counting suffix
# («صد‌درصد», «هفت‌گانه», «پنج‌ساله», as hazm writes them) is part of another word
# («نه‌تنها» "not only", «یک‌طرفه», «دو‌جانبه»), not a number.
_JOINED = r"در\u200c?صد|گانه|ساله|ماهه|روزه|نفره|نفری|ساعته|طبقه|برابر"
_ATOM = rf"(?:{_DIGITS}|(?:{_WORDS})(?![\u0600-\u06FF])(?!\u200c(?!\s*(?:{_SCALE}|{_JOINED}))))"
_SCALE_WORD = rf"(?:{_SCALE})(?![\u0600-\u06CB\u06CD-\u06FF])"  # «میلیاردی» allowed: ی may follow
_PIECE = rf"{_ATOM}(?:[\s\u200c]*{_SCALE_WORD})*"  # «هفت‌میلیاردی»: a ZWNJ may stand before the scale
# Only «هزار» stands alone for a number («هزار واحد مسکونی»); a lone «همت» is "effort"
# («به همت مرکز»), «میلیون‌ها» and «محموله میلیاردی» are no amount.
_LONE_SCALE = r"هزار(?![\u0600-\u06CB\u06CD-\u06FF])"
# A number: pieces joined by «و», each optionally followed by a scale word; «و نیم» halves.
# A number never starts after a ZWNJ: «در‌صد» holds no hundred. Digits glued to more
# digits by a separator the number did not take are a date, a version or an id («1399/04/12», «1399.04.12»), never two numbers.
NUMBER = re.compile(
    rf"(?<![\w{DIGIT_CLASS}/\u200c])(?<![{DIGIT_CLASS}][.٫/,٬])(?:{_PIECE}|{_LONE_SCALE}(?:\s*{_SCALE_WORD})*)(?:\s+و\s+(?:{_PIECE}|{HALF}(?:\s*{_SCALE_WORD})?))*"
    rf"(?![.٫/,٬]?[{DIGIT_CLASS}])"
)
_TOKEN = re.compile(rf"{_DIGITS}|{_SCALE}|{_WORDS}|{HALF}")


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    value: int | Decimal  # exact: an int when whole, else the Decimal as written
    raw: str


# Digits a value may have before the point: more than any amount in any unit (10^30 rial is
# ten trillion times Iran's budget). A longer number is an id, noise or an attack: its
# fact is dropped, with this as the reason (nlp.document).
MAX_NUMBER_DIGITS = 30
# Exact for every value of up to MAX_NUMBER_DIGITS digits and as many decimals; a larger
# value is rounded here, or infinite, but it is dropped anyway. No trap: a chain of
# thousands of scale words («هزار هزار هزار …») is infinite, not an exception.
_EXACT = Context(prec=2 * MAX_NUMBER_DIGITS + 20, traps=[])


def is_too_long(value: int | Decimal) -> bool:
    """Whether `value` has more than MAX_NUMBER_DIGITS digits before the point (or is not finite)."""
    if isinstance(value, int):
        return abs(value) >= 10 ** MAX_NUMBER_DIGITS
    return not value.is_finite() or value.adjusted() >= MAX_NUMBER_DIGITS


def scaled(value: int | Decimal, factor: int) -> int | Decimal:
    """value × factor, exactly."""
    return as_number(_EXACT.multiply(Decimal(value), factor))


def as_number(value: Decimal) -> int | Decimal:
    """An exact value as it is best kept: an int when whole, the Decimal otherwise; one too
    long to be an amount stays a Decimal (turning it into an int costs the square of its length)."""
    if value.is_finite() and value.adjusted() < MAX_NUMBER_DIGITS and value == value.to_integral_value():
        return int(value)
    return value.normalize(_EXACT) if value.is_finite() else value


_fold = folding(ARABIC_LETTERS)  # same length as the text: a match's offsets are the text's


_LATIN_SLASH_DECIMAL = re.compile(r"^([0-9]+)/([0-9]+)$")


def _atom_value(token: str) -> Decimal | None:
    if token in UNITS:
        return Decimal(UNITS[token])
    visual = _LATIN_SLASH_DECIMAL.match(token)
    if visual:
        # A Persian decimal slash between Latin digits comes from pages stored in visual
        # order: the fraction is written first. Old Fars items say «5/1 ميليارد ريال» for the
        # station their body prices at 1.4–1.6 billion, «27/2 ميليون بشكه» for Iraq's 2.27
        # million barrels a day; Persian digits («۵۶/۵ درصد») are in reading order.
        token = f"{visual.group(2)}/{visual.group(1)}"
    latin = to_latin_digits(token).replace(",", "").replace("٬", "")
    if latin.count(".") > 1:
        latin = latin.replace(".", "")
    latin = latin.replace("٫", ".").replace("/", ".")
    try:
        return Decimal(latin)  # exact, however many digits, in linear time
    except InvalidOperation:
        return None


_HALF_VALUE = Decimal("0.5")


def _evaluate(tokens: list[str]) -> Decimal | None:
    """Sum of groups; each group's small number is multiplied by the scale that follows it
    («دو هزار و پانصد» = 2×1000 + 500, «۱۶۵ و نیم همت» = (165 + 0.5)×10^12)."""
    total = Decimal(0)
    current = Decimal(0)
    pending_half = False
    seen = False
    last_was_scale = False
    for token in tokens:
        if token == HALF:
            pending_half = True
            continue
        if token in SCALES:
            scale = SCALES[token]
            if last_was_scale and not current and not pending_half:  # «هزار میلیارد»
                total = _EXACT.multiply(total, scale)
                continue
            last_was_scale = True
            value = _EXACT.add(current or (0 if pending_half else 1), _HALF_VALUE if pending_half else 0)
            pending_half = False
            if scale > 1000 and total and total < scale:
                total = _EXACT.multiply(_EXACT.add(total, value), scale)
            else:
                total = _EXACT.add(total, _EXACT.multiply(value, scale))
            current = Decimal(0)
            seen = True
            continue
        value = _atom_value(token)
        if value is None:
            return None
        last_was_scale = False
        current = _EXACT.add(current, value)
        seen = True
    if pending_half:
        current = _EXACT.add(current, _HALF_VALUE)
    return _EXACT.add(total, current) if seen else None


_AND = re.compile(r"\s+و\s+")
_FIRST_WORD = re.compile(r"\S+")
_ENDS_IN_SCALE = re.compile(rf"(?:{_SCALE})$")


def _pieces(raw: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the numbers in one «و»-joined match. «و» joins the parts of one number
    after a scale word («4 هزار و 800»), before «نیم», and from a larger number word to a
    smaller one («شصت و نه»); anywhere else it joins two numbers («۱۸ و ۲۰ درصد»)."""
    spans: list[tuple[int, int]] = []
    start = previous_end = 0
    for separator in _AND.finditer(raw):
        # The words either side of this «و» only: slicing all the text to the right of each
        # one made a long «و» chain cost the square of its length.
        left = raw[previous_end:separator.start()].split()[-1]
        right = _FIRST_WORD.match(raw, separator.end()).group(0)
        if not _joins(left, right):
            spans.append((offset + start, offset + separator.start()))
            start = separator.end()
        previous_end = separator.end()
    spans.append((offset + start, offset + len(raw)))
    return spans


def _joins(left: str, right: str) -> bool:
    if right == HALF or _ENDS_IN_SCALE.search(left):
        return True
    return left in UNITS and right in UNITS and UNITS[left] > UNITS[right]


def _mentions(text: str) -> list[NumberMention]:
    folded = _fold(text)
    mentions = []
    for match in NUMBER.finditer(folded):
        raw = match.group(0).rstrip()
        for start, end in _pieces(raw, match.start()):
            value = _evaluate(_TOKEN.findall(folded[start:end]))
            if value is not None:
                mentions.append(NumberMention(start, end, as_number(value), text[start:end]))
    return mentions


def parse_number(text: str) -> int | Decimal | None:
    """The value of one numeric expression («شصت و نه میلیون» → 69000000), or None when
    `text` is not exactly one number."""
    stripped = text.strip()
    mentions = _mentions(stripped)
    if len(mentions) != 1 or (mentions[0].start, mentions[0].end) != (0, len(stripped)):
        return None
    return mentions[0].value


def find_numbers(text: str) -> list[NumberMention]:
    """Every number in `text` with its offsets; dates like 1399/04/12 are skipped."""
    return _mentions(text)
