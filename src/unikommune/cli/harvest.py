"""``unikommune harvest SOURCE FILE... -o DIR``: a dataset from the files a registry publishes."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from unikommune.cli.options import print_coded

__all__ = ["register", "run"]

_SOURCES = ("rcn-eu", "rcn-projects", "cordis", "cristin", "brreg")


def _orgnr(text: str) -> str:
    from stdnum.no import orgnr

    compact = orgnr.compact(text)
    if not orgnr.is_valid(compact):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an organisation number (nine digits with a valid check digit)"
        )
    return str(compact)


def _municipality(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a municipality number (four digits)")
    return text


def _year(text: str) -> int:
    if not re.fullmatch(r"[12][0-9]{3}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2021")
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2024-03-01") from None


def register(subparsers: Any) -> None:
    """Add the ``harvest`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "harvest",
        help="build a dataset from the files a registry publishes",
        description="Read the files a registry publishes (the Research Council's EU grants "
        "'rcn-eu' or projects 'rcn-projects', CORDIS, Cristin, Enhetsregisteret 'brreg'), map "
        "them to partners and projects, and write a dataset folder that validates, with "
        "provenance.csv. What cannot be read or mapped is printed. No file is downloaded "
        "unless asked with --download: see docs/harvest/ for where to get them.",
    )
    parser.add_argument("source", choices=_SOURCES, metavar="SOURCE", help=", ".join(_SOURCES))
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="files as downloaded (or --download)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="a new or empty folder"
    )
    parser.add_argument(
        "--partner",
        type=_orgnr,
        action="append",
        default=[],
        metavar="ORGNR",
        help="only projects of this organisation (and, in brreg, its units); repeatable",
    )
    parser.add_argument(
        "--municipality",
        type=_municipality,
        action="append",
        default=[],
        metavar="KOMMUNENR",
        help="only projects with a partner in this municipality (or, in brreg, units there)",
    )
    parser.add_argument("--from", dest="first", type=_year, metavar="YEAR", help="first year")
    parser.add_argument("--to", dest="last", type=_year, metavar="YEAR", help="last year")
    parser.add_argument(
        "--retrieved",
        type=_date,
        metavar="DATE",
        help="when the files were downloaded (default: the day each was last modified)",
    )
    parser.add_argument(
        "--license",
        choices=("NLOD-2.0", "CC-BY-4.0", "CC0-1.0"),
        help="licence of the dataset (default: the source's)",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="fetch the source's files from their official addresses into a cache first",
    )
    parser.add_argument(
        "--cache", type=Path, metavar="DIR", help="cache of --download (default ~/.cache/...)"
    )
    parser.add_argument(
        "--refresh", action="store_true", help="with --download: fetch again though cached"
    )
    parser.add_argument(
        "--suggest-sdg",
        action="store_true",
        help="add suggested (never declared) SDG links by a published keyword set",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when anything could not be mapped"
    )
    parser.add_argument("--force", action="store_true", help="replace the dataset in DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Harvest, write the folder, print the problems and a summary; return the exit code."""
    from unikommune.harvest.build import Filters
    from unikommune.harvest.mapping import harvest
    from unikommune.harvest.provenance import check_folder, write_folder

    if args.first is not None and args.last is not None and args.first > args.last:
        from unikommune.harvest.build import HarvestError

        raise HarvestError(f"--from {args.first} is after --to {args.last}")
    filters = Filters(frozenset(args.partner), frozenset(args.municipality), args.first, args.last)
    check_folder(args.output, force=args.force)
    files = list(args.files)
    if args.download:
        from unikommune.harvest.download import download

        files += download(args.source, cache=args.cache, refresh=args.refresh)
    result = harvest(
        args.source,
        files,
        filters=filters,
        retrieved=args.retrieved,
        licence=args.license,
        suggest_sdg=args.suggest_sdg,
    )
    write_folder(result.dataset, result.provenance, args.output, force=args.force)
    _, counted = print_coded(result.problems)
    print(
        f"Wrote {args.output}: {len(result.dataset.partners)} partners, "
        f"{len(result.dataset.projects)} projects; "
        f"{len(result.problems)} not read or not mapped{f' ({counted})' if counted else ''}",
        file=sys.stderr,
    )
    return 1 if args.strict and result.problems else 0
