"""What a command is measured against: the same files read, or measured, without unikommune.

Run with a Python that has ``orjson`` (``parse``) and ``igraph`` (``igraph``); neither
imports unikommune, so the anchor can run in an environment of its own::

    python benchmarks/anchors.py parse benchmarks/data/country
    python benchmarks/anchors.py igraph benchmarks/data/country --sample 256

``parse`` parses every record of every JSON Lines file with orjson, one line at a
time, and keeps none: the least any reader of the files must do.

``igraph`` is the pipeline a user could write for ``unikommune metrics DIR
--partners``: parse the partners and projects with orjson, roll units up to their
top-level organisation, tie organisations that share a project (co-participation,
full counting), then degree, strength, betweenness from ``--sample`` sampled sources
(every source without it), Burt's constraint, Louvain communities and connected
components.  It prints one line of totals, so that it does the work it is timed for.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any


def _records(path: Path) -> Iterator[Any]:
    import orjson

    with path.open("rb") as stream:
        for line in stream:
            if line.strip():
                yield orjson.loads(line)


def parse(folder: Path) -> int:
    """Parse every record of the JSON Lines files of ``folder``; return how many."""
    count = 0
    for path in sorted(folder.glob("*.jsonl")):
        for _ in _records(path):
            count += 1
    return count


def _top(parents: dict[str, str | None]) -> dict[str, str]:
    """Return each partner's top-level organisation (a cycle stops at the partner itself)."""
    top: dict[str, str] = {}
    for start in parents:
        node, seen = start, {start}
        while (parent := parents.get(node)) is not None and parent in parents:
            if parent in seen:
                node = start
                break
            seen.add(parent)
            node = parent
        top[start] = node
    return top


def pipeline(folder: Path, sample: int | None, seed: int) -> str:
    """Measure the organisation network of ``folder`` with igraph; return a line of totals."""
    import igraph

    parents = {p["id"]: p.get("parent") for p in _records(folder / "partners.jsonl")}
    top = _top(parents)
    weight: dict[tuple[str, str], int] = {}
    for project in _records(folder / "projects.jsonl"):
        members = sorted({top.get(p["partner"], p["partner"]) for p in project["participants"]})
        for pair in combinations(members, 2):
            weight[pair] = weight.get(pair, 0) + 1
    names = sorted(set(top.values()) | {p for pair in weight for p in pair})
    index = {name: at for at, name in enumerate(names)}
    graph = igraph.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in weight])
    graph.es["weight"] = [float(w) for w in weight.values()]
    degree = graph.degree()
    strength = graph.strength(weights="weight")
    sources = None
    if sample is not None and sample < len(names):
        sources = random.Random(seed).sample(range(len(names)), sample)
    between = graph.betweenness(sources=sources, directed=False)
    constraint = graph.constraint(weights="weight")
    louvain = graph.community_multilevel(weights="weight")
    parts = graph.connected_components()
    return (
        f"{len(names)} organisations, {len(weight)} ties, {sum(degree)} degree, "
        f"{sum(strength):.0f} strength, {max(between, default=0):.0f} top betweenness, "
        f"{sum(c for c in constraint if c == c):.1f} constraint, {len(louvain)} communities, "
        f"{len(parts)} components"
    )


def main() -> int:
    """Run the anchor the arguments name and print what it found and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("anchor", choices=("parse", "igraph"))
    parser.add_argument("folder", type=Path, help="a dataset folder of JSON Lines files")
    parser.add_argument("--sample", type=int, help="betweenness from K sampled sources")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.anchor == "parse":
        found = f"{parse(args.folder)} records"
    else:
        found = pipeline(args.folder, args.sample, args.seed)
    print(f"{found} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
