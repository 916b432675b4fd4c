"""``unikommune explain CODE``: what a finding means and how to fix it."""

from __future__ import annotations

import argparse
from typing import Any

from unikommune.validation.codes import CODES, catalogue_markdown, explain

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``explain`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "explain",
        help="explain a finding code and how to fix it",
        description="Print what a finding code of `unikommune validate` means and how to fix "
        "it; without a code, list every code.",
    )
    parser.add_argument(
        "code", nargs="?", metavar="CODE", help="a finding code, such as duplicate_id"
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the whole catalogue as Markdown (docs/codes.md is this output)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the explanation (or the list of codes); return the exit code."""
    if args.markdown:
        print(catalogue_markdown(), end="")
        return 0
    if args.code is None:
        width = max(len(code) for code in CODES)
        for code in CODES.values():
            print(f"{code.code:<{width}}  {code.severity.value:<7}  {code.title}")
        return 0
    print(explain(args.code).text(), end="")
    return 0
