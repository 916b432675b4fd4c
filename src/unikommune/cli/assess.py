"""``unikommune assess``: the designation checklist of a dataset, and its maturity reading."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from unikommune.cli.options import add_output, output_format, write_result

__all__ = ["register", "rows_of", "run"]

_SHOWN = {
    "met": "met",
    "not_met": "NOT MET",
    "uncertain": "uncertain",
    "not_enough_data": "no data",
}
_SHOWN_NB = {
    "met": "oppfylt",
    "not_met": "IKKE OPPFYLT",
    "uncertain": "usikkert",
    "not_enough_data": "mangler data",
}


def register(subparsers: Any) -> None:
    """Add the ``assess`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "assess",
        help="assess a dataset against the criteria for the designation (met / not met)",
        description="Judge a dataset against a criteria set (default: the shipped proposal "
        "derived from TRD3.0; see docs/criteria.md): per criterion met, not met, uncertain "
        "(met only if approximate figures or uncertain dates fall favourably) or not enough "
        "data, with the figures and the records that are the evidence, and the maturity "
        "level the criteria give. Exit 0; with --require-met, exit 1 unless every criterion "
        "is met.",
    )
    parser.add_argument("dataset", type=Path, help="dataset.json or a dataset folder")
    parser.add_argument(
        "--criteria", type=Path, metavar="FILE", help="a criteria-set JSON file (default: TRD3.0)"
    )
    parser.add_argument(
        "--require-met",
        action="store_true",
        help="exit 1 when a criterion is not met, uncertain or lacks data (for CI)",
    )
    parser.add_argument("--lang", choices=("nb", "en"), default="en", help="language of texts")
    add_output(parser)
    parser.set_defaults(run=run)


def rows_of(assessment: Any, lang: str = "en") -> list[dict[str, Any]]:
    """Return one flat row per criterion: its figure as in English, its reasons in ``lang``."""
    from unikommune.evaluation.values import display

    rows = []
    for result in assessment:
        criterion = result.criterion
        rows.append(
            {
                "criterion": criterion.id,
                "kind": criterion.kind,
                "status": result.status,
                "cautious": result.cautious,
                "figure": "" if result.figure is None else display(result.figure),
                "statement": criterion.statement.get(
                    lang, next(iter(criterion.statement.values()))
                ),
                "reasons": "; ".join(reason.text(lang) for reason in result.reasons),
                "reason_codes": " ".join(reason.code for reason in result.reasons),
                "evidence": " ".join(result.evidence),
            }
        )
    return rows


def _table(assessment: Any, lang: str) -> str:
    from rich.console import Console
    from rich.table import Table

    from unikommune.evaluation.values import Lang, display

    shown = _SHOWN_NB if lang == "nb" else _SHOWN
    title = (
        f"{assessment.criteria.title.get(lang, assessment.criteria.id)} "
        f"({assessment.criteria.status}, {assessment.as_of})"
    )
    table = Table(title=title, show_lines=False)
    for column in ("criterion", "status", "figure", "why"):
        table.add_column(column, overflow="fold")
    cautious = " (forsiktig lesning)" if lang == "nb" else " (cautious reading)"
    shown_lang: Lang = "nb" if lang == "nb" else "en"
    for row, result in zip(rows_of(assessment, lang), assessment, strict=True):
        status = shown[row["status"]] + (cautious if row["cautious"] else "")
        figure = "" if result.figure is None else display(result.figure, lang=shown_lang)
        why = result.reasons[0].text(shown_lang) if result.reasons else ""
        table.add_row(row["criterion"], status, figure, why)
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, force_terminal=False)
    console.print(table)
    maturity = assessment.maturity or "–"
    words = ("modenhet", "mulig") if lang == "nb" else ("maturity", "possible")
    console.print(f"{words[0]}: {maturity} ({words[1]}: {assessment.maturity_possible or '–'})")
    for reason in assessment.maturity_reasons:
        console.print(f"  {reason.text(lang)}")
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Assess the dataset and print the checklist; return the exit code."""
    from unikommune.evaluation import assess, default_criteria, read_criteria
    from unikommune.loading import load

    fmt = output_format(args)
    criteria = read_criteria(args.criteria) if args.criteria is not None else default_criteria()
    assessment = assess(load(args.dataset), criteria)
    if fmt == "json":
        text = json.dumps(assessment.as_dict(), ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        from unikommune import outputs

        rows = rows_of(assessment, args.lang)
        text = outputs.csv_text(rows, list(rows[0]) if rows else [])
    else:
        text = _table(assessment, args.lang)
    unmet = [r.criterion.id for r in assessment if r.status != "met"]
    write_result(args, text, f"{len(assessment.results)} criteria ({fmt})")
    if args.require_met and unmet:
        print(
            f"unikommune assess: {len(unmet)} of {len(assessment.results)} criteria not met: "
            f"{', '.join(unmet)}",
            file=sys.stderr,
        )
        return 1
    return 0
