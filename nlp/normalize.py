"""Persian normalisation: hazm's Normalizer, without the damage it does to numbers and
URLs, then the lost zero-width non-joiners put back."""

from __future__ import annotations

import os
import re
from functools import lru_cache

from shahrnameh.nlp.digits import DIGIT_CLASS
from shahrnameh.nlp.lexicon import hazm_module, verb_forms, words
from shahrnameh.nlp.zwnj import restore_zwnj

# hazm spaces out «12.5» → «12 ٫ 5», «1,200» → «1 , 200» and URLs; these spans are set
# aside before it runs and put back after.
# A number is tried only where a run of digits begins: tried at every digit of a run that
# has no separator, it read the run again from each (10,000 digits took 1.7 s).
_PROTECTED = re.compile(
    rf"https?://\S+|www\.\S+|(?<![{DIGIT_CLASS}])[{DIGIT_CLASS}]+(?:[.,٫٬/:][{DIGIT_CLASS}]+)+"
)
_AROUND_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
# Left-to-right/right-to-left marks inside a Persian word are invisible leftovers of
# editors; hazm drops a ZWNJ that stands next to one («می‌\u200eرود» → «می\u200eرود»).
_BIDI_IN_WORD = re.compile(r"(?<=[\u0600-\u06FF\u200c])[\u200e\u200f]+(?=[\u0600-\u06FF\u200c])")
_MI_VERB = re.compile(r"\bن?می[آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی]+")
_MI_PREFIX = re.compile(r"^(ن?می)")


@lru_cache(maxsize=1)
def _normalizer():
    """hazm's Normalizer as `Normalizer(decrease_repeated_chars=False, persian_numbers=False)`
    builds it, but from nlp.lexicon's one reading of the word and verb lists, and with
    the «می» rule left to `_separate_mi`."""
    hazm = hazm_module("normalizer")
    # decrease_repeated_chars would turn «دهههشتادی» into «دههشتادی»; Persian digits
    # would make evidence differ from the page for no gain (numbers.py reads both).
    # Built with the two list-reading rules off, then given the lists: its own start-up
    # reads words.dat twice and imports all of hazm (3.8 s against 1.2 s).
    normalizer = hazm.Normalizer(correct_spacing=False, decrease_repeated_chars=False,
                                 persian_numbers=False, seperate_mi=False)
    tokenizer = hazm.WordTokenizer(words_file=os.devnull, join_verb_parts=False)
    tokenizer.words = words()
    normalizer._tokenizer, normalizer._words = tokenizer, tokenizer.words
    normalizer._verbs = verb_forms()  # token_spacing joins «می شود» with it
    normalizer._correct_spacing = True  # its own normalize() as hazm's; ours is _hazm_normalize
    return normalizer


@lru_cache(maxsize=1)
def _steps():
    """hazm's normalize() for our options, step by step, with its translation table built
    once (hazm rebuilds it on every call) and its pattern lists compiled once."""
    constants = hazm_module("constants")

    def compiled(patterns):
        return [(re.compile(p) if isinstance(p, str) else p, replacement) for p, replacement in patterns]

    table = hazm_module("utils").maketrans(constants.TRANSLATION_SRC, constants.TRANSLATION_DST)
    # str.translate looks every character up (0.15 s per 128k characters here); the
    # characters it changes are rare, so a regex finds them and only they are looked up.
    by_char = {chr(code): replacement for code, replacement in table.items()}
    translate = re.compile("[" + "".join(re.escape(char) for char in by_char) + "]")
    return ((translate, lambda match: by_char[match.group(0)]), compiled(constants.PERSIAN_STYLE_PATTERNS), compiled(constants.DIACRITICS_PATTERNS),
            compiled(constants.EXTRA_SPACE_PATTERNS), compiled(constants.AFFIX_SPACING_PATTERNS),
            compiled(constants.PUNCTUATION_SPACING_PATTERNS), compiled(constants.SPECIAL_CHARS_PATTERNS))


def _replace_all(patterns, text: str) -> str:
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def _hazm_normalize(text: str) -> str:
    """`_normalizer().normalize(text)`, in the same order: translate, Persian style,
    diacritics, spacing (line by line: tokens, then token_spacing), Unicode
    replacements, special characters."""
    normalizer = _normalizer()
    translate, style, diacritics, extra_space, affix_spacing, punctuation_spacing, specials = _steps()
    text = _replace_all(diacritics, _replace_all(style, translate[0].sub(translate[1], text)))
    lines = _replace_all(extra_space, text).split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            lines[index] = " ".join(normalizer.token_spacing(normalizer._tokenizer.tokenize(line)))
    text = _replace_all(punctuation_spacing, _replace_all(affix_spacing, "\n".join(lines)))
    return _replace_all(specials, normalizer.unicodes_replacement(text))


def _separate_mi(text: str) -> str:
    """hazm's «می» rule («میشود» → «می‌شود»), except on words that are words as written:
    hazm would write «بازدید می‌دانی» for «بازدید میدانی» (field visit) and «می‌انجی» for
    «میانجی» (mediator), because «می‌دانی» and «می‌انجی» are also verb forms."""
    verbs, lexicon = verb_forms(), words()

    def split(match: re.Match) -> str:
        word = match.group(0)
        separated = _MI_PREFIX.sub("\\1\u200c", word)
        if separated not in verbs or _is_a_word(word, lexicon):
            return word
        return separated

    return _MI_VERB.sub(split, text)


def _is_a_word(word: str, lexicon) -> bool:
    # Frequency 0 marks the misspelt glued verbs hazm's list also holds («میشود», «میکند»).
    if lexicon.get(word, (0,))[0] > 0:
        return True
    return word.endswith("ی") and lexicon.get(word[:-1], (0,))[0] > 0  # «میدان» + «ی»


def _key(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def normalize(text: str) -> str:
    """Arabic ي/ك → ی/ک, spacing and half-spaces fixed, numbers and URLs kept as written."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes a str, not {type(text).__name__}")
    if not text:
        return text
    kept: dict[str, str] = {}
    # Latin letters, which hazm leaves alone; lengthened until the text cannot contain it.
    marker = "QZPROT"
    while marker in text:
        marker += "X"

    def protect(match: re.Match) -> str:
        key = _key(len(kept))
        kept[key] = match.group(0)
        return f"{marker}{key}Q"

    shielded = _PROTECTED.sub(protect, _BIDI_IN_WORD.sub("", text))
    # One call for the whole text: hazm's fixed cost per call (it rebuilds its translation
    # table) doubled the time when it ran line by line. It leaves spaces around newlines
    # and folds runs of blank lines into one.
    normalized = restore_zwnj(_separate_mi(_AROUND_NEWLINE.sub("\n", _hazm_normalize(shielded))))
    if not kept:
        return normalized
    return re.sub(f"{marker}([a-z]+)Q", lambda m: kept.get(m.group(1), m.group(0)), normalized)
