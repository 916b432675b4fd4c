"""Time ``unikommune.load`` against parsing the same files with orjson, and measure its memory.

Run from the repository root::

    .venv/bin/python benchmarks/bench_load.py /tmp/fb2/country --repeat 3

Each round runs, each in a fresh process and back to back so that a shared machine
slows them alike: the anchor (every record of the JSON Lines files parsed with orjson,
one line at a time, none kept; :mod:`anchors`), ``load`` of the whole dataset, ``load``
of the collections the partner network reads, and :func:`unikommune.loading.iter_records`
over the placements.  Each process reports the time of the work (start-up and imports
left out: ``bench_graph_commands.py`` times commands whole) and its peak resident
memory; the ratios are to the anchor of the same round, and their median is printed
with their range.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: What each process runs: ``{folder}`` is the dataset; it prints seconds and peak MB.
_CHILD = """
import resource, sys, time
sys.path.insert(0, {here!r})
folder = {folder!r}
{setup}
start = time.perf_counter()
{work}
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(seconds, peak)
"""

_LOADING = "from unikommune.loading import iter_records, load"

#: What each process imports before it starts the clock, and what it times.
WORK = {
    "orjson parse": ("import pathlib, anchors, orjson", "anchors.parse(pathlib.Path(folder))"),
    "load": (_LOADING, "load(folder)"),
    "load partners+projects": (_LOADING, "load(folder, collections=['partners', 'projects'])"),
    "iter_records placements": (_LOADING, "for _ in iter_records(folder, 'placements'): pass"),
}


def run(label: str, folder: Path) -> tuple[float, float]:
    """Run one kind of work in a fresh process; return its seconds and peak memory in MB."""
    setup, work = WORK[label]
    code = _CHILD.format(here=str(HERE), folder=str(folder), setup=setup, work=work)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{label}: {done.stderr.strip().splitlines()[-1]}")
    seconds, peak = done.stdout.split()
    return float(seconds), float(peak)


def main(argv: list[str] | None = None) -> int:
    """Time every kind of work for ``--repeat`` rounds and print the ratios to the anchor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a dataset folder")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--only", nargs="*", choices=tuple(WORK), help="only these (and the anchor)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    labels = ["orjson parse", *[label for label in WORK if label != "orjson parse"]]
    if args.only:
        labels = ["orjson parse", *[label for label in labels[1:] if label in args.only]]
    times: dict[str, list[float]] = {label: [] for label in labels}
    peaks: dict[str, list[float]] = {label: [] for label in labels}
    for number in range(1, args.repeat + 1):
        for label in labels:
            seconds, peak = run(label, args.folder)
            times[label].append(seconds)
            peaks[label].append(peak)
        print(f"round {number}/{args.repeat} done", file=sys.stderr, flush=True)
    anchor = times["orjson parse"]
    figures: dict[str, dict[str, float]] = {}
    for label in labels:
        ratios = [this / base for this, base in zip(times[label], anchor, strict=True)]
        figures[label] = {
            "best": min(times[label]),
            "median": statistics.median(times[label]),
            "ratio_median": statistics.median(ratios),
            "ratio_low": min(ratios),
            "ratio_high": max(ratios),
            "peak_mb": max(peaks[label]),
        }
        row = figures[label]
        print(
            f"{label:>24}  best {row['best']:6.2f} s  median {row['median']:6.2f} s  "
            f"vs orjson {row['ratio_median']:5.2f}x ({row['ratio_low']:.2f}-"
            f"{row['ratio_high']:.2f})  peak {row['peak_mb']:7.0f} MB"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
