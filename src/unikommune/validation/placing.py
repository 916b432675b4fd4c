"""Placing findings: the line and column of each finding's JSON pointer in its file.

Positions are worked out at the end, for the findings alone, so that clean input
pays nothing for them.  A finding is placed in the bytes that were checked: a JSON
document's text and the lines of JSON Lines records that took the general path are
kept while checking (up to a budget).  Beyond the budget the file is read again,
and only if it is still the file that was checked (same device, inode, size and time
of change); a file changed or replaced meanwhile gets its findings without line and
column, and a ``file_changed`` warning, never the places of another version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from unikommune.dataset.locate import LineIndex, find_offsets, names_nothing, probe_offset
from unikommune.dataset.reader import (
    CHUNK,
    FileIdentity,
    decode,
    identity,
    read_file,
    split_chunk,
)
from unikommune.errors import DatasetReadError
from unikommune.findings import Finding, RawFinding
from unikommune.validation.codes import CODES

__all__ = ["KEPT_BYTES", "Kept", "Make", "Sent", "final", "place", "sent"]

_T = TypeVar("_T")
#: What a placed finding is made by: the finding, its line and its column.
Make = Callable[[RawFinding, int | None, int | None], _T]
#: A finding as a part sends it back: code, severity, message, line, column, pointer.
Sent = tuple[str, str, str, int | None, int | None, str]

#: Bytes of texts and lines kept while checking, to place findings without reading the
#: files again.
KEPT_BYTES = 64 * 1024 * 1024
#: The most findings of one text placed by a probe each; more are placed in one pass.
_PROBES = 8


class Kept:
    """What was read of each file while checking it, to place findings in the same bytes.

    The texts of JSON documents and the lines that took the general path are kept by
    file while the budget (:data:`KEPT_BYTES` unless given) lasts; of every file, the
    identity it had when it was read.
    """

    def __init__(self, budget: int | None = None) -> None:
        self.lines: dict[str, dict[int, bytes]] = defaultdict(dict)
        self.texts: dict[str, str] = {}
        self.identities: dict[str, FileIdentity] = {}
        self._left = KEPT_BYTES if budget is None else budget

    def keep(self, file: str, number: int, line: bytes) -> None:
        """Keep ``line`` (line ``number`` of ``file``) while the budget lasts."""
        if self._left > 0:
            self.lines[file][number] = line
            self._left -= len(line)

    def keep_text(self, file: str, text: str) -> None:
        """Keep ``text``, the whole of the JSON document ``file``, if the budget allows."""
        if len(text) <= self._left:
            self.texts[file] = text
            self._left -= len(text)

    def seen(self, file: str, known: FileIdentity) -> None:
        """Remember the identity ``file`` had when it was (first) read."""
        self.identities.setdefault(file, known)

    def same(self, file: str, known: FileIdentity) -> bool:
        """Return whether ``known`` is the identity ``file`` had when it was read."""
        return self.identities.get(file, known) == known


def _changed(file: str, findings: list[RawFinding], make: Make[_T]) -> list[_T]:
    """Return ``findings`` without places, after a ``file_changed`` warning for ``file``."""
    warning = RawFinding(
        "file_changed",
        "the file changed while it was checked, so its findings are given without line and "
        "column; check it again",
        file,
    )
    return [make(warning, None, None), *(make(raw, None, None) for raw in findings)]


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
        ready.extend(_in_document(Path(file), found, max_bytes, kept, make))
    for file, found in by_lines.items():
        ready.extend(_in_lines(Path(file), found, max_line_bytes, kept, make))
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
    path: Path, findings: list[RawFinding], max_bytes: int, kept: Kept, make: Make[_T]
) -> list[_T]:
    file = str(path)
    text = kept.texts.get(file)
    if text is None:
        now: list[FileIdentity] = []
        try:
            data = read_file(path, max_bytes, now.append)
        except DatasetReadError:
            return _changed(file, findings, make)
        if not kept.same(file, now[0]):
            return _changed(file, findings, make)
        text = None if isinstance(data, RawFinding) else decode(data, file)[0]
    if text is None:  # pragma: no cover - the file was read a moment ago
        return [make(raw, None, None) for raw in findings]
    return _positions(text, findings, LineIndex(text), make)


def _in_lines(
    path: Path, findings: list[RawFinding], limit: int, kept: Kept, make: Make[_T]
) -> list[_T]:
    file = str(path)
    lines = kept.lines.get(file, {})
    wanted: dict[int, list[RawFinding]] = defaultdict(list)
    for raw in findings:
        assert raw.record_line is not None
        wanted[raw.record_line].append(raw)
    placed: list[_T] = []
    for number in [number for number in wanted if number in lines]:
        placed.extend(_in_line(lines[number], number, wanted.pop(number), limit, make))
    if not wanted:
        return placed
    try:
        stream = path.open("rb")
    except OSError:
        return placed + _changed(file, [raw for rest in wanted.values() for raw in rest], make)
    with stream:
        if not kept.same(file, identity(stream)):
            rest = [raw for found in wanted.values() for raw in found]
            return placed + _changed(file, rest, make)
        _read_lines(stream, wanted, limit, make, placed)
    for rest in wanted.values():  # pragma: no cover - the file changed while being read
        placed.extend(make(raw, raw.record_line, None) for raw in rest)
    return placed


def _read_lines(
    stream: BinaryIO,
    wanted: dict[int, list[RawFinding]],
    limit: int,
    make: Make[_T],
    placed: list[_T],
) -> None:
    """Place the findings ``wanted`` by line number in the lines read from ``stream``."""
    last = max(wanted)
    number = 0
    pending = b""
    while number < last:
        chunk = stream.read(CHUNK)
        lines, pending = split_chunk(pending, chunk)
        for line in lines:
            number += 1
            if number in wanted:
                placed.extend(_in_line(line, number, wanted.pop(number), limit, make))
        if not chunk:
            break


def _in_line(
    line: bytes, number: int, findings: list[RawFinding], limit: int, make: Make[_T]
) -> list[_T]:
    text = line[:limit].decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff").rstrip("\r")
    return _positions(text, findings, LineIndex(text, number), make)
