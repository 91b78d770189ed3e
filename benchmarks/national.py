"""A national crawl on one machine: every municipality a source, crawled and loaded by one run.

    .venv/bin/python benchmarks/national.py [--sources N] [--pages N] [--at-once 8,32,128]
                                            [--compare-sources M] [--delay S]

Issue 15: Iran has more than 1,400 cities with a municipality. This starts N local sources
(default 1,400) in ONE server process on 127.0.0.1, one port each, each with a robots.txt,
a sitemap and ~20 article pages of real text (the 1,500 Fars News articles of corpus/fars-news/,
rendered as plain article pages; a source's pages are its own slice of them, wrapping
round). A nightly run of the core (shahrnameh.ingest.run_nightly, what `shahrnameh run`
calls without a Prefect server) crawls sources politely (DOWNLOAD_DELAY of 1 s per source,
no autothrottle, robots.txt obeyed) into a fresh archive and warehouse, in a process of its
own:

  1. the comparison: for each number of sources crawled at once (default 8, 32 and 128),
     one run over the first M sources (--compare-sources, default 128);
  2. the night: one run over all N sources at the number of sources at once whose
     comparison run was fastest (skipped when M >= N: the comparison runs were the night).

The comparison runs on a subset because politeness alone makes 1,400 sources at 8 at once
last N x (pages + 2) x delay / 8 = 3,850 s (over an hour) whatever the machine: a source
takes about (pages + 2) x delay seconds, so the wall time of a run is bounded below by
N x that / sources at once (printed as its politeness floor). Printed for each run: wall
time, CPU time, peak resident memory of the run's process, pages and facts stored, and
the CPU time per page fetched.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import lzma
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FARS_NEWS = sorted((REPO / "corpus" / "fars-news").glob("fars-news-*.json.xz"))


def articles() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of every Fars News article of the corpus, in file order."""
    found = []
    for path in FARS_NEWS:
        for item in json.loads(lzma.decompress(path.read_bytes()).decode("utf-8")):
            paragraphs = item["paragraphs"]
            if isinstance(paragraphs, str):  # stored as a Python list's repr in these files
                import ast

                paragraphs = ast.literal_eval(paragraphs)
            paragraphs = [p.strip() for p in paragraphs if p and p.strip()]
            if item["title"].strip() and paragraphs:
                found.append((item["title"].strip(), paragraphs))
    return found


def site_pages(index: int, port: int, pages: int, texts: list[tuple[str, list[str]]]) -> dict[str, bytes]:
    base = f"http://127.0.0.1:{port}"
    served = {"/robots.txt": f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n".encode()}
    paths = []
    for j in range(pages):
        title, paragraphs = texts[(index * pages + j) % len(texts)]
        path = f"/news/{j}.html"
        paths.append(path)
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
        served[path] = ('<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
                        f"<title>{html.escape(title)}</title></head><body><article>"
                        f"<h1>{html.escape(title)}</h1>\n{body}</article></body></html>\n").encode("utf-8")
    urls = "".join(f"<url><loc>{base}{p}</loc></url>\n" for p in paths)
    served["/sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                              f'schemas/sitemap/0.9">\n{urls}</urlset>\n').encode()
    return served


async def _serve(count: int, pages: int) -> None:
    texts = articles()
    servers = []

    for index in range(count):
        site: dict[str, bytes] = {}

        async def answer(reader, writer, site=site):
            try:
                while True:  # keep-alive: one request after another on the connection
                    head = await reader.readuntil(b"\r\n\r\n")
                    path = head.split(b" ", 2)[1].decode("latin-1")
                    body = site.get(path)
                    status = b"200 OK" if body is not None else b"404 Not Found"
                    body = body if body is not None else b"404\n"
                    kind = (b"text/plain; charset=utf-8" if path.endswith(".txt") or body == b"404\n"
                            else b"application/xml" if path.endswith(".xml") else b"text/html; charset=utf-8")
                    writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind + b"\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError, IndexError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=64)
        port = server.sockets[0].getsockname()[1]
        site.update(site_pages(index, port, pages, texts))
        servers.append(port)
    print(json.dumps(servers), flush=True)
    await asyncio.Event().wait()  # until killed


def crawl(ports: list[int], at_once: int, delay: float, workdir: Path) -> dict:
    """One nightly run over every source, in this process (a child of the benchmark)."""
    from shahrnameh import ingest
    from shahrnameh.spiders.sources import Source

    sources = [Source(name=f"city-{i:04d}", start_urls=(f"http://127.0.0.1:{port}/sitemap.xml",),
                      allowed_domains=("127.0.0.1",), max_pages=100) for i, port in enumerate(ports)]
    settings = {"DOWNLOAD_DELAY": delay, "RANDOMIZE_DOWNLOAD_DELAY": False, "AUTOTHROTTLE_ENABLED": False,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    started = time.perf_counter()
    report = ingest.run_nightly(f"sqlite:///{workdir / 'warehouse.sqlite'}", workdir / "archive", sources,
                                crawl_settings=settings, sources_at_once=at_once).as_dict()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "status": report["status"], "counts": report.get("counts", {})}


def _night(ports: list[int], at_once: int, args) -> dict:
    """One run over these sources in a process of its own, printed; its figures."""
    workdir = Path(tempfile.mkdtemp(prefix=f"shahrnameh-national-{at_once}-"))
    try:
        done = subprocess.run([sys.executable, __file__, "--delay", str(args.delay),
                               "--crawl", json.dumps([ports, at_once, str(workdir)])],
                              capture_output=True, text=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"the run with {at_once} at once failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    counts = result["counts"]
    # Each source's requests are a delay apart; no more sources run at once than there are.
    floor = len(ports) * (args.pages + 2) * args.delay / min(at_once, len(ports))
    fetched = counts.get("pages_fetched") or 0
    per_page = f"{result['cpu'] / fetched * 1000:.1f} ms CPU per page fetched" if fetched else "no page fetched"
    print(f"{len(ports):>5} sources, {at_once:>4} at once: wall {result['wall']:.1f} s (politeness floor {floor:.0f} s), "
          f"CPU {result['cpu']:.1f} s, peak {result['peak_mb']:.0f} MB; {result['status']}; "
          f"pages fetched {fetched}, failed {counts.get('failed')}, articles new {counts.get('articles_new')}, "
          f"facts new {counts.get('facts_new')}; {per_page}; load average {os.getloadavg()[0]:.2f}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1400, help="local sources (default 1,400)")
    parser.add_argument("--pages", type=int, default=20, help="article pages per source (default 20)")
    parser.add_argument("--at-once", default="8,32,128", help="sources crawled at once, comma-separated")
    parser.add_argument("--compare-sources", type=int, default=128,
                        help="sources of the at-once comparison (default 128; the first of the N)")
    parser.add_argument("--delay", type=float, default=1.0, help="polite delay between a source's requests (s)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--crawl", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.sources, args.pages))
        return
    if args.crawl:
        ports, at_once, workdir = json.loads(args.crawl)
        print(json.dumps(crawl(ports, at_once, args.delay, Path(workdir))), flush=True)
        return

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--sources", str(args.sources),
                               "--pages", str(args.pages)], stdout=subprocess.PIPE, text=True)
    try:
        ports = json.loads(server.stdout.readline())
        print(f"{len(ports)} sources of {args.pages} pages each on one server process (pid {server.pid}), "
              f"delay {args.delay} s")
        compared = ports[:args.compare_sources]
        print(f"comparison: the first {len(compared)} sources at {args.at_once} at once")
        walls = {}
        for at_once in [int(n) for n in args.at_once.split(",")]:
            walls[at_once] = _night(compared, at_once, args)["wall"]
        if len(compared) < len(ports):
            best = min(walls, key=walls.get)
            print(f"the night: all {len(ports)} sources at {best} at once (the fastest of the comparison)")
            _night(ports, best, args)
    finally:
        server.kill()
        server.wait()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
