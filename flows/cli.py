"""The `shahrnameh` command line: a thin layer over nlp, the nightly flow and the warehouse."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from shahrnameh.flows.settings import (
    DEFAULT_SOURCES, DEMO_CRAWL_SETTINGS, DEMO_PORT, DEMO_SOURCES, SOURCES_AT_ONCE, default_archive_root,
    quiet_prefect,
)

app = typer.Typer(
    help="Shahrnameh: Persian municipal news → a warehouse of programme facts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="SQLAlchemy URL of the warehouse [default: $SHAHRNAMEH_DB, else a SQLite "
                 "file in $SHAHRNAMEH_HOME, ~/.local/share/shahrnameh]"),
]
ArchiveOption = Annotated[
    Optional[Path],
    typer.Option("--archive", help="Raw page archive (WARC) folder [default: $SHAHRNAMEH_HOME/archive]"),
]

DATE_HELP = ("a date: 2024-03-20 (Gregorian) or 1403-01-01 (Jalali), Latin or Persian digits, "
             "or written out («۲۹ اردیبهشت ۱۴۰۳»)")

ClusterOption = Annotated[
    Optional[str],
    typer.Option("--cluster", envvar="SHAHRNAMEH_CLUSTER",
                 help="run on this Dask scheduler's workers (tcp://HOST:PORT) as a Prefect flow; "
                      "the workers share the warehouse (PostgreSQL) and the archive (same path everywhere)"),
]
WorkersOption = Annotated[
    Optional[int],
    typer.Option("--workers", help="run on a local Dask cluster of N worker processes, as a Prefect flow"),
]

# Every source loaded ("retried": some step only on a second try; the summary says which): exit 0.
COMPLETE_RUNS = ("succeeded", "retried")

FACT_FIELDS = ("value", "category", "unit", "qualifier", "evidence", "municipality", "programme", "attribution")


def _err(message: str) -> None:
    typer.echo(f"shahrnameh: {message}", err=True)


@app.command()
def extract(files: Annotated[list[Path], typer.Argument(metavar="FILE", help=".html, .txt or .pdf files")]) -> None:
    """Read each file as a page and print one JSON object per line: title, date, language, text, facts."""
    from shahrnameh.nlp.document import decode_page, read_document
    from shahrnameh.nlp.pdf import read_pdf
    from shahrnameh.nlp.records import to_json

    failed = 0
    for path in _progress(files, "extracting"):
        try:
            is_html = path.suffix.lower() in (".html", ".htm")
            if path.suffix.lower() == ".pdf":
                document = read_pdf(path.read_bytes())
            elif not is_html and path.suffix.lower() != ".txt":
                raise ValueError(f"unsupported file type {path.suffix or '(none)'}: expected .html, .txt or .pdf")
            else:
                document = read_document(decode_page(path.read_bytes()), is_html=is_html)
        except Exception as error:  # one bad file must not stop the others
            failed += 1
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            _err(f"{path}: {reason}")
            continue
        record = {
            "source": str(path),
            "kind": document.kind,
            # Why a page is no article ("ArvanCloud bot challenge"), as a crawl's classify failure says; else null.
            "reason": None if document.kind in ("article", "report") else document.reason,
            "title": document.title,
            "published": document.published,
            "language": document.language,
            "text": document.text,
            "facts": [{name: getattr(fact, name) for name in FACT_FIELDS} for fact in document.facts],
            "dropped": list(document.dropped),
        }
        print(to_json(record, ensure_ascii=False), flush=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def normalize() -> None:
    """Normalise Persian text from stdin to stdout (ي/ك, digits, spacing, lost ZWNJ)."""
    from shahrnameh.nlp.normalize import normalize as normalize_text

    for line in sys.stdin:
        sys.stdout.write(normalize_text(line.rstrip("\n")) + "\n")


@app.command()
def run(
    sources: Annotated[Path, typer.Option(help="sources file (YAML)")] = DEFAULT_SOURCES,
    db: DbOption = None,
    archive: ArchiveOption = None,
    cluster: ClusterOption = None,
    workers: WorkersOption = None,
    at_once: Annotated[int, typer.Option(
        "--at-once", min=1, max=1024,
        help="sources crawled at a time (default 8); a crawl mostly waits out its source's polite "
             "delay, so a night of many sources wants more (benchmarks/national.py)")] = SOURCES_AT_ONCE,
) -> None:
    """One nightly run over every source: crawl, read, extract facts, load."""
    summary = _run_nightly(sources, db, archive, substitutions=None, crawl_settings=None, cluster=cluster,
                           workers=workers, at_once=at_once)
    raise typer.Exit(0 if summary["status"] in COMPLETE_RUNS else 1)


@app.command()
def demo(db: DbOption = None, archive: ArchiveOption = None, cluster: ClusterOption = None,
         workers: WorkersOption = None) -> None:
    """Serve the local demo site (real pages) on 127.0.0.1, run the nightly flow on it, print a summary."""
    from shahrnameh.demo.site import DemoSite, DemoSiteError

    site = DemoSite(port=DEMO_PORT)
    try:
        site.__enter__()
    except DemoSiteError as error:
        _err(str(error))
        raise typer.Exit(2)
    try:
        typer.echo(f"Demo site: {site.base_url}  (real pages from corpus/, see demo/README.md)", err=True)
        summary = _run_nightly(DEMO_SOURCES, db, archive, substitutions={"site": site.base_url},
                               crawl_settings=DEMO_CRAWL_SETTINGS, cluster=cluster, workers=workers)
    finally:
        site.__exit__(None, None, None)
    typer.echo("Demo site stopped.", err=True)
    raise typer.Exit(0 if summary["status"] in COMPLETE_RUNS else 1)


@app.command()
def summary(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print it as one JSON object, for scripts")] = False,
) -> None:
    """What the warehouse holds: counts, facts by category, the last run and the runs it closed as interrupted."""
    from rich.console import Console

    from shahrnameh.warehouse import queries

    engine = _connect(db, existing=True)
    held = queries.summary(engine)
    if as_json:
        typer.echo(json.dumps(held, ensure_ascii=False, indent=2, default=str))
        return
    print_holdings(Console(), held, engine.url.render_as_string(hide_password=True))


def print_holdings(console, held: dict, where: str) -> None:
    """`summary` for a person: the counts, facts by category as a table, the last run in words
    with the runs it closed as interrupted."""
    from rich.table import Table

    console.print(f"Warehouse: {where}", markup=False, soft_wrap=True)
    console.print(f"sources {held['sources']}, pages {held['pages']}, articles {held['articles']}, "
                  f"facts {held['facts']}, not articles {held['not_articles']}, failures {held['failures']} "
                  "(both listed in table failures)", soft_wrap=True)
    if held["facts_by_category"]:
        table = Table(title="facts by category", title_justify="left")
        table.add_column("category")
        table.add_column("facts", justify="right")
        for category, count in held["facts_by_category"].items():
            table.add_row(category, str(count))
        console.print(table)
    run = held["last_run"]
    if run is None:
        console.print("No run yet.")
        return
    counts = dict(run["counts"] or {})
    kind = counts.pop("kind", "nightly")
    counts.pop("facts_new_by_category", None)
    took = ""
    if run["finished_at"]:
        from datetime import datetime

        seconds = (datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])).total_seconds()
        took = f", took {seconds:.0f} s"
    console.print(f"Last run: {run['id']} ({kind}), {run['status']}, started {run['started_at'][:19].replace('T', ' ')}"
                  f"{took}", markup=False, soft_wrap=True)
    for closed in held["interrupted_closed_by_last_run"]:
        console.print(f"  run {closed['run_id']} was interrupted (last seen alive at "
                      f"{closed['last_seen_at'][:19].replace('T', ' ')} UTC): closed by this run",
                      markup=False, soft_wrap=True)
    if counts:
        console.print("  " + ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in counts.items()),
                      markup=False, soft_wrap=True)
    errors = run["errors"] or []
    console.print(f"  errors: {len(errors) or 'none'}", soft_wrap=True)
    for error in errors[:LISTED]:
        console.print(f"  failure: {error}", markup=False, soft_wrap=True)
    if len(errors) > LISTED:
        console.print(f"  … and {len(errors) - LISTED} more (runs.errors)", soft_wrap=True)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SELECT")],
    db: DbOption = None,
    timeout: Annotated[Optional[float], typer.Option(
        help="stop the query after this many seconds [default: 60]", min=0.1)] = None,
    max_rows: Annotated[Optional[int], typer.Option(help="stop the query past this many rows [default: 100000]",
                                                    min=1)] = None,
    max_memory: Annotated[Optional[int], typer.Option(
        help="stop the query past this many MB of memory [default: 256]", min=1)] = None,
) -> None:
    """Run a read-only SQL query on the warehouse and print the rows as tab-separated text."""
    from shahrnameh.warehouse import queries
    from shahrnameh.warehouse.db import WarehouseError

    engine = _connect(db, existing=True)
    try:
        limits = {name: value for name, value in (("timeout_s", timeout), ("max_rows", max_rows),
                                                  ("max_megabytes", max_memory)) if value is not None}
        columns, rows = queries.run_sql(engine, query, **limits)
    except WarehouseError as error:
        _err(str(error))
        raise typer.Exit(2)
    print("\t".join(columns))
    for row in rows:
        print("\t".join("" if value is None else str(value) for value in row))


@app.command()
def schedule(
    sources: Annotated[Path, typer.Option(help="sources file (YAML)")] = DEFAULT_SOURCES,
    db: DbOption = None,
    archive: ArchiveOption = None,
) -> None:
    """Serve the nightly deployment (02:00 Asia/Tehran) to a Prefect server; runs until stopped.

    Without PREFECT_API_URL, Prefect starts a temporary server that lives as long as this
    command: the schedule then holds only while it runs, and the command says so.
    """
    import asyncio
    import signal

    quiet_prefect()
    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL

    from shahrnameh.flows.nightly import nightly_deployment
    from shahrnameh.flows.settings import NIGHTLY_CRON, NIGHTLY_TIMEZONE
    from shahrnameh.warehouse.db import default_url

    temporary = not PREFECT_API_URL.value()
    if temporary:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the one Prefect's client will use
        server.start()
        typer.echo(f"shahrnameh: no Prefect server configured (PREFECT_API_URL is unset): started a temporary "
                   f"one at {server.address}. It stops when this command stops, and nothing will run after "
                   "that; for a lasting schedule run `prefect server start` and set PREFECT_API_URL "
                   "(e.g. http://127.0.0.1:4200/api).", err=True)
    runner = Runner(pause_on_shutdown=True)
    serving: list[asyncio.Task] = []
    # Prefect's own SIGTERM handler calls its async stop() from inside the running loop, which
    # leaves the coroutine unawaited ("coroutine 'Runner.astop' was never awaited"). SIGTERM
    # cancels the serving task instead, as asyncio does on Ctrl-C: the runner then pauses its
    # deployments and the temporary server stops.
    runner.handle_sigterm = lambda *_: [task.get_loop().call_soon_threadsafe(task.cancel) for task in serving]
    # Started in the background by a script (`… &`), a process ignores SIGINT: Ctrl-C and
    # `kill -INT` must still stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    runner.add_deployment(nightly_deployment(str(sources.resolve()), db or default_url(),
                                             str((archive or default_archive_root()).resolve())))

    async def serve_until_stopped() -> None:
        async def say_when_serving() -> None:
            while not runner.started:
                await asyncio.sleep(0.2)
            typer.echo(f"shahrnameh: serving the nightly run ({NIGHTLY_CRON}, {NIGHTLY_TIMEZONE}); "
                       "Ctrl-C stops it.", err=True)

        serving.append(asyncio.current_task())
        saying = asyncio.create_task(say_when_serving())
        try:
            await runner.start()
        finally:
            saying.cancel()

    try:
        asyncio.run(serve_until_stopped())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    typer.echo("shahrnameh: schedule stopped" + (
        "; the temporary Prefect server stops with it, and no nightly run happens until "
        "`shahrnameh schedule` runs again." if temporary else "."), err=True)


def read_date_option(option: str, text: str | None):
    """An option's date read by nlp's one date reader (Jalali or Gregorian by the year, either
    digits); a date it cannot read, or could read two ways, is one line and exit 2."""
    from shahrnameh.nlp.dates import DateError, read_date

    if text is None:
        return None
    try:
        return read_date(text)
    except DateError as error:
        _err(f"{option}: {error}")
        raise typer.Exit(2)


def _progress(items: list, label: str):
    """Items as they are, with a progress bar on a terminal's stderr for long lists."""
    if len(items) < 20 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=label, console=Console(stderr=True), transient=True)


def _connect(db_url: str | None, *, existing: bool = False):
    """The warehouse at `db_url`; with `existing` (commands that only read) one that is
    already there: "no warehouse at …" and exit 2 rather than an empty new one answering 0."""
    from shahrnameh.warehouse.db import WarehouseError, connect, connect_existing

    try:
        return connect_existing(db_url) if existing else connect(db_url)
    except WarehouseError as error:
        _err(str(error))
        raise typer.Exit(2)


def _run_nightly(sources: Path, db_url: str | None, archive: Path | None, *, substitutions, crawl_settings,
                 cluster: str | None = None, workers: int | None = None, at_once: int = SOURCES_AT_ONCE) -> dict:
    from shahrnameh.spiders.sources import SourcesError, load_sources

    try:
        # Checked before Prefect's server starts and before a run is stored: a typo costs
        # a second and leaves no failed run behind.
        load_sources(sources, substitutions=substitutions)
    except SourcesError as error:
        for line in str(error).splitlines():
            _err(line)
        raise typer.Exit(2)
    # Imported only once the sources file is good: the pipeline takes ~0.7 s to import
    # (trafilatura, scrapy, hazm), more than the whole refusal of a bad file may take.
    from shahrnameh import ingest
    from shahrnameh.flows import launch
    from shahrnameh.spiders.archive import ArchiveError
    from shahrnameh.warehouse.db import WarehouseError, default_url

    db_url = db_url or default_url()
    archive_root = (archive or default_archive_root()).resolve()
    _connect(db_url)  # a bad --db fails here, clearly, before anything is crawled
    try:
        # Taken here (the run takes it again), so that a second run refuses before Prefect starts.
        with ingest.exclusive(db_url, archive_root):
            result = launch.nightly(sources, db_url, archive_root, substitutions=substitutions,
                                    crawl_settings=crawl_settings, cluster=cluster, workers=workers,
                                    at_once=at_once)
    except (SourcesError, WarehouseError, ArchiveError, launch.LaunchError) as error:
        _err(str(error))
        raise typer.Exit(2)
    _print_summary(result, db_url)
    return result


RUN_COLUMNS = ("fetched", "new", "changed", "unchanged", "failed", "blocked")
LISTED = 10  # failures and not-article pages printed after a run; the failures table has them all


def _print_summary(result: dict, db_url: str, console=None) -> None:
    from rich.console import Console

    console = console or Console()
    for closed in result.get("interrupted", []):
        console.print(f"run {closed['run_id']} was interrupted (last seen alive at {closed['last_seen_at']} UTC): "
                      f"closed as interrupted; this run completes what it had not loaded", markup=False,
                      soft_wrap=True)
    counts = result["counts"]
    console.print(run_table(result, console))
    console.print(f"sources {counts.get('sources', 0)}, pages fetched {counts.get('pages_fetched', 0)}, "
                  f"new articles {counts.get('articles_new', 0)}, changed {counts.get('articles_changed', 0)}, "
                  f"new facts {counts.get('facts_new', 0)}, not articles {len(result['not_article_pages'])}, "
                  f"failures {len(result['errors'])}", soft_wrap=True)
    by_category = counts.get("facts_new_by_category") or {}
    if by_category:
        console.print("new facts by category: " + ", ".join(
            f"{name} {n}" for name, n in sorted(by_category.items(), key=lambda kv: -kv[1])), soft_wrap=True)
    print_page_notes(console, result["errors"], result["not_article_pages"])
    console.print(f"\nWarehouse: {db_url}\nQuery it:\n"
                  f"  .venv/bin/shahrnameh summary --db '{db_url}'\n"
                  f"  .venv/bin/shahrnameh sql \"SELECT category, count(*) FROM facts GROUP BY category\" --db '{db_url}'",
                  markup=False, soft_wrap=True)


def run_table(result: dict, console):
    """The run's line per source: a table with a column per count when it fits the console
    unwrapped, else (80 columns: cron mail, logs) each source's name on a line of its own
    and its counts named in words under it, so that no source name or heading is cut."""
    from rich.console import Group
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    title = f"Run {result['run_id']}: {result['status']}"
    table = Table(title=title)
    table.add_column("source", no_wrap=True)
    for column in (*RUN_COLUMNS, "articles +", "facts +"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in result["sources"]:
        table.add_row(row["source"], *(str(row[k]) for k in RUN_COLUMNS),
                      str(row["articles_new"] + row["articles_changed"]), str(row["facts_new"]))
    unbounded = console.options.update_width(10_000)  # its natural width, not squeezed to the console
    if Measurement.get(console, unbounded, table).maximum <= console.width:
        return table
    lines = [Text(title, style="italic")]
    for row in result["sources"]:
        lines.append(Text(row["source"], style="bold"))
        for items in ([f"{k} {row[k]}" for k in RUN_COLUMNS],
                      [f"articles +{row['articles_new'] + row['articles_changed']}", f"facts +{row['facts_new']}"]):
            lines += [Text("  " + line) for line in _packed(items, console.width - 2)]
    return Group(*lines)


def _packed(items: list[str], width: int) -> list[str]:
    """Items joined by ", " into lines of at most `width`, never breaking one («blocked 0»)."""
    lines = [""]
    for item in items:
        joined = f"{lines[-1]}, {item}" if lines[-1] else item
        if len(joined) > width and lines[-1]:
            lines[-1] += ","
            lines.append(item)
        else:
            lines[-1] = joined
    return lines


def print_page_notes(console, errors: list[str], not_article_pages: list[str]) -> None:
    """What went wrong, then the pages that were read but are no article (not errors). Each
    on one line the terminal wraps, so that a URL is never broken by a hard line end."""
    for label, notes in (("failure", errors), ("not an article", not_article_pages)):
        for note in notes[:LISTED]:
            console.print(f"  {label}: {note}", markup=False, soft_wrap=True)
        if len(notes) > LISTED:
            where = "stage 'classify'" if label == "not an article" else "other stages"
            console.print(f"  … and {len(notes) - LISTED} more (table failures, {where})", soft_wrap=True)


def main() -> None:
    app()
from shahrnameh.flows import cli_quality  # noqa: E402,F401
from shahrnameh.flows import cli_journalism  # noqa: E402,F401
from shahrnameh.flows import cli_research  # noqa: E402,F401
from shahrnameh.flows import cli_archive  # noqa: E402,F401
