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
from functools import lru_cache

__all__ = [
    "LineIndex",
    "duplicate_keys",
    "escape",
    "find_offsets",
    "names_nothing",
    "probe_offset",
    "unescape",
]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:Infinity|[0-9][0-9.eE+-]*)|true|false|null|NaN")
_DECODER = json.JSONDecoder()
_NEWLINE = re.compile("\n")
#: A string in a text without backslashes.
_PLAIN_STRING = re.compile('"[^"]*"')


def escape(token: str) -> str:
    """Return ``token`` escaped as one JSON pointer segment."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    """Return the key or index one JSON pointer segment names."""
    return segment.replace("~1", "/").replace("~0", "~")


class LineIndex:
    """Turn character offsets of a text into 1-based line and column numbers."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0]
        if "\n" in text:  # not in a JSON Lines record
            self._starts += [match.end() for match in _NEWLINE.finditer(text)]
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


#: One member of an object from its key to its value: a comma before it, if any, the key
#: (group 1, as written), the colon.
_MEMBER = re.compile(r'[ \t\n\r]*,?[ \t\n\r]*"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)


class _Walk:
    """One search for the offsets of some pointers in a text."""

    def __init__(self, text: str, wanted: int) -> None:
        self.text = text
        self.out: dict[str, tuple[int, int]] = {}
        self.left = wanted
        #: Keys (as written) on the paths found so far, to tell when the search may stop.
        self.keys: set[str] = set()

    def done(self, index: int) -> bool:
        """Return whether every pointer is found and no later key can change an answer.

        JSON keeps the last of two members with the same key, so the search stops early
        only when no key on a path found appears again after ``index`` (and, to be sure of
        that, when nothing there is escaped).
        """
        if self.left:
            return False
        text = self.text
        if text.find("\\", index) >= 0:
            return False
        return all(text.find(f'"{key}"', index) < 0 for key in self.keys)

    def value(self, index: int, node: _Node, pointer: str, key_at: int | None) -> int:
        """Walk the value at ``index``; return the offset after it, or -1 once done."""
        text = self.text
        index = _WS.match(text, index).end()  # type: ignore[union-attr]
        if node.wanted:
            if pointer not in self.out:
                self.left -= 1
            self.out[pointer] = (index, key_at if key_at is not None else index)
        if not node.children or index >= len(text) or text[index] not in "[{":
            end = _skip(text, index)
            return -1 if node.wanted and self.done(end) else end
        if text[index] == "{":
            return self._object(index + 1, node, pointer)
        return self._array(index + 1, node, pointer)

    def _object(self, index: int, node: _Node, pointer: str) -> int:
        text = self.text
        children = node.children
        while True:
            member = _MEMBER.match(text, index)
            if member is None:
                index = _WS.match(text, index).end()  # type: ignore[union-attr]
                return index + 1  # the closing brace
            raw = member.group(1)
            key = raw
            if "\\" in raw:
                with contextlib.suppress(ValueError):
                    key = json.loads(f'"{raw}"')
            segment = escape(key) if "~" in key or "/" in key else key
            child = children.get(segment)
            if child is None:
                index = _skip(text, member.end())
                continue
            self.keys.add(raw)
            index = self.value(member.end(), child, f"{pointer}/{segment}", member.start(1) - 1)
            if index < 0:
                return -1

    def _array(self, index: int, node: _Node, pointer: str) -> int:
        text = self.text
        position = 0
        while True:
            index = _WS.match(text, index).end()  # type: ignore[union-attr]
            if index >= len(text):
                return index
            char = text[index]
            if char == "]":
                return index + 1
            if char == ",":
                index += 1
                continue
            child = node.children.get(str(position))
            position += 1
            if child is None:
                index = _skip(text, index)
            else:
                index = self.value(index, child, f"{pointer}/{position - 1}", None)
                if index < 0:
                    return -1


def find_offsets(text: str, pointers: Collection[str]) -> dict[str, tuple[int, int]]:
    """Return ``{pointer: (value offset, key offset)}`` for every pointer found in ``text``.

    The key offset is the offset of the member's key for an object member and the value
    offset otherwise.  Pointers that name nothing are left out.  Of two members with the
    same key, the last counts, as in a JSON parser.
    """
    root = _Node()
    for pointer in pointers:
        node = root
        for segment in pointer.split("/")[1:] if pointer else []:
            node = node.children.setdefault(segment, _Node())
        node.wanted = True
    walk = _Walk(text, len(set(pointers)))
    if text:
        walk.value(0, root, "", None)
    return walk.out


#: A key no dataset uses, put in a copy of the text to test where a member sits.
_PROBE = "\x00unikommune probe"
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_. -]+")


def _needle(key: str) -> str:
    return f'"{key}"' if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def names_nothing(text: str, pointer: str) -> bool:
    """Return whether ``pointer`` surely names nothing in ``text``: its last key is absent.

    Only a key written without escapes can be looked for as text, so a text with a
    backslash in it is never sure.
    """
    segments = pointer.split("/")[1:]
    if not segments or segments[-1].isdigit() or "\\" in text:
        return False
    return _needle(unescape(segments[-1])) not in text


@lru_cache(maxsize=1024)
def _plan(pointer: str) -> tuple[tuple[str, ...], str, str] | None:
    """Return what a probe of ``pointer`` looks for, ``None`` if it names no object member.

    That is its keys, the last one's text and the brackets that close it.  Findings of
    broken data repeat their pointers: each is worked out once.
    """
    segments = tuple(unescape(segment) for segment in pointer.split("/")[1:])
    if not segments or segments[-1].isdigit():
        return None
    closing = "".join("]" if segment.isdigit() else "}" for segment in reversed(segments))
    return segments, _needle(segments[-1]), closing


def probe_offset(text: str, pointer: str) -> tuple[int, int] | None:
    """Return ``(value offset, key offset)`` of an object member ``pointer`` names, or ``None``.

    A quicker way than :func:`find_offsets` for a pointer that ends in an object key: look
    for the key's text from the end of ``text`` (JSON keeps the last of two members with
    one key), and prove each place by parsing the text up to it with one more member and
    the closing brackets the pointer calls for: the place is right when that member ends
    up last in the object the pointer leads to.  ``None`` means "not proven": use
    :func:`find_offsets`.
    """
    plan = _plan(pointer)
    if plan is None:
        return None
    segments, needle, closing = plan
    # A member of the root object of a text without escapes is proven by counting the
    # brackets before it, outside strings (in such a text, every quote starts or ends one).
    top = len(segments) == 1 and "\\" not in text and text.lstrip(" \t\n\r")[:1] == "{"
    end = len(text)
    for _ in range(8):
        at = text.rfind(needle, 0, end)
        if at < 0:
            return None
        end = at
        colon = _COLON.match(text, at + len(needle))
        if colon is None or colon.end() == at + len(needle):
            continue  # not followed by a colon: not a key
        if top:
            outside = _PLAIN_STRING.sub("", text[:at])
            opened = outside.count("{") + outside.count("[")
            if opened - outside.count("}") - outside.count("]") == 1:
                return colon.end(), at
            continue
        try:
            node = json.loads(f"{text[:at]}{json.dumps(_PROBE)}:0{closing}")
            for segment in segments[:-1]:
                node = node[int(segment)] if isinstance(node, list) else node[segment]
        except (ValueError, LookupError, TypeError, RecursionError):
            continue
        if isinstance(node, dict) and node and next(reversed(node)) == _PROBE:
            return colon.end(), at
    return None


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
