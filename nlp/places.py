"""Which municipality and which programme each fact belongs to (FACTS.md, «Municipality and
programme»), and how that was decided.

Places are the names of nlp.gazetteer found in the text, districts are «منطقه N»;
programmes are the names nlp/data/programmes.txt lists and the ones the text introduces
(«طرح …», «پویش …», «سامانه …», «جشنواره …», «شورای …», «ستاد …», titles in guillemets).
Every mention is found in one pass over the text; a fact then looks its sentence and its
neighbours up by bisection, so an article of n words costs n log n, however many facts.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from shahrnameh.nlp.entities import (
    SEPARATOR, programme_aliases, programme_base_form, programme_key, programme_terms, programme_word_key,
    singular_word, spelling_key,
)
from shahrnameh.nlp.gazetteer import Place, gazetteer
from shahrnameh.nlp.letters import ARABIC_LETTERS, DIRECTION_MARKS, folding
from shahrnameh.nlp.lexicon import hazm_data, word_tags, words
from shahrnameh.nlp.numbers import find_numbers

# A person named with the title after a comma («شرافت زمان امرخیل، سخنگوی این وزارت»,
# «جلال جلالی، سرپرست وزارت»): a town's name opening such a name is the person's.
_PERSON_AFTER = re.compile(
    r"(?:[ \u200c]+[^\W\d][\w\u200c]*){1,2}[ \u200c]*[،,][ \u200c]*(?:سخنگوی|سخنگو|رئیس|رییس|معاون|مدیر|"
    r"مدیرکل|مدیرعامل|وزیر|سرپرست|والی|شاروال|فرماندار|استاندار|نماینده|عضو|دبیر|فرمانده|شهردار|"
    r"مسئول|مسوول|کارشناس|سفیر|رهبر|نویسنده|استاد|صدر|صدراعظم|پادشاه|"
    r"نخست[ \u200c]?وزیر|رئیس[ \u200c]?جمهور|رییس[ \u200c]?جمهور)(?![\w\u200c])")
# A town's name set apart in guillemets is a place where a preposition puts it there («به «بم»»).
_PREPOSITIONS = frozenset({"به", "در", "از", "تا"})
_COLON, _COMMA = re.compile(":"), re.compile("،")
_ZWNJ_PLURAL = re.compile("\u200cها(?:ی)?$")
# After the noun, as «این» before it: «جشنواره مذکور», «طرح یادشده» are the programme named before.
_POST_DETERMINERS = frozenset({"مذکور", "یادشده", "یاد\u200cشده", "مزبور", "فوق\u200cالذکر", "نامبرده"})
# A town's adjective («قزوینی», «کلاله‌ای»): the town's name and this ending.
_DEMONYM = re.compile("(?:\u200cای|ای|ی)$")
ZWNJ = "\u200c"
_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0670-\u06D3\u200c]+")
_GAP = re.compile(r"[ \u200c]*")
# The word before a name that says what kind of place it is.
_CITY_CUES = frozenset({"شهر", "شهرداری", "شهردار", "کلانشهر", "کلان\u200cشهر", "شاروالی", "شاروال", "بندر"})
_COUNTY_CUES = frozenset({"شهرستان", "فرمانداری", "فرماندار"})
_SECTION_CUES = frozenset({"بخش", "بخش\u200cهای", "بخشهای"})
_SECTION_OFFICE_CUES = frozenset({"بخشدار", "بخشداری"})
_MOST_SECTION_WORDS = 4
_PROVINCE_CUES = frozenset({"استان", "استانداری", "استاندار"})
_AFGHAN_PROVINCE_CUES = frozenset({"ولایت", "والی"})
# A village has no municipality (FACTS.md rulings): a name after these is no mention; but
# «روستایی» before a province's name is «rural» («تعاون روستایی کردستان», «طرح هادی روستایی قم»).
_VILLAGE_CUES = frozenset({"روستا", "روستای", "روستایی", "روستاهای", "روستا\u200cهای", "دهستان"})
_DATELINE = re.compile(r"به گزارش[^.!?؟\n]{0,60}\sاز\s*$")
# The venue of an interview or press conference says where the speaker spoke (FACTS.md rulings).
_VENUE = re.compile(r"(?:خبرنگار|خبرنگاران|نشست خبری|نشست مطبوعاتی)(?:[ \u200c]+[\w\u200c]+){0,2}[ \u200c]+در[ \u200c]*$")
_ALL_CUES = _CITY_CUES | _COUNTY_CUES | _PROVINCE_CUES | _AFGHAN_PROVINCE_CUES
_DISTRICT_WORD = "منطقه"
_CITY_WORD = "شهر"
# Words of an office's, agency's or official's name or title: a place inside such a name says
# who speaks («استاندار کردستان», «دادگستری گلستان», «کارکنان راه و شهرسازی استان گلستان»),
# not where the number is (FACTS.md rulings, «Offices, titles, datelines and venues»). A city
# hall's own («شهرداری تبریز», «شورای شهر») is its city: the city cue right before the place wins.
_OFFICE_WORDS = frozenset({
    "استاندار", "استانداری", "فرماندار", "فرمانداری", "بخشدار", "بخشداری", "دادگستری", "دادستان",
    "دادستانی", "دادسرای", "اداره", "ادارات", "کل", "مدیرکل", "مدیر", "مدیرعامل", "سرپرست", "مسئول",
    "مسؤول", "مسوول", "دبیر", "رئیس", "معاون", "نماینده", "نمایندگان",
    "امام", "فرمانده", "فرماندهی", "سپاه", "انتظامی", "پلیس", "دانشگاه", "شرکت", "بنیاد", "هلال",
    "بهزیستی", "مخابرات", "میراث", "شهرسازی", "کارکنان", "دفتر", "بانک", "بیمه", "گمرک", "دامپزشکی",
    "استاندارد", "زندان", "زندانها", "زندان\u200cها", "تعزیرات", "حوزه", "قرارگاه", "بسیج", "صداوسیما", "صدا", "مرکز",
    "خبرگزاری", "روزنامه", "کانون", "اتاق", "حزب", "ستاد", "وزارت", "نظام",
    # the meetings where a number is said («در جلسه قرارگاه … استان خوزستان»): venues
    "جلسه", "نشست", "همایش", "کمیسیون",
})
# Institutions that are sites too: «در» before one's name places the number there.
_SITE_INSTITUTIONS = frozenset({"دانشگاه", "زندان"})
_OFFICE_CUES = frozenset({"استاندار", "استانداری", "فرماندار", "فرمانداری", "بخشدار", "بخشداری"})
# Named sites: a place's name after these is a street's, a road's, a site's («جاده ساوه»,
# «گلزار شهدای حسین‌آباد ناظم», «بوستان تفریحی توریستی شاهد جوکار»), not a mention: the
# number is in the city the text sets the site in (FACTS.md rulings).
_SITE_WORDS = frozenset({
    "خیابان", "میدان", "بلوار", "کوچه", "کوی", "بزرگراه", "اتوبان", "آزادراه", "جاده", "گلزار", "شهرک",
    "مجتمع", "امامزاده", "ورزشگاه", "محله", "پل", "تقاطع", "دروازه", "باغ", "کوه", "سد",
    "دانشکده", "هتل", "مزار", "محور", "مسیر", "راه\u200cآهن", "قطار", "دشت",
})
_NAME_SCAN_WORDS = 4
# An office's or meeting's name runs longer («جلسه قرارگاه بازسازی و نوسازی مناطق سیل زده استان …»).
_OFFICE_SCAN_WORDS = 8
_ROAD_WORDS = frozenset({"جاده", "محور", "راه", "قطار", "خط", "راه\u200cآهن", "راه\u200cاهن", "آزادراه", "بزرگراه", "اتوبان", "مسیر"})
_AND = re.compile(r"[ \u200c]+و[ \u200c]+")
_MOST_TOGETHER = 12
# The most adjectives and «و» a bare «استان» is looked back over for the plural they describe.
_DESCRIBING_WORDS = 3
_LISTED_COUNTIES = 2
# A number and what it counts, then «در» before a place: «260 مدرسه راهنمایی و دبیرستان در »
_NUMBER_IN_X = re.compile(r"(?:[0-9۰-۹][0-9۰-۹٬,.]*|[^\W\d]+)(?:[ \u200c]+[^\s\d۰-۹،,:.؛]+){1,5}[ \u200c]+در[ \u200c]+")
_CLAUSE_BREAK = re.compile(r"[،,]|(?<![\w\u200c])(?:که|و)(?![\w\u200c])")
# «در جنوب کرمان»: a region of the place, which a place the text names in it is more precise than.
_COMPASS = frozenset({"جنوب", "شمال", "شرق", "غرب", "جنوب\u200cشرق", "جنوب\u200cغرب", "شمال\u200cشرق",
                      "شمال\u200cغرب", "جنوبشرق", "جنوبغرب", "شمالشرق", "شمالغرب"})
_JOINED = re.compile(r"[ \u200c]*(?:[،,]|[،,]?[ \u200c]*و)[ \u200c]*")
# `_JOINED`, or with one word between commas that names no place the data knows («در قزوین، البرز،
# آبیک و تاکستان»: Qazvin's county Alborz, a province's name as written): still one list.
_LISTED_TOGETHER = re.compile(r"[ \u200c]*(?:[،,][ \u200c]*[^\W\d][\w\u200c]*[ \u200c]*)?(?:[،,]|[،,]?[ \u200c]*و)[ \u200c]*")
_LIST_ITEM_START = re.compile(r"(?:[،,]|\sو)[ \u200c]*$")
_ROAD_DASH = re.compile(r"[ \u200c]*[-ـ–—][ \u200c]*")
# Back-references («این شهر», «این استان», a bare «استان»): a mention of the place last named.
_BACK_DETERMINERS = frozenset({"این", "همین"})
# A bare «استان» is a place where it follows a preposition or a word of extent («در استان»,
# «سطح استان», «شهرهای استان»).
_BARE_PROVINCE_BEFORE = _BACK_DETERMINERS | frozenset({
    "در", "سطح", "کل", "تمام", "داخل", "شهرهای", "شهر\u200cهای", "شهرستانهای", "شهرستان\u200cهای", "مناطق",
    "نقاط", "مردم", "سراسر"})
# A number the text makes about the whole country has no municipality («در سراسر کشور»,
# «1084 شهر در کشور», «در سطح کشور»); «کشور» after another noun is «of the country» («پایتخت
# گل و گلاب کشور», «مدارس کشور»), and «کشورهای» are other countries.
# «از سراسر کشور», «از کل کشور», «از نقاط مختلف کشور»: where people come from, not where the
# number is («200 هزار نفر از سراسر کشور از مناطق عملیاتی آذربایجان‌غربی بازدید می‌کنند»); not
# a part of it («در بسیاری از نقاط کشور»).
_FROM_THE_COUNTRY = re.compile(r"(?<![\w\u200c])(?<!بسیاری )(?<!برخی )(?<!بعضی )(?<!بخشی )(?<!یکی )"
                               r"از[ \u200c]+(?:(?:نقاط|جای[ \u200c]+جای)[ \u200c]+"
                               r"|(?:[0-9۰-۹]+[ \u200c]+)?(?:استان|شهر|شهرستان)(?:[ \u200c]*ها(?:ی)?)?[ \u200c]+)?$")
_IN_BEFORE = re.compile(r"(?<![\w\u200c])در[ \u200c]+$")
_A_YEAR = re.compile(r"(?<![\w\u200c])سال[ \u200c]*$")
_OF_THESE = re.compile(r"از[ \u200c]+(?:این|آن)[ \u200c]+(?:تعداد|میزان|مبلغ|رقم)")
_FROM_THE_COUNTRY_REACH = 30  # characters before the cue: «از ۲۸ استان »
_NATIONAL = re.compile(r"(?<![\w\u200c])(?:در|سراسر|کل|سطح|تمام|همه|نقاط|مختلف|جمله"
                       # «در مناطق سیل‌زده کشور», «در شهرهای کشور»: the country's places of a kind
                       r"|در[ \u200c]+(?:مناطق|نقاط|شهرهای|روستاهای|استان[ \u200c]*های|شهرستان[ \u200c]*های|ولایات)"
                       # (the Dari sources' country is «افغانستان», its provinces «ولایات», «N ولایت»)
                       r"(?:[ \u200c]+[\w\u200c]+){0,2}?|در[ \u200c]+\d+[ \u200c]+ولایت)"
                       r"[ \u200c]+(?:کشور|ایران|افغانستان|عراق|پاکستان)(?![\w\u200c])")
# A number counting provinces («19 استان») is no one place's; one counting cities, counties or
# villages named together is their province's (FACTS.md rulings, «Several places»).
_COUNTS_PROVINCES = re.compile(r"[ \u200c]*(?:استان)(?![\w\u200c])")
_COUNTS_LOCALITIES = re.compile(r"[ \u200c]*(?:شهرستان|شهر)(?![\w\u200c])")
_COUNTS_VILLAGES = re.compile(r"[ \u200c]*(?:روستای|روستا)(?![\w\u200c])")
_AND_VILLAGES = re.compile(r"[ \u200c]+و[ \u200c]+روستا\u200c?های?")
# Triggers of a programme's name; the words after them, up to a stop, are the name.
# «شورای …» only with a title in guillemets: the city council and the neighbourhood councils
# are listed ones, and most other «شورای …» are the meetings where a number was said.
_PROGRAMME_TRIGGERS = frozenset({"طرح", "پویش", "سامانه", "جشنواره", "سوگواره", "ستاد", "لایحه", "بخشنامه", "سازمان",
                                 "کمیته", "رزمایش", "نمایشگاه", "همایش", "کنگره"})
# «لایحه ۱۴۰۰»: the budget bill of that year (FACTS.md rulings, `لایحه بودجه`).
_BUDGET_BILL = "لایحه بودجه"
# One work is no programme, even called «طرح …» or «پروژه …» («طرح میدان شهدا»: FACTS.md
# rulings, «Systems versus single works»).
_SINGLE_WORKS = frozenset({"طرح", "پروژه"})
# A council decides: the money, shares and areas it votes on neither count nor measure it
# (FACTS.md rulings, «Not institutions as programmes»).
# The sectors a list of projects is sorted by («900 طرح عمرانی و خدماتی», «طرح‌های عمرانی
# منطقه»): a kind of project, not a programme's name (FACTS.md rulings, «Systems versus single works»).
_PROJECT_SECTORS = frozenset({
    "عمرانی", "خدماتی", "کشاورزی", "صنعتی", "عمران", "زیربنایی", "اقتصادی", "فرهنگی", "ورزشی", "آموزشی",
    "بهداشتی", "درمانی", "تولیدی", "عمرانی،", "خدمات", "توسعه", "توسعه\u200cای", "نیمه\u200cتمام", "ملی",
    "استانی", "شهری", "روستایی", "مختلف", "جدید", "بزرگ", "مهم", "اولویت\u200cدار"})
_DECIDING_BODIES = frozenset({"شورای شهر"})
# What «طرح» raises when it is the raising of something, not a scheme («طرح شکایت», «طرح سوال»).
_RAISED = frozenset({"شکایت", "سوال", "سؤال", "دعوی", "دعوا", "موضوع", "مسئله", "مسأله", "بحث", "ادعا", "پرسش",
                     "اتهام", "دیدگاه", "نظر", "مطالبات", "مطالبه", "درخواست", "پیشنهاد", "شبهه", "انتقاد",
                     "مسائل", "مشکلات", "مباحث", "سوالات", "سؤالات", "دیدگاه‌ها"})
_DECIDED = frozenset({"money", "percent", "area"})
# «سازمان …» and «کمیته …» name a programme only as a city's own («سازمان پارک‌ها و فضای سبز
# شهرداری تبریز», «کمیته … آلودگی هوای تهران»): a state or world body is none (FACTS.md rulings).
_CITY_INSTITUTIONS = frozenset({"سازمان", "کمیته"})
_CITY_INSTITUTION_OWNERS = frozenset({"شهرداری", "شورای"})
# Triggers kept before a title in guillemets («سامانه «سپند»»); the others give way to it
# («پویش رقابتی «شهردارشو»» is «شهردارشو»).
_TITLE_KEEPS = frozenset({"سامانه"})
# Words that begin a place, not a name: «طرح هادی روستای …» is «طرح هادی».
_PLACE_WORDS = frozenset({"روستا", "روستای", "شهرستان", "استان", "منطقه", "ناحیه", "شهرداری", "کشور"})
_QUOTE_TRIGGERS = _PROGRAMME_TRIGGERS | {"شورای", "برنامه", "مسابقه", "همایش", "کمپین", "نهضت"}
# The light verbs of Persian compound verbs: «منتشر شد», «معرفی می‌شوند», «اجرا کرد». A word
# before one of their forms is the verb's first half, never part of a name.
_LIGHT_VERBS = ("شد", "کرد", "گردید", "نمود", "داشت", "یافت", "گرفت", "داد")
# Words that make the next one a common noun («این بوستان», «27 بوستان»), not a place.
_DETERMINERS = frozenset({"این", "آن", "هر", "همین", "همان", "چند", "چندین", "کدام"})
_MOST_NAME_WORDS = 4
_EDITION = "دوره"
_YEAR_DIGITS = re.compile(r"[ \u200c]*[1۱][34۳۴][0-9۰-۹]{2}(?![0-9۰-۹])")
_GUILLEMETS = re.compile(r"«([^«»\n]{2,60})»")
# A title in guillemets right after a trigger, or after up to two words («پویش رقابتی «…»»).
_TITLE_AFTER = re.compile(r"((?:[ \u200c]+[\u0621-\u06CC\u200c]+){0,3})[ \u200c]*«([^«»\n]{2,60})»")
_TEHRAN = "تهران"
# A sentence is a list when at least this many of its comma-separated clauses state a number.
_LIST_CLAUSES = 3
_COMMA = re.compile(r"[،,]")
# A number in a clause, not a district's («منطقه 3» is a name).
_DIGIT_OR_NUMBER = re.compile(r"(?<![0-9۰-۹])(?<!منطقه )(?<!منطقه)[0-9۰-۹]")


# Keys of running words, once per distinct word: an article repeats most of its words.
_spelled = lru_cache(maxsize=1 << 16)(spelling_key)
_programme_word = lru_cache(maxsize=1 << 16)(programme_word_key)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str       # a place: «تهران», «استان فارس»; a district: its number as text, bound later
    kind: str       # "city", "county", "province", "district" or "programme"
    # "place": the text names it as where things are; "office": inside the name or title of an
    # office, agency or official («استاندار کردستان», «دادگستری گلستان»), or the dateline: these
    # say who speaks and place a number only when nothing else does (FACTS.md rulings).
    role: str = "place"
    # A scheme introduced by «طرح»: its name without the word, which it becomes where the text
    # also names the scheme so («طرح بازآفرینی شهری» and «در قالب بازآفرینی شهری»).
    bare: str = ""


# Same length as the text: positions in the folded text are positions in the text. Direction
# marks («خراسان\u200e جنوبی») part no words.
_fold = folding(ARABIC_LETTERS + "ۀ" + DIRECTION_MARKS)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Words a programme's name never holds: hazm's stop words (prepositions, conjunctions,
    pronouns, «است», «شد») and the stems and simple forms of hazm's verbs."""
    stop = {_fold(w.strip()) for w in hazm_data("stopwords.dat").read_text(encoding="utf-8").splitlines()
            if w.strip()}
    for line in hazm_data("verbs.dat").read_text(encoding="utf-8").splitlines():
        past, _, present = line.strip().partition("#")
        for stem in filter(None, (past, present)):
            stop.update({stem, stem + "ه", stem + "ند", stem + "ید", stem + "یم"})
    return frozenset(stop)


@lru_cache(maxsize=1)
def _light_verb_forms() -> frozenset[str]:
    presents = {}
    for line in hazm_data("verbs.dat").read_text(encoding="utf-8").splitlines():
        past, _, present = line.strip().partition("#")
        if past in _LIGHT_VERBS:
            presents[past] = present
    forms = set()
    for past, present in presents.items():
        for stem in (past, present):
            for ending in ("", "ه", "ند", "ید", "یم", "م", "ی", "د"):
                forms.update({stem + ending, "می" + ZWNJ + stem + ending, "ن" + stem + ending})
        forms.update({past + "ن", "ن" + past + "ن"})  # the infinitive («اهمیت دادن»)
    # the future's auxiliary («حضور خواهند داشت»: «حضور» is the verb's first half)
    forms.update(stem + ending for stem in ("خواه", "نخواه") for ending in ("م", "ی", "د", "یم", "ید", "ند"))
    return frozenset(forms)


def _is_ordinal(word: str) -> bool:
    """«پنجم», «ششمین»: an ordinal made of a number word."""
    stem = word[:-3] if word.endswith("مین") else word[:-1] if word.endswith("م") else ""
    return bool(stem) and bool(find_numbers(stem))


def _is_noun_only(word: str) -> bool:
    return words().get(word, (0,))[0] > 0 and word_tags(word) <= {"N", "RES"}


def _is_adverb(word: str) -> bool:
    """«امسال», «اکنون»: tagged an adverb and never an adjective (a name's word may be both: «سبز»)."""
    tags = word_tags(word)
    return "ADV" in tags and "AJ" not in tags


# Triggers of schemes, systems and events, whose name is a title: one adjective after them
# («سامانه مخابراتی», «نمایشگاه دائمی», «جشنواره استانی») says what kind it is, not which. A
# body's («ستاد نوروزی», «ستاد بحران») is its name.
_NAMED_BY_TITLE = frozenset({"طرح", "پویش", "سامانه", "جشنواره", "سوگواره", "رزمایش", "نمایشگاه", "همایش", "کنگره"})


def _is_adjective(word: str) -> bool:
    """«بین‌المللی», «فعلی»: tagged an adjective and not a noun, or an adverb too; or a relational
    adjective hazm's list lacks, «-ی» after a plural or an adverb («مخابراتی», «دائمی»). Not the
    «-ی» of an activity («خوشنویسی», «عکاسی»: «نمایشگاه خوشنویسی» is that exhibition), nor a noun
    the list also tags an adjective («کتاب»)."""
    tags = word_tags(word)
    if "AJ" in tags:
        return "N" not in tags or "ADV" in tags
    if words().get(word, (0,))[0] or not word.endswith("ی"):
        return False
    return bool(word_tags(word[:-1]) & {"PL", "ADV"})


# Verbs hazm's list lacks («جشنواره عبارتند از …»).
_MORE_STOPS = frozenset({"عبارتند", "عبارت", "عبارتست",
                         # «نمایشگاه مهارت‌آموزی واقع در …»: where the thing is begins after its name
                         "واقع", "مستقر"})


def _of_a_plural(word: str | None) -> bool:
    """«دشت‌های استان», «دانش‌آموزان استان», «قنوات استان»: a plural's things of the province (a
    bare «استان» after a plural only follows it as «of the province»); hazm's word list tags the
    Arabic plurals («قنوات», «مدارس», «ادارات»)."""
    if not word:
        return False
    if len(word) > 4 and (word.endswith(("های", "ها" + ZWNJ + "ی")) or (
            word.endswith("ان") and singular_word(word) != word)):
        return True
    return "PL" in word_tags(word)


def _describes(word: str | None) -> bool:
    """«داخلی», «جنوبی», «فعال»: an adjective after a noun; a relational «-ی» word that hazm's list
    does not tag a noun. Wider than `_is_adjective`, which decides where a name ends: hazm's list
    has no tags for «داخلی», «خارجی», which that one then reads as name words."""
    if not word:
        return False
    tags = word_tags(word)
    return ("AJ" in tags and "N" not in tags) or (word.endswith("ی") and "N" not in tags and len(word) > 3)


def _is_stop(word: str) -> bool:
    # «ثبت‌شده», «انجام‌شده»: a participle ends a name as a verb does; «آن‌ها»: a determiner's plural.
    return (word in _stop_words() or word in _MORE_STOPS or _is_adverb(word) or word.startswith(("می" + ZWNJ, "نمی" + ZWNJ))
            or word.endswith(ZWNJ + "شده") or bool(find_numbers(word))
            or _ZWNJ_PLURAL.sub("", word) in _DETERMINERS)


@lru_cache(maxsize=1)
def _seed_programmes() -> tuple[dict[str, str], frozenset[str], int]:
    """programme_key → canonical name of every listed programme, the keys of their first
    words, and the most words a listed name has."""
    by_key = {}
    for written, canonical in programme_aliases().items():
        by_key.setdefault(programme_key(written), canonical)
    first = frozenset(programme_word_key(name.split()[0]) for name in programme_aliases())
    return by_key, first, max(len(name.split()) for name in programme_aliases())


@lru_cache(maxsize=1)
def _listed_names() -> frozenset[str]:
    return frozenset(programme_aliases().values())


def _programme_name(written: str) -> str | None:
    """The programme `written` names: a listed one's canonical name, else its base form."""
    key = programme_key(written)
    if not key:
        return None
    return _seed_programmes()[0].get(key) or programme_base_form(written)


class Places:
    """Every place, district and programme an article's text names, found once."""

    def __init__(self, text: str, sentence_starts: list[int]):
        self.text = text
        self.sentence_starts = sentence_starts
        folded = _fold(text)
        self.tokens = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(folded)]
        self.places = sorted(self._places(folded), key=lambda m: m.start)
        self.programmes = _first_of_pairs(folded, sorted(self._programmes(folded), key=lambda m: m.start))
        self.programme_starts = [m.start for m in self.programmes]
        newline = text.find("\n")
        self.title_end = newline if newline > 0 else 0  # one line alone is all body
        # The last sentence's clauses: (its start, clauses, whether each states a number, the
        # clauses' starts, whether it is a list); facts come sentence by sentence.
        self._clause_cache: tuple = (-1, [], [], [], False)
        self._list_provinces: dict[int, str | None] = {}  # per sentence start: `_province_of_a_list`
        self._bind_districts()
        # Places the text names as where things are; offices' and officials' places and the
        # dateline apart, for numbers nothing else places.
        self.strong = [m for m in self.places if m.role == "place"]
        self.strong_starts = [m.start for m in self.strong]
        self.weak = [m for m in self.places if m.role == "office"]
        self.weak_starts = [m.start for m in self.weak]
        self.datelines = [m for m in self.places if m.role == "dateline"]
        self.place_starts = [m.start for m in self.places]
        self.counties = [m for m in self.strong if m.kind == "county"]
        self.county_starts = [m.start for m in self.counties]
        # Where colons, commas and «در کشور» stand, looked up by bisection per fact.
        self.colons = [m.start() for m in _COLON.finditer(text)]
        self.commas = [m.start() for m in _COMMA.finditer(text)]
        self.national_cues = [m.start() for m in _NATIONAL.finditer(text)
                              if m.group(0).startswith("جمله")  # «از جمله ایران»: including it
                              or not _FROM_THE_COUNTRY.search(text, max(0, m.start() - _FROM_THE_COUNTRY_REACH), m.start())]
        self.digits = [m.start() for m in _DIGIT_OR_NUMBER.finditer(text)]
        self.headline_cuts = [m.start() for m in _HEADLINE_CUT.finditer(text, 0, self.title_end)]

    # --- finding -----------------------------------------------------------------------

    def _joined(self, folded: str, i: int, size: int) -> str | None:
        """Tokens i..i+size-1 as one phrase, when only spaces and ZWNJs part them."""
        if i + size > len(self.tokens):
            return None
        for j in range(i, i + size - 1):
            if _GAP.fullmatch(folded, self.tokens[j][1], self.tokens[j + 1][0]) is None:
                return None
        return " ".join(token[2] for token in self.tokens[i:i + size])

    def _previous_word(self, folded: str, i: int) -> str | None:
        if i == 0 or _GAP.fullmatch(folded, self.tokens[i - 1][1], self.tokens[i][0]) is None:
            return None
        return self.tokens[i - 1][2]

    def _places(self, folded: str) -> list[Mention]:
        g = gazetteer()
        found: list[Mention] = []
        self.villages: list[int] = []  # where the text names a village (no municipality of its own)
        self._district_cities: dict[int, str] = {}  # «منطقه N X»: where the district's mention starts → X
        # Ambiguous names the article ties to a place word somewhere («استان گلستان»): a place
        # wherever the article writes them, before that too.
        licensed: set[str] = {
            _spelled(word) for i, (_, _, word) in enumerate(self.tokens)
            if i and self.tokens[i - 1][2] in _ALL_CUES and self._previous_word(folded, i) is not None
            and g.place(_spelled(word)) is not None}
        # … or sets apart as a name where a place goes, after a preposition («کالاهای ارسال‌شده به
        # «بم»»; not «پویش «بهار»», nor «تمام «محلات» خود را ترک کند»: its premises).
        licensed.update(_spelled(inside) for match in _GUILLEMETS.finditer(folded)
                        if g.place(_spelled(inside := match.group(1).strip(" " + ZWNJ))) is not None
                        and set(_WORD.findall(folded, max(0, match.start() - 30), match.start())[-1:])
                        & _PREPOSITIONS)
        # … or names after its section governor, the town he sits in («بخشدار آرین شهر»), unless a
        # word («بخشدار مرکزی»: the central section's)
        for i in range(1, len(self.tokens)):
            if self.tokens[i - 1][2] in _SECTION_OFFICE_CUES and self._previous_word(folded, i) is not None:
                for size in (2, 1):
                    phrase = self._joined(folded, i, size)
                    if phrase and g.place(spelling_key(phrase)) is not None and not g.is_ambiguous(phrase):
                        licensed.add(spelling_key(phrase))
        sections_named = self._sections_named(folded)
        last: dict[tuple[str, str], Mention] = {}  # the last mention of each kind and role, for back-references
        disproved: set[str] = set()  # «towns» the text has shown to be words
        village_list_until = -1  # the end of a sentence that lists villages («روستای تینوج …، قزل آباد …»)
        i, n = 0, len(self.tokens)
        while i < n:
            start, end, word = self.tokens[i]
            if word == _DISTRICT_WORD:
                district = self._district_number(folded, end)
                if district is not None:
                    found.append(Mention(start, end, str(district), "district"))
                    own = self._city_after_number(folded, i, end)
                    if own is not None:  # «منطقه 20 تهران»: the district's own city
                        self._district_cities[start] = own
                    last[("district", "place")] = found[-1]
                    i += 1
                    continue
            back = self._back_reference(folded, i, last)
            if back is not None:
                found.append(back)
                last[(back.kind, back.role)] = back
                i += 1
                continue
            size, place, written = 1, None, word
            if _spelled(word) in g.first_words:
                for size in range(min(g.longest, n - i), 1, -1):
                    phrase = self._joined(folded, i, size)
                    # «سیستان و بلوچستان» has its «و»; «سر و کار» is no «سرو».
                    if phrase and (place := g.place(spelling_key(phrase))) and (
                            len(place.name.split()) > 1 or not any(_is_stop(w) for w in phrase.split())):
                        written = phrase
                        break
            if place is None:
                size, place = 1, g.place(_spelled(word))
            section = None
            after_cue = i and self.tokens[i - 1][2] in _SECTION_CUES and self._previous_word(folded, i) is not None
            if place is None and (after_cue or _spelled(word) in sections_named):
                # «در بخش شادیان»: a county's section, named after its word (FACTS.md rulings,
                # «Places named together»: a number in one named بخش is that بخش); and wherever
                # the article writes it again alone («در بخش چاروسا», «مددجویان چاروسا»).
                named = self._section_at(folded, i)
                if named is not None and (after_cue or named[0] in sections_named[_spelled(word)]):
                    key, written, section, size = named
                    place = Place(section[0], "county", "IR")
                    if not after_cue:
                        section = None  # (no word before it says what it is)
                        licensed.add(key)
            glued = None
            if place is None and word.startswith(_CITY_WORD) and len(word) >= len(_CITY_WORD) + 2:
                # «شهرری»: «شهر» glued to a city's name; a name that is also a word only where
                # hazm's word list has the glued form as a noun; never the mayor's words
                # («شهرداران» is no «داران»).
                rest = word[len(_CITY_WORD):]
                town = g.place(_spelled(rest))
                if town is not None and town.kind == "city" and not word.startswith("شهردار") and (
                        not g.is_ambiguous(rest) or words().get(word, (0, ""))[0] > 0):
                    place, written, glued = town, rest, _CITY_WORD
            if place is None and i and word.endswith("ی") and _GAP.fullmatch(folded, self.tokens[i - 1][1], start) \
                    and _people_of_a_town(folded, self.tokens[i - 1]):
                # «5000 دانش‌آموز قزوینی», «دو بازیکن کلاله‌ای»: people counted by their town (after
                # counted people the «ی» word is no one's surname).
                stem = _DEMONYM.sub("", word)
                town = g.place(_spelled(stem)) if len(stem) > 2 else None
                if town is not None and town.kind in ("city", "county") and not g.is_ambiguous(stem) \
                        and not g.is_minor_town(_spelled(stem)):
                    place, written = town, stem
            if word in _VILLAGE_CUES and i + 1 < n:
                self.villages.append(self.tokens[i + 1][0])
                at = bisect_right(self.sentence_starts, start)
                village_list_until = self.sentence_starts[at] if at < len(self.sentence_starts) else len(folded)
            if place is None:
                i += 1
                continue
            previous = self._previous_word(folded, i)
            cue = glued or (previous if previous in _ALL_CUES or section else None)
            key = spelling_key(written)
            name, kind = place.name, place.kind
            mention_start = self.tokens[i - 1][0] if cue and not glued else start
            context = None if cue and not glued else self._name_context(folded, i)
            if cue is None and kind == "city" and key in g.provinces \
                    and g.province_of(name) != "استان " + g.provinces[key]:
                # «گلستان», «مرکزی»: a town elsewhere shares the province's name; the province
                # is meant (a province's capital of its name, «همدان», is the city: FACTS.md).
                name, kind = "استان " + g.provinces[key], "province"
            follows_city = bool(found) and found[-1].kind in ("city", "county") and found[-1].role == "place" \
                and _GAP.fullmatch(folded, found[-1].end, start) is not None
            if follows_city and kind in ("county", "province") and not self._lies_in(found[-1], name, kind):
                # «احیای قنوات خراسان جنوبی»: a «town» not in the place after it is a common word,
                # here and in the rest of the text.
                disproved.add(spelling_key(found.pop().name))
                follows_city = False
            if context == "site" and (road := self._road(folded, i, size, last)) is not None:
                # «جاده آزادشهر به شاهرود», «محور سیرجان ـ کرمان»: works between cities are the
                # province's (FACTS.md rulings, «Several places»).
                found.append(road[0])
                i = road[1]
                continue
            if cue is None and start < village_list_until and _LIST_ITEM_START.search(folded, max(0, start - 8), start) \
                    and not (found and found[-1].start > self.villages[-1]):
                # The next item of a list of villages is a village too («… روستای تینوج با هزینه
                # 243 میلیون تومان، قزل آباد با هزینه 230 میلیون تومان …»); the item after a
                # town is a town («روستای «ویشگاه» … در بخش‌های خمام، خشکبیجار و لشت‌نشا»).
                self.villages.append(start)
                i += size
                continue
            if (previous in _VILLAGE_CUES and key not in g.provinces) or previous in _DETERMINERS \
                    or _after_number(folded, start) \
                    or context == "site" or (follows_city and kind in ("city", "county")) \
                    or (follows_city and kind == "province"):
                # A village; a counted or pointed-at noun («27 بوستان», «این بوستان»); a
                # facility's or site's name («پایانه ساوه», «جاده ساوه», «گلزار شهدای حسین‌آباد»);
                # «قمصر کاشان» is the city written with its county (or province).
                i += size
                continue
            role = "place"
            if _DATELINE.search(folded, max(0, mention_start - 80), mention_start):
                role = "dateline"  # «به گزارش خبرگزاری فارس از کاشان»: where the report was filed
            elif _VENUE.search(folded, max(0, mention_start - 60), mention_start):
                role = "office"  # «در گفتگو با خبرنگار فارس در سنندج»: where the speaker spoke
            elif cue in _OFFICE_CUES or (cue not in _CITY_CUES and self._name_context(
                    folded, i - 1 if cue else i) == "office"):
                role = "office"
            elif cue is None and previous in _COMPASS \
                    and self._previous_word(folded, i - 1) not in ("کیلومتری", "متری"):
                # «روستای شهیدآباد قلعه‌گنج در جنوب کرمان»: a region, if nothing nearer; not «در ۲۵
                # کیلومتری جنوب مشگین‌شهر», a distance from the town
                role = "office"
            elif cue is None and found and found[-1].role != "place" and _JOINED.fullmatch(folded, found[-1].end, start):
                # «مدیر منابع آب شهرستان فارسان و کوهرنگ»: the office's second place is its too.
                role = found[-1].role
            if cue in _PROVINCE_CUES and key in g.provinces:
                name, kind = "استان " + g.provinces[key], "province"
            elif cue in _AFGHAN_PROVINCE_CUES:
                name, kind = "ولایت " + (g.cities[key][0] if key in g.cities else written), "province"
            elif cue in _COUNTY_CUES:
                name, kind = g.counties.get(key, name), "county"
            elif cue in _CITY_CUES and key in g.cities:
                name, kind = g.cities[key][0], "city"
            elif cue is None and (key in disproved or (g.is_ambiguous(written) or g.is_minor_town(key))
                                  and key not in licensed):
                i += size  # a common word, until the article ties it to a place word
                continue
            elif cue is None and _PERSON_AFTER.match(folded, self.tokens[i + size - 1][1]):
                i += size  # «شرافت زمان امرخیل، سخنگوی این وزارت»: a person's name, then the title
                continue
            if cue is not None:
                licensed.add(key)
            found.append(Mention(mention_start, self.tokens[i + size - 1][1], name, kind, role))
            last[(kind, role)] = found[-1]
            i += size
        return self._resolve_roads(found) + self._unlisted_cities(folded, {m.name for m in found})

    def _section_at(self, folded: str, i: int) -> tuple[str, str, tuple, int] | None:
        """The section (بخش) whose name begins at token i, the longest: (key, as written, the
        gazetteer's section, its number of tokens)."""
        for size in range(min(_MOST_SECTION_WORDS, len(self.tokens) - i), 0, -1):
            phrase = self._joined(folded, i, size) if size > 1 else self.tokens[i][2]
            if phrase and (section := gazetteer().section(key := spelling_key(phrase))):
                return key, phrase, section, size
        return None

    def _sections_named(self, folded: str) -> dict[str, set[str]]:
        """The sections the article names after their word («بخش چاروسا»), by first word: their keys."""
        named: dict[str, set[str]] = {}
        for i, (_, _, word) in enumerate(self.tokens):
            if i and self.tokens[i - 1][2] in _SECTION_CUES and (section := self._section_at(folded, i)):
                named.setdefault(_spelled(word), set()).add(section[0])
        return named

    @staticmethod
    def _lies_in(city: Mention, name: str, kind: str) -> bool:
        g = gazetteer()
        if kind == "province":
            return g.province_of(city.name) in (name, None)
        return g.county_of(city.name) in (name, None) or city.name == name

    def _road(self, folded: str, i: int, size: int, last: dict) -> tuple[Mention, int] | None:
        """A road or railway between the place at token i and the next one («جاده آزادشهر به
        شاهرود», «محور سیرجان ـ کرمان»): a mention of the province (both ends' when they share
        it, else the last one the text named, else the first end's), and the token after it."""
        g = gazetteer()
        road_start = None
        for j in range(i - 1, max(-1, i - 3), -1):
            if self.tokens[j][2] in _ROAD_WORDS:
                road_start = self.tokens[j][0]
                break
        after = i + size
        if road_start is None or after + 1 > len(self.tokens):
            return None
        link = folded[self.tokens[i + size - 1][1]:self.tokens[after][0]]
        if self.tokens[after][2] in ("به", "تا") and after + 1 < len(self.tokens):
            after += 1
        elif not (_ROAD_DASH.fullmatch(link) or _GAP.fullmatch(link)):
            return None  # («محور سیرجان کرمان»: the dash lost in normalising)
        other = g.place(_spelled(self.tokens[after][2]))
        first = g.place(spelling_key(self._joined(folded, i, size) or self.tokens[i][2]))
        if other is None or first is None:
            return None
        ends = [first, other]
        while after + 2 < len(self.tokens) and _ROAD_DASH.fullmatch(
                folded[self.tokens[after][1]:self.tokens[after + 1][0]]) and (
                more := g.place(_spelled(self.tokens[after + 1][2]))) is not None:
            ends.append(more)  # «قطار سریع‌السیر قم- تهران- اصفهان»
            after += 1
        provinces = list(dict.fromkeys(end.name if end.kind == "province" else g.province_of(end.name)
                                       for end in ends))
        if None in provinces:
            return None
        # Resolved once the text is read (`_resolve_roads`): the ends' province when they share
        # one, else the one of them the text places the road in.
        return Mention(road_start, self.tokens[after][1], "|".join(provinces), "road"), after + 1

    @staticmethod
    def _resolve_roads(found: list[Mention]) -> list[Mention]:
        g = gazetteer()
        of_text = set()
        for m in found:
            if m.kind == "province":
                of_text.add(m.name)
            elif m.kind in ("city", "county"):
                of_text.add(g.province_of(m.name))
        resolved = []
        for m in found:
            if m.kind == "road":
                candidates = m.name.split("|")
                chosen = candidates[0] if len(candidates) == 1 else next(
                    (c for c in candidates if c in of_text), None)
                if chosen is None:
                    continue  # a work across provinces the text places in none of them
                m = Mention(m.start, m.end, chosen, "province", m.role)
            resolved.append(m)
        return resolved

    def _name_context(self, folded: str, i: int) -> str | None:
        """Whether the place at token i is inside a longer name: "site" after a street's,
        road's or facility's word («جاده ساوه», «بوستان تفریحی توریستی شاهد جوکار»), "office"
        after an office's or official's («مدیرکل بهزیستی استان …»); read back over the name's
        words, which no stop word, number or punctuation parts."""
        for j in range(i - 1, max(-1, i - 1 - _OFFICE_SCAN_WORDS), -1):
            if _GAP.fullmatch(folded, self.tokens[j][1], self.tokens[j + 1][0]) is None:
                return None
            word = self.tokens[j][2]
            if word in _OFFICE_WORDS:
                if word in _SITE_INSTITUTIONS and j > 0 and self.tokens[j - 1][2] == "در" \
                        and _GAP.fullmatch(folded, self.tokens[j - 1][1], self.tokens[j][0]) is not None:
                    # «در دانشگاه آزاد اسلامی واحد اصفهان تدریس می‌شود»: where the number is, not
                    # who speaks (FACTS.md rulings, «Named sites with a city in their name»).
                    return None
                return "office"
            if (word in _SITE_WORDS or _is_facility(word)) and i - j <= _NAME_SCAN_WORDS:
                return "site"
            if word in _ALL_CUES or (_is_stop(word) and word != "و"):
                return None
        return None

    def _plural_described(self, folded: str, i: int) -> bool:
        """«گردشگران داخلی و خارجی استان»: a plural and the adjectives that describe it before
        token i; «of the province» follows them as it follows a plural alone («دشت‌های استان»)."""
        if not _describes(self._previous_word(folded, i)):
            return False
        for k in range(i - 1, max(0, i - 1 - _DESCRIBING_WORDS), -1):
            word = self._previous_word(folded, k)
            if _of_a_plural(word):
                return True
            if word != "و" and not _describes(word):
                return False
        return False

    def _back_reference(self, folded: str, i: int, last: dict[tuple[str, str], Mention]) -> Mention | None:
        """«این شهر», «این شهرستان», «این استان», «این منطقه» and a bare «استان» (no name after
        it): a mention of the city, county, province or district last named as a place of the
        text (an office's place when no other is named; FACTS.md rulings, «Back-references are
        mentions»); a dateline is no such place. `last` holds the last mention of each kind and role."""
        start, end, word = self.tokens[i]
        if word not in ("شهر", "شهرستان", "استان", _DISTRICT_WORD):
            return None
        previous = self._previous_word(folded, i)
        following = self.tokens[i + 1][2] if i + 1 < len(self.tokens) else ""
        g = gazetteer()
        if word == "استان":
            if following in ("ها", "های") or not (previous in _BARE_PROVINCE_BEFORE or _of_a_plural(previous)
                                                    or self._plural_described(folded, i)):
                # «استان ها» are provinces; «… بنابراین استان باید …» is the province's government.
                return None
            if previous not in _BACK_DETERMINERS and (
                    g.place(_spelled(following)) is not None or _spelled(following) in g.first_words):
                return None  # «استان فارس»: the name that follows is the mention
        elif previous not in _BACK_DETERMINERS:
            return None

        sentence_start, _ = self._sentence_of(start)

        def latest_as(role: str, kinds: tuple[str, ...]) -> Mention | None:
            found = [m for kind in kinds if (m := last.get((kind, role))) is not None]
            return max(found, key=lambda m: m.start) if found else None

        def latest(*kinds: str) -> Mention | None:
            place, office = latest_as("place", kinds), latest_as("office", kinds)
            if office is not None and office.start >= sentence_start and (place is None or place.start < office.start):
                # «بخشدار آرین شهر … از زائران این شهر»: the office's town, named in the same
                # sentence after any other, is the one meant.
                return office
            return place or office

        origin = self.tokens[i - 1][0] if previous in _BACK_DETERMINERS else start
        if word == "شهر":
            city = latest("city")
            return Mention(origin, end, city.name, "city") if city else None
        if word == "شهرستان":
            county = latest("county", "city")
            if county is not None and county.kind == "city":
                # «… در خمام، خشکبیجار و لشت‌نشا … در این شهرستان»: the county the towns lie in
                return Mention(origin, end, g.county_of(county.name) or county.name, "county")
            return Mention(origin, end, county.name, "county") if county else None
        if word == _DISTRICT_WORD:
            district = latest("district")
            return Mention(origin, end, district.name, "district") if district else None
        province = latest("province")
        if province is not None:
            return Mention(origin, end, province.name, "province")
        local = latest("city", "county")
        name = g.province_of(local.name) if local else None
        return Mention(origin, end, name, "province") if name else None

    def _city_after_number(self, folded: str, i: int, after: int) -> str | None:
        """The city named right after «منطقه N» («منطقه 20 تهران»), if one is."""
        numbers = find_numbers(folded[after:after + 24])
        if not numbers:
            return None
        number_end = after + numbers[0].end
        for j in range(i + 1, min(i + 4, len(self.tokens))):
            start, _, word = self.tokens[j]
            if start < number_end:
                continue  # a number written in words («منطقه یک»)
            if _GAP.fullmatch(folded, number_end, start) is None:
                return None
            place = gazetteer().place(_spelled(word))
            return place.name if place is not None and place.kind == "city" else None
        return None

    @staticmethod
    def _district_number(folded: str, after: int) -> int | None:
        """N of «منطقه N» («منطقه ۳», «منطقه یک», «منطقه بیست و دو»), when a number follows at once."""
        window = folded[after:after + 24]
        numbers = find_numbers(window)
        if not numbers or window[:numbers[0].start].strip(" " + ZWNJ):
            return None
        value = numbers[0].value
        return int(value) if isinstance(value, int) and 0 < value < 100 else None

    def _unlisted_cities(self, folded: str, listed: set[str]) -> list[Mention]:
        """«شهرداری X» / «شهر X» name a city the gazetteer may lack (a new town, a spelling
        of its own) when the article says it at least twice and X is no common word."""
        g = gazetteer()
        candidates = []
        for i, (start, end, word) in enumerate(self.tokens):
            cue = self._previous_word(folded, i)
            if cue in ("شهر", "شهرداری") and len(word) >= 3 and word not in _not_cities() \
                    and not g.is_ambiguous(word) and g.place(_spelled(word)) is None and word not in listed \
                    and word not in words():
                candidates.append(Mention(self.tokens[i - 1][0], end, word, "city"))
        counts = Counter(m.name for m in candidates)
        return [m for m in candidates if counts[m.name] >= 2]

    def _programmes(self, folded: str) -> list[Mention]:
        by_key, first_words, longest = _seed_programmes()
        # The titles the article gives in guillemets, by first word: written again without them
        # («سوگواره احلی من العسل» after «سوگواره دانش‌آموزی «احلی من العسل»»), still the title.
        self._titles: dict[str, list[str]] = {}
        for match in _GUILLEMETS.finditer(folded):
            title = match.group(1).split()
            if 1 < len(title) <= _MOST_NAME_WORDS and not any(ch.isdigit() for ch in match.group(1)):
                self._titles.setdefault(title[0], []).append(" ".join(title))
        found: list[Mention] = []
        same_word: dict[str, Mention] = {}  # the last programme named after each word («طرح …»)
        taken_until = -1
        for i, (start, end, word) in enumerate(self.tokens):
            if start < taken_until:
                continue
            mention = None
            if _programme_word(word) in first_words:
                for size in range(min(longest + 1, len(self.tokens) - i), 0, -1):
                    phrase = self._joined(folded, i, size)
                    if phrase and programme_key(phrase) in by_key:
                        mention = Mention(start, self.tokens[i + size - 1][1], by_key[programme_key(phrase)],
                                          "programme")
                        break
            if mention is None and found and (word == "شورا" or (word == "شورای" and _is_ordinal(
                    self.tokens[i + 1][2] if i + 1 < len(self.tokens) else ""))):
                # «شورا», «شورای پنجم»: the council the text has named («شورای اسلامی شهر»).
                council = next((m for m in reversed(found) if m.name.startswith("شورا")), None)
                if council is not None:
                    mention = Mention(start, end, council.name, "programme")
            word = _as_trigger(word)
            if mention is None and word.replace(ZWNJ, "") in _EVENT_WORDS and not _after_number(folded, start):
                mention = self._event(folded, i)
            if mention is None and word in _PROGRAMME_TRIGGERS and not _after_number(folded, start):
                # («12 طرح برتر» counts schemes; it names none)
                following = self.tokens[i + 1][2] if i + 1 < len(self.tokens) else ""
                if following in _POST_DETERMINERS and _GAP.fullmatch(folded, end, self.tokens[i + 1][0]):
                    # «جشنواره مذکور»: the last one the text named with the same word, or none
                    # («کمیته مزبور» of a committee the text named without a programme's word).
                    if word in same_word:
                        mention = Mention(start, self.tokens[i + 1][1], same_word[word].name, "programme")
                elif found and self._previous_word(folded, i) in _DETERMINERS:
                    # «این طرح», «این پویش»: the programme the text has been speaking of, the
                    # last one the text named with the same word if any.
                    same = same_word.get(word)
                    if same is not None or word not in _NAMED_BY_TITLE or word == "طرح":
                        mention = Mention(start, end, (same or found[-1]).name, "programme")
                    # (else «این سامانه», «این نمایشگاه» with none named so: a thing the text has
                    # not named, «نرم‌افزار جام … این سامانه», not the last programme)
                elif word == "لایحه" and _YEAR_DIGITS.match(folded, end):
                    mention = Mention(start, end, _BUDGET_BILL, "programme")
                else:
                    mention = self._introduced(folded, i)
                    if mention is not None and word in _GATHERINGS:
                        mention = self._as_event(folded, i, mention, _GATHERINGS[word])
            if mention is not None:
                found.append(mention)
                same_word[word] = mention
                taken_until = mention.end
        found = self._named_again(folded, found)
        found = [m for m in _named_before(self._terms(folded, self._without_word(folded, found)), folded.find("\n"))
                 if not _is_list_label(folded, m) and not _paired_with_a_body(folded, m)
                 and not _NOT_IN_IT.match(folded, m.end) and not (m.name not in _listed_names() and _MEETING_OF.search(folded, max(0, m.start - 30), m.start))]
        starts, ends = [m.start for m in found], [m.end for m in found]
        for match in _GUILLEMETS.finditer(folded):
            at = bisect_right(starts, match.start())
            if at and ends[at - 1] > match.start():
                continue  # inside a name found already («پویش «نذر آب»»)
            title = self._title_programme(folded, match)
            if title is not None:
                found.append(title)
        return found

    def _as_event(self, folded: str, i: int, mention: Mention, fewest: int) -> Mention | None:
        """«همایش پیاده‌روی»: a gathering is as often the venue where something was said («در همایش
        تجلیل از …») as the event the numbers are about; it is a programme, under its whole name,
        where the text names it again (`_named_again`)."""
        size = 1
        while i + size < len(self.tokens) and self.tokens[i + size][1] <= mention.end:
            size += 1  # (a name has a few words: no walk over the page)
        # (a congress named by one word is a country's or a party's: «کنگره آمریکا»)
        written = self._joined(folded, i, size) if size >= fewest else None
        return Mention(mention.start, mention.end, mention.name, "programme", bare=written, role="event") \
            if written else None

    def _name_cut(self, folded: str, k: int) -> bool:
        """Whether a programme's name ends before token k: a gap of more than spaces, a
        programme's or a place's word, the first half of a compound verb, or an edition's
        ordinal («ستاد خبری هشتمین جشنواره …», «انتخابات دوره هشتم»: the next name's, or no name's)."""
        word_start, _, word = self.tokens[k]
        following = self.tokens[k + 1][2] if k + 1 < len(self.tokens) else ""
        return _GAP.fullmatch(folded, self.tokens[k - 1][1], word_start) is None or word in _PROGRAMME_TRIGGERS \
            or word in _PLACE_WORDS or following in _light_verb_forms() or _is_ordinal(word) \
            or (word == _EDITION and _is_ordinal(following))

    def _event(self, folded: str, i: int) -> Mention | None:
        """«اردوهای راهیان نور», «مسابقه فرهنگی هنری پرسش مهر»: a camp or a contest is the
        programme its name gives, after the words that only say its kind."""
        j = i + 1
        while j < len(self.tokens) and (_is_adjective(self.tokens[j][2]) or self.tokens[j][2] == "و") \
                and _GAP.fullmatch(folded, self.tokens[j - 1][1], self.tokens[j][0]):
            j += 1
        taken: list[str] = []
        last_end = -1
        g = gazetteer()
        for k in range(j, min(j + _MOST_NAME_WORDS, len(self.tokens))):
            _, word_end, word = self.tokens[k]
            if self._name_cut(folded, k) or _is_stop(word) or _is_adjective(word) or word in _COMPASS \
                    or (g.place(_spelled(word)) is not None and not g.is_ambiguous(word)):
                break
            taken.append(word)
            last_end = word_end
        if sum(len(word.split(ZWNJ)) for word in taken) < 2 or taken[0] in _NO_EVENT_NAMES \
                or any(word in _SPORTS for word in taken):
            # «مسابقه فوتبال»: a kind of contest, a name has two words at least, also when written
            # as one («راهیان‌نور»); «اردوی تیم ملی»: a team's training camp
            return None
        name = _programme_name(" ".join(taken))
        return Mention(self.tokens[i][0], last_end, name, "programme", bare=" ".join(taken), role="event") \
            if name else None

    def _named_again(self, folded: str, found: list[Mention]) -> list[Mention]:
        """A camp's or contest's name written again without its word («راهیان نور» after
        «اردوهای راهیان نور») names it again."""
        names = {m.bare: m.name for m in found if m.role == "event"}
        if not names:
            return found
        by_first: dict[str, list[str]] = {}
        for bare in names:
            by_first.setdefault(bare.split()[0], []).append(bare)
        written: dict[str, list[tuple[int, int]]] = {bare: [] for bare in names}
        for i, (start, _, word) in enumerate(self.tokens):
            for bare in by_first.get(word, ()):
                size = len(bare.split())
                if self._joined(folded, i, size) == bare:
                    written[bare].append((start, self.tokens[i + size - 1][1]))
        # A name the text writes once is as often a person or a team as a programme («مسابقه
        # … بهنام محمودی»): a camp's or contest's name counts where the text names it again.
        found = [m for m in found if m.role != "event" or len(written[m.bare]) >= 2]
        starts = [m.start for m in found]
        added = []
        for bare, spans in written.items():
            if len(spans) < 2:
                continue
            for start, end in spans:
                at = bisect_right(starts, start)
                if at and found[at - 1].end > start:
                    continue  # the name found already, with its word
                added.append(Mention(start, end, names[bare], "programme"))
        return sorted(found + added, key=lambda m: m.start) if added else found

    def _terms(self, folded: str, found: list[Mention]) -> list[Mention]:
        """The programme's own things in its terms: a city hall's organisation named «سازمان X …»
        is meant where the text speaks of its X («سازمان پایانه‌های مسافربری» and «مسافر از
        پایانه‌های مسافربری شهرداری قم»), a scheme named «طرح X …» where it speaks of X («طرح
        بازآفرینی شهری» and «اعتبارات بازآفرینی شهر دوگنبدان»; FACTS.md rulings, «Reach»), a
        listed programme where it speaks of the things nlp/data/programme_terms.tsv gives it
        (a fire service's fires)."""
        terms: dict[str, str] = {}
        self._token_index = {token[0]: i for i, token in enumerate(self.tokens)}
        for m in found:
            written = folded[m.start:m.end].split()
            if len(written) < 2 or written[0] not in ("سازمان", "طرح"):
                continue
            if written[0] == "طرح" and m.name.startswith("طرح") and not (
                    len(written) >= 3 and _is_noun_only(written[1])):
                continue  # «طرح هادی»: the name needs its word; «طرح بهسازی مسکن روستایی» is its «بهسازی»
            terms.setdefault(_programme_word(written[1]), m.name)
        for m in found:
            for word in programme_terms().get(m.name, ()):
                terms.setdefault(_programme_word(word), m.name)
        if not terms:
            return found
        starts = [m.start for m in found]
        added = []
        for start, end, word in self.tokens:
            name = terms.get(_programme_word(word))
            if name is None:
                continue
            at = bisect_right(starts, start)
            if at and found[at - 1].end > start:
                continue  # inside a name found already
            before = self._previous_word(folded, self._token_index.get(start, 0)) or ""
            if before in _SITE_WORDS or _is_facility(before):
                continue  # «پارک ترافیک اعتمادیه»: one work's name
            added.append(Mention(start, end, name, "programme"))
        return sorted(found + added, key=lambda m: m.start) if added else found

    def _introduced(self, folded: str, i: int) -> Mention | None:
        """«طرح X Y», «پویش «X»»: the trigger and the words of the name, which ends at a stop
        word, a verb, a number, punctuation, a place, or after four words."""
        start, end, trigger = self.tokens[i]
        trigger = _as_trigger(trigger)
        quoted = _TITLE_AFTER.match(folded, end)
        # (the words between say what kind, «پویش رقابتی», «جشنواره فرهنگی و هنری»: no stop word
        # but «و», and three words at most, of which one «و»)
        between = quoted.group(1).split() if quoted else []
        if quoted and not any(_is_stop(word) and word != "و" for word in between) \
                and (len(between) < 3 or between[1] == "و"):
            return _titled(trigger, " ".join(quoted.group(2).split()), start, quoted.end())
        following = self.tokens[i + 1][2] if i + 1 < len(self.tokens) else ""
        for title in self._titles.get(following, ()):
            size = len(title.split())
            if self._joined(folded, i + 1, size) == title:
                return _titled(trigger, title, start, self.tokens[i + size][1])
        g = gazetteer()
        taken: list[str] = []
        last_end = end
        stop = ""  # the word the name stopped at
        first = i + 1
        if first < len(self.tokens) and self.tokens[first][2] in ("ها", "های") \
                and _GAP.fullmatch(folded, end, self.tokens[first][0]):
            first += 1  # «طرح های خلاقانه شهروندی»: the plural written apart
            last_end = self.tokens[i + 1][1]
        if first + 1 < len(self.tokens) and _is_ordinal(self.tokens[first][2]) \
                and _GAP.fullmatch(folded, self.tokens[first - 1][1], self.tokens[first][0]):
            # «جشنواره یازدهم تئاتر عروسکی دانشجویان»: the edition is no part of the festival's name
            first += 1
            last_end = self.tokens[first - 1][1]
        for j in range(first, min(first + _MOST_NAME_WORDS, len(self.tokens))):
            _, word_end, word = self.tokens[j]
            following = self.tokens[j + 1][2] if j + 1 < len(self.tokens) else ""
            joins = word == "و" and taken and following and not _is_stop(following)
            if self._name_cut(folded, j) or (_is_stop(word) and not joins):
                stop = word
                break
            place = g.place(_spelled(word))
            if place is not None and not g.is_ambiguous(word):
                if taken and taken[-1] in _CITY_CUES | _COUNTY_CUES | _PROVINCE_CUES and len(taken) > 1:
                    taken.pop()  # «ستاد مدیریت بحران شهر تهران»: the city is the place, not the name
                # A city's: the name is the city's own; a county's or a province's («کمیته امداد امام
                # خمینی کهگیلویه و بویراحمد»): a state body's office there.
                stop = "شهرداری" if place.kind == "city" else "استان"
                break
            taken.append(word)
            last_end = word_end
        else:
            after = first + len(taken)  # four words taken: the word after them
            stop = self.tokens[after][2] if after < len(self.tokens) else ""
        while taken and taken[-1] == "و":
            taken.pop()
        if not taken:
            return None
        if trigger == "طرح" and taken[0] in _RAISED:
            return None  # «طرح شکایت», «طرح سوال»: raising a complaint or a question, no scheme
        if trigger in _SINGLE_WORKS and taken[0] in _PROJECT_SECTORS:
            return None  # «طرح عمرانی و کشاورزی», «پروژه عمرانی»: a kind of project, no name
        if trigger in _SINGLE_WORKS and (taken[0] in _SITE_WORDS or _is_facility(taken[0])) \
                and not _seed_programmes()[0].get(programme_key(" ".join(taken))):
            return None  # «طرح میدان شهدا»: one work
        listed = _seed_programmes()[0].get(programme_key(" ".join(taken)))
        if not listed and trigger in _SINGLE_WORKS and stop in ("روستا", "روستای"):
            # «طرح آبیاری بارانی روستای حسین‌آباد»: one village's works, no scheme (a listed one,
            # «طرح هادی روستای …», is the scheme)
            return None
        if not listed and trigger in _NAMED_BY_TITLE and len(taken) == 1 and _is_adjective(taken[0]):
            return None  # «سامانه مخابراتی», «نمایشگاه دائمی»: a kind of system or fair, no name
        if not listed and trigger in _CITY_INSTITUTIONS and stop not in _CITY_INSTITUTION_OWNERS:
            return None  # «سازمان ملل متحد», «کمیته بین‌المللی صلیب سرخ»: no city's institution
        if listed:
            # «سازمان آتش‌نشانی» is «آتش‌نشانی»: the rest names a listed programme by itself.
            name = listed
        elif trigger == "طرح":
            # «طرح» is kept unless the text also names the scheme without it (FACTS.md rulings,
            # «Names»): decided once the whole text is read (`_without_word`).
            name = _programme_name(f"{trigger} {' '.join(taken)}")
            return Mention(start, last_end, name, "programme", bare=" ".join(taken)) if name else None
        else:
            name = _programme_name(f"{trigger} {' '.join(taken)}")
        return Mention(start, last_end, name, "programme") if name else None

    def _without_word(self, folded: str, found: list[Mention]) -> list[Mention]:
        """«طرح X» is «X» where the text also writes X with no «طرح» before it."""
        at: dict[str, list[int]] = {}
        for m in found:
            if m.bare:
                at.setdefault(m.bare.split()[0], [])
        if not at:
            return found
        for i, (_, _, word) in enumerate(self.tokens):
            if word in at:
                at[word].append(i)
        renamed: dict[str, str] = {}
        for m in found:
            if not m.bare or m.name in renamed or len(m.bare.split()) == 1:
                continue  # (one word alone, «نوروزی», «استقبال», is no scheme's name however often written)
            words_ = m.bare.split()
            for i in at[words_[0]]:
                if self._joined(folded, i, len(words_)) == m.bare and not self._after_its_word(folded, i):
                    bare_name = _programme_name(m.bare)
                    if bare_name:
                        renamed[m.name] = bare_name
                    break
        return [Mention(m.start, m.end, renamed.get(m.name, m.name), m.kind, m.role) for m in found]

    def _after_its_word(self, folded: str, i: int) -> bool:
        """Whether token i follows «طرح», or «طرح» and one word of praise («طرح ویژه بهسازی …»)."""
        previous = self._previous_word(folded, i)
        if _trigger_before(previous):
            return True
        return previous not in (None, "و") and _trigger_before(self._previous_word(folded, i - 1))

    def _title_programme(self, folded: str, match: re.Match) -> Mention | None:
        """A short title in guillemets after a programme word («برنامه «شهر من»»). Alone, a
        title in guillemets is as often a quoted word («دیکتاتور», «اخراج») as a name."""
        inside = match.group(1).split()
        if not 1 <= len(inside) <= _MOST_NAME_WORDS or any(ch.isdigit() for ch in match.group(1)):
            return None
        before = _WORD.findall(folded[max(0, match.start() - 30):match.start()])
        if before and before[-1] in _QUOTE_TRIGGERS:
            return _titled(before[-1], " ".join(inside), match.start(), match.end())
        return None

    # --- districts ---------------------------------------------------------------------

    def _bind_districts(self) -> None:
        """«منطقه N» is a district of the city the article names: the one in its sentence,
        else the nearest before it, else the first after it; a city the data knows not to have
        an N-th district gives way to one named in the article that has, else to Tehran; a
        number no such city has is no municipal district (a university's «منطقه 27»). No city
        named anywhere: Tehran (national media write Tehran's districts so)."""
        g = gazetteer()
        cities = [m for m in self.places if m.kind == "city"]
        starts = [m.start for m in cities]
        named = list(dict.fromkeys(m.name for m in cities))
        bound = []
        for mention in self.places:
            if mention.kind != "district":
                bound.append(mention)
                continue
            number = int(mention.name)
            s_start, s_end = self._sentence_of(mention.start)
            at = bisect_left(starts, mention.start)
            in_sentence = [m for m in cities[bisect_left(starts, s_start):bisect_left(starts, s_end)]]
            if mention.start in self._district_cities:
                city = self._district_cities[mention.start]
            elif in_sentence:
                city = in_sentence[0].name
            elif at > 0:
                city = cities[at - 1].name
            elif at < len(cities):
                city = cities[at].name
            else:
                city = _TEHRAN
            if g.has_district(city, number) is False:
                city = next((other for other in named if g.has_district(other, number)),
                            _TEHRAN if g.has_district(_TEHRAN, number) else city)
                if g.has_district(city, number) is False:
                    continue  # «منطقه 27 دانشگاه آزاد»: a region no city's districts number so
            bound.append(Mention(mention.start, mention.end, f"{city}{SEPARATOR}منطقه {number}", "district",
                                 mention.role))
        self.places = self._towns_made_districts(bound, cities, starts)

    # A sentence naming a district and a town of the same province makes that town the district
    # («شهردار منطقه 20 تهران … در شهرری»); the first few towns of the sentence are looked at, so
    # that a hostile sentence of many districts and towns stays linear.
    _TOWNS_LOOKED_AT = 8

    def _towns_made_districts(self, bound: list[Mention], cities: list[Mention], starts: list[int]) -> list[Mention]:
        """FACTS.md rulings: a town the text makes a district of its city is that district,
        wherever the article names it."""
        g = gazetteer()
        towns: dict[str, str] = {}
        for mention in bound:
            if mention.kind != "district":
                continue
            city = mention.name.split(SEPARATOR)[0]
            province = g.province_of(city)
            if province is None:
                continue
            s_start, s_end = self._sentence_of(mention.start)
            first = bisect_left(starts, s_start)
            for town in cities[first:min(bisect_left(starts, s_end), first + self._TOWNS_LOOKED_AT)]:
                if town.name != city and town.role == "place" and g.province_of(town.name) == province:
                    towns.setdefault(town.name, mention.name)
        if not towns:
            return bound

        def as_district(m: Mention) -> Mention:
            if m.kind == "city" and m.name in towns:
                return Mention(m.start, m.end, towns[m.name], "district", m.role)
            if m.kind == "district":  # «این منطقه» bound to the town: the town is that district
                city, _, number = m.name.partition(SEPARATOR)
                if city in towns and towns[city].endswith(SEPARATOR + number):
                    return Mention(m.start, m.end, towns[city], "district", m.role)
            return m

        return [as_district(m) for m in bound]

    def _sentence_of(self, position: int) -> tuple[int, int]:
        index = bisect_right(self.sentence_starts, position) - 1
        start = self.sentence_starts[index] if index >= 0 else 0
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.text)
        return start, end

    # --- looking up ----------------------------------------------------------------------

    def _between(self, starts: list[int], found: list[Mention], start: int, end: int) -> list[Mention]:
        return found[bisect_left(starts, start):bisect_left(starts, end)]

    def municipality(self, sentence_start: int, sentence_end: int, number_start: int,
                     number_end: int | None = None) -> tuple[str | None, str]:
        """(municipality, attribution) of a fact whose number is at `number_start`: the place its
        own sentence names (in a list, its own clause's), else the nearest earlier place of the
        body, else the title's, else the body's first; a number the text makes the country's has
        none; an office's or official's place, then the dateline, only when nothing else places it.
        A number counting provinces has none; one counting cities, counties or villages is their
        province's."""
        sentence_start, sentence_end = _window(sentence_start, sentence_end, number_start)
        name, attribution = self._place(sentence_start, sentence_end, number_start)
        if number_end is not None and _COUNTS_PROVINCES.match(self.text, number_end) and not self._between(
                self.strong_starts, self.strong, sentence_start, number_start):
            # «از 19 استان به 31 استان»: the country's; «شهرستان دماوند شاهراه چهار استان کشور
            # است» counts them for the county the sentence names.
            return None, ""
        province = gazetteer().province_of(name.split(SEPARATOR)[0]) if name else None
        if province and number_end is not None and not name.startswith("استان ") and (
                _COUNTS_LOCALITIES.match(self.text, number_end) or (
                    _COUNTS_VILLAGES.match(self.text, number_end) and len({m.name for m in self._between(
                        self.strong_starts, self.strong, sentence_start, sentence_end)
                        if m.kind in ("city", "county") and gazetteer().province_of(m.name) == province}) > 1)):
            # (places the sentence names as where things are: not the dateline's «از بابل»; of
            # the province: «بخش مرکزی تایباد … 24 روستا … مرز افغانستان و استان هرات» is Taybad's)
            # «این سه شهرستان», «سه روستای تفرش، آشتیان و فراهان»: several places, their province.
            return province, attribution
        return name, attribution

    def _place(self, sentence_start: int, sentence_end: int, number_start: int) -> tuple[str | None, str]:
        clauses = self._clauses(sentence_start, sentence_end)
        clause = (sentence_start, sentence_end)
        if len(clauses) >= _LIST_CLAUSES:
            clause = clauses[bisect_right(self._clause_starts(), number_start) - 1]
        own = self._own(self.strong_starts, self.strong, clauses, sentence_start, sentence_end, number_start)
        if self._national(own, sentence_start, sentence_end, number_start):
            return None, ""
        village = self._names_a_village(*clause)
        if own:
            chosen = self._in_after(own, number_start) or _placed(own, number_start)
            return self._local(self._together(own, own.index(chosen), self._holders(sentence_start, sentence_end)),
                               sentence_end), "sentence"
        in_title = sentence_start < self.title_end
        body_start = self.title_end
        at = bisect_left(self.strong_starts, sentence_start)
        if not in_title and village:
            # A village has no municipality: its numbers take the county the text puts it in
            # («بهره‌برداری از چندین پروژه در شهرستان ملایر», then the villages' projects).
            county_at = bisect_left(self.county_starts, sentence_start)
            if county_at and self.county_starts[county_at - 1] >= body_start:
                return self.counties[county_at - 1].name, "earlier"
        nation = self._country_named(sentence_start, sentence_end, number_start, body_start)
        if not in_title:
            if at > 0 and self.strong[at - 1].start >= body_start:
                if nation > self.strong[at - 1].start:
                    return None, ""
                office = self._office_over(self.strong[at - 1], sentence_start, sentence_end, number_start)
                if office is not None:
                    return office.name, "sentence"
                listing = self._province_of_a_list(self.strong[at - 1])
                if listing:
                    return listing, "earlier"
                return self._together(self.strong, at - 1, self._holders(sentence_start, sentence_end)).name, "earlier"
            if nation >= 0:
                return None, ""
            title = self._between(self.strong_starts, self.strong, 0, self.title_end)
            if title:
                return _most_specific(title)[0].name, "title"
        later = bisect_left(self.strong_starts, max(body_start, sentence_end))
        if later < len(self.strong):
            first_start, first_end = self._sentence_of(self.strong[later].start)
            return self._together(self.strong, later, self._holders(first_start, first_end)).name, "earlier"
        # Nothing names where the number is: the office's or official's place, then the dateline.
        own = self._own(self.weak_starts, self.weak, clauses, sentence_start, sentence_end, number_start)
        if own:
            return _placed(own, number_start).name, "sentence"
        if nation >= 0:
            return None, ""
        at = bisect_left(self.weak_starts, sentence_start)
        if at > 0:
            return self._together(self.weak, at - 1, []).name, "earlier"
        if self.weak:
            return _most_specific(self.weak)[0].name, "earlier"
        if self.datelines:
            return self.datelines[0].name, "earlier"
        return None, ""

    def _office_over(self, earlier: Mention, sentence_start: int, sentence_end: int,
                     number_start: int) -> Mention | None:
        """A county office of the speaker, where the sentence names no place but the office's, in the
        province named before («رئیس کمیته امداد شهرستان چگنی ادامه داد: … 500 هزار ریال» after «استان
        لرستان»): the county is the office's own territory, more precise than its province. (A
        provincial office over a town named before is not: the director-general speaks for the
        province of the town's numbers.)"""
        offices = [m for m in self._between(self.weak_starts, self.weak, sentence_start, sentence_end)
                   if m.start < number_start and m.kind == "county"]
        if len(offices) != 1 or earlier.kind != "province":
            return None
        return offices[0] if gazetteer().province_of(offices[0].name) == earlier.name else None

    def _country_named(self, sentence_start: int, sentence_end: int, number_start: int, body_start: int) -> int:
        """Where the text names the whole country for the number, else -1: in its sentence (before
        a speaker's colon too: «… متاثر از سیل در کل کشور عنوان کرد: ۶۲ هزار …»), or in the sentence
        before, when that one states numbers of it. Not when another number stands between, in a
        clause of its own: the country's is that one («… افزایش اعتبارات عمرانی در کل کشور حدود ۱۱
        درصد است …، در خصوص این جاده … ۳۳ میلیارد تومان»); unless this one is a part of it («۶۲ هزار
        واحد در کل کشور … که از این تعداد، ۱۱ هزار …») or goes on the same clause («در تمام کشور …
        ۳۶ نفر … شهید شده و ۴۰ تن دیگر زخمی»); a year is no number of its own («… در سراسر کشور
        داشتیم که نسبت به سال 83، 21 درصد رشد داشت»)."""
        nation = _last_before(self.national_cues, sentence_start, sentence_end)
        if 0 <= nation < number_start:
            after_cue = bisect_left(self.digits, nation)
            between = self.digits[after_cue] if after_cue < len(self.digits) and self.digits[after_cue] < number_start \
                else -1
            if between >= 0 and _last_before(self.commas, between, number_start) >= 0 \
                    and not _A_YEAR.search(self.text, max(0, between - 8), between) \
                    and not _OF_THESE.search(self.text, nation, number_start):
                return -1
        if nation >= 0:
            return nation
        previous_start, _ = self._sentence_of(max(0, sentence_start - 1))
        cue = _last_before(self.national_cues, max(previous_start, body_start), sentence_start)
        return cue if cue >= 0 and _DIGIT_OR_NUMBER.search(self.text, previous_start, sentence_start) else -1

    def _own(self, starts: list[int], found: list[Mention], clauses: list[tuple[int, int]], sentence_start: int,
             sentence_end: int, number_start: int) -> list[Mention]:
        own = self._between(starts, found, sentence_start, sentence_end)
        colon = _last_before(self.colons, sentence_start, number_start)
        if colon >= 0 and any(m.start > colon for m in own):
            # «شهردار منطقه 3 افزود: … در مناطق 22 گانه شهر تهران»: the place in the speaker's
            # title does not place what the speaker says.
            own = [m for m in own if m.start > colon]
        if len(clauses) >= _LIST_CLAUSES:
            # A list of projects in one sentence: each item takes the place its own clause
            # names; an item naming none (or only a village) takes the list's heading, not the
            # place of another item (FACTS.md rulings, «Lists»).
            clause_starts = self._clause_starts()
            c_start, c_end = clauses[bisect_right(clause_starts, number_start) - 1]
            own = [m for m in own if c_start <= m.start < c_end] or [
                m for m in own if not self._clause_counts(clauses, clause_starts, m.start)] or [
                m for m in own if 0 <= colon and m.start < colon] or [
                m for m in own if m.start < clauses[0][1] and m.kind in ("province", "county")]
            # (or what the speaker said before the colon that opens the list: «… در دشت‌های استان،
            # افزود: … دشت خانمیرزا 25 متر، دشت شهرکرد 17 متر، …»; or the province or county of the
            # list's first clause, its total: «در 243 روستا در سطح مازندران پیمانکار داریم، 66
            # روستا …، 201 روستا …», not an item's town: «سالن … شهر ازندریان …، آسفالت راه …»)
        return own

    def _national(self, own: list[Mention], sentence_start: int, sentence_end: int, number_start: int) -> bool:
        """Whether the text makes the number the whole country's: «در کشور», «سراسر کشور» in the
        number's own clause (between commas, after a speaker's colon), with no place of the
        sentence nearer the number than it («… در این منطقه در کشور بی‌نظیر هستند، گفت: … سه
        سالن» is no national number)."""
        start = max(_last_before(self.colons, sentence_start, number_start),
                    _last_before(self.commas, sentence_start, number_start), sentence_start)
        after = bisect_left(self.commas, number_start)
        end = self.commas[after] if after < len(self.commas) and self.commas[after] < sentence_end else sentence_end
        for cue in self.national_cues[bisect_left(self.national_cues, start):bisect_left(self.national_cues, end)]:
            distance = abs(cue - number_start)
            if not any(abs(m.start - number_start) < distance for m in own):
                return True
        return False

    def _in_after(self, own: list[Mention], number_start: int) -> Mention | None:
        """«… در استان داریم و هم‌اکنون در 260 مدرسه … در قم», «92 پایگاه در سطح استان که 36 پایگاه
        آن در زنجان»: a place right after the number, «در X» with no other number or comma
        between, is the number's own, over one before it that another clause («و», «که», «،»)
        parts from it."""
        after = next((m for m in own if m.start > number_start), None)
        before = [m for m in own if m.start <= number_start]
        if after is None or not before:
            return None
        between = self.text[number_start:after.start]
        if not _NUMBER_IN_X.fullmatch(between) or not (
                _CLAUSE_BREAK.search(self.text, before[-1].end, number_start) or self._ends_a_name(before[-1])):
            return None
        return after

    def _ends_a_name(self, place: Mention) -> bool:
        """«جشنواره تئاتر استان اردبیل با حضور شش گروه نمایشی در اردبیل»: a place right after a
        programme's name says whose the programme is, not where its numbers are."""
        at = bisect_right(self.programme_starts, place.start)
        return at > 0 and _GAP.fullmatch(self.text, self.programmes[at - 1].end, place.start) is not None

    def _holders(self, sentence_start: int, sentence_end: int) -> list[Mention]:
        """The places a sentence names that may hold places named together: its own, and those of
        the office that speaks («مدیرکل منابع طبیعی استان قم از افتتاح 34 پروژه در بخش سلفچگان، کهک …»)."""
        return [m for m in self._between(self.place_starts, self.places, sentence_start, sentence_end)
                if m.role != "dateline"]

    def _together(self, mentions: list[Mention], at: int, own: list[Mention]) -> Mention:
        """A place named with others («در مناطق خمام، خشکبیجار و لشت‌نشا», «در آزادشهر و رامیان»):
        the number is all of theirs, so the place that holds them all: one the sentence names
        («… در این شهرستان», «شهرستان رشت … گفت: … در بخش‌های خمام، خشکبیجار و …»), else their
        province (FACTS.md rulings, «Several places»); places of different provinces leave the
        one chosen."""
        chosen, first, last = mentions[at], at, at
        # (a dozen either side: a hostile list of thousands must not be walked for each fact)
        while first > max(0, at - _MOST_TOGETHER) and _LISTED_TOGETHER.fullmatch(self.text, mentions[first - 1].end, mentions[first].start):
            first -= 1
        while last + 1 < min(len(mentions), at + _MOST_TOGETHER) and _LISTED_TOGETHER.fullmatch(self.text, mentions[last].end, mentions[last + 1].start):
            last += 1
        group = {m.name for m in mentions[first:last + 1]}
        if len(group) < 2 or any(m.kind not in ("city", "county") for m in mentions[first:last + 1]):
            return chosen
        g = gazetteer()
        counties = {g.county_of(name) if g.place(spelling_key(name)).kind == "city" else name for name in group} \
            if all(g.place(spelling_key(name)) for name in group) else {None}
        province = _province_holding(group)
        for m in own:
            if m.name in group:
                continue
            if counties == {m.name} or (m.kind == "province" and province == m.name):
                # (the county's seat bears its name: «بسیج مقداد رشت» holds Rasht's towns)
                return m
        if province:
            return Mention(chosen.start, chosen.end, province, "province", chosen.role)
        return chosen

    def _province_of_a_list(self, last: Mention) -> str | None:
        """The province of the sentence of `last`, the place a later number would take, when that
        sentence names places of several of its counties, and only cities and counties («شامل
        ارومیه و یادمان شهدای گمنام، اشنویه و یادمان …، نقده یادمان …»): the number is not the last
        one listed's but theirs together (FACTS.md rulings, «Several places»). Not when the
        sentence puts things in `last` («… از شهرستان‌های چرام، لنده، … در گچساران برگزار می‌شود»:
        the contest is Gachsaran's). Read once per sentence."""
        if _IN_BEFORE.search(self.text, max(0, last.start - 4), last.start):
            return None
        start, end = self._sentence_of(last.start)
        if start not in self._list_provinces:
            named = self._between(self.strong_starts, self.strong, start, end)
            names = {m.name for m in named}
            counties = {gazetteer().county_of(name) or name for name in names}
            local = all(m.kind in ("city", "county") for m in named)
            self._list_provinces[start] = _province_holding(names) \
                if local and len(counties) >= _LISTED_COUNTIES else None
        return self._list_provinces[start]

    def _local(self, mention: Mention, sentence_end: int) -> str:
        """A city's numbers that also cover its villages («بافت فرسوده دوگنبدان و روستاها») are its county's."""
        if mention.kind == "city" and _AND_VILLAGES.match(self.text, mention.end, sentence_end):
            county = gazetteer().county_of(mention.name)
            if county:
                return county
        return mention.name

    def _agency_speaks_of(self, sentence_start: int, sentence_end: int, number_start: int) -> bool:
        """Whether what the speaker says names a standing agency: after the speaker's colon, or
        after the number where no colon stands before it (before it is the speaker's title)."""
        colon = _last_before(self.colons, sentence_start, number_start)
        return bool(_AGENCY.search(self.text, colon if colon >= 0 else number_start, sentence_end))

    def _clauses(self, sentence_start: int, sentence_end: int) -> list[tuple[int, int]]:
        """The sentence's clauses between commas, with whether each states a number; read once
        per sentence, so a list of n items costs n, not n² over its facts."""
        if self._clause_cache[0] != sentence_start:
            clauses, start = [], sentence_start
            for match in _COMMA.finditer(self.text, sentence_start, sentence_end):
                clauses.append((start, match.start()))
                start = match.end()
            clauses.append((start, sentence_end))
            counting = [bool(_DIGIT_OR_NUMBER.search(self.text, a, b)) for a, b in clauses]
            self._clause_cache = (sentence_start, clauses, counting, [a for a, _ in clauses],
                                  sum(counting) >= _LIST_CLAUSES)
        return self._clause_cache[1] if self._clause_cache[4] else []

    def _clause_starts(self) -> list[int]:
        """The starts of the clauses `_clauses` last gave."""
        return self._clause_cache[3]

    def _clause_counts(self, clauses: list[tuple[int, int]], starts: list[int], position: int) -> bool:
        return self._clause_cache[2][bisect_right(starts, position) - 1]

    def _names_a_village(self, sentence_start: int, sentence_end: int) -> bool:
        at = bisect_left(self.villages, sentence_start)
        return at < len(self.villages) and self.villages[at] < sentence_end

    def programme(self, sentence_start: int, sentence_end: int, number_start: int,
                  category: str | None = None) -> str | None:
        """The programme the fact's sentence names (the closest to the number), else the last
        the sentence before names, else the first of the sentence after; a council's programme
        not for the money, shares and areas it decides on."""
        sentence_start, sentence_end = _window(sentence_start, sentence_end, number_start)
        name = self._programme(sentence_start, sentence_end, number_start, category)
        if name in _DECIDING_BODIES and category in _DECIDED:
            return None
        return name

    def _programme(self, sentence_start: int, sentence_end: int, number_start: int,
                   category: str | None = None) -> str | None:
        own = self._between(self.programme_starts, self.programmes, sentence_start, sentence_end)
        clauses = self._clauses(sentence_start, sentence_end)
        if len(clauses) >= _LIST_CLAUSES:
            # A list: an item's programme is its own clause's, or the list's frame's; never
            # another item's, nor a neighbouring sentence's.
            starts = self._clause_starts()
            c_start, c_end = clauses[bisect_right(starts, number_start) - 1]
            # (an item's programme comes before its numbers: one after them opens the next item,
            # «… شش هکتار و اعتبار 103 میلیون تومان و طرح هادی روستای …»)
            in_clause = [m for m in own if c_start <= m.start < c_end
                         and (m.start < number_start or _last_before(self.digits, number_start + 1, m.start) < 0
                              and not _ITEM_JOIN.search(self.text, max(number_start, m.start - 4), m.end))]
            if not in_clause:
                # The list's frame: a clause stating no number, or what comes before the colon
                # that opens the list («… پنج طرح هادی روستایی … افزود: طرح هادی روستای تینوج با
                # هزینه 243 میلیون تومان، قزل آباد با هزینه 230 میلیون تومان، …»).
                colon = _last_before(self.colons, sentence_start, clauses[0][1])
                in_clause = [m for m in own if not self._clause_counts(clauses, starts, m.start)
                             or m.start < colon]
            if not in_clause:
                # A list in brackets details what stands before them («منتخبین پنجمین دوره اسلامی
                # شهر تهران 7 گزینه (نجفی با 21 رای، مرعشی با 20 رای، …)»): the votes are the council's.
                bracket = self.text.rfind("(", sentence_start, number_start)
                if bracket >= 0 and self.text.find(")", bracket, number_start) < 0:
                    in_clause = [m for m in own if m.start < bracket]
            return _closest(in_clause, number_start).name if in_clause else None
        if own and sentence_start < self.title_end:
            # A title of two headlines («اختصاص 700 میلیارد ریال اعتبارات بازآفرینی شهر دوگنبدان /
            # هزار واحد مسکونی در زلزله خسارت دید»): each number takes its own headline's programme.
            cuts = self.headline_cuts
            left = _last_before(cuts, sentence_start, number_start)
            after = bisect_right(cuts, number_start)
            right = cuts[after] if after < len(cuts) and cuts[after] < sentence_end else -1
            half = [m for m in own if left < m.start and (right < 0 or m.start < right)]
            if half != own:
                return _closest(half, number_start).name if half else None
        if own:
            colon = _last_before(self.colons, number_start, sentence_end)
            if colon < 0 or any(m.start < colon for m in own):
                return _closest(own, number_start).name
            # Only after the speaker's colon that follows the number («… ۳۶۰ هزار تومان است،
            # افزود: … اتصال به اورژانس و آتش‌نشانی …»): what is said next is another statement.
            own = []
        previous_start, _ = self._sentence_of(max(0, sentence_start - 1))
        if previous_start < sentence_start and category != "duration" \
                and not self.text.startswith("*", sentence_start) \
                and not _NEW_TOPIC.search(self.text, sentence_start, min(sentence_end, sentence_start + 60)) \
                and not self._agency_speaks_of(sentence_start, sentence_end, number_start):
            # (nor does a subheading, «*آزادسازی و تملک اراضی … / بهره‌برداری از ۱۰ کیلومتر …»: it
            # opens a section of its own)
            # (a length of time the sentence names by itself, «طی این شش سال», «مربوط به ۶۰ سال
            # پیش», dates its own story, not the programme the sentence before named)
            before = self._between(self.programme_starts, self.programmes, previous_start, sentence_start)
            if before:
                # The programme the sentence before ties its last number to («فراخوان این پویش …
                # ۳۵۰ نفر … ۵۶ جلسه، … از سوی شهردار محله انتخاب شدند» lends «این پویش»), else its last.
                digit = _last_before(self.digits, previous_start, sentence_start)
                tied = [m for m in before if m.start <= digit]
                if tied:
                    return tied[-1].name
                if digit < 0:
                    return before[-1].name
                # A sentence whose numbers all come before its programme's name has told what
                # those numbers are about; the name closing it is not the next sentence's
                # («… ۳۶۰ هزار تومان است، افزود: … اتصال به اورژانس و آتش‌نشانی نیز هستند.»).
                return None
        following = bisect_left(self.sentence_starts, sentence_end)
        if following >= len(self.sentence_starts) or sentence_start >= self.title_end:
            # The next sentence lends its programme to the title only: measured on the tuning
            # sets, it put more wrong programmes on body sentences than right ones.
            return None
        _, next_end = self._sentence_of(self.sentence_starts[following])
        after = self._between(self.programme_starts, self.programmes, sentence_end, next_end)
        return after[0].name if after else None


_LABEL_BEFORE = re.compile(r"[،,][ \u200c]*(?:[^\W\d][\w\u200c]*[ \u200c]*){1,2}[،,][ \u200c]*$")


def _is_list_label(folded: str, mention: Mention) -> bool:
    """A name that is one word of a list of fields («حوزه‌های خدمات شهری، عمران، شهرسازی، اداری،
    مالی، حقوقی، آتش‌نشانی»): a label, not the programme (FACTS.md rulings, a sector label)."""
    return bool(_LABEL_BEFORE.search(folded, max(0, mention.start - 40), mention.start)) or bool(
        _ITEM_BEFORE.search(folded, max(0, mention.start - 40), mention.start)
        and _ITEM_AFTER.match(folded, mention.end))


# A name alone between commas, after a plain word, in a list of words («عوارض خاص از جمله فضای
# سبز، آتش‌نشانی، آموزش»): an item of the list, not the programme.
_ITEM_BEFORE = re.compile(r"[^\W\d][\w\u200c]*[ \u200c]*[،,][ \u200c]*$")
_ITEM_AFTER = re.compile(r"[ \u200c]*[،,][ \u200c]*[^\W\d]")


# Bodies that are never a programme (the city hall itself, the emergency services beside it):
# an institution named as their pair («مسائل اصلی شورا و شهرداری», «اتصال به اورژانس و
# آتش‌نشانی») is spoken of with them, not counted (FACTS.md rulings, «Not institutions as programmes»).
_PAIR_BODIES = r"(?:شهرداری|شهرداری\u200cها|شهرداریها|دهیاری|اورژانس|پلیس|هلال\u200cاحمر|هلال احمر)"
# (before the name only the emergency services: «تلاش شهرداری و سازمان آتش‌نشانی» credits the
# organisation whose equipment the number funds)
# nor «ارگان‌های مربوطه از جمله آتش‌نشانی»: one example of the bodies spoken of.
_PAIRED_BEFORE = re.compile(
    r"(?<![\w\u200c])(?:(?:اورژانس|پلیس|هلال\u200cاحمر|هلال احمر)[ \u200c]+و|از[ \u200c]+جمله)[ \u200c]*$")
_PAIRED_AFTER = re.compile(r"[ \u200c]+و[ \u200c]+" + _PAIR_BODIES + r"(?![\w\u200c])")


def _paired_with_a_body(folded: str, mention: Mention) -> bool:
    """An institution named as the pair of a body that is no programme («شورا و شهرداری»)."""
    return bool(_PAIRED_AFTER.match(folded, mention.end)
                or _PAIRED_BEFORE.search(folded, max(0, mention.start - 30), mention.start))


# What the text says the thing is not in or not part of («جز طرح هادی روستاها قرار نگرفته است»,
# «… BRT نیست»): not its programme (FACTS.md rulings, «Not the programme either»).
_NOT_IN_IT = re.compile(r"(?:[ \u200c]+[^\W\d][\w\u200c]*){0,2}[ \u200c]+(?:نیست|نیستند|نبوده|نبود|"
                        r"قرار[ \u200c]+نگرفته|قرار[ \u200c]+نگرفت|قرار[ \u200c]+ندارد|قرار[ \u200c]+ندارند)"
                        r"(?![\w\u200c])")


def _named_before(found: list[Mention], title_end: int) -> list[Mention]:
    """A name that begins with a programme the text named before, or is that programme after
    its word, is that programme («جشنواره مشترک «سیب و عناب»», then «نمایشگاه سیب و عناب بحث
    سوغاتی‌ها»): the words after it ran on past its end. Named first in full, the name is the
    full one, and the shorter is its short form."""
    first: dict[str, int] = {}
    in_body: dict[str, int] = {}  # the same, a title's mentions counting after the body's
    for m in found:
        first.setdefault(m.name, m.start)
        rank = m.start if m.start > title_end else m.start + (1 << 40)
        in_body[m.name] = min(rank, in_body.get(m.name, rank))
    shorter: dict[str, str] = {}
    fuller: dict[str, str] = {}
    for name in first:
        words_ = name.split()
        for size in range(len(words_) - 1, 0, -1):
            known = next((part for skip in (0, 1) if skip + size <= len(words_)
                          and (part := " ".join(words_[skip:skip + size])) in first), None)
            if known:
                if first[name] < first[known]:
                    # The full name came first; the shorter one later is its short form
                    # («ستاد‌های اسکان فرهنگیان استان …», then «فعالیت ستادهای اسکان در …»).
                    if known not in fuller or first[name] < first[fuller[known]]:
                        fuller[known] = name
                else:
                    shorter[name] = known
                break
    for known, name in fuller.items():
        shorter.setdefault(known, name)
    # «جشنواره بین‌المللی تئاتر عروسکی دانشجویان», then «جشنواره یازدهم تئاتر عروسکی دانشجویان»
    # (its edition left out): the full name less one word of its description is its short form.
    less_one: dict[str, str] = {}
    for name in first:
        words_ = name.split()
        for k in range(1, len(words_)):
            less_one.setdefault(" ".join(words_[:k] + words_[k + 1:]), name)
    for name in first:
        full = less_one.get(name)
        if full is not None and name not in shorter and first[full] < first[name]:
            shorter[name] = full
    # «جشنواره تئاتر», then «جشنواره سنتی آیینی تئاتر»: the same word first and last, and the
    # shorter name's words in order in the longer one: one programme, under the name the body
    # gives first (a title shortens: «نمایشگاه تخصصی فرش ماشینی» heads «… صنعت فرش ماشینی»).
    by_ends: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
    for name in first:
        words_ = name.split()
        if len(words_) >= 2:
            by_ends.setdefault((words_[0], words_[-1]), []).append((name, words_))
    for group in by_ends.values():
        group = group[:_MOST_COMPARED_NAMES]  # (a hostile page of many names stays linear)
        for one, one_words in group:
            for other, other_words in group:
                if len(one_words) < len(other_words) and _in_order(one_words, other_words):
                    earlier, later = (one, other) if in_body[one] < in_body[other] else (other, one)
                    if earlier not in shorter:
                        shorter.setdefault(later, earlier)
    renamed = []
    for m in found:
        name, seen = m.name, set()
        while name in shorter and name not in seen:  # a name seen again ends it
            seen.add(name)
            name = shorter[name]
        renamed.append(m if name == m.name else Mention(m.start, m.end, name, m.kind, m.role, m.bare))
    return renamed


_MOST_COMPARED_NAMES = 8


def _in_order(words_: list[str], within: list[str]) -> bool:
    """Whether every word of `words_` stands in `within`, in the same order."""
    rest = iter(within)
    return all(word in rest for word in words_)


# «در جلسه ستاد فرهنگی، اجتماعی … استان»: the meeting where a number was said is no programme
# (FACTS.md rulings); «56 جلسه شورای شهر» counts the council's sessions and is, and a listed
# institution's meeting is its own business (the council's votes and agenda items).
_MEETING_OF = re.compile(r"(?<![0-9۰-۹][ \u200c])(?<![0-9۰-۹])(?:^|(?<=[\s\u200c]))(?:جلسه|نشست|جلسات)[ \u200c]+$")


# A standing agency doing the work, named in what the speaker says («بالغ بر 40 پایگاه هلال‌احمر»,
# «گزارش کارشناسان بنیاد مسکن»): the number is that agency's business, not the programme the
# sentence before named (FACTS.md rulings, «What is not a programme»).
# An agency's word counts before its name, not as a common noun («یک سازمان خدماتی», «ورود به دانشگاه را»).
_AGENCY = re.compile(r"(?<![\w\u200c])(?<!یک )(?<!این )(?<!به )(?:(?:هلال[ \u200c]*احمر|بهزیستی|فرمانداری|استانداری|بخشداری)"
                     r"(?![\w\u200c])|(?:سازمان|بنیاد|اداره|کمیته|وزارت|دانشگاه)[ \u200c]+(?!(?:را|که|و|از|در|به|با)(?![\w\u200c]))[^\W\d]{3,})")
# A sentence that says it turns to something else takes no programme from the one before it
# («وی در پایان همچنین از ساخت گلدسته … خبر داد»; «علاوه بر این»: FACTS.md rulings).
_NEW_TOPIC = re.compile(r"(?<![\w\u200c])(?:در پایان|علاوه بر این|از سوی دیگر|در بخش دیگری|همچنین)(?![\w\u200c])")
# The slash between two headlines of a title, not the one of a decimal («5/1 کیلومتر»).
_HEADLINE_CUT = re.compile(r"(?<![0-9۰-۹])/|/(?![0-9۰-۹])")
_ITEM_JOIN = re.compile(r"[ \u200c]و[ \u200c]+(?:" + "|".join(sorted(_PROGRAMME_TRIGGERS)) + r")(?![\w\u200c])")


_NETWORK_TRIGGERS = frozenset({"ستاد"})
# Gatherings, programmes where the text names them twice (`Places._as_event`): the fewest
# words of their names, the gathering's word included.
_GATHERINGS = {"همایش": 2, "کنگره": 3}
# A camp or a contest: its name follows the words of its kind (`Places._event`).
_NO_EVENT_NAMES = frozenset({"تیم", "آمادگی", "آماده\u200cسازی", "انتخابی", "تدارکاتی", "تیمهای", "تیم\u200cهای"})
_EVENT_WORDS = frozenset({"اردو", "اردوی", "اردوهای", "اردوها", "مسابقه", "مسابقهی", "مسابقات"})  # (ZWNJ taken out)
# A sport's contest, league or cup is a match report's, no programme's («مسابقات والیبال جام رمضان»).
_SPORTS = frozenset({"لیگ", "جام", "فوتبال", "فوتسال", "والیبال", "بسکتبال", "هندبال", "کشتی", "ووشو", "کاراته",
                     "تکواندو", "جودو", "شنا", "دوومیدانی", "تنیس", "بدمینتون", "قهرمانی", "المپیک", "آسیایی",
                     "جهانی", "طناب‌زنی", "دوچرخه‌سواری", "اتومبیلرانی", "کشورهای", "کشور‌های", "بوکس", "وزنه‌برداری"})


@lru_cache(maxsize=1 << 14)
def _as_trigger(word: str) -> str:
    """A programme word's plural is the word («ستاد‌های اسکان فرهنگیان»); other words as they
    are. Only a network's word: «طرح‌های فضای سبز», «نمایشگاه‌های موقت» are works of a kind."""
    for suffix in (ZWNJ + "های", ZWNJ + "ها", "های", "ها"):
        if word.endswith(suffix) and word[:-len(suffix)] in _NETWORK_TRIGGERS:
            return word[:-len(suffix)]
    return word


def _trigger_before(word: str | None) -> bool:
    return word in ("طرح", "طرحهای", "طرح\u200cهای", "طرح\u200cها")


# How much of a fact's sentence around its number is read for its place and programme. Real
# sentences are shorter; a hostile one of a whole page (no full stop in 80,000 characters)
# would make every fact read all of it, the square of the page.
SENTENCE_WINDOW = 1500


def _titled(trigger: str, title: str, start: int, end: int) -> Mention | None:
    """The programme a title names after its word: the title alone, or with the word where the
    name keeps it («سامانه «سپند»»)."""
    name = _programme_name(f"{trigger} {title}" if trigger in _TITLE_KEEPS else title)
    return Mention(start, end, name, "programme") if name else None


def _window(sentence_start: int, sentence_end: int, number_start: int) -> tuple[int, int]:
    """The fact's sentence, or SENTENCE_WINDOW characters either side of its number when longer."""
    if sentence_end - sentence_start <= 2 * SENTENCE_WINDOW:
        return sentence_start, sentence_end
    return max(sentence_start, number_start - SENTENCE_WINDOW), min(sentence_end, number_start + SENTENCE_WINDOW)


def _province_holding(names) -> str | None:
    """The one province («استان X») all of the places `names` lie in, else None."""
    provinces = {gazetteer().province_of(name) for name in names}
    return provinces.pop() if len(provinces) == 1 and None not in provinces else None


def _last_before(positions: list[int], start: int, end: int) -> int:
    """The last of the sorted `positions` in [start, end), else -1."""
    at = bisect_left(positions, end)
    return positions[at - 1] if at and positions[at - 1] >= start else -1


def _first_of_pairs(folded: str, programmes: list[Mention]) -> list[Mention]:
    """«الگوی حکمرانی مردمی و مدیریت مشارکتی»: two names joined by «و» are one mention, the first's."""
    kept: list[Mention] = []
    for mention in programmes:
        if kept and folded[kept[-1].end:mention.start].strip(" " + ZWNJ) == "و":
            kept[-1] = Mention(kept[-1].start, mention.end, kept[-1].name, "programme")
        else:
            kept.append(mention)
    return kept


def _most_specific(found: list[Mention]) -> list[Mention]:
    """Cities and districts before counties and provinces; a district before its own city."""
    local = [m for m in found if m.kind in ("city", "district")] or found
    districts = [m for m in local if m.kind == "district"]
    if districts:
        cities = {m.name.split(SEPARATOR)[0] for m in districts}
        local = [m for m in local if m.kind == "district" or m.name not in cities]
    return local


def _placed(own: list[Mention], number_start: int) -> Mention:
    """The place of the sentence a number takes: the most specific of those before it, the
    nearest; none before it, the first after it («… ۴۷ هزار میلیارد تومان … استان کرمان … شهر کرمان»)."""
    before = [m for m in own if m.start <= number_start]
    return _most_specific(before)[-1] if before else min(own, key=lambda m: m.start)


def _closest(found: list[Mention], number_start: int) -> Mention:
    before = [m for m in found if m.start <= number_start]
    return before[-1] if before else min(found, key=lambda m: m.start)


_NUMBER_BEFORE = re.compile(r"[0-9۰-۹][ \u200c]*$")
_ZONE_NUMBER = re.compile(r"(?<![\w\u200c])ناحیه[ \u200c]+(?:[0-9۰-۹]{1,2}|یک|دو|سه|چهار|پنج|شش|هفت|هشت|نه|ده)[ \u200c]+$")


def _after_number(folded: str, start: int) -> bool:
    """Whether a number stands right before `start` («27 بوستان», «سه پایگاه»), counting what
    follows; not a zone's number («ناحیه یک بندرعباس», «ناحیه 2 قزوین»), which names it."""
    if _ZONE_NUMBER.search(folded, max(0, start - 24), start):
        return False
    if _NUMBER_BEFORE.search(folded, max(0, start - 4), start):
        return True
    before = _WORD.findall(folded[max(0, start - 12):start])
    return bool(before) and folded[start - 1:start].isspace() and bool(find_numbers(before[-1])) \
        and folded.rfind(before[-1], 0, start) + len(before[-1]) + 1 == start


@lru_cache(maxsize=1 << 14)
def _head_category(word: str) -> str | None:
    from shahrnameh.nlp.facts import head_category  # facts imports this module
    return head_category(word)


def _people_of_a_town(folded: str, token: tuple[int, int, str]) -> bool:
    """Whether a town's adjective after `token` tells whose people they are: counted people («5000
    دانش‌آموز قزوینی», «دو بازیکن کلاله‌ای»), or people in the plural («بانوان قزوینی»); after one
    person not counted, the «ی» word is as often a surname."""
    start, _, word = token
    if _after_number(folded, start):
        return _head_category(word) == "people"
    singular = singular_word(word)
    return singular != word and _head_category(singular) == "people"


def _is_facility(word: str) -> bool:
    return _head_category(word) == "facility"


@lru_cache(maxsize=1)
def _not_cities() -> frozenset[str]:
    from importlib import resources
    data = (resources.files("shahrnameh.nlp") / "data" / "not_cities.txt").read_text(encoding="utf-8")
    return frozenset(_fold(line.strip()) for line in data.splitlines() if line.strip() and not line.startswith("#"))
