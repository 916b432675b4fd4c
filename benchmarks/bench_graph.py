"""Graph benchmark: the naive networkx pipeline against unikommune's, on the same data.

Run::

    python benchmarks/bench_graph.py city                # every metric exact
    python benchmarks/bench_graph.py country --sample 256 --backend networkit
    python benchmarks/bench_graph.py country --skip-naive   # only unikommune's pipeline

The data comes from ``benchmarks/generate.py`` (generated into ``benchmarks/data/SCALE``
when missing).  Placements are left out of the loaded data: they are not part of the
co-participation network, and loading a million of them would only time the loader.

The naive pipeline is what a user would write with networkx alone: the bipartite
partner-project graph, ``bipartite.weighted_projected_graph``, ``betweenness_centrality``
(sampled with ``k`` at country scale) and ``louvain_communities``.  unikommune's pipeline
counts co-occurrences for the projection (and checks it equals networkx's), then computes
the full metric set: betweenness, Burt's constraint and effective size, Louvain
communities, Gould-Fernandez brokerage, and the network-level figures (density,
components, cross-sector ties, E-I index, municipality-university ties, helix synergy in
three and four dimensions, SDG coverage).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
from networkx.algorithms import bipartite

import unikommune
from unikommune.graph import (
    betweenness,
    brokerage_roles,
    co_participation,
    communities,
    network_metrics,
    structural_holes,
    yearly_metrics,
)

HERE = Path(__file__).resolve().parent
T = TypeVar("T")
GRAPH_COLLECTIONS = (
    "partners",
    "agreements",
    "missions",
    "projects",
    "theses",
    "learning_activities",
)


def timed(label: str, results: dict[str, float], call: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = call()
    results[label] = time.perf_counter() - start
    print(f"  {label:<34} {results[label]:9.2f} s", flush=True)
    return value


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def ensure_data(scale: str, folder: Path, seed: int) -> None:
    if (folder / "dataset.json").exists():
        return
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    print(f"generating {scale} data into {folder} ...", flush=True)
    generate.generate(scale, folder, seed=seed)


def load_graph_data(folder: Path) -> unikommune.Dataset:
    """Load the dataset without its placements, through unikommune's own loader."""
    with tempfile.TemporaryDirectory() as tmp:
        view = Path(tmp)
        (view / "dataset.json").symlink_to((folder / "dataset.json").resolve())
        for name in GRAPH_COLLECTIONS:
            source = folder / f"{name}.jsonl"
            if source.exists():
                (view / f"{name}.jsonl").symlink_to(source.resolve())
        return unikommune.load(view)


def naive_pipeline(
    dataset: unikommune.Dataset, sample: int | None, seed: int, results: dict[str, float]
) -> nx.Graph[str]:
    print("naive networkx pipeline", flush=True)

    def bipartite_graph() -> tuple[nx.Graph[str], set[str]]:
        graph: nx.Graph[str] = nx.Graph()
        partners = set()
        for project in dataset.projects:
            graph.add_node(f"project:{project.id}", bipartite=1)
            for participation in project.participants:
                node = f"partner:{participation.partner}"
                partners.add(node)
                graph.add_node(node, bipartite=0)
                graph.add_edge(node, f"project:{project.id}")
        return graph, partners

    graph, partners = timed("bipartite graph", results, bipartite_graph)
    projected: nx.Graph[str] = timed(
        "weighted_projected_graph",
        results,
        lambda: bipartite.weighted_projected_graph(graph, partners),
    )
    timed(
        f"betweenness_centrality(k={sample})",
        results,
        lambda: nx.betweenness_centrality(projected, k=sample, seed=seed),
    )
    timed(
        "louvain_communities",
        results,
        lambda: nx.community.louvain_communities(projected, weight="weight", seed=seed),
    )
    return projected


def unikommune_pipeline(
    dataset: unikommune.Dataset,
    sample: int | None,
    seed: int,
    backend: Any,
    results: dict[str, float],
) -> tuple[nx.Graph[str], dict[str, float]]:
    print(f"unikommune pipeline (backend {backend}, betweenness sample {sample or 'exact'})")
    graph = timed("co-occurrence projection", results, lambda: co_participation(dataset))
    between = timed(
        "betweenness",
        results,
        lambda: betweenness(graph, sample=sample, seed=seed, backend=backend),
    )
    partition = timed(
        "louvain communities", results, lambda: communities(graph, seed=seed, backend=backend)
    )
    timed("constraint + effective size", results, lambda: structural_holes(graph))
    timed("brokerage roles", results, lambda: brokerage_roles(graph))
    timed(
        "network metrics (incl. synergy, SDG)",
        results,
        lambda: network_metrics(
            dataset, graph=graph, level="unit", seed=seed, backend=backend, partition=partition
        ),
    )
    return graph, between


def same_projection(fast: nx.Graph[str], naive: nx.Graph[str]) -> bool:
    """Return whether the two projections have the same ties and participating partners.

    unikommune's view has every partner as a node, those in no project as isolates
    with no activity; the naive projection has only the partners of some project.
    """
    extra = set(fast) - set(naive)
    if not set(naive) <= set(fast) or any(fast.nodes[n].get("activities") for n in extra):
        return False
    if fast.number_of_edges() != naive.number_of_edges():
        return False
    return all(
        naive.has_edge(u, v) and naive[u][v]["weight"] == s for u, v, s in fast.edges(data="shared")
    )


def sampling_error(graph: nx.Graph[str], sample: int, seed: int, backend: Any) -> dict[str, float]:
    exact = betweenness(graph, backend=backend)
    estimate = betweenness(graph, sample=sample, seed=seed, backend=backend)
    errors = [abs(estimate[n] - exact[n]) for n in graph]
    top = set(sorted(exact, key=exact.__getitem__)[-20:])
    found = set(sorted(estimate, key=estimate.__getitem__)[-20:])
    return {
        "max_abs_error": max(errors),
        "mean_abs_error": sum(errors) / len(errors),
        "max_exact_value": max(exact.values()),
        "top20_overlap": len(top & found) / 20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=("tiny", "city", "country", "stress"))
    parser.add_argument("--data", type=Path, help="dataset folder (default: benchmarks/data/SCALE)")
    parser.add_argument("--seed", type=int, default=42, help="seed of sampling and Louvain")
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="betweenness from K sampled sources (default: exact at city, 256 above)",
    )
    parser.add_argument("--backend", choices=("networkx", "networkit"), default="networkit")
    parser.add_argument("--skip-naive", action="store_true", help="time only unikommune")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the loaded data to the garbage collector"
    )
    parser.add_argument("--yearly", action="store_true", help="also time the yearly table")
    parser.add_argument(
        "--nx-parallel", action="store_true", help="also time betweenness on nx-parallel"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sample = args.sample
    if sample is None and args.scale not in ("tiny", "city"):
        sample = 256
    folder = args.data or HERE / "data" / args.scale
    ensure_data(args.scale, folder, seed=0)

    report: dict[str, Any] = {"scale": args.scale, "backend": args.backend, "sample": sample}
    start = time.perf_counter()
    dataset = load_graph_data(folder)
    report["load_s"] = time.perf_counter() - start
    if not args.no_freeze:
        # The loaded records live as long as the process: move them out of the garbage
        # collector's sight, so that collections during either pipeline do not walk
        # millions of model objects again and again (both pipelines gain alike).
        gc.freeze()
    report["gc_freeze"] = not args.no_freeze
    print(
        f"{args.scale}: {len(dataset.partners):,} partners, {len(dataset.projects):,} projects "
        f"(loaded in {report['load_s']:.1f} s, without placements)",
        flush=True,
    )
    if args.backend == "networkit":
        start = time.perf_counter()
        import networkit  # noqa: F401  (its import time is not part of any pipeline)

        report["networkit_import_s"] = time.perf_counter() - start

    mine: dict[str, float] = {}
    graph, _ = unikommune_pipeline(dataset, sample, args.seed, args.backend, mine)
    report["unikommune"] = mine
    report["graph"] = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    report["unikommune_total_s"] = sum(mine.values())
    print(f"  {'full metric set':<34} {report['unikommune_total_s']:9.2f} s")

    if not args.skip_naive:
        naive: dict[str, float] = {}
        projected = naive_pipeline(dataset, sample, args.seed, naive)
        report["naive"] = naive
        report["naive_total_s"] = sum(naive.values())
        report["same_projection"] = same_projection(graph, projected)
        del projected
        comparable = sum(
            mine[k] for k in ("co-occurrence projection", "betweenness", "louvain communities")
        )
        naive_projection = naive["bipartite graph"] + naive["weighted_projected_graph"]
        report["ratios"] = {
            "projection": naive_projection / mine["co-occurrence projection"],
            "betweenness": naive[f"betweenness_centrality(k={sample})"] / mine["betweenness"],
            "louvain": naive["louvain_communities"] / mine["louvain communities"],
            "same_steps": report["naive_total_s"] / comparable,
            "naive_vs_full_metric_set": report["naive_total_s"] / report["unikommune_total_s"],
        }
        print(f"  {'naive total':<34} {report['naive_total_s']:9.2f} s")
        print(f"projection identical to networkx's: {report['same_projection']}")
        for name, ratio in report["ratios"].items():
            print(f"ratio naive / unikommune, {name:<26} {ratio:8.1f}x")

    if args.yearly:
        yearly: dict[str, float] = {}
        print("yearly table")
        rows = timed(
            "yearly_metrics (network figures)",
            yearly,
            lambda: yearly_metrics(dataset, level="unit", seed=args.seed, backend=args.backend),
        )
        report["yearly"] = {**yearly, "years": len(rows)}

    if args.nx_parallel:
        # Hand networkx's own betweenness to the nx-parallel backend (the 'parallel' extra).
        parallel: dict[str, float] = {}
        print("networkx with the nx-parallel backend")
        timed(
            f"betweenness_centrality(k={sample})",
            parallel,
            lambda: nx.betweenness_centrality(graph, k=sample, seed=args.seed, backend="parallel"),
        )
        report["nx_parallel"] = parallel
        if "naive" in report:
            key = f"betweenness_centrality(k={sample})"
            ratio = report["naive"][key] / parallel[key]
            print(f"ratio networkx / nx-parallel, betweenness {ratio:8.1f}x")

    if args.scale in ("tiny", "city"):
        k = args.sample or 256
        error = sampling_error(graph, k, args.seed, args.backend)
        report["sampled_betweenness_error"] = {"sample": k, **error}
        print(
            f"sampled betweenness (k={k}, seed={args.seed}) against exact: "
            f"max abs error {error['max_abs_error']:.2e}, mean {error['mean_abs_error']:.2e} "
            f"(largest exact value {error['max_exact_value']:.3f}), "
            f"top-20 overlap {error['top20_overlap']:.0%}"
        )
    report["peak_memory_gb"] = peak_memory_gb()
    print(f"peak memory {report['peak_memory_gb']:.2f} GB")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
