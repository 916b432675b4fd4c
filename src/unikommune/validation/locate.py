"""Find where a value sits in JSON text: line and column for a JSON pointer.

Positions are computed only for the values that findings point at, after the
checks have run, so that clean input pays nothing for them.  The walk follows
only the branches that lead to a wanted pointer and skips every other value
with the C JSON scanner.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

__all__ = ["LineIndex", "duplicate_keys", "escape", "find_offsets", "unescape"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:Infinity|[0-9][0-9.eE+-]*)|true|false|null|NaN")
_DECODER = json.JSONDecoder()


def escape(token: str) -> str:
    """Return ``token`` escaped as one JSON pointer segment."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    """Return the key or index one JSON pointer segment names."""
    return segment.replace("~1", "/").replace("~0", "~")


class LineIndex:
    """Turn character offsets of a text into 1-based line and column numbers."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self._first = first_line

    def position(self, offset: int) -> tuple[int, int]:
        """Return ``(line, column)`` of ``offset``."""
        row = bisect.bisect_right(self._starts, offset) - 1
        return self._first + row, offset - self._starts[row] + 1


@dataclass
class _Node:
    wanted: bool = False
    children: dict[str, _Node] = field(default_factory=dict)


def _skip(text: str, index: int) -> int:
    """Return the offset just after the JSON value that starts at ``index``."""
    char = text[index] if index < len(text) else ""
    if char == '"':
        match = _STRING.match(text, index)
        return match.end() if match else len(text)
    if char not in "[{":
        match = _SCALAR.match(text, index)
        if match and match.end() > index:
            return match.end()
    try:
        return _DECODER.raw_decode(text, index)[1]
    except (ValueError, RecursionError):
        # A value the C scanner will not take (a huge number, deep nesting): scan by hand.
        return _scan_end(text, index)


def _scan_end(text: str, index: int) -> int:
    depth = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            match = _STRING.match(text, index)
            index = match.end() if match else len(text)
        elif char in "[{":
            depth += 1
            index += 1
        elif char in "]}":
            depth -= 1
            index += 1
        elif char in ",:" or char.isspace():
            if depth == 0:
                return index
            index += 1
        else:
            match = _SCALAR.match(text, index)
            index = match.end() if match and match.end() > index else index + 1
        if depth == 0 and char not in ",: \t\r\n":
            return index
    return index


def _walk(
    text: str,
    index: int,
    node: _Node,
    pointer: str,
    key_at: int | None,
    out: dict[str, tuple[int, int]],
) -> int:
    index = _WS.match(text, index).end()  # type: ignore[union-attr]
    if node.wanted:
        out[pointer] = (index, key_at if key_at is not None else index)
    if not node.children or index >= len(text) or text[index] not in "[{":
        return _skip(text, index)
    opening = text[index]
    index += 1
    position = 0
    while True:
        index = _WS.match(text, index).end()  # type: ignore[union-attr]
        if index >= len(text):
            return index
        if text[index] in "]}":
            return index + 1
        if text[index] == ",":
            index += 1
            continue
        if opening == "{":
            match = _STRING.match(text, index)
            if match is None:
                return len(text)
            key_offset = index
            raw = match.group()[1:-1]
            if "\\" in raw:
                with contextlib.suppress(ValueError):
                    raw = json.loads(match.group())
            segment = escape(raw) if "~" in raw or "/" in raw else raw
            index = _WS.match(text, match.end()).end()  # type: ignore[union-attr]
            index += 1  # the colon
        else:
            key_offset = None
            segment = str(position)
            position += 1
        child = node.children.get(segment)
        if child is None:
            index = _skip(text, _WS.match(text, index).end())  # type: ignore[union-attr]
        else:
            index = _walk(text, index, child, f"{pointer}/{segment}", key_offset, out)


def find_offsets(text: str, pointers: Collection[str]) -> dict[str, tuple[int, int]]:
    """Return ``{pointer: (value offset, key offset)}`` for every pointer found in ``text``.

    The key offset is the offset of the member's key for an object member and the value
    offset otherwise.  Pointers that name nothing are left out.
    """
    root = _Node()
    for pointer in pointers:
        node = root
        for segment in pointer.split("/")[1:] if pointer else []:
            node = node.children.setdefault(segment, _Node())
        node.wanted = True
    out: dict[str, tuple[int, int]] = {}
    if text:
        _walk(text, 0, root, "", None, out)
    return out


def duplicate_keys(text: str) -> Iterator[tuple[str, int]]:
    """Yield ``(pointer, key offset)`` of every key given a second time in one object of ``text``.

    ``text`` must be JSON that a lenient parser accepts; the walk is iterative, so deep
    nesting is no problem.
    """
    # Each frame: (pointer, is_object, keys seen, next array index)
    stack: list[tuple[str, bool, set[str], list[int]]] = []
    pending_key: str | None = None
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n,:":
            index += 1
            continue
        if char == '"':
            match = _STRING.match(text, index)
            end = match.end() if match else length
            after = _WS.match(text, end).end()  # type: ignore[union-attr]
            if stack and stack[-1][1] and after < length and text[after] == ":":
                pointer, _, seen, _ = stack[-1]
                try:
                    key = json.loads(text[index:end])
                except ValueError:
                    key = text[index + 1 : end - 1]
                if key in seen:
                    yield f"{pointer}/{escape(key)}", index
                seen.add(key)
                pending_key = key
                index = end
                continue
            _consume_value(stack, pending_key)
            pending_key = None
            index = end
            continue
        if char in "[{":
            pointer = _child_pointer(stack, pending_key)
            pending_key = None
            stack.append((pointer, char == "{", set(), [0]))
            index += 1
            continue
        if char in "]}":
            if stack:
                stack.pop()
            index += 1
            continue
        match = _SCALAR.match(text, index)
        _consume_value(stack, pending_key)
        pending_key = None
        index = match.end() if match and match.end() > index else index + 1


def _child_pointer(stack: list[tuple[str, bool, set[str], list[int]]], key: str | None) -> str:
    if not stack:
        return ""
    pointer, is_object, _, counter = stack[-1]
    if is_object:
        return f"{pointer}/{escape(key or '')}"
    counter[0] += 1
    return f"{pointer}/{counter[0] - 1}"


def _consume_value(stack: list[tuple[str, bool, set[str], list[int]]], key: str | None) -> None:
    if stack and not stack[-1][1]:
        stack[-1][3][0] += 1
