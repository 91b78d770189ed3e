"""The `shahrnameh` command line: a thin layer over nlp, the nightly flow and the warehouse."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from shahrnameh.flows.settings import (
    DEFAULT_SOURCES, DEMO_CRAWL_SETTINGS, DEMO_PORT, DEMO_SOURCES, default_archive_root, quiet_prefect,
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

# Every source loaded ("retried": some step only on a second try; the summary says which): exit 0.
COMPLETE_RUNS = ("succeeded", "retried")

FACT_FIELDS = ("value", "category", "unit", "qualifier", "evidence", "municipality", "programme")


def _err(message: str) -> None:
    typer.echo(f"shahrnameh: {message}", err=True)


@app.command()
def extract(files: Annotated[list[Path], typer.Argument(help=".html, .txt or .pdf files")]) -> None:
    """Read each file as a page and print one JSON object per line: title, date, language, text, facts."""
    from shahrnameh.nlp.document import decode_page, read_document
    from shahrnameh.nlp.pdf import read_pdf

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
            "title": document.title,
            "published": document.published,
            "language": document.language,
            "text": document.text,
            "facts": [{name: getattr(fact, name) for name in FACT_FIELDS} for fact in document.facts],
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
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
) -> None:
    """One nightly run over every source: crawl, read, extract facts, load."""
    summary = _run_nightly(sources, db, archive, substitutions=None, crawl_settings=None)
    raise typer.Exit(0 if summary["status"] in COMPLETE_RUNS else 1)


@app.command()
def demo(db: DbOption = None, archive: ArchiveOption = None) -> None:
    """Serve the local demo site (real pages) on 127.0.0.1, run the nightly flow on it, print a summary."""
    from shahrnameh.demosite import DemoSite, DemoSiteError

    site = DemoSite(port=DEMO_PORT)
    try:
        site.__enter__()
    except DemoSiteError as error:
        _err(str(error))
        raise typer.Exit(2)
    try:
        typer.echo(f"Demo site: {site.base_url}  (real pages from corpus/, see demo/README.md)", err=True)
        summary = _run_nightly(DEMO_SOURCES, db, archive, substitutions={"site": site.base_url},
                               crawl_settings=DEMO_CRAWL_SETTINGS)
    finally:
        site.__exit__(None, None, None)
    typer.echo("Demo site stopped.", err=True)
    raise typer.Exit(0 if summary["status"] in COMPLETE_RUNS else 1)


@app.command()
def summary(db: DbOption = None) -> None:
    """What the warehouse holds: counts, facts by category, the last run."""
    from shahrnameh.warehouse import queries

    engine = _connect(db)
    typer.echo(json.dumps(queries.summary(engine), ensure_ascii=False, indent=2, default=str))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SELECT")],
    db: DbOption = None,
    timeout: Annotated[Optional[float], typer.Option(
        help="stop the query after this many seconds [default: 60]", min=0.1)] = None,
    max_rows: Annotated[Optional[int], typer.Option(help="stop the query past this many rows [default: 100000]",
                                                    min=1)] = None,
) -> None:
    """Run a read-only SQL query on the warehouse and print the rows as tab-separated text."""
    from shahrnameh.warehouse import queries
    from shahrnameh.warehouse.db import WarehouseError

    engine = _connect(db)
    try:
        limits = {name: value for name, value in (("timeout_s", timeout), ("max_rows", max_rows)) if value is not None}
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
    """Serve the nightly deployment (02:00 Asia/Tehran) to a Prefect server; runs until stopped."""
    quiet_prefect()
    from prefect import serve

    from shahrnameh.flows.nightly import nightly_deployment
    from shahrnameh.warehouse.db import default_url

    serve(nightly_deployment(str(sources.resolve()), db or default_url(),
                             str((archive or default_archive_root()).resolve())))


def _progress(items: list, label: str):
    """Items as they are, with a progress bar on a terminal's stderr for long lists."""
    if len(items) < 20 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=label, console=Console(stderr=True), transient=True)


def _connect(db_url: str | None):
    from shahrnameh.warehouse.db import WarehouseError, connect

    try:
        return connect(db_url)
    except WarehouseError as error:
        _err(str(error))
        raise typer.Exit(2)


def _run_nightly(sources: Path, db_url: str | None, archive: Path | None, *, substitutions, crawl_settings) -> dict:
    from shahrnameh.spiders.sources import SourcesError, load_sources

    try:
        # Checked before Prefect's server starts and before a run is stored: a typo costs
        # a second and leaves no failed run behind.
        load_sources(sources, substitutions=substitutions)
    except SourcesError as error:
        for line in str(error).splitlines():
            _err(line)
        raise typer.Exit(2)
    from shahrnameh.flows.pipeline import exclusive_run
    from shahrnameh.spiders.archive import ArchiveError
    from shahrnameh.warehouse.db import WarehouseError, default_url

    db_url = db_url or default_url()
    archive_root = (archive or default_archive_root()).resolve()
    engine = _connect(db_url)  # a bad --db fails here, clearly, before anything is crawled
    try:
        # Taken here too (the flow takes it again), so that a second run refuses before Prefect starts.
        with exclusive_run(engine, archive_root):
            quiet_prefect()
            from shahrnameh.flows.nightly import nightly

            result = nightly(str(sources), db_url, str(archive_root),
                             substitutions=substitutions, crawl_settings=crawl_settings)
    except (SourcesError, WarehouseError, ArchiveError) as error:
        _err(str(error))
        raise typer.Exit(2)
    _print_summary(result, db_url)
    return result


def _print_summary(result: dict, db_url: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for closed in result.get("interrupted", []):
        console.print(f"run {closed['run_id']} was interrupted (last seen alive at {closed['last_seen_at']} UTC): "
                      f"closed as interrupted; this run completes what it had not loaded", markup=False,
                      soft_wrap=True)
    counts = result["counts"]
    table = Table(title=f"Run {result['run_id']}: {result['status']}")
    for column in ("source", "fetched", "new", "changed", "unchanged", "failed", "blocked",
                   "articles +", "facts +"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for row in result["sources"]:
        table.add_row(row["source"], *(str(row[k]) for k in ("fetched", "new", "changed", "unchanged",
                      "failed", "blocked")), str(row["articles_new"] + row["articles_changed"]),
                      str(row["facts_new"]))
    console.print(table)
    console.print(f"sources {counts.get('sources', 0)}, pages fetched {counts.get('pages_fetched', 0)}, "
                  f"new articles {counts.get('articles_new', 0)}, changed {counts.get('articles_changed', 0)}, "
                  f"new facts {counts.get('facts_new', 0)}, failures {len(result['errors'])}")
    by_category = counts.get("facts_new_by_category") or {}
    if by_category:
        console.print("new facts by category: " + ", ".join(
            f"{name} {n}" for name, n in sorted(by_category.items(), key=lambda kv: -kv[1])))
    for error in result["errors"][:10]:
        console.print(f"  failure: {error}", markup=False)
    if len(result["errors"]) > 10:
        console.print(f"  … and {len(result['errors']) - 10} more (table failures)")
    console.print(f"\nWarehouse: {db_url}\nQuery it:\n"
                  f"  .venv/bin/shahrnameh summary --db '{db_url}'\n"
                  f"  .venv/bin/shahrnameh sql \"SELECT category, count(*) FROM facts GROUP BY category\" --db '{db_url}'",
                  markup=False)


def main() -> None:
    app()
from shahrnameh.flows import cli_quality  # noqa: E402,F401
from shahrnameh.flows import cli_journalism  # noqa: E402,F401
from shahrnameh.flows import cli_research  # noqa: E402,F401
from shahrnameh.flows import cli_archive  # noqa: E402,F401
