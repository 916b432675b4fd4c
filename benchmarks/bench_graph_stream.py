"""Stress-scale graph benchmark: the partner network of a dataset too large to hold in memory.

Run::

    python benchmarks/bench_graph_stream.py stress          # 200,000 partners, 1M projects
    python benchmarks/bench_graph_stream.py country         # to compare with bench_graph.py

At stress scale the dataset's records alone would not fit in 8 GB as models, so this
benchmark reads ``partners.jsonl`` and ``projects.jsonl`` line by line, validates every
record with its unikommune model, keeps only each project's partners and sectors, and
feeds them to the same functions the library's views use: ``co_occurrence`` for the
projection, then ``partner_metrics`` (betweenness sampled with ``--sample`` sources,
Louvain, Burt's constraint and effective size, brokerage) on the networkit backend, and
the helix synergy of the projects' sector profiles.  It prints the time of each step and
the peak memory (maximum resident set size) of the process.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
from bench_graph import HERE, ensure_data, peak_memory_gb, timed

from unikommune.graph import co_occurrence, partner_metrics
from unikommune.graph._common import node_id, partner_attributes
from unikommune.graph.synergy import QUADRUPLE_HELIX, mutual_information
from unikommune.models import Partner, Project


def read_partners(folder: Path) -> dict[str, dict[str, Any]]:
    partners = {}
    with (folder / "partners.jsonl").open("rb") as lines:
        for line in lines:
            if line.strip():
                partner = Partner.model_validate_json(line)
                partners[partner.id] = partner_attributes(partner)
    return partners


def project_groups(
    folder: Path, sector_of: dict[str, str], profiles: list[tuple[bool, ...]]
) -> Iterator[tuple[str, ...]]:
    """Yield the sorted partners of every project; collect its sector profile on the way."""
    wanted = [s.value for s in QUADRUPLE_HELIX]
    with (folder / "projects.jsonl").open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            project = Project.model_validate_json(line)
            members = tuple(sorted({p.partner for p in project.participants}))
            present = {sector_of[p] for p in members if p in sector_of}
            if present:
                profiles.append(tuple(s in present for s in wanted))
            yield members


def build_graph(
    partners: dict[str, dict[str, Any]],
    full: dict[tuple[str, str], int],
    fractional: dict[tuple[str, str], float],
    memberships: dict[str, int],
) -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.Graph()
    for partner_id, count in memberships.items():
        graph.add_node(node_id("partner", partner_id), **partners[partner_id], activities=count)
    while full:
        (a, b), shared = full.popitem()
        share = fractional.pop((a, b))
        graph.add_edge(
            node_id("partner", a),
            node_id("partner", b),
            shared=shared,
            fractional=share,
            weight=float(shared),
            cross_sector=int(partners[a]["sector"] != partners[b]["sector"]),
        )
    return graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=("tiny", "city", "country", "stress"))
    parser.add_argument("--data", type=Path, help="dataset folder (default: benchmarks/data/SCALE)")
    parser.add_argument("--sample", type=int, default=256, help="betweenness sample size")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    folder = args.data or HERE / "data" / args.scale
    ensure_data(args.scale, folder, seed=0)
    import networkit  # noqa: F401  (import time is not part of the pipeline)

    steps: dict[str, float] = {}
    print(f"{args.scale}: streaming {folder}", flush=True)
    partners = timed("read + validate partners", steps, lambda: read_partners(folder))
    sector_of = {pid: str(attributes["sector"]) for pid, attributes in partners.items()}
    profiles: list[tuple[bool, ...]] = []
    full, fractional, memberships = timed(
        "read + validate projects, count pairs",
        steps,
        lambda: co_occurrence(project_groups(folder, sector_of, profiles)),
    )
    pairs = len(full)
    graph = timed(
        "build networkx graph",
        steps,
        lambda: build_graph(partners, full, fractional, memberships),
    )
    gc.collect()  # the pair counts were emptied into the graph
    print(
        f"  graph: {graph.number_of_nodes():,} partners, {graph.number_of_edges():,} ties "
        f"({pairs:,} pairs), {len(profiles):,} projects",
        flush=True,
    )
    rows = timed(
        f"partner metrics (networkit, k={args.sample})",
        steps,
        lambda: partner_metrics(graph, sample=args.sample, seed=args.seed, backend="networkit"),
    )
    synergy = timed(
        "helix synergy T3 + T4",
        steps,
        lambda: (mutual_information([p[:3] for p in profiles]), mutual_information(profiles)),
    )
    total = sum(steps.values())
    report = {
        "scale": args.scale,
        "steps": steps,
        "total_s": total,
        "partners": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "rows": len(rows),
        "synergy_t3": synergy[0],
        "synergy_t4": synergy[1],
        "peak_memory_gb": peak_memory_gb(),
    }
    print(f"  {'total':<34} {total:9.2f} s")
    print(f"T3 = {synergy[0]:.4f} bits, T4 = {synergy[1]:.4f} bits")
    print(f"peak memory {report['peak_memory_gb']:.2f} GB (limit 8 GB)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
