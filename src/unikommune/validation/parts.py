"""Check the parts of a large JSON Lines file in forked worker processes, and in this one.

Nothing refers to a placement, and placements refer only to partners and
agreements, so once those are read a large file of placements may be cut into
parts at newlines, each checked as if the file began with it, in a context of
its own (:meth:`unikommune.rules.Context.fork`): by worker processes while this
process checks the other files, and by this process too.  The parts' findings
are put together as one pass would have made them (:class:`Merge`): the first
record of a part whose id an earlier part gave is found again and reported as a
repeat, and a line too long to read ends the file where one pass would end it.
Workers are started only when asked for (``jobs`` above 1).

Nothing is ever required of a worker.  A worker is a fork of the validating
process, which already holds everything the records refer to; it takes parts one
at a time and, as it finishes each, writes what it found to a temporary file and
says where through a pipe, while the validating process goes on with the other
files and then takes parts itself, taking in the workers' results between them.
A part a worker could not finish is checked by the validating process.  Where
forking is not safe or not possible (not Linux, other threads running, a single
usable core) no worker is started and every part is checked here.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, BinaryIO

from unikommune.dataset.reader import CHUNK, split_chunk
from unikommune.dataset.shape import line_shape
from unikommune.rules import Context
from unikommune.rules.integrity import repeated_id
from unikommune.validation.decode import Literals
from unikommune.validation.placing import Kept, Sent, place, sent
from unikommune.validation.stream import Lines

#: Collections whose JSON Lines file may be checked in parts: nothing refers to their
#: records, so the other collections need nothing from them.
IN_PARTS = ("placements",)
#: What a part sends back: its findings placed, its records, its ids, its lines.
Result = tuple[list[Sent], int, list[str], int]

__all__ = [
    "IN_PARTS",
    "Merge",
    "Part",
    "PartIds",
    "Pool",
    "Range",
    "Result",
    "check_part",
    "default_jobs",
    "fork_is_safe",
    "parts_of",
    "repeated_in_part",
]

#: The most processes a file is checked by unless more are asked for: each worker holds
#: the ids of the part it checks (about 250 MB at most on the stress dataset).
MAX_JOBS = 4

#: A task: check the part of this index, counting the bytes read with the callable given.
Task = Callable[[int, Callable[[int], None]], Any]


def default_jobs() -> int:
    """Return the number of cores this process may run on, at most :data:`MAX_JOBS`."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_JOBS))


def fork_is_safe() -> bool:
    """Return whether this process may fork workers: Linux, no other thread, not a daemon.

    A fork copies only the thread that makes it; a lock another thread held would stay
    locked in the worker for ever.  A daemon process may not start processes.
    """
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and _threads() == 1  # counting those an extension started
        and not multiprocessing.current_process().daemon  # which may not have children
    )


def _threads() -> int:
    """Return the number of threads of this process, as the system counts them."""
    try:
        with Path("/proc/self/status").open("rb") as status:
            for line in status:
                if line.startswith(b"Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # not known: not safe


@dataclass(frozen=True)
class Part:
    """The bytes ``start`` to ``end`` of a file, whole lines."""

    start: int
    end: int


def parts_of(path: Path, share: float, smallest: int, largest: int) -> list[Part]:
    """Split the file at ``path`` into parts of whole lines that shrink toward its end.

    Each part is about ``share`` of what is left of the file, at least ``smallest`` bytes
    (the last may be smaller) and at most ``largest``.  The first parts are large, so
    there are few of them; the last are small, so no process that takes the last part
    keeps the others waiting long.
    """
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as stream:
        while True:
            left = size - cuts[-1]
            step = min(max(int(left * share), smallest), largest)
            if step >= left:
                break
            stream.seek(cuts[-1] + step - 1)  # a newline just before the cut keeps it there
            stream.readline()  # on to the start of the next line
            cut = stream.tell()
            if cut >= size:
                break
            cuts.append(cut)
    cuts.append(size)
    return [Part(start, end) for start, end in itertools.pairwise(cuts)]


class Range:
    """A read-only view of the bytes ``start`` to ``end`` of an open binary file."""

    def __init__(self, stream: BinaryIO, start: int, end: int) -> None:
        self._stream = stream
        self._left = end - start
        stream.seek(start)

    def read(self, size: int) -> bytes:
        """Return up to ``size`` bytes, ``b""`` at the end of the range."""
        data = self._stream.read(min(size, self._left)) if self._left > 0 else b""
        self._left -= len(data)
        return data

    def __enter__(self) -> Range:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


@dataclass(frozen=True)
class _Worker:
    process: Any
    receiving: Connection
    counter: Any  # the bytes it has read, in shared memory
    spool: BinaryIO | None  # where it writes its results, read here; None: sent in the pipe


class Pool:
    """Worker processes that share out ``count`` parts, one task per part.

    The workers start at once.  :meth:`gather` lets this process take parts too, and
    hands over the result of every part as soon as this process has it, so the caller
    can take results in while the workers are still at work.
    """

    def __init__(self, task: Task, count: int, workers: int) -> None:
        context = multiprocessing.get_context("fork")
        self._task: Task | None = task
        self._count = count
        self._next = context.Value("i", 0)  # the next part to take
        self._workers: list[_Worker] = []
        self._reported: list[int] = []
        for _ in range(workers):
            try:
                # An unnamed file: a worker writes its results there as it goes, which a
                # pipe would not take until this process reads it.
                spool: BinaryIO | None = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop
            except OSError:  # no room for one: results go through the pipe, at the end
                spool = None
            receiving, sending = context.Pipe(duplex=False)
            counter = context.Value("q", 0, lock=False)
            worker = context.Process(
                target=self._work, args=(receiving, sending, counter, spool), daemon=True
            )
            try:
                worker.start()
            except OSError:  # no process to be had (memory, limits): fewer workers
                receiving.close()
                if spool is not None:
                    spool.close()
                break
            finally:
                sending.close()
            self._workers.append(_Worker(worker, receiving, counter, spool))
            self._reported.append(0)

    def _take(self) -> int | None:
        with self._next.get_lock():
            index = int(self._next.value)
            if index >= self._count:
                return None
            self._next.value = index + 1
        return index

    def _work(
        self, receiving: Connection, sending: Connection, counter: Any, spool: BinaryIO | None
    ) -> None:
        """Take parts until none is left, telling of each result at once (runs in the worker).

        A result is written to the spool and only its place is sent: sending the result
        itself would block the worker until this process reads, which it does only
        between parts of its own.  Without a spool, the results are sent at the end.
        """
        receiving.close()
        # An interrupt is the validating process's to handle: it stops the workers.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

        def count(size: int) -> None:
            counter.value += size

        held: list[tuple[str, int, Any]] = []
        try:
            task = self._task
            assert task is not None
            while (index := self._take()) is not None:
                try:
                    result: tuple[str, int, Any] = ("ok", index, task(index, count))
                except Exception as error:  # the part is then checked elsewhere
                    result = ("failed", index, f"{type(error).__name__}: {error}")
                if spool is None or not _spooled(spool, result, sending):
                    held.append(result)
            for result in held:
                sending.send(("sent", result))
        except OSError:  # the validating process has gone: nobody to tell
            pass
        finally:
            sending.close()

    def progress(self) -> int:
        """Return the bytes the workers have read since this was last called."""
        total = 0
        for index, worker in enumerate(self._workers):
            now = int(worker.counter.value)
            total += now - self._reported[index]
            self._reported[index] = now
        return total

    def gather(
        self,
        own: Callable[[int], Any],
        done: Callable[[int, Any], None],
        progress: Callable[[int], None] | None = None,
    ) -> bool:
        """Take parts here until none is left, then wait for the workers.

        Calls ``done(index, result)`` for every part, in the order results come: those
        the workers have finished are taken in before each part taken here.  A part a
        worker took but did not finish (it died) is checked here with ``own``.  Returns
        whether a task failed (raised) in a worker.
        """
        waiting = {worker.receiving: worker for worker in self._workers}
        finished: set[int] = set()
        failed = False

        def take_in(timeout: float) -> None:
            """Take in every notice the workers have sent, waiting ``timeout`` for the first."""
            nonlocal failed
            notices: list[tuple[_Worker, Any]] = []
            for ready in wait(list(waiting), timeout=timeout):
                assert isinstance(ready, Connection)
                try:
                    notices.append((waiting[ready], ready.recv()))
                    while ready.poll():
                        notices.append((waiting[ready], ready.recv()))
                except (EOFError, OSError):  # the worker has ended
                    waiting.pop(ready).process.join()
                    ready.close()
            for worker, notice in notices:
                try:
                    status, index, value = (
                        notice[1] if notice[0] == "sent" else _unspool(worker, notice)
                    )
                except Exception:  # a result lost on the way: its part is checked here
                    continue
                if status == "ok":
                    finished.add(index)
                    done(index, value)
                else:
                    failed = True

        while (index := self._take()) is not None:
            take_in(0)
            finished.add(index)
            done(index, own(index))
        while waiting:
            take_in(0.2)
            if progress is not None:
                progress(self.progress())
        for index in range(self._count):
            if index not in finished:
                done(index, own(index))
        return failed

    def stop(self) -> None:
        """Stop every worker still running (after an error or an interrupt)."""
        self._task = None  # which refers to the caller: no reference cycle is left behind
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
            worker.process.join()
            worker.receiving.close()
            if worker.spool is not None:
                worker.spool.close()


def _spooled(spool: BinaryIO, result: tuple[str, int, Any], sending: Connection) -> bool:
    """Write ``result`` to the end of ``spool`` and send where it is; ``False`` if it could not."""
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        offset = spool.seek(0, os.SEEK_END)
        spool.write(data)
        spool.flush()
    except OSError:  # the disk is full: the result is sent in the pipe
        return False
    sending.send(("spooled", offset, len(data)))
    return True


def _unspool(worker: _Worker, notice: tuple[str, int, int]) -> Any:
    """Read back a result a worker wrote to its spool."""
    _, offset, size = notice
    assert worker.spool is not None
    data = bytearray()
    while len(data) < size:
        chunk = os.pread(worker.spool.fileno(), size - len(data), offset + len(data))
        if not chunk:
            raise EOFError("a worker's result is cut short")
        data += chunk
    return pickle.loads(data)


def check_part(
    context: Context,
    collection: str,
    path: Path,
    part: Part,
    *,
    limits: tuple[int, int],
    accelerate: bool,
    progress: Callable[[int], None] | None,
    literals: Literals | None = None,
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
    lines = Lines(
        own, kept, max_line_bytes, accelerate=accelerate, progress=progress, literals=literals
    )
    file = str(path)
    with Range(path.open("rb"), part.start, part.end) as stream:
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
