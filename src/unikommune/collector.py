"""Pause Python's cycle collector while a large, acyclic structure is built or read.

Loading a dataset, writing and reading its tables, and the evaluation's passes make
millions of small objects and no reference cycle: reference counting frees them.  The
cycle collector would walk every one of them again at each burst of allocations, which
made loading several times slower and took a third to a half of the time of the other
passes (measured on the country- and city-scale benchmark datasets).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block, then restore it as it was.

    The collector is disabled on entry.  On exit, also when the block raises, it is
    enabled again only if it was enabled on entry; a collector the caller had disabled
    stays disabled.  Objects made in the block are then moved to the collector's oldest
    generation, which it walks seldom (:func:`gc.freeze` then :func:`gc.unfreeze`, two
    cheap moves of its lists), so that its next run does not walk them all as new;
    this is skipped when the program froze objects of its own, which are left frozen.
    Blocks may nest: only the outermost one re-enables the collector.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
