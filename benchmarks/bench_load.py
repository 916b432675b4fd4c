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
import sys
from pathlib import Path

import children

_LOADING = "from unikommune.loading import iter_records, load"

#: What each process imports before it starts the clock, and what it times.
WORK = {
    "orjson parse": ("import pathlib, anchors, orjson", "anchors.parse(pathlib.Path(folder))"),
    "load": (_LOADING, "load(folder)"),
    "load partners+projects": (_LOADING, "load(folder, collections=['partners', 'projects'])"),
    "iter_records placements": (_LOADING, "for _ in iter_records(folder, 'placements'): pass"),
}


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
            seconds, peak = children.run(label, *WORK[label], folder=str(args.folder))
            times[label].append(seconds)
            peaks[label].append(peak)
        print(f"round {number}/{args.repeat} done", file=sys.stderr, flush=True)
    children.report(labels, times, peaks, lambda _: "orjson parse", "orjson", args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
