"""The rules run on every path: accelerated or not, in one process or in parts.

Every finding code that a record can give is drawn from ``examples/invalid/`` (one
file per code), written as a dataset folder of JSON Lines files among clean records,
and checked four ways; the reports must be the same.  A rule registered in a test is
seen to run on every record of the right shape on each of those paths.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, SLOW
from unikommune import rules, validate
from unikommune.models import COLLECTIONS
from unikommune.rules import RULES, Batch, Context, Rule
from unikommune.validation import CODES, Report, engine
from unikommune.validation.workers import Pool, fork_is_safe

pytest.importorskip("msgspec")

INVALID = EXAMPLES / "invalid"
#: The examples whose document can be read: their defect is in a record or the metadata.
RECORD_CASES = sorted(
    path.stem
    for path in INVALID.glob("*.json")
    if path.stem
    not in {
        "byte_order_mark",
        "empty_file",
        "invalid_json",
        "not_utf8",
        "too_deeply_nested",
        "invalid_number",
        "number_too_long",
        "duplicate_key",
    }
)
#: Broken lines, each giving one code of reading files.
BROKEN_LINES: dict[str, bytes] = {
    "byte_order_mark": b"\xef\xbb\xbf",  # put before a clean record
    "invalid_json": b'{"id": "broken",',
    "not_utf8": b'{"id": "bl\xe5b\xe6r"}',
    "invalid_number": b'{"id": "nan", "students": NaN}',
    "number_too_long": b'{"id": "long", "students": ' + b"9" * 1001 + b"}",
    "too_deeply_nested": b'{"id": "deep", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


def _document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((INVALID / f"{name}.json").read_text(encoding="utf-8"))
    return document


def _clean_placement() -> dict[str, Any]:
    placement: dict[str, Any] = _document("unresolved_reference")["placements"][0]
    placement["host"] = placement["institution"]
    return placement


def _write(
    folder: Path, document: dict[str, Any], before: int, after: int, broken: bytes | None
) -> Path:
    """Write ``document`` as a folder of JSON Lines files, placements among clean ones."""
    folder.mkdir(parents=True)
    metadata = {key: value for key, value in document.items() if key not in COLLECTIONS}
    (folder / "dataset.json").write_text(json.dumps(metadata), encoding="utf-8")
    clean = _clean_placement()
    for name in COLLECTIONS:
        records = [json.dumps(record).encode() for record in document.get(name, [])]
        if name == "placements":
            fill = [
                json.dumps({**clean, "id": f"fill-{n}"}).encode() for n in range(before + after)
            ]
            records = fill[:before] + records + fill[before:]
            if broken is not None:
                records.insert(before, broken)
        (folder / f"{name}.jsonl").write_bytes(b"\n".join(records) + b"\n")
    return folder


@contextmanager
def _small_parts() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_PART_BYTES", 1)
        patch.setattr(engine, "_SMALLEST_PART", 1)
        yield


def _four_ways(folder: Path) -> Report:
    """Validate ``folder`` four ways; assert the reports agree; return one."""
    one = validate(folder, jobs=1)
    assert validate(folder, jobs=1, accelerate=False) == one
    if sys.platform.startswith("linux"):
        with _small_parts():
            assert validate(folder, jobs=3) == one
            assert validate(folder, jobs=3, accelerate=False) == one
    return one


@pytest.mark.slow
@SLOW
@given(
    name=st.sampled_from(RECORD_CASES),
    before=st.integers(0, 30),
    after=st.integers(0, 30),
)
def test_every_record_code_is_found_alike_on_every_path(
    name: str, before: int, after: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = _write(tmp_path_factory.mktemp("case") / name, _document(name), before, after, None)
    report = _four_ways(folder)
    assert name in report.codes() or name == "wrong_schema"


@pytest.mark.parametrize("code", sorted(BROKEN_LINES))
@pytest.mark.parametrize("at", [0, 7])
def test_every_line_code_is_found_alike_on_every_path(code: str, at: int, tmp_path: Path) -> None:
    line = BROKEN_LINES[code]
    if code == "byte_order_mark":
        line += json.dumps({**_clean_placement(), "id": "bom"}).encode()
    folder = _write(tmp_path / code, _document("unresolved_reference"), at, 9, line)
    assert code in _four_ways(folder).codes()


def test_the_cases_cover_every_code_a_record_or_a_line_can_give() -> None:
    covered = set(RECORD_CASES) | set(BROKEN_LINES)
    # Codes of files and folders, not of a record or a line of one.
    whole_files = {
        "empty_file",
        "too_large",
        "unexpected_file",
        "profile_declared_twice",
        "checks_skipped",
        "collection_in_two_files",
        "interrupted_save",
        "file_changed",
    }
    # A key given twice has a test of its own, below.
    assert set(CODES) - covered - whole_files == {"duplicate_key"}


def test_a_key_given_twice_is_found_alike_on_every_path(tmp_path: Path) -> None:
    clean = json.dumps({**_clean_placement(), "id": "twice"})
    line = (clean[:-1] + ', "students": 7}').encode()
    folder = _write(tmp_path / "d", _document("unresolved_reference"), 5, 5, line)
    report = _four_ways(folder)
    assert [f.code for f in report if f.code == "duplicate_key"] == ["duplicate_key"]


def _probe(context: Context, collection: str, batch: Batch) -> None:
    """A rule that reports every record it is given (with a code the catalogue has)."""
    for index, record in enumerate(batch.records):
        context.add("unexpected_file", f"probe saw {collection} {record.id}", batch.where(index))


def test_a_registered_rule_runs_on_every_record_on_every_path(tmp_path: Path) -> None:
    # A rule added to the registry is run wherever records are checked: in JSON Lines and
    # documents, accelerated or not, in one process or in parts.  A rule left out of any
    # path would leave some record unseen.
    folder = _write(tmp_path / "d", _document("unresolved_reference"), 20, 20, None)
    expected = {
        (name, json.loads(line)["id"])
        for name in COLLECTIONS
        for line in (folder / f"{name}.jsonl").read_bytes().splitlines()
        if line
    }
    probe = Rule("test.probe", ("unexpected_file",), tuple(COLLECTIONS), _probe)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", [*RULES, probe])
        rules.checks_for.cache_clear()
        try:
            for report in (
                validate(folder),
                validate(folder, accelerate=False),
                validate(INVALID / "unresolved_reference.json"),
            ):
                seen = {
                    tuple(finding.message.split()[2:4])
                    for finding in report
                    if finding.message.startswith("probe saw")
                }
                if report.files[0].endswith("unresolved_reference.json"):
                    assert len(seen) == report.records
                else:
                    assert seen == expected
            if fork_is_safe():
                started: list[int] = []
                original = Pool.__init__

                def counting(self: Pool, task: Any, count: int, workers: int) -> None:
                    started.append(count)
                    original(self, task, count, workers)

                patch.setattr(Pool, "__init__", counting)
                with _small_parts():
                    report = validate(folder, jobs=3)
                assert started  # the placements were checked in parts
                probed = {f.message for f in report if f.message.startswith("probe saw")}
                assert len(probed) == len(expected)
        finally:
            rules.checks_for.cache_clear()
    rules.checks_for.cache_clear()


def test_every_rule_reports_only_codes_of_the_catalogue() -> None:
    for entry in RULES:
        assert set(entry.codes) <= set(CODES), entry.name
        assert entry.collections, entry.name


def test_the_collector_is_restored_and_can_be_left_alone(tmp_path: Path) -> None:
    import gc

    folder = _write(tmp_path / "d", _document("unresolved_reference"), 3, 3, None)
    paused: list[bool] = []
    probe = Rule(
        "test.collector",
        (),
        ("placements",),
        lambda context, collection, batch: paused.append(not gc.isenabled()),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", [*RULES, probe])
        rules.checks_for.cache_clear()
        try:
            assert gc.isenabled()
            validate(folder)
            assert gc.isenabled()  # restored
            assert paused
            assert all(paused)  # paused while the lines were read
            paused.clear()
            validate(folder, pause_collector=False)
            assert paused
            assert not any(paused)  # left alone
            gc.disable()
            validate(folder)
            assert not gc.isenabled()  # a host that turned it off keeps it off
        finally:
            gc.enable()
            rules.checks_for.cache_clear()
