"""``unikommune schema``: write the published JSON Schemas, or check that they are current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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
    parser.add_argument(
        "--reference",
        type=Path,
        metavar="FILE",
        help="also write (or --check) the Markdown format reference, e.g. docs/reference.md",
    )
    parser.set_defaults(run=run)


def _reference_problems(path: Path | None) -> list[str]:
    from unikommune.format_docs import render_reference

    if path is None:
        return []
    if not path.is_file():
        return [f"{path}: missing"]
    if path.read_text(encoding="utf-8") != render_reference():
        return [f"{path}: differs from the models"]
    return []


def run(args: argparse.Namespace) -> int:
    """Write or check the schemas (and the reference); return the exit code."""
    from unikommune.format_docs import render_reference
    from unikommune.schema import check_schemas, write_schemas

    if args.check:
        problems = check_schemas(args.dir) + _reference_problems(args.reference)
        for problem in problems:
            print(problem)
        if problems:
            again = f" --reference {args.reference}" if args.reference is not None else ""
            print(
                f"{len(problems)} generated file(s) out of date; "
                f"run `unikommune schema --dir {args.dir}{again}` and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{args.dir}: schemas are in sync with the models")
        if args.reference is not None:
            print(f"{args.reference}: the reference is in sync with the models")
        return 0
    changed = write_schemas(args.dir)
    if args.reference is not None and _reference_problems(args.reference):
        args.reference.parent.mkdir(parents=True, exist_ok=True)
        args.reference.write_text(render_reference(), encoding="utf-8")
        changed.append(args.reference)
    for path in changed:
        print(f"{path}: written")
    print(f"{len(changed)} file(s) written" if changed else "everything is up to date")
    return 0
