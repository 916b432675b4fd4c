"""Time ``unikommune export --format csv`` and ``import`` against ``unikommune.load``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_tables.py /tmp/fb2/country --repeat 3

The target (issue 12): the CSV export and the import of a dataset each within 3 times
the time of ``unikommune.load`` on the same data.  Each round runs, each in a fresh
process and back to back so that a shared machine slows them alike: the anchor
(``load`` of the dataset folder), the export (:func:`unikommune.publish.export.export`
of the loaded dataset as a CSV data package, privacy guard included; the load before
it is not timed) and the import (:func:`unikommune.publish.tables_import.read_package`
of a package exported once before the rounds).  Each process reports the time of the
work (start-up, imports and the export's load left out) and its peak resident memory
(the export's includes the loaded dataset); the ratios are to the anchor of the same
round, and their median is printed with their range.  The packages are written under
``--work`` (a temporary folder by default), which is removed after.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import children

_EXPORT_SETUP = (
    "import unikommune\n"
    "from unikommune.publish.export import export\n"
    "dataset = unikommune.load(folder)"
)
_EXPORT = "export(dataset, package, 'csv', not_personal=True)"

#: What each process imports (and loads) before it starts the clock, and what it times.
WORK = {
    "load": ("import unikommune", "unikommune.load(folder)"),
    "export csv": (_EXPORT_SETUP, _EXPORT),
    "import csv": (
        "from unikommune.publish.tables_import import read_package",
        "read_package(package)",
    ),
}


def run(label: str, folder: Path, package: Path) -> tuple[float, float]:
    """Run one kind of work in a fresh process; return its seconds and peak memory in MB."""
    return children.run(label, *WORK[label], folder=str(folder), package=str(package))


def _rounds(folder: Path, work: Path, repeat: int) -> tuple[dict[str, list[float]], ...]:
    """Run the rounds; return the times and the peaks of each kind of work."""
    times: dict[str, list[float]] = {label: [] for label in WORK}
    peaks: dict[str, list[float]] = {label: [] for label in WORK}
    package = work / "package"
    run("export csv", folder, package)  # the package every import reads
    for number in range(1, repeat + 1):
        for label in WORK:
            target = work / f"export-{number}" if label == "export csv" else package
            seconds, peak = run(label, folder, target)
            times[label].append(seconds)
            peaks[label].append(peak)
            if label == "export csv":
                shutil.rmtree(target)
        print(f"round {number}/{repeat} done", file=sys.stderr, flush=True)
    return times, peaks


def main(argv: list[str] | None = None) -> int:
    """Time the export and the import for ``--repeat`` rounds and print the ratios to load."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a dataset folder")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--work", type=Path, help="a folder for the packages (default: temporary)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-tables-", dir=args.work))
    try:
        times, peaks = _rounds(args.folder.resolve(), work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    children.report(WORK, times, peaks, lambda _: "load", "load", args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
