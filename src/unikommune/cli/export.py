"""``unikommune export``: a dataset as a Frictionless Data Package or a workbook, guarded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "export",
        help="write a dataset as CSV tables (a Frictionless Data Package) or a workbook",
        description="Write a dataset as tables: a folder of CSV files with a "
        "datapackage.json (--format csv), or one XLSX workbook (--format xlsx). "
        "The privacy guard runs first: personal data stops the export (unless "
        "--not-personal), and counts of people below --min-cell are published as ranges.",
    )
    parser.add_argument("dataset", type=Path, help="a dataset.json document or dataset folder")
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        default=None,
        help="csv: a data package folder; xlsx: a workbook (default: from -o's suffix)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="the folder (csv: missing or empty) or the .xlsx file to write",
    )
    parser.add_argument(
        "--min-cell",
        type=int,
        default=3,
        metavar="N",
        help="the smallest count of people published as it is (default: 3)",
    )
    parser.add_argument(
        "--exempt",
        action="append",
        default=[],
        metavar="CONTACT",
        help="an e-mail address or telephone number published as an organisation's "
        "contact point, not a person's (repeatable)",
    )
    parser.add_argument(
        "--not-personal",
        action="store_true",
        help="export even though the guard finds personal data: say so only when the "
        "values found are not about persons",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing workbook")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export the dataset; return the exit code (1: refused, personal data found)."""
    from unikommune.errors import PersonalDataError
    from unikommune.loading import load
    from unikommune.publish.export import export

    form = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "csv")
    if args.min_cell < 1:
        print("unikommune export: error: --min-cell must be 1 or more", file=sys.stderr)
        return 2
    dataset = load(args.dataset)
    try:
        done = export(
            dataset,
            args.output,
            form,
            minimum=args.min_cell,
            exempt=args.exempt,
            not_personal=args.not_personal,
            force=args.force,
        )
    except PersonalDataError as error:
        for finding in error.findings:
            print(f"{finding.pointer or '/'}: {finding.code} {finding.message}", file=sys.stderr)
        print(f"unikommune export: {error}", file=sys.stderr)
        return 1
    for finding in done.guarded.findings:
        if finding.severity.value != "info" or finding.code != "small_count":
            print(f"{finding.pointer or '/'}: {finding.code} {finding.message}", file=sys.stderr)
    hidden = f", {len(done.notes)} counts hidden" if done.notes else ""
    print(
        f"{args.output}: {done.tables} tables, {done.rows} rows ({form}){hidden}", file=sys.stderr
    )
    return 0
