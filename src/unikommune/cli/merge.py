"""``unikommune merge A B ... -o DIR``: one dataset of several, each partner and project once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unikommune.cli.options import print_coded

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``merge`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "merge",
        help="combine datasets: shared partners and projects become one",
        description="Merge datasets in the order given. Partners that share an identifier "
        "(organisation number, ROR, ...) become one, and so do projects that share one "
        "(grant or project number); every conflict is printed, and the first dataset's "
        "value is kept. Ids that two different records share are renamed (ID-2), and every "
        "reference follows. Each folder's provenance.csv is carried over.",
    )
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="DATASET", help="dataset folders or documents"
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="a new or empty folder"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when there are conflicts")
    parser.add_argument("--force", action="store_true", help="replace the dataset in DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Merge, write the folder, print the findings and a summary; return the exit code."""
    from unikommune.errors import DatasetWriteError
    from unikommune.harvest.merge import merge_paths
    from unikommune.harvest.provenance import check_folder, write_folder

    output = args.output.resolve()
    if any(path.resolve() == output for path in args.paths):
        raise DatasetWriteError(f"{args.output} is one of the inputs; merge into a new folder")
    check_folder(args.output, force=args.force)
    result = merge_paths(args.paths)
    write_folder(result.dataset, result.provenance, args.output, force=args.force)
    codes, counted = print_coded(result.findings)
    print(
        f"Wrote {args.output}: {len(result.dataset.partners)} partners, "
        f"{len(result.dataset.projects)} projects from {len(args.paths)} datasets"
        f"{f'; {counted}' if counted else ''}",
        file=sys.stderr,
    )
    return 1 if args.strict and codes["conflicting_value"] + codes["conflicting_metadata"] else 0
