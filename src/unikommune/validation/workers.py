"""Check parts of a large JSON Lines file in forked worker processes, while the caller goes on.

Only what is safe is done here, and nothing is ever required of it: a worker is a
fork of the validating process, which already holds everything the records refer
to, and sends back what it found through a pipe.  Where forking is not safe or not
possible (not Linux, other threads running, a single usable core) no worker is
started, and whenever a worker fails the caller checks its part itself.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "Part",
    "Pool",
    "Range",
    "default_jobs",
    "fork_is_safe",
    "lines_before",
    "parts_of",
    "pool",
]

#: The most parts a file is checked in, whatever the number of cores.
MAX_JOBS = 8


def default_jobs() -> int:
    """Return the number of cores this process may run on (at most :data:`MAX_JOBS`)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_JOBS))


def fork_is_safe() -> bool:
    """Return whether this process may fork workers: Linux, and no other thread running.

    A fork copies only the thread that makes it; a lock another thread held would stay
    locked in the worker for ever.
    """
    return (
        sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
    )


@dataclass(frozen=True)
class Part:
    """The bytes ``start`` to ``end`` of a file, whole lines."""

    start: int
    end: int


def parts_of(path: Path, count: int) -> list[Part]:
    """Split the file at ``path`` into at most ``count`` parts of about equal size, at newlines."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as stream:
        for number in range(1, count):
            at = max(size * number // count, cuts[-1])
            stream.seek(at)
            stream.readline()  # to the start of the next line
            cut = min(stream.tell(), size)
            if cut > cuts[-1] and cut < size:
                cuts.append(cut)
    cuts.append(size)
    return [Part(start, end) for start, end in itertools.pairwise(cuts)]


def lines_before(stream: BinaryIO, offset: int, chunk: int = 1 << 20) -> int:
    """Return the number of newlines in the first ``offset`` bytes of ``stream``."""
    stream.seek(0)
    count = 0
    left = offset
    while left > 0:
        data = stream.read(min(chunk, left))
        if not data:
            break
        count += data.count(b"\n")
        left -= len(data)
    return count


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


class Pool:
    """Workers, each running one task in a fork of this process.

    ``progress`` holds, per worker, the number of bytes it has read so far (shared memory),
    for the caller's progress bar.
    """

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("fork")
        self._workers: list[tuple[Any, Connection, Any]] = []
        self._reported: list[int] = []

    def start(self, task: Callable[[Callable[[int], None]], Any]) -> None:
        """Start ``task`` in a new worker; it is given a callable that counts bytes read."""
        receiving, sending = self._context.Pipe(duplex=False)
        counter = self._context.Value("q", 0, lock=False)

        def run() -> None:
            receiving.close()
            try:

                def count(size: int) -> None:
                    counter.value += size

                result = ("ok", task(count))
            except BaseException as error:  # sent back: the caller checks this part itself
                result = ("failed", f"{type(error).__name__}: {error}")
            try:
                sending.send(result)
            finally:
                sending.close()

        worker = self._context.Process(target=run, daemon=True)
        worker.start()
        sending.close()
        self._workers.append((worker, receiving, counter))
        self._reported.append(0)

    def progress(self) -> int:
        """Return the bytes the workers have read since this was last called."""
        total = 0
        for index, (_, _, counter) in enumerate(self._workers):
            now = int(counter.value)
            total += now - self._reported[index]
            self._reported[index] = now
        return total

    def results(self, progress: Callable[[int], None] | None = None) -> Iterator[Any]:
        """Yield each task's result in the order the tasks were started; ``None`` if it failed."""
        for worker, receiving, _ in self._workers:
            result: Any = None
            try:
                while not receiving.poll(0.2):
                    if progress is not None:
                        progress(self.progress())
                    if not worker.is_alive() and not receiving.poll(0):
                        break
                else:
                    status, value = receiving.recv()
                    result = value if status == "ok" else None
            except (EOFError, OSError):  # the worker died before it sent anything
                result = None
            finally:
                receiving.close()
                worker.join()
            if progress is not None:
                progress(self.progress())
            yield result

    def stop(self) -> None:
        """Stop every worker still running (after an error or an interrupt)."""
        for worker, receiving, _ in self._workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
            receiving.close()


@contextmanager
def pool() -> Iterator[Pool]:
    """Return a pool whose workers are stopped however the block is left."""
    workers = Pool()
    try:
        yield workers
    finally:
        workers.stop()
