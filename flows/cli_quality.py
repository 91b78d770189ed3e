"""`shahrnameh evaluate`: extraction scored against gold files, by FACTS.md's rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shahrnameh.flows.cli import _err, app


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(
        metavar="GOLD",
        help="gold .jsonl file (doc, value, category, qualifier, unit, evidence, municipality, programme)")],
    files: Annotated[list[Path], typer.Argument(
        metavar="FILES", help=".txt/.html articles, read as `extract` reads them; more .jsonl gold files may be given too")],
    as_json: Annotated[bool, typer.Option("--json", help="print the report as one JSON object")] = False,
) -> None:
    """Score `extract` on FILES against GOLD: per-document counts, misses, spurious facts,
    precision/recall/F1 on (value, category), qualifier accuracy, and municipality (city +
    district, and city alone) and programme accuracy where the gold annotates them."""
    from shahrnameh.nlp.document import decode_page, read_document
    from shahrnameh.nlp.evaluation import GoldError, evaluation_report, format_report, merge_gold, read_gold, scored_facts
    from shahrnameh.nlp.records import to_json

    gold_paths = [gold] + [p for p in files if p.suffix.lower() == ".jsonl"]
    articles = [p for p in files if p.suffix.lower() != ".jsonl"]
    if not articles:
        _err("evaluate: no article files given (.txt or .html) after the gold file")
        raise typer.Exit(2)
    gold_sets, gold_failed = [], False
    for path in gold_paths:
        try:
            gold_sets.append(read_gold(path.read_text(encoding="utf-8").splitlines(), str(path)))
        except OSError as error:
            _err(f"{path}: {error.strerror or error}")
            gold_failed = True
        except UnicodeDecodeError:
            _err(f"{path}: not UTF-8 text")
            gold_failed = True
        except GoldError as error:
            for line in str(error).splitlines():
                _err(line)
            gold_failed = True
    if gold_failed:
        raise typer.Exit(2)
    gold_facts = merge_gold(*gold_sets)

    by_doc: dict[str, Path] = {}
    for path in articles:
        if path.name in by_doc and by_doc[path.name] != path:
            _err(f"{path}: same file name as {by_doc[path.name]}; gold names documents by file name only")
            raise typer.Exit(2)
        by_doc[path.name] = path

    predicted: dict[str, list[tuple]] = {}
    failed = 0
    for doc, path in by_doc.items():
        try:
            is_html = path.suffix.lower() in (".html", ".htm")
            if not is_html and path.suffix.lower() != ".txt":
                raise ValueError(f"unsupported file type {path.suffix or '(none)'}: expected .html or .txt")
            document = read_document(decode_page(path.read_bytes()), is_html=is_html)
        except Exception as error:  # one unreadable article must not stop the evaluation
            failed += 1
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            _err(f"{path}: {reason} (scored as extracting nothing)")
            document = None
        predicted[doc] = scored_facts(document.facts) if document else []
        if doc not in gold_facts:
            _err(f"warning: {path}: no gold facts for {doc}; every fact extracted from it counts as spurious")

    unscored = sorted(set(gold_facts) - set(by_doc))
    for doc in unscored:
        _err(f"warning: gold document {doc} has no file among FILES; its "
             f"{len(gold_facts[doc])} facts are left out of the score")
    report = evaluation_report(predicted, {doc: gold_facts.get(doc, []) for doc in by_doc})
    report["unscored_gold_documents"] = unscored
    report["unreadable_files"] = failed
    if as_json:
        typer.echo(to_json(report, ensure_ascii=False))
    else:
        typer.echo(format_report(report))
    raise typer.Exit(1 if failed else 0)
