"""Suggestions: the id a mistyped reference most likely meant, found in bounded time.

A reference that names no record is usually a typo (``trondhiem``), a changed
character (``projekt``) or an id with something added (``trondheim-health`` for
``trondheim``).  Comparing the value with every id of the collection would cost
the collection's size for every such reference, so a file with many wrong
references would take time in their product.  Instead the ids are indexed once
by every form with one character deleted, and by their stems (the parts before a
``-``, ``_``, ``.`` or ``:``); a value is looked up by its own such forms (a
symmetric-delete search), which finds every id one edit away (one character
added, removed, replaced, or two neighbours swapped) and every id one is a stem
of (unless more than :data:`CANDIDATES` ids share that stem), in time that grows
with the value's length only.  Among those candidates the one most alike by
:class:`difflib.SequenceMatcher` is suggested when it is alike enough (the first
in sorted order among equals).

The suggestion depends on the value and the ids alone, never on the order records
are read in, so a dataset checked in parts gets the same messages.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["CANDIDATES", "NearIds"]

#: The most ids a stem may begin for a value equal to it to be compared with them.
CANDIDATES = 64
#: How alike (:meth:`difflib.SequenceMatcher.ratio`) a candidate must be to be suggested.
CUTOFF = 0.6
#: Values longer than this get no suggestion (their forms would be many and long).
LONGEST = 200

_SEPARATOR = re.compile(r"[-_.:/]")


def _deletes(text: str) -> list[str]:
    """Return ``text`` with each one of its characters deleted."""
    return [text[:at] + text[at + 1 :] for at in range(len(text))]


def _stems(text: str) -> list[str]:
    """Return the beginnings of ``text`` that end just before a separator."""
    return [text[: match.start()] for match in _SEPARATOR.finditer(text) if match.start()]


class NearIds:
    """The ids of one collection, indexed to find the one closest to a value."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._ids = frozenset(ids)
        deleted: defaultdict[str, set[str]] = defaultdict(set)
        stemmed: defaultdict[str, set[str]] = defaultdict(set)
        for known in self._ids:
            if len(known) <= LONGEST:
                for form in _deletes(known):
                    deleted[form].add(known)
                for form in _stems(known):
                    stemmed[form].add(known)
        self._deleted = dict(deleted)
        self._stemmed = {stem: found for stem, found in stemmed.items() if len(found) <= CANDIDATES}

    def closest(self, value: str) -> str | None:
        """Return the id most like ``value`` among those one edit away, or ``None``."""
        if len(value) > LONGEST or not self._ids:
            return None
        deletes = {value, *_deletes(value)}
        # An id the value adds a character to, or extends (``trondheim-health``).
        found = set(self._ids & {*deletes, *_stems(value)})
        # An id one character longer, or one character replaced, or two swapped.
        for form in self._deleted.keys() & deletes:  # iterates over the forms, not the index
            found |= self._deleted[form]
        # An id the value is the beginning of (``trondheim`` for ``trondheim-kommune``).
        found |= self._stemmed.get(value, set())
        found.discard(value)
        matcher = difflib.SequenceMatcher(b=value)
        best, best_ratio = None, CUTOFF
        for candidate in sorted(found):
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = candidate, ratio
        return best
