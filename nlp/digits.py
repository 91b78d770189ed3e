"""Persian and Arabic-Indic digits → Latin, one table for the whole of nlp."""

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
DIGIT_CLASS = "0-9۰-۹٠-٩"


def to_latin_digits(text: str) -> str:
    return text.translate(TO_LATIN)
