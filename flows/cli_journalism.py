"""Commands for journalists: a programme's timeline (table and chart), what's new, and Datasette."""

from __future__ import annotations

import html
import sys
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from shahrnameh.flows.cli import DATE_HELP, DbOption, _connect, _err, app, read_date_option

QUALIFIER_WORDS = {"exact": "", "more_than": "more than", "less_than": "less than", "about": "about",
                   "at_least": "at least", "up_to": "up to"}


@app.command()
def timeline(
    programme: Annotated[str, typer.Argument(help="programme name, any spelling («شورایاری», «شورای‌یاری»)")],
    municipality: Annotated[Optional[str], typer.Option(
        "--municipality", "-m", help="only this city (its districts included) or district")] = None,
    db: DbOption = None,
    png: Annotated[Optional[Path], typer.Option("--png", help="also draw the timeline chart into this PNG file")] = None,
) -> None:
    """A programme's numbers by date, with municipality, source and evidence; optionally a PNG chart."""
    from rich.console import Console

    from shahrnameh.warehouse import journalism
    from shahrnameh.warehouse.db import WarehouseError

    if png is not None and png.suffix.lower() != ".png":
        _err(f"--png {png}: the chart is a PNG image: give a file name ending in .png")
        raise typer.Exit(2)
    engine = _connect(db, existing=True)
    try:
        found = journalism.timeline(engine, programme, municipality)
    except WarehouseError as error:
        _err(str(error))
        raise typer.Exit(2)
    where = f" in {', '.join(found.municipalities)}" if found.municipalities else ""
    if not found.rows:
        _err(f"«{found.programme}»{where}: no numbers in the warehouse yet")
        raise typer.Exit(1 if png else 0)

    print_timeline(Console(), f"{found.programme}{where}: {_plural(len(found.rows), 'number')}", found.rows)
    if png:
        from shahrnameh.flows.charts import ChartError, timeline_png

        subtitle = _plural(len(found.rows), "number") + (f" · {', '.join(found.municipalities)}" if found.municipalities else "")
        try:
            timeline_png(found.rows, found.programme, png, subtitle=subtitle)
        except ChartError as error:
            _err(str(error))
            raise typer.Exit(1)
        typer.echo(f"chart: {png}", err=True)


def print_timeline(console, title: str, rows: list[dict]) -> None:
    """One block per number, not a table: a heading line (date in both calendars, place),
    the number, its evidence sentence wrapped whole, and the source with its link on a line
    of its own, so that at 80 columns (cron mail, a laptop) nothing is cut or broken."""
    from rich.padding import Padding
    from rich.text import Text

    from shahrnameh.flows.charts import format_value, jalali_label

    console.print(Text(title, style="bold"))
    for row in rows:
        day = date.fromisoformat(row["date"])
        when = (f"{row['date']} · {jalali_label(day)}" if row["dated"]
                else f"{row['date']} (no date given: first stored)")
        qualifier = QUALIFIER_WORDS.get(row["qualifier"], row["qualifier"])
        number = f"{qualifier + ' ' if qualifier else ''}{format_value(row['value'])} {row['unit']}"
        console.print()
        console.print(Text(f"{when} · {row['municipality'] or '—'}", style="bold"))
        console.print(Padding(Text(f"{row['category']}: {number}"), (0, 0, 0, 2), expand=False))
        console.print(Padding(Text(" ".join(row["evidence"].split())), (0, 0, 0, 2), expand=False))
        console.print(Text(f"  {row['source']}: {row['url']}"), soft_wrap=True)


@app.command()
def whatsnew(
    since: Annotated[str, typer.Option("--since", help=DATE_HELP)],
    format: Annotated[str, typer.Option("--format", help="markdown or html")] = "markdown",
    programme: Annotated[Optional[str], typer.Option("--programme", "-p", help="only this programme")] = None,
    municipality: Annotated[Optional[str], typer.Option(
        "--municipality", "-m", help="only this city (its districts included) or district")] = None,
    db: DbOption = None,
) -> None:
    """New and changed programme numbers stored since a date, by municipality, with link and evidence."""
    from shahrnameh.warehouse import journalism
    from shahrnameh.warehouse.db import WarehouseError

    if format not in ("markdown", "html"):
        _err(f"unknown --format {format!r}: expected markdown or html")
        raise typer.Exit(2)
    day = read_date_option("--since", since)
    engine = _connect(db, existing=True)
    try:
        groups = journalism.whatsnew(engine, day, programme, municipality)
    except WarehouseError as error:
        _err(str(error))
        raise typer.Exit(2)
    sys.stdout.write(render_html(groups, day) if format == "html" else render_markdown(groups, day))


@app.command()
def serve(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8001,
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
) -> None:
    """Browse the SQLite warehouse in Datasette, read-only, with canned timeline and what's-new queries."""
    from sqlalchemy.engine import make_url

    from shahrnameh.warehouse.datasette_metadata import metadata
    from shahrnameh.warehouse.db import default_url

    url = db or default_url()
    try:
        parsed = make_url(url)
    except Exception:
        _err(f"not a database URL: {url}")
        raise typer.Exit(2)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        _err(f"serve needs a SQLite warehouse file, not {parsed.get_backend_name()}: export the tables "
             "(shahrnameh export) into SQLite first, or point a PostgreSQL client at the database")
        raise typer.Exit(2)
    path = Path(parsed.database)
    if not path.is_file():
        _err(f"no warehouse at {path}")
        raise typer.Exit(2)
    if not _is_warehouse(path):
        _err(f"{path} is not a Shahrnameh warehouse (no alembic_version table)")
        raise typer.Exit(2)
    # The canned queries read views of the newest schema: migrate before serving read-only.
    _connect(url).dispose()
    _run_datasette(path, metadata(path.stem), host, port)


def _is_warehouse(path: Path) -> bool:
    import sqlite3

    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone() is not None
    except sqlite3.DatabaseError:
        return False


def _run_datasette(path: Path, meta: dict, host: str, port: int) -> None:
    import json

    from datasette.cli import serve as datasette_serve
    from datasette.plugins import pm

    from shahrnameh.flows import web
    from shahrnameh.warehouse import datasette_metadata

    for plugin, name in ((datasette_metadata, "shahrnameh"), (web, "shahrnameh-web")):
        if not pm.is_registered(plugin):
            pm.register(plugin, name=name)
    with tempfile.TemporaryDirectory(prefix="shahrnameh-serve-") as folder:
        meta_file = Path(folder) / "metadata.json"
        meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        typer.echo(f"Datasette on http://{host}:{port}/ (read-only; Ctrl-C stops it)", err=True)
        # Not --immutable: SQLite's immutable mode ignores the write-ahead log, so numbers a
        # nightly run has not yet checkpointed would be missing. Datasette reads a mutable file
        # through mode=ro connections, and it gets no write query and no write plugin.
        datasette_serve.main(
            args=[str(path), "--metadata", str(meta_file), "--host", host, "--port", str(port),
                  "--template-dir", str(web.TEMPLATES),
                  "--setting", "sql_time_limit_ms", "5000", "--setting", "allow_download", "off"],
            prog_name="shahrnameh serve", standalone_mode=True)


def _when(item: dict) -> str:
    from shahrnameh.flows.charts import jalali_label

    if not item["dated"]:
        return f"undated, stored {item['date']}"
    return f"{item['date']} ({jalali_label(date.fromisoformat(item['date']))})"


def _number(item: dict) -> str:
    return f"{_amount(item)} {item['unit']}"


def _amount(item: dict) -> str:
    """«more than 350 → 420»: the qualifier and the value (old → new), without the unit."""
    from shahrnameh.flows.charts import format_value

    qualifier = QUALIFIER_WORDS.get(item["qualifier"], item["qualifier"])
    value = format_value(item["value"])
    if item["status"] == "changed":
        value = f"{format_value(item['old_value'])} → {value}"
    elif item["status"] == "dropped":
        value = f"{format_value(item['old_value'])} → (no longer stated)"
    return f"{qualifier + ' ' if qualifier else ''}{value}"


def _counts(groups: dict[str, list[dict]]) -> str:
    items = [item for group in groups.values() for item in group]
    by_status = {status: sum(item["status"] == status for item in items) for status in ("new", "changed", "dropped")}
    return (f"{_plural(len(items), 'number')}: {by_status['new']} new, {by_status['changed']} changed, "
            f"{by_status['dropped']} dropped, in {_plural(len(groups), 'municipality', 'municipalities')}")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def render_markdown(groups: dict[str, list[dict]], since: date) -> str:
    from shahrnameh.flows.charts import jalali_label

    lines = [f"# What's new since {since.isoformat()} ({jalali_label(since)})", "", _counts(groups), ""]
    for place, items in groups.items():
        lines += [f"## {place or 'No municipality named'}", ""]
        for item in items:
            programme = f"{item['programme']} · " if item["programme"] else ""
            link = f"[{item['source']}]({item['url'].replace(' ', '%20').replace(')', '%29')})"
            lines.append(f"- **{item['status']}** · {programme}{item['category']}: {_number(item)} · "
                         f"{_when(item)} · {link}")
            evidence = " ".join(item["evidence"].split())
            lines.append(f"  > {evidence}")
        lines.append("")
    return "\n".join(lines)


def render_html(groups: dict[str, list[dict]], since: date) -> str:
    """One standalone page. English words frame Persian names, units and dates: each Persian
    run is isolated in a <bdi>, so that «(۱ آذر ۱۴۰۵)» inside an English heading keeps its own
    order instead of becoming «(۱ ۱۴۰۵ آذر)», and «50 → 60» stays left to right beside its unit."""
    from shahrnameh.flows.charts import jalali_label

    esc = html.escape

    def isolated(text: str) -> str:
        return f"<bdi>{esc(text)}</bdi>"

    def when(item: dict) -> str:
        if not item["dated"]:
            return f"undated, stored {esc(item['date'])}"
        return f"{esc(item['date'])} ({isolated(jalali_label(date.fromisoformat(item['date'])))})"

    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
             f"<title>What's new since {since.isoformat()}</title>",
             "<style>body{font-family:'Noto Naskh Arabic','Vazirmatn',sans-serif;max-width:60em;margin:auto}"
             "blockquote{border-right:3px solid #ccc;margin:.3em 0;padding-right:.8em}"
             ".changed{color:#b3541e}.dropped{color:#888}</style></head><body>",
             f"<h1>What's new since {esc(since.isoformat())} ({isolated(jalali_label(since))})</h1>",
             f"<p>{esc(_counts(groups))}</p>"]
    for place, items in groups.items():
        heading = f'<h2 dir="rtl" lang="fa">{esc(place)}</h2>' if place else "<h2>No municipality named</h2>"
        parts.append(f"<section>{heading}<ul>")
        for item in items:
            programme = f'{isolated(item["programme"])} · ' if item["programme"] else ""
            parts.append(
                f'<li class="{esc(item["status"])}"><b>{esc(item["status"])}</b> · {programme}{esc(item["category"])}: '
                f'{esc(_amount(item))} {isolated(item["unit"])} · {when(item)} · '
                f'<a href="{esc(item["url"], quote=True)}">{isolated(item["source"])}</a>'
                f'<blockquote dir="rtl" lang="fa">{esc(item["evidence"])}</blockquote></li>')
        parts.append("</ul></section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
