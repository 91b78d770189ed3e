"""Letters written several ways → one letter: one table for the whole of nlp.

Arabic keyboards type «ي», «ى» and «ك» where Persian ones type «ی» and «ک» (older Fars items
do too); «ۀ» is «ه» with its ezafe written on it and «ة» the Arabic ending Persian writes
«ه»; writers differ on «آ» and on the seat a hamza sits on. Each fold is one character for
one, so a folded text is as long as the text and an offset into one is an offset into the
other: the readers that match a folded text and report spans of the text rely on it.

Callers fold different parts of the table, each the part its rules were written and
measured with (folding more would change what they read):

- numbers, dates: Arabic ي/ى/ك (`ARABIC_LETTERS`);
- facts: those and «ۀ», «ة» (`HEH_FORMS`);
- places: Arabic ي/ى/ك, «ۀ» (not «ة») and the direction marks;
- entities' keys: every letter (`ALL_LETTERS`); syndication: ي/ى/ك, «ۀ», «ة», «آ», with hamza
  seats of its own (its signatures are stored);
- language, the gazetteer's names: ي/ك; page's weekday before a title's date: ي/ى/ك.
"""

from __future__ import annotations

from collections.abc import Callable

FOLDS = {
    # Arabic yeh, alef maksura and kaf.
    "ي": "ی", "ى": "ی", "ك": "ک",
    # Heh with the ezafe hamza above it, and teh marbuta.
    "ۀ": "ه", "ة": "ه",
    # Alef with madda, alef wasla.
    "آ": "ا", "ٱ": "ا",
    # Hamza seats vary between writers («هیأت», «هیئت», «مسؤول», «مسئول»): one symbol for all.
    "أ": "ء", "إ": "ء", "ئ": "ء", "ؤ": "ء",
    # Direction marks («خراسان\u200e جنوبی») part words as a space does.
    "\u200e": " ", "\u200f": " ",
}
ARABIC_YEH_KAF = "يك"
ARABIC_LETTERS = ARABIC_YEH_KAF + "ى"
HEH_FORMS = "ۀة"
ALEF_FORMS = "آٱ"
HAMZA_SEATS = "أإئؤ"
DIRECTION_MARKS = "\u200e\u200f"
# Folds no two writers of one name mean apart: the alias keys' (nlp.entities).
ALL_LETTERS = ARABIC_LETTERS + HEH_FORMS + ALEF_FORMS + HAMZA_SEATS


def folds(characters: str) -> dict[str, str]:
    """The table's folds of `characters`, each of which must be in the table."""
    unknown = [character for character in characters if character not in FOLDS]
    if unknown:
        raise KeyError(f"no fold for {unknown!r} in nlp.letters.FOLDS")
    return {character: FOLDS[character] for character in characters}


def folding(characters: str) -> Callable[[str], str]:
    """A function folding `characters` in a text by the table, in time linear in the text.
    It uses str.replace, one pass per character: str.translate looks every character of a
    non-ASCII text up in a dict and cost more than all the rest in nlp.language."""
    pairs = tuple(folds(characters).items())

    def fold(text: str) -> str:
        for written, folded in pairs:
            text = text.replace(written, folded)
        return text

    return fold
