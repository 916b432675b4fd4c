"""What every reader shares: opening files, CSV records, streamed JSON, typed values."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, TypeVar

from stdnum.no import orgnr as _orgnr

from unikommune.harvest.sources import SourceFormatError, SourceProblem

_Row = TypeVar("_Row")

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 1 << 16
_JSON_CHUNK = 1 << 14
#: A JSON record larger than this is taken as broken rather than awaited.
_JSON_MAX_RECORD = 1 << 24


def open_binary(path: Path, member: str | None = None) -> io.BufferedIOBase:
    """Open ``path`` for reading bytes, unpacking gzip, or a zip ``member`` found by its name."""
    if member is not None and zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        try:
            names = [n for n in archive.namelist() if Path(n).name == member]
            if not names:
                raise SourceFormatError(f"the archive holds no {member}", path=str(path))
            return io.BufferedReader(_ZipMember(archive, archive.open(names[0])))
        except BaseException:
            archive.close()
            raise
    with path.open("rb") as probe:
        gzipped = probe.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")


class _ZipMember(io.RawIOBase):
    """A zip member that closes its archive with it."""

    def __init__(self, archive: zipfile.ZipFile, member: IO[bytes]) -> None:
        self._archive = archive
        self._member = member

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._member.close()
            self._archive.close()
        super().close()


def sniff_encoding(path: Path, member: str | None = None) -> str:
    """Return the encoding of a text file: UTF-8 (with or without BOM), else Windows-1252.

    Every registry read here publishes UTF-8; Windows-1252 is what a file has
    after it was opened and saved again in a spreadsheet.  Only the first 64
    KiB are looked at: a later byte that is not UTF-8 is reported where it is.
    """
    with open_binary(path, member) as stream:
        head = stream.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


@contextmanager
def open_text(path: Path, encoding: str | None, member: str | None = None) -> Iterator[IO[str]]:
    """Open ``path`` as text, newlines untranslated, sniffing the encoding when none is given."""
    chosen = encoding or sniff_encoding(path, member)
    binary = open_binary(path, member)
    # typeshed wants a BufferedReader; a GzipFile or a buffered zip member reads the same.
    with io.TextIOWrapper(binary, encoding=chosen, newline="") as text:  # type: ignore[type-var]
        yield text


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a file: where it starts, its number, and its values."""

    line: int
    row: int
    values: Mapping[str, Any]


def iter_csv(
    path: Path,
    *,
    required: Sequence[str],
    separators: Sequence[str],
    read: Sequence[str] = (),
    encoding: str | None = None,
    member: str | None = None,
) -> Iterator[Record | SourceProblem]:
    """Yield the records of a CSV file as column-to-text mappings, with their line numbers.

    The separator is the first of ``separators`` whose split of the header
    line holds every ``required`` column.  Only the ``required`` and ``read``
    columns are kept in each record.  A record with a wrong number of fields
    yields a problem instead; blank lines are skipped.
    """
    name = str(path)
    with open_text(path, encoding, member) as text:
        try:
            header_line = text.readline()
        except UnicodeDecodeError as error:
            raise SourceFormatError(f"the header is not {error.encoding}", path=name) from None
        header, separator = _header(header_line, required, separators, name)
        wanted = set(required) | set(read)
        kept = [(column, index) for index, column in enumerate(header) if column in wanted]
        reader = csv.reader(text, delimiter=separator, quotechar='"', doublequote=True)
        row = 0
        end = 1  # the last physical line read so far
        while True:
            start = end + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                yield SourceProblem(
                    "bad_encoding",
                    name,
                    f"bytes not in {error.encoding}: {error.reason}",
                    line=start,
                )
                return
            except csv.Error as error:
                yield SourceProblem("bad_csv", name, f"cannot read on: {error}", line=start)
                return
            end = reader.line_num + 1
            if not fields or fields == [""]:
                continue
            row += 1
            if len(fields) != len(header):
                yield SourceProblem(
                    "wrong_field_count",
                    name,
                    f"expected {len(header)} fields as in the header, found {len(fields)}",
                    line=start,
                    row=row,
                )
                continue
            yield Record(start, row, {column: fields[index] for column, index in kept})


def _header(
    line: str, required: Sequence[str], separators: Sequence[str], path: str
) -> tuple[list[str], str]:
    best: tuple[int, list[str], str] | None = None
    for separator in separators:
        header = next(csv.reader([line.lstrip("\ufeff").rstrip("\r\n")], delimiter=separator), [])
        header = [column.strip() for column in header]
        found = sum(column in header for column in required)
        if found == len(required):
            return header, separator
        if best is None or found > best[0]:
            best = (found, header, separator)
    assert best is not None
    missing = [column for column in required if column not in best[1]]
    raise SourceFormatError(
        f"the header lacks the column(s) {', '.join(map(repr, missing))}; is this the right file?",
        path=path,
    )


def iter_json(
    path: Path, *, encoding: str | None = None, member: str | None = None
) -> Iterator[Record | SourceProblem]:
    """Yield the elements of a top-level JSON array one at a time, or a top-level object as one.

    The file is read in 16 KiB chunks, so a gigabyte array is never held in
    memory.  An element that is not an object yields a ``bad_record`` problem;
    text that is not JSON ends the file with a ``bad_json`` problem.
    """
    name = str(path)
    with open_text(path, encoding, member) as text:
        yield from _JsonStream(text, name).records()


class _JsonStream:
    """Elements of a JSON array decoded one by one from a growing buffer."""

    def __init__(self, text: IO[str], path: str) -> None:
        self.text = text
        self.path = path
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # the line number at index ``counted`` of the buffer
        self.counted = 0
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        """Append the next chunk to the buffer, dropping what lies before ``pos``."""
        if self.eof:
            return False
        chunk = self.text.read(_JSON_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > _JSON_CHUNK:
            self._line_at(self.pos)
            self.buffer = self.buffer[self.pos :]
            self.counted -= self.pos
            self.pos = 0
        self.buffer += chunk
        return True

    def _skip_space(self) -> str:
        """Return the next non-blank character (``""`` at the end), leaving ``pos`` on it."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def _line_at(self, index: int) -> int:
        self.line += self.buffer.count("\n", self.counted, index)
        self.counted = index
        return self.line

    def _value(self) -> tuple[Any, int] | str:
        """Decode the value at ``pos`` and move past it; return it with its line, or an error."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                truncated = error.pos >= len(self.buffer) - 2 or error.msg.startswith(
                    "Unterminated"
                )
                if truncated and len(self.buffer) - self.pos < _JSON_MAX_RECORD and self._more():
                    continue
                return error.msg
            if end == len(self.buffer) and isinstance(value, int | float) and self._more():
                continue  # a number may go on in the next chunk
            line = self._line_at(self.pos)
            self.pos = end
            return value, line

    def records(self) -> Iterator[Record | SourceProblem]:
        try:
            first = self._skip_space()
            if first not in "[{" or not first:
                raise SourceFormatError(
                    "expected a JSON array of records or one JSON object", path=self.path
                )
            if first == "{":
                yield from self._element(1)
                return
            self.pos += 1
            if self._skip_space() == "]":
                return
            row = 0
            while True:
                row += 1
                if not (yield from self._element(row)):
                    return
                after = self._skip_space()
                if after == ",":
                    self.pos += 1
                    self._skip_space()
                    continue
                if after != "]":
                    found = repr(after) if after else "the end of the file"
                    yield SourceProblem(
                        "bad_json",
                        self.path,
                        f"expected ',' or ']' after record {row}, found {found}",
                        line=self._line_at(self.pos),
                    )
                return
        except UnicodeDecodeError as error:
            yield SourceProblem(
                "bad_encoding",
                self.path,
                f"bytes not in {error.encoding}: {error.reason}",
                line=self.line,
            )

    def _element(self, row: int) -> Generator[Record | SourceProblem, None, bool]:
        line = self._line_at(self.pos)
        decoded = self._value()
        if isinstance(decoded, str):
            yield SourceProblem(
                "bad_json", self.path, f"not JSON from here on: {decoded}", line=line, row=row
            )
            return False
        value, line = decoded
        if isinstance(value, dict):
            yield Record(line, row, value)
        else:
            yield SourceProblem(
                "bad_record",
                self.path,
                f"expected a JSON object, found {_json_type(value)}",
                line=line,
                row=row,
            )
        return True


# -- typed values ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")
_NUMBER_POINT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NUMBER_COMMA = re.compile(r"-?[0-9]+(?:,[0-9]+)?")
_WHOLE = re.compile(r"(-?[0-9]+)(?:\.0+)?")
_COUNTRY = re.compile(r"[A-Z]{2}")
#: CORDIS writes the EU's codes, which differ from ISO 3166-1 alpha-2 in two places.
EU_COUNTRY_CODES = {"EL": "GR", "UK": "GB"}


class Cells:
    """Typed access to one record's values; a value that cannot be read becomes a problem.

    For CSV records a key is a column name.  For JSON records it is a path
    through nested objects (``("coordinating_institution", "unit",
    "cristin_unit_id")``), reported as a JSON pointer.
    """

    def __init__(
        self,
        path: str,
        record: Record,
        *,
        absent: frozenset[str] = frozenset(),
    ) -> None:
        self.path = path
        self.record = record
        self.absent = absent
        self.problems: list[SourceProblem] = []

    def problem(self, code: str, key: str | Sequence[str], message: str) -> None:
        """Record a problem about the value at ``key``."""
        self.problems.append(
            SourceProblem(
                code,
                self.path,
                message,
                line=self.record.line,
                row=self.record.row,
                column=_label(key),
            )
        )

    def raw(self, key: str | Sequence[str]) -> Any:
        """Return the value at ``key`` as published, ``None`` when it is not there."""
        if isinstance(key, str):
            return self.record.values.get(key)
        value: Any = self.record.values
        for part in key:
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
        return value

    def text(self, key: str | Sequence[str]) -> str | None:
        """Return the value with surrounding blanks removed; ``None`` for an empty one."""
        value = self.record.values.get(key) if type(key) is str else self.raw(key)
        if type(value) is str:  # a CSV cell: the common case, without the checks below
            text = value.strip()
            return text if text and text not in self.absent else None
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem("bad_record", key, f"expected text, found {_json_type(value)}")
            return None
        text = str(value).strip()
        if not text or text in self.absent:
            return None
        return text

    def required(self, key: str | Sequence[str], what: str) -> str | None:
        """Return the text at ``key``, recording a ``missing_value`` problem when it is empty."""
        before = len(self.problems)
        text = self.text(key)
        if text is None and len(self.problems) == before:
            self.problem("missing_value", key, f"the {what} is empty")
        return text

    def identifier(self, key: str | Sequence[str], what: str) -> str | None:
        """Return a required run of digits (a grant or project number)."""
        text = self.required(key, what)
        if text is None:
            return None
        if not _DIGITS.fullmatch(text):
            self.problem("bad_identifier", key, f"expected the {what} as digits, found {text!r}")
            return None
        return text

    def date(self, key: str | Sequence[str], formats: Sequence[str], example: str) -> date | None:
        """Return the date at ``key`` in one of ``formats`` (``strptime`` codes)."""
        text = self.text(key)
        if text is None:
            return None
        found = _parsed_date(text, tuple(formats))
        if found is None:
            self.problem("bad_date", key, f"expected a date such as {example}, found {text!r}")
        return found

    def decimal(self, key: str | Sequence[str], *, comma: bool = False) -> Decimal | None:
        """Return the amount at ``key``: digits with a decimal point (or comma when allowed).

        No thousands separator is accepted: none of the sources writes one, so
        ``1.234`` is one point two three four, never a thousand.
        """
        value = self.raw(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        text = self.text(key)
        if text is None:
            return None
        if _NUMBER_POINT.fullmatch(text):
            return Decimal(text)
        if comma and _NUMBER_COMMA.fullmatch(text):
            return Decimal(text.replace(",", "."))
        example = "1234.5 or 1234,5" if comma else "1234.5"
        self.problem("bad_number", key, f"expected an amount such as {example}, found {text!r}")
        return None

    def integer(self, key: str | Sequence[str]) -> int | None:
        """Return the whole number at ``key``, written ``12`` or ``12.0``."""
        value = self.raw(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = self.text(key)
        if text is None:
            return None
        match = _WHOLE.fullmatch(text)
        if match is None:
            self.problem("bad_number", key, f"expected a whole number such as 2024, found {text!r}")
            return None
        return int(match.group(1))

    def orgnr(self, key: str | Sequence[str], *, zero_is_absent: bool = False) -> str | None:
        """Return a Norwegian organisation number: nine digits with a valid mod-11 check digit."""
        text = self.text(key)
        if text is None or (zero_is_absent and text == "0"):
            return None
        compact = _valid_orgnr(text)
        if compact is None:
            self.problem(
                "bad_orgnr",
                key,
                f"expected nine digits with a valid check digit, such as 974767880, found {text!r}",
            )
            return None
        return compact

    def boolean(
        self,
        key: str | Sequence[str],
        true: Sequence[str] = ("true",),
        false: Sequence[str] = ("false",),
    ) -> bool | None:
        """Return a yes/no value written as one of ``true`` or ``false`` (or a JSON boolean)."""
        value = self.raw(key)
        if isinstance(value, bool):
            return value
        text = self.text(key)
        if text is None:
            return None
        if text in true:
            return True
        if text in false:
            return False
        self.problem("bad_boolean", key, f"expected {true[0]!r} or {false[0]!r}, found {text!r}")
        return None

    def country(self, key: str | Sequence[str]) -> str | None:
        """Return an ISO 3166-1 alpha-2 code (the EU's ``EL``, ``UK`` become ``GR``, ``GB``)."""
        text = self.text(key)
        if text is None:
            return None
        code = text.upper()
        if not _COUNTRY.fullmatch(code):
            self.problem("bad_country", key, f"expected a two-letter country code, found {text!r}")
            return None
        return EU_COUNTRY_CODES.get(code, code)

    def language_map(self, key: str | Sequence[str]) -> dict[str, str]:
        """Return a JSON object of language code to text (``{"nb": ..., "en": ...}``)."""
        value = self.raw(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            self.problem(
                "bad_record", key, f"expected texts by language, found {_json_type(value)}"
            )
            return {}
        return {str(lang): text.strip() for lang, text in value.items() if text.strip()}

    def objects(self, key: str | Sequence[str]) -> list[tuple[int, Mapping[str, Any]]]:
        """Return the objects of the JSON array at ``key`` with their indexes."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem("bad_record", key, f"expected a list, found {_json_type(value)}")
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                found.append((index, item))
            else:
                self.problem(
                    "bad_record",
                    [*_parts(key), str(index)],
                    f"expected an object, found {_json_type(item)}",
                )
        return found


@lru_cache(maxsize=1 << 16)
def _valid_orgnr(text: str) -> str | None:
    """Return the organisation number ``text`` writes, or ``None``; cached, as numbers repeat."""
    compact = _orgnr.compact(text)
    return str(compact) if _orgnr.is_valid(compact) else None


@lru_cache(maxsize=1 << 16)
def _parsed_date(text: str, formats: tuple[str, ...]) -> date | None:
    """Return the date ``text`` writes in one of ``formats``; cached, as dates repeat."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parts(key: str | Sequence[str]) -> list[str]:
    return [key] if isinstance(key, str) else list(key)


def _label(key: str | Sequence[str]) -> str:
    if isinstance(key, str):
        return key
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in key)


def _json_type(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", bool: "a boolean", str: "text"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__


def build_rows(
    path: Path,
    records: Iterator[Record | SourceProblem],
    build: Callable[[Cells], _Row | None],
    *,
    absent: frozenset[str] = frozenset(),
) -> Iterator[_Row | SourceProblem]:
    """Turn records into rows with ``build``, yielding each row's problems just before it."""
    name = str(path)
    for record in records:
        if isinstance(record, SourceProblem):
            yield record
            continue
        cells = Cells(name, record, absent=absent)
        row = build(cells)
        yield from cells.problems
        if row is not None:
            yield row


def municipality_number(cells: Cells, key: str | Sequence[str]) -> str | None:
    """Return a four-digit municipality number, restoring a leading zero a spreadsheet dropped."""
    text = cells.text(key)
    if text is None:
        return None
    if not _DIGITS.fullmatch(text) or len(text) > 4:
        cells.problem(
            "bad_identifier", key, f"expected a municipality number such as 5001, found {text!r}"
        )
        return None
    return text.zfill(4)
