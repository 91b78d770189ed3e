"""FACTS.md's scoring: per document, predicted and gold facts matched one to one on
(value, category); precision, recall and F1 summed over a set; qualifier accuracy on
the matched pairs.

A fact here is any sequence whose first three items are (value, category, qualifier);
more items (the evidence, say) ride along into the misses and spurious lists, which is
what one reads when a score drops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Scored = tuple  # (value, category, qualifier, *anything)


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _checked(doc: str, fact: Sequence) -> Sequence:
    if len(fact) < 3 or isinstance(fact[0], bool) or not isinstance(fact[0], (int, float)):
        raise ValueError(f"{doc}: a scored fact is (value, category, qualifier, ...), got {fact!r}")
    return fact


def score(predicted: Mapping[str, Sequence[Sequence]], gold: Mapping[str, Sequence[Sequence]]) -> dict:
    """precision, recall, f1, qualifier_accuracy, the counts, and per document
    (predicted, gold, matched) with the unmatched facts listed as misses/spurious."""
    counts = {"predicted": 0, "gold": 0, "matched": 0, "qualifier_right": 0}
    misses: list[tuple[str, Sequence]] = []
    spurious: list[tuple[str, Sequence]] = []
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
            counts["qualifier_right"] += hit[2] == fact[2]
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
            **counts, "per_document": per_document, "misses": misses, "spurious": spurious}
