"""Time the indicators and the assessment of a dataset, and the report of another.

Run from the repository root::

    .venv/bin/python benchmarks/bench_evaluation.py /tmp/fb2/country \\
        --report /tmp/fb2/city --repeat 2

The targets (issue 11): every indicator and the assessment of the country-scale
dataset in under 10 s, and the report of the city-scale dataset in under 3 s.  Each
round runs, each in a fresh process and back to back: ``unikommune.load`` of the
dataset (the anchor); the indicators but the network ones, with the assessment reusing
them (:func:`unikommune.evaluation.indicators` with ``network=False``, then
:func:`~unikommune.evaluation.assess` with ``found=``); the network indicators alone
(a co-participation network and its communities per year); both again side by side,
as ``unikommune indicators`` computes them by default (the passes over the collections
in two parts, the years of the network indicators shared out, in as many processes as
there are usable cores); and, with ``--report``,
``unikommune report DIR -o report.html`` as a user types it (start-up, loading and
writing included).  The evaluation's processes load the dataset before their clock
starts, inside :func:`unikommune.collector.frozen` as the command line does; every
process reports its peak resident memory, which for them includes the loaded dataset.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import children

_SETUP = (
    "import unikommune\n"
    "from unikommune.collector import frozen\n"
    "from unikommune.evaluation import CATALOGUE, assess, indicators\n"
    "import atexit\n"
    "block = frozen()  # as the command line runs: what it loads is frozen\n"
    "block.__enter__()\n"
    "atexit.register(block.__exit__, None, None, None)\n"
    "dataset = unikommune.load(folder)\n"
    "network = [code for code, entry in CATALOGUE.items() if entry.group == 'network']"
)

#: As ``unikommune indicators`` runs by default: the passes in two parts and the years
#: of the network indicators in as many processes as there are usable cores.
_SIDE_BY_SIDE = (
    "\nfrom unikommune.cli.options import years_side_by_side\nside = years_side_by_side(None)"
)
#: What each process imports (and loads) before it starts the clock, and what it times.
WORK = {
    "load": ("import unikommune", "unikommune.load(folder)"),
    "indicators (all but network) + assess": (
        _SETUP,
        "found = indicators(dataset, network=False)\nassess(dataset, found=found)",
    ),
    "network indicators": (_SETUP, "indicators(dataset, network)"),
    "indicators (all but network) + assess, side by side": (
        _SETUP + _SIDE_BY_SIDE,
        "found = indicators(dataset, network=False, side_by_side=side)\n"
        "assess(dataset, found=found)",
    ),
    "network indicators, side by side": (
        _SETUP + _SIDE_BY_SIDE,
        "indicators(dataset, network, side_by_side=side)",
    ),
}
#: The work the evaluation is the sum of, in one process and as the command line runs it.
TOTALS = {
    "in one process": ("indicators (all but network) + assess", "network indicators"),
    "side by side": (
        "indicators (all but network) + assess, side by side",
        "network indicators, side by side",
    ),
}


def report_command(folder: Path, out: Path) -> tuple[float, float]:
    """Run ``unikommune report`` on ``folder`` as a user does; return seconds and peak MB."""
    code = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "seconds = time.perf_counter() - start\n"
        "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    unikommune = Path(sys.executable).with_name("unikommune")
    command = [str(unikommune), "report", str(folder), "-o", str(out), "--force"]
    done = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"report: {done.stderr.strip().splitlines()[-1]}")
    seconds, peak = done.stdout.split()
    return float(seconds), float(peak)


def main(argv: list[str] | None = None) -> int:
    """Time the evaluation for ``--repeat`` rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a dataset folder (country scale)")
    parser.add_argument("--report", type=Path, help="a dataset folder to report (city scale)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    labels = [*WORK, *(["report (city)"] if args.report else [])]
    times: dict[str, list[float]] = {label: [] for label in labels}
    peaks: dict[str, list[float]] = {label: [] for label in labels}
    work = Path(tempfile.mkdtemp(prefix="bench-evaluation-"))
    try:
        for number in range(1, args.repeat + 1):
            for label in labels:
                if label == "report (city)":
                    seconds, peak = report_command(args.report.resolve(), work / "report.html")
                else:
                    seconds, peak = children.run(
                        label, *WORK[label], folder=str(args.folder.resolve())
                    )
                times[label].append(seconds)
                peaks[label].append(peak)
            print(f"round {number}/{args.repeat} done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    children.report(WORK, times, peaks, lambda _: "load", "load", args.json)
    if args.report:
        line = times["report (city)"]
        print(
            f"report (city), end to end: best {min(line):.2f} s, "
            f"peak {max(peaks['report (city)']):.0f} MB (target: under 3 s)"
        )
    for name, parts in TOTALS.items():
        evaluation = [sum(times[label][at] for label in parts) for at in range(args.repeat)]
        print(f"all indicators + assess, {name}: best {min(evaluation):.2f} s (target: under 10 s)")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    raise SystemExit(status)
