"""The warehouse at scale: a synthetic warehouse of 1,000,000 articles and 5,000,000 facts.

    .venv/bin/python benchmarks/scale.py [--articles N] [--facts N] [--engine sqlite|postgresql|both]
                                         [--postgres URL] [--workdir DIR]
    .venv/bin/python benchmarks/scale.py --measure     # rewrite benchmarks/fact_distribution.json

The facts are drawn from the real distribution: `--measure` reads every page and text of
corpus/ with nlp (as the nightly run reads them) and writes each article's facts, as
extracted, to benchmarks/fact_distribution.json. A synthetic article resamples those
facts (value, category, unit, qualifier, evidence sentence, number offsets, programme,
whether a municipality and a district are named) with replacement; its text is its
evidence sentences, so every offset is valid; its city is one of nlp.entities.seed_cities()
(the gazetteer's cities with municipal districts; a national crawl reports on all of them, the
corpus on a few); its date is uniform over the
corpus' date range.

For each engine, in one run:
- load rate: `load.load_documents` (COPY on PostgreSQL, executemany on SQLite; story
  grouping left to `stories.backfill`), in facts per second, against the baseline
  `load.load_document` one article at a time measured on the first articles of the same run;
- for a PostgreSQL server on this machine, the CPU time of its processes during that load,
  and so how many cores the target rate would take, loader and server together;
- the programme_timeline query for one programme in one city, and for one programme
  everywhere (median of 9 warm runs, rows fetched);
- the peak resident memory of a process exporting every fact of facts_full as CSV
  (`shahrnameh export`'s code, to /dev/null), against the same process doing no export.
PostgreSQL: --postgres URL, else $SHAHRNAMEH_TEST_POSTGRES, else a throwaway cluster
started with scripts/services/postgres.sh (stopped at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DISTRIBUTION = Path(__file__).resolve().parent / "fact_distribution.json"
TARGET_RATE = {"sqlite": 50_000, "postgresql": 100_000}
TARGET_QUERY_MS = 50
TARGET_EXPORT_MB = 500


def measure() -> None:
    """Every article of corpus/ through nlp; its facts, as extracted, into DISTRIBUTION."""
    from shahrnameh.nlp.document import decode_page, read_document
    from shahrnameh.nlp.records import to_json  # values are exact Decimals, which json cannot write

    articles = []
    for path in sorted(REPO.glob("corpus/**/*")):
        if path.suffix not in (".txt", ".html"):
            continue
        is_html = path.suffix == ".html"
        content = decode_page(path.read_bytes()) if is_html else path.read_text(encoding="utf-8")
        document = read_document(content, is_html=is_html)
        if document.kind not in ("article", "report") or document.language != "fa":
            continue
        articles.append({"file": str(path.relative_to(REPO)), "published": document.published, "facts": [{
            "value": f.value, "category": f.category, "unit": f.unit, "qualifier": f.qualifier,
            "evidence": f.evidence, "number_start": f.number_start - f.sentence_start,
            "number_end": f.number_end - f.sentence_start, "programme": f.programme,
            "municipality": f.municipality is not None,
            "district": f.municipality.split(" / ")[-1] if f.municipality and "منطقه" in f.municipality else None,
        } for f in document.facts]})
    facts = [f for a in articles for f in a["facts"]]
    categories = {}
    for f in facts:
        categories[f["category"]] = categories.get(f["category"], 0) + 1
    DISTRIBUTION.write_text(to_json({
        "about": "facts extracted by nlp from every Persian article of corpus/ (benchmarks/scale.py --measure)",
        "articles": len(articles), "facts": len(facts),
        "categories": dict(sorted(categories.items(), key=lambda kv: -kv[1])),
        "with_programme": sum(f["programme"] is not None for f in facts),
        "with_municipality": sum(f["municipality"] for f in facts),
        "per_article": articles,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(articles)} articles, {len(facts)} facts → {DISTRIBUTION.relative_to(REPO)}")
    print("categories:", ", ".join(f"{c} {n}" for c, n in sorted(categories.items(), key=lambda kv: -kv[1])))


class Synthetic:
    """Documents resampled from the measured facts; the same seed gives the same warehouse."""

    def __init__(self, articles: int, facts: int, seed: int = 1403):
        from shahrnameh.nlp.entities import seed_cities

        data = json.loads(DISTRIBUTION.read_text(encoding="utf-8"))
        self.pool = [f for a in data["per_article"] for f in a["facts"]]
        dates = sorted(date.fromisoformat(a["published"]) for a in data["per_article"] if a["published"])
        self.first_day, self.days = dates[0], (dates[-1] - dates[0]).days + 1
        self.cities = seed_cities()
        self.articles, self.facts = articles, facts
        self.random = random.Random(seed)

    def documents(self, start: int = 0, stop: int | None = None):
        from shahrnameh.nlp.records import Document, Fact

        stop = self.articles if stop is None else stop
        base, extra = divmod(self.facts, self.articles)
        pool, rnd, cities = self.pool, self.random, self.cities
        for i in range(start, stop):
            drawn = rnd.choices(pool, k=base + (1 if i < extra else 0))
            city = rnd.choice(cities)
            title = f"گزارش شماره {i}"
            position = len(title) + 1
            parts, facts = [title], []
            for f in drawn:
                municipality = None
                if f["municipality"]:
                    municipality = f"{city} / {f['district']}" if f["district"] else city
                facts.append(Fact(
                    value=f["value"], category=f["category"], unit=f["unit"], qualifier=f["qualifier"],
                    evidence=f["evidence"], municipality=municipality, programme=f["programme"],
                    sentence_start=position, sentence_end=position + len(f["evidence"]),
                    number_start=position + f["number_start"], number_end=position + f["number_end"]))
                parts.append(f["evidence"])
                position += len(f["evidence"]) + 1
            published = (self.first_day + timedelta(days=rnd.randrange(self.days))).isoformat()
            yield (f"https://synthetic.example/{i}", None,
                   Document(kind="article", title=title, published=published, language="fa",
                            text="\n".join(parts), facts=tuple(facts)))

    def busiest_programme(self) -> str:
        counts = {}
        for f in self.pool:
            if f["programme"] and f["municipality"]:
                counts[f["programme"]] = counts.get(f["programme"], 0) + 1
        return max(counts, key=counts.get)


_EXPORT = """
import os, resource, sys
from shahrnameh.warehouse import db, export
engine = db.connect(sys.argv[1])
rows = 0
if sys.argv[2] == "export":
    with open(os.devnull, "wb") as out:
        rows = export.write(engine, export.Export(table="facts_full"), "csv", out)
# VmHWM: this process' own peak (ru_maxrss would include the parent's, inherited at fork).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(rows, peak_kb)
"""


def _export_peak(url: str, what: str) -> tuple[int, float, float]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _EXPORT, url, what], check=True, capture_output=True,
                         text=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024, time.perf_counter() - started


def _timed_query(engine, sql: str, params: dict) -> tuple[float, int]:
    from sqlalchemy import text

    times, rows = [], 0
    with engine.connect() as connection:
        connection.execute(text(sql), params).fetchall()  # warm
        for _ in range(9):
            started = time.perf_counter()
            rows = len(connection.execute(text(sql), params).fetchall())
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, rows


def run_engine(name: str, url: str, articles: int, facts: int) -> dict:
    from shahrnameh.warehouse import db, load

    print(f"\n== {name}: {articles:,} articles, {facts:,} facts ==", flush=True)
    engine = db.connect(url)
    run_id = load.start_run(engine)
    synthetic = Synthetic(articles, facts)
    baseline_articles = min(2000, max(articles // 50, 100))

    # Baseline: one transaction per article, as the nightly flow loads what it crawled.
    started = time.perf_counter()
    baseline_facts = 0
    for url_, page_id, document in synthetic.documents(0, baseline_articles):
        load.load_document(engine, run_id, page_id=page_id, source="synthetic", url=url_, document=document)
        baseline_facts += len(document.facts)
    baseline_rate = baseline_facts / (time.perf_counter() - started)  # generation included: ~1%

    generating = [0.0, 0.0]  # wall, CPU

    def timed(documents):
        # Making the synthetic documents is not loading: its time is taken out of the rate.
        iterator = iter(documents)
        while True:
            started_one, cpu_one = time.perf_counter(), time.process_time()
            item = next(iterator, None)
            generating[0] += time.perf_counter() - started_one
            generating[1] += time.process_time() - cpu_one
            if item is None:
                return
            yield item

    server_cpu_before = _server_cpu_seconds() if name == "postgresql" else None
    started, cpu = time.perf_counter(), time.process_time()
    counts = load.load_documents(engine, run_id, source="synthetic", group_stories=False, batch_size=5000,
                                 documents=timed(synthetic.documents(baseline_articles, articles)))
    elapsed = time.perf_counter() - started - generating[0]
    cpu_elapsed = time.process_time() - cpu - generating[1]
    bulk_facts = facts - baseline_facts
    rate = bulk_facts / elapsed
    print(f"load: {counts['new']:,} articles, {bulk_facts:,} facts in {elapsed:.1f} s = {rate:,.0f} facts/s "
          f"(target {TARGET_RATE[name]:,}: {rate / TARGET_RATE[name]:.2f}x); one by one "
          f"{baseline_rate:,.0f} facts/s; ratio {rate / baseline_rate:.1f}x (making the documents took another "
          f"{generating[0]:.1f} s)", flush=True)
    # On a machine shared with other work the wall-clock rate is what this process got; the
    # CPU rate is the code's own speed (for SQLite all the work is in this process).
    print(f"load, per CPU second of this process: {bulk_facts / cpu_elapsed:,.0f} facts/s"
          + (" (the server's own work is not counted)" if name == "postgresql" else ""), flush=True)
    budget = {}
    server_cpu = None if server_cpu_before is None else _server_cpu_seconds() - server_cpu_before
    if server_cpu:  # None for SQLite, 0 when the server runs on another machine
        # What the target rate would take: the loader's and the server's CPU time per fact, times
        # the rate, in cores; a machine with fewer cannot reach it, however the two overlap.
        cores = TARGET_RATE[name] * (cpu_elapsed + server_cpu) / bulk_facts
        budget = {"server_cpu_rate": bulk_facts / server_cpu, "cores_at_target": cores}
        print(f"load, per CPU second of the PostgreSQL server (its processes on this machine): "
              f"{bulk_facts / server_cpu:,.0f} facts/s; {TARGET_RATE[name]:,} facts/s would take {cores:.1f} "
              f"cores of CPU, loader and server together (this machine has {os.cpu_count()})", flush=True)
    if name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")

    programme = synthetic.busiest_programme()
    city = synthetic.cities[0]
    one_city_ms, one_city_rows = _timed_query(
        engine, "SELECT * FROM programme_timeline WHERE programme = :p AND municipality = :m "
                "ORDER BY published", {"p": programme, "m": city})
    everywhere_ms, everywhere_rows = _timed_query(
        engine, "SELECT * FROM programme_timeline WHERE programme = :p ORDER BY published", {"p": programme})
    print(f"programme_timeline «{programme}» in «{city}»: {one_city_ms:.1f} ms for {one_city_rows:,} rows "
          f"(target < {TARGET_QUERY_MS} ms); everywhere: {everywhere_ms:.0f} ms for {everywhere_rows:,} rows",
          flush=True)

    idle_rows, idle_mb, _ = _export_peak(url, "idle")
    rows, peak_mb, export_s = _export_peak(url, "export")
    print(f"export of facts_full as CSV: {rows:,} rows in {export_s:.0f} s, peak RSS {peak_mb:.0f} MB "
          f"(target < {TARGET_EXPORT_MB} MB; the same process without exporting: {idle_mb:.0f} MB)", flush=True)
    db.disconnect(url)
    return {"rate": rate, "baseline_rate": baseline_rate, "timeline_ms": one_city_ms,
            "timeline_everywhere_ms": everywhere_ms, "export_peak_mb": peak_mb, **budget}


def _server_cpu_seconds() -> float:
    """CPU time (user + system) of every PostgreSQL process on this machine so far: the
    backends doing the load and the writers behind them. 0 when the server is elsewhere."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # ended meanwhile
        if fields[0].endswith("(postgres"):
            values = fields[1].split()
            ticks += int(values[11]) + int(values[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def engine_ceiling(name: str, fresh_url, articles: int, facts: int) -> dict:
    """How near the loader comes to the engine itself, on two fresh warehouses of the same
    `articles` synthetic articles: `load.load_documents` (everything it does per article), and
    the very same rows built beforehand and only inserted by the loader's own insert (COPY
    or executemany, batches of 5,000 articles as the loader commits them): what the engine
    does with this schema's constraints and indexes when no Python work is left per row."""
    from sqlalchemy.orm import Session

    from shahrnameh.warehouse import db, load, models
    from shahrnameh.warehouse.entities import Entities

    documents = list(Synthetic(articles, facts, seed=7).documents())
    with fresh_url() as url:
        engine = db.connect(url)
        run_id = load.start_run(engine)
        started = time.perf_counter()
        load.load_documents(engine, run_id, source="synthetic", group_stories=False, batch_size=5000,
                            documents=documents)
        loader_rate = facts / (time.perf_counter() - started)
        db.disconnect(url)
    with fresh_url() as url:
        engine = db.connect(url)
        run_id = load.start_run(engine)
        source_id = load.upsert_source(engine, name="synthetic", start_urls=[], allowed_domains=[], municipality=None)
        load._seed_entities(engine)
        created = load.utcnow()
        article_rows, fact_rows = [], []
        with Session(engine) as session, session.begin():
            connection = session.connection()
            entities, number = Entities(connection), load._number_for(connection)
            for article_id, (url_, _, document) in enumerate(documents, start=1):
                article_rows.append(load.article_row(article_id, None, source_id, url_, document,
                                                     date.fromisoformat(document.published), f"{article_id:064x}",
                                                     run_id, created))
                fact_rows.append(load._fact_rows(article_id, document.facts, url_, entities, number))
        started = time.perf_counter()
        for first in range(0, len(article_rows), 5000):
            with engine.begin() as connection:
                # The loader's own insert (COPY, or executemany with its date conversion), nothing else.
                load._bulk_insert(connection, models.Article.__table__, load.ARTICLE_COLUMNS,
                                  article_rows[first:first + 5000])
                load.insert_facts(connection, [row for rows in fact_rows[first:first + 5000] for row in rows])
        engine_rate = facts / (time.perf_counter() - started)
        db.disconnect(url)
    print(f"{name} at {articles:,} articles / {facts:,} facts, fresh: loader {loader_rate:,.0f} facts/s; the engine "
          f"alone, rows built beforehand: {engine_rate:,.0f} facts/s; loader / engine {loader_rate / engine_rate:.0%} "
          f"(target {TARGET_RATE[name]:,}: the engine alone reaches {engine_rate / TARGET_RATE[name]:.2f}x of it)",
          flush=True)
    return {"ceiling_loader_rate": loader_rate, "ceiling_engine_rate": engine_rate}


@contextmanager
def _fresh_sqlite(workdir: Path):
    path = workdir / f"ceiling-{uuid.uuid4().hex[:8]}.sqlite"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _throwaway_postgres() -> tuple[str, list[str]]:
    script = ("cleanups=(); source scripts/services/postgres.sh >&2; echo \"$SHAHRNAMEH_TEST_POSTGRES\"; "
              "printf '%s\\n' \"${cleanups[@]}\"")
    out = subprocess.run(["bash", "-c", script], cwd=REPO, check=True, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "SHAHRNAMEH_TEST_POSTGRES"}).stdout
    lines = out.strip().splitlines()
    if not lines or not lines[0].startswith("postgresql"):
        raise SystemExit("scale.py: could not start PostgreSQL with scripts/services/postgres.sh; give --postgres URL")
    return lines[0], lines[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--facts", type=int, default=5_000_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", help="PostgreSQL URL (a schema is created in it and dropped)")
    parser.add_argument("--workdir", type=Path, help="where the SQLite file goes [a temporary directory]")
    parser.add_argument("--ceiling-articles", type=int, default=100_000,
                        help="size of the loader-against-engine comparison [100000; 0: skip it]")
    parser.add_argument("--measure", action="store_true", help="measure the corpus' facts, write the data file")
    args = parser.parse_args()
    if args.measure:
        measure()
        return
    if args.articles < 1 or args.facts < args.articles:
        parser.error("--articles must be >= 1 and --facts >= --articles")
    print(f"resampling {DISTRIBUTION.name}: {json.loads(DISTRIBUTION.read_text())['facts']} real facts")
    ceiling_articles = min(args.ceiling_articles, args.articles)
    ceiling_facts = args.facts * ceiling_articles // args.articles
    results = {}
    if args.engine in ("sqlite", "both"):
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="shahrnameh-scale-"))
        path = workdir / "scale.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        results["sqlite"] = run_engine("sqlite", f"sqlite:///{path}", args.articles, args.facts)
        print(f"(SQLite file {path}: {path.stat().st_size / 2**30:.2f} GiB)")
        if ceiling_articles:
            results["sqlite"].update(engine_ceiling("sqlite", lambda: _fresh_sqlite(workdir), ceiling_articles,
                                                    ceiling_facts))
    if args.engine in ("postgresql", "both"):
        from shahrnameh.warehouse import db

        cleanups = []
        server = args.postgres or os.environ.get("SHAHRNAMEH_TEST_POSTGRES")
        if not server:
            server, cleanups = _throwaway_postgres()
        fresh_schema = partial(db.throwaway_schema, server, "scale")
        try:
            with fresh_schema() as url:
                results["postgresql"] = run_engine("postgresql", url, args.articles, args.facts)
            if ceiling_articles:
                results["postgresql"].update(engine_ceiling("postgresql", fresh_schema, ceiling_articles,
                                                            ceiling_facts))
        finally:
            for command in cleanups:
                subprocess.run(["bash", "-c", command], check=False)
    print("\nsummary:", json.dumps({k: {m: round(v, 1) for m, v in r.items()} for k, r in results.items()}))
    print(f"(peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
