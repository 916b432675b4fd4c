"""Read the records of a JSON Lines file: one value a line, quickly where that is proven safe.

A collection of a million records is read a chunk at a time and never held as text.
Most lines are read by pydantic's parser, many times faster than the strict reader
(:func:`~unikommune.dataset.reader.parse_text`), but only where the two are proven to
give the same value.  Pydantic's parser refuses ``NaN``, ``Infinity``, a lone
surrogate and what is not JSON; a line it reads is kept when it holds no Unicode
escape, cannot hold a number too long to read (no run of a third as many digits), and
gives no key twice.  That last is proven by counting: every key of a line is followed
by one colon, so a line with as many colons as its objects have keys gives each key
once; failing that (a colon inside a text), a line where no quote is followed by
white space ends every key in ``":``, and as many ``":`` as keys proves it too (see
:func:`~unikommune.dataset.reader.parse_short`).  Every other line is handed back
unread (:data:`UNREAD`), for the strict reader to read and report.

:class:`FieldSets` gives the records ``load`` builds that were given the same fields
one shared set of them (:class:`SharedFields`): that set is half the memory of a small
record, and a million placements hold a few distinct ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

from pydantic_core import from_json

from unikommune.dataset.reader import CHUNK, MAX_NUMBER_DIGITS, split_chunk
from unikommune.errors import DatasetReadError

__all__ = [
    "UNREAD",
    "FieldSets",
    "SharedFields",
    "chunk_values",
    "count_keys",
    "json_chunks",
    "line_chunks",
]


class _Unread:
    """The value of a line the quick reader leaves to the strict one."""

    def __repr__(self) -> str:
        return "UNREAD"


#: Stands for the value of a line that only the strict reader may read.
UNREAD: Final[Any] = _Unread()

#: Every digit made ``0``, every other byte ``x``: a run of digits is then found at C speed.
_DIGITS = bytes(ord("0") if byte in b"0123456789" else ord("x") for byte in range(256))
#: A number over the limit has at most four characters that are not digits, in at most
#: three runs of digits: one run at least a third of the limit.
_LONG_RUN = b"0" * (MAX_NUMBER_DIGITS // 3)


def count_keys(value: Any) -> int:
    """Return the number of keys in every object of a parsed JSON value.

    >>> count_keys({"a": 1, "b": [{"c": 2}, [{"d": 3}]], "e": {}})
    5
    """
    if type(value) is dict:
        count = len(value)
        items: Any = value.values()
    elif type(value) is list:
        count = 0
        items = value
    else:
        return 0
    for item in items:
        kind = type(item)
        if kind is dict or kind is list:
            count += count_keys(item)
    return count


def _quick(line: bytes) -> Any:
    """Return the value of a line, or :data:`UNREAD` when it is not proven the strict one."""
    if b"\\u" in line:
        return UNREAD
    try:
        value = from_json(line, allow_inf_nan=False)
    except (ValueError, TypeError):
        return UNREAD
    keys = count_keys(value)
    if line.count(b":") != keys and (
        line.count(b'":') != keys or b'" ' in line or b'"\t' in line or b'"\r' in line
    ):
        return UNREAD
    if len(line) > MAX_NUMBER_DIGITS and _LONG_RUN in line.translate(_DIGITS):
        return UNREAD
    return value


class SharedFields(set[str]):
    """The set of the fields given, shared by the records of a load that were given the same.

    pydantic keeps, on every model, the set of the fields its input gave
    (``model_fields_set``): 728 bytes for a record of a dozen fields, half of what the
    record itself takes.  A model whose set is shared makes its own copy before a field
    of it is assigned (:meth:`unikommune.models.values.Model.__setattr__`), so no other
    record sees the change.
    """

    __slots__ = ()


class FieldSets:
    """Gives the records of one collection shared sets of the fields they were given."""

    def __init__(self) -> None:
        #: The distinct sets met so far (a collection has a few dozen at most).
        self.shared: list[SharedFields] = []

    def share(self, records: list[Any]) -> list[Any]:
        """Return ``records`` (models), the set of given fields of each now a shared one."""
        last: SharedFields | None = None
        for record in records:
            given = record.__pydantic_fields_set__
            if last is None or last != given:
                for last in self.shared:
                    if last == given:
                        break
                else:
                    last = SharedFields(given)
                    self.shared.append(last)
            object.__setattr__(record, "__pydantic_fields_set__", last)
        return records


@cache
def _writer() -> Callable[[list[Any]], bytes] | None:
    """Return msgspec's writer of JSON Lines, or ``None`` without msgspec."""
    try:
        import msgspec
    except ImportError:
        return None
    return msgspec.json.Encoder().encode_lines


def chunk_values(lines: list[bytes]) -> list[Any] | None:
    """Return the values of ``lines`` read at once, or ``None`` when that is not proven.

    pydantic's parser reads the lines of a chunk as one array, with no Python frame per
    line (and shares the repeated short strings, as it does for a line).  Its values
    are kept only when msgspec, writing them back, gives the chunk's very bytes: then
    each line is the compact JSON of its value, which gives no key twice (a key given
    twice is read once, and writing back would drop one) and no escape but the ones
    msgspec writes, so the strict reader reads each line as the same value.  A chunk
    with a Unicode escape or a run of digits as long as a third of the longest number
    read is left to the reader of single lines, and so is every chunk without msgspec.
    """
    write = _writer()
    if write is None or not lines:
        return None
    joined = b"\n".join(lines) + b"\n"
    if b"\\u" in joined or _LONG_RUN in joined.translate(_DIGITS):
        return None
    try:
        values = from_json(b"[" + b",".join(lines) + b"]", allow_inf_nan=False)
    except ValueError:  # the single lines will tell
        return None
    if type(values) is not list or len(values) != len(lines) or write(values) != joined:
        return None
    return values


def line_chunks(path: Path, max_line: int) -> Iterator[tuple[int, list[bytes]]]:
    """Yield the lines of a file a chunk at a time, blank ones included.

    Each item is ``(number, lines)``: the number of the line before the first of
    ``lines``, and the lines without their newlines.

    Raises:
        DatasetReadError: the file cannot be read, or a line is over ``max_line`` bytes.
    """
    file = str(path)
    try:
        stream = path.open("rb")
    except OSError as error:
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=file) from None
    number = 0
    with stream:
        pending = b""
        while True:
            chunk = stream.read(CHUNK)
            # No line of the chunk can be over the limit when the whole is not.
            short = len(pending) + len(chunk) <= max_line
            lines, pending = split_chunk(pending, chunk)
            if len(pending) > max_line:
                lines.append(pending)
            if not short:
                for at, line in enumerate(lines, start=number + 1):
                    if len(line) > max_line:
                        raise DatasetReadError(
                            f"line {at}: the record on this line is over {max_line:,} bytes",
                            path=file,
                        )
            yield number, lines
            number += len(lines)
            if not chunk:
                break


def json_chunks(path: Path, max_line: int) -> Iterator[tuple[int, list[bytes], list[Any]]]:
    """Yield the lines of a JSON Lines file a chunk at a time, with their values.

    Each item is ``(number, lines, values)``: the number of the line before the first
    of ``lines`` (blank lines are counted, not given), the lines, and their values (each
    the line's JSON value, or :data:`UNREAD` when the quick reader cannot prove it
    reads the line as the strict reader does: the caller then reads it strictly).
    With msgspec installed, a chunk of lines written compactly is read at once
    (:func:`chunk_values`); the other lines are read one by one.

    Raises:
        DatasetReadError: the file cannot be read, or a line is over ``max_line`` bytes.
    """
    for number, lines in line_chunks(path, max_line):
        values = chunk_values(lines)
        if values is not None:
            yield number, lines, values
        else:
            yield from _one_by_one(lines, number)


def _one_by_one(lines: list[bytes], number: int) -> Iterator[tuple[int, list[bytes], list[Any]]]:
    """Yield the lines after line ``number`` read one by one, in runs without a blank line."""
    start = 0
    values: list[Any] = []
    for at, line in enumerate(lines):
        if not line.strip():
            if values:
                yield number + start, lines[start:at], values
            start, values = at + 1, []
            continue
        values.append(_quick(line))
    if values:
        yield number + start, lines[start:], values
