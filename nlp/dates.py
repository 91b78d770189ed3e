"""Dates in Persian text → ISO: Jalali, Afghan solar months, Hijri qamari, Gregorian."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import jdatetime

from shahrnameh.nlp.digits import DIGIT_CLASS, to_latin_digits

# Iranian and Afghan names of the solar months, both spellings of ی/ي and ک/ك handled by
# folding the text before matching.
_SOLAR_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "شهریور": 6,
    "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
    "حمل": 1, "ثور": 2, "جوزا": 3, "سرطان": 4, "اسد": 5, "سنبله": 6,
    "میزان": 7, "عقرب": 8, "قوس": 9, "جدی": 10, "دلو": 11, "حوت": 12,
}
_HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربیع‌الاول": 3, "ربیع الاول": 3, "ربیع‌الثانی": 4, "ربیع الثانی": 4,
    "جمادی‌الاول": 5, "جمادی الاول": 5, "جمادی‌الثانی": 6, "جمادی الثانی": 6, "رجب": 7,
    "شعبان": 8, "رمضان": 9, "شوال": 10, "ذی‌القعده": 11, "ذی القعده": 11,
    "ذی‌الحجه": 12, "ذی الحجه": 12,
}
_GREGORIAN_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_GREGORIAN_MONTHS.update({m[:3].lower(): i for m, i in list(_GREGORIAN_MONTHS.items())})

_D = f"[{DIGIT_CLASS}]"
_solar = "|".join(sorted(map(re.escape, _SOLAR_MONTHS), key=len, reverse=True))
_hijri = "|".join(sorted(map(re.escape, _HIJRI_MONTHS), key=len, reverse=True))
_PATTERNS = [
    ("solar_dmy", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s*(?:ام\s*)?({_solar})(?:\s*ماه)?\s*(?:سال\s*)?({_D}{{4}})(?!{_D})")),
    ("solar_mdy", re.compile(rf"(?<![\w])({_solar})\s+({_D}{{1,2}})\s*[,،]\s*({_D}{{4}})(?!{_D})")),
    ("hijri", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s*({_hijri})\s*({_D}{{4}})(?!{_D})")),
    ("numeric", re.compile(rf"(?<![{DIGIT_CLASS}/])({_D}{{4}})\s*[/\-.]\s*({_D}{{1,2}})\s*[/\-.]\s*({_D}{{1,2}})(?![{DIGIT_CLASS}/])")),
    ("gregorian_text", re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")),
    ("gregorian_text_mdy", re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    raw: str


def _fold(text: str) -> str:
    # Same length as the input, so match offsets stay valid.
    return text.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی")


def _jalali(year: int, month: int, day: int) -> dt.date | None:
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None


def _gregorian(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """Tabular Islamic calendar (civil epoch 622-07-16). Moon-sighting calendars, as
    used in Iran, may differ from it by a day or two."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and year > 0):
        return None
    days = day + int(29.5 * (month - 1) + 0.99) + (year - 1) * 354 + (3 + 11 * year) // 30
    julian_day = days + 1948439 - 1
    return dt.date.fromordinal(julian_day - 1721425 + 1) if julian_day > 1721425 else None


def _convert(kind: str, groups: tuple[str, ...]) -> dt.date | None:
    g = [to_latin_digits(x) for x in groups]
    if kind == "solar_dmy":
        return _jalali(int(g[2]), _SOLAR_MONTHS[g[1]], int(g[0]))
    if kind == "solar_mdy":
        return _jalali(int(g[2]), _SOLAR_MONTHS[g[0]], int(g[1]))
    if kind == "hijri":
        return hijri_to_gregorian(int(g[2]), _HIJRI_MONTHS[g[1]], int(g[0]))
    if kind == "numeric":
        year, month, day = int(g[0]), int(g[1]), int(g[2])
        if 1300 <= year <= 1500:
            return _jalali(year, month, day)
        if 1900 <= year <= 2100:
            return _gregorian(year, month, day)
        return None
    if kind in ("gregorian_text", "gregorian_text_mdy"):
        day, name = (g[0], g[1]) if kind == "gregorian_text" else (g[1], g[0])
        month = _GREGORIAN_MONTHS.get(name.lower())
        return _gregorian(int(g[2]), month, int(day)) if month else None
    return None


def find_dates(text: str) -> list[DateMention]:
    """Every date written in `text`, in order, with offsets."""
    folded = _fold(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            date = _convert(kind, match.groups())
            if date:
                taken.append(match.span())
                found.append(DateMention(match.start(), match.end(), date, text[match.start():match.end()]))
    return sorted(found, key=lambda m: m.start)


def parse_date(text: str) -> dt.date | None:
    """The first date in `text`, or None."""
    mentions = find_dates(text)
    return mentions[0].date if mentions else None
