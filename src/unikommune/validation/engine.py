"""Run every check over a dataset document, a dataset folder or a dataset in memory.

The clean path is one pass: each JSON Lines record goes from its bytes through
the mirror validator (shape, in Rust) into the semantic checker, and nothing is
kept but ids.  With msgspec installed, records are first decoded by structs
built for the dataset at hand (:mod:`unikommune.validation.fast`), and a record
that gives no finding is done there.  Only a record that fails takes the slow
path: a strict parse that explains broken JSON, then every structural problem
of the record.  Lines and columns are computed at the end, for the findings
alone, from the lines of those records (kept, up to a budget).

A large file of placements (which nothing refers to) may be checked in parts,
by forked workers (:mod:`unikommune.validation.workers`) while this process
checks the other files; the parts' findings are put together as one pass would
have made them.
"""

from __future__ import annotations

import copy
import gc
import os
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache, partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from pydantic import ValidationError

from unikommune.errors import DatasetReadError
from unikommune.format import schema_id
from unikommune.io import DATASET_FILE, MAX_DOCUMENT_BYTES, PROFILE_FILE, dump_document
from unikommune.models import COLLECTIONS, Dataset, Profile, default_profile
from unikommune.validation.codes import CODES
from unikommune.validation.fast import REFERENCES, Checker, Literals, checker, well_formed_ids
from unikommune.validation.locate import LineIndex, find_offsets, names_nothing, probe_offset
from unikommune.validation.reader import (
    Parsed,
    RawFinding,
    decode,
    parse_short,
    parse_text,
    read_file,
)
from unikommune.validation.report import Finding, Report, Severity
from unikommune.validation.semantic import Semantics, Where
from unikommune.validation.structural import (
    describe,
    metadata_validator,
    profile_validator,
    record_findings,
    record_validator,
    structural_findings,
)
from unikommune.validation.workers import Part, Pool, Range, default_jobs, fork_is_safe, parts_of

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = ["MAX_LINE_BYTES", "validate"]

#: Longest JSON Lines record read; a longer line ends the check of its file.
MAX_LINE_BYTES = 16 * 1024 * 1024
_CHUNK = 256 * 1024
#: Bytes of lines with findings kept while checking, to place the findings without reading
#: the files again.
_KEPT_BYTES = 64 * 1024 * 1024
#: Collections whose JSON Lines file may be checked in parts, by worker processes: nothing
#: refers to their records, so the other collections need nothing from them, and their
#: ids are kept as hashes, which the parts send back cheaply.
_IN_PARTS = ("placements",)
#: The smallest file checked in parts; below it, starting workers costs more than it saves.
_PART_BYTES = 32 * 1024 * 1024
#: Parts shrink from the largest to the smallest size toward the end of the file, each
#: about a share of what is left (see :func:`parts_of`): the largest keeps a worker's
#: memory in bounds, the smallest keeps the processes from waiting long for each other
#: at the end, and the share keeps the parts few.
_LARGEST_PART = 64 * 1024 * 1024
_SMALLEST_PART = 4 * 1024 * 1024
_SHARE_PER_JOB = 0.5

Progress = Callable[[int], None]
_T = TypeVar("_T")
#: What a placed finding is made by: the finding, its line and its column.
_Make = Callable[["RawFinding", int | None, int | None], _T]
#: A finding of a part as it is sent back: code, severity, message, line, column, pointer.
_Sent = tuple[str, str, str, int | None, int | None, str]
_NOT_METADATA = frozenset((*COLLECTIONS, "profile"))
_PART_KEYS = frozenset(("$schema", *COLLECTIONS))
_ID = attrgetter("id")


def _documents_of(directory: Path) -> list[Path]:
    try:
        return sorted(
            entry
            for entry in directory.iterdir()
            if entry.suffix in {".json", ".jsonl"} and not entry.name.startswith(".")
        )
    except OSError as error:
        raise DatasetReadError(
            f"cannot list the folder: {error.strerror}", path=str(directory)
        ) from None


class _Run:
    def __init__(
        self,
        profile: Profile | None,
        max_bytes: int,
        max_line_bytes: int,
        progress: Progress | None,
        jobs: int = 1,
    ) -> None:
        self.raw: list[RawFinding] = []
        self.files: list[str] = []
        self.records = 0
        self.profile_override = profile
        self.max_bytes = max_bytes
        self.max_line_bytes = max_line_bytes
        self.progress = progress
        self.semantics: Semantics | None = None
        self.accelerate = True
        #: Lines that took the general path, by file and line number, up to a budget.
        self.kept: dict[str, dict[int, bytes]] = defaultdict(dict)
        self.kept_bytes = 0
        self.types = Literals()
        self.jobs = jobs
        #: Findings placed as parts of a file were checked.
        self.ready: list[Finding] = []
        #: Files checked in parts: the parts, and the workers taking them, by collection.
        self.parts: dict[str, tuple[list[Part], Pool] | None] = {}

    # -- documents ----------------------------------------------------------------------------
    def read_document(self, path: Path) -> Parsed:
        self.files.append(str(path))
        data = read_file(path, self.max_bytes)
        if isinstance(data, RawFinding):
            return Parsed(None, None, [data])
        if self.progress:
            self.progress(len(data))
        text, findings = decode(data, str(path))
        if text is None:
            return Parsed(None, None, findings)
        parsed = parse_text(text, str(path))
        parsed.findings[:0] = findings
        return parsed

    def expect_object(self, parsed: Parsed, file: str | None, what: str) -> dict[str, Any] | None:
        self.raw.extend(parsed.findings)
        if not parsed.ok:
            return None
        if not isinstance(parsed.value, dict):
            self.raw.append(_not_an_object(parsed.value, what, file))
            return None
        return parsed.value

    def schema_of(self, document: Mapping[str, Any], name: str, file: str | None) -> None:
        found = document.get("$schema")
        if found != schema_id(name):
            shown = f"found {describe(found)}" if found is not None else "it is missing"
            self.raw.append(
                RawFinding(
                    "wrong_schema",
                    f"$schema: a {name} document names {schema_id(name)!r}; {shown}. "
                    "Schemas are never fetched",
                    file,
                    "/$schema" if found is not None else "",
                )
            )

    def metadata(self, document: dict[str, Any], file: str | None) -> dict[str, Any] | None:
        metadata = {key: value for key, value in document.items() if key not in _NOT_METADATA}
        try:
            checked: dict[str, Any] = metadata_validator().validate_python(metadata)
        except ValidationError as error:
            self.raw.extend(
                finding
                for finding in structural_findings(error, file, model=Dataset)
                if not finding.pointer.startswith("/$schema")
            )
            return None
        return checked

    def profile(self, document: Any, file: str | None, prefix: str) -> Profile | None:
        try:
            profile_validator().validate_python(document)
        except ValidationError as error:
            self.raw.extend(
                finding
                for finding in structural_findings(error, file, prefix, model=Profile)
                if not finding.pointer.endswith("/$schema")
            )
            return None
        try:
            return Profile.model_validate(document)
        except ValidationError:  # pragma: no cover - the mirror has the same shape
            return None

    def start(self, profile: Profile | None) -> Semantics:
        chosen = self.profile_override or profile or default_profile()
        self.semantics = Semantics(chosen)
        return self.semantics

    def records_of(self, collection: str, value: Any, file: str | None, prefix: str) -> None:
        assert self.semantics is not None
        if value is None:
            return
        if not isinstance(value, list):
            self.raw.append(
                RawFinding(
                    "wrong_type",
                    f"{collection}: expected a list of records, found {describe(value)}",
                    file,
                    prefix,
                )
            )
            return
        for index, item in enumerate(value):
            where: Where = (file, f"{prefix}/{index}", None)
            self.records += 1
            record, findings = record_findings(collection, item, file, where[1])
            if record is None:
                self.raw.extend(findings)
                self._keep_id(collection, item)
            else:
                self.semantics.record(collection, record, where)

    def _keep_id(self, collection: str, item: Any) -> None:
        assert self.semantics is not None
        record_id = _string_id(item)
        if record_id is not None:
            self.semantics.keep_id(collection, record_id)

    # -- JSON Lines ---------------------------------------------------------------------------
    def lines(self, collection: str, path: Path, part: Part | None = None) -> int:
        """Check the records of a JSON Lines file, or of the ``part`` of it given.

        Returns the number of the last line read (lines of a part count from its start).
        """
        assert self.semantics is not None
        semantics = self.semantics
        file = str(path)
        limit = self.max_line_bytes
        try:
            stream: BinaryIO | Range = path.open("rb")
        except OSError as error:
            raise DatasetReadError(f"cannot read the file: {error.strerror}", path=file) from None
        if part is not None:
            stream = Range(stream, part.start, part.end)  # type: ignore[arg-type]
        return self._stream_lines(collection, stream, file, limit, semantics)

    def _stream_lines(
        self,
        collection: str,
        stream: BinaryIO | Range,
        file: str,
        limit: int,
        semantics: Semantics,
    ) -> int:
        accelerator = checker(collection, semantics, self.types, file) if self.accelerate else None
        number = 0
        with stream:
            pending = b""
            while True:
                chunk = stream.read(_CHUNK)
                size = len(pending) + len(chunk)
                lines, pending = _split_chunk(pending, chunk)
                if accelerator is not None and chunk and size <= limit:
                    # No line of this chunk is too long: placements may be checked at once.
                    self._chunk(accelerator, collection, lines, number, file)
                    number += len(lines)
                    if self.progress:
                        self.progress(len(chunk))
                    continue
                if len(pending) > limit:
                    lines.append(pending)
                for line in lines:
                    number += 1
                    if len(line) > limit:
                        self.raw.append(
                            RawFinding(
                                "too_large",
                                f"the record on this line is over {limit:,} bytes; the rest of "
                                "the file is not checked",
                                file,
                                line=number,
                                column=1,
                            )
                        )
                        chunk = b""
                        break
                    self.records += self._one(accelerator, collection, line, number, file)
                if self.progress:
                    self.progress(len(chunk))
                if not chunk:
                    break
        return number

    def _chunk(
        self,
        accelerator: Checker,
        collection: str,
        lines: list[bytes],
        number: int,
        file: str,
    ) -> None:
        """Check ``lines``, the first on line ``number + 1``, none of them too long.

        Placements are decoded a chunk at a time (see :meth:`_placements`); otherwise each
        line is decoded on its own (records decoded one by one stay in the processor's
        cache, which makes this faster than decoding many lines with one call).
        """
        if collection == "placements":
            self._placements(accelerator, lines, number, file)
            return
        for index, line in enumerate(lines, number + 1):
            self.records += self._one(accelerator, collection, line, index, file)

    def _placements(self, accelerator: Checker, lines: list[bytes], number: int, file: str) -> None:
        """Check a chunk of placements with as little Python per line as can be.

        A placement that decodes has nothing left to check but its id, new and well
        formed.  The chunk is decoded without a Python frame per line, going on past each
        line that does not decode.  The shapes of those lines, which depend on no other
        line, are checked next, together; then, in the order of the file, the ids of each
        run of decoded lines are checked with a few set operations and each line between
        is taken in, so every finding is the one a line-by-line check gives.
        """
        assert self.semantics is not None
        ids: list[str] = []  # of the lines that decoded
        others: list[int] = []  # indexes of the lines that did not decode
        decoded = map(_ID, map(accelerator.decode, lines))  # each record freed at once
        while True:
            try:
                ids.extend(decoded)  # keeps what it decoded when a line raises
            except ValueError:
                others.append(len(ids) + len(others))
                continue
            break
        keys = list(map(hash, ids))
        well = well_formed_ids(ids)  # None when every id is well formed
        own = self.semantics.ids["placements"]
        if not others and well is None and own.isdisjoint(keys):
            size = len(own)
            own.update(keys)
            if len(own) - size == len(keys):
                self.records += len(lines)
                return
            own.difference_update(keys)  # an id given twice within the chunk
        # The shapes of the lines that did not decode depend on no other line: check them
        # together first, which keeps the code and data of those checks in cache.
        shapes = [
            self._shape("placements", lines[other], number + 1 + other, file)
            if lines[other] and not lines[other].isspace()
            else None
            for other in others
        ]
        start = 0  # the first decoded record of the run
        line_at = 0  # the index of its line
        for other, shaped in zip((*others, len(lines)), (*shapes, None), strict=True):
            end = start + other - line_at
            run = keys[start:end]
            self.records += len(run)
            if well is None and own.isdisjoint(run) and len(set(run)) == len(run):
                own.update(run)
            else:  # as the accelerator's check of one placement: a new, well-formed id
                for offset, key in enumerate(run, start):
                    formed = well is None or well[offset]
                    if key not in own and formed:
                        own.add(key)
                        continue
                    index = line_at + offset - start
                    if formed:
                        # Decoded, so of the right shape and with every reference known:
                        # the repeated id is all the general path would find.
                        self._keep(file, number + 1 + index, lines[index])
                        where = (file, "", number + 1 + index)
                        self.semantics.repeated_id("placements", ids[offset], where)
                    else:
                        self._general("placements", lines[index], number + 1 + index, file)
            if shaped is not None:
                self.records += 1
                self._take("placements", shaped, number + 1 + other, file)
            start = end
            line_at = other + 1

    def _one(
        self, accelerator: Checker | None, collection: str, line: bytes, number: int, file: str
    ) -> int:
        """Check one line; return 1 for a record, 0 for a blank line."""
        assert self.semantics is not None
        if not line or line.isspace():
            return 0
        if accelerator is not None:
            try:
                record = accelerator.decode(line)
            except ValueError:
                pass
            else:
                if accelerator.plain is None:
                    self.semantics.record(
                        collection, accelerator.to_builtins(record), (file, "", number)
                    )
                    return 1
                if accelerator.plain(record, number):
                    return 1
        self._general(collection, line, number, file)
        return 1

    def _general(self, collection: str, line: bytes, number: int, file: str) -> None:
        """Check one record on the general path, which explains every problem."""
        self._take(collection, self._shape(collection, line, number, file), number, file)

    def _keep(self, file: str, number: int, line: bytes) -> None:
        """Keep a line that may be needed to place a finding, rather than read it again."""
        if self.kept_bytes < _KEPT_BYTES:
            self.kept[file][number] = line
            self.kept_bytes += len(line)

    def _shape(self, collection: str, line: bytes, number: int, file: str) -> _Shaped:
        """Check the shape of one record, which depends on no other record.

        Returns the mirror record when its shape is right, else the findings that explain
        every problem and the id to count (see :meth:`_take`).
        """
        self._keep(file, number, line)
        try:
            return record_validator(collection).validate_json(line), [], None
        except ValidationError as error:
            return self._explain(collection, line, number, file, error)

    def _take(self, collection: str, shaped: _Shaped, number: int, file: str) -> None:
        """Take in a record's shape: check a record of the right shape against the others."""
        assert self.semantics is not None
        record, findings, record_id = shaped
        self.raw.extend(findings)
        if record is not None:
            self.semantics.record(collection, record, (file, "", number))
        elif record_id is not None:
            self.semantics.keep_id(collection, record_id)

    def _explain(
        self, collection: str, line: bytes, number: int, file: str, error: ValidationError
    ) -> _Shaped:
        """Explain a line the mirror validator rejected: broken JSON, then every problem."""
        text, findings = decode(line, file, number)
        if text is None:
            return None, findings, None
        text = text.rstrip("\r\n")
        details = error.errors(include_url=False)
        alike = _read_alike(details, text)
        # The mirror validator read the line: its parser may read it again, much faster.
        parsed = (alike and parse_short(text, line)) or parse_text(text, file, first_line=number)
        if parsed.findings:
            findings.extend(_at_line(finding, number) for finding in parsed.findings)
        if not parsed.ok:
            return None, findings, None
        value = parsed.value
        if not isinstance(value, dict):
            findings.append(_not_an_object(value, "a record", file, number))
            return None, findings, None
        if alike:
            # The strict parse found nothing the mirror validator did not read alike, so its
            # errors are those of the parsed value: no need to validate that again.
            model = COLLECTIONS[collection]
            findings.extend(structural_findings(details, file, "", number, model))
        else:
            record, problems = record_findings(collection, value, file, "", number)
            if record is not None:
                return record, findings, None
            findings.extend(problems)
        return None, findings, _string_id(value)

    # -- the layouts --------------------------------------------------------------------------
    def document(self, path: Path) -> None:
        if path.suffix == ".jsonl":
            raise DatasetReadError(
                "a JSON Lines file is one collection of a dataset folder, and its references "
                f"reach the other files; validate the folder: unikommune validate {path.parent}",
                path=str(path),
            )
        parsed = self.read_document(path)
        file = str(path)
        root = self.expect_object(parsed, file, "a dataset document")
        if root is None:
            return
        if root.get("$schema") in {schema_id("dataset-part"), schema_id("profile")}:
            raise DatasetReadError(
                "this file is part of a dataset folder (its $schema says so); validate the "
                f"folder: unikommune validate {path.parent}",
                path=str(path),
            )
        self.from_mapping(root, file)

    def from_mapping(
        self,
        root: Mapping[str, Any],
        file: str | None,
        profile: Profile | None = None,
        extra: Callable[[str], None] | None = None,
    ) -> None:
        self.schema_of(root, "dataset", file)
        metadata = self.metadata(dict(root), file)
        if "profile" in root and root["profile"] is not None:
            if profile is not None:
                self.raw.append(
                    RawFinding(
                        "profile_declared_twice",
                        f"profile: the profile is declared here and in {PROFILE_FILE}; keep one",
                        file,
                        "/profile",
                    )
                )
            else:
                profile = self.profile(root["profile"], file, "/profile")
        semantics = self.start(profile)
        if metadata is not None:
            semantics.dataset(metadata, (file, "", None))
        for collection in COLLECTIONS:
            self.records_of(collection, root.get(collection), file, f"/{collection}")
            if extra is not None:
                extra(collection)
            semantics.done(collection)
        self.raw.extend(semantics.finish())

    def folder(self, root: Path) -> None:
        main = root / DATASET_FILE
        present = _documents_of(root)
        if not main.is_file():
            names = ", ".join(entry.name for entry in present[:5]) or "no JSON files"
            raise DatasetReadError(
                f"not a dataset folder: it has no {DATASET_FILE} (found {names}); point "
                f"`unikommune validate` at a {DATASET_FILE} or at a folder holding one",
                path=str(root),
            )
        known = {DATASET_FILE, PROFILE_FILE} | {
            f"{name}{suffix}" for name in COLLECTIONS for suffix in (".json", ".jsonl")
        }
        for entry in present:
            if entry.is_symlink() and not entry.exists():
                raise DatasetReadError(
                    "the file is a broken or looping symbolic link", path=str(entry)
                )
            if entry.name not in known:
                self.raw.append(
                    RawFinding(
                        "unexpected_file",
                        f"{entry.name} is not a file of the dataset "
                        "layout and is not checked; name it after its collection, such "
                        "as projects.jsonl",
                        str(entry),
                    )
                )
        parsed = self.read_document(main)
        document = self.expect_object(parsed, str(main), "a dataset document")
        if document is None:
            return
        profile: Profile | None = None
        profile_path = root / PROFILE_FILE
        if profile_path.is_file():
            profile_doc = self.expect_object(
                self.read_document(profile_path), str(profile_path), "a profile"
            )
            if profile_doc is not None:
                self.schema_of(profile_doc, "profile", str(profile_path))
                profile = self.profile(profile_doc, str(profile_path), "")
                if profile is None:
                    profile = default_profile()
        parts: list[tuple[str, dict[str, Any]]] = []
        for name in COLLECTIONS:
            part_path = root / f"{name}.json"
            if part_path.is_file():
                part = self.expect_object(
                    self.read_document(part_path), str(part_path), "a dataset-part document"
                )
                if part is not None:
                    self.schema_of(part, "dataset-part", str(part_path))
                    for key in part:
                        if key not in _PART_KEYS:
                            self.raw.append(
                                RawFinding(
                                    "unknown_field",
                                    f"{key}: a dataset-part document holds "
                                    "$schema and collections only; remove it",
                                    str(part_path),
                                    f"/{key}",
                                    key=True,
                                )
                            )
                    parts.append((str(part_path), part))

        def extra(collection: str) -> None:
            self._start_parts(root, document, [part for _, part in parts])
            for file, part in parts:
                self.records_of(collection, part.get(collection), file, f"/{collection}")
            lines_path = root / f"{collection}.jsonl"
            if lines_path.is_file():
                self.files.append(str(lines_path))
                if not self.parts.get(collection):
                    self.lines(collection, lines_path)

        self.from_mapping(document, str(main), profile, extra)
        # Every other check is done: take in the parts (nothing waits for them).
        for name, started in self.parts.items():
            if started:
                self._gather(name, root / f"{name}.jsonl", *started)

    # -- large files in parts -----------------------------------------------------------------
    def _start_parts(
        self, root: Path, document: Mapping[str, Any], parts: list[Mapping[str, Any]]
    ) -> None:
        """Start workers on the parts of a large file as soon as what it refers to is read.

        Only a collection held in its JSON Lines file alone is split, and only where
        forking is safe and more than one core is usable.
        """
        semantics = self.semantics
        assert semantics is not None
        for collection in _IN_PARTS:
            if collection in self.parts or not all(
                semantics.is_done(target) for target in REFERENCES[collection].values()
            ):
                continue
            inline = document.get(collection) or any(part.get(collection) for part in parts)
            path = root / f"{collection}.jsonl"
            self.parts[collection] = None if inline else self._split(collection, path)

    def _split(self, collection: str, path: Path) -> tuple[list[Part], Pool] | None:
        """Start workers on the parts of ``path``, if that is worth it and safe."""
        try:
            worth_it = path.is_file() and path.stat().st_size >= _PART_BYTES
        except OSError:
            worth_it = False
        if self.jobs < 2 or not worth_it or not fork_is_safe():
            return None
        pieces = parts_of(path, _SHARE_PER_JOB / self.jobs, _SMALLEST_PART, _LARGEST_PART)
        if len(pieces) < 2:
            return None
        # Each process makes the decoder of the collection (tens of milliseconds) for its
        # first part: made here, it would keep the workers waiting.
        pool = Pool(partial(self._part, collection, path, pieces), len(pieces), self.jobs - 1)
        if self.progress is not None:
            shown = self.progress

            def progress(size: int) -> None:
                shown(size + pool.progress())

            self.progress = progress
        return pieces, pool

    def _part(
        self, collection: str, path: Path, parts: list[Part], index: int, count: Progress
    ) -> tuple[list[_Sent], int, array[int], int]:
        """Check one part of a file on its own; return its findings, records, ids and lines.

        Runs in a worker or here, and changes nothing here.  The part is checked as if
        the file began with it, by a run of its own that knows every collection read so
        far but none of the ids of this one; line numbers count from the start of the
        part.  Any reference that would wait for a collection still to come makes it
        raise, and the caller then checks the whole file itself.
        """
        assert self.semantics is not None
        run = _Run(self.profile_override, self.max_bytes, self.max_line_bytes, count)
        run.types = self.types
        semantics = run.semantics = copy.copy(self.semantics)
        semantics.findings, semantics._deferred, semantics._deferred_lists = [], [], []
        semantics.ids = {**semantics.ids, collection: set()}
        last = run.lines(collection, path, parts[index])
        if semantics._deferred or semantics._deferred_lists:
            raise RuntimeError("a reference of this collection waits for another")
        # Tuples, which pickle many times faster than findings.
        placed = run._placed([*run.raw, *semantics.findings], _sent)
        # A part ends with a newline (but the last), so it has one line less than counted.
        return placed, run.records, array("q", semantics.ids[collection]), last - 1

    def _gather(self, collection: str, path: Path, parts: list[Part], pool: Pool) -> None:
        """Take parts until none is left, taking in what every part gave in file order.

        The results of parts the workers have finished are taken in between parts checked
        here, so little is left to do once the last part is checked.  If a task failed in
        a worker, all of that is undone and the file is checked here in one pass.
        """
        semantics = self.semantics
        assert semantics is not None
        # While the workers go on, place what this process has found so far (the semantic
        # findings, which the checks have finished, are among them).
        self.ready.extend(self._placed(self.raw, _final))
        self.raw.clear()
        semantics.findings.clear()
        assert not semantics.ids[collection]  # the file holds every record of the collection
        merge = _Merge(self, collection, path, parts)
        own = self.progress or _ignore
        try:
            failed = pool.gather(
                lambda index: self._part(collection, path, parts, index, own),
                merge.add,
                self.progress,
            )
        finally:
            pool.stop()
        if failed:  # something unforeseen: check the file here
            merge.undo()
            self.lines(collection, path)
        self.raw.extend(semantics.findings)  # ids repeated across parts
        semantics.findings.clear()

    def _repeated_across(
        self, collection: str, path: Path, part: Part, before: int, repeated: set[int]
    ) -> None:
        """Report the first record of ``part`` with each of the ids ``repeated`` (hashes)."""
        semantics = self.semantics
        assert semantics is not None
        file = str(path)
        ids = _id_decoder()
        number = before
        with Range(path.open("rb"), part.start, part.end) as stream:
            pending = b""
            while repeated:
                chunk = stream.read(_CHUNK)
                lines, pending = _split_chunk(pending, chunk)
                if len(pending) > self.max_line_bytes:
                    chunk = b""  # a line too long ends the file, as in one pass
                for line in lines:
                    number += 1
                    if len(line) > self.max_line_bytes:
                        return
                    try:
                        found = ids(line).id
                    except ValueError:
                        found = None  # read it as the check does
                    else:
                        if type(found) is not str or hash(found) not in repeated:
                            continue
                    if not line or line.isspace():
                        continue
                    record_id, shaped = self._id_of(collection, line, file, number)
                    if record_id is None or hash(record_id) not in repeated:
                        continue
                    repeated.discard(hash(record_id))
                    if shaped:
                        semantics.repeated_id(collection, record_id, (file, "", number))
                if not chunk:
                    break

    def _id_of(
        self, collection: str, line: bytes, file: str, number: int
    ) -> tuple[str | None, bool]:
        """Return the id a line gives (``None`` if none) and whether its shape is right."""
        record, _, record_id = self._shape(collection, line, number, file)
        return (record_id, False) if record is None else (record["id"], True)

    # -- positions ----------------------------------------------------------------------------
    def report(self) -> Report:
        return Report([*self._placed(self.raw, _final), *self.ready], self.files, self.records)

    def _placed(self, findings: Iterable[RawFinding], make: _Make[_T]) -> list[_T]:
        """Return ``findings`` placed (line and column in their files), made by ``make``."""
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
            ready.extend(_place_in_document(Path(file), found, self.max_bytes, make))
        for file, found in by_lines.items():
            kept = self.kept[file]
            ready.extend(_place_in_lines(Path(file), found, self.max_line_bytes, kept, make))
        return ready


class _Merge:
    """Take in the results of the parts of a file, in file order, as they come.

    A part checked on its own did not know the ids of the parts before it: the first
    record of the part with an id given in an earlier part is found again and, if it has
    the right shape, reported as a repeat, as a check of the whole file reports it.
    """

    def __init__(self, run: _Run, collection: str, path: Path, parts: list[Part]) -> None:
        assert run.semantics is not None
        self._run = run
        self._collection = collection
        self._path = path
        self._file = str(path)
        self._parts = parts
        self._waiting: dict[int, tuple[list[_Sent], int, array[int], int]] = {}
        self._next = 0  # the index of the next part to take in
        self._before = 0  # the lines of the parts taken in
        self._ended = False  # a line too long ended the file
        self._sure = True  # no id of a part taken in was given in an earlier part
        self._taken: list[array[int]] = []  # the ids of each part taken in, while sure
        # What to undo: the findings and records there were before.
        self._ready = len(run.ready)
        self._records = run.records
        self._findings = len(run.semantics.findings)

    def add(self, index: int, result: tuple[list[_Sent], int, array[int], int]) -> None:
        """Take in the result of part ``index``, and of the parts after it that wait for it."""
        self._waiting[index] = result
        while self._next in self._waiting:
            self._take(self._waiting.pop(self._next))
            self._next += 1

    def _take(self, result: tuple[list[_Sent], int, array[int], int]) -> None:
        placed, records, ids, lines = result
        if self._ended:
            return  # the rest of the file is not checked, as in one pass
        run = self._run
        semantics = run.semantics
        assert semantics is not None
        before = self._before
        file = self._file
        run.ready.extend(
            Finding(
                code,
                _SEVERITY[severity],
                message,
                file,
                None if line is None else line + before,
                column,
                pointer,
            )
            for code, severity, message, line, column, pointer in placed
        )
        run.records += records
        repeated = self._repeated(semantics.ids[self._collection], ids)
        if repeated:
            run._repeated_across(
                self._collection, self._path, self._parts[self._next], before, repeated
            )
        self._before += lines
        self._ended = any(sent[0] == "too_large" for sent in placed)

    def _repeated(self, seen: set[int], ids: array[int]) -> set[int]:
        """Add ``ids`` to ``seen``; return those an earlier part gave.

        Most often no id is given twice across parts: one pass over the ids shows it.
        Once one is, the ids of each part are looked for before they are added.
        """
        if self._sure:
            size = len(seen)
            seen.update(ids)
            if len(seen) - size == len(ids):
                self._taken.append(ids)
                return set()
            self._sure = False
            seen.clear()  # as it was before this part
            for earlier in self._taken:
                seen.update(earlier)
            self._taken.clear()  # needed no more
        repeated = seen.intersection(ids)
        seen.update(ids)
        return repeated

    def undo(self) -> None:
        """Undo everything taken in (the file is then checked in one pass)."""
        run = self._run
        assert run.semantics is not None
        del run.ready[self._ready :]
        run.records = self._records
        del run.semantics.findings[self._findings :]
        run.semantics.ids[self._collection].clear()


@lru_cache(maxsize=1)
def _id_decoder() -> Callable[[bytes], Any]:
    """Return a msgspec decoder of a record's id alone (other members skipped)."""
    import msgspec

    struct = msgspec.defstruct("RecordId", [("id", object, None)])
    return msgspec.json.Decoder(struct).decode


_SEVERITY = {severity.value: severity for severity in Severity}

#: A record's shape: the mirror record when it is right, else ``None``; the findings that
#: explain it; the id of a record of the wrong shape, which references may still name.
_Shaped = tuple[dict[str, Any] | None, list[RawFinding], str | None]


def _string_id(value: Any) -> str | None:
    """Return the id of a record of the wrong shape, if it has one that references may name."""
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def _not_an_object(
    value: Any, what: str, file: str | None, record_line: int | None = None
) -> RawFinding:
    return RawFinding(
        "wrong_type",
        f"expected {what} (a JSON object), found {describe(value)}",
        file,
        record_line=record_line,
    )


def _read_alike(details: list[ErrorDetails], text: str) -> bool:
    """Return whether errors of a line read by pydantic are about what the strict parse read.

    They are, unless pydantic could not read the line (the strict parse takes a few things
    it does not) or the line has a Unicode escape (a lone surrogate, which it reads
    otherwise).  Keys given twice are read alike: both keep the last value.
    """
    return "\\u" not in text and all(detail["type"] != "json_invalid" for detail in details)


def _at_line(finding: RawFinding, number: int) -> RawFinding:
    if finding.line is not None:
        return finding
    return RawFinding(
        finding.code,
        finding.message,
        finding.file,
        finding.pointer,
        key=finding.key,
        record_line=number,
    )


def _final(raw: RawFinding, line: int | None, column: int | None) -> Finding:
    return Finding(
        raw.code, CODES[raw.code].severity, raw.message, raw.file, line, column, raw.pointer
    )


def _sent(raw: RawFinding, line: int | None, column: int | None) -> _Sent:
    """Return a finding of a part as it is sent back (its file is the part's)."""
    return raw.code, CODES[raw.code].severity.value, raw.message, line, column, raw.pointer


def _ancestors(pointer: str) -> Iterable[str]:
    while True:
        yield pointer
        if not pointer:
            return
        pointer = pointer.rsplit("/", 1)[0]


def _positions(
    text: str, findings: list[RawFinding], index: LineIndex, make: _Make[_T]
) -> list[_T]:
    """Return ``findings`` placed in ``text``, each made by ``make(raw, line, column)``."""
    # Most pointers are found by a probe; a missing field's surely names nothing, so only
    # its ancestors are looked for; the root is where the text starts.
    offsets: dict[str, tuple[int, int]] = {}
    wanted: set[str] = set()
    for raw in findings:
        pointer = raw.pointer
        if not pointer or pointer in offsets:
            continue
        found = probe_offset(text, pointer)
        if found is not None:
            offsets[pointer] = found
            continue
        ancestors = list(_ancestors(pointer))
        if names_nothing(text, pointer):
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


def _split_chunk(pending: bytes, chunk: bytes) -> tuple[list[bytes], bytes]:
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


def _place_in_document(
    path: Path, findings: list[RawFinding], max_bytes: int, make: _Make[_T]
) -> list[_T]:
    data = read_file(path, max_bytes)
    text = None if isinstance(data, RawFinding) else decode(data, str(path))[0]
    if text is None:  # pragma: no cover - the file was read a moment ago
        return [make(raw, None, None) for raw in findings]
    return _positions(text, findings, LineIndex(text), make)


def _place_in_lines(
    path: Path, findings: list[RawFinding], limit: int, kept: Mapping[int, bytes], make: _Make[_T]
) -> list[_T]:
    wanted: dict[int, list[RawFinding]] = defaultdict(list)
    for raw in findings:
        assert raw.record_line is not None
        wanted[raw.record_line].append(raw)
    placed: list[_T] = []
    for number in [number for number in wanted if number in kept]:
        placed.extend(_place_in_line(kept[number], number, wanted.pop(number), limit, make))
    if not wanted:
        return placed
    last = max(wanted)
    number = 0
    pending = b""
    with path.open("rb") as stream:
        while number < last:
            chunk = stream.read(_CHUNK)
            lines, pending = _split_chunk(pending, chunk)
            for line in lines:
                number += 1
                if number in wanted:
                    placed.extend(_place_in_line(line, number, wanted.pop(number), limit, make))
            if not chunk:
                break
    for rest in wanted.values():  # pragma: no cover - the file changed while being read
        placed.extend(make(raw, raw.record_line, None) for raw in rest)
    return placed


def _place_in_line(
    line: bytes, number: int, findings: list[RawFinding], limit: int, make: _Make[_T]
) -> list[_T]:
    text = line[:limit].decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff").rstrip("\r")
    return _positions(text, findings, LineIndex(text, number), make)


def validate(
    source: str | os.PathLike[str] | Dataset | Mapping[str, Any],
    *,
    profile: Profile | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> Report:
    """Check a dataset and return every finding: shape, references, periods, rules.

    Args:
        source: a ``dataset.json`` document, a dataset folder, a :class:`Dataset`, or a
            dataset document already parsed into a dict.
        profile: check focus and thematic areas against this profile instead of the one the
            dataset declares (its ``profile``, its folder's ``profile.json``, else TRD3.0).
        max_bytes: the largest single JSON document read; larger files are a finding.
        max_line_bytes: the longest JSON Lines record read.
        progress: called with the number of bytes read, now and then.
        jobs: the most processes a large JSON Lines file of placements is checked by, in
            parts (default: the cores this process may use).  ``1`` checks everything in
            this process.  Parts are only used on Linux, when no other thread runs, for
            files of 32 MB or more; the findings are the same either way.

    Returns:
        The report; ``report.ok`` is true when no finding has severity error.

    Raises:
        DatasetReadError: the path does not exist, cannot be opened, or is a folder without
            a ``dataset.json``.
        ValueError: ``jobs`` is less than 1.
    """
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    run = _Run(
        profile, max_bytes, max_line_bytes, progress, default_jobs() if jobs is None else jobs
    )
    # A run makes no reference cycles (every record is freed as soon as it is checked, and
    # tests hold to that), so the cycle collector would only scan the growing id sets and
    # findings over and over: a full scan costs a tenth of a second at national scale.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _validate(run, source)
    finally:
        for started in run.parts.values():
            if started:
                started[1].stop()
        if collecting:
            gc.enable()


def _validate(run: _Run, source: str | os.PathLike[str] | Dataset | Mapping[str, Any]) -> Report:
    if isinstance(source, Dataset):
        run.from_mapping(dump_document(source), None)
    elif isinstance(source, Mapping):
        run.from_mapping(source, None)
    else:
        path = Path(source)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as error:
            raise DatasetReadError(
                f"cannot read the path: {error.strerror}", path=str(path)
            ) from None
        if is_dir:
            run.folder(path)
        elif exists:
            run.document(path)
        elif path.is_symlink():
            raise DatasetReadError("the path is a broken or looping symbolic link", path=str(path))
        else:
            raise DatasetReadError("no such file or folder", path=str(path))
    return run.report()


def _ignore(size: int) -> None:
    """Count nothing (a part checked here without a progress bar)."""
