"""``unikommune schema``: write the published JSON Schemas, or check that they are current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unikommune.schema import check_schemas, write_schemas

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``schema`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "schema",
        help="write the JSON Schemas generated from the models (or --check them)",
        description="Write the JSON Schemas generated from the models into a folder, "
        "or check that the folder is current (for CI).",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("schemas"),
        help="folder of the schemas (default: ./schemas)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if any schema differs from the models",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write or check the schemas; return the exit code."""
    if args.check:
        problems = check_schemas(args.dir)
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} schema file(s) out of date; "
                f"run `unikommune schema --dir {args.dir}`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.dir}: schemas are in sync with the models")
        return 0
    changed = write_schemas(args.dir)
    print(
        f"{args.dir}: {len(changed)} schema file(s) written"
        if changed
        else f"{args.dir}: up to date"
    )
    return 0
