"""`shahrnameh export`: a table or view of the warehouse as CSV, JSON lines or Parquet, for researchers."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from shahrnameh.flows.cli import DATE_HELP, DbOption, _connect, _err, app, read_date_option


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="csv (UTF-8 with BOM, opens in spreadsheets), "
                                        "parquet or jsonl")],
    table: Annotated[str, typer.Option("--table", help="a table or view: facts_full, programme_timeline, "
                                       "facts, articles, …")] = "facts_full",
    since: Annotated[Optional[str], typer.Option("--since", help="only articles published on or after "
                                                 "this day; " + DATE_HELP)] = None,
    municipality: Annotated[Optional[str], typer.Option("--municipality", help="a city (its districts "
                                                        "included) or district, any spelling")] = None,
    programme: Annotated[Optional[str], typer.Option("--programme", help="a programme, any spelling")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file to write [default: "
                                                   "standard output; parquet needs a file]")] = None,
    db: DbOption = None,
) -> None:
    """Export a table or view of the warehouse, streamed (flat memory however large it is)."""
    from shahrnameh.warehouse import export as exporting
    from shahrnameh.warehouse.db import WarehouseError

    if format not in exporting.FORMATS:
        _err(f"export: unknown format {format!r}: choose {', '.join(exporting.FORMATS)}")
        raise typer.Exit(2)
    if format == "parquet" and output is None:
        _err("export: parquet is a binary file: give --output FILE")
        raise typer.Exit(2)
    since_day = read_date_option("--since", since)
    engine = _connect(db, existing=True)
    request = exporting.Export(table=table, since=since_day, municipality=municipality, programme=programme)
    partial = output.with_name(output.name + ".partial") if output and replaced_whole(output) else None
    try:
        if output is None:
            count = exporting.write(engine, request, format, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        elif partial is None:
            # A device, pipe or FIFO is written to as it is: renaming a file over it would
            # replace /dev/null itself (as root) or leave the reader of a FIFO waiting forever.
            with open(output, "wb") as out:
                count = exporting.write(engine, request, format, out)
        else:
            # Written aside and renamed when complete: a failed export leaves no half file.
            with open(partial, "wb") as out:
                count = exporting.write(engine, request, format, out)
            partial.replace(output)
    except WarehouseError as error:
        _err(f"export: {error}")
        raise typer.Exit(2) from None
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error of the export. Later writes to
        # the closed pipe at exit would raise again, so stdout is pointed at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as error:
        _err(f"export: cannot write {output}: {error.strerror or error}")
        raise typer.Exit(2) from None
    finally:
        if partial is not None and partial.exists():
            partial.unlink()
    if output is not None:
        typer.echo(f"{count} rows of {table} written to {output}", err=True)


def replaced_whole(output: Path) -> bool:
    """Whether the export is written beside `output` and renamed over it when complete: for a
    regular file or a new name, so a failed export leaves no half file. Anything else that
    exists (a character device such as /dev/null, a FIFO, a pipe, a socket) is written to."""
    try:
        mode = os.stat(output).st_mode
    except OSError:  # not there yet (or not reachable: then writing the partial file says why)
        return True
    return stat.S_ISREG(mode)
