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


@pytest.mark.parametrize("phrase, value", [
    # Old Fars items store a Persian decimal slash between Latin digits in visual order.
    ("5/1 ميليارد", 1_500_000_000),           # fars-municipal abadan: the body says 1.4–1.6 billion
    ("5/1", 1.5),                             # fars-municipal hamedan_government_week: «5/1 كيلومتر»
    ("۱/۵", 1.5),                             # Persian digits are in reading order
    ("یک‌هزار میلیارد", 1_000_000_000_000),    # fars-municipal shahreza_compost
    ("هزار و 500", 1500),                     # fars-municipal qom_terminals: «هزار و 500 بسته»
])
def test_parse_number_more_corpus_forms(phrase, value):
    assert parse_number(phrase) == value


def test_words_that_are_not_numbers():
    # «نه‌تنها» "not only" (seed 000), «به همت» "by the effort of" (yjc headline),
    # «میلیون‌ها» "millions", a lone «میلیاردی»: none is an amount.
    assert find_numbers("افراد تاثیرگذار در هر محله نه‌تنها صاحب‌نظر هستند") == []
    assert find_numbers("توزیع بسته‌های معیشتی به همت بسیجیان بافقی") == []
    assert find_numbers("میلیون‌ها نفر") == []
    assert find_numbers("توقیف محموله میلیاردی کالای قاچاق") == []
    # «صد» joined to «درصد» is a hundred (fars-municipal gorgan «صددرصد», as hazm splits it).
    assert [m.value for m in find_numbers("تامین و اجرای صد\u200cدر\u200cصد پارکینگ")] == [100]
    # A lone «هزار» is a thousand (fars-municipal dogonbadan title).
    assert [m.value for m in find_numbers("هزار واحد مسکونی در زلزله خسارت دید")] == [1000]


def test_a_range_is_two_numbers_and_two_facts():
    from shahrnameh.nlp.facts import extract_facts
    from shahrnameh.nlp.normalize import normalize
    # corpus/fars-heldout/fars_8612260275_tehran_council_brt_…
    text = normalize("سود حاصل از اين حساب درآمدي معادل 20 تا 23 ميليارد تومان سالانه عايد شهرداري مي‌كند")
    assert [m.value for m in find_numbers(text)] == [20, 23_000_000_000]
    assert [(f.value, f.category, f.qualifier) for f in extract_facts(text)] == [
        (20_000_000_000, "money", "exact"), (23_000_000_000, "money", "up_to")]


def test_ordinals_years_and_identifiers_are_not_counts():
    from shahrnameh.nlp.facts import extract_facts
    from shahrnameh.nlp.normalize import normalize

    def facts(sentence):
        return [(f.value, f.category) for f in extract_facts(normalize(sentence))]
    # corpus/fars-municipal/fars_13960431000844_tehran_council_…: «پنجمین دوره» is an ordinal.
    assert facts("انتخاب این 7 گزینه اولین شکست منتخبین پنجمین دوره شورای اسلامی شهر تهران است") == [(7, "people")]
    # corpus/text/fars_8812130218_…: «منطقه 20» names a district, «سال 88» is a year.
    assert facts("شهردار منطقه 20 تهران با اشاره به اينكه در سال 88 بيش از 100 پروژه در اين منطقه اجرا شد") == [
        (100, "project")]
    # corpus/fars-municipal/fars_8906061664_hamedan_…: «فاز 1» is «phase one».
    assert (1, "phase") not in facts("افتتاح فاز 1 بوستان تفريحي توريستي شاهد جوكار با مساحت 32 هزار متر مربع")


def test_number_words_joined_to_a_counting_suffix():
    # hazm writes «هفت گانه» as «هفت‌گانه» (corpus/fars-heldout/…tehran_environment_report,
    # batch 2): the number word stays a number before «گانه», «ساله», «درصد» …, not before
    # «تنها» or «طرفه».
    from shahrnameh.nlp.normalize import normalize
    assert [m.value for m in find_numbers(normalize("مولفه های هفت گانه هوا"))] == [7]
    assert [m.value for m in find_numbers("برنامه پنج\u200cساله")] == [5]
    assert find_numbers("یک\u200cطرفه") == []
