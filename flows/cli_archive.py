"""`shahrnameh reparse`: rebuild articles and facts from the raw archive, without the network."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from shahrnameh.flows.cli import (
    ArchiveOption, ClusterOption, DbOption, WorkersOption, _connect, _err, app, print_page_notes,
)
from shahrnameh.flows.settings import default_archive_root


@app.command()
def reparse(
    db: DbOption = None,
    archive: ArchiveOption = None,
    source: Annotated[Optional[str], typer.Option(help="only this source's pages (its name in sources.yaml)")] = None,
    cluster: ClusterOption = None,
    workers: WorkersOption = None,
) -> None:
    """Read every archived article page again with the current nlp and load what changed.

    Touches no network. An article whose text reads the same keeps its version; if its facts
    read differently, the old facts are retired (kept) and the new ones stored. One whose text
    reads differently gets a new version (the old one and its facts stay, superseded). Exit code 0
    when every page was read (pages that failed are recorded in the failures table and
    listed), 2 when the warehouse, the archive or the source cannot be used.
    """
    from rich.console import Console

    from shahrnameh.flows import launch
    from shahrnameh.spiders.archive import ArchiveError
    from shahrnameh.warehouse.db import WarehouseError, default_url

    db_url = db or default_url()
    _connect(db_url)
    archive_root = (archive or default_archive_root()).resolve()
    try:
        result = launch.reparse(db_url, archive_root, source=source, cluster=cluster, workers=workers)
    except (ArchiveError, WarehouseError, launch.LaunchError) as error:
        _err(str(error))
        raise typer.Exit(2)
    healths = result.health.values()
    console = Console()
    console.print(
        f"reparse (run {result.run_id}): pages read {result.pages}, "
        f"articles new {sum(h.articles_new for h in healths)}, "
        f"changed {sum(h.articles_changed for h in healths)}, unchanged {result.unchanged}, "
        f"new facts {sum(h.facts_new for h in healths)}, not articles {len(result.not_article_pages)}, "
        f"failures {len(result.errors)}", markup=False, soft_wrap=True)
    if result.refreshed:
        console.print(f"  {len(result.refreshed)} unchanged texts read other facts now: {result.facts_refreshed} "
                      "facts stored, the earlier ones kept as retired (facts.retired_run_id)", markup=False, soft_wrap=True)
    print_page_notes(console, result.errors, result.not_article_pages)
