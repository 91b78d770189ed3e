"""The command line as a user runs it: `.venv/bin/shahrnameh …` in a subprocess."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

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
            assert set(fact) == {"value", "category", "unit", "qualifier", "evidence", "municipality", "programme",
                                 "attribution"}
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


def test_extract_says_why_a_page_is_no_article():
    # The crawl records the reason as a classify failure; extract, which reads one file for a
    # person, said only the kind, so a person could not tell a video page from a bot challenge.
    pages = [CORPUS / "html" / "edge-cases" / "arvancloud-bot-challenge.html",
             CORPUS / "html" / "edge-cases" / "shiraz-municipality-js-redirect.html",
             CORPUS / "html" / "voa-dari" / "article_7983351.html",
             CORPUS / "html" / "persian-news" / "yjc-7349926.html"]
    result = shahrnameh("extract", *map(str, pages))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["reason"]) for r in records] == [
        ("block_page", "ArvanCloud bot challenge"),
        ("empty", "JavaScript or meta-refresh redirect, no content"),
        ("not_article", "only 99 characters of body text: a media, snippet or index page"),
        ("article", None)]


def test_extract_without_files_names_the_argument_it_needs():
    result = shahrnameh("extract")
    assert result.returncode == 2
    assert "extract [OPTIONS] {FILE}..." in result.stderr
    assert "Missing argument 'FILE'" in result.stderr
    assert "files" not in result.stderr


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


def _run_result(names: list[str]) -> dict:
    """A nightly run's summary as flows.nightly returns it."""
    rows = [{"source": name, "fetched": 70, "new": 69, "changed": 0, "unchanged": 1, "failed": 0, "blocked": 3,
             "articles_new": 61, "articles_changed": 0, "facts_new": 223} for name in names]
    return {"run_id": 1, "status": "succeeded", "sources": rows,
            "counts": {"sources": len(rows), "pages_fetched": 70 * len(rows), "facts_new": 223 * len(rows),
                       "facts_new_by_category": {"people": 91, "duration": 85}},
            "errors": ["http://127.0.0.1:8719/private/drafts.html: IgnoreRequest: Forbidden by robots.txt"],
            "not_article_pages": ["http://127.0.0.1:8719/dari/article_7983351.html: only 99 characters of body "
                                  "text: a media, snippet or index page"]}


def _printed_run(names: list[str], width: int) -> str:
    import io

    from rich.console import Console

    from shahrnameh.flows.cli import _print_summary

    out = io.StringIO()
    _print_summary(_run_result(names), "sqlite:///w.sqlite", Console(file=out, width=width, color_system=None))
    return out.getvalue()


RUN_HEADINGS = ("fetched", "new", "changed", "unchanged", "failed", "blocked", "articles", "facts")


def test_the_run_table_at_80_columns_keeps_every_source_name_and_heading_whole():
    names = ["demo-cityhall", "demo-dari", "demo-news", "rafsanjan-municipality"]
    printed = _printed_run(names, 80)
    table = printed.split("sources 4,")[0]
    assert "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines())
    assert [line for line in table.splitlines() if line.strip() in names] == names  # each name whole
    # Each count with its heading on one line, never «blocked» at a line's end and «3» on the next.
    counts = re.findall(r"(?:^|, |  )([a-z]+) \+?(\d+)", table, re.M)
    assert [heading for heading, _ in counts] == [*RUN_HEADINGS] * len(names)
    assert "  fetched 70, new 69, changed 0, unchanged 1, failed 0, blocked 3\n  articles +61, facts +223\n" in table
    # A note is one line the terminal wraps, never a URL broken by a hard line end.
    assert "  failure: http://127.0.0.1:8719/private/drafts.html: IgnoreRequest: Forbidden by robots.txt\n" in printed
    assert ("  not an article: http://127.0.0.1:8719/dari/article_7983351.html: only 99 characters of body text: "
            "a media, snippet or index page\n") in printed
    assert "not articles 1, failures 1" in printed


def test_the_run_table_at_120_columns_has_a_column_per_count():
    names = ["demo-cityhall", "demo-dari", "demo-news"]
    table = _printed_run(names, 120).split("sources 3,")[0]
    assert "…" not in table
    heading = next(line for line in table.splitlines() if "unchanged" in line)
    assert [cell.strip() for cell in heading.split("┃")[1:-1]] == [
        "source", "fetched", "new", "changed", "unchanged", "failed", "blocked", "articles +", "facts +"]
    assert [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")] == names


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_schedule_without_a_prefect_server_says_it_is_temporary_and_stops_cleanly(tmp_path, stop):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "SHAHRNAMEH_HOME": str(tmp_path / "home")}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "shahrnameh.flows", "schedule"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        said = _stderr_until(process, "Ctrl-C stops it", timeout=240)
        assert "started a temporary one at http://127.0.0.1:" in said
        assert "nothing will run after that" in said
        process.send_signal(stop)
        _, rest = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "never awaited" not in rest and "Traceback" not in rest
    assert "All deployments have been paused" in rest
    assert "no nightly run happens until `shahrnameh schedule` runs again" in rest


def _stderr_until(process: subprocess.Popen, text: str, timeout: float) -> str:
    import selectors
    import time

    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    said, deadline = "", time.monotonic() + timeout
    while text not in said:
        assert time.monotonic() < deadline and process.poll() is None, said
        if selector.select(timeout=1):
            said += process.stderr.readline()
    return said


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


def test_run_refuses_a_bad_sources_file_before_loading_the_pipeline(tmp_path):
    # "In under a second" (issue 16): what makes a refusal slow is importing the pipeline
    # (shahrnameh.ingest: trafilatura, scrapy, hazm; ~0.7 s of a 1.0 s refusal measured on the
    # two-core machine) and Prefect, neither of which a sources file's check needs. A wall-clock
    # bound would be flaky on a busy machine; what is imported is not.
    probe = ("import sys\n"
             "from shahrnameh.flows.cli import app\n"
             "try:\n"
             f"    app(['run', '--sources', {str(tmp_path / 'missing.yaml')!r}])\n"
             "except SystemExit as stop:\n"
             "    code = stop.code\n"
             "heavy = sorted(name for name in ('shahrnameh.ingest', 'prefect', 'scrapy', 'trafilatura', 'hazm')\n"
             "               if name in sys.modules)\n"
             "print(code, heavy)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SHAHRNAMEH_HOME": str(tmp_path / "home")})
    assert result.stdout == "2 []\n", result.stdout + result.stderr
