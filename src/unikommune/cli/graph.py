"""``unikommune graph``: write a partnership graph or one of its views, optionally a picture."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unikommune import outputs
from unikommune.errors import DatasetWriteError

if TYPE_CHECKING:
    import networkx as nx

    from unikommune.models import Dataset
    from unikommune.models.values import Period

__all__ = [
    "KINDS",
    "VIEWS",
    "add_filters",
    "build_view",
    "check_output",
    "loaded",
    "register",
    "run",
    "time_filter",
    "via_option",
    "view_collections",
]

#: The kinds of activity ``--via`` takes: :data:`unikommune.graph.ACTIVITY_KINDS`, written
#: out so that the help needs no graph library (a test keeps the two the same).
KINDS = ("projects", "missions", "learning_activities", "theses", "agreements")


def _period(text: str) -> Period:
    from pydantic import ValidationError

    from unikommune.models.values import Period

    start, _, end = text.partition("/")
    try:
        return Period(start=start, end=end or None)
    except ValidationError as error:
        problem = error.errors()[0]
        detail = (
            problem["msg"]
            if problem["type"] == "value_error"
            else "dates are as known: 2019, 2019-06, 2019-06-14, 2021?, 201X"
        )
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a period START/END such as 2019/2021 or 2020-06/ ({detail})"
        ) from None


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2021")
    return int(text)


def _via(text: str) -> tuple[str, ...]:
    kinds = tuple(part.strip().replace("-", "_") for part in text.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown activity kind {', '.join(unknown) or '(none)'}; choose from {','.join(KINDS)}"
        )
    return kinds


def add_filters(parser: argparse.ArgumentParser, *, level: str = "unit") -> None:
    """Add the dataset argument, the time filter and the co-participation options."""
    parser.add_argument("dataset", type=Path, help="dataset.json or a dataset folder")
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--year", type=_year, help="only activities that run (or may run) in this year"
    )
    when.add_argument(
        "--period",
        type=_period,
        help="only activities that overlap (or may overlap) START/END "
        "(2019/2021, 2020-06/2021-05, 2020/)",
    )
    parser.add_argument(
        "--level",
        choices=("unit", "organisation"),
        default=level,
        help=f"keep units apart, or merge them into their organisation (default: {level})",
    )
    parser.add_argument(
        "--counting",
        choices=("full", "fractional"),
        default="full",
        help="tie weight: shared activities, or 1/(n-1) per activity of n partners",
    )
    parser.add_argument(
        "--via",
        type=_via,
        default=None,
        metavar="KINDS",
        help=f"activities that tie partners, comma-separated from {','.join(KINDS)} "
        "(default: projects; for SDG goals: all of them)",
    )


def via_option(args: argparse.Namespace) -> dict[str, tuple[str, ...]]:
    """Return ``{"via": kinds}`` when ``--via`` is given, else nothing: each view's default."""
    return {} if args.via is None else {"via": args.via}


def time_filter(args: argparse.Namespace) -> int | Period | None:
    """Return the time filter the arguments ask for."""
    when: int | Period | None = args.year if args.year is not None else args.period
    return when


def check_output(path: Path | None, args: argparse.Namespace) -> None:
    """Refuse an output file that is the input, a link, or (without ``--force``) exists.

    Checked before the work starts; the write itself checks again.

    Raises:
        DatasetWriteError: the output would overwrite the input or, without ``--force``, an
            existing file; or it is a symbolic link, a folder or not a regular file.
    """
    if path is None or str(path) == outputs.STDOUT:
        return
    dataset: Path = args.dataset
    inputs: list[Any] = [dataset]
    if dataset.is_dir():
        inputs.extend(dataset.iterdir())
    resolved = path.resolve()
    if any(Path(item).resolve() == resolved for item in inputs):
        raise DatasetWriteError(f"{path}: will not write over the dataset being read")
    outputs.check_target(path, force=getattr(args, "force", False))


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


def view_collections(view: str, via: Iterable[str] | None = None) -> frozenset[str]:
    """Return the collections ``view`` reads, with the kinds of activity ``--via`` names.

    The partner views read the partners and the activities that tie them (``via``, or
    the view's default: projects for ``partners``, every kind for ``partner-sdg``).
    """
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
    """Load the ``collections`` of a dataset, kept out of the garbage collector's walks.

    The dataset's records hold no reference cycle, so the collector, which would walk
    them on every collection while a graph is built, is told to leave them
    (:func:`gc.freeze`) until the block ends.
    """
    from unikommune.loading import load

    dataset = load(path, collections=collections)
    gc.freeze()
    try:
        yield dataset
    finally:
        gc.unfreeze()


def build_view(args: argparse.Namespace) -> nx.Graph[str]:
    """Load what the view needs of the dataset and build the view the arguments ask for."""
    from unikommune import graph

    when = time_filter(args)
    with loaded(args.dataset, view_collections(args.view, args.via)) as dataset:
        if args.view == "partners":
            return graph.co_participation(
                dataset, when, counting=args.counting, level=args.level, **via_option(args)
            )
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
