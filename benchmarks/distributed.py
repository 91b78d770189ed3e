"""The reparse on a Dask cluster: 1 and 2 worker processes against the reparse in process.

    .venv/bin/python benchmarks/distributed.py [--pages N] [--workdir DIR] [--postgres URL]

A synthetic archive of N pages (default 20,000; issue 15 asks for at least that): the real
pages of corpus/ the demo site serves (demo/site.py: rendered city-hall texts, VOA Dari,
Persian, Arabic and edge-case news pages) and the Fars municipal and held-out texts rendered
the same way, under varied URLs of 8 sources, written into a WARC archive with the project's
Archive and registered in a warehouse with warehouse.load.record_fetch, as a crawl would
leave them, none read yet: a SQLite file by default, or with --postgres URL a database of
that PostgreSQL server (what a cluster of several machines shares; the user of the URL
creates and drops databases named shahrnameh_distributed_*, copies of one another by
CREATE DATABASE ... TEMPLATE). Then, each on its own copy of that warehouse (so that each
does the same work: read, extract and load every page), `shahrnameh reparse` as a user runs it:

  - in process (no Prefect server, no cluster: the core, shahrnameh.ingest.reparse);
  - `--workers 1` and `--workers 2`: a Prefect flow on a local Dask cluster of 1 or 2
    worker processes, one task per batch of pages.

Pages/s is the run's own time (runs.started_at → finished_at: from the pages listed to the
last batch loaded), so the start-up of Prefect's temporary server and of the cluster, a
fixed cost of each command, is left out of it and printed apart (the command's wall time
and the CPU time of it and its processes). Each configuration also reparses one source's
eighth of the archive: the difference between the two runs is the cost per page beyond
what a run pays once (a worker's first task loads the word tables), printed as well.
Printed: pages/s of each, the speed-up of 2 workers over 1 (target >= 1.7 on 2 free
cores) and the cluster's per-page overhead, 1 worker against in process (target <= 10%).
The machine's load average is printed before and after: on a shared machine the speed-up
can only be what the free cores allow.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url

from shahrnameh.demo import CORPUS
from shahrnameh.demo.site import build_pages, render_text
from shahrnameh.spiders.archive import Archive
from shahrnameh.spiders.records import FetchRecord
from shahrnameh.warehouse import db, load

TARGET_SPEEDUP = 1.7
TARGET_OVERHEAD = 0.10
SOURCES = 8
FETCHED_AT = "2025-03-01T00:00:00+00:00"
_CHARSET = re.compile(r"charset=([\w-]+)", re.I)


def corpus_pages() -> list[tuple[str, str, bytes]]:
    """(slug, content type, body) of every real HTML page the synthetic archive repeats."""
    served = build_pages(CORPUS, "http://127.0.0.1:8719")
    pages = [(path.rsplit("/", 1)[-1].removesuffix(".html"), page.content_type, page.body)
             for path, page in sorted(served.items())
             if path.startswith(("/cityhall/", "/dari/", "/news/")) and path.endswith(".html")
             and page.status == 200 and page.content_type.startswith("text/html")]
    for folder in ("fars-municipal", "fars-heldout"):
        for path in sorted((CORPUS / folder).glob("*.txt")):
            pages.append((path.stem, "text/html; charset=utf-8", render_text(path, CORPUS).encode("utf-8")))
    return pages


class Warehouses:
    """The benchmark's warehouses: SQLite files in the work folder, or databases of one PostgreSQL server."""

    def __init__(self, workdir: Path, postgres: str | None):
        self.workdir, self.postgres, self.made = workdir, postgres, []

    def url(self, name: str) -> str:
        if self.postgres is None:
            return f"sqlite:///{self.workdir / name}.sqlite"
        return make_url(self.postgres).set(database=f"shahrnameh_distributed_{name.replace('-', '_')}") \
            .render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """A new warehouse `name`, empty or a copy of warehouse `template`; its URL."""
        url = self.url(name)
        if self.postgres is None:
            if template is not None:
                with sqlite3.connect(self.workdir / f"{template}.sqlite") as source, sqlite3.connect(
                        self.workdir / f"{name}.sqlite") as target:
                    source.backup(target)
            return url
        database = make_url(url).database
        copied = f" TEMPLATE {make_url(self.url(template)).database}" if template else ""
        self._server(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}{copied}")
        self.made.append(database)
        return url

    def drop_all(self) -> None:
        if self.postgres is not None:
            self._server(*(f"DROP DATABASE IF EXISTS {database}" for database in reversed(self.made)))

    def _server(self, *statements: str) -> None:
        admin = create_engine(self.postgres, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
        finally:
            admin.dispose()


def build(workdir: Path, count: int, url: str) -> tuple[Path, int]:
    """The archive and the warehouse at `url` a crawl of `count` pages leaves; (archive, distinct pages)."""
    pages = corpus_pages()
    archive_root = workdir / "archive"
    engine = db.connect(url)
    run_id = load.start_run(engine)
    for k in range(SOURCES):
        load.upsert_source(engine, name=f"synthetic-{k}", start_urls=[f"https://news{k}.example.ir/"],
                           allowed_domains=[f"news{k}.example.ir"], municipality=None)
    archive = Archive(archive_root, run_id=run_id)
    try:
        for i in range(count):
            slug, content_type, body = pages[i % len(pages)]
            source = f"synthetic-{i % SOURCES}"
            page_url = f"https://news{i % SOURCES}.example.ir/news/{i}/{slug}.html"
            charset = _CHARSET.search(content_type)
            encoding = charset.group(1).lower() if charset else None
            path, offset, sha256 = archive.write_response(
                source, page_url, 200, [("Content-Type", content_type)], body, FETCHED_AT, role="article",
                encoding=encoding)
            load.record_fetch(engine, run_id, FetchRecord(
                source=source, url=page_url, requested_url=page_url, role="article", outcome="new", status=200,
                fetched_at=FETCHED_AT, content_type=content_type, encoding=encoding, sha256=sha256,
                archive_path=path, archive_offset=offset, length=len(body), error=None))
    finally:
        archive.close()
    load.finish_run(engine, run_id, status="succeeded", counts={"kind": "synthetic"}, errors=[])
    db.disconnect(url)  # a PostgreSQL template database must have no connection
    return archive_root, len(pages)


def reparse(url: str, archive_root: Path, workers: int | None, source: str | None = None) -> dict:
    """`shahrnameh reparse` in its own process: its wall and CPU time, the run's own time and pages."""
    command = [sys.executable, "-m", "shahrnameh.flows", "reparse", "--db", url, "--archive", str(archive_root)]
    if workers:
        command += ["--workers", str(workers)]
    if source:
        command += ["--source", source]
    env = {key: value for key, value in os.environ.items() if key not in ("PREFECT_API_URL", "SHAHRNAMEH_CLUSTER")}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            started_at, finished_at, status, counts = connection.exec_driver_sql(
                "SELECT started_at, finished_at, status, counts FROM runs ORDER BY id DESC LIMIT 1").one()
            articles = connection.exec_driver_sql("SELECT count(*) FROM articles").scalar()
            facts = connection.exec_driver_sql("SELECT count(*) FROM facts").scalar()
    finally:
        engine.dispose()
    read = (json.loads(counts) if isinstance(counts, str) else counts)["pages_read"]
    if status != "succeeded":
        raise SystemExit(f"{' '.join(command)}: the reparse run ended {status}")
    seconds = (datetime.fromisoformat(str(finished_at)) - datetime.fromisoformat(str(started_at))).total_seconds()
    return {"wall": wall, "cpu": cpu, "run": seconds, "pages": read, "articles": articles, "facts": facts}


def _children_cpu() -> float:
    # The command and every process it waited for (a local cluster's nannies wait for their workers).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000, help="pages in the synthetic archive (default 20,000)")
    parser.add_argument("--workdir", type=Path, help="where the archive and warehouses go (default: a temporary folder)")
    parser.add_argument("--postgres", metavar="URL",
                        help="warehouses in this PostgreSQL server (postgresql+psycopg://USER@HOST:PORT/DB) instead "
                             "of SQLite files; the user must be allowed to create databases")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        measure(Warehouses(args.workdir, args.postgres), args.pages)
    else:  # removed afterwards: 2,000 pages took 85 MB of archive and warehouse copies
        with tempfile.TemporaryDirectory(prefix="shahrnameh-distributed-") as workdir:
            measure(Warehouses(Path(workdir), args.postgres), args.pages)


def measure(warehouses: Warehouses, count: int) -> None:
    try:
        _measure(warehouses, count)
    finally:
        warehouses.drop_all()


def _measure(warehouses: Warehouses, count: int) -> None:
    workdir = warehouses.workdir
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    kind = "SQLite files" if warehouses.postgres is None else \
        f"PostgreSQL ({make_url(warehouses.postgres).render_as_string(hide_password=True)})"
    print(f"warehouses: {kind}")

    started = time.perf_counter()
    archive_root, distinct = build(workdir, count, warehouses.create("synthetic"))
    print(f"synthetic archive: {count} pages ({distinct} distinct real pages under varied URLs, "
          f"{SOURCES} sources) in {time.perf_counter() - started:.1f} s, {workdir}")

    # Each configuration twice: the whole archive, and one source's eighth of it. The
    # difference is the cost of the pages beyond that eighth, without the costs every run pays
    # once whatever its size (a worker's first task loads the reader's word tables and Scrapy).
    results = {}
    for name, workers in (("in process", None), ("1 worker", 1), ("2 workers", 2)):
        label = name.replace(" ", "-")
        small = reparse(warehouses.create(f"{label}-one-source", "synthetic"), archive_root, workers,
                        source="synthetic-0")
        whole = reparse(warehouses.create(label, "synthetic"), archive_root, workers)
        per_page = (whole["run"] - small["run"]) / (whole["pages"] - small["pages"])
        results[name] = {**whole, "per_page": per_page}
        print(f"{name:>10}: {whole['pages']} pages read in {whole['run']:.1f} s = {whole['pages'] / whole['run']:.1f} pages/s; "
              f"command {whole['wall']:.1f} s with start-up, CPU {whole['cpu']:.1f} s; {whole['articles']} articles, "
              f"{whole['facts']} facts")
        print(f"{'':>10}  one source: {small['pages']} pages in {small['run']:.1f} s; the other pages "
              f"{per_page * 1000:.1f} ms each = {1 / per_page:.1f} pages/s")
    inside, one, two = results["in process"], results["1 worker"], results["2 workers"]
    if not inside["articles"] == one["articles"] == two["articles"] or not inside["facts"] == one["facts"] == two["facts"]:
        print("WARNING: the three warehouses differ in articles or facts")
    print(f"speed-up, 2 workers over 1: {one['run'] / two['run']:.2f}x whole runs, "
          f"{one['per_page'] / two['per_page']:.2f}x per page beyond start-up (target >= {TARGET_SPEEDUP}x)")
    print(f"per-page overhead, 1 worker over in process: {one['run'] / inside['run'] - 1:+.1%} whole runs, "
          f"{one['per_page'] / inside['per_page'] - 1:+.1%} per page beyond start-up (target <= {TARGET_OVERHEAD:.0%})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
