"""Time ``unikommune harvest`` and ``unikommune merge`` against ``unikommune.load`` of their result.

Run from the repository root::

    .venv/bin/python benchmarks/generate.py country /tmp/country-b --seed 1
    .venv/bin/python benchmarks/bench_harvest.py --rows 100000 \\
        --merge /tmp/fb2/country /tmp/country-b --repeat 3

The targets (issue 14): harvesting a file of 100,000 rows, and merging two
country-scale generated datasets, each within 3 times the time of ``unikommune.load``
of the result.  The file harvested is the Research Council's table of EU grants
(``bevilgningereu``, source ``rcn-eu``) in its published layout (``;``, quotes only
where needed, CRLF, ``dd.mm.yyyy 00:00`` dates), written by :func:`write_eu_grants`:
``--rows`` rows, four Norwegian beneficiaries to a grant on average, drawn from 4,000
organisations with valid organisation numbers, seeded.  Before the rounds, each
result is written once with :func:`unikommune.save` as JSON Lines, and is what the
anchor loads.

Each round runs, each in a fresh process and back to back so that a shared machine
slows them alike: ``load`` of the harvest's result, the harvest
(:func:`unikommune.harvest.mapping.harvest`, the models' checks included), and, with
``--merge A B``, ``load`` of the merge's result and the merge
(:func:`unikommune.harvest.merge.merge` of the two datasets; loading them is not
timed).  Each process reports the time of the work (start-up, imports and loading
left out) and its peak resident memory; the ratios are to the anchor of the same
round, and their median is printed with their range.  The files are written under
``--work`` (a temporary folder by default), which is removed after.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import children

_HARVEST_SETUP = "import datetime\nfrom unikommune.harvest.mapping import harvest"
_HARVEST = "result = harvest('rcn-eu', [first], retrieved=datetime.date(2026, 1, 1))"
_MERGE_SETUP = (
    "import unikommune\n"
    "from unikommune.harvest.merge import merge\n"
    "datasets = [unikommune.load(first), unikommune.load(second)]"
)

#: What each process imports (and loads) before it starts the clock, and what it times.
WORK = {
    "load harvested": ("import unikommune", "unikommune.load(first)"),
    "harvest": (_HARVEST_SETUP, _HARVEST),
    "load merged": ("import unikommune", "unikommune.load(first)"),
    "merge": (_MERGE_SETUP, "result = merge(datasets)"),
}
#: The anchor of each kind of work.
ANCHOR = {"harvest": "load harvested", "merge": "load merged"}

_HEADER = (
    "Rammeprogram;Program (H2020);Prosjektnr;Prosjektkortnavn;Prosjektnavn;Topic kode;"
    "Søknadstype;Kontraktstatus;Kontrakt signeringsdato;Kontrakt startdato;"
    "Kontrakt sluttdato;Organisasjonsnummer;Organisasjonsnavn;Kortnavn;Organisasjon rolle;"
    "Organisasjon finansiell rolle;Deltakernr;FoU sektorkode;FoU kategori;"
    "Adresse kommunenummer;Innvilget beløp organisasjon EUR"
)
_SECTORS = (
    ("UoH", "Universiteter", "UNIVERSITET"),
    ("UoH", "Statlige høyskoler", "HØGSKOLE"),
    ("INS", "", "FORSKNINGSINSTITUTT"),
    ("NÆR", "Næringsliv", "AS"),
    ("DIV", "Øvrige offentlige", "KOMMUNE"),
    ("HEL", "Helseforetak", "HF"),
)
_MUNICIPALITIES = ("0301", "5001", "4601", "1103", "5501", "3301", "1804", "4204")
_ACTIONS = ("RIA", "IA", "CSA", "MSCA-IF-EF-ST", "ERC-STG")
_WORDS = (
    "municipal", "care", "climate", "school", "energy", "health", "mobility", "water",
    "data", "living lab", "welfare", "coastal", "digital", "circular", "youth",
)  # fmt: skip


def _orgnr(rng: random.Random, taken: set[str]) -> str:
    """Return a new nine-digit organisation number with a valid mod 11 check digit."""
    while True:
        body = f"{rng.choice('89')}{rng.randrange(10**7):07d}"
        total = sum(int(d) * w for d, w in zip(body, (3, 2, 7, 6, 5, 4, 3, 2), strict=True))
        check = (11 - total % 11) % 11
        if check != 10 and (number := f"{body}{check}") not in taken:
            taken.add(number)
            return number


def write_eu_grants(path: Path, rows: int, seed: int = 0) -> None:
    """Write a ``bevilgningereu`` table of ``rows`` rows in the council's published layout."""
    rng = random.Random(seed)
    taken: set[str] = set()
    organisations = []
    for number in range(4000):
        code, category, suffix = rng.choice(_SECTORS)
        name = f"ORGANISASJON {number} {suffix}"
        organisations.append(
            (_orgnr(rng, taken), name, code, category, rng.choice(_MUNICIPALITIES))
        )
    lines = [_HEADER]
    grant = 101_000_000
    while len(lines) <= rows:
        grant += 1
        year = rng.randrange(2014, 2021)
        title = " ".join(rng.sample(_WORDS, 4)).capitalize()
        if rng.random() < 0.05:
            title = f'"{title}; with a separator"'
        start, end = f"01.0{rng.randrange(1, 10)}.{year} 00:00", f"31.12.{year + 4} 00:00"
        common = (
            f"H2020;Societal challenges;{grant};P{grant % 100_000};{title};TOPIC-{year};"
            f"{rng.choice(_ACTIONS)};SIGNED;15.11.{year - 1} 00:00;{start};{end}"
        )
        for order, member in enumerate(rng.sample(organisations, rng.randrange(1, 8)), 1):
            orgnr, name, code, category, municipality = member
            role = "COORDINATOR" if order == 1 else "PARTICIPANT"
            amount = f"{rng.randrange(10_000, 2_000_000)}.{rng.randrange(100):02d}"
            lines.append(
                f"{common};{orgnr};{name};;{role};BENEFICIARY;{order};{code};{category};"
                f"{municipality};{amount}"
            )
            if len(lines) > rows:
                break
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def _prepare(work: Path, rows: int, merge: list[Path] | None) -> dict[str, tuple[str, str]]:
    """Write the inputs and the results the anchors load; return the paths of each work."""
    import unikommune
    from unikommune.harvest.mapping import harvest
    from unikommune.harvest.merge import merge as merged

    table = work / "bevilgningereu.csv"
    write_eu_grants(table, rows)
    result = harvest("rcn-eu", [table])
    unikommune.save(result.dataset, work / "harvested", layout="folder", jsonl=True)
    print(
        f"harvested {rows:,} rows: {len(result.dataset.partners):,} partners, "
        f"{len(result.dataset.projects):,} projects, {len(result.problems)} problems",
        file=sys.stderr,
    )
    paths = {"load harvested": (str(work / "harvested"), ""), "harvest": (str(table), "")}
    if merge:
        first, second = (str(folder.resolve()) for folder in merge)
        both = merged([unikommune.load(first), unikommune.load(second)])
        unikommune.save(both.dataset, work / "merged", layout="folder", jsonl=True)
        print(f"merged: {len(both.findings):,} findings", file=sys.stderr)
        paths |= {"load merged": (str(work / "merged"), ""), "merge": (first, second)}
    return paths


def run(label: str, first: str, second: str) -> tuple[float, float]:
    """Run one kind of work in a fresh process; return its seconds and peak memory in MB."""
    return children.run(label, *WORK[label], first=first, second=second)


def main(argv: list[str] | None = None) -> int:
    """Time the harvest (and the merge) for ``--repeat`` rounds; print the ratios to load."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows harvested (100,000)")
    parser.add_argument("--merge", nargs=2, type=Path, metavar=("A", "B"), help="datasets merged")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--work", type=Path, help="a folder for the files (default: temporary)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:  # in a process of its own, whose memory the timed ones do not inherit
        paths = _prepare(args.prepare, args.rows, args.merge)
        args.prepare.joinpath("paths.json").write_text(json.dumps(paths), encoding="utf-8")
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-harvest-", dir=args.work))
    try:
        given = [*sys.argv[1:]] if argv is None else list(argv)
        subprocess.run([sys.executable, __file__, *given, "--prepare", str(work)], check=True)
        paths = json.loads(work.joinpath("paths.json").read_text(encoding="utf-8"))
        times: dict[str, list[float]] = {label: [] for label in paths}
        peaks: dict[str, list[float]] = {label: [] for label in paths}
        for number in range(1, args.repeat + 1):
            for label, (first, second) in paths.items():
                seconds, peak = run(label, first, second)
                times[label].append(seconds)
                peaks[label].append(peak)
            print(f"round {number}/{args.repeat} done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    children.report(paths, times, peaks, lambda label: ANCHOR.get(label, label), "load", args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
