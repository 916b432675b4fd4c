"""Check a large JSON Lines file in parts, and put the parts' findings together.

Nothing refers to a placement, and placements refer only to partners and
agreements, so once those are read a large file of placements may be cut into
parts at newlines (:func:`~unikommune.validation.workers.parts_of`), each
checked as if the file began with it, in a context of its own
(:meth:`unikommune.rules.Context.fork`): by worker processes
(:mod:`unikommune.validation.workers`) while this process checks the other
files, and by this process too.  The parts' findings are put together as one
pass would have made them (:class:`Merge`): the first record of a part whose id
an earlier part gave is found again and reported as a repeat, and a line too
long to read ends the file where one pass would end it.  Workers are started
only when asked for (``jobs`` above 1).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from unikommune.dataset.reader import CHUNK, identity, split_chunk
from unikommune.dataset.shape import line_shape
from unikommune.rules import Context
from unikommune.rules.integrity import repeated_id
from unikommune.validation.placing import Kept, Sent, place, sent
from unikommune.validation.stream import Lines
from unikommune.validation.workers import Part, Range

__all__ = [
    "IN_PARTS",
    "Merge",
    "PartIds",
    "Result",
    "check_part",
    "repeated_in_part",
]

#: Collections whose JSON Lines file may be checked in parts: nothing refers to their
#: records, so the other collections need nothing from them.
IN_PARTS = ("placements",)
#: What a part sends back: its findings placed, its records, its ids, its lines.
Result = tuple[list[Sent], int, list[str], int]


def check_part(
    context: Context,
    collection: str,
    path: Path,
    part: Part,
    *,
    limits: tuple[int, int],
    accelerate: bool,
    progress: Callable[[int], None] | None,
) -> Result:
    """Check one part of a file on its own; return its findings, records, ids and lines.

    Runs in a worker or here, and changes nothing in ``context``: the part is checked as
    if the file began with it, in a fork of the context that knows every collection read
    so far but none of the ids of this one; line numbers count from the start of the
    part.  A rule that would remember a fact or wait for the end makes it raise, and the
    caller then checks the whole file in one pass.
    """
    max_bytes, max_line_bytes = limits
    own = context.fork(collection)
    kept = Kept()
    lines = Lines(own, kept, max_line_bytes, accelerate=accelerate, progress=progress)
    file = str(path)
    opened = path.open("rb")
    kept.seen(file, identity(opened))
    with Range(opened, part.start, part.end) as stream:
        last = lines.check(collection, stream, file)
    placed = place([*lines.findings, *own.findings], sent, kept, max_bytes, max_line_bytes)
    # A part ends with a newline (but the last), so it has one line less than counted.
    return placed, lines.records, list(own.ids[collection]), last - 1


class Merge:
    """Take in the results of the parts of a file, in file order, as they come.

    ``take_placed(placed, before)`` receives each part's findings with the number of
    lines before the part; ids repeated across parts are reported into ``context``.
    """

    def __init__(
        self,
        context: Context,
        collection: str,
        path: Path,
        parts: list[Part],
        take_placed: Callable[[list[Sent], int, int], None],
        max_line_bytes: int,
    ) -> None:
        self._context = context
        self._collection = collection
        self._path = path
        self._parts = parts
        self._take_placed = take_placed
        self._limit = max_line_bytes
        self._waiting: dict[int, Result] = {}
        self._next = 0  # the index of the next part to take in
        self._before = 0  # the lines of the parts taken in
        self._ended = False  # a line too long ended the file
        self._ids = PartIds(context.ids[collection])

    def add(self, index: int, result: Result) -> None:
        """Take in the result of part ``index``, and of the parts after it that wait for it."""
        self._waiting[index] = result
        while self._next in self._waiting:
            self._take(self._waiting.pop(self._next))
            self._next += 1

    def _take(self, result: Result) -> None:
        placed, records, ids, lines = result
        if self._ended:
            return  # the rest of the file is not checked, as in one pass
        self._take_placed(placed, self._before, records)
        repeated = self._ids.add(ids)
        if repeated:
            repeated_in_part(
                self._context,
                self._collection,
                self._path,
                self._parts[self._next],
                self._before,
                repeated,
                self._limit,
            )
        self._before += lines
        self._ended = any(found[0] == "too_large" for found in placed)


class PartIds:
    """The ids of the parts of a file, taken in part by part into ``seen``.

    Most often no id is given twice across parts: one pass over the ids of a part shows
    it.  Once one is, the ids of each part are looked for before they are added.
    """

    def __init__(self, seen: set[str]) -> None:
        self.seen = seen
        self._sure = True  # no id of a part taken in was given in an earlier part
        self._taken: list[list[str]] = []  # the ids of each part taken in, while sure

    def add(self, ids: list[str]) -> set[str]:
        """Add the ids of the next part; return those an earlier part gave."""
        seen = self.seen
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

    @property
    def kept(self) -> int:
        """Return how many parts' ids are kept to undo a pass (none once an id repeats)."""
        return len(self._taken)


@cache
def _id_decoder() -> Callable[[bytes], Any]:
    """Return a msgspec decoder of a record's id alone (other members skipped)."""
    import msgspec

    struct = msgspec.defstruct("RecordId", [("id", object, None)])
    return msgspec.json.Decoder(struct).decode


def _id_on_line(line: bytes) -> object:
    """Return the id a line seems to give, cheaply, or ``...`` when it cannot tell."""
    try:
        return _id_decoder()(line).id
    except ImportError:  # pragma: no cover - without msgspec every line is read
        return ...
    except ValueError:
        return ...  # read it as the check does


def repeated_in_part(
    context: Context,
    collection: str,
    path: Path,
    part: Part,
    before: int,
    repeated: set[str],
    limit: int,
) -> None:
    """Report the first record of ``part`` with each of the ids ``repeated``.

    The part's lines count from ``before``; a record of the wrong shape is not a repeat
    (its id is only counted), as in one pass.
    """
    file = str(path)
    number = before
    with Range(path.open("rb"), part.start, part.end) as stream:
        pending = b""
        while repeated:
            chunk = stream.read(CHUNK)
            lines, pending = split_chunk(pending, chunk)
            if len(pending) > limit:
                chunk = b""  # a line too long ends the file, as in one pass
            for line in lines:
                number += 1
                if len(line) > limit:
                    return
                found = _id_on_line(line)
                if found is not ... and (type(found) is not str or found not in repeated):
                    continue
                if not line or line.isspace():
                    continue
                view, _, record_id = line_shape(collection, line, number, file)
                given = record_id if view is None else view.id
                if given is None or given not in repeated:
                    continue
                repeated.discard(given)
                if view is not None:
                    repeated_id(context, collection, given, (file, "", number))
            if not chunk:
                break
