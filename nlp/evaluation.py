"""FACTS.md's scoring: per document, predicted and gold facts matched one to one on
(value, category); precision, recall and F1 summed over a set; qualifier accuracy on
the matched pairs. Also the gold-file reader and the report `shahrnameh evaluate`
prints, as pure functions over lines and facts (the command does the file reading).

A fact here is any sequence whose first three items are (value, category, qualifier);
more items (the evidence, say) ride along into the misses and spurious lists, which is
what one reads when a score drops.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from shahrnameh.nlp.records import CATEGORIES, QUALIFIERS

Scored = tuple  # (value, category, qualifier, *anything)

# What a gold line must hold; «unit» and «evidence» are optional (seeds.jsonl has no units).
GOLD_KEYS = ("doc", "value", "category", "qualifier")


def _same_value(a: float | Decimal, b: float | Decimal) -> bool:
    # Gold values are JSON floats, extracted ones exact Decimals: compared as floats.
    a, b = float(a), float(b)
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _checked(doc: str, fact: Sequence) -> Sequence:
    if len(fact) < 3 or isinstance(fact[0], bool) or not isinstance(fact[0], (int, float, Decimal)):
        raise ValueError(f"{doc}: a scored fact is (value, category, qualifier, ...), got {fact!r}")
    return fact


def score(predicted: Mapping[str, Sequence[Sequence]], gold: Mapping[str, Sequence[Sequence]]) -> dict:
    """precision, recall, f1, qualifier_accuracy, the counts, and per document
    (predicted, gold, matched) with the unmatched facts listed as misses/spurious."""
    counts = {"predicted": 0, "gold": 0, "matched": 0, "qualifier_right": 0}
    misses: list[tuple[str, Sequence]] = []
    spurious: list[tuple[str, Sequence]] = []
    wrong_qualifier: list[tuple[str, Sequence, Sequence]] = []
    per_document: dict[str, tuple[int, int, int]] = {}
    for doc in sorted(set(predicted) | set(gold)):
        remaining = [_checked(doc, fact) for fact in predicted.get(doc, ())]
        gold_facts = [_checked(doc, fact) for fact in gold.get(doc, ())]
        predicted_count, matched = len(remaining), 0
        for fact in gold_facts:
            hit = next((p for p in remaining if p[1] == fact[1] and _same_value(p[0], fact[0])), None)
            if hit is None:
                misses.append((doc, fact))
                continue
            remaining.remove(hit)
            matched += 1
            if hit[2] == fact[2]:
                counts["qualifier_right"] += 1
            else:
                wrong_qualifier.append((doc, fact, hit))
        spurious.extend((doc, fact) for fact in remaining)
        counts["predicted"] += predicted_count
        counts["gold"] += len(gold_facts)
        counts["matched"] += matched
        per_document[doc] = (predicted_count, len(gold_facts), matched)
    precision = counts["matched"] / counts["predicted"] if counts["predicted"] else 0.0
    recall = counts["matched"] / counts["gold"] if counts["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    qualifier_accuracy = counts["qualifier_right"] / counts["matched"] if counts["matched"] else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "qualifier_accuracy": qualifier_accuracy,
            **counts, "per_document": per_document, "misses": misses, "spurious": spurious,
            "wrong_qualifier": wrong_qualifier}


class GoldError(ValueError):
    """A gold file that cannot be scored against: every bad line, one per line of the message."""


def read_gold(lines: Iterable[str], source: str) -> dict[str, list[tuple]]:
    """Gold jsonl lines → {doc: [(value, category, qualifier, evidence, unit), ...]}.

    Every malformed line is reported (as «source:line: why»), not only the first, so a
    hand-edited file is fixed in one go; a partial gold set would give a wrong score, so
    any bad line makes the whole file an error.
    """
    gold: dict[str, list[tuple]] = {}
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            doc, fact = _gold_fact(line)
        except ValueError as error:
            problems.append(f"{source}:{number}: {error}")
            continue
        gold.setdefault(doc, []).append(fact)
    if problems:
        raise GoldError("\n".join(problems))
    return gold


def _gold_fact(line: str) -> tuple[str, tuple]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(row, dict):
        raise ValueError(f"a gold line is a JSON object, got {type(row).__name__}")
    missing = [key for key in GOLD_KEYS if key not in row]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    doc, value, category, qualifier = (row[key] for key in GOLD_KEYS)
    if not isinstance(doc, str) or not doc.strip():
        raise ValueError(f"doc must be a file name, got {doc!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"value must be a number, got {value!r}")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if qualifier not in QUALIFIERS:
        raise ValueError(f"unknown qualifier {qualifier!r}")
    return doc, (value, category, qualifier, row.get("evidence"), row.get("unit"))


def merge_gold(*sets: Mapping[str, list[tuple]]) -> dict[str, list[tuple]]:
    merged: dict[str, list[tuple]] = {}
    for gold in sets:
        for doc, facts in gold.items():
            merged.setdefault(doc, []).extend(facts)
    return merged


def scored_facts(facts: Iterable) -> list[tuple]:
    """nlp Facts → the tuples score() and the report read, in the gold tuples' order."""
    return [(f.value, f.category, f.qualifier, f.evidence, f.unit) for f in facts]


def _fact_json(fact: Sequence) -> dict:
    names = ("value", "category", "qualifier", "evidence", "unit")
    return {name: fact[i] if i < len(fact) else None for i, name in enumerate(names)}


def evaluation_report(predicted: Mapping[str, Sequence[Sequence]],
                      gold: Mapping[str, Sequence[Sequence]]) -> dict:
    """score() as plain JSON-able data: totals, and per document its counts, misses,
    spurious facts and matched facts whose qualifier differs."""
    result = score(predicted, gold)
    documents = []
    for doc, (n_predicted, n_gold, n_matched) in result["per_document"].items():
        documents.append({
            "doc": doc, "predicted": n_predicted, "gold": n_gold, "matched": n_matched,
            "misses": [_fact_json(f) for d, f in result["misses"] if d == doc],
            "spurious": [_fact_json(f) for d, f in result["spurious"] if d == doc],
            "wrong_qualifier": [{"gold": _fact_json(g), "predicted": _fact_json(p)}
                                for d, g, p in result["wrong_qualifier"] if d == doc],
        })
    totals = {key: result[key] for key in ("precision", "recall", "f1", "qualifier_accuracy",
                                           "predicted", "gold", "matched", "qualifier_right")}
    return {**totals, "documents": documents}


def _fact_line(fact: Mapping) -> str:
    value = fact["value"]
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    unit = f" ({fact['unit']})" if fact.get("unit") else ""
    evidence = f"  «{fact['evidence']}»" if fact.get("evidence") else ""
    return f"{shown} {fact['category']} {fact['qualifier']}{unit}{evidence}"


def format_report(report: Mapping) -> str:
    """The report as text: a table of per-document counts, then what was missed, what was
    spurious and which qualifiers differ, then the totals."""
    documents = report["documents"]
    width = max([len("document")] + [len(d["doc"]) for d in documents])
    lines = [f"{'document':<{width}}  predicted   gold  matched"]
    for d in documents:
        lines.append(f"{d['doc']:<{width}}  {d['predicted']:>9}  {d['gold']:>5}  {d['matched']:>7}")
    for title, key in (("misses (in gold, not extracted)", "misses"),
                       ("spurious (extracted, not in gold)", "spurious")):
        rows = [(d["doc"], fact) for d in documents for fact in d[key]]
        lines.append(f"\n{title}: {len(rows)}")
        lines.extend(f"  {doc}: {_fact_line(fact)}" for doc, fact in rows)
    rows = [(d["doc"], pair) for d in documents for pair in d["wrong_qualifier"]]
    lines.append(f"\nqualifier differs: {len(rows)}")
    lines.extend(f"  {doc}: gold {pair['gold']['qualifier']}, extracted {pair['predicted']['qualifier']}: "
                 f"{_fact_line(pair['gold'])}" for doc, pair in rows)
    lines.append(
        f"\n(value, category): precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
        f"F1 {report['f1']:.3f}  ({report['matched']} matched, {report['predicted']} extracted, "
        f"{report['gold']} gold)")
    lines.append(f"qualifier accuracy: {report['qualifier_accuracy']:.3f}  "
                 f"({report['qualifier_right']} of {report['matched']} matched)")
    return "\n".join(lines)


# --- ZWNJ: how many of a text's half-spaces survive the pipeline, and how many come back ---

ZWNJ = "\u200c"


def _boundaries(text: str) -> tuple[str, dict[int, str]]:
    """The text's letters, and where words break among them: position k (before the
    k-th letter) → "z" for a ZWNJ, "s" for a space, punctuation, digit or anything else.
    Diacritics, tatweel and other marks are neither, so hazm removing them moves nothing."""
    letters: list[str] = []
    bounds: dict[int, str] = {}
    for char in text:
        if char == ZWNJ:
            bounds.setdefault(len(letters), "z")
        elif char.isalpha() and char != "\u0640":
            letters.append(char)
        elif unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        else:
            bounds[len(letters)] = "s"
    return "".join(letters), bounds


def _word_spans(letters: str, bounds: Mapping[int, str]):
    """(start, end, inner ZWNJ positions) of each word: letters between two non-ZWNJ breaks."""
    start, inner = 0, []
    for position in sorted(set(bounds) | {len(letters)}):
        if position == start:
            continue
        if bounds.get(position) == "z" and position < len(letters):
            inner.append(position)
            continue
        yield start, position, tuple(inner)
        start, inner = position, []


def _spelled(letters: str, start: int, end: int, bounds: Mapping[int, str]) -> str:
    marks = {"z": ZWNJ, "s": " "}
    return "".join((marks.get(bounds.get(i), "") if i > start else "") + letters[i] for i in range(start, end))


def zwnj_survival(reference: str, output: str, *, dictionary=None, align_end: bool = False) -> dict | None:
    """Compare word by word how `output` writes the words of `reference`.

    `reference` is the text as its author wrote it (ZWNJs where they belong); `output`
    is what the pipeline made of it, or of a copy of it that lost its ZWNJs. Words are
    matched by letter position, so hazm's spacing and punctuation changes do not shift
    them. Returns None when the two do not hold the same letters.

    - zwnj_words / zwnj_kept: words written with a ZWNJ, and how many `output` writes
      with exactly those ZWNJs (joining a neighbour with a ZWNJ, «شده اند» → «شده‌اند»,
      is fine; a ZWNJ lost, moved or added inside the word is not);
    - plain_words / plain_changed: words written without one, and how many `output`
      writes differently (a ZWNJ or space put inside, or glued to a neighbour);
    - plain_broken: those of the changed ones that `dictionary(word)` says were already
      a correct spelling; the rest are respellings of glued forms («کشورهای» →
      «کشور‌های»), listed in `respelled`;
    - lost / wrong: ZWNJ words left glued / given other ZWNJs; `broken`, `respelled`:
      word → how output wrote it.
    `align_end`: `output` ends with `reference`'s text (a title line before it).
    """
    ref_letters, ref_bounds = _boundaries(reference)
    out_letters, out_bounds = _boundaries(output)
    offset = len(out_letters) - len(ref_letters) if align_end else 0
    if offset < 0 or (not align_end and offset):
        return None
    if len(ref_letters) != len(out_letters) - offset:
        return None
    counts = {"zwnj_words": 0, "zwnj_kept": 0, "plain_words": 0, "plain_changed": 0, "plain_broken": 0}
    lost: Counter = Counter()
    wrong: Counter = Counter()
    broken: Counter = Counter()
    respelled: Counter = Counter()
    shifted = {k - offset: kind for k, kind in out_bounds.items() if k >= offset}
    for start, end, inner in _word_spans(ref_letters, ref_bounds):
        got = {k: kind for k, kind in shifted.items() if start < k < end}
        edges = (start == 0 or start in shifted) and (end == len(ref_letters) or end in shifted)
        word = _spelled(ref_letters, start, end, ref_bounds)
        written = _spelled(out_letters[offset:], start, end, shifted)
        if inner:
            counts["zwnj_words"] += 1
            if edges and got == {k: "z" for k in inner}:
                counts["zwnj_kept"] += 1
            elif got:
                wrong[(word, written)] += 1
            else:
                lost[word] += 1
        else:
            counts["plain_words"] += 1
            if edges and not got:
                continue
            counts["plain_changed"] += 1
            if dictionary is not None and dictionary(word):
                counts["plain_broken"] += 1
                broken[(word, written)] += 1
            else:
                respelled[(word, written)] += 1
    return {**counts, "lost": lost, "wrong": wrong, "broken": broken, "respelled": respelled}


def add_survival(total: dict | None, one: Mapping) -> dict:
    """Sum zwnj_survival() results over pages."""
    if total is None:
        return {key: (Counter(value) if isinstance(value, Counter) else value) for key, value in one.items()}
    for key, value in one.items():
        total[key] = total[key] + value
    return total
