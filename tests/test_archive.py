"""The raw archive: WARC records written, read back, revisited (the index is the warehouse's: test_archive_index)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import CORPUS
from shahrnameh.demo.site import DemoSite
from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.spiders.archive import Archive, ArchiveError
from shahrnameh.spiders.records import FetchRecord, known_after, known_fetch
from shahrnameh.warehouse import db, queries

PAGE = (CORPUS / "html" / "persian-news" / "khabaronline-1353889.html").read_bytes()
URL = "https://www.khabaronline.ir/news/1353889"
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'),
           ("Last-Modified", "Tue, 18 Feb 2020 10:00:00 GMT"), ("Content-Encoding", "gzip")]


def _known(written: tuple) -> dict:
    """What the archive index would know of a URL after this write (records.KNOWN_FIELDS)."""
    path, offset, sha = written
    return {"sha256": sha, "archive_path": path, "offset": offset}


def test_response_round_trip(tmp_path):
    archive = Archive(tmp_path, run_id=7)
    path, offset, sha = archive.write_response("khabaronline", URL, 200, HEADERS, PAGE,
                                               "2026-01-01T00:00:00+00:00", role="article")
    assert path == "run-7/khabaronline.warc.gz"
    assert Archive(tmp_path).read_body(path, offset) == PAGE
    assert not (tmp_path / "index.sqlite").exists()  # the archive is its WARC files
    # A standard WARC reader sees the record, with the role and without the wire encoding.
    with (tmp_path / path).open("rb") as stream:
        [record] = list(ArchiveIterator(stream))
    assert record.rec_type == "response" and record.rec_headers["Shahrnameh-Role"] == "article"
    assert record.http_headers.get_header("Content-Encoding") is None
    assert record.rec_headers["WARC-Payload-Digest"] == f"sha256:{sha}"


def test_same_body_becomes_a_revisit_that_reads_as_the_original(tmp_path):
    first = Archive(tmp_path, run_id=1).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    second_archive = Archive(tmp_path, run_id=2)
    second = second_archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-02T00:00:00Z",
                                           previous=_known(first))
    assert second[2] == first[2] and second[0] == "run-2/k.warc.gz"
    headers = second_archive.record_headers(second[0], second[1])
    assert headers["WARC-Type"] == "revisit"
    assert headers["WARC-Profile"].endswith("identical-payload-digest")
    assert headers["WARC-Refers-To-Date"] == "2026-01-01T00:00:00Z"
    # The revisit holds no copy of the body.
    assert (tmp_path / second[0]).stat().st_size < 2000 < (tmp_path / first[0]).stat().st_size
    assert second_archive.read_body(second[0], second[1]) == PAGE
    # The index then points at the revisit: the next revisit still refers to the original record.
    third_archive = Archive(tmp_path, run_id=3)
    third = third_archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-03T00:00:00Z",
                                         previous=_known(second))
    headers = third_archive.record_headers(third[0], third[1])
    assert headers["WARC-Type"] == "revisit" and headers["WARC-Refers-To-Date"] == "2026-01-01T00:00:00Z"
    assert headers["WARC-Refers-To-Location"] == f"{first[0]}#{first[1]}"
    assert headers["WARC-Refers-To"] == Archive(tmp_path).record_headers(first[0], first[1])["WARC-Record-ID"]
    # Nothing known of the URL (another warehouse's first crawl): the body is written whole.
    again = Archive(tmp_path, run_id=4).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-04T00:00:00Z")
    assert Archive(tmp_path).record_headers(again[0], again[1])["WARC-Type"] == "response"


def test_a_known_body_that_is_not_there_is_written_again(tmp_path):
    first = Archive(tmp_path, run_id=1).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    wrong = {**_known(first), "offset": first[1] + 1}
    second = Archive(tmp_path, run_id=2).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-02T00:00:00Z",
                                                        previous=wrong)
    assert Archive(tmp_path).record_headers(second[0], second[1])["WARC-Type"] == "response"
    assert Archive(tmp_path).read_body(second[0], second[1], url=URL, sha256=first[2]) == PAGE


def test_changed_body_is_stored_again_and_records_append(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    changed = PAGE.replace("انتخابات".encode(), "انتخاب".encode(), 1)
    assert changed != PAGE
    a = archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    b = archive.write_response("k", URL, 200, HEADERS, changed, "2026-01-01T00:01:00Z")
    assert a[0] == b[0] and b[1] > a[1] and a[2] != b[2]
    assert archive.read_body(*a[:2]) == PAGE and archive.read_body(*b[:2]) == changed
    assert archive.record_headers(*b[:2])["WARC-Type"] == "response"


def test_not_modified_is_archived_without_a_body(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    first = archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    path, offset, sha = archive.write_response("k", URL, 304, [("ETag", '"v1"')], b"", "2026-01-02T00:00:00Z",
                                               previous=_known(first))
    assert sha is None
    assert archive.read_body(path, offset) == b""


def test_misuse_is_refused(tmp_path):
    with pytest.raises(ArchiveError, match="without run_id"):
        Archive(tmp_path).write_response("k", URL, 200, [], PAGE, "2026-01-01T00:00:00Z")
    with pytest.raises(ArchiveError, match="no time zone"):
        Archive(tmp_path, run_id=1).write_response("k", URL, 200, [], PAGE, "2026-01-01T00:00:00")
    with pytest.raises(ArchiveError, match="outside the archive root"):
        Archive(tmp_path).read_body("../etc/passwd", 0)
    with pytest.raises(ArchiveError, match="no such WARC file"):
        Archive(tmp_path).read_body("run-9/x.warc.gz", 0)


def test_error_pages_are_archived_but_are_not_the_last_version(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    good = archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    challenge = (CORPUS / "html" / "edge-cases" / "arvancloud-bot-challenge.html").read_bytes()
    error = archive.write_response("k", URL, 503, [("Content-Type", "text/html")], challenge, "2026-01-02T00:00:00Z")
    assert archive.read_body(error[0], error[1]) == challenge

    def fetched(status, written):
        return FetchRecord(source="k", url=URL, requested_url=URL, role="article", outcome="new" if status == 200
                           else "failed", status=status, fetched_at="2026-01-01T00:00:00+00:00",
                           content_type="text/html", encoding="utf-8", sha256=written[2], archive_path=written[0],
                           archive_offset=written[1], length=1, error=None if status == 200 else "HTTP 503",
                           etag='"v1"')
    known = known_after([fetched(200, good), fetched(503, error)])
    assert known[URL]["sha256"] == good[2] and known[URL]["etag"] == '"v1"'
    assert known_fetch(fetched(503, error)) is None


PERSIAN_SOURCES = ("شهرداری الف", "شهرداری ب", "شهرداری پ")


def test_every_source_name_has_a_warc_file_of_its_own(tmp_path):
    """Names that differ only outside ASCII must not share a file (a shared file, written
    through two handles, puts one source's record at the offset another recorded)."""
    archive = Archive(tmp_path, run_id=1)
    paths = [archive.write_response(name, f"{URL}/{i}", 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")[0]
             for i, name in enumerate(PERSIAN_SOURCES + ("k", "K", "k?", "k!"))]
    assert len(set(paths)) == len(paths)
    assert all(path.startswith("run-1/") and path.endswith(".warc.gz") and path.isascii() for path in paths)


def test_a_long_source_name_gets_a_file_name_the_file_system_takes(tmp_path):
    # A file name is at most 255 bytes (ext4, xfs, btrfs): a plain ASCII name of 300
    # characters could not be archived at all. Long names are cut and told apart by a hash.
    archive = Archive(tmp_path, run_id=1)
    names = ("k" * 300, "k" * 299 + "l", "k" * 200)
    paths = [archive.write_response(name, f"{URL}/{i}", 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")[0]
             for i, name in enumerate(names)]
    assert len(set(paths)) == len(paths)
    assert all(len(path.removeprefix("run-1/").encode()) <= 255 for path in paths)
    assert paths[2] == f"run-1/{'k' * 200}.warc.gz"  # as long as a warehouse's source name may be: kept


def test_a_warc_file_has_one_writer_at_a_time(tmp_path):
    first = Archive(tmp_path, run_id=1)
    first.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    with pytest.raises(ArchiveError, match="another writer"):
        Archive(tmp_path, run_id=1).write_response("k", URL + "/2", 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    first.close()
    # Once the first writer is done, another may append, at offsets of its own.
    later = Archive(tmp_path, run_id=1)
    path, offset, sha = later.write_response("k", URL + "/2", 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    assert later.read_body(path, offset, url=URL + "/2", sha256=sha) == PAGE


def test_a_body_read_back_is_checked_against_its_url_and_digest(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    other_url = URL + "/other"
    path, offset, sha = archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    assert archive.read_body(path, offset, url=URL, sha256=sha) == PAGE
    with pytest.raises(ArchiveError, match=f"holds {URL}, not {other_url}"):
        archive.read_body(path, offset, url=other_url, sha256=sha)
    with pytest.raises(ArchiveError, match="digest"):
        archive.read_body(path, offset, url=URL, sha256="0" * 64)
    # A revisit is checked at the end of its chain, against the body it stands for.
    revisit = Archive(tmp_path, run_id=2).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-02T00:00:00Z",
                                                         previous=_known((path, offset, sha)))
    assert archive.read_body(revisit[0], revisit[1], url=URL, sha256=sha) == PAGE
    with pytest.raises(ArchiveError, match="not " + other_url):
        archive.read_body(revisit[0], revisit[1], url=other_url, sha256=sha)


@pytest.mark.slow
def test_sources_with_persian_names_archive_every_page_at_its_own_record(tmp_path):
    """The demo site's three sources, renamed «شهرداری الف/ب/پ» and crawled in one run: every
    page the warehouse stored points at the WARC record of its own URL, and every article
    has the text of the page at that URL."""
    template = (Path(__file__).resolve().parents[1] / "demo" / "sources.yaml").read_text(encoding="utf-8")
    for old, new in zip(("demo-cityhall", "demo-dari", "demo-news"), PERSIAN_SOURCES):
        template = template.replace(f"name: {old}", f'name: "{new}"')
    db_url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    with DemoSite() as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(template.replace("{site}", site.base_url), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "shahrnameh.flows", "run", "--sources", str(sources), "--db", db_url,
             "--archive", str(tmp_path / "archive")],
            capture_output=True, text=True, timeout=600,
            env={**os.environ, "SHAHRNAMEH_HOME": str(tmp_path / "home"), "COLUMNS": "200"})
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        pages = queries.run_sql(db.connect(db_url),
                                "SELECT p.url, p.archive_path, p.archive_offset, p.sha256, s.name FROM pages p "
                                "JOIN sources s ON s.id = p.source_id WHERE p.archive_path IS NOT NULL")[1]
        assert {name for *_, name in pages} == set(PERSIAN_SOURCES) and len(pages) > 50
        archive = Archive(tmp_path / "archive")
        elsewhere = [url for url, path, offset, *_ in pages
                     if archive.record_headers(path, offset)["WARC-Target-URI"] != url]
        assert elsewhere == []
        for url, path, offset, sha256, _ in pages:
            assert archive.read_body(path, offset, url=url, sha256=sha256)
        assert len({path for _, path, *_ in pages}) == 3
        articles = queries.run_sql(db.connect(db_url), "SELECT p.url, a.text FROM articles a "
                                                       "JOIN pages p ON p.id = a.page_id")[1]
        assert len(articles) > 40
        for url, text in articles:
            served = site.pages[url.removeprefix(site.base_url)]
            if served.content_type.startswith("text/html"):  # the PDF report is read by another path
                assert text == read_document(decode_page(served.body), is_html=True, url=url).text, url
