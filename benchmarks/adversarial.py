"""Hostile inputs to nlp/: time per MB at two sizes, and how it grows (issue 13 "Stalls").

    .venv/bin/python benchmarks/adversarial.py [--scale K]

Each input is built at size n and 4n and read by the nlp function it attacks, then the
whole way a page is read (`read_document`). The figure that matters is GROWTH, the time
per MB at 4n over the time per MB at n: about 1 when the time is linear in the input,
about 4 when it grows with its square. Both sizes are timed in the same run, so the
machine's load falls on both alike. --scale multiplies every size (default 1; the sizes
are small enough that the quadratic code of before issue 13 finishes within minutes).
Each figure is the best of --rounds calls (default 3), the garbage collector paused.
"""

from __future__ import annotations

import argparse
import gc
import time

from shahrnameh.nlp.dates import find_dates
from shahrnameh.nlp.document import read_document
from shahrnameh.nlp.facts import extract_facts
from shahrnameh.nlp.normalize import normalize
from shahrnameh.nlp.numbers import find_numbers
from shahrnameh.nlp.page import read_html


def digits(n: int) -> str:
    """One run of n digits before «نفر» (a page of nothing but a number)."""
    return "۱" * n + " نفر"


def and_chain(n: int) -> str:
    """«یک و یک و یک …»: one number to the reader, n characters long."""
    return ("یک و " * (n // 4 + 1))[:n].rsplit(" و", 1)[0]


def nested_divs(n: int) -> str:
    """n <div>s nested in each other around one paragraph (n × 11 characters)."""
    paragraph = "<p>" + "شهرداری تهران امروز ۲۰ دستگاه اتوبوس جدید را به ناوگان افزود. " * 6 + "</p>"
    return "<html><body>" + "<div>" * n + paragraph + "</div>" * n + "</body></html>"


def many_dates(n: int) -> str:
    """A date every 16 characters: «۱ فروردین ۱۴۰۰،» repeated."""
    return ("۱ فروردین ۱۴۰۰، " * (n // 16 + 1))[:n]


def many_facts(n: int) -> str:
    """One sentence of many amounts: «شهرداری تهران ۲۰ دستگاه اتوبوس و ۳۰ دستگاه …»."""
    return "شهرداری تهران " + ("۲۰ دستگاه اتوبوس و " * (n // 19 + 1))[:n] + "خرید."


# (name, input builder, base size in characters, [(stage, function), ...])
CASES = [
    ("digits", digits, 10_000, [("normalize", normalize), ("find_numbers", find_numbers)]),
    ("and_chain", and_chain, 10_000, [("find_numbers", find_numbers), ("normalize", normalize)]),
    ("nested_divs", nested_divs, 10_000, [("read_html", read_html)]),
    ("many_dates", many_dates, 20_000, [("find_dates", find_dates)]),
    ("many_facts", many_facts, 20_000, [("extract_facts", extract_facts)]),
]


def timed(function, text: str, rounds: int) -> float:
    """The best of `rounds` calls, the garbage collector paused (its passes depend on what
    else is alive, not on the input)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            function(text)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


def whole_read(name: str):
    is_html = name == "nested_divs"
    return lambda text: read_document(text, is_html=is_html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3, help="calls per input and size; the best counts")
    args = parser.parse_args()
    read_document("<html><body><p>گرم کردن</p></body></html>", is_html=True)  # start-up outside the timing
    print(f"{'input':12} {'stage':14} {'n chars':>9} {'s/MB at n':>10} {'s/MB at 4n':>11} {'growth':>7}")
    for name, build, base, stages in CASES:
        n = int(base * args.scale)
        small, large = build(n), build(4 * n)
        for stage, function in [*stages, ("read_document", whole_read(name))]:
            per_mb = [timed(function, text, args.rounds) / (len(text.encode()) / 1e6) for text in (small, large)]
            print(f"{name:12} {stage:14} {len(small):>9} {per_mb[0]:>10.2f} {per_mb[1]:>11.2f} "
                  f"{per_mb[1] / per_mb[0]:>7.2f}", flush=True)
    print("growth: (time per MB at 4n) / (time per MB at n); 1 = linear, 4 = quadratic")


if __name__ == "__main__":
    main()
