"""`shahrnameh export` on SQLite and PostgreSQL: formats, filters through the alias tables, bad input."""

import csv
import io
import json
from datetime import date
import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shahrnameh.flows.cli import app
from shahrnameh.nlp.document import read_document
from shahrnameh.nlp.records import ATTRIBUTED_BY
from shahrnameh.warehouse import db, export, load, queries

from conftest import CORPUS
from test_warehouse import engine, warehouse_url  # noqa: F401

ARTICLES = {  # real articles, read by nlp as the nightly run reads them
    "seeds/000_79683cf1f56b498c.txt": "2019-05-18",
    "seeds/004_2c1a495e2d80be16.txt": "2021-02-01",
    "text/fars_8812130218_tehran_region20_shahr-e-rey_projects_neighbourhood_halls.txt": "2010-03-04",
}


@pytest.fixture
def loaded(engine):
    load.upsert_source(engine, name="fars", start_urls=[], allowed_domains=[], municipality=None)
    run_id = load.start_run(engine)
    for name, published in ARTICLES.items():
        document = read_document((CORPUS / name).read_text(encoding="utf-8"), is_html=False)
        document = document.__class__(**{**document.__dict__, "published": published})
        load.load_document(engine, run_id, page_id=None, source="fars", url=f"https://www.farsnews.ir/{name}",
                           document=document)
    return engine


def _export(engine, fmt="csv", **request) -> bytes:
    out = io.BytesIO()
    export.write(engine, export.Export(**request), fmt, out)
    return out.getvalue()


def _count(engine, where="", **params) -> int:
    return queries.run_sql(engine, f"SELECT count(*) FROM facts_full {where}", params)[1][0][0]


def test_csv_has_a_bom_a_header_and_every_fact(loaded):
    data = _export(loaded)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["id", "article_id", "ordinal", "value"] and "programme_name" in header
    assert len(body) == _count(loaded) >= 25
    by_name = [dict(zip(header, row)) for row in body]
    evidence = {row["evidence"] for row in by_name}
    _, facts = queries.run_sql(loaded, "SELECT evidence FROM facts")
    assert evidence == {e for (e,) in facts}  # Persian text round-trips exactly
    assert all("." not in row["value"] or not row["value"].endswith(".0") for row in by_name)


def test_filters_go_through_the_alias_tables(loaded):
    # «سرای‌محله» (with ZWNJ) and «منطقه ۲۰» are other spellings of the stored names.
    lines = _export(loaded, "jsonl", programme="سرای‌محله").decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and {r["programme_name"] for r in rows} == {"سرای محله"}
    assert len(rows) == _count(loaded, "WHERE programme_name = :p", p="سرای محله")
    # How each fact's municipality was attributed travels with it (nlp.records.ATTRIBUTED_BY).
    assert {r["attribution"] for r in rows} <= set(ATTRIBUTED_BY)
    assert any(r["attribution"] == "sentence" for r in rows)

    # «تهران / منطقه ۲۰», Persian digits: the district 20 article's numbers (its «شهر ری» is the district).
    rows = [json.loads(line) for line in _export(loaded, "jsonl", municipality="تهران / منطقه ۲۰").decode().splitlines()]
    assert rows and {r["municipality_name"] for r in rows} == {"تهران / منطقه 20"}

    rows = [json.loads(line) for line in _export(loaded, "jsonl", since=date(2020, 1, 1)).decode().splitlines()]
    assert rows and {r["published"] for r in rows} == {"2021-02-01"}

    timeline = [json.loads(line) for line in
                _export(loaded, "jsonl", table="programme_timeline", programme="شورای محله",
                        municipality="رفسنجان").decode().splitlines()]
    assert timeline and all(r["programme"] == "شورای محله" and r["municipality"] == "رفسنجان" for r in timeline)
    assert list(timeline[0]) == ["programme", "municipality", "category", "unit", "published", "value",
                                 "qualifier", "fact_id", "article_id", "story_id", "url", "source", "evidence"]


def test_parquet_is_typed_and_written_in_row_groups(loaded, monkeypatch, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(export, "BATCH_ROWS", 10)
    path = tmp_path / "facts.parquet"
    with open(path, "wb") as out:
        count = export.write(loaded, export.Export(), "parquet", out)
    file = pq.ParquetFile(path)
    assert file.metadata.num_rows == count == _count(loaded)
    assert file.num_row_groups == -(-count // 10)
    table = file.read()
    assert table.schema.field("value").type == pa.decimal128(24, 4)
    assert table.schema.field("published").type == pa.date32()
    _, values = queries.run_sql(loaded, "SELECT value FROM facts_full ORDER BY id")
    assert [int(v) if v == int(v) else float(v) for v in table.column("value").to_pylist()] == [v for (v,) in values]


def test_an_empty_export_is_a_valid_file(loaded, tmp_path):
    import pyarrow.parquet as pq

    with open(tmp_path / "none.parquet", "wb") as out:
        assert export.write(loaded, export.Export(since=date(2100, 1, 1)), "parquet", out) == 0
    assert pq.read_table(tmp_path / "none.parquet").num_rows == 0
    assert _export(loaded, since=date(2100, 1, 1)).decode("utf-8-sig").startswith("id,article_id,")


@pytest.mark.parametrize("arguments, message", [
    (["--format", "xml"], "unknown format 'xml'"),
    (["--format", "csv", "--table", "facts; DROP TABLE facts"], "unknown table 'facts; DROP TABLE facts'"),
    (["--format", "csv", "--since", "1403-01-01x"], "--since: not a date: '1403-01-01x'"),
    (["--format", "csv", "--since", "01/02/2021"], "ambiguous date '01/02/2021': 2021-02-01 (day first) or 2021-01-02"),
    (["--format", "csv", "--programme", "x' OR '1'='1"], "no programme matches"),
    (["--format", "csv", "--municipality", "آتلانتیس"], "no municipality matches"),
    (["--format", "csv", "--table", "runs", "--programme", "شورای محله"], "runs has no programme"),
    (["--format", "parquet"], "give --output FILE"),
])
def test_bad_arguments_are_one_line_and_exit_2(loaded, warehouse_url, arguments, message):
    result = CliRunner().invoke(app, ["export", *arguments, "--db", warehouse_url])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.output
    assert _count(loaded) >= 25  # nothing was touched


@pytest.mark.parametrize("since", ["2021-02-01", "1399-11-13", "۱۳۹۹/۱۱/۱۳", "۱۳ بهمن ۱۳۹۹", "1 February 2021"])
def test_since_is_one_day_however_it_is_written(loaded, warehouse_url, since):
    # 13 Bahman 1399 is 1 February 2021, the day seed 004 is dated here; read as a Gregorian
    # year, 1399-11-13 would let every article through.
    result = CliRunner().invoke(app, ["export", "--format", "jsonl", "--since", since, "--db", warehouse_url])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {row["published"] for row in rows} == {"2021-02-01"}
    assert len(rows) == _count(loaded, "WHERE published >= :day", day="2021-02-01")


def test_the_command_writes_a_file_and_says_how_many_rows(loaded, warehouse_url, tmp_path):
    path = tmp_path / "timeline.csv"
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--table", "programme_timeline",
                                      "--programme", "سرای محله", "--output", str(path), "--db", warehouse_url])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert rows and {r["programme"] for r in rows} == {"سرای محله"}
    assert f"{len(rows)} rows of programme_timeline written to {path}" in result.stderr
    assert not path.with_name(path.name + ".partial").exists()
    db.disconnect(warehouse_url)


def test_only_regular_files_are_replaced_whole_devices_and_fifos_are_written_to(tmp_path):
    from shahrnameh.flows.cli_research import replaced_whole

    existing = tmp_path / "facts.csv"
    existing.write_text("old", encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert replaced_whole(existing) and replaced_whole(tmp_path / "new.csv")
    assert not replaced_whole(fifo)
    # Only stat()ed, never opened: a character device such as /dev/null.
    devices = [Path(p) for p in ("/dev/null", "/dev/zero", "/dev/full") if stat.S_ISCHR(os.lstat(p).st_mode)]
    if not devices:
        pytest.skip("no character device under /dev on this machine")
    assert not replaced_whole(devices[0])


def test_an_export_into_a_fifo_reaches_its_reader_and_the_fifo_stays(loaded, warehouse_url, tmp_path):
    fifo = tmp_path / "facts.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(app, ["export", "--format", "jsonl", "--output", str(fifo), "--db", warehouse_url])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a regular file
    assert not reader.is_alive() and len(received[0].decode("utf-8").splitlines()) == _count(loaded) >= 25
    assert not fifo.with_name(fifo.name + ".partial").exists()
    db.disconnect(warehouse_url)
