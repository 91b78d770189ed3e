"""FACTS.md's scoring: per document, predicted and gold facts matched one to one on
(value, category); precision, recall and F1 summed over a set; qualifier accuracy on
the matched pairs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scored:
    value: float
    category: str
    qualifier: str
    evidence: str = ""


@dataclass
class Score:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    qualifier_right: int = 0
    misses: list[tuple[str, Scored]] = field(default_factory=list)
    spurious: list[tuple[str, Scored]] = field(default_factory=list)
    per_document: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def qualifier_accuracy(self) -> float:
        return self.qualifier_right / self.matched if self.matched else 0.0


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def score(predicted: dict[str, list[Scored]], gold: dict[str, list[Scored]]) -> Score:
    result = Score()
    for doc in sorted(set(predicted) | set(gold)):
        remaining = list(predicted.get(doc, []))
        gold_facts = gold.get(doc, [])
        matched = 0
        for fact in gold_facts:
            hit = next((p for p in remaining if p.category == fact.category and _same_value(p.value, fact.value)), None)
            if hit is None:
                result.misses.append((doc, fact))
                continue
            remaining.remove(hit)
            matched += 1
            result.qualifier_right += hit.qualifier == fact.qualifier
        result.spurious.extend((doc, p) for p in remaining)
        result.predicted += len(predicted.get(doc, []))
        result.gold += len(gold_facts)
        result.matched += matched
        result.per_document[doc] = (len(predicted.get(doc, [])), len(gold_facts), matched)
    return result
