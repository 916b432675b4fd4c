"""Time ``unikommune.save`` of a loaded dataset, in both folder layouts, against a baseline.

Run from the repository root::

    git show COMMIT:src/unikommune/dataset/save.py > /tmp/save_before.py
    .venv/bin/python benchmarks/bench_save.py benchmarks/data/city --repeat 9 \\
        --baseline /tmp/save_before.py

The dataset is loaded once.  Each round saves it into a new folder (on the file system
of ``--scratch``, by default the system's temporary folder) as dataset-part documents
and as JSON Lines, with the baseline's ``save`` (a ``save.py`` of an earlier commit,
loaded as a module) and this checkout's, back to back so that a machine shared with
other work slows each about alike.  It prints the best and the median of each, the
median of the ratios of this checkout's time to the baseline's in the same round.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import unikommune


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("save_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(save: Callable[..., object], dataset: Any, out: Path, jsonl: bool) -> float:
    start = time.perf_counter()
    save(dataset, out, jsonl=jsonl)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="a dataset folder or document")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--baseline", type=Path, help="a save.py to compare with")
    parser.add_argument("--scratch", type=Path, help="where the folders are written")
    args = parser.parse_args()
    dataset = unikommune.load(args.dataset)
    this = importlib.import_module("unikommune.dataset.save")
    saves = {"this": this.save}
    if args.baseline is not None:
        saves = {"baseline": _module(args.baseline).save, **saves}
    scratch = Path(tempfile.mkdtemp(prefix="bench-save-", dir=args.scratch))
    try:
        for jsonl in (False, True):
            times: dict[str, list[float]] = {label: [] for label in saves}
            for round_ in range(args.repeat):
                for label, save in saves.items():
                    out = scratch / f"{label}-{round_}"
                    times[label].append(_timed(save, dataset, out, jsonl))
                    shutil.rmtree(out)
            layout = "JSON Lines" if jsonl else "dataset parts"
            for label, seconds in times.items():
                print(
                    f"{layout:13}  {label:8}  best {min(seconds):.3f} s  "
                    f"median {statistics.median(seconds):.3f} s"
                )
            if "baseline" in times:
                ratios = [a / b for a, b in zip(times["this"], times["baseline"], strict=True)]
                print(f"{layout:13}  this / baseline: median {statistics.median(ratios):.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
