"""Programme facts: every number in an article that counts, prices or measures something.

A number becomes a fact when a head noun from nlp/data/head_nouns.tsv follows it (or,
for «محلات ۱۲ گانه», precedes it); categories, qualifiers and identifier words are data
files, so a new head noun is a line of data, not code. Each fact's municipality and
programme (and how the municipality was found) come from nlp.places.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import islice

from shahrnameh.nlp.dates import find_dates, is_year_of_month
from shahrnameh.nlp.letters import ARABIC_LETTERS, HEH_FORMS, folding
from shahrnameh.nlp.numbers import MAX_NUMBER_DIGITS, SCALES, NumberMention, find_numbers, scaled
from shahrnameh.nlp.places import Places
from shahrnameh.nlp.records import Fact

ZWNJ = "\u200c"
_SENTENCE = re.compile(r"[^\n.!?؟؛]+(?:\.(?=\d)[^\n.!?؟؛]*)*[.!?؟؛]?")
_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0670-\u06D3\u200c]+")
_PLURALS = ("‌های", "‌ها", "های", "ها", "ات", "ی", "")
_GANEH = re.compile(r"^\s*[‌ ]?گانه")
_CURRENCY_CONTEXT = ("اعتبار", "بودجه", "هزینه", "سرمایه", "ارزش", "مبلغ", "درآمد", "تسهیلات")
_MONEY_SCALES = ("میلیون", "میلیارد", "همت")
_STANDS_FOR = {"مورد"}
_SHARED_HEAD = ("تا", "الی", "و", "یا")
_NOT_STOOD_FOR = ("duration", "money", "percent", "area")
_LENGTH_UNITS = ("متر", "کیلومتر")
_CLOCK = re.compile(r"[0-9۰-۹]\s*:\s*$")
# «ساعت یازده و چهل دقیقه», «رأس ساعت 9 و 33 دقیقه»: the minutes of a clock time.
_CLOCK_HOUR = re.compile(r"(?<![\w\u200c])ساعت[ \u200c]+(\S{1,12})[ \u200c]+و[ \u200c]*$")
_PERIOD_ORDINALS = {"نخست", "اول", "دوم", "سوم", "چهارم", "پایانی", "آخر"}


_fold = folding(ARABIC_LETTERS + HEH_FORMS)


def _gap(text: str) -> str:
    """ZWNJ and space as one gap: «بالغ‌بر» and «بالغ بر» are the same words."""
    return text.replace(ZWNJ, " ")


def _bare(text: str) -> str:
    """Folded, without ZWNJ: how head nouns and names are compared."""
    return _fold(text).replace(ZWNJ, "").replace(" ", "")


def _lines(name: str) -> list[list[str]]:
    data = resources.files("shahrnameh.nlp") / "data" / name
    rows = []
    for line in data.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@lru_cache(maxsize=1)
def _tables():
    heads = {_bare(row[0]): row[1] for row in _lines("head_nouns.tsv")}
    adjectives = {_bare(row[0]): row[1] for row in _lines("adjective_suffixes.tsv")}
    qualifiers = sorted(((_gap(_fold(row[0])), row[1]) for row in _lines("qualifiers.tsv")),
                        key=lambda pair: -len(pair[0]))
    not_counts = sorted((_fold(row[0]) for row in _lines("not_counts.txt")), key=len, reverse=True)
    classifiers = {_bare(row[0]): (row[1] if len(row) > 1 else "other") for row in _lines("classifiers.txt")}
    return heads, adjectives, qualifiers, not_counts, classifiers


def _head_category(words: list[str]) -> tuple[str, str, int] | None:
    """(category, unit as written, words used) for the head noun at the start of `words`."""
    heads, adjectives, *_ = _tables()
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        phrase = " ".join(words[:size])
        bare = _bare(phrase)
        if size == 1 and bare in adjectives:
            return adjectives[bare], phrase, 1
        for suffix in _PLURALS:
            stem = bare[: len(bare) - len(suffix.replace(ZWNJ, ""))] if suffix else bare
            if suffix and not bare.endswith(suffix.replace(ZWNJ, "")):
                continue
            if suffix == "ی" and not stem.endswith(("ا", "و", "ه")):
                continue  # ezafe «ی» follows a vowel («خودروی»); «شهرداری» is no «شهردار»
            if stem in heads:
                return heads[stem], phrase, size
    return None


def head_category(word: str) -> str | None:
    """The category of a head noun written alone («پایانه» → "facility"), else None."""
    found = _head_category([word])
    return found[0] if found else None


def _qualifier(before: str) -> str:
    _, _, qualifiers, *_ = _tables()
    tail = _gap(_fold(before)).rstrip()
    for words, qualifier in qualifiers:
        if tail.endswith(words) and (len(tail) == len(words) or not tail[-len(words) - 1].isalpha()):
            return qualifier
    return "exact"


def _is_identifier(before: str) -> bool:
    _, _, _, not_counts, *_ = _tables()
    tail = _fold(before).rstrip()
    return any(tail.endswith(word) and (len(tail) == len(word) or not tail[-len(word) - 1].isalpha())
               for word in not_counts)


def _is_clock_minutes(before: str) -> bool:
    if "ساعت" not in before[-24:]:
        return False  # (most numbers: no fold, no regex)
    hour = _CLOCK_HOUR.search(_fold(before[-24:]))
    return hour is not None and bool(find_numbers(hour.group(1)))


def _is_distributive(before: str) -> bool:
    """«هر X … یک Y»: one per X is a ratio, not a count of Y."""
    return "هر" in _WORD.findall(_fold(before))[-6:]


_NEITHER = re.compile(r"(?<![\w\u200c])نه(?![\w\u200c])")


def _is_neither_nor(sentence: str) -> bool:
    """«نه» written twice in the sentence: "neither … nor" (read up to the second one only)."""
    return len(list(islice(_NEITHER.finditer(sentence), 2))) == 2


_CLAUSE_BREAK = re.compile(r"[،,؛;:()«»\[\]]")


def _words_after(text: str, position: int, limit: int = 4) -> list[str]:
    """The words right after a number, up to a comma or bracket: «مطهری، 1364، مجموعه آثار»
    puts no head noun after the year."""
    window = text[position:position + 80]
    cut = _CLAUSE_BREAK.search(window)
    return _WORD.findall(window[:cut.start()] if cut else window)[:limit]


def _range_end(text: str, mention: NumberMention, following: list[NumberMention]) -> int:
    """Where to look for the head noun: after «تا M» when the number opens a range, or
    after «و M» / «یا M» when two numbers share it."""
    if following:
        between = text[mention.end:following[0].start]
        if _fold(between).strip() in _SHARED_HEAD:  # «۱۸ تا ۲۰ درصد», «۱۸ و ۲۰ درصد», «10 الی 40 درصد»
            return following[0].end
    return mention.end


_TOO_LONG = 10 ** MAX_NUMBER_DIGITS


def _range_scaled(text: str, mention: NumberMention, following: list[NumberMention]) -> int | Decimal:
    """«20 تا 23 میلیارد تومان»: a range's first number takes the scale words the second
    ends with, when it has none of its own."""
    if not following or _fold(text[mention.end:following[0].start]).strip() not in ("تا", "الی", "یا"):
        return mention.value
    if any(word in SCALES for word in _fold(mention.raw).replace(ZWNJ, " ").split()):
        return mention.value
    factor = 1
    for word in reversed(_fold(following[0].raw).replace(ZWNJ, " ").split()):
        if word not in SCALES or factor > _TOO_LONG:  # past that, the value is dropped anyway
            break
        factor *= SCALES[word]
    return scaled(mention.value, factor)


def _is_money_by_context(sentence_before: str, mention: NumberMention, after: list[str]) -> bool:
    raw = _fold(mention.raw)
    if not any(scale in raw for scale in _MONEY_SCALES):
        return False
    if after and _bare(after[0]) in _CURRENCY_CONTEXT:  # «تنها 5 میلیارد بودجه»
        return True
    return any(word in _fold(sentence_before)[-60:] for word in _CURRENCY_CONTEXT)


def _classify(text: str, mention: NumberMention, following: list[NumberMention], before: str):
    """(category, unit) for a number, or None when it is not a fact."""
    *_, classifiers = _tables()
    raw = _fold(mention.raw)
    if "همت" in raw:
        return "money", "همت"
    after = _words_after(text, _range_end(text, mention, following))
    # «محلات ۱۲ گانه»: the head comes before the number.
    if _GANEH.match(text[mention.end:mention.end + 8]):
        previous = _WORD.findall(before[-40:])
        if len(previous) > 1 and _bare(previous[-1]) in ("ها", "های"):
            previous.pop()  # «مولفه های هفت گانه»: the plural suffix written apart
        found = _head_category(previous[-1:]) if previous else None
        if found:
            return found[0], found[1]
        return None
    if after and _bare(after[0]) in _STANDS_FOR:
        # «مورد» takes the category of the noun it stands for, the nearest counted noun before
        # it («16 نفر … یک مورد شکستگی»). A case is never a year, an amount or a measure
        # («در سال 96، 554 مورد بازرسی» → other).
        previous = _WORD.findall(before)
        counted = [i + 1 for i, word in enumerate(previous) if word == "تعداد"]  # «تعداد X … N مورد»
        for i in counted[-1:] + list(range(len(previous) - 1, -1, -1)):
            found = _head_category(previous[i:i + 2])
            if found and found[0] not in _NOT_STOOD_FOR:
                return found[0], f"{after[0]} ({found[1]})"
        return "other", after[0]
    if after and len(after) > 1 and _bare(after[1]) in _PERIOD_ORDINALS:
        return None  # «سه ماهه نخست»: a period's name, not a length
    if after and _bare(after[0]) in classifiers:
        found = _head_category(after[1:])
        if found:
            return found[0], f"{after[0]} {found[1]}"
        # «3 هزار واحد», «سه دستگاه الکتروپمپ»: a counting word always counts something.
        return classifiers[_bare(after[0])], " ".join(after[:2])
    found = _head_category(after)
    if found:
        return found[0], found[1]
    scale = next((word for word in _MONEY_SCALES if raw.endswith(word)), None)
    if scale and text[mention.end:mention.end + 1] == "ی":
        return "money", scale + "ی"  # «بودجه ۲ هزار میلیاردی»: the amount is the adjective
    if scale and _is_money_by_context(before, mention, after):
        return "money", scale  # the currency is left implicit
    return None


def _sentences(text: str):
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        stripped = sentence.strip()
        if stripped:
            start = match.start() + sentence.index(stripped)
            yield start, start + len(stripped)


# Characters before a number that the rules read (qualifiers, identifiers, «هر», the noun a
# «مورد» stands for): about three lines of a news column.
BEFORE_WINDOW = 400


class _Spans:
    """Disjoint spans in text order; `position in spans` by binary search."""

    def __init__(self, spans):
        spans = list(spans)
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def __contains__(self, position: int) -> bool:
        index = bisect.bisect_right(self._starts, position) - 1
        return index >= 0 and position < self._ends[index]


def extract_facts(text: str) -> list[Fact]:
    """Every programme fact of a normalised article text, per mention, in text order."""
    date_spans = _Spans((d.start, d.end) for d in find_dates(text))
    sentences = list(_sentences(text))
    places = Places(text, [start for start, _ in sentences])
    facts: list[list[Fact]] = []
    for s_start, s_end in sentences:
        sentence = text[s_start:s_end]
        mentions = find_numbers(sentence)
        neither_nor: bool | None = None  # «نه … نه …» in the sentence: read once, when a «نه» is met
        sentence_facts: list[Fact] = []
        for index, mention in enumerate(mentions):
            start, end = s_start + mention.start, s_start + mention.end
            if start in date_spans:
                continue
            # What the rules read before a number is its last words: a window, not all the
            # sentence before it, which in a sentence of many numbers cost the square.
            before = sentence[max(0, mention.start - BEFORE_WINDOW):mention.start]
            following = mentions[index + 1:index + 2]  # only the next one is looked at
            if _is_identifier(before) and isinstance(mention.value, int):
                continue  # a decimal is never a year or a name («سال 9/2 درصد رشد»)
            if isinstance(mention.value, int) and is_year_of_month(before, mention.value):
                continue
            if _CLOCK.search(before) or _is_clock_minutes(before):
                continue  # «۱۶:۲۰ دقیقه»: minutes of a clock time
            if _fold(mention.raw) == "یک" and not _words_after(sentence, mention.end, 1):
                continue
            found = _classify(sentence, mention, following, before)
            if found is None:
                continue
            category, unit = found
            if _fold(mention.raw) == "نه":
                if neither_nor is None:
                    neither_nor = _is_neither_nor(sentence)
                if category == "other" or neither_nor:
                    # «نه» is mostly "not" («نه برابری جنسیتی»); as 9 it counts a known noun, and
                    # twice in a sentence it is "neither … nor" («نه فرمانده پلیس راهور، نه رئیس …»)
                    continue
            if _fold(mention.raw) == "یک" and (_is_distributive(before) or category == "duration"):
                continue  # «هر محله … یک سرا» is a ratio; «در طول یک سال گذشته» a span (MANIFEST ruling)
            if category == "area" and _is_distance(before, unit):
                continue
            municipality, attribution = places.municipality(s_start, s_end, start, end)
            sentence_facts.append(Fact(
                value=_range_scaled(sentence, mention, following), category=category, unit=unit,
                qualifier=_qualifier(before), evidence=sentence,
                municipality=municipality, programme=places.programme(s_start, s_end, start, category),
                sentence_start=s_start, sentence_end=s_end, number_start=start, number_end=end,
                attribution=attribution,
            ))
        facts.append(sentence_facts)
    counts = [Counter(fact.category for fact in sentence_facts if fact.value != 1) for sentence_facts in facts]
    return [fact for index, sentence_facts in enumerate(facts) for fact in sentence_facts
            if _fold(text[fact.number_start:fact.number_end]) != "یک" or _set_against(fact, counts, index)]


def _set_against(one: Fact, counts: list[Counter], index: int) -> bool:
    """«یک» is a count only when the text sets it against another count of its kind, in its
    sentence or the next one to it («پنج ایستگاه … یک ایستگاه», «16 نفر … یک مورد»); else it
    is the indefinite article («یک پل ارتباطی», «یک تیم ۹ نفره»). `counts`: per sentence,
    its facts other than 1 by category (counted once, not per «یک»)."""
    near = sum(sentence_counts[one.category] for sentence_counts in counts[max(0, index - 1):index + 2])
    return near - (one.value != 1) > 0


def with_source_default(facts, municipality: str | None) -> list[Fact]:
    """A source's municipality (sources.yaml) is a default, not an override: it goes to the
    facts whose text names no place, with attribution "source"."""
    if not municipality:
        return list(facts)
    return [fact if fact.municipality else replace(fact, municipality=municipality, attribution="source")
            for fact in facts]


def _is_distance(before: str, unit: str) -> bool:
    """«در فاصله 30 کیلومتری کاشان و 180 کیلومتری اصفهان»: where a town lies, not a programme."""
    return _bare(unit).startswith(_LENGTH_UNITS) and "فاصله" in _WORD.findall(_fold(before))[-6:]
