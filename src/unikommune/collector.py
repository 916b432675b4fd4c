"""Pause Python's cycle collector while a large, acyclic structure is built or read.

Loading a dataset, writing and reading its tables, and the evaluation's passes make
millions of small objects and no reference cycle: reference counting frees them.  The
cycle collector would walk every one of them again at each burst of allocations, which
made loading several times slower and took a third to a half of the time of the other
passes (measured on the country- and city-scale benchmark datasets).

A command of the command line runs inside :func:`frozen`: what it loads is kept out of
the collector's walks for the rest of the command.  Without it, the first full
collection after a load walked every object of the dataset once, several seconds at
country scale.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "frozen"]

#: How many :func:`frozen` blocks are open; while one is, a pause freezes what it made.
_frozen = 0


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
            if _frozen:
                gc.freeze()  # kept out of the walks with the rest until frozen() ends
            elif not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Keep the objects made before and in the block's pauses out of the collector's walks.

    For a program's main function (the command line's): on entry every object so far
    is frozen (:func:`gc.freeze`), and so is every object made inside a
    :func:`collector_paused` block within this one (a loaded dataset); on exit all are
    given back to the collector's oldest generation (:func:`gc.unfreeze`).  Objects
    made outside pauses are collected as usual.  If the program had frozen objects of
    its own, the block changes nothing, so that they stay frozen.  Asking whether that
    is so (:func:`gc.get_freeze_count`) walks every frozen object, which is why a pause
    inside this block does not ask it.
    """
    global _frozen
    if _frozen or gc.get_freeze_count():  # within another block, or the program froze
        yield
        return
    gc.freeze()
    _frozen += 1
    try:
        yield
    finally:
        _frozen -= 1
        if not _frozen:
            gc.unfreeze()
