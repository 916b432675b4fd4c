"""The rules a dataset is checked against beyond the shape of each record.

Each rule is one function, in a module named for what it checks:

* :mod:`~unikommune.rules.integrity` — ids unique, lists without repeats, the parts of
  an agreement, a funding line that names its funder;
* :mod:`~unikommune.rules.references` — every reference resolves, no circles;
* :mod:`~unikommune.rules.periods` — periods in order, within their mission or agreement;
* :mod:`~unikommune.rules.sdg` — SDG targets of their goal, suggestions that name their
  tool, the agreements' SDG rule;
* :mod:`~unikommune.rules.identifiers` — identifiers of the form of their scheme, and
  records entered twice;
* :mod:`~unikommune.rules.estimates` — estimates that give a value, in order;
* :mod:`~unikommune.rules.areas` — focus areas, thematic areas and measures of the
  profile;
* :mod:`~unikommune.rules.languages` — required texts in every declared language;
* :mod:`~unikommune.rules.repeats` — a partner, an SDG link, a DOI or a grant number
  given twice.

A rule is registered with :func:`rule` for the kinds of record it reads, and every
way of checking a dataset (one document, JSON Lines, in one process or in parts,
with or without the accelerated decoding) hands every record of the right shape to
:func:`check_records`, which runs every registered rule of its kind: the one list
they all use is :func:`checks_for`.

A rule checks a :class:`Batch`: the records of one collection that came together (a
chunk of a JSON Lines file, or one record) and where each is.  Reading a batch at
once keeps a clean batch cheap: a rule reads the values it needs from every record
of the batch in one go (:meth:`~unikommune.models.paths.FieldPath.across`) and looks
record by record only where something is wrong.  A rule reads records by attribute
(a record view, see :mod:`unikommune.dataset.mirror`, or a decoded struct): an absent
field reads ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from unikommune.findings import Where
from unikommune.rules.context import Context, PartNotSelfContained

__all__ = [
    "RULES",
    "Batch",
    "Check",
    "Context",
    "PartNotSelfContained",
    "Rule",
    "check_metadata",
    "check_record",
    "check_records",
    "checks_for",
    "rule",
]


@dataclass(frozen=True, slots=True)
class Batch:
    """Records of one collection checked together, and where each one is.

    ``lines`` holds the JSON Lines line of each record, or ``pointers`` the JSON pointer
    of each in its document.  ``resolved`` holds reference paths (into collections read
    to their end) whose every id the reader of the batch has already found among the
    known ids: the accelerated decoding looks references up to vouch for their
    pattern, and :func:`~unikommune.rules.references.references_resolve` need not look
    them up again.
    """

    records: Sequence[Any]
    file: str | None
    lines: Sequence[int] | None = None
    pointers: Sequence[str] | None = None
    resolved: frozenset[Any] = frozenset()

    def where(self, index: int) -> Where:
        """Return where the record at ``index`` of the batch is."""
        if self.lines is not None:
            return self.file, "", self.lines[index]
        assert self.pointers is not None
        return self.file, self.pointers[index], None

    def of(self, record: Any) -> Where:
        """Return where ``record`` (a record of the batch) is."""
        return self.where(next(i for i, found in enumerate(self.records) if found is record))


#: A rule's check of a batch of records of a kind: ``check(context, kind, batch)``.
Check = Callable[[Context, str, Batch], None]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: the codes it reports, the kinds of record it reads, its check."""

    name: str
    codes: tuple[str, ...]
    collections: tuple[str, ...]
    check: Check


#: Every rule, in the order they run on a batch (the order of registration).
RULES: list[Rule] = []


def rule(*codes: str, collections: Sequence[str]) -> Callable[[Check], Check]:
    """Register the decorated function as a rule that may report ``codes``.

    ``collections`` are the kinds of record it reads: collections, and ``"dataset"`` for
    the dataset document's metadata.
    """

    def register(check: Check) -> Check:
        name = f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"
        RULES.append(Rule(name, codes, tuple(collections), check))
        checks_for.cache_clear()
        return check

    return register


@cache
def checks_for(collection: str) -> tuple[Check, ...]:
    """Return the checks of every rule that reads records of ``collection``, in order."""
    return tuple(entry.check for entry in RULES if collection in entry.collections)


def check_records(
    context: Context,
    collection: str,
    batch: Batch,
    kept: Sequence[tuple[int, str | None]] = (),
) -> None:
    """Check records of the right shape: register their ids, then run every rule of them.

    ``kept`` holds the ids of records of the wrong shape among them, each with the
    position in the batch of the record it came before: their ids count, in file order,
    but no rule reads them.  This is the one way every path checks records (see the
    module docstring).
    """
    integrity.record_ids(context, collection, batch, kept)
    for check in checks_for(collection):
        check(context, collection, batch)


def check_record(context: Context, collection: str, record: Any, where: Where) -> None:
    """Check one record of the right shape at ``where``, as a batch of one."""
    file, pointer, line = where
    if line is not None:
        batch = Batch((record,), file, lines=(line,))
    else:
        batch = Batch((record,), file, pointers=(pointer,))
    check_records(context, collection, batch)


def check_metadata(context: Context, metadata: Any, where: Where) -> None:
    """Check the dataset document's metadata (its collections and profile left out)."""
    batch = Batch((metadata,), where[0], pointers=(where[1],))
    for check in checks_for("dataset"):
        check(context, "dataset", batch)


# The rule modules register their rules as they are imported.
from unikommune.rules import (  # noqa: E402
    areas,
    estimates,
    identifiers,
    integrity,
    languages,
    periods,
    references,
    repeats,
    sdg,
)

del areas, estimates, identifiers, languages, periods, references, repeats, sdg
