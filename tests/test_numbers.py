"""The number reader on real phrases from the corpus."""

import pytest
from hypothesis import given, strategies as st

from shahrnameh.nlp.numbers import find_numbers, parse_number

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize("phrase, value", [
    ("شصت و نه ميليون", 69_000_000),          # fars 8611030530, Arabic ي
    ("38 ميليارد", 38_000_000_000),
    ("300 میلیون", 300_000_000),
    ("۲۰۰۰", 2000),
    ("۱۰۴۰", 1040),
    ("50 هزار میلیارد", 50_000_000_000_000),  # aryanews headline
    ("30\u200c هزار میلیارد".replace("\u200c", ""), 30_000_000_000_000),
    ("دو هزار و پانصد", 2500),
    ("یکصد و بیست", 120),
    ("2هزار", 2000),
    ("4 هزار و 800", 4800),
    ("۱.۵ میلیارد", 1_500_000_000),
    ("۱/۵ میلیارد", 1_500_000_000),
    ("۱۶۵ و نیم همت", 165_500_000_000_000),
    ("12.5", 12.5),
    ("1,200", 1200),
    ("۱٬۲۰۰", 1200),
    ("پنج", 5),
    ("9.500.000", 9_500_000),                 # aryanews: dots as thousands separators
    ("دو میلیون و 950 هزار", 2_950_000),      # aryanews
    ("سیصد و شصت و پنج", 365),
    ("٣٠٠", 300),                             # Arabic-Indic digits
])
def test_parse_number(phrase, value):
    assert parse_number(phrase) == value


def test_dates_and_words_that_only_contain_number_words_are_not_numbers():
    assert find_numbers("در تاریخ 1399/04/12 اعلام شد") == []
    assert find_numbers("دهه هشتادی‌ها") == []      # «هشتادی» is an adjective, not 80
    assert [m.value for m in find_numbers("یکی از محلات")] == []


def test_and_between_plain_numbers_joins_two_numbers():
    assert [(m.raw, m.value) for m in find_numbers("۱۸ و ۲۰ درصد")] == [("۱۸", 18), ("۲۰", 20)]
    assert [m.value for m in find_numbers("سه و چهار")] == [3, 4]
    assert parse_number("1,200 و 3") is None
    assert [m.value for m in find_numbers("در تاریخ 1399.04.12 و نسخه 1.2.3")] == []


def test_offsets_point_at_the_number_as_written():
    text = "اکنون در ۵۰ محله، ۳۵۰ نفر در ۵۰ شورای محله فعال هستند"
    mentions = find_numbers(text)
    assert [(text[m.start:m.end], m.value) for m in mentions] == [("۵۰", 50), ("۳۵۰", 350), ("۵۰", 50)]


@given(st.text())
def test_never_raises(text):
    find_numbers(text)
    parse_number(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_digits_round_trip(n):
    assert parse_number(str(n)) == n
    assert parse_number(str(n).translate(PERSIAN)) == n
    assert [m.value for m in find_numbers(f"بیش از {n} نفر")] == [n]
