"""Run every check over a dataset document, a dataset folder or a dataset in memory.

This module only orchestrates: it reads the files of the dataset's layout
(:mod:`unikommune.dataset.layout`) with the bounded reader
(:mod:`unikommune.dataset.reader`), checks each record's shape
(:mod:`unikommune.dataset.shape`), streams JSON Lines files
(:mod:`unikommune.validation.stream`), may check a large file in parts
(:mod:`unikommune.validation.parts`), hands every record of the right shape to
the rules (:mod:`unikommune.rules`) and places the findings at the end
(:mod:`unikommune.validation.placing`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune.dataset.layout import (
    PROFILE_FILE,
    FolderFiles,
    describe,
    document_findings,
    folder_files,
)
from unikommune.dataset.messages import structural_findings
from unikommune.dataset.profile import profile_of, read_profile
from unikommune.dataset.reader import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    Parsed,
    identity,
    read_json,
)
from unikommune.dataset.shape import (
    metadata_validator,
    not_an_object,
    record_findings,
    schema_problem,
    string_id,
)
from unikommune.errors import DatasetReadError
from unikommune.findings import Finding, RawFinding, Severity, Where
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS, Dataset, Profile, default_profile
from unikommune.rules import Context, PartNotSelfContained, check_metadata, check_record
from unikommune.rules.areas import leave_unchecked
from unikommune.rules.integrity import keep_id
from unikommune.rules.records import reference_paths
from unikommune.validation.parts import IN_PARTS, Merge, Result, check_part
from unikommune.validation.placing import Kept, Sent, final, place
from unikommune.validation.report import Report
from unikommune.validation.stream import Lines
from unikommune.validation.workers import Part, Pool, fork_is_safe, parts_of

__all__ = ["MAX_DOCUMENT_BYTES", "MAX_LINE_BYTES", "validate"]

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
_NOT_METADATA = frozenset((*COLLECTIONS, "profile"))
_PART_KEYS = frozenset(("$schema", *COLLECTIONS))
_SEVERITY = {severity.value: severity for severity in Severity}


class _Run:
    """One check of one dataset: the files read, the findings, the rules' context."""

    def __init__(
        self,
        profile: Profile | None,
        max_bytes: int,
        max_line_bytes: int,
        progress: Progress | None,
        jobs: int,
        accelerate: bool,
        pause_collector: bool = True,
    ) -> None:
        self.pause_collector = pause_collector
        self.raw: list[RawFinding] = []
        self.files: list[str] = []
        self.records = 0
        self.profile_override = profile.effective() if profile is not None else None
        #: The dataset's own profile could not be used: its areas are left unchecked.
        self.profile_failed = False
        self.max_bytes = max_bytes
        self.max_line_bytes = max_line_bytes
        self.progress = progress
        self.jobs = jobs
        self.accelerate = accelerate
        self.kept = Kept()
        self.context: Context | None = None
        self.lines: Lines | None = None
        #: Findings placed as the parts of a file were checked.
        self.ready: list[Finding] = []
        #: Files checked in parts: the parts, and the workers taking them, by collection.
        self.parts: dict[str, tuple[list[Part], Pool] | None] = {}
        #: Collections a file of which could not be read, each with that file.
        self.unreadable: dict[str, str] = {}

    # -- documents ----------------------------------------------------------------------------
    def read_document(self, path: Path) -> Parsed:
        self.files.append(str(path))
        file = str(path)
        parsed = read_json(path, self.max_bytes, partial(self.kept.seen, file))
        if parsed.text is not None:
            self.kept.keep_text(file, parsed.text)  # findings are placed in the text checked
        if self.progress and parsed.size:
            self.progress(parsed.size)  # bytes, as the progress of JSON Lines counts
        return parsed

    def expect_object(self, parsed: Parsed, file: str | None, what: str) -> dict[str, Any] | None:
        self.raw.extend(parsed.findings)
        if not parsed.ok:
            return None
        if not isinstance(parsed.value, dict):
            self.raw.append(not_an_object(parsed.value, what, file))
            return None
        return parsed.value

    def schema_of(self, document: Mapping[str, Any], name: str, file: str | None) -> None:
        wrong = schema_problem(document, name, file)
        if wrong is not None:
            self.raw.append(wrong)

    def metadata(self, document: dict[str, Any], file: str | None) -> Any:
        metadata = {key: value for key, value in document.items() if key not in _NOT_METADATA}
        try:
            return metadata_validator().validate_python(metadata)
        except ValidationError as error:
            self.raw.extend(
                finding
                for finding in structural_findings(error, file, model=Dataset)
                if not finding.pointer.startswith("/$schema")
            )
            return None

    def start(self, profile: Profile | None) -> Context:
        chosen = self.profile_override or profile or default_profile()
        self.context = Context(chosen, unreadable=dict(self.unreadable))
        if self.profile_failed and self.profile_override is None:
            # Never the default profile in place of one that cannot be used.
            leave_unchecked(self.context)
        self.lines = Lines(
            self.context,
            self.kept,
            self.max_line_bytes,
            accelerate=self.accelerate,
            progress=self.progress,
            pause_collector=self.pause_collector,
        )
        return self.context

    def records_of(self, collection: str, value: Any, file: str | None, prefix: str) -> None:
        context = self.context
        assert context is not None
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
            view, findings = record_findings(collection, item, file, where[1])
            if view is None:
                self.raw.extend(findings)
                keep_id(context, collection, string_id(item))
            else:
                check_record(context, collection, view, where)

    # -- the layouts --------------------------------------------------------------------------
    def document(self, path: Path) -> None:
        if path.suffix == ".jsonl":
            raise DatasetReadError(
                "a JSON Lines file is one collection of a dataset folder, and its references "
                f"reach the other files; validate the folder: unikommune validate {path.parent}",
                path=str(path),
            )
        self.raw.extend(document_findings(path))
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
                profile, findings = profile_of(
                    root["profile"],
                    file,
                    "/profile",
                    root=Path(file).parent if file is not None else None,
                    max_bytes=self.max_bytes,
                )
                self.raw.extend(findings)
                self.profile_failed = profile is None
        context = self.start(profile)
        if metadata is not None:
            check_metadata(context, metadata, (file, "", None))
        for collection in COLLECTIONS:
            self.records_of(collection, root.get(collection), file, f"/{collection}")
            if extra is not None:
                extra(collection)
            context.done(collection)
        self.raw.extend(context.finish())

    def folder(self, root: Path) -> None:
        files = folder_files(root)
        self.raw.extend(files.findings)
        document = self.expect_object(
            self.read_document(files.main), str(files.main), "a dataset document"
        )
        if document is None:
            return
        profile: Profile | None = None
        if files.profile is not None:
            self.files.append(str(files.profile))
            profile, findings = read_profile(files.profile, self.max_bytes, root=root)
            self.raw.extend(findings)
            self.profile_failed = profile is None
        parts = self._part_documents(files)

        def extra(collection: str) -> None:
            self._start_parts(files, document, [part for _, part in parts])
            for file, part in parts:
                self.records_of(collection, part.get(collection), file, f"/{collection}")
            lines_path = files.lines.get(collection)
            if lines_path is not None:
                self.files.append(str(lines_path))
                if not self.parts.get(collection):
                    self.check_lines(collection, lines_path)

        self.from_mapping(document, str(files.main), profile, extra)
        # Every other check is done: take in the parts (nothing waits for them).
        for name, started in self.parts.items():
            if started:
                self._gather(name, files.lines[name], *started)

    def _part_documents(self, files: FolderFiles) -> list[tuple[str, dict[str, Any]]]:
        parts: list[tuple[str, dict[str, Any]]] = []
        for collection, part_path in files.parts.items():
            file = str(part_path)
            part = self.expect_object(
                self.read_document(part_path), file, "a dataset-part document"
            )
            if part is None:
                # Its records are unknown: references into them are skipped, and counted.
                self.unreadable.setdefault(collection, file)
                continue
            self.schema_of(part, "dataset-part", file)
            for key in part:
                if key not in _PART_KEYS:
                    self.raw.append(
                        RawFinding(
                            "unknown_field",
                            f"{key}: a dataset-part document holds $schema and collections "
                            "only; remove it",
                            file,
                            f"/{key}",
                            key=True,
                        )
                    )
            parts.append((file, part))
        return parts

    def check_lines(self, collection: str, path: Path) -> None:
        """Check the records of a JSON Lines file in this process, in one pass."""
        lines = self.lines
        assert lines is not None
        try:
            stream = path.open("rb")
        except OSError as error:
            raise DatasetReadError(
                f"cannot read the file: {error.strerror}", path=str(path)
            ) from None
        with stream:
            self.kept.seen(str(path), identity(stream))
            lines.check(collection, stream, str(path))

    # -- large files in parts -----------------------------------------------------------------
    def _start_parts(
        self, files: FolderFiles, document: Mapping[str, Any], parts: list[Mapping[str, Any]]
    ) -> None:
        """Start workers on the parts of a large file as soon as what it refers to is read.

        Only a collection held in its JSON Lines file alone is split, and only where
        forking is safe and more than one process is asked for.
        """
        context = self.context
        assert context is not None
        for collection in IN_PARTS:
            targets = {path.collection for path in reference_paths(collection)}
            if collection in self.parts or not all(context.is_done(name) for name in targets):
                continue
            inline = document.get(collection) or any(part.get(collection) for part in parts)
            path = files.lines.get(collection)
            # References into a collection whose file could not be read are counted as they
            # are skipped, which a part cannot do: such a file is checked in one pass.
            skips = not targets.isdisjoint(context.unreadable)
            self.parts[collection] = (
                None if inline or skips or path is None else self._split(collection, path)
            )

    def _split(self, collection: str, path: Path) -> tuple[list[Part], Pool] | None:
        """Start workers on the parts of ``path``, if that is worth it and safe."""
        try:
            worth_it = path.stat().st_size >= _PART_BYTES
        except OSError:
            worth_it = False
        if self.jobs < 2 or not worth_it or not fork_is_safe():
            return None
        pieces = parts_of(path, _SHARE_PER_JOB / self.jobs, _SMALLEST_PART, _LARGEST_PART)
        if len(pieces) < 2:
            return None
        task = partial(self._part, collection, path, pieces)
        pool = Pool(task, len(pieces), self.jobs - 1)
        if self.progress is not None:
            shown = self.progress

            def progress(size: int) -> None:
                shown(size + pool.progress())

            self.progress = progress
        return pieces, pool

    def _part(
        self, collection: str, path: Path, pieces: list[Part], index: int, count: Progress
    ) -> Result:
        assert self.context is not None
        return check_part(
            self.context,
            collection,
            path,
            pieces[index],
            limits=(self.max_bytes, self.max_line_bytes),
            accelerate=self.accelerate,
            progress=count,
        )

    def _gather(self, collection: str, path: Path, pieces: list[Part], pool: Pool) -> None:
        """Take parts until none is left, taking in what every part gave in file order.

        The results of parts the workers have finished are taken in between parts checked
        here, so little is left to do once the last part is checked.  If a task failed in
        a worker, all of that is undone and the file is checked here in one pass.
        """
        context = self.context
        assert context is not None
        # While the workers go on, place what this process has found so far (the rules'
        # findings, whose checks have finished, are among them).
        self.ready.extend(self._placed(self.raw))
        self.raw.clear()
        context.findings.clear()
        assert not context.ids[collection]  # the file holds every record of the collection
        ready, records = len(self.ready), self.records
        file = str(path)

        def take_placed(placed: list[Sent], before: int, count: int) -> None:
            self.records += count
            self.ready.extend(
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

        merge = Merge(context, collection, path, pieces, take_placed, self.max_line_bytes)
        own = self.progress or _ignore
        try:
            failed = pool.gather(
                lambda index: self._part(collection, path, pieces, index, own),
                merge.add,
                self.progress,
            )
        except PartNotSelfContained:  # a part checked here needed the whole file
            failed = True
        finally:
            pool.stop()
        if failed:  # something unforeseen: check the file here
            del self.ready[ready:]
            self.records = records
            context.findings.clear()
            context.ids[collection].clear()
            self.check_lines(collection, path)
        self.raw.extend(context.findings)  # ids repeated across parts, or the one pass
        context.findings.clear()

    # -- positions ----------------------------------------------------------------------------
    def _placed(self, findings: list[RawFinding]) -> list[Finding]:
        return place(findings, final, self.kept, self.max_bytes, self.max_line_bytes)

    def report(self) -> Report:
        lines = self.lines
        if lines is not None:
            self.raw.extend(lines.findings)
            self.records += lines.records
        return Report([*self._placed(self.raw), *self.ready], self.files, self.records)


def _ignore(size: int) -> None:
    """Count nothing (a part checked here without a progress bar)."""


def validate(
    source: str | os.PathLike[str] | Dataset | Mapping[str, Any],
    *,
    profile: Profile | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
    progress: Progress | None = None,
    jobs: int = 1,
    accelerate: bool = True,
    pause_collector: bool = True,
) -> Report:
    """Check a dataset and return every finding: shape, references, periods, rules.

    Args:
        source: a ``dataset.json`` document, a dataset folder, a :class:`Dataset`, or a
            dataset document already parsed into a dict.
        profile: check areas, measures and roles against this profile instead of the one
            the dataset declares (its ``profile``, its folder's ``profile.json``, else
            TRD3.0); one that extends a shipped profile is merged with it.
        max_bytes: the largest single JSON document read; larger files are a finding.
        max_line_bytes: the longest JSON Lines record read.
        progress: called with the number of bytes read, now and then.
        jobs: the most processes a large JSON Lines file of placements is checked by, in
            parts.  The default ``1`` checks everything in this process and starts none;
            more forks worker processes, only on Linux, when no other thread runs, for
            files of 32 MB or more.  The findings are the same either way.
        accelerate: decode JSON Lines records with msgspec where it is installed (the
            findings are the same either way; ``False`` is for comparing the two).
        pause_collector: pause Python's cycle collector while each JSON Lines file is
            read, and restore it after.  A check makes no reference cycles, and the
            collector's scans of the growing ids cost a third more time at national
            scale (see ``benchmarks/README.md``).  ``False`` leaves it to the host
            program throughout.

    Returns:
        The report; ``report.ok`` is true when no finding has severity error.

    Raises:
        DatasetReadError: the path does not exist, cannot be opened, or is a folder without
            a ``dataset.json``.
        ValueError: ``jobs`` is less than 1, or ``profile`` extends a profile that is not
            shipped (a :class:`DatasetReadError`).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    run = _Run(profile, max_bytes, max_line_bytes, progress, jobs, accelerate, pause_collector)
    try:
        return _validate(run, source)
    finally:
        for started in run.parts.values():
            if started:
                started[1].stop()


def _validate(run: _Run, source: str | os.PathLike[str] | Dataset | Mapping[str, Any]) -> Report:
    if isinstance(source, Dataset):
        from unikommune.dataset.save import dump_document

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
