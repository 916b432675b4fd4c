"""The record stream: the lines of a JSON Lines file, each record checked as it goes by.

A file is read a chunk at a time and split into lines; nothing is kept of a
record once it is checked but its id (and, for a record that takes the general
path, its line, to place findings).  Each record of the right shape is handed
to :func:`unikommune.rules.check_record`; with the accelerated decoding
(:mod:`unikommune.validation.decode`) a whole chunk is decoded at once.  A line it
cannot vouch for takes the general path (:func:`unikommune.dataset.shape.line_shape`),
which explains every problem.  Either way, records of the right shape reach the
rules in batches (:func:`unikommune.rules.check_records`): the runs of a chunk's
records between the lines that took the general path.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO, Protocol

from unikommune.dataset.reader import CHUNK, split_chunk
from unikommune.dataset.shape import Shaped, line_shape
from unikommune.findings import RawFinding
from unikommune.models import COLLECTIONS
from unikommune.rules import Batch, Context, check_records
from unikommune.rules.integrity import keep_id
from unikommune.validation.decode import (
    Decoder,
    Known,
    Text,
    Vouched,
    decoder,
    keys_given_once,
    texts_clean,
)
from unikommune.validation.placing import Kept

__all__ = ["Lines", "Readable", "collector_paused"]

Progress = Callable[[int], None]


class Readable(Protocol):
    """What lines are read from: a binary file, or a range of one."""

    def read(self, size: int, /) -> bytes:
        """Return up to ``size`` bytes, ``b""`` at the end."""


@contextmanager
def collector_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cycle collector for the block, if ``pause`` and it is running.

    A check makes no reference cycles, so the collector would only scan the growing ids
    over and over: on the country-scale benchmark dataset it costs about a third more
    time (see ``benchmarks/README.md``).  It is restored when the block ends, however it
    ends.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Lines:
    """Check the records of JSON Lines files against one context.

    ``findings`` receives the findings of reading and shape (the rules' go to the
    context); ``records`` counts the records checked.
    """

    def __init__(
        self,
        context: Context,
        kept: Kept,
        limit: int,
        *,
        accelerate: bool = True,
        progress: Progress | None = None,
        pause_collector: bool = True,
    ) -> None:
        self.context = context
        self.pause_collector = pause_collector
        #: What references and areas may name, for the decoding of the file being read.
        self._known = Known({}, (), {})
        self.kept = kept
        self.limit = limit
        self.accelerate = accelerate
        self.progress = progress
        self.findings: list[RawFinding] = []
        self.records = 0

    def check(self, collection: str, stream: Readable | BinaryIO, file: str) -> int:
        """Check the records of ``stream``, lines of ``file``; return the last line's number.

        A line longer than the limit ends the check of the file, with a finding.  The
        cycle collector is paused meanwhile, unless told not to (see
        :func:`collector_paused`).
        """
        with collector_paused(self.pause_collector):
            return self._check_lines(collection, stream, file)

    def _check_lines(self, collection: str, stream: Readable | BinaryIO, file: str) -> int:
        accelerated = decoder(collection) if self.accelerate else None
        if accelerated is not None:
            context = self.context
            profile = context.profile
            self._known = Known(
                context.ids,
                [name for name in COLLECTIONS if context.is_done(name)],
                {"focus": profile.focus_area_codes(), "thematic": profile.thematic_area_codes()},
            )
        limit = self.limit
        number = 0
        pending = b""
        while True:
            chunk = stream.read(CHUNK)
            size = len(pending) + len(chunk)
            head = pending
            lines, pending = split_chunk(pending, chunk)
            if accelerated is not None and chunk and size <= limit:
                # No line of this chunk is too long: its records may be checked together.
                text = Text(head, chunk, len(chunk) - len(pending))
                self._chunk(accelerated, collection, lines, number, file, text)
                number += len(lines)
                if self.progress:
                    self.progress(len(chunk))
                continue
            if len(pending) > limit:
                lines.append(pending)
            for line in lines:
                number += 1
                if len(line) > limit:
                    self.findings.append(
                        RawFinding(
                            "too_large",
                            f"the record on this line is over {limit:,} bytes; the rest of the "
                            "file is not checked",
                            file,
                            line=number,
                            column=1,
                        )
                    )
                    # The rest of the file is unread: references into it are skipped.
                    self.context.unreadable.setdefault(collection, file)
                    chunk = b""
                    break
                self._one(accelerated, collection, line, number, file)
            if self.progress:
                self.progress(len(chunk))
            if not chunk:
                break
        return number

    def _one(
        self, accelerated: Decoder | None, collection: str, line: bytes, number: int, file: str
    ) -> None:
        """Check the record on one line (a blank line holds none)."""
        if not line or line.isspace():
            return
        self.records += 1
        if accelerated is not None:
            try:
                record = accelerated.decode(line)
            except ValueError:
                pass
            else:
                well, resolved = accelerated.vouch((record,), self._known)
                if (
                    well is None
                    and keys_given_once(accelerated.encode_lines, (line,), (record,))
                    and (not accelerated.texts or texts_clean((line,)) is None)
                ):
                    self._check(collection, [record], [number], [line], file, resolved=resolved)
                    return
        self.general(collection, line, number, file)

    def _check(
        self,
        collection: str,
        records: list[Any],
        numbers: list[int],
        lines: list[bytes],
        file: str,
        kept: Sequence[tuple[int, str | None]] = (),
        resolved: frozenset[Any] = frozenset(),
    ) -> None:
        """Check records (on lines ``numbers``); keep the lines the rules found something in.

        ``kept`` are the ids of lines of the wrong shape among them (see
        :func:`~unikommune.rules.check_records`), ``resolved`` the reference paths where
        the decoding found every id known (see :class:`~unikommune.rules.Batch`).
        """
        findings = self.context.findings
        before = len(findings)
        batch = Batch(records, file, lines=numbers, resolved=resolved)
        check_records(self.context, collection, batch, kept)
        if len(findings) != before:
            line_of = dict(zip(numbers, lines, strict=True))
            for finding in findings[before:]:
                found = line_of.get(finding.record_line or 0)
                if found is not None:
                    self.kept.keep(file, finding.record_line or 0, found)

    def general(self, collection: str, line: bytes, number: int, file: str) -> None:
        """Check one line on the general path, which explains every problem."""
        self.kept.keep(file, number, line)
        self.take(collection, line_shape(collection, line, number, file), number, file)

    def take(self, collection: str, shaped: Shaped, number: int, file: str) -> None:
        """Take in a line's shape: check a record of the right shape against the others."""
        view, findings, record_id = shaped
        self.findings.extend(findings)
        if view is not None:
            check_records(self.context, collection, Batch((view,), file, lines=(number,)))
        else:
            keep_id(self.context, collection, record_id)

    def _chunk(
        self,
        accelerated: Decoder,
        collection: str,
        lines: list[bytes],
        number: int,
        file: str,
        text: Text,
    ) -> None:
        """Check ``lines`` (``text``), the first on line ``number + 1``, none of them too long.

        The chunk is decoded without a Python frame per line, going on past each line
        that does not decode; a line that does not, or whose record the decoding cannot
        vouch for, is checked on the general path.  Then, in the order of the file, the
        chunk's records go to the rules as one batch, the ids of the lines between
        counted in their places, so every finding is the one a line-by-line check gives.
        """
        records: list[Any] = []  # of the lines that decoded
        others: list[int] = []  # indexes of the lines that did not, or are blank
        decoded = map(accelerated.decode, lines)
        while True:
            try:
                records.extend(decoded)  # keeps what it decoded when a line raises
            except ValueError:
                others.append(len(records) + len(others))
                continue
            break
        if not others:
            found = list(records)
            present = list(range(len(lines)))
            vouched, resolved = self._vouched(accelerated, lines, records, text)
            if vouched is None:
                self.records += len(records)
                every = list(range(number + 1, number + 1 + len(lines)))
                self._check(collection, records, every, lines, file, resolved=resolved)
                return
        else:
            found = self._align(lines, records, others)
            present = [index for index, record in enumerate(found) if record is not None]
            vouched, resolved = self._vouched(
                accelerated, [lines[i] for i in present], [found[i] for i in present], None
            )
        if vouched is not None:
            for index, good in zip(present, vouched, strict=True):
                if not good:
                    found[index] = None
        run, numbers, texts, kept, views, blank = self._with_general(
            collection, found, lines, number, file
        )
        ids = self.context.ids
        # The decoding found every reference at these paths known; so must the lines between.
        resolved = frozenset(
            path for path in resolved if path.all_known(views, ids[path.collection])
        )
        self._check(collection, run, numbers, texts, file, kept, resolved)
        self.records += len(lines) - blank

    def _with_general(
        self, collection: str, found: list[Any], lines: list[bytes], number: int, file: str
    ) -> tuple[list[Any], list[int], list[bytes], list[tuple[int, str | None]], list[Any], int]:
        """Return one batch of every record of the right shape in ``found``, in file order.

        A line that did not decode (its record ``None``) is checked on the general path,
        and its record (or its id) joins the batch; the decoded runs between such lines
        are taken whole.  Returns the batch's records, their line numbers and texts, the
        ids of the lines of the wrong shape by their place in the batch, the records read
        on the general path, and the number of blank lines.
        """
        run: list[Any] = []
        numbers: list[int] = []
        texts: list[bytes] = []
        kept: list[tuple[int, str | None]] = []
        views: list[Any] = []  # the records of the right shape read on the general path
        blank = 0
        start = 0
        for index in [at for at, record in enumerate(found) if record is None]:
            run += found[start:index]
            numbers += range(number + 1 + start, number + 1 + index)
            texts += lines[start:index]
            start = index + 1
            line = lines[index]
            if not line or line.isspace():
                blank += 1
                continue
            self.kept.keep(file, number + 1 + index, line)
            record, problems, record_id = line_shape(collection, line, number + 1 + index, file)
            self.findings.extend(problems)
            if record is None:
                kept.append((len(run), record_id))
                continue
            views.append(record)
            run.append(record)
            numbers.append(number + 1 + index)
            texts.append(line)
        run += found[start:]
        numbers += range(number + 1 + start, number + 1 + len(lines))
        texts += lines[start:]
        return run, numbers, texts, kept, views, blank

    @staticmethod
    def _align(lines: list[bytes], records: list[Any], others: list[int]) -> list[Any]:
        """Return the record of every line, ``None`` for a line in ``others`` (not decoded)."""
        found: list[Any] = []
        taken = 0  # records placed so far
        start = 0  # the first line not placed yet
        for index in others:  # in increasing order
            found += records[taken : taken + index - start]
            found.append(None)
            taken += index - start
            start = index + 1
        found += records[taken:]
        assert len(found) == len(lines)
        return found

    def _vouched(
        self, accelerated: Decoder, lines: list[bytes], records: list[Any], text: Text | None
    ) -> Vouched:
        """Say which records (of ``lines``) the decoding vouches for: ``None`` for every one.

        It vouches for a record whose ids, references, areas and dates have their
        patterns, whose texts hold no control character and whose line gives no key
        twice; ``text`` is the lines as they sit in the file, when they are all of the
        chunk.
        """
        well, resolved = accelerated.vouch(records, self._known)
        clean = texts_clean(lines, text) if accelerated.texts else None
        if clean is not None:
            well = [ok and (well is None or well[offset]) for offset, ok in enumerate(clean)]
            resolved = frozenset()
        encode = accelerated.encode_lines
        if keys_given_once(encode, lines, records, text):
            return Vouched(well, resolved)
        return Vouched(
            [
                (well is None or well[offset]) and keys_given_once(encode, (line,), (record,))
                for offset, (line, record) in enumerate(zip(lines, records, strict=True))
            ],
            frozenset(),
        )
