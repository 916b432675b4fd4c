"""``unikommune upgrade PATH``: rewrite a dataset of format 0.1 as the current version.

Exit codes: 0 when the upgraded dataset has no finding of severity error (or the
dataset was already current), 1 when it has one, 2 when the input cannot be read,
names no known version, or the output would write over something.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unikommune.dataset.upgrade import Upgrade

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``upgrade`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "upgrade",
        help="rewrite a dataset of an earlier format version (0.1) as the current one",
        description="Rewrite a dataset document or folder of format 0.1 as the current "
        "version. Only the $schema values change; every other byte of every file is kept. "
        "Writes to a new OUT, or with --in-place replaces the changed files one by one, "
        "each atomically; then validates the result. Exit 0 when it validates (or was "
        "already current), 1 when it has errors, 2 when the input cannot be upgraded.",
    )
    parser.add_argument(
        "path", type=Path, metavar="PATH", help="a dataset.json document or a dataset folder"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="write the upgraded dataset here: a new file for a document, a new folder for "
        "a folder (an empty one may be named; nothing is written over)",
    )
    where.add_argument(
        "--in-place",
        action="store_true",
        help="replace the input's changed files instead, each atomically",
    )
    parser.set_defaults(run=run)


def _summary(result: Upgrade) -> str:
    """Return the lines that say what was upgraded and where it went."""
    from unikommune.format import FORMAT_VERSION

    old = ", ".join(version for version in result.versions if version != FORMAT_VERSION)
    lines = [f"Upgraded {result.source} from format {old} to {FORMAT_VERSION}: {result.target}"]
    for file in result.files:
        if file.changed:
            lines.append(
                f"  {file.source.name}: {', '.join(file.pointers)} set to {FORMAT_VERSION}"
            )
        elif file.target is not None:
            lines.append(f"  {file.source.name}: copied unchanged")
    for entry in result.skipped:
        lines.append(f"  {entry.name}: not copied (not a regular file of the folder)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Upgrade the dataset, validate the result and print both; return the exit code."""
    from unikommune.dataset.upgrade import upgrade
    from unikommune.format import FORMAT_VERSION
    from unikommune.validation import validate
    from unikommune.validation.formats import format_text

    result = upgrade(args.path, args.output, in_place=args.in_place)
    if result.up_to_date:
        print(f"{args.path}: already format {FORMAT_VERSION}; nothing to do, nothing written")
        return 0
    print(_summary(result))
    assert result.target is not None
    report = validate(result.target)
    if not report.findings:
        print(f"Validated {result.target}: no findings.")
        return 0
    print(f"Validated {result.target}:")
    for line in format_text(report):
        print(line)
    return 0 if report.ok else 1
