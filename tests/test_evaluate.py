"""`shahrnameh evaluate` on the real gold files: its figures are score()'s on the same
inputs, its counts add up, and bad gold is a clear message, never a traceback.

nlp/facts.py is being tuned while these run, so no fixed F1 is asserted here (the floors
are in test_facts.py); what must hold is that the command reports what score() says."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, GOLD
from shahrnameh.flows.cli import app
from shahrnameh.nlp.document import decode_page, read_document
from shahrnameh.nlp.evaluation import (
    GoldError, evaluation_report, format_report, read_gold, score, scored_facts,
)

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
DEV = sorted((CORPUS / "text").glob("*.txt"))


def _run(*args):
    return CliRunner().invoke(app, ["evaluate", *map(str, args)])


def _gold(name):
    return read_gold((GOLD / name).read_text(encoding="utf-8").splitlines(), name)


def _predicted(paths):
    return {p.name: scored_facts(read_document(decode_page(p.read_bytes()), is_html=p.suffix == ".html").facts)
            for p in paths}


def _consistent(report):
    docs = report["documents"]
    for key in ("predicted", "gold", "matched"):
        assert report[key] == sum(d[key] for d in docs)
    for d in docs:
        assert d["matched"] + len(d["misses"]) == d["gold"]
        assert d["matched"] + len(d["spurious"]) == d["predicted"]
        assert len(d["wrong_qualifier"]) <= d["matched"]
    assert report["qualifier_right"] == report["matched"] - sum(len(d["wrong_qualifier"]) for d in docs)


def test_command_line_json_is_score_of_extract_on_the_seeds():
    # As a user runs it, in its own process: the command and file contract.
    result = subprocess.run([sys.executable, "-m", "shahrnameh.flows", "evaluate", str(GOLD / "seeds.jsonl"),
                             *map(str, SEEDS), "--json"], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    gold = _gold("seeds.jsonl")
    expected = score(_predicted(SEEDS), gold)
    for key in ("precision", "recall", "f1", "qualifier_accuracy", "predicted", "gold", "matched"):
        assert report[key] == pytest.approx(expected[key]), key
    assert [d["doc"] for d in report["documents"]] == [p.name for p in SEEDS]
    assert report["gold"] == sum(len(facts) for facts in gold.values()) == 18
    _consistent(report)


def test_text_report_on_the_dev_set_and_both_gold_files_at_once():
    result = _run(GOLD / "dev.jsonl", *DEV, GOLD / "seeds.jsonl", *SEEDS)
    assert result.exit_code == 0, result.output
    expected = evaluation_report(_predicted(DEV + SEEDS),
                                 {**_gold("dev.jsonl"), **_gold("seeds.jsonl")})
    _consistent(expected)
    out = result.stdout
    for d in expected["documents"]:
        assert any(line.split() == [d["doc"], str(d["predicted"]), str(d["gold"]), str(d["matched"])]
                   for line in out.splitlines()), d["doc"]
    assert f"F1 {expected['f1']:.3f}" in out
    assert f"qualifier accuracy: {expected['qualifier_accuracy']:.3f}" in out
    assert f"misses (in gold, not extracted): {sum(len(d['misses']) for d in expected['documents'])}" in out
    for d in expected["documents"]:
        for fact in d["spurious"]:
            assert fact["evidence"] in out


def test_malformed_gold_lines_are_each_named_and_nothing_is_scored(tmp_path):
    lines = (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], lines[1][:40], json.dumps({**json.loads(lines[2]), "value": "12"}),
                              json.dumps({**json.loads(lines[3]), "category": "parks"}), lines[4]]) + "\n",
                   encoding="utf-8")
    result = _run(bad, *SEEDS)
    assert result.exit_code == 2
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert [e.split(": ")[1].rsplit(":", 1)[-1] for e in errors] == ["2", "3", "4"]
    assert "not JSON" in errors[0] and "value must be a number" in errors[1] and "'parks'" in errors[2]
    assert "Traceback" not in result.output


def test_gold_documents_without_a_file_are_warned_and_left_out():
    result = _run(GOLD / "dev.jsonl", DEV[0], "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [d["doc"] for d in report["documents"]] == [DEV[0].name]
    assert report["gold"] == len(_gold("dev.jsonl")[DEV[0].name])
    assert sorted(report["unscored_gold_documents"]) == sorted(p.name for p in DEV[1:])
    assert sum("has no file among FILES" in line for line in result.stderr.splitlines()) == len(DEV) - 1


def test_unreadable_article_counts_as_extracting_nothing(tmp_path):
    missing = tmp_path / SEEDS[0].name
    result = _run(GOLD / "seeds.jsonl", missing, SEEDS[1], "--json")
    assert result.exit_code == 1
    assert str(missing) in result.stderr
    report = json.loads(result.stdout)
    lost = next(d for d in report["documents"] if d["doc"] == SEEDS[0].name)
    assert lost["predicted"] == lost["matched"] == 0 and lost["gold"] == len(lost["misses"]) > 0


def test_missing_gold_file_and_no_articles_are_usage_errors(tmp_path):
    assert _run(tmp_path / "none.jsonl", *SEEDS).exit_code == 2
    result = _run(GOLD / "seeds.jsonl")
    assert result.exit_code == 2


def test_read_gold_keeps_evidence_and_unit_and_rejects_non_objects():
    gold = _gold("dev.jsonl")
    first = json.loads((GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert gold[first["doc"]][0] == (first["value"], first["category"], first["qualifier"],
                                     first["evidence"], first["unit"])
    with pytest.raises(GoldError, match=r"x.jsonl:1: a gold line is a JSON object") as error:
        read_gold(["[1, 2]", '{"doc": "a.txt", "value": true, "category": "people", "qualifier": "exact"}'], "x.jsonl")
    assert "x.jsonl:2: value must be a number" in str(error.value)


def test_format_report_lists_a_wrong_qualifier():
    gold = {"a.txt": [(2500, "project", "about", "بالغ بر 2500 پروژه", None)]}
    predicted = {"a.txt": [(2500, "project", "exact", "بالغ بر 2500 پروژه", "پروژه")]}
    text = format_report(evaluation_report(predicted, gold))
    assert "qualifier differs: 1" in text
    assert "gold about, extracted exact" in text
    assert "F1 1.000" in text and "qualifier accuracy: 0.000" in text


def test_help_names_the_arguments_and_json():
    result = _run("--help")
    assert result.exit_code == 0
    usage = next(line for line in result.stdout.splitlines() if "Usage:" in line)
    assert usage.index("GOLD") < usage.index("FILES")
    assert "--json" in result.stdout
