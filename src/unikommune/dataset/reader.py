"""Read untrusted files into JSON values, turning every way they can be broken into findings.

Nothing here trusts its input: a file may be empty, not UTF-8, start with a
byte order mark, hold NaN, a number of a million digits, arrays nested
thousands deep, keys given twice, or be larger than memory.  Each case becomes
a finding with a code and a place; none raises, hangs or prints a traceback.
Only a path that cannot be opened at all raises :class:`DatasetReadError`.
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pydantic_core import from_json

from unikommune.dataset.locate import LineIndex, duplicate_keys
from unikommune.errors import DatasetReadError
from unikommune.findings import RawFinding

__all__ = [
    "CHUNK",
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "MAX_NUMBER_DIGITS",
    "FileIdentity",
    "Parsed",
    "decode",
    "identity",
    "parse_short",
    "parse_text",
    "read_file",
    "read_json",
    "split_chunk",
]

#: Largest single JSON document read; larger collections belong in JSON Lines.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
#: Longest JSON Lines record read; a longer line ends the check of its file.
MAX_LINE_BYTES = 16 * 1024 * 1024

#: What tells a file from another, or from itself changed: device, inode, size and the time
#: of its last change in nanoseconds (see :func:`identity`).
FileIdentity = tuple[int, int, int, int]

#: Bytes read at a time from a JSON Lines file.
CHUNK = 256 * 1024

#: Longest number (in characters) read; longer ones are a finding, never parsed.
MAX_NUMBER_DIGITS = 1000

_BOM = b"\xef\xbb\xbf"
_BAD_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.DOTALL)
_LONG_NUMBER = re.compile(
    r'"(?:[^"\\]|\\.)*"|(-?[0-9][0-9.eE+-]{' + str(MAX_NUMBER_DIGITS) + r",})", re.DOTALL
)


@dataclass
class Parsed:
    """A parsed document, or ``None`` with the findings that say why it could not be parsed."""

    value: Any
    text: str | None
    findings: list[RawFinding] = field(default_factory=list)
    #: The bytes read from the file (0 when the document was not read from a file).
    size: int = 0

    @property
    def ok(self) -> bool:
        """Return whether a value was read."""
        return self.text is not None


def identity(stream: BinaryIO) -> FileIdentity:
    """Return what tells the file open as ``stream`` from another one, or from itself changed."""
    status = os.fstat(stream.fileno())
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def read_file(
    path: Path, max_bytes: int, seen: Callable[[FileIdentity], None] | None = None
) -> bytes | RawFinding:
    """Return the bytes of ``path``, or a ``too_large`` finding; never read past ``max_bytes``.

    ``seen``, when given, is told the :func:`identity` of the file read.

    Raises:
        DatasetReadError: the path cannot be opened (missing, a symlink loop, no permission).
    """
    try:
        with path.open("rb") as stream:
            known = identity(stream)
            if seen is not None:
                seen(known)
            size = known[2]
            # Never read a file known to be too large; the bounded read guards the others.
            data = b"" if size > max_bytes else stream.read(max_bytes + 1)
            if size > max_bytes:
                return RawFinding(
                    "too_large",
                    f"the file is {size:,} bytes, over the limit of {max_bytes:,} for one JSON "
                    "document; split large collections into JSON Lines files (one record a line)",
                    str(path),
                )
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise DatasetReadError("the path is a loop of symbolic links", path=str(path)) from None
        if error.errno == errno.EISDIR:
            raise DatasetReadError("expected a file, found a folder", path=str(path)) from None
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=str(path)) from None
    if len(data) > max_bytes:
        return RawFinding(
            "too_large",
            f"the file is over the limit of {max_bytes:,} bytes for one JSON document; "
            "split large collections into JSON Lines files (one record a line)",
            str(path),
        )
    return data


def read_json(
    path: Path, max_bytes: int, seen: Callable[[FileIdentity], None] | None = None
) -> Parsed:
    """Read and parse the JSON document at ``path``; every way it is broken is a finding.

    ``seen``, when given, is told the :func:`identity` of the file read.

    Raises:
        DatasetReadError: the path cannot be opened (missing, a symlink loop, no permission).
    """
    data = read_file(path, max_bytes, seen)
    if isinstance(data, RawFinding):
        return Parsed(None, None, [data])
    text, findings = decode(data, str(path))
    if text is None:
        return Parsed(None, None, findings, len(data))
    parsed = parse_text(text, str(path))
    parsed.findings[:0] = findings
    parsed.size = len(data)
    return parsed


def split_chunk(pending: bytes, chunk: bytes) -> tuple[list[bytes], bytes]:
    """Return the whole lines of ``pending`` followed by ``chunk``, and what is left over.

    ``pending`` is the start of a line the chunk before cut; an empty ``chunk`` (the end
    of the file) makes it the last line.
    """
    if not chunk:
        return [pending], b""
    lines = chunk.split(b"\n")
    lines[0] = pending + lines[0]  # cheaper than joining the chunks first
    rest = lines.pop()
    return lines, rest


class _NumberTooLong(ValueError):
    pass


class _NotANumber(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return float(text)


def _reject_constant(name: str) -> Any:
    raise _NotANumber(name)


class _KeyTwice(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _KeyTwice
    return result


# Made once: ``json.loads`` with hooks makes a decoder, and its scanner, on every call.
_STRICT = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
_STRICT_LONG = json.JSONDecoder(
    object_pairs_hook=_unique_pairs,
    parse_constant=_reject_constant,
    parse_int=_parse_int,
    parse_float=_parse_float,
)
_LENIENT = json.JSONDecoder(parse_constant=_reject_constant)
_LENIENT_LONG = json.JSONDecoder(
    parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float
)


def decode(
    data: bytes, file: str | None, first_line: int = 1
) -> tuple[str | None, list[RawFinding]]:
    """Return ``data`` as text (a UTF-8 BOM removed), with findings; ``None`` if it is not UTF-8."""
    findings: list[RawFinding] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and b"\x00" in data[:4]):
        return None, [
            RawFinding(
                "not_utf8",
                "the file is UTF-16 text (it starts with a UTF-16 byte order mark or NUL bytes); "
                "save it as UTF-8",
                file,
                line=first_line,
                column=1,
            )
        ]
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        findings.append(
            RawFinding(
                "byte_order_mark",
                "the file starts with a UTF-8 byte order mark, which JSON forbids; "
                "save it as UTF-8 without BOM",
                file,
                line=first_line,
                column=1,
            )
        )
    try:
        return data.decode("utf-8"), findings
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8", errors="replace")
        line, column = LineIndex(good, first_line).position(len(good))
        byte = data[error.start]
        guess = " (it looks like Latin-1 or Windows-1252)" if byte >= 0x80 else ""
        findings.append(
            RawFinding(
                "not_utf8",
                f"byte 0x{byte:02x} is not UTF-8{guess}; save the file as UTF-8",
                file,
                line=line,
                column=column,
            )
        )
        return None, findings


#: A quote followed by white space: the one way a key's quote can stand apart from its colon.
_QUOTE_SPACE = re.compile(r'"[ \t\n\r]')


def _keys(value: Any) -> int:
    """Return the number of keys in every object of a parsed value."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            count += len(item)
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return count


def parse_short(text: str, data: bytes | None = None) -> Parsed | None:
    """Parse a short text as :func:`parse_text` does, when that is quick to prove; else ``None``.

    For a record of a line, which is read many times faster by pydantic's parser.  The
    value is the strict parse's when that parser reads the text without NaN, Infinity,
    Unicode escapes (a lone surrogate is read otherwise) or deep nesting, no number can be
    too long (the text is shorter than one), and no key is given twice.  That last is
    proven by counting: when no quote is followed by white space, every key ends in
    ``":``, so a text with as many ``":`` as its objects have keys gives each key once (a
    ``":`` inside a string only makes the count larger, and the proof fail).  ``data``,
    when given, is the text's UTF-8 bytes, which pydantic's parser reads without a copy.
    """
    if len(text) > MAX_NUMBER_DIGITS or "\\u" in text or _QUOTE_SPACE.search(text):
        return None
    try:
        value = from_json(text if data is None else data, allow_inf_nan=False)
    except (ValueError, TypeError):  # TypeError: a lone surrogate, which UTF-8 cannot hold
        return None
    if text.count('":') != _keys(value):
        return None
    return Parsed(value, text)


def _first(pattern: re.Pattern[str], text: str) -> int:
    for match in pattern.finditer(text):
        if match.group(1):
            return match.start(1)
    return 0


def parse_text(
    text: str,
    file: str | None,
    *,
    first_line: int = 1,
    empty: Callable[[], str] | None = None,
) -> Parsed:
    """Parse ``text`` strictly: no NaN, no huge numbers, duplicate keys reported as findings."""
    # Long: one strict parse, and each way it can fail made into its finding here.
    if not text.strip():
        message = empty() if empty else "the file is empty; a dataset file holds one JSON document"
        return Parsed(
            None, None, [RawFinding("empty_file", message, file, line=first_line, column=1)]
        )
    index = LineIndex(text, first_line) if first_line == 1 else None

    def at(offset: int) -> tuple[int, int]:
        return (index or LineIndex(text, first_line)).position(offset)

    def failed(code: str, message: str, offset: int) -> Parsed:
        line, column = at(offset)
        return Parsed(None, None, [RawFinding(code, message, file, line=line, column=column)])

    # A number can only be too long to read in a text longer than that.
    decoder = _STRICT_LONG if len(text) > MAX_NUMBER_DIGITS else _STRICT
    duplicates = False
    try:
        try:
            if text.startswith("\ufeff"):  # as json.loads says it
                raise json.JSONDecodeError("Unexpected UTF-8 BOM", text, 0)
            value = decoder.decode(text)
        except _KeyTwice:  # rare: read it again, keeping the last value as JSON readers do
            duplicates = True
            value = (_LENIENT_LONG if decoder is _STRICT_LONG else _LENIENT).decode(text)
    except json.JSONDecodeError as error:
        return failed(
            "invalid_json",
            f"not valid JSON here: {error.msg[0].lower()}{error.msg[1:]}; look for a "
            "missing comma, quote or bracket, a trailing comma or a comment",
            error.pos,
        )
    except _NotANumber as error:
        return failed(
            "invalid_number",
            f"{error.args[0]} is not a JSON number; leave the field out or write a finite number",
            _first(_BAD_TOKEN, text),
        )
    except _NumberTooLong as error:
        return failed(
            "number_too_long",
            f"a number of {len(error.args[0]):,} characters; numbers longer than "
            f"{MAX_NUMBER_DIGITS:,} characters are not read",
            _first(_LONG_NUMBER, text),
        )
    except RecursionError:
        depth_at = 0
        depth = 0
        for position, char in enumerate(text):
            if char in "[{":
                depth += 1
                if depth > 200:
                    depth_at = position
                    break
        return failed(
            "too_deeply_nested",
            "arrays or objects are nested too deeply to read; records nest only a few levels",
            depth_at,
        )
    except ValueError as error:  # pragma: no cover - json raises JSONDecodeError for the rest
        return Parsed(None, None, [RawFinding("invalid_json", str(error), file, line=first_line)])
    findings = []
    if duplicates:
        for pointer, offset in duplicate_keys(text):
            line, column = at(offset)
            key = pointer.rsplit("/", 1)[-1]
            findings.append(
                RawFinding(
                    "duplicate_key",
                    f"the key {key!r} appears twice in one object; the last value is used. "
                    "Remove one of the two",
                    file,
                    pointer=pointer,
                    line=line,
                    column=column,
                )
            )
    return Parsed(value, text, findings)
