"""Near-duplicate search: LSH band buckets (nlp/syndication.py) against comparing every pair.

    .venv/bin/python benchmarks/syndication.py

Texts: the corpus's article texts and pages, plus the 1,500 Fars News articles of
shared/corpus/fars-news/ when that folder sits beside the repository. Both methods confirm
with the exact Jaccard similarity of the shingles (nlp/syndication.py) at SAME_STORY; the
baseline compares all n(n-1)/2 pairs, LSH only the pairs sharing a (band, bucket). Prints
both times, their ratio, and how many of the baseline's pairs LSH found (its recall).
"""

from __future__ import annotations

import ast
import itertools
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from shahrnameh.nlp import syndication  # noqa: E402
from shahrnameh.nlp.document import decode_page, read_document  # noqa: E402

FARS_NEWS = REPO.parent / "shared" / "corpus" / "fars-news"


def texts() -> dict[str, str]:
    found: dict[str, str] = {}
    corpus = REPO / "corpus"
    for path in sorted(corpus.glob("*/*.txt")):
        found[str(path.relative_to(corpus))] = read_document(path.read_text(encoding="utf-8"), is_html=False).text
    for path in sorted((corpus / "html").glob("*/*.html")):
        found[str(path.relative_to(corpus))] = read_document(decode_page(path.read_bytes()), is_html=True).text
    for path in sorted(FARS_NEWS.glob("*.json")):
        for index, item in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            paragraphs = item["paragraphs"]
            if isinstance(paragraphs, str):
                paragraphs = ast.literal_eval(paragraphs)
            body = [p if isinstance(p, str) else " ".join(map(str, p)) for p in paragraphs]
            found[f"{path.name}#{index}"] = "\n".join([item["title"], item["abstract"], *body])
    return found


def pairwise(shingles: dict[str, frozenset[str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for a, b in itertools.combinations(shingles, 2)
            if syndication.jaccard(shingles[a], shingles[b]) >= syndication.SAME_STORY}


def with_lsh(shingles: dict[str, frozenset[str]]) -> set[frozenset[str]]:
    buckets: dict[tuple[int, str], list[str]] = {}
    for name, shingle_set in shingles.items():
        if shingle_set:
            for key in syndication.band_keys(syndication.signature(shingle_set)):
                buckets.setdefault(key, []).append(name)
    candidates = {frozenset(pair) for names in buckets.values() if len(names) > 1
                  for pair in itertools.combinations(names, 2)}
    return {pair for pair in candidates if syndication.jaccard(*(shingles[n] for n in pair)) >= syndication.SAME_STORY}


def main() -> None:
    started = time.perf_counter()
    corpus = texts()
    shingles = {name: syndication.shingles(text) for name, text in corpus.items()}
    print(f"{len(corpus)} texts read and shingled in {time.perf_counter() - started:.1f} s"
          + ("" if FARS_NEWS.is_dir() else f" ({FARS_NEWS} not found: corpus only)"))

    started = time.perf_counter()
    baseline = pairwise(shingles)
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    found = with_lsh(shingles)
    lsh_s = time.perf_counter() - started

    pairs = len(corpus) * (len(corpus) - 1) // 2
    print(f"pairwise: {pairs} pairs compared in {baseline_s:.2f} s, {len(baseline)} at Jaccard >= {syndication.SAME_STORY}")
    print(f"LSH ({syndication.BANDS} bands x {syndication.ROWS} rows, signatures included): {lsh_s:.2f} s, "
          f"{len(found)} pairs, recall {len(found & baseline)}/{len(baseline)}, "
          f"false {len(found - baseline)}")
    print(f"ratio LSH / pairwise: {lsh_s / baseline_s:.3f}")


if __name__ == "__main__":
    main()
