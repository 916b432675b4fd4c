"""Worker processes: forked copies of the validating process that take parts of a file.

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
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["MAX_JOBS", "Part", "Pool", "Range", "default_jobs", "fork_is_safe", "parts_of"]

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
