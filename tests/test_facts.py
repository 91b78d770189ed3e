"""Programme facts against the gold sets, and FACTS.md's rulings on real sentences."""

import json
import time
from collections import defaultdict

import pytest
from hypothesis import given, settings, strategies as st

from conftest import CORPUS, GOLD
from shahrnameh.nlp.evaluation import score
from shahrnameh.nlp.facts import extract_facts
from shahrnameh.nlp.normalize import normalize


# The article bodies as the chrome remover hands them over (the brief of nlp.facts):
# seed 000 from the dateline to its sign-off, seed 004 from its third line to the last
# sentence of the article; Fars text files without their '#' header lines.
_SEED_BODIES = {
    "000_79683cf1f56b498c.txt": ("پیام خوزستان - با حضور", "انتهای پیام/"),
    "004_2c1a495e2d80be16.txt": ("آیین رونمایی از الگوی", "مورد استفاده قرار گیرد."),
}


def _body(folder, doc):
    text = (CORPUS / folder / doc).read_text(encoding="utf-8")
    if folder == "seeds":
        first, last = _SEED_BODIES[doc]
        start = text.rfind("\n", 0, text.index(first)) + 1
        return text[start:text.index(last) + len(last)]
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def _gold(name):
    facts = defaultdict(list)
    for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        facts[row["doc"]].append((row["value"], row["category"], row["qualifier"], row["evidence"]))
    return facts


def _predicted(folder, docs):
    predicted = {}
    for doc in docs:
        facts = extract_facts(normalize(_body(folder, doc)))
        predicted[doc] = [(f.value, f.category, f.qualifier, f.evidence) for f in facts]
    return predicted


@pytest.mark.parametrize("gold_file, folder, f1_floor", [
    # Measured (value, category) F1: seeds 1.00, dev 0.99, fars-municipal 1.00 (27 articles,
    # the set the rules were tuned on), fars-heldout 0.92 (31 articles in three batches, each
    # annotated and committed before the extractor was run on it; how each was used since is
    # in corpus/MANIFEST.md). Floors leave room for small changes, not for regressions.
    ("seeds.jsonl", "seeds", 0.95),
    ("dev.jsonl", "text", 0.93),
    ("fars-municipal.jsonl", "fars-municipal", 0.97),
    ("fars-heldout.jsonl", "fars-heldout", 0.89),
])
def test_gold_sets(gold_file, folder, f1_floor):
    gold = _gold(gold_file)
    # A Fars folder is scored file by file: an article without any fact has no gold line,
    # and what is extracted from it counts against precision.
    docs = gold if folder == "seeds" else sorted(path.name for path in (CORPUS / folder).glob("*.txt"))
    assert set(gold) <= set(docs)
    result = score(_predicted(folder, docs), gold)
    assert result["f1"] >= f1_floor, (result["f1"], result["misses"], result["spurious"])
    assert result["qualifier_accuracy"] >= 0.9, result["wrong_qualifier"]


def test_gold_files_hold_their_evidence():
    # Every gold line quotes its article: a typo in a hand-annotated file shows here.
    for gold_file, folder in [("fars-municipal.jsonl", "fars-municipal"), ("fars-heldout.jsonl", "fars-heldout")]:
        for doc, facts in _gold(gold_file).items():
            text = (CORPUS / folder / doc).read_text(encoding="utf-8")
            for value, category, qualifier, evidence in facts:
                assert evidence in text, (doc, value, evidence)


def test_score_matches_one_to_one_on_value_and_category():
    gold = {"a": [(50, "neighbourhood", "exact"), (50, "council", "exact"), (2500, "project", "about")]}
    predicted = {"a": [(50, "council", "exact"), (50, "council", "exact"), (2500.0, "project", "more_than")],
                 "b": [(3, "district", "exact")]}
    result = score(predicted, gold)
    assert (result["predicted"], result["gold"], result["matched"]) == (4, 3, 2)
    assert result["precision"] == 0.5 and result["recall"] == pytest.approx(2 / 3)
    assert result["qualifier_accuracy"] == 0.5
    assert result["misses"] == [("a", (50, "neighbourhood", "exact"))]
    with pytest.raises(ValueError, match="value, category, qualifier"):
        score({"a": [("50", "council")]}, {})


def _facts(sentence):
    return [(f.value, f.category, f.qualifier) for f in extract_facts(normalize(sentence))]


def test_qualifiers_and_categories_on_seed_sentences():
    assert _facts("در سامانه من شهردارم بالغ بر 2500 پروژه در محلات شهر تهران بارگذاری شده است") == [
        (2500, "project", "about")]
    assert _facts("تاکنون بیش از ۲۰۰۰ ایده در شهر ثبت و برخی از آنها اجرایی شده است") == [
        (2000, "idea", "more_than")]
    assert _facts("اکنون در ۵۰ محله، ۳۵۰ نفر در ۵۰ شورای محله فعال هستند") == [
        (50, "neighbourhood", "exact"), (350, "people", "exact"), (50, "council", "exact")]


def test_rulings_on_non_facts():
    # «شهردار منطقه 3»: a district's number, not three districts; «یک تیم ۹ نفره»: only 9.
    assert _facts("در ادامه حمید جوانی شهردار منطقه 3 اظهار داشت") == []
    assert _facts("هر کدام از آنها برخوردار از یک تیم ۹ نفره در حوزههای مختلف شهری هستند") == [
        (9, "people", "exact")]
    assert _facts("اداره امور بانوان شهرداری رفسنجان در دی ۱۴۰۱ تأسیس شد") == []
    assert _facts("شاهد رویدادهای تازه ای در سطح محلات 12 گانه خواهیم بود") == [(12, "neighbourhood", "exact")]


def test_money_with_scale_words_in_words():
    # corpus/text/fars_8611030530
    assert _facts("در سطح اروميه 7 پارك محله‌اي با اعتبار بالغ بر شصت و نه ميليون ريال در حال احداث مي باشد") == [
        (7, "facility", "exact"), (69_000_000, "money", "about")]


def test_fact_fields_and_offsets():
    text = normalize("کاشانی پور گفت: شهرداری تهران پیگیر مشارکت مردم است، در سامانه من شهردارم بالغ بر 2500 پروژه "
                     "در محلات شهر تهران بارگذاری شده است.")
    (fact,) = extract_facts(text)
    assert text[fact.sentence_start:fact.sentence_end] == fact.evidence
    assert text[fact.number_start:fact.number_end] == "2500"
    assert fact.programme == "سامانه من شهردارم" and fact.municipality == "تهران"
    assert fact.unit == "پروژه"


def test_more_non_facts_from_the_corpus():
    # corpus/html/persian-news headlines and corpus/text/fars_8812130218.
    assert _facts("آمار بازدید ویدئوهای «پایتخت 7» به پنج میلیارد رسید!") == []
    assert _facts("وي از افزايش 15 درصدي اعتبارات اين منطقه در سال آينده در مقايسه با سال 88 خبر داد") == [
        (15, "percent", "exact")]
    assert _facts("شهردار منطقه 20 تهران با اشاره به اينكه در سال 88 بيش از 100 پروژه در اين منطقه") == [
        (100, "project", "more_than")]


def test_milliard_adjectives_and_ratios():
    assert _facts("درخواست وام 5 میلیاردی ایران از صندوق بین المللی پول چه می شود؟") == [
        (5_000_000_000, "money", "exact")]
    # corpus/text/fars_8812130218: one hall per neighbourhood is a ratio, seven is a count.
    assert _facts("در نظر است با احداث هفت سراي محله ديگر هر محله شهرري را صاحب يك سراي محله كنيم") == [
        (7, "facility", "exact")]


def test_municipality_nearest_before_the_sentence_else_the_article_s():
    # corpus/text/fars_8812130218, title and first sentence.
    text = normalize("شهردار منطقه 20 تهران از افتتاح دو مجموعه بزرگ فرهنگي‌ ـ ورزشي خبر داد.\n"
                     "شهردار منطقه 20 تهران با اشاره به اينكه در سال 88 بيش از 100 پروژه در اين منطقه اجرا شد")
    assert [f.municipality for f in extract_facts(text)] == ["تهران / منطقه 20", "تهران / منطقه 20"]
    # corpus/text/fars_8611030530: the city comes after the fact's sentence.
    (first, *_) = extract_facts(normalize("احداث 7 پارك محله‌اي در اروميه"))
    assert first.municipality == "ارومیه"


_PIECES = ["۱۲", "3", "نفر", "میلیارد", "تا", "منطقه", "درصد", "گانه", "محلات", "و", "نیم", "بیش از", ".",
           "\n", "هر", "یک", "۱/۵", "1,200", "طرح «نو»", "شهرداری", "سال", "۱۴۰۳"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map(" ".join))
def test_never_raises_and_offsets_hold(text):
    for fact in extract_facts(text):
        assert text[fact.sentence_start:fact.sentence_end] == fact.evidence
        assert fact.sentence_start <= fact.number_start < fact.number_end <= fact.sentence_end


@given(st.text(max_size=200))
def test_never_raises_on_any_string(text):
    extract_facts(text)


def test_an_article_of_1800_characters_takes_milliseconds():
    body = _body("seeds", "000_79683cf1f56b498c.txt")[:1800]
    extract_facts(normalize(body))  # warm-up: hazm, the word list, the data tables
    started = time.perf_counter()
    for _ in range(10):
        extract_facts(normalize(body))
    per_article = (time.perf_counter() - started) / 10
    # Measured ≈5 ms on the 2-core machine; the bound leaves room for a busy neighbour.
    assert per_article < 0.03, per_article


def test_counting_words_count_even_before_an_unlisted_noun():
    # corpus/fars-municipal/fars_13990305000508_dogonbadan_…: «واحد» is a counting word.
    assert _facts("تاکنون 1300 واحد در بافت فرسوده دوگنبدان به مرحله بهره‌برداری رسیده است") == [
        (1300, "other", "exact")]
    assert _facts("هم اکنون تعداد 600 واحد منزل مسکونی در مرحله احداث، تشکیل پرونده هستند") == [
        (600, "other", "exact")]


def test_one_counts_only_against_a_count_of_its_kind():
    # corpus/fars-municipal/fars_13990305000508_dogonbadan_…: «یک مورد» against «16 نفر … 15 نفر».
    assert _facts("خوشبختانه این زمین‌لرزه تلفات جانی نداشته و تنها 16 نفر به مراکز درمانی گچساران مراجعه "
                  "که تعداد 15 نفر سرپایی مداوا و تنها یک مورد شکستگی دست بوده است") == [
        (16, "people", "exact"), (15, "people", "exact"), (1, "people", "exact")]
    # corpus/text/fars_13930707000829_ardabil_…: «یک ایستگاه» against «پنج ایستگاه».
    assert (1, "facility", "exact") in _facts(
        "شهردار اردبیل با اشاره به بهره‌برداری از یک ایستگاه آتش‌نشانی در سال‌جاری عنوان کرد: در حال حاضر "
        "تعداد ایستگاه‌های آتش‌نشانی در اردبیل پنج ایستگاه است که باید در وضعیت استاندارد این تعداد دو برابر شود.")
    # corpus/fars-municipal/fars_13930827001581_shahreza_…: the indefinite article.
    assert _facts("راه‌اندازی مجدد نشریه آرمان به عنوان یک پل ارتباطی بین مردم و شهرداری") == []


def test_ranges_with_ela_and_qualifiers_written_with_zwnj():
    # corpus/fars-municipal/fars_13990305000508_dogonbadan_… and fars_13961019001480_golestan_….
    assert _facts("در این زمین لرزه 10 الی 40 درصد به واحدهای مسکونی بافت فرسوده دوگنبدان و روستاها "
                  "خسارات وارد شده است") == [(10, "percent", "exact"), (40, "percent", "up_to")]
    assert _facts("کانال سیاب سبزدشت به طول 130 متر و اعتباری بالغ‌بر چهار میلیارد ریال") == [
        (130, "area", "exact"), (4_000_000_000, "money", "about")]
    # corpus/fars-municipal/fars_8207300139_tehran_…: «زیر» and «بالای».
    assert _facts("زمين‌هاي زير 200 متر نمي‌توانند بالاي 120 درصد از تراكم استفاده كنند") == [
        (200, "area", "less_than"), (120, "percent", "more_than")]


def test_money_whose_currency_is_left_implicit_before_a_budget_word():
    # corpus/fars-municipal/fars_13941029000300_shahreza_governor_….
    assert _facts("از ابتدای سال تنها 5 میلیارد بودجه به شهرضا اختصاص یافته‌ است") == [
        (5_000_000_000, "money", "exact")]


def test_head_nouns_and_adjectives_from_the_corpus():
    # corpus/fars-municipal/fars_13960109000958_qom_terminals_…
    assert _facts("وی به جابجایی بیش از 100 هزار مسافر از پایانه‌های مسافربری شهرداری قم اشاره کرد") == [
        (100_000, "people", "more_than")]
    assert _facts("ستاد نوروزی نیز در سازمان تشکیل شد که ارائه خدمات به صورت 24 ساعته را در دستور کار دارد") == [
        (24, "duration", "exact")]
    # corpus/fars-municipal/fars_13960715000984_hamedan_…: «دهه» after a number is a length.
    assert _facts("پارک ترافیک اعتمادیه قریب به دو دهه راه‌اندازی شده است") == [(2, "duration", "about")]
    # corpus/fars-municipal/fars_13960431000844_tehran_council_…: votes are people.
    assert _facts("نجفی با 21 رای، مرعشی با 20 رای") == [(21, "people", "exact"), (20, "people", "exact")]


def test_non_facts_from_the_corpus():
    # corpus/fars-municipal/fars_9001141394_qamsar_…: where a town lies is geography.
    assert _facts("شهر توريستي قمصر از توابع شهرستان كاشان در فاصله 30 كيلومتري كاشان و 180كيلومتري اصفهان "
                  "قرار دارد") == []
    # corpus/seeds/000: «نه‌تنها» ("not only") is no nine.
    assert _facts("بطور حتم افراد تاثیرگذار در هر محله نه‌تنها صاحب‌نظر هستند") == []
    # corpus/html/persian-news/yjc-7349926.html headline: «به همت» ("by the effort of").
    assert _facts("توزیع بسته‌های معیشتی به همت بسیجیان بافقی") == []
    # corpus/html/voa-dari/article_7944956.html: «چند صد ساله» is no amount.
    assert _facts("جشنواره بسنت یا جشن باستانی رنگ زرد که قدمت چند صد ساله دارد") == []


def test_reversed_slash_decimals_of_old_fars_items():
    # corpus/fars-municipal/fars_8808140408_abadan_…: the body prices the station at 1.4–1.6 billion.
    assert _facts("تكميل پنجمين ايستگاه آتش‌نشاني آبادان به 5/1 ميليارد ريال اعتبار نياز دارد") == [
        (1_500_000_000, "money", "exact")]


def test_one_before_a_time_unit_is_never_a_count():
    # MANIFEST ruling: «یک» before a time unit is a span, even next to another count of years.
    # corpus/fars-heldout/fars_13910517000280_tehran_council_governor_absent.txt (batch 2: this
    # case was found by scoring batch 2, and the fix is counted in its "after" figure only).
    assert _facts("در این شب‌ها می‌توانیم با بهره‌گیری از برکات شب‌های قدر سرنوشت یک سال خود را رقم بزنیم.\n"
                  "وی در ادامه به موفقیت‌های ورزشکاران در المپیک لندن اشاره کرد و گفت: کسب مدال طلای حمید سوریان "
                  "در کشتی فرنگی پس از 40 سال بسیار حائز اهمیت بود") == [(40, "duration", "exact")]


def test_ganeh_after_a_plural_suffix_written_apart():
    # corpus/fars-heldout/fars_13900612000765_tehran_environment_report.txt (batch 2, seen).
    assert _facts("هر یک از مولفه های هفت گانه هوا،آب، خاک تنوع زیستی ، بلایای طبیعی ،پسماند و زیستگاه انسانی "
                  "بطور جداگانه مورد بررسی قرار گرفته است") == [(7, "other", "exact")]


def test_a_service_number_and_a_derived_noun_are_no_count():
    # corpus/fars-heldout/fars_8604210013_tehran_council_environment_committee.txt (batch 3,
    # seen): «سامانه 1888» names a hotline, and «شهرداری» (municipality) is no «شهردار» + ezafe.
    assert _facts("رئيس كميته محيط زيست شوراي اسلامي شهر تهران با اشاره به بازديد اعضاي شوراي شهر از "
                  "سامانه 1888 شهرداري تهران، گفت") == []
    # The ezafe «ی» after a vowel still reaches the noun (corpus/fars-municipal/fars_8906061664_…).
    assert (14, "other", "exact") in _facts(
        "كلنگ‌زني آغاز ساماندهي گلزار شهداي تك‌مزاري در روستاي گليان و 14 روستاي ديگر با اعتباري بالغ بر 23 ميليون تومان")


def test_neh_written_twice_in_a_sentence_is_neither_nor_not_nine():
    # corpus/fars-attribution, fars_13980804000065: «نه فرمانده پلیس راهور، نه رئیس سازمان
    # آتش‌نشانی، نه شهردار منطقه سه …» named no nine officials; «نه شهردار» alone still counts nine.
    text = normalize("نه فرمانده پلیس راهور، نه رئیس سازمان آتش‌نشانی، نه شهردار منطقه سه، نه شهردار شیراز، "
                     "نه مدیر بحران استانداری و نه هیچ‌کس دیگری محاکمه نشد.")
    assert extract_facts(text) == []
    assert [(f.value, f.unit) for f in extract_facts(normalize("نه شهردار در جلسه حضور داشتند."))] == [(9, "شهردار")]


def test_the_minutes_of_a_clock_time_written_with_and_are_no_duration():
    # corpus/fars-attribution, fars_13980804000065: «حدود ساعت یازده و چهل دقیقه بارندگی شدید …»;
    # corpus/fars-attribution-6, fars_8711120929: «رأس ساعت 9 و 33 دقیقه». A length of time
    # written so still counts: «3 ساعت و 20 دقیقه».
    assert extract_facts(normalize("حدود ساعت یازده و چهل دقیقه بارندگی شدید آغاز شد.")) == []
    assert extract_facts(normalize("زنگ انقلاب رأس ساعت 9 و 33 دقیقه نواخته شد.")) == []
    assert [(f.value, f.unit) for f in extract_facts(normalize("این عملیات 3 ساعت و 20 دقیقه طول کشید."))] \
        == [(3, "ساعت"), (20, "دقیقه")]


def test_households_and_hospital_beds_count_homes_and_beds_as_other():
    # FACTS.md rulings («Facts»): corpus/fars-attribution-8, fars_13951215001865, and
    # corpus/fars-attribution-2, fars_13920710000417 («بیمارستان 162 تختخوابی»).
    text = normalize("رئیس منابع طبیعی و آبخیزداری املش با اشاره به ساماندهی 157 خانوار جنگل‌نشین تصریح کرد: "
                     "20 خانوار دامدار جنگل‌نشین املش ساماندهی شدند.")
    assert [(f.value, f.category) for f in extract_facts(text)] == [(157, "other"), (20, "other")]
    hospital = normalize("فرماندار مسجدسلیمان خواستار تعویق زمان افتتاح بیمارستان 162 تختخوابی مسجدسلیمان تا جذب "
                         "320 نیروی انسانی در این شهرستان شد.")
    assert [(f.value, f.category) for f in extract_facts(hospital)] == [(162, "other"), (320, "people")]


def test_classrooms_folds_and_plains_are_counted():
    # corpus/fars-attribution-2, fars_13911121000625 («675 کلاس درس», «رشد 200 برابری») and
    # fars_13970918000297 («از 10 دشت بزرگ استان»).
    text = normalize("صابری ادامه داد: در گذشته تنها 675 کلاس درس در سطح استان بود و از رشد 200 برابری خدمات "
                     "راه‌سازی خبر داد. از 10 دشت بزرگ استان، چهار دشت ممنوعه است.")
    assert [(f.value, f.category) for f in extract_facts(text)] == [
        (675, "facility"), (200, "other"), (10, "other"), (4, "other")]


@pytest.mark.parametrize("sentence, expected", [
    # FACTS.md rulings («Facts»): person-days, subscribers and NGOs → other, gabion structures and
    # check dams → facility, «کرسی آزاداندیشی» forums → session (corpus/fars-attribution-3:
    # fars_13960111000371, fars_13981119000411; -6: fars_13930222001469; fars-attribution:
    # fars_9003130385).
    ("در این مدت 730185 نفر روز اقامت ثبت شد.", [(730185, "other")]),
    ("شرکت گاز مازندران 813000 مشترک دارد.", [(813000, "other")]),
    ("هم‌اکنون شهر کلاله فقط دو سمن دارد.", [(2, "other")]),
    ("وی از افتتاح 9 سازه سنگی و ملاتی و سه بند سنگی خبر داد.", [(9, "facility"), (3, "facility")]),
    ("امسال تاکنون چهار کرسی آزاد اندیشی برگزار شد.", [(4, "session")]),
    # Counted things the table lacked (fars-attribution-4: fars_13900606121623 «نه استخر»,
    # fars_13970413000977 «هفت یادمان»; -5: fars_13961127000091; -8: fars_8607210087;
    # -6: fars_13930229000806).
    ("در آبادان 9 استخر فعال هستند.", [(9, "facility")]),
    ("وی گفت: هفت یادمان در استان آمادگی حضور زائران را دارند.", [(7, "facility")]),
    ("طرح آرامش بهاری در 260 بقعه متبرکه اجرا می‌شود.", [(260, "facility")]),
    ("فومن دارای 65 خانه بهداشت است.", [(65, "facility")]),
    ("این مددجویان به مدت سه شبانه‌روز در کلاس‌ها شرکت کردند.", [(3, "duration")]),
    ("این کلاس با حضور 60 هنرجو برگزار شد.", [(60, "people")]),
    # … and in corpus/fars-attribution: fars_13930222000375 «124 خیر», fars_13950230001014 «89 تونل»,
    # fars_13960608000073 «783 لاشه دام», «دو اکیپ», fars_13980230000427, fars_13991112000660.
    ("همایش تجلیل از بالغ بر 124 خیر گیلان برگزار شد.", [(124, "people")]),
    ("برای ساخت این پروژه نیاز به 89 تونل بوده است.", [(89, "other")]),
    ("بازرسی بهداشتی 783 لاشه دام با فعالیت دو اکیپ ثابت انجام شد.", [(783, "other"), (2, "other")]),
    ("۲۷ هزار و ۶۲۴ متقاضی برای دریافت تسهیلات معرفی شدند.", [(27624, "people")]),
    ("برای بهسازی این راه سه پیمانکار فعال هستند.", [(3, "other")]),
    # … and in the validation sets: fars-attribution-5 fars_13950123000758 («127 فعالیت», «دو
    # جشنواره»), -6 fars_13920828000022 («31 سامانه»), -4 fars_13980624001249 («15 هزار خشت طلا»,
    # «دو گنبد», «8 تریلر»), fars-attribution-2 fars_8705100153 («35 برنامه»).
    ("هیئت ورزش‌های همگانی استان طی سال گذشته دارای 127 فعالیت ثبت‌شده بوده است.", [(127, "other")]),
    ("دو جشنواره ویژه بانوان در دهه فجر برگزار شد.", [(2, "other")]),
    ("با اجرایی شدن این طرح 31 سامانه ضد تگرگ نصب می‌شود.", [(31, "facility")]),
    ("15 هزار خشت طلا روی گنبد جدید کار می‌شود و 8 تریلر آن را حمل کرد.", [(15000, "other"), (8, "other")]),
    ("در حال حاضر دو گنبد روی حرم مطهر قرار دارد.", [(2, "other")]),
    ("امسال 35 برنامه در هفته بهزیستی اجرا شد.", [(35, "other")]),
])
def test_a_counted_thing_takes_its_head_noun_s_category(sentence, expected):
    assert [(f.value, f.category) for f in extract_facts(normalize(sentence))] == expected
