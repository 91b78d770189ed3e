"""Datasette's view of the warehouse: titles (Persian and English), every table's and column's
description (from docs/schema.md; as HTML, each Persian name in an English description in a
<bdi>), the canned journalist queries, and the `alias_key()` SQL function they match names
with (a Datasette plugin hook).

Data, not logic: `shahrnameh serve` writes `metadata(name)` to a file for Datasette.
"""

from __future__ import annotations

import html
import re

from datasette import hookimpl

from shahrnameh.nlp.entities import alias_key

TITLE = "شهرنامه · Shahrnameh"
DESCRIPTION_FA = "اعداد برنامه‌های شهری از اخبار فارسی، هر عدد با جمله و صفحهٔ منبعش؛ فقط خواندنی."
DESCRIPTION_EN = ("Numbers of municipal programmes from Persian news, each with its sentence and source page. "
                  "Read-only.")
DESCRIPTION = f"{DESCRIPTION_FA} · {DESCRIPTION_EN}"
# One paragraph per language, so that each is laid out in its own direction.
DESCRIPTION_HTML = f'<p dir="rtl" lang="fa">{DESCRIPTION_FA}</p><p dir="ltr" lang="en">{DESCRIPTION_EN}</p>'

_PERSIAN = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
# A Persian name or phrase in English text: Arabic-script letters and digits, with the spaces,
# half-spaces, Latin digits and «/ . -» between them that names hold («تهران / منطقه 3», «۱.۵
# میلیارد»), but not the quotes, commas and brackets that separate two names.
_PERSIAN_RUN = re.compile(f"[{_PERSIAN}](?:[{_PERSIAN}\u200c\u200d\\s0-9/.\\-]*[{_PERSIAN}])?(?: ?[0-9]+)?")


def isolate_persian(text: str) -> str:
    """`text` as HTML, each Persian run in a <bdi>. In an English sentence two Persian names
    with only punctuation between them are one right-to-left run to the browser, which lays
    «(«سامانه من شهردارم», «شورای محله»)» out with the second name first; a name that starts
    the text makes the whole of it right to left. Isolated, each name reads right to left in its
    place, and the English around them left to right."""
    parts, end = [], 0
    for run in _PERSIAN_RUN.finditer(text):
        parts += [html.escape(text[end:run.start()]), f"<bdi>{html.escape(run.group())}</bdi>"]
        end = run.end()
    parts.append(html.escape(text[end:]))
    return "".join(parts)


# Generated from docs/schema.md (one entry per table, the columns of its table), then the
# tables and columns added after it was written.
TABLES = {'sources': {'description': 'One row per source in `sources.yaml`.',
             'columns': {'id': 'primary key',
                         'name': "the source's name in `sources.yaml`; unique",
                         'start_urls': 'JSON list of the URLs the crawl starts from',
                         'allowed_domains': 'JSON list of the domains the crawl may follow links into',
                         'municipality': 'the municipality the source reports on («تهران»), when it is one',
                         'created_at': 'when the source was first recorded'}},
 'runs': {'description': 'One row per nightly run (the run log; it grows by one row a night).',
          'columns': {'id': 'primary key; the `run_id` everything else refers to',
                      'started_at': 'when the run began',
                      'finished_at': 'when it ended; NULL while running; for an interrupted run, when it '
                                     'was last seen alive',
                      'last_seen_at': 'when the run was last seen alive: it marks itself every 30 s '
                                      '(revision 0006)',
                      'status': '`running`, `succeeded` (every source loaded), `retried` (every source '
                                'loaded, some step on a second try: see errors), `partial` (some sources '
                                'loaded), `failed` (none), `interrupted` (its process died; closed by the '
                                'next run)',
                      'counts': "JSON object of the run's totals (sources, articles, facts, facts by "
                                'category, …) as the flow computed them',
                      'errors': 'JSON list of one-line error messages'}},
 'run_sources': {'description': 'One row per source per run: the status board line. A retried load of the '
                                'same source in the same run replaces its row (unique `run_id, source_id`).',
                 'columns': {'id': 'primary key',
                             'run_id': '→ runs.id',
                             'source_id': '→ sources.id',
                             'fetched': 'URLs that got an HTTP response',
                             'new': 'fetches whose body was new for that URL',
                             'changed': "fetches whose body differed from the URL's last archived one",
                             'unchanged': 'same body as before, or 304 Not Modified',
                             'failed': 'HTTP errors, timeouts, DNS errors, too large, unreadable pages',
                             'blocked': 'bot challenges, robots.txt refusals, off-site redirects',
                             'worker': 'the Dask worker (tcp://HOST:PORT) that ran the source on a cluster '
                                       '(`--cluster`, `--workers`); NULL when the run ran in one process'}},
 'pages': {'description': 'One row per distinct body fetched for a URL (unique `url, sha256`). Fetching the '
                          'same body again only moves `last_run_id` and `last_seen_at`. Fetches without a '
                          'body go to `failures` instead. An error response with a body (a 404 page) is a '
                          'page *and* a failure.',
           'columns': {'id': 'primary key',
                       'source_id': '→ sources.id',
                       'url': 'the URL that answered (after redirects)',
                       'requested_url': 'the URL the spider asked for',
                       'role': 'what the spider took the URL to be: robots, sitemap, feed, listing, article, '
                               'document',
                       'status': 'HTTP status of the first fetch of this body',
                       'fetched_at': 'when this body was first fetched',
                       'content_type': 'Content-Type of the response',
                       'encoding': 'the charset the body was decoded with',
                       'archive_path': 'WARC file holding the body, relative to the archive root',
                       'archive_offset': 'byte offset of its WARC response record',
                       'length': 'body length in bytes',
                       'outcome': 'how the first fetch of this body ended: new, changed, unchanged, failed, '
                                  'blocked',
                       'first_run_id': '→ runs.id: the run that first fetched this body',
                       'last_run_id': '→ runs.id: the latest run that fetched it',
                       'last_seen_at': 'when it was last fetched'}},
 'failures': {'description': 'What went wrong, at which stage. The same failure (same source, URL, stage and '
                             'message) seen in a later run is the same row, with '
                             '`last_run_id`/`last_seen_at` moved: the table lists distinct problems, while '
                             '`run_sources` counts them per run.',
              'columns': {'id': 'primary key',
                          'run_id': '→ runs.id: the run that first hit it',
                          'source_id': '→ sources.id; NULL when no source is known',
                          'url': 'the URL concerned; empty for a failure of a whole source',
                          'stage': '`fetch` (crawl), `read` (decoding/reading the page), `classify` (not an '
                                   'article: block page, empty page), `extract` (one fact dropped: '
                                   'an impossible value), `load` (the warehouse refused the '
                                   "document), `source` (one try of a source's crawl and load, or the whole source, "
                                   'failed)',
                          'message': 'one line: the error, or the outcome when there is none',
                          'created_at': 'when it was first recorded',
                          'last_run_id': '→ runs.id: the latest run that hit it',
                          'last_seen_at': 'when it was last hit'}},
 'articles': {'description': "One row per version of an article's text (unique `url, text_sha256`). Loading "
                             'the same text again changes nothing. A new text for a URL is a new row with '
                             "`version` one more than the URL's highest, and the previous current row gets "
                             '`superseded_by` set to it. If a page goes back to an earlier text, that '
                             'earlier row becomes current again (its `superseded_by` is cleared and the one '
                             'it replaces points at it). The **current version** of a URL is its row with '
                             '`superseded_by IS NULL`.',
              'columns': {'id': 'primary key',
                          'page_id': '→ pages.id: the fetched body it was read from; NULL when loaded from a '
                                     'file',
                          'source_id': '→ sources.id',
                          'url': "the article's URL",
                          'kind': "`article` or `report` (nlp's PAGE_KINDS; other kinds are failures, not "
                                  'articles)',
                          'title': 'the title, normalised',
                          'published': 'publication date (Gregorian), when the page gives one',
                          'language': '`fa` (Persian, Dari included), `ar`, `en`, `other`, `unknown`',
                          'text': 'the normalised title line, then the main text; fact offsets point into it',
                          'version': '1 for the first text of a URL, then 2, 3, …',
                          'superseded_by': '→ articles.id of the version that replaced it; NULL for the '
                                           'current version',
                          'first_run_id': '→ runs.id: the run that loaded this version',
                          'created_at': 'when this version was loaded'}},
 'facts': {'description': 'One row per programme number mention, as docs/FACTS.md defines it. Facts belong '
                          'to one article version and are never deleted: an old version keeps its facts.',
           'columns': {'id': 'primary key',
                       'article_id': '→ articles.id',
                       'ordinal': "position of the fact in the article's facts (0, 1, …); unique per article",
                       'value': 'the number with scale words applied («۱.۵ میلیارد» → 1500000000); '
                                '`Numeric(24, 4)`, integers exact below 10^18 (see below); queries return '
                                'integral values as int',
                       'category': 'council, people, official, project, neighbourhood, district, idea, '
                                   'session, phase, facility, money, percent, duration, area, other',
                       'unit': 'the counted noun phrase, normalised («شورای محله»)',
                       'qualifier': 'exact, more_than, less_than, about, at_least, up_to',
                       'evidence': 'the sentence the fact was read from',
                       'sentence_start': "offsets of `evidence` in the article's `text`",
                       'sentence_end': "offsets of `evidence` in the article's `text`",
                       'number_start': "offsets of the number as written in the article's `text`",
                       'number_end': "offsets of the number as written in the article's `text`",
                       'municipality': '«تهران / منطقه 3», where the text says it',
                       'programme': '«سامانه من شهردارم», where the text names one'}},
 'facts_full': {'description': 'The facts of current article versions only, with their article and '
                               'source: every column of facts, plus url, title, published, language '
                               "of the article and source (the source's name). Start here for your own questions.",
                'columns': {}},
 'alembic_version': {'description': "Alembic's record of the schema revision (`0001` is the initial schema).",
                     'columns': {}}}

TABLES.update({
    "article_bands": {
        "description": "MinHash LSH band keys of an article: articles sharing a (band, bucket) are "
                       "near-duplicate candidates (syndicated copies of one story).",
        "columns": {"article_id": "→ articles.id", "band": "band number (0, 1, …)",
                    "bucket": "hash of the article's MinHash values in that band"},
    },
    "municipalities": {
        "description": "Cities and districts, one row per entity; every spelling seen is in municipality_aliases.",
        "columns": {"id": "primary key", "name": "canonical name («تهران», «تهران / منطقه 3»)",
                    "kind": "city or district", "parent_id": "→ municipalities.id: a district's city"},
    },
    "municipality_aliases": {
        "description": "Every spelling of a municipality's name seen in the news, with its matching key.",
        "columns": {"id": "primary key", "alias": "the name as written", "key": "alias_key(alias): "
                    "digits Latin, ي/ك folded, ZWNJ and spaces removed",
                    "municipality_id": "→ municipalities.id"},
    },
    "programmes": {
        "description": "Named municipal programmes («سامانه من شهردارم», «شورای محله»).",
        "columns": {"id": "primary key", "name": "canonical name"},
    },
    "programme_aliases": {
        "description": "Every spelling of a programme's name seen in the news («شورایاری», «شورای‌یاری»), "
                       "with its matching key.",
        "columns": {"id": "primary key", "alias": "the name as written", "key": "alias_key(alias)",
                    "programme_id": "→ programmes.id"},
    },
    "programme_timeline": {
        "description": "Programme × municipality × category × date → value: facts of current article "
                       "versions, a syndicated story counted once.",
        "columns": {"programme": "programme name (NULL: none named)", "municipality": "municipality name",
                    "category": "what is counted (FACTS.md)", "unit": "the counted noun phrase",
                    "published": "the article's publication date", "value": "the number",
                    "qualifier": "exact, more_than, less_than, about, at_least, up_to",
                    "fact_id": "→ facts.id", "article_id": "→ articles.id",
                    "story_id": "the story the article belongs to (syndicated copies share it)",
                    "url": "the article's URL", "source": "the source's name",
                    "evidence": "the sentence the number was read from"},
    },
})
TABLES["articles"]["columns"]["story_id"] = ("id of the story's first stored article; near-duplicate "
                                             "(syndicated) copies share it")
TABLES["facts"]["columns"].update({"municipality_id": "→ municipalities.id", "programme_id": "→ programmes.id",
                                   "retired_run_id": "→ runs.id: the reparse that replaced this fact with a "
                                                     "new extraction of the same text; NULL while it is live",
                                   "attribution": "how the municipality was found: sentence (the fact's own), "
                                                  "earlier (another sentence), title, source (the source's "
                                                  "default), empty (no place)"})
TABLES["facts_full"]["columns"] = {
    **{name: TABLES["facts"]["columns"][name] for name in (
        "id", "article_id", "ordinal", "value", "category", "unit", "qualifier", "evidence", "sentence_start",
        "sentence_end", "number_start", "number_end", "municipality", "programme")},
    "url": "the article's URL", "title": "the article's title", "published": "publication date",
    "language": "the article's language", "source": "the source's name",
    "municipality_id": "→ municipalities.id", "municipality_name": "canonical municipality name",
    "municipality_kind": "city or district", "city": "the city (a district's parent)",
    "programme_id": "→ programmes.id", "programme_name": "canonical programme name",
    "story_id": "the story (syndicated copies share it)", "article_version": "the article's version number",
    "attribution": TABLES["facts"]["columns"]["attribution"],
}
TABLES["alembic_version"]["columns"] = {"version_num": "schema revision"}
TABLES["pages"]["columns"]["sha256"] = "hex SHA-256 of the raw body"
TABLES["articles"]["columns"]["text_sha256"] = "hex SHA-256 of `text` (UTF-8)"
TABLES["archive_index"] = {
    "description": "The raw archive's index: per source and URL, the body it last downloaded (2xx) and the "
                   "validators of its next conditional request.",
    "columns": {"source_id": "→ sources.id (with url, the primary key)",
                "url": "the URL, percent-encoded as Scrapy requests it",
                "sha256": "hex SHA-256 of the body last downloaded",
                "etag": "that response's ETag: the next request's If-None-Match",
                "last_modified": "that response's Last-Modified: the next request's If-Modified-Since",
                "archive_path": "its WARC file, relative to the archive root",
                "archive_offset": "byte offset of its WARC record (a response, or a revisit referring to one)",
                "length": "body length in bytes",
                "fetched_at": "when it was downloaded (UTC)",
                "content_type": "its Content-Type", "encoding": "the charset it was decoded with"},
}

PERSIAN_TITLES = {
    "sources": "منابع", "runs": "اجراها", "run_sources": "اجرا به تفکیک منبع", "pages": "صفحه‌ها",
    "failures": "خطاها", "articles": "خبرها", "facts": "اعداد", "article_bands": "نوارهای شباهت",
    "municipalities": "شهرداری‌ها", "municipality_aliases": "نام‌های دیگر شهرداری‌ها", "programmes": "برنامه‌ها",
    "programme_aliases": "نام‌های دیگر برنامه‌ها", "facts_full": "اعداد با خبر و منبع",
    "programme_timeline": "روند زمانی برنامه‌ها", "alembic_version": "نسخهٔ طرح", "archive_index": "نمایهٔ بایگانی",
}

# A programme and a municipality are matched like `shahrnameh timeline` and `whatsnew` do:
# any spelling, through its alias key; a city takes its districts along.
PROGRAMME_NAMED = """(
    SELECT p.name FROM programme_aliases pa JOIN programmes p ON p.id = pa.programme_id
    WHERE pa.key = alias_key(:programme) ORDER BY pa.id LIMIT 1)"""
_MUNICIPALITY_ID = """(
    SELECT ma.municipality_id FROM municipality_aliases ma WHERE ma.key = alias_key(:municipality)
    ORDER BY ma.id LIMIT 1)"""
MUNICIPALITIES_NAMED = f"""(
    SELECT m.name FROM municipalities m
    WHERE m.id = {_MUNICIPALITY_ID} OR m.parent_id = {_MUNICIPALITY_ID})"""

TIMELINE_QUERY = f"""
SELECT t.published, t.municipality, t.category, t.value, t.unit, t.qualifier, t.source, t.url, t.evidence
FROM programme_timeline t
WHERE t.programme = {PROGRAMME_NAMED}
ORDER BY t.published IS NULL, t.published, t.municipality, t.category, t.fact_id
"""

# Numbers of article versions stored since :since, optionally of one programme and one
# municipality (an empty parameter: all).
_NUMBERS_STORED_SINCE = f"""
    SELECT t.municipality, t.programme, t.category, t.value, t.unit, t.qualifier, t.published,
           a.created_at AS stored, t.url, t.source, t.evidence, t.fact_id, t.article_id
    FROM programme_timeline t
    JOIN articles a ON a.id = t.article_id
    WHERE a.created_at >= since_date(:since)
      AND (:programme = '' OR t.programme = {PROGRAMME_NAMED})
      AND (:municipality = '' OR t.municipality IN {MUNICIPALITIES_NAMED})"""


def _with_status(numbers: str) -> str:
    """`numbers` with each one's `status` and `previous_value`: `changed` when the version its
    article replaced stated another value for the same programme, municipality, category and
    unit; `same` (no news) when it stated the same value; else `new`."""
    earlier = """FROM articles old JOIN facts o ON o.article_id = old.id
                 WHERE old.superseded_by = n.article_id AND o.category = f.category AND o.unit = f.unit
                   AND o.programme_id IS f.programme_id AND o.municipality_id IS f.municipality_id"""
    return f"""
    SELECT n.*,
           CASE WHEN EXISTS (SELECT 1 {earlier} AND o.value = f.value) THEN 'same'
                WHEN EXISTS (SELECT 1 {earlier}) THEN 'changed'
                ELSE 'new' END AS status,
           (SELECT o.value {earlier} ORDER BY o.ordinal LIMIT 1) AS previous_value
    FROM ({numbers}) n
    JOIN facts f ON f.id = n.fact_id"""


WHATSNEW_QUERY = f"""
SELECT status, municipality, programme, category, previous_value, value, unit, qualifier, published,
       stored, url, evidence
FROM ({_with_status(_NUMBERS_STORED_SINCE)})
WHERE status != 'same'
ORDER BY municipality IS NULL, municipality, published, url, fact_id
"""

# The feed's entries: the newest :limit numbers (:since '' for every one), new or changed.
# The window is taken before the comparison, so a feed costs :limit comparisons, not one a number.
FEED_QUERY = f"""
SELECT status, municipality, programme, category, previous_value, value, unit, qualifier, published,
       stored, url, source, evidence, fact_id
FROM ({_with_status(_NUMBERS_STORED_SINCE + " ORDER BY a.created_at DESC, t.fact_id DESC LIMIT :limit")})
WHERE status != 'same'
ORDER BY stored DESC, fact_id DESC
"""

# The canned journalist queries, each with its description as HTML (Persian names isolated).
QUERIES = {
    "timeline": {
        "title": "روند زمانی یک برنامه · Timeline of a programme",
        "description": "Every number of one programme by date, with its source and sentence. "
                       "Any spelling of the name works: with or without ZWNJ, Arabic ي or Persian ی.",
        "sql": TIMELINE_QUERY.strip(),
    },
    "whatsnew": {
        "title": "تازه‌ها · What's new since a date",
        "description": "Numbers stored since a date (Gregorian or Jalali, Latin or Persian "
                       "digits: 2026-11-20 or 1405-08-29): new ones, and changed ones "
                       "with their previous value; optionally of one programme and one "
                       "municipality (a city with its districts), any spelling.",
        "sql": WHATSNEW_QUERY.strip(),
    },
}

# The canonical name a typed name (any spelling) stands for; no row / NULL: it names none.
PROGRAMME_NAME = f"SELECT {PROGRAMME_NAMED} AS name"
MUNICIPALITY_NAME = f"SELECT m.name FROM municipalities m WHERE m.id = {_MUNICIPALITY_ID}"

# The front page starts with what a journalist asks (the canned queries come before them);
# the tables only the pipeline needs are hidden (listed behind "hidden tables").
FRONT_TABLES = ("programmes", "municipalities", "programme_timeline", "facts_full")
HIDDEN_TABLES = ("alembic_version", "article_bands", "run_sources", "pages", "failures", "archive_index",
                 "municipality_aliases", "programme_aliases")


def metadata(database: str) -> dict:
    """Datasette metadata for the warehouse served under the name `database` (the file's stem)."""
    tables = {
        name: {"title": f"{PERSIAN_TITLES.get(name, name)} · {name}", "description": table["description"],
               "description_html": isolate_persian(table["description"]),
               "columns": dict(table["columns"]), **({"hidden": True} if name in HIDDEN_TABLES else {})}
        for name, table in TABLES.items()
    }
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "description_html": DESCRIPTION_HTML,
        "source": "Shahrnameh warehouse (docs/schema.md)",
        "databases": {
            database: {
                "title": TITLE,
                "description": DESCRIPTION,
                "description_html": DESCRIPTION_HTML,
                "tables": tables,
                "queries": {name: {**query, "description_html": isolate_persian(query["description"])}
                            for name, query in QUERIES.items()},
            }
        },
    }


@hookimpl
def prepare_connection(conn):
    # deterministic: SQLite may then use it in indexes' expressions and cache results.
    conn.create_function("alias_key", 1, _alias_key_or_null, deterministic=True)
    conn.create_function("since_date", 1, since_date, deterministic=True)


def since_date(value) -> str:
    """A typed :since as the ISO day it means, read by the command line's one date reader
    (nlp.dates.read_date: 1403-01-01 is Jalali, 2024-03-20 Gregorian); '' (none given) stays ''
    (every number). Compared as text with `created_at`, a Jalali «1405-…» or Persian digits
    would otherwise sort before or after every stored «2026-…» and answer silently wrong.
    Raises DateError: flows/web.py refuses such a date with its message before the query runs."""
    from shahrnameh.nlp.dates import read_date

    if value is None or not str(value).strip():
        return ""
    return read_date(str(value)).isoformat()


def _alias_key_or_null(value):
    return alias_key(value) if isinstance(value, str) else None
