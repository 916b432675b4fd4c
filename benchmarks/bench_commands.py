"""Time commands as a user types them, alternating, and compare them with a baseline.

Run from the repository root::

    .venv/bin/python benchmarks/bench_commands.py --repeat 5 \\
        base='/tmp/base/.venv/bin/unikommune validate benchmarks/data/country --jobs 1' \\
        this='.venv/bin/unikommune validate benchmarks/data/country --jobs 1'

Each ``label=command`` is run through the shell, output discarded, once per round,
in the order given, for ``--repeat`` rounds: back to back, so a machine shared with
other work slows each about alike.  For each command the wall-clock time and the
processor time of the command and its children (user and system) are printed, the
best and the median; for each command after the first, the ratio of its time to the
first command's time in the same round, the median of those ratios and their range
(with ``--pairs``, commands come in pairs, a baseline and what is compared with it,
and each second command is compared with the one before it).
The exit code of a command does not stop the run (``validate`` exits 1 on a dataset
with errors) but is printed when it is not 0 or 1.

To compare with an earlier commit, install that commit in its own environment::

    git worktree add /tmp/base COMMIT
    python -m venv /tmp/base/.venv && /tmp/base/.venv/bin/pip install '/tmp/base[fast]'

and install this checkout the same way (not editable, so that both start from
compiled bytecode).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Timings:
    """The times of one command over the rounds."""

    label: str
    command: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(timings: Timings) -> None:
    """Run the command once and add its times."""
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(timings.command, shell=True, stdout=subprocess.DEVNULL, check=False)
    timings.wall.append(time.perf_counter() - start)
    timings.cpu.append(_children_cpu() - before)
    if done.returncode not in (0, 1):
        print(f"{timings.label}: exit code {done.returncode}", file=sys.stderr)


def ratios(these: list[float], base: list[float]) -> list[float]:
    """Return the ratio of each round's time to the baseline's time in the same round."""
    pairs = zip(these, base, strict=True)
    return [this / first if first else float("nan") for this, first in pairs]


def summary(all_timings: list[Timings], pairs: bool = False) -> dict[str, dict[str, float]]:
    """Return the best and median times of each command and its ratios to its baseline.

    The baseline is the first command, or with ``pairs`` the command before each second one.
    """
    out: dict[str, dict[str, float]] = {}
    for at, timings in enumerate(all_timings):
        base = (all_timings[at - 1] if at % 2 else timings) if pairs else all_timings[0]
        row = {
            "wall_best": min(timings.wall),
            "wall_median": statistics.median(timings.wall),
            "cpu_best": min(timings.cpu),
            "cpu_median": statistics.median(timings.cpu),
        }
        if timings is not base:
            row["baseline"] = float(all_timings.index(base))
            wall, cpu = ratios(timings.wall, base.wall), ratios(timings.cpu, base.cpu)
            row |= {
                "wall_ratio_median": statistics.median(wall),
                "wall_ratio_low": min(wall),
                "wall_ratio_high": max(wall),
                "cpu_ratio_median": statistics.median(cpu),
                "best_wall_ratio": ratios([min(timings.wall)], [min(base.wall)])[0],
            }
        out[timings.label] = row
    return out


def main(argv: list[str] | None = None) -> int:
    """Time the commands and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--pairs", action="store_true", help="compare each second command with the one before"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.pairs and len(args.commands) % 2:
        parser.error("--pairs needs an even number of commands")
    all_timings = []
    for given in args.commands:
        label, sep, command = given.partition("=")
        if not sep or not command:
            parser.error(f"expected LABEL=COMMAND, got {given!r}")
        all_timings.append(Timings(label, command))
    for round_number in range(1, args.repeat + 1):
        for timings in all_timings:
            run_once(timings)
        print(f"round {round_number}/{args.repeat} done", file=sys.stderr, flush=True)
    figures = summary(all_timings, args.pairs)
    for label, row in figures.items():
        line = (
            f"{label:>12}  wall best {row['wall_best']:6.2f} s  median {row['wall_median']:6.2f} s"
            f"   cpu best {row['cpu_best']:6.2f} s  median {row['cpu_median']:6.2f} s"
        )
        if "wall_ratio_median" in row:
            base = all_timings[int(row["baseline"])].label
            line += (
                f"   vs {base}: wall {row['wall_ratio_median']:.2f}x "
                f"({row['wall_ratio_low']:.2f}-{row['wall_ratio_high']:.2f}), "
                f"cpu {row['cpu_ratio_median']:.2f}x, best/best {row['best_wall_ratio']:.2f}x"
            )
        print(line)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
