"""Placing findings: the line and column of each finding's JSON pointer in its file.

Positions are worked out at the end, for the findings alone, so that clean input
pays nothing for them.  A finding in a JSON document is placed in the document's
text; one in a JSON Lines record in the text of its line, which the check kept
when the line took the general path (up to a budget), or reads again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from unikommune.dataset.locate import LineIndex, find_offsets, names_nothing, probe_offset
from unikommune.dataset.reader import CHUNK, decode, read_file, split_chunk
from unikommune.findings import Finding, RawFinding
from unikommune.validation.codes import CODES

__all__ = ["Kept", "Make", "Sent", "final", "place", "sent"]

_T = TypeVar("_T")
#: What a placed finding is made by: the finding, its line and its column.
Make = Callable[[RawFinding, int | None, int | None], _T]
#: A finding as a part sends it back: code, severity, message, line, column, pointer.
Sent = tuple[str, str, str, int | None, int | None, str]

#: Bytes of lines kept while checking, to place findings without reading the files again.
_KEPT_BYTES = 64 * 1024 * 1024
#: The most findings of one text placed by a probe each; more are placed in one pass.
_PROBES = 8


class Kept:
    """Lines that took the general path, by file and line number, kept up to a budget."""

    def __init__(self, budget: int = _KEPT_BYTES) -> None:
        self.lines: dict[str, dict[int, bytes]] = defaultdict(dict)
        self._left = budget

    def keep(self, file: str, number: int, line: bytes) -> None:
        """Keep ``line`` (line ``number`` of ``file``) while the budget lasts."""
        if self._left > 0:
            self.lines[file][number] = line
            self._left -= len(line)


def final(raw: RawFinding, line: int | None, column: int | None) -> Finding:
    """Return ``raw`` as the finding a report holds."""
    return Finding(
        raw.code, CODES[raw.code].severity, raw.message, raw.file, line, column, raw.pointer
    )


def sent(raw: RawFinding, line: int | None, column: int | None) -> Sent:
    """Return ``raw`` placed, as a part sends it back (tuples pickle many times faster)."""
    return raw.code, CODES[raw.code].severity.value, raw.message, line, column, raw.pointer


def place(
    findings: Iterable[RawFinding],
    make: Make[_T],
    kept: Kept,
    max_bytes: int,
    max_line_bytes: int,
) -> list[_T]:
    """Return ``findings`` placed (line and column in their files), each made by ``make``."""
    by_document: dict[str, list[RawFinding]] = defaultdict(list)
    by_lines: dict[str, list[RawFinding]] = defaultdict(list)
    ready: list[_T] = []
    for raw in findings:
        if raw.line is not None or raw.file is None:
            ready.append(make(raw, raw.line, raw.column))
        elif raw.record_line is not None:
            by_lines[raw.file].append(raw)
        else:
            by_document[raw.file].append(raw)
    for file, found in by_document.items():
        ready.extend(_in_document(Path(file), found, max_bytes, make))
    for file, found in by_lines.items():
        ready.extend(_in_lines(Path(file), found, max_line_bytes, kept.lines[file], make))
    return ready


def _ancestors(pointer: str) -> Iterator[str]:
    while True:
        yield pointer
        if not pointer:
            return
        pointer = pointer.rsplit("/", 1)[0]


def _positions(text: str, findings: list[RawFinding], index: LineIndex, make: Make[_T]) -> list[_T]:
    """Return ``findings`` placed in ``text``, each made by ``make(raw, line, column)``."""
    # A few pointers are found by a probe each (it reads the text up to the place); more,
    # in one pass over the text that indexes them all.  A missing field's pointer surely
    # names nothing, so only its ancestors are looked for; the root is where the text
    # starts.
    offsets: dict[str, tuple[int, int]] = {}
    wanted: set[str] = set()
    probe = len(findings) <= _PROBES
    for raw in findings:
        pointer = raw.pointer
        if not pointer or pointer in offsets:
            continue
        found = probe_offset(text, pointer) if probe else None
        if found is not None:
            offsets[pointer] = found
            continue
        ancestors = list(_ancestors(pointer))
        if probe and names_nothing(text, pointer):  # a search of the text: for a few only
            ancestors = ancestors[1:]
        wanted.update(ancestor for ancestor in ancestors if ancestor and ancestor not in offsets)
    if wanted:
        offsets.update(find_offsets(text, wanted))
    placed = []
    for raw in findings:
        found = offsets.get(raw.pointer)
        if found is not None:  # the value itself, or its key
            at = found[1] if raw.key or raw.code == "unknown_field" else found[0]
        else:  # the nearest ancestor found, else the start of the text
            at = len(text) - len(text.lstrip(" \t\n\r"))
            for ancestor in _ancestors(raw.pointer):
                if ancestor in offsets:
                    at = offsets[ancestor][0]
                    break
        placed.append(make(raw, *index.position(at)))
    return placed


def _in_document(
    path: Path, findings: list[RawFinding], max_bytes: int, make: Make[_T]
) -> list[_T]:
    data = read_file(path, max_bytes)
    text = None if isinstance(data, RawFinding) else decode(data, str(path))[0]
    if text is None:  # pragma: no cover - the file was read a moment ago
        return [make(raw, None, None) for raw in findings]
    return _positions(text, findings, LineIndex(text), make)


def _in_lines(
    path: Path, findings: list[RawFinding], limit: int, kept: Mapping[int, bytes], make: Make[_T]
) -> list[_T]:
    wanted: dict[int, list[RawFinding]] = defaultdict(list)
    for raw in findings:
        assert raw.record_line is not None
        wanted[raw.record_line].append(raw)
    placed: list[_T] = []
    for number in [number for number in wanted if number in kept]:
        placed.extend(_in_line(kept[number], number, wanted.pop(number), limit, make))
    if not wanted:
        return placed
    last = max(wanted)
    number = 0
    pending = b""
    with path.open("rb") as stream:
        while number < last:
            chunk = stream.read(CHUNK)
            lines, pending = split_chunk(pending, chunk)
            for line in lines:
                number += 1
                if number in wanted:
                    placed.extend(_in_line(line, number, wanted.pop(number), limit, make))
            if not chunk:
                break
    for rest in wanted.values():  # pragma: no cover - the file changed while being read
        placed.extend(make(raw, raw.record_line, None) for raw in rest)
    return placed


def _in_line(
    line: bytes, number: int, findings: list[RawFinding], limit: int, make: Make[_T]
) -> list[_T]:
    text = line[:limit].decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff").rstrip("\r")
    return _positions(text, findings, LineIndex(text, number), make)
