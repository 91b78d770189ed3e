"""FACTS.md's scoring: per document, predicted and gold facts matched one to one on
(value, category); precision, recall and F1 summed over a set; qualifier, municipality
(city + district, and city alone) and programme accuracy on the matched pairs. Also the
gold-file reader and the report `shahrnameh evaluate` prints, as pure functions over
lines and facts (the command does the file reading).

A fact here is any sequence whose first three items are (value, category, qualifier);
more items (the evidence, say) ride along into the misses and spurious lists, which is
what one reads when a score drops. Items 5 and 6, where present, are the municipality
and the programme: "" when the fact has none; in a gold fact, None (or absent) when the
gold line does not annotate the field, which leaves the pair out of that accuracy.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from shahrnameh.nlp.entities import alias_key, municipality_parts, programme_key
from shahrnameh.nlp.records import CATEGORIES, QUALIFIERS

Scored = tuple  # (value, category, qualifier, evidence, unit, municipality, programme)

# What a gold line must hold; «unit» and «evidence» are optional (seeds.jsonl has no units),
# and so are the attribution fields (a gold set annotated before they were scored lacks them).
GOLD_KEYS = ("doc", "value", "category", "qualifier")
ATTRIBUTION_KEYS = ("municipality", "programme")
_MUNICIPALITY, _PROGRAMME = 5, 6


def _same_value(a: float | Decimal, b: float | Decimal) -> bool:
    # Gold values are JSON floats, extracted ones exact Decimals: compared as floats.
    a, b = float(a), float(b)
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _checked(doc: str, fact: Sequence) -> Sequence:
    if len(fact) < 3 or isinstance(fact[0], bool) or not isinstance(fact[0], (int, float, Decimal)):
        raise ValueError(f"{doc}: a scored fact is (value, category, qualifier, ...), got {fact!r}")
    return fact


def _field(fact: Sequence, index: int, *, gold: bool) -> str | None:
    """A fact's municipality or programme: "" for none; None for a gold fact not annotated."""
    value = fact[index] if index < len(fact) else None
    if value is None:
        return None if gold else ""
    return value


def _place_keys(name: str) -> tuple[str, ...]:
    """«تهران / منطقه ۳» → the alias keys of its parts, city first: the warehouse's entity
    (nlp.entities folds the spellings, the same as for its alias tables)."""
    return tuple(alias_key(part) for part, _ in municipality_parts(name))


def _city_key(name: str) -> str:
    """The key of the city a municipality names, "" when it names none (a bare «منطقه 3»)."""
    parts = municipality_parts(name)
    return alias_key(parts[0][0]) if parts and parts[0][1] == "city" else ""


def same_municipality(gold: str, predicted: str) -> bool:
    return _place_keys(gold) == _place_keys(predicted)


def same_city(gold: str, predicted: str) -> bool:
    """«تهران / منطقه 3» and «تهران» are one city; «منطقه 3» alone names none."""
    return _city_key(gold) == _city_key(predicted)


def same_programme(gold: str, predicted: str) -> bool:
    """By the warehouse's programme key, which also folds plurals and synonyms
    («محله‌محوری» is «طرح محله‌محور»): one programme entity, one answer."""
    return programme_key(gold) == programme_key(predicted)


# (name of the count, field index, comparison): the attribution accuracies of a matched pair.
ATTRIBUTIONS = (
    ("municipality", _MUNICIPALITY, same_municipality),
    ("city", _MUNICIPALITY, same_city),
    ("programme", _PROGRAMME, same_programme),
)


def _accuracy(right: int, annotated: int) -> float | None:
    """None when no matched pair is annotated: "not annotated", not 0."""
    return right / annotated if annotated else None


def score(predicted: Mapping[str, Sequence[Sequence]], gold: Mapping[str, Sequence[Sequence]]) -> dict:
    """precision, recall, f1, qualifier_accuracy, the counts, and per document
    (predicted, gold, matched) with the unmatched facts listed as misses/spurious.

    On the matched pairs whose gold fact annotates them, municipality (city and district),
    city and programme are right when both are empty or both fold to one entity's key:
    `<name>_accuracy` (None when no pair is annotated), `<name>_right`, `<name>_annotated`,
    `<name>_not_annotated`, `per_document_attribution` {doc: those counts} and
    `wrong_<name>` [(doc, gold fact, predicted fact)]."""
    counts = {"predicted": 0, "gold": 0, "matched": 0, "qualifier_right": 0}
    attribution_counts = {f"{name}_{count}": 0 for name, _, _ in ATTRIBUTIONS
                          for count in ("right", "annotated", "not_annotated")}
    misses: list[tuple[str, Sequence]] = []
    spurious: list[tuple[str, Sequence]] = []
    wrong_qualifier: list[tuple[str, Sequence, Sequence]] = []
    wrong: dict[str, list[tuple[str, Sequence, Sequence]]] = {name: [] for name, _, _ in ATTRIBUTIONS}
    per_document: dict[str, tuple[int, int, int]] = {}
    per_document_attribution: dict[str, dict[str, int]] = {}
    for doc in sorted(set(predicted) | set(gold)):
        remaining = [_checked(doc, fact) for fact in predicted.get(doc, ())]
        gold_facts = [_checked(doc, fact) for fact in gold.get(doc, ())]
        predicted_count, matched = len(remaining), 0
        doc_counts = dict.fromkeys(attribution_counts, 0)
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
            for name, index, same in ATTRIBUTIONS:
                annotated = _field(fact, index, gold=True)
                if annotated is None:
                    doc_counts[f"{name}_not_annotated"] += 1
                    continue
                doc_counts[f"{name}_annotated"] += 1
                if same(annotated, _field(hit, index, gold=False)):
                    doc_counts[f"{name}_right"] += 1
                else:
                    wrong[name].append((doc, fact, hit))
        spurious.extend((doc, fact) for fact in remaining)
        counts["predicted"] += predicted_count
        counts["gold"] += len(gold_facts)
        counts["matched"] += matched
        for key, value in doc_counts.items():
            attribution_counts[key] += value
        per_document[doc] = (predicted_count, len(gold_facts), matched)
        per_document_attribution[doc] = doc_counts
    precision = counts["matched"] / counts["predicted"] if counts["predicted"] else 0.0
    recall = counts["matched"] / counts["gold"] if counts["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    qualifier_accuracy = counts["qualifier_right"] / counts["matched"] if counts["matched"] else 0.0
    accuracies = {f"{name}_accuracy": _accuracy(attribution_counts[f"{name}_right"],
                                                attribution_counts[f"{name}_annotated"])
                  for name, _, _ in ATTRIBUTIONS}
    return {"precision": precision, "recall": recall, "f1": f1, "qualifier_accuracy": qualifier_accuracy,
            **accuracies, **counts, **attribution_counts, "per_document": per_document,
            "per_document_attribution": per_document_attribution, "misses": misses, "spurious": spurious,
            "wrong_qualifier": wrong_qualifier, **{f"wrong_{name}": rows for name, rows in wrong.items()}}


class GoldError(ValueError):
    """A gold file that cannot be scored against: every bad line, one per line of the message."""


def read_gold(lines: Iterable[str], source: str) -> dict[str, list[tuple]]:
    """Gold jsonl lines → {doc: [(value, category, qualifier, evidence, unit, municipality,
    programme), ...]}; a municipality or programme the line does not hold is None.

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
    for key in ATTRIBUTION_KEYS:
        if key in row and not isinstance(row[key], str):
            raise ValueError(f"{key} must be a string (\"\" for none), got {row[key]!r}")
    return doc, (value, category, qualifier, row.get("evidence"), row.get("unit"),
                 row.get("municipality"), row.get("programme"))


def merge_gold(*sets: Mapping[str, list[tuple]]) -> dict[str, list[tuple]]:
    merged: dict[str, list[tuple]] = {}
    for gold in sets:
        for doc, facts in gold.items():
            merged.setdefault(doc, []).extend(facts)
    return merged


def scored_facts(facts: Iterable) -> list[tuple]:
    """nlp Facts → the tuples score() and the report read, in the gold tuples' order."""
    return [(f.value, f.category, f.qualifier, f.evidence, f.unit, f.municipality or "", f.programme or "")
            for f in facts]


def _fact_json(fact: Sequence) -> dict:
    names = ("value", "category", "qualifier", "evidence", "unit", "municipality", "programme")
    return {name: fact[i] if i < len(fact) else None for i, name in enumerate(names)}


_WRONG_KEYS = ("wrong_qualifier",) + tuple(f"wrong_{name}" for name, _, _ in ATTRIBUTIONS)


def evaluation_report(predicted: Mapping[str, Sequence[Sequence]],
                      gold: Mapping[str, Sequence[Sequence]]) -> dict:
    """score() as plain JSON-able data: totals, and per document its counts, misses,
    spurious facts, its attribution accuracies, and the matched facts whose qualifier,
    municipality, city or programme differs."""
    result = score(predicted, gold)
    documents = []
    for doc, (n_predicted, n_gold, n_matched) in result["per_document"].items():
        attribution = result["per_document_attribution"][doc]
        documents.append({
            "doc": doc, "predicted": n_predicted, "gold": n_gold, "matched": n_matched,
            **{f"{name}_accuracy": _accuracy(attribution[f"{name}_right"], attribution[f"{name}_annotated"])
               for name, _, _ in ATTRIBUTIONS},
            **attribution,
            "misses": [_fact_json(f) for d, f in result["misses"] if d == doc],
            "spurious": [_fact_json(f) for d, f in result["spurious"] if d == doc],
            **{key: [{"gold": _fact_json(g), "predicted": _fact_json(p)} for d, g, p in result[key] if d == doc]
               for key in _WRONG_KEYS},
        })
    totals = {key: value for key, value in result.items()
              if not key.startswith(("per_document", "misses", "spurious", "wrong_"))}
    return {**totals, "documents": documents}


def _fact_line(fact: Mapping) -> str:
    value = fact["value"]
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    unit = f" ({fact['unit']})" if fact.get("unit") else ""
    evidence = f"  «{fact['evidence']}»" if fact.get("evidence") else ""
    return f"{shown} {fact['category']} {fact['qualifier']}{unit}{evidence}"


def _share(document: Mapping, name: str) -> str:
    right, annotated = document[f"{name}_right"], document[f"{name}_annotated"]
    if annotated:
        return f"{right}/{annotated}"
    return "not annotated" if document[f"{name}_not_annotated"] else "-"


def _accuracy_line(report: Mapping, name: str, label: str) -> str:
    annotated, right = report[f"{name}_annotated"], report[f"{name}_right"]
    not_annotated = report[f"{name}_not_annotated"]
    unmarked = f"; {not_annotated} not annotated" if not_annotated else ""
    if not annotated:
        return f"{label}: not annotated  ({not_annotated} matched facts without it in gold)"
    return f"{label}: {right / annotated:.3f}  ({right} of {annotated} annotated matched{unmarked})"


def format_report(report: Mapping) -> str:
    """The report as text: a table of per-document counts, then what was missed, what was
    spurious and which qualifiers differ, then per document the municipality, city and
    programme right of those annotated, the matched facts where each differs, then the totals."""
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
    lines.append("\nattribution of the matched facts, right/annotated in gold:")
    lines.append(f"{'document':<{width}}   municipality           city      programme")
    for d in documents:
        shares = (_share(d, "municipality"), _share(d, "city"), _share(d, "programme"))
        lines.append(f"{d['doc']:<{width}}  " + "  ".join(f"{share:>13}" for share in shares))
    for name in ("municipality", "programme"):
        rows = [(d["doc"], pair) for d in documents for pair in d[f"wrong_{name}"]]
        lines.append(f"\n{name} differs: {len(rows)}")
        for doc, pair in rows:
            gold, extracted = pair["gold"][name], pair["predicted"][name]
            other_city = " (another city)" if name == "municipality" and not same_city(gold, extracted) else ""
            lines.append(f"  {doc}: gold «{gold}», extracted «{extracted}»{other_city}: {_fact_line(pair['gold'])}")
    lines.append(
        f"\n(value, category): precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
        f"F1 {report['f1']:.3f}  ({report['matched']} matched, {report['predicted']} extracted, "
        f"{report['gold']} gold)")
    lines.append(f"qualifier accuracy: {report['qualifier_accuracy']:.3f}  "
                 f"({report['qualifier_right']} of {report['matched']} matched)")
    lines.append(_accuracy_line(report, "municipality", "municipality accuracy (city + district)"))
    lines.append(_accuracy_line(report, "city", "city-level accuracy"))
    lines.append(_accuracy_line(report, "programme", "programme accuracy"))
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


# The preposition «به» is written apart from its noun: the page's «به‌صورت» and the
# normaliser's «به صورت» divide the words alike, so a space is as good as the ZWNJ there.
_PREPOSITIONS_APART = frozenset({"به"})


def _same_division(reference_letters: str, start: int, inner: tuple[int, ...], got: Mapping[int, str]) -> bool:
    return got.keys() == set(inner) and all(
        kind == "z" or reference_letters[start:k] in _PREPOSITIONS_APART for k, kind in got.items())


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
      is fine; a ZWNJ lost, moved or added inside the word is not; «به‌صورت» written
      «به صورت», the preposition apart, is kept);
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
            if edges and _same_division(ref_letters, start, inner, got):
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
