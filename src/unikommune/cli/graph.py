"""``unikommune graph``: write a partnership graph or one of its views, optionally a picture."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unikommune import outputs
from unikommune.cli.options import (
    KINDS,
    add_filters,
    check_output,
    time_filter,
    via_option,
)
from unikommune.collector import collector_paused

if TYPE_CHECKING:
    import networkx as nx

    from unikommune.models import Dataset
    from unikommune.models.values import Period

__all__ = [
    "VIEWS",
    "build_view",
    "loaded",
    "partner_network",
    "register",
    "run",
    "view_collections",
]

#: Views the command can write, with what each is.
VIEWS = {
    "partners": "partners tied by shared activities (co-participation)",
    "full": "the typed graph of every record and reference",
    "placements": "placement flows, educating institution → host, weighted by students",
    "partner-sdg": "bipartite partners × SDG goals",
    "mission-sdg": "bipartite missions × SDG goals",
}
_FORMATS = ("graphml", "gexf", "json", "cytoscape", "csv")


def register(subparsers: Any) -> None:
    """Add the ``graph`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "graph",
        help="write the partner network (or another view) as GraphML, GEXF, JSON or CSV",
        description="Build a collaboration graph from a dataset and write it for Gephi, "
        "Cytoscape or a spreadsheet. Views: "
        + "; ".join(f"{name}: {text}" for name, text in VIEWS.items())
        + ".",
    )
    add_filters(parser)
    parser.add_argument(
        "--view", choices=tuple(VIEWS), default="partners", help="which graph (default: partners)"
    )
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        help="output format (default: from the output file's suffix, else graphml)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write (default, or '-': standard output)"
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PICTURE",
        help="also draw the graph to a .png or .svg file (needs the 'plot' extra)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the picture's layout")
    parser.add_argument("--force", action="store_true", help="replace existing output files")
    parser.set_defaults(run=run)


def view_collections(
    view: str, via: Iterable[str] | None = None, when: int | Period | None = None
) -> frozenset[str]:
    """Return the collections ``view`` reads, with the kinds of activity ``--via`` names.

    The partner views read the partners and the activities that tie them (``via``, or
    the view's default: projects for ``partners``, every kind for ``partner-sdg``);
    ``partners`` without a time filter ``when`` only the partners, the activities being
    read from their files for their partners alone (:func:`partner_network`).
    """
    if view == "partners" and when is None:
        return frozenset(("partners",))
    if view == "full":  # every collection but the figures, which are not in the graph
        return frozenset(("partners", "placements", *KINDS))
    if view == "placements":
        return frozenset(("partners", "placements"))
    if view == "mission-sdg":
        return frozenset(("missions", "projects"))
    default = ("projects",) if view == "partners" else KINDS
    return frozenset(("partners", *(default if via is None else via)))


@contextmanager
def loaded(path: Path, collections: Iterable[str] | None = None) -> Iterator[Dataset]:
    """Load the ``collections`` of a dataset, with the cycle collector paused for the block.

    The dataset's records and the graphs built from them hold no reference cycle, so
    the collector, which would walk the whole dataset at each full collection while a
    command measures it, is paused until the block ends
    (:func:`~unikommune.collector.collector_paused`).  Freezing the records instead
    (:func:`gc.freeze`) made every nested pause ask :func:`gc.get_freeze_count`, which
    walks every frozen object: about 0.6 s a call at country scale.
    """
    from unikommune.loading import load

    with collector_paused():
        yield load(path, collections=collections)


def partner_network(
    args: argparse.Namespace, dataset: Dataset, when: int | Period | None
) -> nx.Graph[str]:
    """Return the co-participation network the arguments ask for, of what was loaded.

    Without a time filter the activities are read from their files for the partners
    they tie (:func:`~unikommune.graph.co_participation_read`); ``dataset`` then holds
    the partners alone (see :func:`view_collections`).
    """
    from unikommune import graph

    options: dict[str, Any] = {**via_option(args), "counting": args.counting, "level": args.level}
    if when is None:
        return graph.co_participation_read(args.dataset, dataset=dataset, **options)
    return graph.co_participation(dataset, when, **options)


def build_view(args: argparse.Namespace) -> nx.Graph[str]:
    """Load what the view needs of the dataset and build the view the arguments ask for."""
    from unikommune import graph

    when = time_filter(args)
    with loaded(args.dataset, view_collections(args.view, args.via, when)) as dataset:
        if args.view == "partners":
            return partner_network(args, dataset, when)
        if args.view == "full":
            return graph.partnership_graph(dataset, when)
        if args.view == "placements":
            return graph.placement_flows(dataset, when, level=args.level)
        if args.view == "partner-sdg":
            return graph.partner_sdg(dataset, when, level=args.level, **via_option(args))
        return graph.mission_sdg(dataset, when)


def run(args: argparse.Namespace) -> int:
    """Write the view, and the picture if asked; return the exit code."""
    from unikommune.graph.export import FORMATS, graph_to_text, write_graph

    if args.output is not None and str(args.output) == outputs.STDOUT:
        args.output = None
    check_output(args.output, args)
    check_output(args.plot, args)
    if args.plot is not None and args.plot.suffix.lower() not in (".png", ".svg"):
        print(f"unikommune graph: error: {args.plot}: a picture is .png or .svg", file=sys.stderr)
        return 2
    if args.output is not None and args.format is None:
        known = {suffix: name for name, suffix in FORMATS.items()}
        args.format = known.get(args.output.suffix.lower())
        if args.format is None:
            print(
                f"unikommune graph: error: cannot tell the format from {args.output.name}; "
                f"pass --format ({', '.join(_FORMATS)})",
                file=sys.stderr,
            )
            return 2
    view = build_view(args)
    fmt: Any = args.format or "graphml"
    if args.output is None:
        outputs.write_text(outputs.STDOUT, graph_to_text(view, fmt))
    else:
        write_graph(view, args.output, fmt, overwrite=args.force)
        print(
            f"{args.output}: {args.view} graph, {view.number_of_nodes()} nodes, "
            f"{view.number_of_edges()} edges ({fmt})",
            file=sys.stderr,
        )
    if args.plot is not None:
        try:
            from unikommune.graph.plot import draw_network

            with outputs.staged_file(args.plot, force=args.force) as picture:
                draw_network(view, picture, seed=args.seed, overwrite=True)
        except ImportError as error:
            print(f"unikommune graph: error: {error}", file=sys.stderr)
            return 2
        print(f"{args.plot}: picture written", file=sys.stderr)
    return 0
