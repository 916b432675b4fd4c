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
        help="write a dataset as CSV tables (a Frictionless Data Package), a workbook, "
        "or linked data (JSON-LD, Turtle, N-Triples)",
        description="Write a dataset as tables: a folder of CSV files with a "
        "datapackage.json (--format csv), or one XLSX workbook (--format xlsx); or as linked "
        "data: JSON-LD (--format jsonld), Turtle (turtle) or N-Triples (nt). "
        "The privacy guard runs first: personal data stops the export (unless "
        "--not-personal), and counts of people below --min-cell are published as ranges.",
    )
    parser.add_argument("dataset", type=Path, help="a dataset.json document or dataset folder")
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx", "jsonld", "turtle", "nt", "dcat"),
        default=None,
        help="csv: a data package folder; xlsx: a workbook; jsonld, turtle, nt: linked data "
        "(turtle and nt need the rdf extra); dcat: the DCAT-AP-NO catalogue record, Turtle "
        "if -o ends in .ttl, else JSON-LD (default: from -o's suffix)",
    )
    parser.add_argument(
        "--base",
        default=None,
        metavar="IRI",
        help="jsonld, turtle, nt: the base of the records' IRIs (default: the dataset's id "
        "and /, or urn:unikommune:dataset/)",
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
    parser.add_argument(
        "--force", action="store_true", help="replace an existing workbook or linked-data file"
    )
    _add_catalogue_arguments(parser)
    parser.set_defaults(run=run)


def _add_catalogue_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "catalogue record (--format dcat)", "what the record needs that the dataset does not hold"
    )
    group.add_argument(
        "--catalogue", type=Path, metavar="FILE", help="a catalogue config (.json or .toml)"
    )
    group.add_argument("--publisher-orgnr", metavar="ORGNR", help="the publisher's orgnr")
    group.add_argument("--contact-name", metavar="NAME", help="the contact point's name")
    group.add_argument("--contact-email", metavar="EMAIL", help="a functional mailbox")
    group.add_argument("--contact-url", metavar="URL", help="a contact page")
    group.add_argument(
        "--theme", action="append", metavar="CODE", help="an EU data theme, EDUC (repeatable)"
    )
    group.add_argument(
        "--access-url",
        action="append",
        metavar="FORM=URL",
        help="where a published form is offered, csv=https://... (repeatable)",
    )


def _catalogue(args: argparse.Namespace) -> Any:
    """Return the catalogue config of the files and options given."""
    from unikommune.publish.dcat import CatalogueConfig, read_config, with_options

    config = read_config(args.catalogue) if args.catalogue else CatalogueConfig()
    return with_options(
        config,
        orgnr=args.publisher_orgnr,
        contact_name=args.contact_name,
        contact_email=args.contact_email,
        contact_url=args.contact_url,
        themes=args.theme,
        access_urls=args.access_url,
    )


def run(args: argparse.Namespace) -> int:
    """Export the dataset; return the exit code (1: refused, personal data found)."""
    from unikommune.errors import PersonalDataError
    from unikommune.loading import load
    from unikommune.publish.dcat import CatalogueRecordError
    from unikommune.publish.export import export

    suffixes = {".xlsx": "xlsx", ".jsonld": "jsonld", ".ttl": "turtle", ".nt": "nt"}
    form = args.format or suffixes.get(args.output.suffix.lower(), "csv")
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
            base=args.base,
            catalogue=_catalogue(args) if form == "dcat" else None,
        )
    except (PersonalDataError, CatalogueRecordError) as error:
        for finding in error.findings:
            print(f"{finding.pointer or '/'}: {finding.code} {finding.message}", file=sys.stderr)
        print(f"unikommune export: {error}", file=sys.stderr)
        return 1
    for finding in done.guarded.findings:
        if finding.severity.value != "info" or finding.code != "small_count":
            print(f"{finding.pointer or '/'}: {finding.code} {finding.message}", file=sys.stderr)
    hidden = f", {len(done.notes)} counts hidden" if done.notes else ""
    if form == "dcat":
        print(f"{args.output}: the DCAT-AP-NO catalogue record", file=sys.stderr)
        return 0
    if form not in ("csv", "xlsx"):
        print(f"{args.output}: the dataset as linked data ({form}){hidden}", file=sys.stderr)
        return 0
    print(
        f"{args.output}: {done.tables} tables, {done.rows} rows ({form}){hidden}", file=sys.stderr
    )
    return 0
