"""Pause Python's cycle collector while tables are built or read.

Writing and reading tables makes hundreds of thousands of small dicts and lists that
hold no reference cycles; the collector's scans of them cost more than half the time
of an import (measured on the city-scale benchmark dataset), as they do for
:func:`unikommune.load`, which pauses it too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; enable it after if it was enabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
