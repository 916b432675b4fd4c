"""Inputs built to be slow are checked in time close to linear in their size.

Each hostile input is checked against a clean input of about the same size: the
hostile one may take at most ten times as long.  A cost that grows with the square
of the size (a finding placed by reading the document again, a chain walked again
from every link) would take hundreds of times as long at these sizes, so the margin
is wide; the best of a few runs is taken, of processor time, so that a busy machine
does not decide.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES
from unikommune.graph import co_participation
from unikommune.graph._common import top_levels

pytestmark = pytest.mark.slow_input

#: How much longer a hostile input may take than a clean one of the same size.
FACTOR = 10


def _seconds(run: Callable[[], object], repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-3)


def _close_to_linear(hostile: Callable[[], object], clean: Callable[[], object]) -> None:
    ratio = _seconds(hostile) / _seconds(clean)
    assert ratio < FACTOR, f"the hostile input took {ratio:.1f} times as long"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (EXAMPLES / "invalid" / "unresolved_reference.json").read_text(encoding="utf-8")
    )
    document["placements"][0]["host"] = document["placements"][0]["institution"]
    return document


def _placements(base: dict[str, Any], count: int, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(base)
    template = document["placements"][0]
    document["placements"] = [
        {**template, "id": f"pl-{n}", **{key: value(n) for key, value in changes.items()}}
        for n in range(count)
    ]
    return document


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_many_findings_in_one_document(base: dict[str, Any], tmp_path: Path) -> None:
    count = 8_000
    clean = _write(tmp_path / "clean.json", _placements(base, count))
    hostile = _write(tmp_path / "hostile.json", _placements(base, count, students=lambda n: -1))
    assert len(unikommune.validate(hostile)) == count
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))


def test_many_findings_in_json_lines(base: dict[str, Any], tmp_path: Path) -> None:
    # A finding costs more than a clean record (its message, a suggestion, its place),
    # so twice the findings are checked against half as many: twice the time is linear,
    # four times would be quadratic.
    count = 8_000

    def folder(name: str, count: int, **changes: Any) -> Path:
        target = tmp_path / name
        unikommune.save(unikommune.Dataset.model_validate(base), target, jsonl=True)
        lines = [json.dumps(record) for record in _placements(base, count, **changes)["placements"]]
        (target / "placements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target

    def nobody(n: int) -> str:
        return f"nobody-{n}"

    half = folder("half", count // 2, institution=nobody)
    hostile = folder("hostile", count, institution=nobody)
    assert len(unikommune.validate(hostile)) == count
    ratio = _seconds(lambda: unikommune.validate(hostile)) / _seconds(
        lambda: unikommune.validate(half)
    )
    assert ratio < 3, f"twice the findings took {ratio:.1f} times as long"


def test_a_record_with_very_many_keys(base: dict[str, Any], tmp_path: Path) -> None:
    # One placement whose programme is named in 20,000 languages (a valid object of
    # 20,000 keys), against the same bytes in placements of the usual size.
    count = 20_000
    hostile_document = copy.deepcopy(base)
    hostile_document["placements"][0]["programme"] = {
        "en": "Nursing",
        **{f"nb-x-{n}": f"Sykepleie {n}" for n in range(count - 1)},
    }
    hostile = _write(tmp_path / "hostile.json", hostile_document)
    size = hostile.stat().st_size
    clean_document = _placements(base, 1)
    template = json.dumps(clean_document["placements"][0], indent=1)
    clean_document = _placements(base, size // len(template))
    clean = _write(tmp_path / "clean.json", clean_document)
    assert unikommune.validate(hostile).ok
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))


def test_a_record_with_very_many_unknown_fields(base: dict[str, Any], tmp_path: Path) -> None:
    # Every one a finding: explained, placed and reported in time linear in their number.
    small, large = 4_000, 16_000  # runs of 20 ms or less measured mostly noise

    def document(count: int) -> Path:
        found = copy.deepcopy(base)
        found["placements"][0].update({f"extra-{n}": n for n in range(count)})
        return _write(tmp_path / f"unknown-{count}.json", found)

    few, many = document(small), document(large)
    assert len(unikommune.validate(many)) == large
    ratio = _seconds(lambda: unikommune.validate(many), 3) / _seconds(
        lambda: unikommune.validate(few), 3
    )
    assert ratio < large / small * 2, f"four times the findings took {ratio:.1f} times as long"


def test_very_many_records_sharing_one_id(base: dict[str, Any], tmp_path: Path) -> None:
    count = 8_000
    clean = _write(tmp_path / "clean.json", _placements(base, count))
    hostile = _write(tmp_path / "hostile.json", _placements(base, count, id=lambda n: "same"))
    assert len(unikommune.validate(hostile)) == count - 1
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))


def _partners(count: int, chained: bool) -> list[dict[str, Any]]:
    partners = []
    for n in range(count):
        partner: dict[str, Any] = {
            "id": f"p-{n}",
            "name": {"en": f"Unit {n}"},
            "kind": "municipality",
            "sector": "public-sector",
        }
        if chained and n:
            partner["parent"] = f"p-{n - 1}"
        partners.append(partner)
    return partners


def test_a_very_long_chain_of_parents(base: dict[str, Any], tmp_path: Path) -> None:
    count = 8_000

    def document(chained: bool) -> dict[str, Any]:
        found = copy.deepcopy(base)
        found["partners"] += _partners(count, chained)
        return found

    clean = _write(tmp_path / "clean.json", document(False))
    hostile = _write(tmp_path / "hostile.json", document(True))
    assert unikommune.validate(hostile).ok
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))
    _close_to_linear(lambda: unikommune.load(hostile), lambda: unikommune.load(clean))
    chained, flat = unikommune.load(hostile), unikommune.load(clean)
    _close_to_linear(
        lambda: co_participation(chained, level="organisation"),
        lambda: co_participation(flat, level="organisation"),
    )


def test_rolling_up_a_long_chain_walks_each_unit_once() -> None:
    count = 100_000
    chain = {f"p-{n}": (f"p-{n - 1}" if n else None) for n in range(count)}
    flat: dict[str, str | None] = dict.fromkeys(chain)
    assert set(top_levels(chain).values()) == {"p-0"}
    _close_to_linear(lambda: top_levels(chain), lambda: top_levels(flat))


def test_a_long_circle_of_parents_is_found_once(base: dict[str, Any], tmp_path: Path) -> None:
    count = 8_000
    document = copy.deepcopy(base)
    partners = _partners(count, True)
    partners[0]["parent"] = f"p-{count - 1}"
    document["partners"] += partners
    hostile = _write(tmp_path / "hostile.json", document)
    clean_document = copy.deepcopy(base)
    clean_document["partners"] += _partners(count, False)
    clean = _write(tmp_path / "clean.json", clean_document)
    assert [f.code for f in unikommune.validate(hostile)] == ["reference_cycle"]
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))


def test_unresolved_references_among_many_ids(base: dict[str, Any], tmp_path: Path) -> None:
    # Each wrong reference looks for the id it most likely meant among 5,000: compared
    # with every id, 4,000 of them would make 20 million comparisons.
    count = 4_000

    def document(institution: Callable[[int], str]) -> dict[str, Any]:
        found = _placements(base, count, institution=institution)
        found["partners"] += _partners(5_000, False)
        return found

    hostile = _write(tmp_path / "hostile.json", document(lambda n: f"p-{n}x"))
    clean = _write(tmp_path / "clean.json", document(lambda n: f"p-{n}"))
    findings = unikommune.validate(hostile).findings
    assert len(findings) == count
    assert "did you mean 'p-7'?" in findings[7].message
    _close_to_linear(lambda: unikommune.validate(hostile), lambda: unikommune.validate(clean))
