"""Findings are placed in the bytes that were checked, never in another version of a file.

Another process may replace a file (a rename over it) or rewrite it while it is being
checked.  Each test swaps a file for a version with two lines more at the top between
the check and the placing of its findings (the moment the old reader read the file
again), and checks that every finding is at its place in the version checked, or,
where the file had to be read again, without a place and after a ``file_changed``
warning.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES
from unikommune.models import COLLECTIONS
from unikommune.validation import engine, placing

UNRESOLVED = EXAMPLES / "invalid" / "unresolved_reference.json"


def _swap_before_placing(
    monkeypatch: pytest.MonkeyPatch, path: Path, how: Callable[[Path], None]
) -> None:
    real = engine.place

    def swapped(*args: Any, **kwargs: Any) -> Any:
        how(path)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "place", swapped)


def _replace(path: Path) -> None:
    """Rename a new version (two lines longer at the top) over ``path``."""
    other = path.with_name(path.name + ".new")
    other.write_bytes(b"\n\n" + path.read_bytes())
    other.replace(path)


def _rewrite(path: Path) -> None:
    """Write a new version (two lines longer at the top) into ``path`` itself."""
    data = path.read_bytes()
    with path.open("r+b") as stream:
        stream.write(b"\n\n" + data)


def _places(path: Path) -> list[tuple[str, int | None, int | None]]:
    return sorted(
        ((f.code, f.line, f.column) for f in unikommune.validate(path)),
        key=lambda found: (found[0], found[1] or 0, found[2] or 0),
    )


def _by_finding(path: Path) -> dict[tuple[str, str | None, str], tuple[int | None, int | None]]:
    return {(f.code, f.file, f.pointer): (f.line, f.column) for f in unikommune.validate(path)}


@pytest.mark.parametrize("how", [_replace, _rewrite])
def test_a_document_is_placed_in_the_text_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: Callable[[Path], None]
) -> None:
    path = tmp_path / "dataset.json"
    shutil.copy(UNRESOLVED, path)
    expected = _places(path)
    assert expected == [("unresolved_reference", 234, 15)]
    _swap_before_placing(monkeypatch, path, how)
    assert _places(path) == expected


@pytest.mark.parametrize("how", [_replace, _rewrite])
def test_a_document_read_again_and_changed_is_not_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: Callable[[Path], None]
) -> None:
    path = tmp_path / "dataset.json"
    shutil.copy(UNRESOLVED, path)
    monkeypatch.setattr(placing, "KEPT_BYTES", 0)
    assert _places(path) == [("unresolved_reference", 234, 15)]  # nothing changed: placed
    _swap_before_placing(monkeypatch, path, how)
    assert _places(path) == [("file_changed", None, None), ("unresolved_reference", None, None)]


def _json_lines_dataset(root: Path) -> Path:
    """Write the records of the example as a folder of JSON Lines files."""
    document = json.loads(UNRESOLVED.read_text(encoding="utf-8-sig"))
    root.mkdir()
    head = {key: value for key, value in document.items() if key not in COLLECTIONS}
    (root / "dataset.json").write_text(json.dumps(head, indent=1), encoding="utf-8")
    for name in COLLECTIONS:
        lines = "".join(json.dumps(record) + "\n" for record in document.get(name, []))
        (root / f"{name}.jsonl").write_text(lines, encoding="utf-8")
    return root


@pytest.mark.parametrize("budget", [None, 0])
@pytest.mark.parametrize("how", [_replace, _rewrite])
def test_json_lines_are_placed_in_the_lines_checked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: Callable[[Path], None],
    budget: int | None,
) -> None:
    root = _json_lines_dataset(tmp_path / "folder")
    expected = _by_finding(root)
    assert [code for code, _, _ in expected] == ["unresolved_reference"]
    if budget is not None:
        monkeypatch.setattr(placing, "KEPT_BYTES", budget)
    for file in {file for _, file, _ in expected}:
        assert file is not None
        _swap_before_placing(monkeypatch, Path(file), how)
    found = _by_finding(root)
    changed = {key: place for key, place in found.items() if key[0] == "file_changed"}
    placed = {key: place for key, place in found.items() if key[0] != "file_changed"}
    assert placed.keys() == expected.keys()
    for key, place in placed.items():  # where it was in the version checked, or nowhere
        assert place in {expected[key], (None, None)}
    unplaced = {key[1] for key, place in placed.items() if place == (None, None)}
    assert unplaced == {key[1] for key in changed}
    if budget == 0:
        assert unplaced
