"""The raw archive: WARC records written, read back, revisited, indexed."""


import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import CORPUS
from shahrnameh.spiders.archive import Archive, ArchiveError

PAGE = (CORPUS / "html" / "persian-news" / "khabaronline-1353889.html").read_bytes()
URL = "https://www.khabaronline.ir/news/1353889"
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'),
           ("Last-Modified", "Tue, 18 Feb 2020 10:00:00 GMT"), ("Content-Encoding", "gzip")]


def test_response_round_trip_and_index(tmp_path):
    archive = Archive(tmp_path, run_id=7)
    path, offset, sha = archive.write_response("khabaronline", URL, 200, HEADERS, PAGE,
                                               "2026-01-01T00:00:00+00:00", role="article", encoding="utf-8")
    assert path == "run-7/khabaronline.warc.gz"
    assert Archive(tmp_path).read_body(path, offset) == PAGE
    last = archive.last_fetch(URL)
    assert last["sha256"] == sha and last["etag"] == '"v1"' and last["last_modified"].startswith("Tue")
    assert (last["archive_path"], last["offset"], last["length"]) == (path, offset, len(PAGE))
    assert (last["content_type"], last["encoding"]) == ("text/html; charset=utf-8", "utf-8")
    assert archive.last_fetch(URL + "/other") is None
    # A standard WARC reader sees the record, with the role and without the wire encoding.
    with (tmp_path / path).open("rb") as stream:
        [record] = list(ArchiveIterator(stream))
    assert record.rec_type == "response" and record.rec_headers["Shahrnameh-Role"] == "article"
    assert record.http_headers.get_header("Content-Encoding") is None
    assert record.rec_headers["WARC-Payload-Digest"] == f"sha256:{sha}"


def test_same_body_becomes_a_revisit_that_reads_as_the_original(tmp_path):
    first = Archive(tmp_path, run_id=1).write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    second_archive = Archive(tmp_path, run_id=2)
    second = second_archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-02T00:00:00Z")
    assert second[2] == first[2] and second[0] == "run-2/k.warc.gz"
    headers = second_archive.record_headers(second[0], second[1])
    assert headers["WARC-Type"] == "revisit"
    assert headers["WARC-Profile"].endswith("identical-payload-digest")
    assert headers["WARC-Refers-To-Date"] == "2026-01-01T00:00:00Z"
    # The revisit holds no copy of the body.
    assert (tmp_path / second[0]).stat().st_size < 2000 < (tmp_path / first[0]).stat().st_size
    assert second_archive.read_body(second[0], second[1]) == PAGE
    assert second_archive.last_fetch(URL)["archive_path"] == second[0]


def test_changed_body_is_stored_again_and_records_append(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    changed = PAGE.replace("انتخابات".encode(), "انتخاب".encode(), 1)
    assert changed != PAGE
    a = archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    b = archive.write_response("k", URL, 200, HEADERS, changed, "2026-01-01T00:01:00Z")
    assert a[0] == b[0] and b[1] > a[1] and a[2] != b[2]
    assert archive.read_body(*a[:2]) == PAGE and archive.read_body(*b[:2]) == changed
    assert archive.record_headers(*b[:2])["WARC-Type"] == "response"


def test_not_modified_is_archived_without_touching_the_index(tmp_path):
    archive = Archive(tmp_path, run_id=1)
    archive.write_response("k", URL, 200, HEADERS, PAGE, "2026-01-01T00:00:00Z")
    before = archive.last_fetch(URL)
    path, offset, sha = archive.write_response("k", URL, 304, [("ETag", '"v1"')], b"", "2026-01-02T00:00:00Z")
    assert sha is None and archive.last_fetch(URL) == before
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
    assert archive.last_fetch(URL)["sha256"] == good[2]
