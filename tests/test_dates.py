"""Date expressions as Persian, Dari and Arabic pages write them."""

import datetime as dt

import jdatetime
import pytest

from shahrnameh.nlp.dates import DateError, find_dates, hijri_to_gregorian, is_year_of_month, parse_date, read_date


@pytest.mark.parametrize("expression, expected", [
    ("شنبه ۲۹ اردیبهشت ۱۴۰۳", dt.date(2024, 5, 18)),          # seed 004's header
    ("دوشنبه ۲ تير ۱۳۹۹", dt.date(2020, 6, 22)),               # aryanews, Arabic ي
    ("۲ تیر ۱۳۹۹", dt.date(2020, 6, 22)),
    ("1399/04/12", dt.date(2020, 7, 2)),
    ("۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹", dt.date(2020, 5, 10)),              # yjc's article:published_time
    ("دلو ۰۱, ۱۴۰۳", dt.date(2025, 1, 20)),                    # VOA Dari, Afghan month first
    ("جدی ۰۳, ۱۴۰۳", dt.date(2024, 12, 23)),
    ("۱ حمل ۱۴۰۳", dt.date(2024, 3, 20)),
    ("2020-02-18T10:00:00+03:30", dt.date(2020, 2, 18)),
    ("18 February 2020", dt.date(2020, 2, 18)),
    ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", dt.date(2020, 10, 7)),
    ("الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", dt.date(2020, 4, 24)),
    ("٢٤ أبريل ٢٠٢٠", dt.date(2020, 4, 24)),
])
def test_parse_date(expression, expected):
    assert parse_date(expression) == expected


@pytest.mark.parametrize("expression", ["", "۳۰ اسفند ۱۴۰۲", "1399/13/01", "2020-02-30", "۲۰۰ طرح", "VOA"])
def test_no_date_or_impossible_date(expression):
    # 1402 is not a leap year in the Jalali calendar: there is no 30 Esfand.
    assert parse_date(expression) is None


def test_hijri_qamari_tabular():
    # Tabular (civil) calendar: 1 Ramadan 1445 = 2024-03-11, 15 Ramadan = 2024-03-25,
    # 1 Muharram 1446 = 2024-07-08 (Umm al-Qura: 07-07).
    assert parse_date("۱۵ رمضان ۱۴۴۵") == dt.date(2024, 3, 25)
    assert hijri_to_gregorian(1445, 9, 1) == dt.date(2024, 3, 11)
    assert hijri_to_gregorian(1446, 1, 1) == dt.date(2024, 7, 8)
    assert hijri_to_gregorian(1, 1, 1) == dt.date(622, 7, 19)  # Julian 16 July 622
    assert hijri_to_gregorian(1445, 13, 1) is None


def test_find_dates_gives_offsets_into_the_original_text():
    # A corpus/seeds/004 header line, Arabic-spelling-free, and a Hijri date after it.
    text = "فیروزه کویرشنبه ۲۹ اردیبهشت ۱۴۰۳ و ۱۵ رمضان ۱۴۴۵"
    mentions = find_dates(text)
    assert [m.date for m in mentions] == [dt.date(2024, 5, 18), dt.date(2024, 3, 25)]
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.raw
    assert mentions[0].raw == "۲۹ اردیبهشت ۱۴۰۳"


def test_arabic_ya_and_kaf_spellings_keep_offsets():
    text = "تاريخ: ۹ دي ۱۳۸۸"
    (mention,) = find_dates(text)
    assert mention.date == dt.date(2009, 12, 30)
    assert mention.raw == "۹ دي ۱۳۸۸"


def test_hijri_month_lengths():
    assert hijri_to_gregorian(1445, 2, 30) is None            # even months have 29 days
    assert hijri_to_gregorian(1445, 12, 30) is not None       # 1445 is a leap year (cycle year 5)
    assert hijri_to_gregorian(1446, 12, 30) is None


def test_arabic_month_first_with_comma():
    # elbaladtv's sidebar: «ديسمبر 25, 2020»
    assert parse_date("ديسمبر 25, 2020") == dt.date(2020, 12, 25)


AFGHAN_AND_IRANIAN_MONTHS = [
    ("حمل", "فروردین"), ("ثور", "اردیبهشت"), ("جوزا", "خرداد"), ("سرطان", "تیر"),
    ("اسد", "مرداد"), ("سنبله", "شهریور"), ("میزان", "مهر"), ("عقرب", "آبان"),
    ("قوس", "آذر"), ("جدی", "دی"), ("دلو", "بهمن"), ("حوت", "اسفند"),
]


@pytest.mark.parametrize("number, names", list(enumerate(AFGHAN_AND_IRANIAN_MONTHS, 1)))
def test_afghan_solar_months_are_the_jalali_months(number, names):
    afghan, iranian = names
    expected = jdatetime.date(1403, number, 1).togregorian()
    assert parse_date(f"{afghan} ۰۱, ۱۴۰۳") == expected      # VOA Dari's order
    assert parse_date(f"۱ {afghan} ۱۴۰۳") == expected
    assert parse_date(f"۱ {iranian} ۱۴۰۳") == expected


@pytest.mark.parametrize("expression, expected", [
    ("حوت ۰۱, ۱۴۰۳", dt.date(2025, 2, 19)),    # corpus/html/voa-dari/article_7980529.html
    ("سرطان ۱۳, ۱۴۰۱", dt.date(2022, 7, 4)),   # article_6730477.html
    ("۱ فروردین ۱۴۰۳", dt.date(2024, 3, 20)),
    ("۳۰ اسفند ۱۴۰۳", dt.date(2025, 3, 20)),   # 1403 is a leap year
])
def test_exact_jalali_conversions(expression, expected):
    assert parse_date(expression) == expected


def test_a_gregorian_year_after_a_solar_month_is_not_jalali():
    assert parse_date("۲۹ اردیبهشت ۲۰۲۴") is None


@pytest.mark.parametrize("written, expected", [
    ("2024-03-20", dt.date(2024, 3, 20)),
    ("1403-01-01", dt.date(2024, 3, 20)),          # Jalali by its year, not Gregorian 1403 AD
    ("۱۴۰۳/۰۱/۰۱", dt.date(2024, 3, 20)),
    ("١٤٠٣-٠١-٠١", dt.date(2024, 3, 20)),          # Arabic-Indic digits
    ("1403.1.1", dt.date(2024, 3, 20)),
    ("۲۹ اردیبهشت ۱۴۰۳", dt.date(2024, 5, 18)),
    ("18 May 2024", dt.date(2024, 5, 18)),
    ("20/03/2024", dt.date(2024, 3, 20)),          # year last, only day-first is a date
    ("03/20/2024", dt.date(2024, 3, 20)),          # year last, only month-first is a date
    ("05/05/2024", dt.date(2024, 5, 5)),           # both orders, one day
    ("29/02/1403", dt.date(2024, 5, 18)),
])
def test_read_date_reads_a_date_option_in_either_calendar(written, expected):
    assert read_date(written) == expected


@pytest.mark.parametrize("written, message", [
    ("01/02/2024", "ambiguous date '01/02/2024': 2024-02-01 (day first) or 2024-01-02 (month first); "
                   "write the year first, YYYY-MM-DD"),
    ("05/06/1403", "ambiguous date '05/06/1403': 1403-06-05 (day first, = 2024-08-26) or "
                   "1403-05-06 (month first, = 2024-07-27)"),
    ("1750-01-01", "year 1750 is neither Jalali, 1300–1500, nor Gregorian, 1900–2100"),
    ("1402-12-30", "not a date: '1402-12-30' (day is out of range for month in the Jalali calendar)"),
    ("2026-02-30", "not a date: '2026-02-30' (day is out of range for month in the Gregorian calendar)"),
    ("01/02/24", "the year needs its four digits"),
    ("1403-01-01x", "not a date: '1403-01-01x' (expected a date like 2024-03-20"),
    ("last week", "not a date: 'last week'"),
    ("۲۹ اردیبهشت ۱۴۰۳ و ۱ خرداد ۱۴۰۳", "not a date"),
])
def test_read_date_refuses_what_is_not_one_date(written, message):
    with pytest.raises(DateError) as refused:
        read_date(written)
    assert message in str(refused.value)


def test_gregorian_months_in_persian_script_iranian_and_dari_spellings():
    # corpus/html/voa-dari: «به تاریخ ۲۵ نومبر ۲۰۲۴»; Iranian pages write «۱۸ ژانویه ۲۰۱۶».
    assert parse_date("به تاریخ ۲۵ نومبر ۲۰۲۴ آغاز شد") == dt.date(2024, 11, 25)
    assert parse_date("روز ۱۸ ژانویه ۲۰۱۶ اعلام شد") == dt.date(2016, 1, 18)
    assert parse_date("۳۰ فبروری ۲۰۲۴") is None  # no such day


def test_a_number_after_a_month_is_its_year_only_in_that_calendar_s_years():
    # corpus/html/voa-dari: «طالبان در آگست ۲۰۲۱ بار دیگر بر افغانستان مسلط شدند» is a year, not
    # «2021 بار»; «در ماه آوریل یک‌میلیون دستگاه» and «پایان اسفند یک هزار و ۹۶۰ تومان» count.
    assert is_year_of_month("طالبان در آگست ", 2021)
    assert is_year_of_month("تا پایان اسفند ماه ", 1402)
    assert not is_year_of_month("در ماه آوریل ", 1000000)
    assert not is_year_of_month("در پایان اسفند ", 1960)
    assert not is_year_of_month("به میزان ", 1400)  # «میزان» is an amount before it is a month
    from shahrnameh.nlp.facts import extract_facts
    from shahrnameh.nlp.normalize import normalize
    text = normalize("پس از آنکه طالبان در آگست ۲۰۲۱ بار دیگر بر افغانستان مسلط شدند، ۳۰۰ نفر بازداشت شدند.")
    assert [f.value for f in extract_facts(text)] == [300]
