"""``unikommune import``: read a dataset back from its CSV tables or workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``import`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "import",
        help="read a dataset from CSV tables (a data package folder) or a workbook",
        description="Read a dataset from the tables unikommune export writes (edited or "
        "not) and save it as a dataset document or folder. Every cell that does not fit "
        "is a finding with its file (or workbook[sheet]), row, column, code and message.",
    )
    parser.add_argument(
        "tables", type=Path, help="a data package folder (or its datapackage.json) or an .xlsx"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="the dataset to write: a .json document, or a folder",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing dataset")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Import the tables and save the dataset; return the exit code (1: cells do not fit)."""
    from unikommune.dataset.save import save
    from unikommune.errors import InvalidDatasetError
    from unikommune.publish.tables_import import read_tables

    try:
        dataset = read_tables(args.tables)
    except InvalidDatasetError as error:
        for finding in error.problems:
            print(str(finding), file=sys.stderr)
        count = len(error.problems)
        print(
            f"unikommune import: {count} problem{'s' if count != 1 else ''}; nothing written",
            file=sys.stderr,
        )
        return 1
    written = save(dataset, args.output, overwrite=args.force)
    records = sum(1 for _ in dataset.records())
    print(f"{args.output}: {records} records in {len(written)} files", file=sys.stderr)
    return 0
