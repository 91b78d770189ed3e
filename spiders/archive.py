"""The raw archive: every fetched response as a gzipped WARC record. The archive is its WARC files.

One WARC file per (run, source), so concurrent crawls of different sources never write
to the same file: its name is unique for any Unicode source name (see `warc_name`), and
a writer holds an exclusive lock on it while it is open, so the offset it records is the
end of its own last write, never another writer's. A body read back is checked against
the URL and digest it is wanted for: a mismatch is an ArchiveError, never another page.

Which body each URL was last downloaded with, and its validators, is the warehouse's
`archive_index` (the core hands it to the crawl as plain data, `KnownFetches`): a body the
same as the URL's last one is written once and then only referred to by `revisit` records.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Non-standard WARC field: where the revisited record lives, so that reading a revisit
# needs neither the warehouse nor a scan of every WARC file.
REFERS_TO_LOCATION = "WARC-Refers-To-Location"
ROLE_FIELD = "Shahrnameh-Role"
# The charset a body was decoded with (Scrapy's reading of headers, meta and bytes): so that the
# WARC files alone can tell how to read it again (known_in_warc_files).
ENCODING_FIELD = "Shahrnameh-Encoding"
# Scrapy hands us decoded bodies: headers describing the wire encoding would lie.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")
# Names kept as they are: lower-case ASCII (distinct on a case-insensitive file system too),
# as long as a warehouse's source name may be (sources.name is 200 characters): with
# ".warc.gz", well within the 255 bytes a file name may have.
_PLAIN_NAME = re.compile(r"[a-z0-9_-][a-z0-9_.-]{0,199}")


class ArchiveError(RuntimeError):
    pass


class Archive:
    def __init__(self, root: Path, *, run_id: int | None = None):
        self.root = Path(root)
        self.run_id = run_id
        # The WARC files this Archive appends to, open until close(): a crawl writes a record per
        # response, most of them small (a 304), and opening the file each time cost as much.
        self._streams: dict[str, BinaryIO] = {}
        # (url, sha256) → (path, offset, record id, WARC date) of each body this Archive wrote: a
        # URL answered twice in one crawl (two links redirected to it) has its body written once.
        self._written: dict[tuple[str, str], tuple[str, int, str, str]] = {}
        self.root.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams.clear()

    def write_response(self, source: str, url: str, status: int, headers: list[tuple[str, str]],
                       body: bytes, fetched_at: str | datetime, *, role: str | None = None,
                       encoding: str | None = None, previous: dict | None = None) -> tuple[str, int, str | None]:
        """Archive one response; returns (WARC path relative to the root, offset, sha256 of body).

        `previous`: what the archive index knows of the URL (records.KNOWN_FIELDS). A body with
        its digest is not written again: a `revisit` record refers to where it was first stored.
        A 304 is archived as what it is (no body): sha256 is None.
        """
        if self.run_id is None:
            raise ArchiveError("Archive opened without run_id: it can read but not write")
        warc_date = _warc_date(fetched_at)
        relative = f"run-{self.run_id}/{warc_name(source)}.warc.gz"
        http_headers = StatusAndHeaders(
            f"{status} {_reason(status)}",
            [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS]
            + [("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        extra = {"WARC-Date": warc_date}
        if role:
            extra[ROLE_FIELD] = role
        if encoding:
            extra[ENCODING_FIELD] = encoding
        if status == 304:
            offset, _ = self._append(relative, lambda w: w.create_warc_record(
                url, "response", payload=BytesIO(b""), http_headers=http_headers,
                warc_headers_dict=extra))
            return relative, offset, None

        sha256 = hashlib.sha256(body).hexdigest()
        original = self._written.get((url, sha256))
        if original is None and previous and previous.get("sha256") == sha256:
            original = self._original(url, previous["archive_path"], previous["offset"])
        if original is None:
            # The same digest a later revisit names, as the identical-payload-digest profile wants.
            extra["WARC-Payload-Digest"] = f"sha256:{sha256}"
            offset, record_id = self._append(relative, lambda w: w.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body), http_headers=http_headers,
                warc_headers_dict=extra))
            self._written[(url, sha256)] = (relative, offset, record_id, warc_date)
        else:
            original_path, original_offset, original_id, original_date = original
            extra.update({"WARC-Refers-To": original_id,
                          REFERS_TO_LOCATION: f"{original_path}#{original_offset}"})

            def revisit(writer: WARCWriter):
                return writer.create_revisit_record(
                    url, digest=f"sha256:{sha256}", refers_to_uri=url, refers_to_date=original_date,
                    http_headers=http_headers, warc_headers_dict=extra)

            offset, _ = self._append(relative, revisit)
        return relative, offset, sha256

    def _original(self, url: str, archive_path: str, offset: int) -> tuple[str, int, str, str] | None:
        """(path, offset, record id, WARC date) of the response record that first stored the body
        the record at (archive_path, offset) holds or refers to; None when it cannot be told
        (then the body is simply written again: nothing is lost)."""
        try:
            record = self._record_at(archive_path, offset)
        except Exception:  # noqa: BLE001 - no record there (an offset off by one is gzip noise to warcio)
            return None
        fields = record.rec_headers
        if fields.get_header("WARC-Target-URI") != url:
            return None
        if record.rec_type == "response":
            return archive_path, offset, fields.get_header("WARC-Record-ID"), fields.get_header("WARC-Date")
        location = fields.get_header(REFERS_TO_LOCATION) or ""
        path, _, original_offset = location.rpartition("#")
        if record.rec_type != "revisit" or not path or not original_offset.isdigit() \
                or not fields.get_header("WARC-Refers-To") or not fields.get_header("WARC-Refers-To-Date"):
            return None
        return (path, int(original_offset), fields.get_header("WARC-Refers-To"),
                fields.get_header("WARC-Refers-To-Date"))

    def read_body(self, archive_path: str, offset: int, *, url: str | None = None,
                  sha256: str | None = None) -> bytes:
        """The body stored at (archive_path, offset), following a revisit to its original.

        With `url` and `sha256` (what the warehouse says is there), the record found
        must be that URL's and the body must have that digest, or this is an ArchiveError.
        """
        where = f"{archive_path}@{offset}"
        for _ in range(8):
            record = self._record_at(archive_path, offset)
            if url is not None and record.rec_headers.get_header("WARC-Target-URI") != url:
                raise ArchiveError(f"{where}: the record there holds "
                                   f"{record.rec_headers.get_header('WARC-Target-URI')}, not {url}")
            if record.rec_type == "response":
                body = record.raw_stream.read()
                if sha256 is not None and hashlib.sha256(body).hexdigest() != sha256:
                    raise ArchiveError(f"{where}: the body there does not have the digest sha256:{sha256}")
                return body
            if record.rec_type != "revisit":
                raise ArchiveError(f"{where}: unexpected WARC record {record.rec_type}")
            location = record.rec_headers.get_header(REFERS_TO_LOCATION)
            if not location or "#" not in location:
                raise ArchiveError(f"{where}: revisit without {REFERS_TO_LOCATION}")
            archive_path, _, offset_text = location.rpartition("#")
            offset = int(offset_text)
        raise ArchiveError(f"{where}: revisit chain too long")

    def record_headers(self, archive_path: str, offset: int) -> dict[str, str]:
        """The WARC header fields of one record (its type, role, date, digests)."""
        record = self._record_at(archive_path, offset)
        return dict(record.rec_headers.headers)

    def _record_at(self, archive_path: str, offset: int):
        path = (self.root / archive_path).resolve()
        if self.root.resolve() not in path.parents:
            raise ArchiveError(f"{archive_path}: outside the archive root {self.root}")
        if not path.exists():
            raise ArchiveError(f"{archive_path}: no such WARC file under {self.root}")
        # Each record is its own gzip member, so reading can start at its offset.
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                record.raw_stream = BytesIO(record.raw_stream.read())
                return record
        raise ArchiveError(f"{archive_path}@{offset}: no WARC record there")

    def _append(self, relative: str, build) -> tuple[int, str]:
        stream = self._streams.get(relative)
        if stream is None:
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            stream = path.open("ab")
            try:
                # Released when the stream is closed (close(), or the process's end).
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                stream.close()
                raise ArchiveError(f"{relative}: another writer has this WARC file open") from None
            self._streams[relative] = stream
        offset = stream.seek(0, 2)
        writer = WARCWriter(stream, gzip=True)
        record = build(writer)
        writer.write_record(record)
        # On disk before any record says it is there: a killed crawl leaves no dangling offset.
        stream.flush()
        return offset, record.rec_headers.get_header("WARC-Record-ID")


def known_in_warc_files(root: Path, source: str, runs: Iterable[int] | None = None) -> dict[str, dict]:
    """What the source's WARC files (of these runs, default all) say it last downloaded: url →
    entry (records.KNOWN_FIELDS), the latest 2xx response or revisit of each URL. For what the
    warehouse's index does not know: a new warehouse over a shared archive, or a crawl killed
    before the core recorded what it downloaded. The next crawl then asks conditionally
    instead of downloading and storing it all again. Reads every record of those files; a
    file cut short by a killed crawl counts up to the cut."""
    name = f"{warc_name(source)}.warc.gz"
    latest: dict[str, tuple[tuple, dict]] = {}
    paths = (Path(root).glob(f"run-*/{glob.escape(name)}") if runs is None
             else (Path(root) / f"run-{run}" / name for run in runs))
    for path in paths:
        if not path.is_file():
            continue
        run = path.parent.name.removeprefix("run-")
        relative = f"{path.parent.name}/{name}"
        try:
            with path.open("rb") as stream:
                records = ArchiveIterator(stream)
                for record in records:
                    entry = _known_entry(record, relative, records.get_record_offset())
                    if entry is not None:
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        order = (entry["fetched_at"], int(run) if run.isdigit() else -1, entry["offset"])
                        if url not in latest or latest[url][0] < order:
                            latest[url] = (order, entry)
        except Exception:  # noqa: BLE001 - the end of a file a killed crawl was writing
            continue
    return {url: entry for url, (_, entry) in latest.items()}


def _known_entry(record, relative: str, offset: int) -> dict | None:
    if record.rec_type not in ("response", "revisit") or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    if not status.isdigit() or not 200 <= int(status) < 300 or not digest.startswith("sha256:"):
        return None
    length = record.http_headers.get_header("Content-Length")
    warc_date = record.rec_headers.get_header("WARC-Date")
    return {"sha256": digest.removeprefix("sha256:"), "etag": record.http_headers.get_header("ETag"),
            "last_modified": record.http_headers.get_header("Last-Modified"), "archive_path": relative,
            "offset": offset, "length": int(length) if length and length.isdigit() else None,
            "fetched_at": warc_date, "content_type": record.http_headers.get_header("Content-Type"),
            "encoding": record.rec_headers.get_header(ENCODING_FIELD)}


def holds_warc_files(root: Path) -> bool:
    """Whether `root` is a raw archive: a folder with run-N/*.warc.gz files in it."""
    return any(Path(root).glob("run-*/*.warc.gz"))


def warc_name(source: str) -> str:
    """The WARC file name (without extension) of a source: unique for every source name.

    A plain lower-case ASCII name of up to 200 characters is kept; any other becomes the
    first 60 characters of its ASCII part plus a hash of the whole name after a "+", which
    no plain name contains: «شهرداری الف» and «شهرداری ب» are "_+" and two different
    hashes, never one shared "_", and a name of 300 letters is not too long for a file name.
    """
    if _PLAIN_NAME.fullmatch(source):
        return source
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{_UNSAFE_CHARACTERS.sub('_', source)[:60]}+{digest}"


def _warc_date(fetched_at: str | datetime) -> str:
    if isinstance(fetched_at, str):
        fetched_at = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    if fetched_at.tzinfo is None:
        raise ArchiveError(f"fetched_at {fetched_at!r} has no time zone")
    return fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
