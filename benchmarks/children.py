"""Time one piece of work in a fresh process, and report rounds of them against an anchor.

``bench_load.py``, ``bench_tables.py`` and ``bench_harvest.py`` run each kind of work in
a process of its own (so that none inherits another's memory or warm caches), the
imports and set-up before the clock starts, and print each one's times as ratios to an
anchor measured in the same round.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

#: What each process runs: the values it is given, its set-up, then the timed work; it
#: prints its seconds and its peak memory in MB.
_CHILD = """
import resource, sys, time
sys.path.insert(0, {here!r})
{values}
{setup}
start = time.perf_counter()
{work}
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(seconds, peak)
"""

HERE = Path(__file__).resolve().parent


def run(label: str, setup: str, work: str, **values: str) -> tuple[float, float]:
    """Run ``work`` after ``setup`` in a fresh process, ``values`` bound to their names.

    Returns its seconds and its peak memory in MB; stops the benchmark with the last line
    of the child's error if it fails.
    """
    bound = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    code = _CHILD.format(here=str(HERE), values=bound, setup=setup, work=work)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{label}: {done.stderr.strip().splitlines()[-1]}")
    seconds, peak = done.stdout.split()
    return float(seconds), float(peak)


def report(
    labels: Iterable[str],
    times: dict[str, list[float]],
    peaks: dict[str, list[float]],
    anchor_of: Callable[[str], str],
    against: str,
    json_path: Path | None = None,
) -> dict[str, dict[str, float]]:
    """Print each label's best and median time and its ratios to its anchor, round by round.

    ``anchor_of(label)`` names the anchor of ``label`` (measured in the same rounds);
    ``against`` is how the printed line names it.  With ``json_path`` the figures are
    also written there.  Returns the figures.
    """
    labels = list(labels)
    width = max(len(label) for label in labels)
    figures: dict[str, dict[str, float]] = {}
    for label in labels:
        anchor = times[anchor_of(label)]
        ratios = [this / base for this, base in zip(times[label], anchor, strict=True)]
        figures[label] = row = {
            "best": min(times[label]),
            "median": statistics.median(times[label]),
            "ratio_median": statistics.median(ratios),
            "ratio_low": min(ratios),
            "ratio_high": max(ratios),
            "peak_mb": max(peaks[label]),
        }
        print(
            f"{label:>{width}}  best {row['best']:6.2f} s  median {row['median']:6.2f} s  "
            f"vs {against} {row['ratio_median']:5.2f}x ({row['ratio_low']:.2f}-"
            f"{row['ratio_high']:.2f})  peak {row['peak_mb']:7.0f} MB"
        )
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures
