"""``unikommune metrics``: network figures per year, per partner, or the SDG coverage."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from unikommune import outputs
from unikommune.cli.graph import loaded, partner_network, view_collections
from unikommune.cli.options import (
    KINDS,
    add_filters,
    add_jobs,
    add_output,
    check_output,
    output_format,
    time_filter,
    via_option,
    write_result,
    years_side_by_side,
)

__all__ = ["metrics_collections", "register", "run", "table_text"]


def register(subparsers: Any) -> None:
    """Add the ``metrics`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "metrics",
        help="network metrics per year (or per partner, or SDG coverage) as a table, CSV or JSON",
        description="Measure the partner network of a dataset: by default the network-level "
        "figures for every year; with --partners one row per partner; with --sdg the "
        "activities per Sustainable Development Goal.",
    )
    add_filters(parser, level="organisation")
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--partners", action="store_true", help="one row per partner instead of per year"
    )
    what.add_argument("--sdg", action="store_true", help="activities per goal, all 17 goals")
    add_output(parser)
    parser.add_argument(
        "--sample",
        type=int,
        metavar="K",
        help="estimate betweenness from K sampled sources (default: exact)",
    )
    parser.add_argument(
        "--group-by",
        choices=("sector", "kind"),
        default="sector",
        help="group partners by helix sector or by kind (research institute apart from "
        "university) for cross-group ties, E-I index, synergy and brokerage (default: sector)",
    )
    parser.add_argument(
        "--groups",
        type=_groups,
        metavar="GROUPS",
        help="the three or four sectors (or kinds) synergy is read among, comma-separated "
        "(default: the quadruple helix; by kind municipality,university,company,ngo)",
    )
    parser.add_argument(
        "--country",
        type=_country,
        default="NO",
        help="the partnership's own country, ISO 3166-1 alpha-2: partners there or naming "
        "none are domestic (default: NO)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of Louvain and of sampling")
    parser.add_argument(
        "--backend",
        choices=("networkx", "networkit"),
        default="networkx",
        help="library for betweenness and communities (networkit: the 'fast' extra)",
    )
    add_jobs(parser, "the years of the yearly table")
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PICTURE",
        help="with --sdg, also draw the coverage chart to a .png or .svg file",
    )
    parser.set_defaults(run=run)


def _groups(text: str) -> tuple[str, ...]:
    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    if len(groups) not in (3, 4):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not three or four groups such as municipality,university,company"
        )
    return groups


def _country(text: str) -> str:
    from unikommune.codelists import COUNTRY_CODES

    if text not in COUNTRY_CODES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a country code such as NO or SE")
    return text


#: Columns the terminal table of partners leaves out to fit (CSV and JSON keep them).
_HIDDEN = ("node", "partner_kind")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def table_text(rows: list[dict[str, Any]], title: str, *, transpose: bool) -> str:
    """Return ``rows`` as a table; ``transpose`` puts one column per row (per year)."""
    from unikommune.cli.text_table import Justify, render

    if not rows:
        return f"{title}: nothing to measure\n"
    if transpose:
        keys = list(rows[0])
        header = [keys[0], *(_cell(row[keys[0]]) for row in rows)]
        cells = [[key, *(_cell(row.get(key)) for row in rows)] for key in keys[1:]]
        right: list[Justify] = ["right"] * len(rows)
        justify: list[Justify] = ["left", *right]
        return render(title, header, cells, justify, 40 + 12 * len(rows))
    header = [key for key in rows[0] if key not in _HIDDEN]
    cells = [[_cell(row.get(key)) for key in header] for row in rows]
    justify = ["left" if key in ("node", "label", "sector") else "right" for key in header]
    return render(title, header, cells, justify, 200)


def metrics_collections(args: argparse.Namespace) -> frozenset[str]:
    """Return the collections the figures the arguments ask for read.

    The SDG coverage reads the activities of ``--via`` (default: every kind); the
    partner rows what the partner view reads
    (:func:`~unikommune.cli.graph.view_collections`: without a time filter only the
    partners, the activities' partners being read from their files); the network
    row every kind of activity (its SDG coverage counts them all) and the partners;
    the yearly rows the partners and agreements, the other activities and the
    placements being read from their files for what the table needs
    (:func:`~unikommune.graph.streamed.yearly_dataset_read`).
    """
    via: tuple[str, ...] | None = args.via
    if args.sdg:
        return frozenset(KINDS if via is None else via)
    if args.partners:
        return view_collections("partners", via, time_filter(args))
    if time_filter(args) is None:
        return frozenset(("partners", "agreements"))  # the rest read from their files
    return frozenset(("partners", *KINDS))


def _rows(args: argparse.Namespace, dataset: Any, when: Any) -> tuple[list[dict[str, Any]], str]:
    """Return the rows the arguments ask for, and their title."""
    from unikommune import graph

    via = via_option(args)
    if args.sdg:
        coverage = graph.sdg_coverage(dataset, when, **via)
        rows: list[dict[str, Any]] = [{"goal": g, "activities": n} for g, n in coverage.items()]
        return rows, f"SDG coverage: {sum(1 for n in coverage.values() if n)} of 17 goals reached"
    if args.partners:
        network = partner_network(args, dataset, when)
        rows = graph.partner_metrics(
            network,
            sample=args.sample,
            seed=args.seed,
            backend=args.backend,
            group_by=args.group_by,
        )
        return rows, "Partner metrics"
    options: dict[str, Any] = {
        **via,
        "counting": args.counting,
        "level": args.level,
        "seed": args.seed,
        "backend": args.backend,
        "group_by": args.group_by,
        "groups": args.groups,
        "country": args.country,
    }
    if when is not None:
        return [graph.network_metrics(dataset, when, **options)], "Network metrics"
    from unikommune.graph.streamed import yearly_dataset_read

    read, placements = yearly_dataset_read(args.dataset, dataset=dataset)
    rows = graph.yearly_metrics(
        read, placements=placements, map_years=years_side_by_side(args.jobs), **options
    )
    return rows, "Network metrics per year"


def _import_networkit() -> None:
    """Import networkit without the plotting module it imports and this command never uses.

    networkit imports ``matplotlib.pyplot`` whenever matplotlib is installed, for its own
    drawing functions: about 0.6 s of a command that takes one or two at city scale.  The
    command owns its process, so it hides pyplot during that one import (networkit then
    leaves its drawing functions out) and gives it back at once.  Nothing is done when
    pyplot is imported already; a missing networkit is reported where it is used.
    """
    if "matplotlib.pyplot" in sys.modules:
        return
    sys.modules["matplotlib.pyplot"] = None  # type: ignore[assignment]  # an import of it fails
    try:
        import networkit  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        pass
    finally:
        del sys.modules["matplotlib.pyplot"]


def run(args: argparse.Namespace) -> int:
    """Compute and print the metrics; return the exit code."""
    from unikommune import graph

    fmt = output_format(args)
    check_output(args.plot, args)
    if args.plot is not None and not args.sdg:
        print("unikommune metrics: error: --plot draws the SDG chart; add --sdg", file=sys.stderr)
        return 2
    if args.groups is not None:
        from unikommune.graph.synergy import helix_groups

        try:
            helix_groups(args.groups, args.group_by)
        except ValueError as error:
            print(f"unikommune metrics: error: --groups: {error}", file=sys.stderr)
            return 2
    when = time_filter(args)
    if args.backend == "networkit" and not args.sdg:
        _import_networkit()
    with loaded(args.dataset, metrics_collections(args)) as dataset:
        rows, title = _rows(args, dataset, when)
        plotted = graph.sdg_coverage(dataset, when, **via_option(args)) if args.plot else {}
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    elif fmt == "csv":
        text = outputs.csv_text(rows, list(rows[0]) if rows else [])
    else:
        text = table_text(rows, title, transpose=not args.partners and not args.sdg)
    write_result(args, text, f"{len(rows)} rows ({fmt})")
    if args.plot is not None:
        try:
            from unikommune.graph.plot import draw_sdg_coverage

            with outputs.staged_file(args.plot, force=args.force) as picture:
                draw_sdg_coverage(plotted, picture, overwrite=True)
        except ImportError as error:
            print(f"unikommune metrics: error: {error}", file=sys.stderr)
            return 2
        print(f"{args.plot}: picture written", file=sys.stderr)
    return 0
