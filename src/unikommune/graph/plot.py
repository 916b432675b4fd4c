"""Static pictures: the partner network coloured by sector, and the SDG coverage of 17 goals.

Needs the ``plot`` extra (matplotlib), imported only when a picture is drawn.  Pictures
are PNG or SVG, chosen by the file's suffix; the layout is seeded, so the same data draws
the same picture.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from unikommune.errors import DatasetWriteError

__all__ = ["SDG_COLOURS", "SECTOR_COLOURS", "draw_network", "draw_sdg_coverage"]

#: Colour of each helix sector (and of a partner without one).
SECTOR_COLOURS = {
    "public-sector": "#1f77b4",
    "academia": "#ff7f0e",
    "industry": "#2ca02c",
    "civil-society": "#9467bd",
    None: "#9a9a9a",
}

#: The UN's colour of each of the 17 goals.
SDG_COLOURS = (
    "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942",
    "#FD6925", "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D",
    "#19486A",
)  # fmt: skip

_SECTOR_TITLES = {
    "public-sector": "Public sector",
    "academia": "Academia",
    "industry": "Industry",
    "civil-society": "Civil society",
}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(
            "pictures need the 'plot' extra: pip install 'unikommune[plot]'"
        ) from error
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "unikommune"
    import matplotlib.pyplot as plt

    return plt


def _target(path: str | os.PathLike[str], overwrite: bool) -> tuple[Path, str]:
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg"):
        raise ValueError(f"{target.name}: a picture is written as .png or .svg")
    if target.exists() and not overwrite:
        raise DatasetWriteError(f"{target}: file exists; choose another name or overwrite it")
    return target, suffix


def _save(figure: Any, target: Path, suffix: str) -> Path:
    metadata = {"Date": None} if suffix == "svg" else {"Software": "unikommune"}
    try:
        figure.savefig(target, format=suffix, dpi=150, metadata=metadata, bbox_inches="tight")
    except OSError as error:
        raise DatasetWriteError(f"{target}: cannot write: {error.strerror or error}") from error
    return target


def draw_network(
    graph: nx.Graph[str],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    seed: int = 42,
    labels: int = 30,
    overwrite: bool = False,
) -> Path:
    """Draw a partner network to ``path`` (PNG or SVG): colour by sector, size by degree.

    Edge widths follow ``weight``.  The ``labels`` partners of highest degree are named.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed (the ``plot`` extra).
        ValueError: the suffix is neither ``.png`` nor ``.svg``.
        DatasetWriteError: the file exists (and ``overwrite`` is false) or cannot be written.
    """
    # Long: one picture, drawn layer by layer.
    target, suffix = _target(path, overwrite)
    plt = _pyplot()
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    position = nx.spring_layout(undirected, seed=seed, weight="weight") if len(graph) else {}
    degree = dict(undirected.degree())
    largest = max(degree.values(), default=1) or 1
    figure, axes = plt.subplots(figsize=(9, 7))
    try:
        nodes = list(graph)
        weights = [float(w) for *_, w in graph.edges(data="weight", default=1.0)]
        heaviest = max(weights, default=1.0) or 1.0
        nx.draw_networkx_edges(  # type: ignore[call-overload]
            graph,
            position,
            ax=axes,
            width=[0.5 + 3.5 * w / heaviest for w in weights],
            edge_color="#888888",
            alpha=0.5,
            arrows=graph.is_directed(),
        )
        nx.draw_networkx_nodes(
            graph,
            position,
            nodelist=nodes,
            ax=axes,
            node_size=[40 + 600 * degree[n] / largest for n in nodes],
            node_color=[
                SECTOR_COLOURS.get(graph.nodes[n].get("sector"), SECTOR_COLOURS[None])
                for n in nodes
            ],
            edgecolors="white",
            linewidths=0.8,
        )
        named = sorted(nodes, key=lambda n: (-degree[n], n))[:labels]
        nx.draw_networkx_labels(
            graph,
            position,
            labels={n: str(graph.nodes[n].get("label", n)) for n in named},
            ax=axes,
            font_size=8,
            clip_on=False,  # a long name at the edge stays whole
        )
        axes.margins(0.12)
        present = {graph.nodes[n].get("sector") for n in nodes}
        handles = [
            plt.Line2D([], [], marker="o", linestyle="", color=colour, label=_SECTOR_TITLES[s])
            for s, colour in SECTOR_COLOURS.items()
            if s is not None and s in present
        ]
        if handles:
            axes.legend(handles=handles, loc="lower left", frameon=False, fontsize=8)
        axes.set_title(title or "Partner network (size: degree, colour: sector)")
        axes.set_axis_off()
        return _save(figure, target, suffix)
    finally:
        plt.close(figure)


def draw_sdg_coverage(
    coverage: Mapping[int, int],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Draw the activities per goal of all 17 SDGs as a bar chart to ``path`` (PNG or SVG).

    ``coverage`` is what :func:`~unikommune.graph.sdg_coverage` returns; goals it lacks
    count 0, so every goal has its place and the gaps show.

    Raises:
        ImportError: matplotlib is not installed (the ``plot`` extra).
        ValueError: the suffix is neither ``.png`` nor ``.svg``.
        DatasetWriteError: the file exists (and ``overwrite`` is false) or cannot be written.
    """
    target, suffix = _target(path, overwrite)
    plt = _pyplot()
    goals = list(range(1, 18))
    counts = [coverage.get(goal, 0) for goal in goals]
    figure, axes = plt.subplots(figsize=(9, 4))
    try:
        axes.bar([str(g) for g in goals], counts, color=SDG_COLOURS)
        reached = sum(1 for c in counts if c)
        axes.set_title(title or f"SDG coverage: {reached} of 17 goals reached")
        axes.set_xlabel("Sustainable Development Goal")
        axes.set_ylabel("Activities")
        axes.spines[["top", "right"]].set_visible(False)
        return _save(figure, target, suffix)
    finally:
        plt.close(figure)
