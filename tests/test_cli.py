"""The command line as a user runs it: `.venv/bin/shahrnameh …` in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def shahrnameh(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shahrnameh.flows", *args], input=stdin, capture_output=True,
        text=True, timeout=240, env={**os.environ, **(env or {})},
    )


def test_extract_prints_one_json_object_per_seed():
    result = shahrnameh("extract", *map(str, SEEDS))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in SEEDS]
    for record in records:
        assert set(record) >= {"source", "title", "published", "language", "text", "facts"}
        assert record["language"] == "fa"
        assert record["facts"], f"no facts read from {record['source']}"
        for fact in record["facts"]:
            assert set(fact) == {"value", "category", "unit", "qualifier", "evidence", "municipality", "programme"}
            assert fact["evidence"] in record["text"]
    # Seed 004's page header dates it «شنبه ۲۹ اردیبهشت ۱۴۰۳».
    assert records[1]["published"] == "2024-05-18"


def test_extract_reports_a_missing_and_a_binary_file_and_goes_on(tmp_path):
    binary = tmp_path / "scan.html"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "nowhere.txt"
    good = CORPUS / "html" / "persian-news" / "yjc-7349926.html"
    result = shahrnameh("extract", str(missing), str(binary), str(good))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert any(str(missing) in line for line in errors)
    assert any(str(binary) in line for line in errors)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(good)]
    assert records[0]["published"] == "2020-05-10"


def test_normalize_reads_stdin():
    result = shahrnameh("normalize", stdin="ارتقای کیفیت خدماترسانی به شهروندان\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ارتقای کیفیت خدمات\u200cرسانی به شهروندان\n"


def test_every_command_has_help():
    for command in ("extract", "normalize", "run", "demo", "summary", "sql", "schedule"):
        result = shahrnameh(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_a_bad_database_url_is_a_clear_error_not_a_traceback():
    result = shahrnameh("summary", "--db", "nosuchengine://x")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("shahrnameh: ")


def test_run_with_a_missing_or_invalid_sources_file_stops_before_prefect_and_stores_nothing(tmp_path):
    invalid = tmp_path / "sources.yaml"
    invalid.write_text("sources:\n  - name: local\n    start_urls: [http://127.0.0.1:9/]\n"
                       "    settings: {DOWNLOAD_TIMEOUT: .inf}\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse.sqlite"
    for sources, message in ((tmp_path / "missing.yaml", "cannot read sources file: No such file or directory"),
                             (invalid, "source 'local': settings.DOWNLOAD_TIMEOUT: Input should be a finite number")):
        result = shahrnameh("run", "--sources", str(sources), "--db", f"sqlite:///{warehouse}",
                            "--archive", str(tmp_path / "archive"), env={"SHAHRNAMEH_HOME": str(tmp_path / "home")})
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"shahrnameh: {sources}: {message}")
        assert "temporary server" not in result.stderr + result.stdout  # Prefect never started
        # No warehouse was opened, so no failed run is there for `summary` to report.
        assert not warehouse.exists() and not (tmp_path / "archive").exists()
