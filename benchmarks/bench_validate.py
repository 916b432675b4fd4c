"""Benchmark the validator against parsing alone and against the jsonschema package.

Run from the repository root::

    .venv/bin/python benchmarks/bench_validate.py [--scale country] [--sample 20000]

Everything runs in one process on the same files, made by ``generate.py`` (in
``benchmarks/data/<scale>`` and ``benchmarks/data/<scale>-broken``, generated
when missing):

* the floor: every JSON Lines record parsed with orjson, record by record, results
  not kept (so garbage collection does not inflate it);
* ``unikommune.validate`` with every check and every finding, on the clean dataset
  and on the one with 5 % broken records: as a user runs it (the placements file in
  parts, by as many processes as there are usable cores, ``--jobs`` to choose), and
  in this process alone (``jobs=1``); the processor time of the validating process
  and its workers is printed too;
* the baseline a user would reach for: the ``jsonschema`` package with the shipped
  ``schemas/``, collecting all errors per record.  It is far too slow to run on a
  whole country dataset, so it runs on the first ``--sample`` records of each
  collection and its time is scaled up per collection (said so in the output).

Peak memory of a validation is measured in a child process (its maximum resident
set size, and that of the largest of its workers), for this scale and for the next
smaller one, to show that memory grows with the number of ids rather than with the
size of the files.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import orjson

from unikommune.models import COLLECTIONS
from unikommune.schema import SCHEMA_FILES
from unikommune.schema import validator as schema_validator
from unikommune.validation import validate
from unikommune.validation.workers import default_jobs

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SMALLER = {"country": "city", "stress": "country", "city": "tiny"}
#: The schema of each collection's records, read off the models' published schemas.
SCHEMA_OF = {
    collection: name.removesuffix(".json")
    for collection, model in COLLECTIONS.items()
    for name, schema_model in SCHEMA_FILES.items()
    if schema_model is model
}


def ensure(scale: str, broken: float, data: Path = DATA) -> Path:
    """Return the dataset folder of ``scale``, generating it first if it is missing."""
    folder = data / (f"{scale}-broken" if broken else scale)
    if not (folder / "dataset.json").is_file():
        spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
        assert spec
        assert spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["generate"] = module
        spec.loader.exec_module(module)
        print(f"generating {folder} ...", flush=True)
        module.generate(scale, folder, seed=0, broken=broken, force=True)
    return folder


def line_files(folder: Path) -> list[tuple[str, Path]]:
    """Return ``(collection, path)`` of every JSON Lines file of a dataset folder."""
    return [
        (name, folder / f"{name}.jsonl")
        for name in COLLECTIONS
        if (folder / f"{name}.jsonl").is_file()
    ]


def parse_only(folder: Path) -> tuple[float, int]:
    """Parse every record with orjson, keeping nothing; return seconds and records."""
    records = 0
    started = time.perf_counter()
    for _, path in line_files(folder):
        with path.open("rb") as stream:
            for line in stream:
                orjson.loads(line)
                records += 1
    return time.perf_counter() - started, records


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed_validate(folder: Path, jobs: int | None = None) -> tuple[float, float, int, int]:
    """Validate the folder; return seconds, processor seconds, records and findings."""
    gc.collect()
    cpu = _cpu()
    started = time.perf_counter()
    report = validate(folder, jobs=default_jobs() if jobs is None else jobs)
    seconds = time.perf_counter() - started
    return seconds, _cpu() - cpu, report.records, len(report.findings)


def jsonschema_estimate(folder: Path, sample: int) -> tuple[float, int, int]:
    """Time the jsonschema package on a sample of each collection; scale up per collection.

    Returns the estimated seconds for the whole folder, the records timed and the records
    in the folder.
    """
    estimate = 0.0
    timed = 0
    total = 0
    for name, path in line_files(folder):
        check = schema_validator(SCHEMA_OF[name])
        with path.open("rb") as stream:
            count = sum(1 for _ in stream)
        total += count
        with path.open("rb") as stream:
            lines = list(itertools.islice(stream, sample))
        started = time.perf_counter()
        for line in lines:
            for _ in check.iter_errors(orjson.loads(line)):
                pass
        seconds = time.perf_counter() - started
        timed += len(lines)
        estimate += seconds * count / max(len(lines), 1)
    return estimate, timed, total


def peak_memory_mb(folder: Path, jobs: int) -> tuple[float, float]:
    """Validate the folder in a fresh process (``jobs`` processes); return its peak memory in MB.

    Returns the validating process's peak and the largest peak of its workers (0 when it
    started none).  The peak is the new address space's high-water mark (``VmHWM``),
    which, unlike ``ru_maxrss``, does not start from the parent's size; a worker's is
    its ``ru_maxrss``, which counts the pages it shares with the process it was forked
    from.
    """
    code = (
        "import resource, sys\n"
        "from unikommune.validation import validate\n"
        "validate(sys.argv[1], jobs=int(sys.argv[2]))\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(int(status.split()[0]), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    own, worker = result.stdout.split()
    return int(own) / 1024, int(worker) / 1024


def size_mb(folder: Path) -> float:
    """Return the size of the dataset files in MB."""
    return sum(path.stat().st_size for _, path in line_files(folder)) / 1e6


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the measured ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="country", choices=["city", "country", "stress"])
    parser.add_argument(
        "--sample",
        type=int,
        default=5_000,
        help="records per collection for the jsonschema baseline",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; best kept")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument(
        "--jobs", type=int, default=None, help="processes for validate (default: usable cores)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="folder of the generated datasets (default benchmarks/data)",
    )
    args = parser.parse_args(argv)

    clean = ensure(args.scale, 0.0, args.data)
    broken = ensure(args.scale, 0.05, args.data)
    print(f"scale {args.scale}: {size_mb(clean):,.0f} MB of JSON Lines in {clean}", flush=True)

    figures: dict[str, float] = {}
    # The machine may be shared: time the floor and the validator back to back, several
    # times, and keep the median of the ratios as well as the best times.
    print(f"usable cores: {default_jobs()} (jobs {args.jobs or default_jobs()})")
    for label, folder in (("clean", clean), ("broken", broken)):
        for mode, jobs in (("", args.jobs), (" 1 proc", 1)):
            runs = []
            for _ in range(args.repeat):
                parse, records = parse_only(folder)
                seconds, cpu, checked, findings = timed_validate(folder, jobs)
                runs.append((parse, seconds, cpu))
            ratios = sorted(seconds / parse for parse, seconds, _ in runs)
            cpu_ratios = sorted(cpu / parse for parse, _, cpu in runs)
            parse = min(run[0] for run in runs)
            seconds = min(run[1] for run in runs)
            key = label if not mode else f"{label}_one_process"
            if not mode:  # the floor as printed (each mode has runs of its own)
                figures[f"parse_{label}_s"] = parse
            figures[f"validate_{key}_s"] = seconds
            figures[f"ratio_{key}_vs_parse"] = ratios[len(ratios) // 2]
            figures[f"cpu_ratio_{key}_vs_parse"] = cpu_ratios[len(cpu_ratios) // 2]
            if not mode:
                print(
                    f"orjson parse only ({label:<6})         {parse:8.2f} s  "
                    f"{records / parse:>12,.0f} records/s"
                )
            print(
                f"validate ({label:<6}{mode:<7})        {seconds:8.2f} s  "
                f"{checked / seconds:>12,.0f} records/s  {findings:>9,} findings  "
                f"ratios {', '.join(f'{r:.2f}' for r in ratios)}  "
                f"(processor time {cpu_ratios[len(cpu_ratios) // 2]:.2f}x parsing)",
                flush=True,
            )

    estimate, timed, total = jsonschema_estimate(clean, args.sample)
    figures["jsonschema_s_estimated"] = estimate
    figures["speedup_vs_jsonschema"] = estimate / figures["validate_clean_s"]
    figures["speedup_vs_jsonschema_one_process"] = (
        estimate / figures["validate_clean_one_process_s"]
    )
    print(
        f"jsonschema package            {estimate:8.0f} s  {total / estimate:>12,.0f} records/s  "
        f"(timed on {timed:,} of {total:,} records, scaled up per collection)",
        flush=True,
    )

    if not args.no_memory:
        smaller = SMALLER[args.scale]
        for scale in (smaller, args.scale):
            folder = ensure(scale, 0.0, args.data)
            peak, worker = peak_memory_mb(folder, args.jobs or default_jobs())
            figures[f"peak_mb_{scale}"] = peak
            figures[f"peak_mb_{scale}_worker"] = worker
            files = size_mb(folder)
            print(
                f"peak memory {scale:<8}          {peak:8.0f} MB for {files:,.0f} MB of files"
                f" (largest worker {worker:,.0f} MB)"
            )

    print()
    print(
        f"full validation / orjson parse:   {figures['ratio_clean_vs_parse']:.2f}x clean, "
        f"{figures['ratio_broken_vs_parse']:.2f}x with 5 % broken (target <= 2x)"
    )
    print(
        f"  in one process:                 {figures['ratio_clean_one_process_vs_parse']:.2f}x "
        f"clean, {figures['ratio_broken_one_process_vs_parse']:.2f}x with 5 % broken"
    )
    print(
        f"speed-up over jsonschema package: {figures['speedup_vs_jsonschema']:.0f}x "
        f"({figures['speedup_vs_jsonschema_one_process']:.0f}x in one process; target >= 50x)"
    )
    print(f"this process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
