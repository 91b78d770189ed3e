"""`shahrnameh evaluate` on the real gold files: its figures are score()'s on the same
inputs, its counts add up, and bad gold is a clear message, never a traceback.

nlp/facts.py is being tuned while these run, so no fixed F1 is asserted here (the floors
are in test_facts.py); what must hold is that the command reports what score() says. The
attribution floors of the tuning and validation sets are here, read as `evaluate` reads them.
Municipality and programme are scored on the matched pairs the gold annotates, spelling
variants folded as the warehouse folds them; a gold line without them is "not annotated"."""

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

ATTRIBUTIONS = ("municipality", "city", "programme")

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
    for name in ATTRIBUTIONS:
        for key in ("right", "annotated", "not_annotated"):
            assert report[f"{name}_{key}"] == sum(d[f"{name}_{key}"] for d in docs)
        for d in docs:
            assert d[f"{name}_annotated"] + d[f"{name}_not_annotated"] == d["matched"]
            assert d[f"{name}_right"] + len(d[f"wrong_{name}"]) == d[f"{name}_annotated"]
        annotated = report[f"{name}_annotated"]
        assert report[f"{name}_accuracy"] == (report[f"{name}_right"] / annotated if annotated else None)


def test_command_line_json_is_score_of_extract_on_the_seeds():
    # As a user runs it, in its own process: the command and file contract.
    result = subprocess.run([sys.executable, "-m", "shahrnameh.flows", "evaluate", str(GOLD / "seeds.jsonl"),
                             *map(str, SEEDS), "--json"], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    gold = _gold("seeds.jsonl")
    expected = score(_predicted(SEEDS), gold)
    for key in ("precision", "recall", "f1", "qualifier_accuracy", "predicted", "gold", "matched",
                *(f"{name}_{count}" for name in ATTRIBUTIONS for count in ("right", "annotated", "not_annotated"))):
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
    assert gold[first["doc"]][0][:5] == (first["value"], first["category"], first["qualifier"],
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


def _fact(value, municipality, programme, category="facility"):
    return (value, category, "exact", f"evidence of {value}", None, municipality, programme)


def test_attribution_is_right_when_both_name_one_entity_after_folding():
    gold = {"a.txt": [
        _fact(1, "تهران / منطقه 3", "شورایاری"),
        _fact(2, "تهران / منطقه 3", "سرای محله"),
        _fact(3, "تهران", ""),
        _fact(4, "", ""),
        _fact(5, "مشهد", "سامانه من شهردارم"),
    ]}
    predicted = {"a.txt": [
        _fact(1, "تهران/منطقه ۳", "شورایاری‌ها"),          # digits and plural folded: right
        _fact(2, "تهران", "سرای محله"),                    # right city, district lost
        _fact(3, "تهران / منطقه 12", ""),                  # a district the gold does not give
        _fact(4, "", ""),                                   # both empty: right
        _fact(5, "گرگان / منطقه 7", "سامانه‌ی من شهردارم"),  # another city; ezafe folded
    ]}
    result = score(predicted, gold)
    assert (result["municipality_right"], result["municipality_annotated"]) == (2, 5)
    assert (result["city_right"], result["city_annotated"]) == (4, 5)
    assert (result["programme_right"], result["programme_annotated"]) == (5, 5)
    assert result["municipality_accuracy"] == pytest.approx(0.4)
    assert result["city_accuracy"] == pytest.approx(0.8)
    assert [g[0] for _, g, _ in result["wrong_municipality"]] == [2, 3, 5]
    assert [g[0] for _, g, _ in result["wrong_city"]] == [5]


def test_an_empty_field_against_a_name_is_wrong_either_way():
    gold = {"a.txt": [_fact(1, "", "شورایاری"), _fact(2, "کرج", "")]}
    predicted = {"a.txt": [_fact(1, "کرج", ""), _fact(2, "", "شورایاری")]}
    result = score(predicted, gold)
    assert result["municipality_right"] == result["city_right"] == result["programme_right"] == 0
    assert result["municipality_annotated"] == result["programme_annotated"] == 2


def test_gold_without_the_fields_is_not_annotated_not_wrong():
    # a.txt's first gold line predates the fields (a 5-tuple), b.txt's says None: both unannotated.
    gold = {"a.txt": [(7, "facility", "exact", "e", None), _fact(8, "تبریز", "")],
            "b.txt": [(9, "people", "exact", "e", None, None, None)]}
    predicted = {"a.txt": [_fact(7, "تهران", "شورایاری"), _fact(8, "تبریز", "")],
                 "b.txt": [_fact(9, "قم", "", category="people")]}
    report = evaluation_report(predicted, gold)
    assert (report["municipality_right"], report["municipality_annotated"], report["municipality_not_annotated"]) \
        == (1, 1, 2)
    assert report["programme_accuracy"] == 1.0
    b = next(d for d in report["documents"] if d["doc"] == "b.txt")
    assert b["municipality_accuracy"] is None and b["programme_not_annotated"] == 1
    text = format_report(report)
    assert "municipality accuracy (city + district): 1.000  (1 of 1 annotated matched; 2 not annotated)" in text
    assert any(line.split() == ["b.txt", "not", "annotated", "not", "annotated", "not", "annotated"]
               for line in text.splitlines())
    assert any(line.split() == ["a.txt", "1/1", "1/1", "1/1"] for line in text.splitlines())

    nothing = format_report(evaluation_report({"b.txt": predicted["b.txt"]}, {"b.txt": gold["b.txt"]}))
    assert "programme accuracy: not annotated  (1 matched facts without it in gold)" in nothing


def test_report_names_each_wrong_attribution_with_both_names():
    gold = {"a.txt": [_fact(22, "تهران / منطقه 7", "شورایاری", category="district")]}
    predicted = {"a.txt": [_fact(22, "گرگان / منطقه 7", "", category="district")]}
    report = evaluation_report(predicted, gold)
    _consistent(report)
    text = format_report(report)
    assert "municipality differs: 1" in text and "programme differs: 1" in text
    assert "gold «تهران / منطقه 7», extracted «گرگان / منطقه 7» (another city)" in text
    assert "gold «شورایاری», extracted «»" in text
    assert "city-level accuracy: 0.000  (0 of 1 annotated matched)" in text
    assert report["documents"][0]["wrong_programme"][0]["gold"]["programme"] == "شورایاری"


def test_read_gold_reads_the_attribution_fields_and_rejects_non_strings():
    line = {"doc": "a.txt", "value": 3, "category": "district", "qualifier": "exact"}
    gold = read_gold([json.dumps({**line, "municipality": "تهران / منطقه 3", "programme": ""}),
                      json.dumps(line)], "x.jsonl")
    assert [fact[5:] for fact in gold["a.txt"]] == [("تهران / منطقه 3", ""), (None, None)]
    with pytest.raises(GoldError, match=r"x.jsonl:1: municipality must be a string"):
        read_gold([json.dumps({**line, "municipality": None})], "x.jsonl")
    with pytest.raises(GoldError, match=r"x.jsonl:1: programme must be a string"):
        read_gold([json.dumps({**line, "programme": ["شورایاری"]})], "x.jsonl")


def test_command_line_scores_annotated_gold(tmp_path):
    lines = [json.loads(line) for line in (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    predicted = _predicted(SEEDS)
    # Annotate each line with what its matched fact says, and one line wrongly: 1 wrong each.
    annotated = []
    for row in lines:  # in gold order, each extracted fact matched once, as score() pairs them
        hit = next((p for p in predicted[row["doc"]] if p[0] == row["value"] and p[1] == row["category"]), None)
        if hit is None:
            continue  # a fact the extractor misses has no attribution to score
        predicted[row["doc"]].remove(hit)
        annotated.append({**row, "municipality": hit[5], "programme": hit[6]})
    annotated[0] = {**annotated[0], "municipality": "کاشمر", "programme": "شورای بانوان"}
    del annotated[1]["municipality"], annotated[1]["programme"]
    gold = tmp_path / "seeds.jsonl"
    gold.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in annotated), encoding="utf-8")
    result = _run(gold, *SEEDS, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    _consistent(report)
    n = len(annotated)
    for name in ATTRIBUTIONS:
        assert (report[f"{name}_right"], report[f"{name}_annotated"], report[f"{name}_not_annotated"]) \
            == (n - 2, n - 1, 1), name
    text = _run(gold, *SEEDS).stdout
    assert (f"programme accuracy: {(n - 2) / (n - 1):.3f}  "
            f"({n - 2} of {n - 1} annotated matched; 1 not annotated)") in text


@pytest.mark.parametrize("gold_file, folder, municipality_floor, programme_floor", [
    # Measured at stop 23 (docs/text-quality.md): municipality, programme. Floors sit about three
    # points under them: room for a fact or two of change, not for a regression. (A head noun that
    # matches more facts scores more attributions: several sets read lower on attribution when
    # households, structures, forums or contractors became facts, on facts not scored before.)
    # The held-out set has its F1 floor only (test_facts.py): its attribution is read as totals,
    # not tuned on.
    ("seeds.jsonl", "seeds", 0.95, 0.85),                             # 1.000, 0.889
    ("dev.jsonl", "text", 0.95, 0.94),                                # 1.000, 0.976
    ("fars-municipal.jsonl", "fars-municipal", 0.95, 0.89),           # 0.987, 0.921
    ("fars-attribution.jsonl", "fars-attribution", 0.81, 0.86),       # 0.846, 0.897
    ("fars-attribution-2.jsonl", "fars-attribution-2", 0.93, 0.90),   # 0.969, 0.938
    ("fars-attribution-3.jsonl", "fars-attribution-3", 0.82, 0.91),   # 0.858, 0.948
    ("fars-attribution-4.jsonl", "fars-attribution-4", 0.83, 0.71),   # 0.864, 0.746
    ("fars-attribution-5.jsonl", "fars-attribution-5", 0.68, 0.56),   # 0.712, 0.593
    ("fars-attribution-6.jsonl", "fars-attribution-6", 0.88, 0.69),   # 0.917, 0.729
    ("fars-attribution-7.jsonl", "fars-attribution-7", 0.88, 0.67),   # 0.912, 0.706
    ("fars-attribution-8.jsonl", "fars-attribution-8", 0.81, 0.66),   # 0.846, 0.692
])
def test_attribution_stays_above_its_floor_on_the_tuning_and_validation_sets(
        gold_file, folder, municipality_floor, programme_floor):
    paths = sorted((CORPUS / folder).glob("*.txt"))
    gold = _gold(gold_file)
    assert set(gold) <= {p.name for p in paths}  # every annotated article is in its folder
    report = evaluation_report(_predicted(paths), {p.name: gold.get(p.name, []) for p in paths})
    assert report["municipality_accuracy"] >= municipality_floor, report["municipality_accuracy"]
    assert report["programme_accuracy"] >= programme_floor, report["programme_accuracy"]
