"""`extract`'s path (HTML → article + facts) against trafilatura's default extraction.

    .venv/bin/python benchmarks/speed.py [--rounds N]

Pages: the 71 Persian HTML pages of the corpus (html/persian-news/, html/voa-dari/).
In one run, on one core (the process pins itself to one CPU where the OS allows):
- ours: `read_document(html, is_html=True)`: main text, title, date, language,
  normalisation with ZWNJ restoration, and programme facts;
- baseline: `trafilatura.extract(html)`, trafilatura's default: main text only.
Both read the same decoded strings; each is warmed up once, then the rounds alternate
(ours, baseline, ours, ...) so that the machine's load falls on both alike, and the best
round of each is reported, in pages per second, with their ratio.

Start-up (imports, hazm's Normalizer and the word lists, the fact tables) is measured
apart in fresh subprocesses, each timing from before its first import to the end of
its first page; the best of three is reported, and the interpreter's own start beside it.
Once per machine, the first process also reads and conjugates hazm's lists and leaves
them in a cache file (nlp/lexicon.py): that first, cold start is reported too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("persian-news", "voa-dari")

_STARTUP = """
import time
started = time.perf_counter()
from pathlib import Path
from shahrnameh.nlp.document import decode_page, read_document
page = decode_page(Path({path!r}).read_bytes())
document = read_document(page, is_html=True)
assert document.facts or document.text
print(time.perf_counter() - started)
"""

_TRAFILATURA_STARTUP = """
import time
started = time.perf_counter()
from pathlib import Path
import trafilatura
trafilatura.extract(Path({path!r}).read_text(encoding="utf-8"))
print(time.perf_counter() - started)
"""


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def load_pages() -> list[tuple[str, str]]:
    from shahrnameh.nlp.document import decode_page

    paths = [p for folder in FOLDERS for p in sorted((REPO / "corpus" / "html" / folder).glob("*.html"))]
    return [(p.name, decode_page(p.read_bytes())) for p in paths]


def timed(function, pages) -> float:
    started = time.perf_counter()
    for _, html in pages:
        function(html)
    return time.perf_counter() - started


def startup(code: str, path: Path, runs: int = 3, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code.format(path=str(path))], capture_output=True,
                                text=True, check=True, env={**os.environ, **(env or {})})
        times.append(float(result.stdout.strip().splitlines()[-1]))
    return min(times)


def interpreter_start(runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    pinned = pin_to_one_core()
    import trafilatura

    from shahrnameh.nlp.document import read_document

    pages = load_pages()

    def ours(html: str):
        return read_document(html, is_html=True)

    baseline = trafilatura.extract
    timed(ours, pages)  # warm-up: hazm, the word lists, the fact tables, caches
    timed(baseline, pages)
    ours_times, baseline_times = [], []
    for _ in range(args.rounds):
        ours_times.append(timed(ours, pages))
        baseline_times.append(timed(baseline, pages))
    ours_rate = len(pages) / min(ours_times)
    baseline_rate = len(pages) / min(baseline_times)
    facts = sum(len(ours(html).facts) for _, html in pages)

    first_page = REPO / "corpus" / "html" / "persian-news" / "khabaronline-1353889.html"
    with tempfile.TemporaryDirectory() as empty_home:
        # A first run on a machine: no lexicon cache (nlp.lexicon) yet.
        ours_cold = startup(_STARTUP, first_page, runs=1, env={"SHAHRNAMEH_CACHE": empty_home})
    ours_start = startup(_STARTUP, first_page)
    baseline_start = startup(_TRAFILATURA_STARTUP, first_page)
    python_start = interpreter_start()

    print(f"{len(pages)} Persian HTML pages ({', '.join(FOLDERS)}), {pinned}, best of {args.rounds} rounds")
    print(f"extract (read_document: article + {facts} facts): {ours_rate:7.1f} pages/s")
    print(f"trafilatura {trafilatura.__version__} extract() default:     {baseline_rate:7.1f} pages/s")
    print(f"ratio: {ours_rate / baseline_rate:.2f}x  (target >= 3x)")
    print(f"start-up to the first page read, in a fresh process: {ours_start:.2f} s (target < 2 s); "
          f"{ours_cold:.2f} s the first time, before the lexicon cache exists")
    print(f"  trafilatura's start-up to its first page: {baseline_start:.2f} s; the interpreter's own start: "
          f"{python_start:.2f} s")
    return 0 if ours_rate >= 3 * baseline_rate and ours_start < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
