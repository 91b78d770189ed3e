"""Normalisation keeps numbers, URLs and letters hazm would damage; ZWNJ comes back."""

import pytest
from hypothesis import given, settings, strategies as st

from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.zwnj import restore_zwnj

ZWNJ = "\u200c"


def test_arabic_letters_become_persian():
    # corpus/text/fars_8611030530: «احداث 7 پارك محله‌اي در اروميه»
    assert normalize("احداث 7 پارك محله‌اي در اروميه") == "احداث 7 پارک محله‌ای در ارومیه"


def test_numbers_and_urls_survive():
    assert normalize("ورود 12.5 و 1,200 و ۱٬۲۰۰ تومان") == "ورود 12.5 و 1,200 و ۱٬۲۰۰ تومان"
    assert "https://www.payamekhuzestan.ir/Fa/News/797824/" in normalize(
        "لینک کوتاه: https://www.payamekhuzestan.ir/Fa/News/797824/")


def test_repeated_letters_are_not_collapsed():
    assert "دهه" in normalize("همه شهرداران دهههشتادی")


def test_lost_zwnj_is_restored_in_seed_words():
    # Words as they stand in corpus/seeds/000: the copy lost every ZWNJ.
    text = normalize("ارتقای کیفیت خدماترسانی به شهروندان با بهرهگیری از ظرفیت")
    assert f"خدمات{ZWNJ}رسانی" in text and f"بهره{ZWNJ}گیری" in text
    assert normalize("معاون اول رئیسجمهور") == f"معاون اول رئیس{ZWNJ}جمهور"
    assert normalize("بارگذاری میشود") == f"بارگذاری می{ZWNJ}شود"
    assert restore_zwnj("پروژههای") == f"پروژه{ZWNJ}های"
    assert restore_zwnj("محلهای") == f"محله{ZWNJ}ای"       # nlp/data/zwnj_overrides.tsv
    assert restore_zwnj("محلهمحوری") == f"محله{ZWNJ}محوری"  # seed 004: «طرح محلهمحوری»


def test_suffixes_after_unlisted_plurals_and_comparatives():
    # Seed 004 and corpus/html/persian-news words.
    assert restore_zwnj("فعالیتهای") == f"فعالیت{ZWNJ}های"
    assert restore_zwnj("نمایشگاههایی") == f"نمایشگاه{ZWNJ}هایی"
    assert restore_zwnj("جدیدترین") == f"جدید{ZWNJ}ترین"
    assert restore_zwnj("تویتر") == "تویتر"          # no comparative of «توی»


def test_ambiguous_glued_forms_are_left_alone():
    # «آبهای»: «آب‌های» or «آبه‌ای»; «شهرهای»: «شهر‌های» or «شهره‌ای».
    assert restore_zwnj("آبهای شهرهای کارهای") == "آبهای شهرهای کارهای"


def test_correct_words_are_never_broken():
    words = ("شهرداری شهروندان محلات مدیریت مشارکت کتابخانه ایستگاه خدمات آتش‌نشانی بهره‌برداری "
             "فرهنگی انتهای دوومیدانی بزرگتر کتابها")
    assert restore_zwnj(words) == words


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيك ۰۱۲۳۴۵۶۷۸۹0123456789.,٫٬\u200c\n")),
               max_size=80))
def test_never_raises_and_keeps_digits(text):
    result = normalize(text)
    digits = [c for c in text if c.isdigit()]
    assert [c for c in result if c.isdigit()] == digits


def test_lines_stay_lines_and_bad_input_is_refused():
    # corpus/text/fars_8611030530: title line, then the lead.
    text = normalize("احداث 7 پارك محله‌اي در اروميه \n\n در سطح اروميه 7 پارك محله‌اي در حال احداث مي باشد")
    assert text.split("\n")[0] == "احداث 7 پارک محله‌ای در ارومیه"
    assert text.split("\n")[-1].startswith("در سطح ارومیه 7 پارک")
    with pytest.raises(TypeError, match="takes a str"):
        normalize(None)
