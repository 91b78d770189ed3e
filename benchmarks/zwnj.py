"""ZWNJ figures over the corpus's Persian HTML pages (issue 4 §1).

    .venv/bin/python benchmarks/zwnj.py

KEPT: of the words its author wrote with a zero-width non-joiner in a page's main text
(what nlp.page reads from the HTML), the share that the stored article text
(read_document(...).text) writes with the same ZWNJs. Target >= 99%.
RESTORED: the same main text with every ZWNJ deleted, as syndicated copies lose them
(glued «محلهای»; and, separately, replaced by a space), normalised: the share of those
words written with their ZWNJs again. Target >= 80% for glued.
BROKEN: words written without a ZWNJ that are dictionary words of hazm's list as written
and that the normaliser changed, on the text with its ZWNJs lost. Target 0.
Respelled words (glued inflections given a ZWNJ, «کشورهای» → «کشور‌های») are counted
and listed apart: they were not ZWNJ words on the page, and both spellings are in use.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shahrnameh.nlp.document import decode_page, document_from_page
from shahrnameh.nlp.evaluation import ZWNJ, add_survival, zwnj_survival
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.page import read_html
from shahrnameh.nlp.zwnj import is_dictionary_word

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def persian_pages(corpus: Path = CORPUS):
    """(path, main text, stored article text) of every corpus HTML page with a Persian body."""
    for path in sorted(corpus.glob("html/*/*.html")):
        page = read_html(decode_page(path.read_bytes()))
        if page.language != "fa" or page.kind not in ("article", "report") or not page.text:
            continue
        yield path, page.text, document_from_page(page).text


def measure(corpus: Path = CORPUS) -> dict:
    kept = glued = spaced = None
    pages = 0
    unaligned: list[str] = []
    for path, text, stored in persian_pages(corpus):
        pages += 1
        runs = {
            "kept": zwnj_survival(text, stored, align_end=True, dictionary=is_dictionary_word),
            "glued": zwnj_survival(text, normalize(text.replace(ZWNJ, "")), dictionary=is_dictionary_word),
            "spaced": zwnj_survival(text, normalize(text.replace(ZWNJ, " ")), dictionary=is_dictionary_word),
        }
        if any(result is None for result in runs.values()):
            unaligned.append(path.name)  # letters changed beyond folding: not comparable
            continue
        kept = add_survival(kept, runs["kept"])
        glued = add_survival(glued, runs["glued"])
        spaced = add_survival(spaced, runs["spaced"])
    return {"pages": pages, "unaligned": unaligned, "kept": kept, "glued": glued, "spaced": spaced}


def _share(result: dict) -> float:
    return result["zwnj_kept"] / result["zwnj_words"] if result["zwnj_words"] else 0.0


def _examples(counter, limit: int = 12) -> str:
    def shown(key):
        return " → ".join(key) if isinstance(key, tuple) else key
    return ", ".join(f"{shown(key)} ×{n}" if n > 1 else shown(key) for key, n in counter.most_common(limit)) or "none"


def main() -> int:
    figures = measure()
    kept, glued, spaced = figures["kept"], figures["glued"], figures["spaced"]
    print(f"pages with a Persian body: {figures['pages']} "
          f"(not comparable: {', '.join(figures['unaligned']) or 'none'})")
    print(f"KEPT      {_share(kept):7.2%}  {kept['zwnj_kept']} of {kept['zwnj_words']} ZWNJ words of the main "
          f"text written the same in the stored article text  (target >= 99%)")
    print(f"          lost: {_examples(kept['lost'])}; moved: {_examples(kept['wrong'])}")
    print(f"RESTORED  {_share(glued):7.2%}  {glued['zwnj_kept']} of {glued['zwnj_words']} ZWNJ words, glued "
          f"(ZWNJ deleted), written with their ZWNJs again  (target >= 80%)")
    print(f"          {_share(spaced):7.2%}  {spaced['zwnj_kept']} of {spaced['zwnj_words']} with the ZWNJ "
          f"replaced by a space")
    print(f"          still glued: {_examples(glued['lost'])}")
    print(f"          given other ZWNJs: {_examples(glued['wrong'])}")
    print(f"BROKEN    {glued['plain_broken']} of {glued['plain_words']} words without a ZWNJ that are dictionary "
          f"words as written were changed (glued text; {kept['plain_broken']} on the text as published)  (target 0)")
    if glued["broken"]:
        print(f"          {_examples(glued['broken'], 30)}")
    print(f"respelled {glued['plain_changed'] - glued['plain_broken']} glued forms given a ZWNJ "
          f"(not dictionary words as written): {_examples(glued['respelled'])}")
    ok = _share(kept) >= 0.99 and _share(glued) >= 0.80 and glued["plain_broken"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
