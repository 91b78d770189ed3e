"""The web view's own parts on top of Datasette: a Datasette plugin that `shahrnameh serve`
registers, with the templates in `flows/templates/`.

- Persian right to left: a cell with Persian letters is wrapped in `dir="auto"`, and
  headings, paragraphs and cells take the direction of their first letter (CSS
  `unicode-bidi: plaintext`), so Persian reads right to left and English left to right.
  A Persian name inside an English description is isolated in a <bdi> (the filter
  `isolate_persian`; the metadata's `description_html`), so that two names keep their order.
- The front page is the journalist's questions (`templates/database.html`); `/` leads there.
- `/-/feed.atom[?programme=…][&municipality=…]`: what's new as an Atom feed.
- `/-/timeline.png?programme=…[&municipality=…]`: a programme's chart, shown on its page.
- The server only reads: every request but GET and HEAD answers 405.

Wiring only: the SQL is in `warehouse/datasette_metadata.py` and `warehouse/journalism.py`,
the drawing in `flows/charts.py`.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import threading
import urllib.parse
from datetime import date, datetime, timezone
from pathlib import Path

from datasette import hookimpl
from datasette.utils import is_url
from datasette.utils.asgi import Response
from markupsafe import Markup

from shahrnameh.warehouse import datasette_metadata as queries

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = Path(__file__).resolve().parent / "static" / "shahrnameh.css"
FEED_ENTRIES = 200
FEED_PATH = "/-/feed.atom"
CHART_PATH = "/-/timeline.png"
# Arabic-script letters (Persian included): a cell holding one is laid out by its own direction.
_RTL_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_STATUS_WORDS = {"new": "new · تازه", "changed": "changed · تغییر"}
_drawing = threading.Lock()  # matplotlib's pyplot state is one per process


def feed_url(programme: str | None = None, municipality: str | None = None) -> str:
    query = {key: value for key, value in (("programme", programme), ("municipality", municipality)) if value}
    return FEED_PATH + ("?" + urllib.parse.urlencode(query) if query else "")


def chart_url(programme: str, municipality: str | None = None) -> str:
    query = {"programme": programme, **({"municipality": municipality} if municipality else {})}
    return CHART_PATH + "?" + urllib.parse.urlencode(query)


@hookimpl
def render_cell(value):
    if isinstance(value, str) and _RTL_LETTER.search(value) and not is_url(value.strip()):
        return Markup('<div dir="auto">{}</div>').format(value)
    return None


@hookimpl
def prepare_jinja2_environment(env):
    # For the templates' English texts that name Persian ones (descriptions): each name in a <bdi>.
    env.filters["isolate_persian"] = lambda text: Markup(queries.isolate_persian(str(text)))


@hookimpl
def extra_css_urls():
    return ["/-/shahrnameh.css"]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            # Datasette answers a POST to a canned query with a 500 (its view returns a tuple
            # where a response is due): refuse every method that is not a read, before it.
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
                await Response.text(
                    f"405 Method Not Allowed: {scope['method']}: the Shahrnameh web view only reads (use GET)",
                    status=405, headers={"Allow": "GET, HEAD"}).asgi_send(send)
                return
            refused = _unreadable_since(scope)
            if refused:
                await Response.text(refused, status=400).asgi_send(send)
                return
            await app(scope, receive, send)
        return read_only
    return wrap


_WHATSNEW_PAGE = re.compile(r"^/[^/]+/whatsnew(\.[a-z]+)?$")


def _unreadable_since(scope) -> str | None:
    """The canned what's-new query's :since that the one date reader cannot read (or reads two
    ways): its one-line message, as the command line's `--since` says it; else None. Inside
    the SQL (`since_date`) such a date could only fail as SQLite's "user-defined function
    raised exception"."""
    from shahrnameh.nlp.dates import DateError

    if scope["type"] != "http" or not _WHATSNEW_PAGE.match(scope["path"]):
        return None
    query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    try:
        for since in query.get("since", []):
            queries.since_date(since)
    except DateError as error:
        return f"since: {error}\n"
    return None


@hookimpl
def register_routes():
    return [
        (r"^/$", _front_page),
        (r"^/-/shahrnameh\.css$", _css),
        (r"^/-/feed\.atom$", _feed),
        (r"^/-/timeline\.png$", _chart),
    ]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def variables():
        found = {"feed_all": FEED_PATH, "front_tables": queries.FRONT_TABLES}
        if request is None or database is None:
            return found
        db = datasette.get_database(database)
        if view_name == "row" and table in ("programmes", "municipalities"):
            pk = request.url_vars.get("pks", "")
            row = (await db.execute(f"SELECT name FROM {table} WHERE id = ?", [_int(pk)])).first()
            if row is not None and table == "programmes":
                found.update(chart=chart_url(row["name"]), feed=feed_url(programme=row["name"]),
                             about=row["name"])
            elif row is not None:
                found.update(feed=feed_url(municipality=row["name"]), about=row["name"])
        elif template.startswith("query") and request.url_vars.get("table") == "timeline":
            programme = (request.args.get("programme") or "").strip()
            name = programme and await _programme_name(db, programme)
            if name:
                found.update(chart=chart_url(name), feed=feed_url(programme=name), about=name)
        return found
    return variables


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1


async def _front_page(datasette):
    return Response.redirect(datasette.urls.database(datasette.get_database().name))


async def _css():
    return Response(CSS.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=300"})


async def _programme_name(db, written: str) -> str | None:
    return (await db.execute(queries.PROGRAMME_NAME, {"programme": written})).first()["name"]


async def _municipality_name(db, written: str) -> str | None:
    row = (await db.execute(queries.MUNICIPALITY_NAME, {"municipality": written})).first()
    return row["name"] if row else None


def _not_found(message: str) -> Response:
    return Response.text(message, status=404)


async def _feed(datasette, request):
    from feedgen.feed import FeedGenerator

    from shahrnameh.flows.charts import format_value, jalali_label

    db = datasette.get_database()
    written_programme = (request.args.get("programme") or "").strip()
    written_municipality = (request.args.get("municipality") or "").strip()
    programme = municipality = None
    if written_programme and not (programme := await _programme_name(db, written_programme)):
        return _not_found(f"no programme named «{written_programme}»")
    if written_municipality and not (municipality := await _municipality_name(db, written_municipality)):
        return _not_found(f"no municipality named «{written_municipality}»")
    rows = (await db.execute(queries.FEED_QUERY, {
        "since": "", "programme": programme or "", "municipality": municipality or "",
        "limit": FEED_ENTRIES})).rows

    def absolute(path: str) -> str:
        return datasette.absolute_url(request, path)

    feed = FeedGenerator()
    self_url = absolute(feed_url(programme, municipality))
    feed.id(self_url)
    feed.title(" · ".join(["شهرنامه: تازه‌ها · Shahrnameh: what's new", *filter(None, (programme, municipality))]))
    feed.subtitle("New and changed programme numbers in Persian municipal news, each with its sentence and "
                  "source; newest first, at most " + str(FEED_ENTRIES) + ".")
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    whatsnew = absolute(datasette.urls.database(db.name) + "/whatsnew?" + urllib.parse.urlencode(
        {"since": "", "programme": programme or "", "municipality": municipality or ""}))
    feed.link(href=whatsnew, rel="alternate", type="text/html")
    feed.language("fa")
    feed.updated(max((_utc(row["stored"]) for row in rows), default=datetime(1970, 1, 1, tzinfo=timezone.utc)))
    for row in rows:
        entry = feed.add_entry(order="append")
        fact_page = absolute(datasette.urls.row(db.name, "facts", str(row["fact_id"])))
        entry.id(fact_page)
        value = format_value(row["value"])
        if row["status"] == "changed":
            value = f"{format_value(row['previous_value'])} → {value}"
        about = " · ".join(filter(None, (row["programme"], row["municipality"], row["category"])))
        entry.title(f"{_STATUS_WORDS.get(row['status'], row['status'])} · {about}: {value} {row['unit']}")
        # One link, the article: feedgen 1.0.0 writes an entry's links without their rel, so a
        # second one (the number's page) would read as another alternate; the content links it.
        entry.link(href=row["url"], rel="alternate")
        entry.updated(_utc(row["stored"]))
        entry.author({"name": row["source"]})
        for term in filter(None, (row["programme"], row["municipality"], row["category"])):
            entry.category(term=term)
        when = "no date given"
        if row["published"]:
            when = f"{row['published']} (<bdi>{html.escape(jalali_label(date.fromisoformat(row['published'])))}</bdi>)"
        entry.content(
            f'<p dir="rtl" lang="fa">{html.escape(row["evidence"])}</p>'
            f'<p>source: <a href="{html.escape(row["url"], quote=True)}">{html.escape(row["source"])}</a>'
            f" · published {when} · <a href=\"{html.escape(fact_page, quote=True)}\">this number in the warehouse</a></p>",
            type="html")
    return Response(feed.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


def _utc(stored) -> datetime:
    moment = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


async def _chart(datasette, request):
    from shahrnameh.flows.charts import ChartError, timeline_png
    from shahrnameh.warehouse import journalism
    from shahrnameh.warehouse.db import read_only_sqlite

    programme = (request.args.get("programme") or "").strip()
    municipality = (request.args.get("municipality") or "").strip() or None
    if not programme:
        return Response.text("give a programme: /-/timeline.png?programme=…", status=400)
    path = datasette.get_database().path

    def draw() -> bytes | str:
        engine = read_only_sqlite(Path(path))
        try:
            found = journalism.timeline(engine, programme, municipality)
        finally:
            engine.dispose()
        if not found.rows:
            return f"«{found.programme}»: no numbers in the warehouse yet"
        buffer = io.BytesIO()
        with _drawing:
            timeline_png(found.rows, found.programme, buffer,
                         subtitle=f"{len(found.rows)} number{'s' if len(found.rows) != 1 else ''}"
                         + (f" · {municipality}" if municipality else ""))
        return buffer.getvalue()

    try:
        drawn = await asyncio.get_running_loop().run_in_executor(None, draw)
    except journalism.NoMatch as error:
        return _not_found(str(error))
    except ChartError as error:
        return Response.text(str(error), status=500)
    if isinstance(drawn, str):
        return _not_found(drawn)
    return Response(drawn, content_type="image/png", headers={"Cache-Control": "max-age=300"})
