"""Put back the zero-width non-joiners (ZWNJ) that copied and syndicated text lost.

Driven by hazm's word list (193k entries; 27k with a corpus frequency, the rest
inflected forms listed with frequency 0 and no part of speech, glued «کتابها» and
joined «کتاب‌ها» alike) and its verb stems, by the rules Persian builds words with:
- a glued word whose ZWNJ spelling is listed gets it, unless the glued spelling is a
  word in its own right (a dictionary entry: «علیرضا», «چشمگیر», «اینکه») or two ZWNJ
  spellings compete;
- a plural or comparative suffix (ها، های، هایی، تر، تری، ترین) gets a ZWNJ after a
  listed stem or an adjective in «ی» of a listed word («اصلی‌ترین», «اماراتی‌ها»), and
  ای، ام، اند… after a final ه (ام، اش، اند… after such an adjective too: «رفتنی‌اند»);
- «Xهای», read as «X‌های» or «Xه‌ای»: «Xه‌ای» where the phrase ends after it (the
  plural's ezafe needs a word: «نامه‌ای به»), else the stem ten times the more
  frequent, else the one reading the list spells, else the plural where neither stem
  has a frequency («تیم‌های»), else left («نامهای» before a noun);
- a listed word plus a joining suffix (ی، ان، ات…) stays joined («فرهنگی»,
  «تنهایی»), so a correct word is never split;
- the preposition «به» glued to a dictionary word is set apart with a space
  («بهصورت» → «به صورت»);
- compounds: two listed words after a medial ه («محله‌محوری», «اداره‌کل»); a
  dictionary word and a second element the list writes after a ZWNJ in five or more
  words, an agent noun of a verb stem, or a family-name element («رای‌گیری»,
  «مصرف‌کنندگان», «حسین‌زاده»); a common noun and a common adjective in «ی»
  («تربیت‌بدنی»).
nlp/data/zwnj_overrides.tsv settles the spellings the list cannot. The «می» prefix at
the start of a word is nlp.normalize's job; «برمی»/«درمی» verbs and «نمی» before a
listed «می‌» form («نمی‌توان») are done here. Every rule looks at one word and the
word after it, so a text is done in one pass.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from shahrnameh.nlp.lexicon import (
    adjectives as lexicon_adjectives, past_stems, present_stems, verb_forms, word_tags, words as lexicon_words,
    zwnj_words as lexicon_zwnj_words,
)

ZWNJ = "\u200c"
_WORD = re.compile(r"[\u0621-\u06CC\u200c]+")
_PLURAL = ("هایی", "های", "ها")
_COMPARATIVE = ("ترین", "تری", "تر")
# After a final ه these take a ZWNJ («محله‌ای», «پروژه‌ام»); after other letters they
# join («کتابی», «کتابم») and are not restored.
_AFTER_HEH = ("ای", "ام", "ات", "اش", "ایم", "اید", "اند")
_MIN_PART = 3
# Longer runs of letters are no word (a glued line, an encoding accident): left as they
# are, so that the cuts tried per word stay bounded and a text is read in linear time.
_LONGEST_WORD = 40
# A word plus one of these is a correct joined word («فرهنگی», «انتهای», «شهروندان»),
# however it could otherwise be split.
_JOINED = ("ی", "یی", "ان", "ات", "م", "ت", "ش")
# How much likelier one reading of «Xهای» must be than the other to be chosen.
_DOMINANCE = 10
# After a final «ی» these take a ZWNJ too («اصلی‌اش», «رفتنی‌اند»); not «ات», which
# makes Arabic plurals («ادبیات»).
_AFTER_I = ("ام", "اش", "ایم", "اید", "اند")
_SUFFIX_ENTRIES = tuple(ZWNJ + suffix for suffix in _PLURAL + _COMPARATIVE + _AFTER_HEH)
_SUFFIXES = frozenset(_PLURAL + _COMPARATIVE + _AFTER_HEH + _JOINED)
# A present stem plus one of these is an agent noun: «کن» → «کننده», «کنندگان».
_AGENT_ENDINGS = ("ندگان", "نده")
# The elements Iranian family names are built with, written after a ZWNJ.
_NAME_ELEMENTS = frozenset("زاده نژاد پور نیا فر منش کیا تبار نسب مقدم راد".split())
# How many of the list's words must end in an element after a ZWNJ for a glued word
# ending in it to be split.
_PRODUCTIVE = 5
# hazm's frequency of a common word (what «سال», «شرق», «عموم» have; rare words and
# names mostly far less).
_COMMON = 1_000_000
# A plural glued to the indefinite «ی»: «کودکانی», «سوالاتی».
_PLURAL_AND_I = ("انی", "اتی", "گانی", "یانی")
_PREFIXED_MI = re.compile(r"^(بر|در|فرو|فرا|باز|وا)(ن?می)(.{2,})$")


def _data_rows(name: str) -> list[list[str]]:
    data = resources.files("shahrnameh.nlp") / "data" / name
    return [line.split("\t") for line in data.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, tuple[int, str]], dict[str, str], frozenset[str]]:
    """(listed words → (frequency, tags), glued spelling → ZWNJ spelling, adjectives)."""
    listed = lexicon_words()
    glued: dict[str, str] = {}
    ambiguous: set[str] = set()
    for word in lexicon_zwnj_words():
        frequency, tags = listed[word]
        if word[0] == ZWNJ or word[-1] == ZWNJ or ZWNJ * 2 in word:
            continue  # a typo in the list («جوان‌»)
        key = word.replace(ZWNJ, "")
        if _real_entry(listed.get(key)):
            continue  # the glued spelling is a word of its own
        if not _real_entry((frequency, tags)) and word.endswith(_SUFFIX_ENTRIES):
            # The list's generated inflections («سال‌ها», «بسه‌ای»): the suffix rules
            # read these, weighing «X‌های» against «Xه‌ای».
            continue
        if key in glued and glued[key] != word:
            ambiguous.add(key)
        glued[key] = word
    for key in ambiguous:
        del glued[key]
    glued.update({row[0].strip(): row[1].strip() for row in _data_rows("zwnj_overrides.tsv")})
    return listed, glued, lexicon_adjectives()


def _real_entry(entry: tuple[int, str] | None) -> bool:
    # 158k of the list's entries are generated inflections, frequency 0 and tag «0»;
    # the rest are dictionary words (a few with frequency 0 but a part of speech).
    return entry is not None and (entry[0] > 0 or entry[1] != "0")


def _frequency(word: str) -> int:
    return _lexicon()[0].get(word, (0,))[0]


def _is_real(word: str) -> bool:
    """A dictionary word as written, not one of the list's generated inflections."""
    return _real_entry(_lexicon()[0].get(word))


def _known(word: str) -> str | None:
    """The word as it should be written, when the list knows it."""
    listed, glued, _ = _lexicon()
    if word in glued:
        return glued[word]
    return word if word in listed else None


def _weight(word: str) -> int:
    _, glued, _ = _lexicon()
    return max(1, _frequency(word), _frequency(glued.get(word, word)))


def _plural_or_heh(word: str, phrase_ends: bool) -> str | None | bool:
    """«Xهای»: «X‌های» or «Xه‌ای»; None when neither stem is listed, False when both are
    and neither is clearly the likelier.

    The plural «X‌های» carries an ezafe: a word of its phrase must follow. Where the
    phrase ends instead (punctuation, a line's end, a preposition, «که», «را», a verb:
    «نامهای به», «دورهای از»), only «Xه‌ای» is possible. Otherwise a stem ten times the
    likelier wins; then the one reading the list spells; then the plural, which is what
    an ezafe-bound «Xهای» before a word mostly is («تیمهای ملی»)."""
    stem = word[:-3]
    plural, heh = _known(stem), _known(stem + "ه")
    if plural is None or heh is None:
        return None
    if _weight(stem) >= _DOMINANCE * _weight(stem + "ه"):
        return plural + ZWNJ + "های"
    if _weight(stem + "ه") >= _DOMINANCE * _weight(stem):
        return heh + ZWNJ + "ای"
    if phrase_ends:
        return heh + ZWNJ + "ای"
    # Too close to call on frequency: the list's own inflections may hold one reading
    # only («منطقه‌ای», not «منطق‌های»).
    listed = _lexicon()[0]
    readings = [r for r in (plural + ZWNJ + "های", heh + ZWNJ + "ای") if r in listed]
    if len(readings) == 1:
        return readings[0]
    # Neither stem has a corpus frequency: «تیمه», «پارکه» are the list's generated
    # forms of the noun, not nouns of their own.
    return plural + ZWNJ + "های" if _weight(stem) == _weight(stem + "ه") == 1 else False


def _with_suffix(word: str, phrase_ends: bool) -> str | None:
    _, _, adjectives = _lexicon()
    if word.endswith("های") and len(word) >= 5:
        settled = _plural_or_heh(word, phrase_ends)
        if settled is not None:
            return settled or None
    # Two-letter stems («آنها», «شبها») only where the list has the inflected form.
    shortest = 2 if word in _lexicon()[0] else _MIN_PART
    for suffix in _PLURAL + _COMPARATIVE + _AFTER_HEH:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < shortest:
            continue
        if suffix in _AFTER_HEH and not stem.endswith("ه") and not (
                suffix in _AFTER_I and _is_derived_in_i(stem)):
            continue
        if suffix in _COMPARATIVE and not _is_adjective(stem):
            continue  # «تویتر» is no comparative of «توی»
        known = _known(stem)
        if known is None and suffix not in _COMPARATIVE and _is_derived_in_i(stem) and not (
                suffix == "های" and _known(stem + "ه")):  # «اعلامیهای» is «اعلامیه‌ای»
            known = stem  # «اماراتیها», «اصلیاش»: the list has «امارات», «اصل»
        if known is not None:
            return known + ZWNJ + suffix
    return None


def _is_derived_in_i(word: str) -> bool:
    """A dictionary word of three letters or more plus «ی» or «یی» («اماراتی»,
    «گوآتمالایی»): an adjective or a person's noun, which the list mostly lacks."""
    for ending in ("یی", "ی"):
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= _MIN_PART and _frequency(base) > 0:
            return True
    return False


def _is_adjective(word: str) -> bool:
    """Tagged an adjective, or a dictionary word plus the adjective-making «ی» («اصلی»)."""
    return word in _lexicon()[2] or (word.endswith("ی") and _is_derived_in_i(word))  # not «روی» of «رویتر»


def _compound(word: str) -> str | None:
    """Two listed words glued after a medial ه (what a lost ZWNJ looks like): split
    where exactly one cut gives two."""
    splits = []
    for cut in range(_MIN_PART, len(word) - 1):
        if word[cut - 1] != "ه":
            continue
        first, second = _known(word[:cut]), _known(word[cut:])
        if first is None or second is None or _heh_starts_the_second(word, cut):
            continue
        # A short second word only where both are common: «ادارهکل», not «خواهید».
        if len(word) - cut > _MIN_PART or (
                min(_frequency(word[:cut]), _frequency(word[cut:])) >= _COMMON and word[cut:] not in _SUFFIXES):
            splits.append(first + ZWNJ + second)
    return splits[0] if len(splits) == 1 else None


def _heh_starts_the_second(word: str, cut: int) -> bool:
    """Whether the ه before `cut` more likely begins the second word: «یکهزار» is «یک»
    + «هزار», not «یکه» + «زار»; «برهمین» is «بر» + «همین»."""
    return _frequency(word[:cut - 1]) > 0 and _frequency(word[cut - 1:]) > _frequency(word[cut:])


def _derived(word: str) -> str | None:
    """A dictionary word glued to the second element of a compound: one the word list
    writes after a ZWNJ in five or more of its words («گیری», «کننده», «سازی», «زاده»),
    an agent noun of a verb's present stem («کنندگان», «آورندگان»), or an element of
    family names («نژاد», «پور»); where two cuts qualify, the one with an element of
    the list over an agent noun («مصرف‌کنندگان», not «مصر» + «فکنندگان»), else none."""
    if any(word.endswith(suffix) and word[: -len(suffix)] in _lexicon()[0] for suffix in _JOINED):
        return None  # a listed form plus a joining suffix: «کارشناسانی»
    splits: list[tuple[bool, str]] = []
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        first, rest = word[:cut], word[cut:]
        if not (_frequency(first) > 0 or (first.endswith("ی") and _frequency(first[:-1]) > 0)):
            continue
        element = rest in _second_elements() or rest in _NAME_ELEMENTS
        if rest in past_stems() or not (element or _is_agent_noun(rest)):
            continue  # «برشمرد» is a verb, not «برش» + «مرد»
        if _heh_starts_the_second(word, cut):
            continue
        splits.append((element, (_known(first) or first) + ZWNJ + rest))
    elements = [split for is_element, split in splits if is_element]
    if len(elements) == 1:
        return elements[0]
    return splits[0][1] if len(splits) == 1 else None


def _noun_and_adjective(word: str) -> str | None:
    """A common noun glued to an adjective in «ی» of a common word, the one cut that
    gives both («تربیتبدنی», «آذربایجانشرقی», «روابطعمومی»). Both must be common
    (hazm's frequency at least _COMMON): rare words and names cut anywhere would give
    nonsense («الخمینی»). Not a plural with «ی» («کودکانی», «سوالاتی»)."""
    if word.endswith("های") or any(
            word.endswith(ending) and _frequency(word[: -len(ending)]) > 0 for ending in _PLURAL_AND_I):
        return None  # «جانبهای» is «جانبه‌ای», not «جان» + «بهای»
    splits = []
    for cut in range(_MIN_PART, len(word) - _MIN_PART):
        first, rest = word[:cut], word[cut:]
        if _frequency(first) < _COMMON or "N" not in word_tags(first) or first in _NAME_ELEMENTS:
            continue
        if rest.endswith("ی") and max(_frequency(rest[:-1]), _frequency(rest) if rest in _lexicon()[2] else 0) >= _COMMON:
            splits.append((_known(first) or first) + ZWNJ + rest)
    return splits[0] if len(splits) == 1 else None


@lru_cache(maxsize=1)
def _second_elements() -> frozenset[str]:
    counts: dict[str, int] = {}
    for word in lexicon_zwnj_words():
        last = word.rpartition(ZWNJ)[2]
        counts[last] = counts.get(last, 0) + 1
    return frozenset(element for element, count in counts.items()
                     if count >= _PRODUCTIVE and len(element) >= _MIN_PART and element not in _SUFFIXES)


def _is_agent_noun(part: str) -> bool:
    stems = present_stems()
    return any(part.endswith(ending) and part[: -len(ending)] in stems for ending in _AGENT_ENDINGS)


def _joined(word: str) -> str | None:
    """`word` as a word plus a joining suffix: unchanged after a real word, with the
    stem's ZWNJ back after a glued one («دانشآموزان» → «دانش‌آموزان»)."""
    _, glued, _ = _lexicon()
    for suffix in _JOINED:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= _MIN_PART:
            if _is_real(stem):
                return word
            if stem in glued:
                return glued[stem] + suffix
    return None


def _preposition_apart(word: str) -> str | None:
    """«بهصورت» → «به صورت»: the preposition glued to a dictionary word, where the whole
    is no word of the list («بهداشت», «بهره», «بهنام» are, and stay)."""
    if not word.startswith("به") or len(word) < 2 + _MIN_PART:
        return None
    rest = word[2:]
    if _frequency(rest) > 0 or rest in _lexicon()[1]:
        return "به " + (_known(rest) or rest)
    return None


def _prefixed_verb(word: str) -> str | None:
    match = _PREFIXED_MI.match(word)
    if match and f"{match[2]}{ZWNJ}{match[3]}" in verb_forms():
        return f"{match[1]}{match[2]}{ZWNJ}{match[3]}"  # «برمیگردد» → «برمی‌گردد»
    if word.startswith("نمی") and "می" + ZWNJ + word[3:] in _lexicon()[0]:
        return "نمی" + ZWNJ + word[3:]  # «نمیتوان»: the list has «می‌توان» only
    return None


def is_dictionary_word(word: str) -> bool:
    """Whether `word`, as written, is a dictionary word of hazm's list (not one of its
    generated inflections): a spelling nothing here may change."""
    return _is_real(word)


def is_listed_word(word: str) -> bool:
    """Whether hazm's word list has `word` (as written, or glued from a listed ZWNJ form)."""
    return _known(word) is not None


@lru_cache(maxsize=65536)  # news repeats its words; the lookups add up per article
def restore_word(word: str, phrase_ends: bool = False) -> str:
    """`word` with its lost ZWNJs back, or unchanged when the list cannot tell.
    `phrase_ends`: what follows the word ends its phrase (see `_plural_or_heh`)."""
    if ZWNJ in word or len(word) < 4 or len(word) > _LONGEST_WORD:
        return word
    if _is_real(word):
        return word
    joined = _joined(word)  # «دستگیری», «تنهایی» stay; «دانشآموزان» is restored
    if joined is not None:
        return joined
    listed, glued, _ = _lexicon()
    if word in glued:
        return glued[word]
    if word in listed:  # an inflection entry: «کتابها» is «کتاب‌ها», «میدانی» stays
        return _with_suffix(word, phrase_ends) or _preposition_apart(word) or word
    return (_with_suffix(word, phrase_ends) or _prefixed_verb(word) or _preposition_apart(word)
            or _compound(word) or _derived(word) or _noun_and_adjective(word) or word)


# Closed-class words that end the phrase before them: a plural's ezafe cannot stand
# before them («نامهای به» is «نامه‌ای به», never «نام‌های به»).
_PHRASE_ENDERS = frozenset(
    "را که از به در با و یا برای تا بر است بود شد شود کرد کند نیز هم اما ولی چون اگر"
    " هست نیست بودند شدند کردند".split())
_SPACES = re.compile(r"[ \t]*")
# Punctuation that closes a phrase (a line's end and the text's end do too).
_PHRASE_END_MARKS = frozenset(".،,؛;:!?؟)»\n")


def restore_zwnj(text: str) -> str:
    return _WORD.sub(lambda match: restore_word(match.group(0), _phrase_ends_after(text, match)), text)


def _phrase_ends_after(text: str, match: re.Match) -> bool:
    """Whether the phrase ends after the word `match`; asked only where it decides
    something («Xهای»)."""
    if not match.group(0).endswith("های"):
        return False
    after = _SPACES.match(text, match.end()).end()
    following = _WORD.match(text, after) if after > match.end() else None
    if following is None:
        return after == len(text) or text[after] in _PHRASE_END_MARKS
    word = following.group(0)
    return word in _PHRASE_ENDERS or word.startswith(("می" + ZWNJ, "نمی" + ZWNJ))
