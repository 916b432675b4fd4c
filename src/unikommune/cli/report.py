"""``unikommune report``: the evaluation report of one or more datasets (HTML, Markdown, JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unikommune import outputs
from unikommune.cli.options import add_jobs, years_side_by_side
from unikommune.errors import DatasetWriteError

__all__ = ["register", "run"]

_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "report",
        help="write the evaluation report (self-contained HTML, Markdown or JSON)",
        description="Write the evaluation report of one or more datasets: a summary, the "
        "indicators by group and focus area with trend charts, the partner network, the SDG "
        "coverage and the designation checklist with its evidence. The HTML is one file "
        "that needs no network when opened (inline SVG, no scripts or fonts from elsewhere) "
        "and prints cleanly; several datasets are compared side by side.",
    )
    parser.add_argument("datasets", type=Path, nargs="+", help="dataset.json files or folders")
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write (default, or '-': standard output)"
    )
    parser.add_argument(
        "--format",
        choices=("html", "md", "json"),
        help="html, md or json (default: from the suffix of -o, else html)",
    )
    parser.add_argument("--lang", choices=("nb", "en"), default="en", help="language (default: en)")
    parser.add_argument(
        "--criteria", type=Path, metavar="FILE", help="a criteria-set JSON file (default: TRD3.0)"
    )
    parser.add_argument(
        "--no-network",
        action="store_true",
        help="leave out the yearly network indicators (quicker for a large dataset)",
    )
    add_jobs(parser, "each dataset's indicators in parts")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    parser.set_defaults(run=run)


def _check(args: argparse.Namespace) -> None:
    if args.output is None:
        return
    resolved = args.output.resolve()
    for dataset in args.datasets:
        inputs = [dataset, *(dataset.iterdir() if dataset.is_dir() else ())]
        if any(Path(item).resolve() == resolved for item in inputs):
            raise DatasetWriteError(f"{args.output}: will not write over a dataset being read")
    outputs.check_target(args.output, force=args.force)


def run(args: argparse.Namespace) -> int:
    """Build and write the report; return the exit code."""
    from unikommune.evaluation import default_criteria, read_criteria
    from unikommune.evaluation.report import build_report, render
    from unikommune.loading import load

    if args.output is not None and str(args.output) == outputs.STDOUT:
        args.output = None
    _check(args)
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower() if args.output is not None else ""
        fmt = _SUFFIXES.get(suffix, "html")
    criteria = read_criteria(args.criteria) if args.criteria is not None else default_criteria()
    datasets = [load(path) for path in args.datasets]
    report = build_report(
        datasets,
        lang=args.lang,
        criteria=criteria,
        network=not args.no_network,
        side_by_side=years_side_by_side(args.jobs),
    )
    text = render(report, fmt)
    if args.output is None:
        outputs.write_text(outputs.STDOUT, text)
    else:
        outputs.write_text(args.output, text, force=args.force)
        print(f"{args.output}: report of {len(datasets)} dataset(s) ({fmt})", file=sys.stderr)
    return 0
