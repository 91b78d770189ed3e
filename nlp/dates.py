"""Dates in Persian text → ISO: Jalali, Afghan solar months, Hijri qamari, Gregorian."""

from __future__ import annotations

import datetime as dt
import heapq
import re
from dataclasses import dataclass

import jdatetime

from shahrnameh.nlp.digits import DIGIT_CLASS, to_latin_digits
from shahrnameh.nlp.letters import ARABIC_LETTERS, folding

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
_fold = folding(ARABIC_LETTERS)  # same length as the input, so match offsets stay valid


_GREGORIAN_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_GREGORIAN_MONTHS.update({m[:3].lower(): i for m, i in list(_GREGORIAN_MONTHS.items())})
# Gregorian months in Persian script: as Iranian pages spell them, then as Dari pages do
# («۲۵ نومبر», «۱۵ اگست ۲۰۲۱»).
_PERSIAN_GREGORIAN_MONTHS = {
    "ژانویه": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "مه": 5, "ژوئن": 6, "ژوئیه": 7, "ژوییه": 7,
    "اوت": 8, "آگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
    "جنوری": 1, "فبروری": 2, "مارچ": 3, "اپریل": 4, "می": 5, "جون": 6, "جولای": 7, "اگست": 8,
    "آگست": 8, "سپتمبر": 9, "اکتوبر": 10, "نومبر": 11, "دسمبر": 12,
}
# Egyptian/Gulf names and the Levantine (Syriac) ones; Lebanese pages print both, «نيسان / أبريل».
_ARABIC_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
}

_D = f"[{DIGIT_CLASS}]"
_NOT_LETTER = r"(?![\u0600-\u06FF])"
_ARABIC_MONTH_NUMBERS = {_fold(name): number for name, number in _ARABIC_MONTHS.items()}
_arabic = "|".join(sorted((re.escape(_fold(m)) for m in _ARABIC_MONTHS), key=len, reverse=True))
_solar = "|".join(sorted(map(re.escape, _SOLAR_MONTHS), key=len, reverse=True))
_hijri = "|".join(sorted(map(re.escape, _HIJRI_MONTHS), key=len, reverse=True))
_persian_gregorian = "|".join(sorted(map(re.escape, _PERSIAN_GREGORIAN_MONTHS), key=len, reverse=True))
_PATTERNS = [
    ("solar_dmy", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s*(?:ام\s*)?({_solar})(?:\s*ماه)?\s*(?:سال\s*)?({_D}{{4}})(?!{_D})")),
    ("solar_mdy", re.compile(rf"(?<![\w])({_solar})\s+({_D}{{1,2}})\s*[,،]\s*({_D}{{4}})(?!{_D})")),
    ("persian_gregorian", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s*({_persian_gregorian}){_NOT_LETTER}\s*(?:سال\s*)?({_D}{{4}})(?!{_D})")),
    ("hijri", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s*({_hijri})\s*({_D}{{4}})(?!{_D})")),
    ("numeric", re.compile(rf"(?<![{DIGIT_CLASS}/])({_D}{{4}})\s*[/\-.]\s*({_D}{{1,2}})\s*[/\-.]\s*({_D}{{1,2}})(?![{DIGIT_CLASS}/])")),
    ("arabic_dmy", re.compile(rf"(?<!{_D})({_D}{{1,2}})\s+({_arabic}){_NOT_LETTER}(?:\s*/\s*(?:{_arabic}){_NOT_LETTER})?\s*[,،]?\s*({_D}{{4}})(?!{_D})")),
    ("arabic_mdy", re.compile(rf"(?<![\u0600-\u06FF])({_arabic})\s+({_D}{{1,2}})\s*[,،]\s*({_D}{{4}})(?!{_D})")),
    ("gregorian_text", re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")),
    ("gregorian_text_mdy", re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    raw: str


# Solar years a news page can carry: «۲۹ اردیبهشت ۲۰۲۴» is a typo or a Gregorian year,
# not Jalali 2024 (= 2645 AD).
JALALI_YEARS = range(1200, 1600)


# A date written in digits only says its calendar by its year: 1403-01-01 is Jalali (20 March
# 2024), 2024-03-20 Gregorian. The two ranges do not meet, so the year alone decides.
NUMERIC_JALALI_YEARS = range(1300, 1501)
NUMERIC_GREGORIAN_YEARS = range(1900, 2101)


def _jalali(year: int, month: int, day: int) -> dt.date | None:
    if year not in JALALI_YEARS:
        return None
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
    """The tabular (arithmetic, civil-epoch) Islamic calendar: 30-year cycle with leap years
    2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29; odd months have 30 days, even months 29, the
    12th 30 in a leap year; 1 Muharram 1 AH = Julian 16 July 622 (JDN 1948440).
    Moon-sighting calendars (Iran's official one, Umm al-Qura) may differ by a day or two.
    """
    if year < 1 or not 1 <= month <= 12:
        return None
    leap = (14 + 11 * year) % 30 < 11
    length = 30 if month % 2 == 1 or (month == 12 and leap) else 29
    if not 1 <= day <= length:
        return None
    julian_day = ((11 * year + 3) // 30 + 354 * year + 30 * month - (month - 1) // 2 + day
                  + 1948440 - 385)
    return dt.date.fromordinal(julian_day - _JDN_OF_ORDINAL_ZERO)


# date.fromordinal(1) is 0001-01-01, JDN 1721426.
_JDN_OF_ORDINAL_ZERO = 1721425


def _convert(kind: str, groups: tuple[str, ...]) -> dt.date | None:
    g = [to_latin_digits(x) for x in groups]
    if kind == "solar_dmy":
        return _jalali(int(g[2]), _SOLAR_MONTHS[g[1]], int(g[0]))
    if kind == "solar_mdy":
        return _jalali(int(g[2]), _SOLAR_MONTHS[g[0]], int(g[1]))
    if kind == "persian_gregorian":
        return _gregorian(int(g[2]), _PERSIAN_GREGORIAN_MONTHS[g[1]], int(g[0]))
    if kind == "hijri":
        return hijri_to_gregorian(int(g[2]), _HIJRI_MONTHS[g[1]], int(g[0]))
    if kind == "numeric":
        year, month, day = int(g[0]), int(g[1]), int(g[2])
        if year in NUMERIC_JALALI_YEARS:
            return _jalali(year, month, day)
        if year in NUMERIC_GREGORIAN_YEARS:
            return _gregorian(year, month, day)
        return None
    if kind in ("arabic_dmy", "arabic_mdy"):
        day, name = (g[0], g[1]) if kind == "arabic_dmy" else (g[1], g[0])
        return _gregorian(int(g[2]), _ARABIC_MONTH_NUMBERS[name], int(day))
    if kind in ("gregorian_text", "gregorian_text_mdy"):
        day, name = (g[0], g[1]) if kind == "gregorian_text" else (g[1], g[0])
        month = _GREGORIAN_MONTHS.get(name.lower())
        return _gregorian(int(g[2]), month, int(day)) if month else None
    return None


# The solar months whose names are no common words («میزان», «حمل», «سرطان», «اسد», «قوس» are):
# the number after one is its year.
_SOLAR_YEAR_MONTHS = frozenset(_SOLAR_MONTHS) - {"میزان", "حمل", "سرطان", "اسد", "قوس"}
_solar_years = "|".join(sorted(map(re.escape, _SOLAR_YEAR_MONTHS), key=len, reverse=True))
_MONTH_BEFORE = re.compile(rf"(?<![\w\u200c])({_solar_years}|{_persian_gregorian})(?:[ \u200c]*ماه)?[ \u200c]*$")


def is_year_of_month(before: str, value: int) -> bool:
    """Whether a number `value` written right after `before` is the year of the month `before`
    ends with («ماه اگست ۲۰۲۱ بار دیگر», «اسفند ۱۴۰۲»): a Jalali year after a solar month, a
    Gregorian one after a Gregorian month. Not another number («در ماه آوریل یک‌میلیون
    دستگاه», «پایان اسفند یک هزار و ۹۶۰ تومان»)."""
    if value not in NUMERIC_GREGORIAN_YEARS and value not in NUMERIC_JALALI_YEARS:
        return False  # (most numbers: no regex read)
    month = _MONTH_BEFORE.search(_fold(before[-24:]))
    if month is None:
        return False
    if month.group(1) in _PERSIAN_GREGORIAN_MONTHS:
        return value in NUMERIC_GREGORIAN_YEARS
    return value in NUMERIC_JALALI_YEARS


def find_dates(text: str) -> list[DateMention]:
    """Every date written in `text`, in order, with offsets."""
    folded = _fold(text)
    found: list[DateMention] = []
    # The spans dates of earlier patterns took, in text order and disjoint. A pattern's
    # matches come in text order too, so one pointer walks them alongside: comparing each
    # match with every date taken before cost the square of the number of dates.
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        added: list[tuple[int, int]] = []
        next_taken = 0
        for match in pattern.finditer(folded):
            start, end = match.span()
            while next_taken < len(taken) and taken[next_taken][1] <= start:
                next_taken += 1
            if next_taken < len(taken) and taken[next_taken][0] < end:
                continue  # overlaps a date an earlier pattern read
            date = _convert(kind, match.groups())
            if date:
                added.append((start, end))
                found.append(DateMention(start, end, date, text[start:end]))
        taken = list(heapq.merge(taken, added))
    return sorted(found, key=lambda m: m.start)


def parse_date(text: str) -> dt.date | None:
    """The first date in `text`, or None."""
    mentions = find_dates(text)
    return mentions[0].date if mentions else None


class DateError(ValueError):
    """A date given by a user (a command-line option) that cannot be read, or can be read two ways."""


_WRITTEN_NUMERIC = re.compile(r"(\d+)\s*[-/.]\s*(\d+)\s*[-/.]\s*(\d+)")
_EXPECTED = ("expected a date like 2024-03-20 (Gregorian) or 1403-01-01 (Jalali), digits Latin or "
             "Persian, or written out like «۲۹ اردیبهشت ۱۴۰۳» or 18 May 2024")


def read_date(text: str) -> dt.date:
    """The Gregorian date of a date a user typed (a --since option): the one date reader of the
    command line, so that every option reads 1403-01-01 as Jalali and 2024-03-20 as Gregorian.

    Year first (YYYY-MM-DD, / or . too) in either calendar, by the year as `find_dates` decides
    it; year last (DD/MM/YYYY or MM/DD/YYYY) when only one order is a date; any written-out
    date `find_dates` reads («۲۹ اردیبهشت ۱۴۰۳», «18 May 2024»). A year-last date that is a date
    both ways (01/02/2024) is refused with the two readings named. Raises DateError.
    """
    written = " ".join(text.split())
    numeric = _WRITTEN_NUMERIC.fullmatch(to_latin_digits(written))
    if numeric:
        return _read_numeric(written, *numeric.groups())
    mentions = find_dates(written)
    if len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (0, len(written)):
        return mentions[0].date
    raise DateError(f"not a date: {text!r} ({_EXPECTED})")


def _read_numeric(text: str, first: str, second: str, third: str) -> dt.date:
    if len(first) == 4:
        return _numeric_date(text, int(first), int(second), int(third))
    if len(third) != 4:
        raise DateError(f"not a date: {text!r} (the year needs its four digits; {_EXPECTED})")
    year, a, b = int(third), int(first), int(second)
    readings = {}
    for order, (month, day) in (("day first", (b, a)), ("month first", (a, b))):
        try:
            readings[order] = (_numeric_date(text, year, month, day), f"{year:04d}-{month:02d}-{day:02d}")
        except DateError as error:
            problem = error
    if not readings:
        raise problem
    if len({date for date, _ in readings.values()}) > 1:
        named = " or ".join(f"{iso} ({order}{_gregorian_too(year, date)})"
                            for order, (date, iso) in readings.items())
        raise DateError(f"ambiguous date {text!r}: {named}; write the year first, YYYY-MM-DD")
    return next(iter(readings.values()))[0]


def _gregorian_too(year: int, date: dt.date) -> str:
    return f", = {date.isoformat()}" if year in NUMERIC_JALALI_YEARS else ""


def _numeric_date(text: str, year: int, month: int, day: int) -> dt.date:
    if year in NUMERIC_JALALI_YEARS:
        calendar, make = "Jalali", lambda: jdatetime.date(year, month, day).togregorian()
    elif year in NUMERIC_GREGORIAN_YEARS:
        calendar, make = "Gregorian", lambda: dt.date(year, month, day)
    else:
        raise DateError(
            f"not a date: {text!r} (year {year} is neither Jalali, {NUMERIC_JALALI_YEARS.start}–"
            f"{NUMERIC_JALALI_YEARS.stop - 1}, nor Gregorian, {NUMERIC_GREGORIAN_YEARS.start}–"
            f"{NUMERIC_GREGORIAN_YEARS.stop - 1})")
    try:
        return make()
    except ValueError as error:
        raise DateError(f"not a date: {text!r} ({error} in the {calendar} calendar)") from None
