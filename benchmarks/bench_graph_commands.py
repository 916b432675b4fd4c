"""Time unikommune's commands end to end, as a user types them, against their anchors.

Run from the repository root, with a Python that has ``orjson`` and ``igraph`` for the
anchors (igraph is no dependency of unikommune: give it an environment of its own)::

    python3 -m venv /tmp/anchors && /tmp/anchors/bin/pip install orjson igraph
    .venv/bin/python benchmarks/bench_graph_commands.py /tmp/fb2/country \\
        --anchor-python /tmp/anchors/bin/python --repeat 3

Every command runs in a fresh process through the shell (start-up included, output
discarded), once per round, in the order listed, for ``--repeat`` rounds, so that a
machine shared with other work slows each about alike (:mod:`bench_commands`).  The
anchors are the orjson parse of every record and the igraph pipeline of the partner
network (:mod:`anchors`).  For each command the best and median wall-clock time are
printed, and the median over the rounds of its ratio to each anchor in the same round,
with their range.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import statistics
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _bench_commands() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_commands", HERE / "bench_commands.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_commands", module)  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    return module


def commands(
    folder: Path, unikommune: str, python: str, anchor_python: str, sample: int, out: Path
) -> dict[str, str]:
    """Return the commands to time, by label: the two anchors first."""
    data = shlex.quote(str(folder))
    anchors = shlex.quote(str(HERE / "anchors.py"))
    graphml = shlex.quote(str(out / "partners.graphml"))
    return {
        "orjson parse": f"{anchor_python} {anchors} parse {data}",
        "igraph pipeline": f"{anchor_python} {anchors} igraph {data} --sample {sample}",
        "load": f"{python} -c 'import sys, unikommune; unikommune.load(sys.argv[1])' {data}",
        "validate": f"{unikommune} validate {data} --format json",
        "validate --jobs 1": f"{unikommune} validate {data} --format json --jobs 1",
        "metrics --partners": (
            f"{unikommune} metrics {data} --partners --sample {sample} --backend networkit"
        ),
        "metrics": f"{unikommune} metrics {data}",
        "graph -o": f"{unikommune} graph {data} -o {graphml} --force",
    }


def main(argv: list[str] | None = None) -> int:
    """Time the commands and print their ratios to the anchors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a dataset folder")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--sample", type=int, default=256, help="betweenness sources (256)")
    parser.add_argument(
        "--anchor-python", default=sys.executable, help="a Python with orjson and igraph"
    )
    parser.add_argument(
        "--unikommune",
        default=str(Path(sys.executable).parent / "unikommune"),
        help="the unikommune command (default: beside this Python)",
    )
    parser.add_argument("--only", nargs="*", help="only the commands with these labels")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    bench = _bench_commands()
    with tempfile.TemporaryDirectory() as out:
        chosen = commands(
            args.folder, args.unikommune, sys.executable, args.anchor_python, args.sample, Path(out)
        )
        labels = [
            label
            for at, label in enumerate(chosen)
            if at < 2 or not args.only or label in args.only
        ]
        timings = [bench.Timings(label, chosen[label]) for label in labels]
        for number in range(1, args.repeat + 1):
            for timing in timings:
                bench.run_once(timing)
            print(f"round {number}/{args.repeat} done", file=sys.stderr, flush=True)
    parse, pipeline = timings[0].wall, timings[1].wall
    figures: dict[str, dict[str, float]] = {}
    for timing in timings:
        by_parse = bench.ratios(timing.wall, parse)
        by_graph = bench.ratios(timing.wall, pipeline)
        figures[timing.label] = {
            "best": min(timing.wall),
            "median": statistics.median(timing.wall),
            "vs_parse": statistics.median(by_parse),
            "vs_parse_low": min(by_parse),
            "vs_parse_high": max(by_parse),
            "vs_igraph": statistics.median(by_graph),
            "vs_igraph_low": min(by_graph),
            "vs_igraph_high": max(by_graph),
        }
        row = figures[timing.label]
        print(
            f"{timing.label:>20}  best {row['best']:7.2f} s  median {row['median']:7.2f} s  "
            f"vs parse {row['vs_parse']:6.2f}x ({row['vs_parse_low']:.2f}-"
            f"{row['vs_parse_high']:.2f})  vs igraph {row['vs_igraph']:6.2f}x "
            f"({row['vs_igraph_low']:.2f}-{row['vs_igraph_high']:.2f})"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
