"""What the rules know while the records of a dataset stream past them.

Records arrive one at a time, collection by collection in published order
(partners, agreements, missions, projects, placements, theses, learning
activities), each already of the right shape.  The context keeps only ids and
the few facts later records are checked against (an agreement's period, a
mission's timeframe, the agreements' rules), so memory grows with the number
of ids, never with the size of the files.

A collection may be checked in *parts*, each in a context of its own made by
:meth:`Context.fork`: the part shares every fact known so far, read-only, and
starts with none of the collection's ids.  A rule that would remember a fact,
or leave a check for the end, while checking a part raises
:class:`PartNotSelfContained`, and the whole collection is then checked in one
pass, so a part can never lose what a rule needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from unikommune.findings import RawFinding, Where
from unikommune.models import COLLECTIONS, Profile

__all__ = ["Context", "PartNotSelfContained"]


class PartNotSelfContained(RuntimeError):
    """A rule needed to remember something while checking a part of a collection."""


@dataclass
class Context:
    """The state of one check of a dataset: the profile, ids, facts and findings.

    Rules read ``ids`` (the ids of every collection read so far), ask :meth:`is_done`,
    keep what later records are checked against with :meth:`facts`, leave checks that
    need every collection for the end with :meth:`later`, and report with :meth:`add`.
    """

    profile: Profile
    findings: list[RawFinding] = field(default_factory=list)
    #: Collections a file of which could not be read, each with that file: the references
    #: into them that name no record read are skipped, not reported one by one.
    unreadable: dict[str, str] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in COLLECTIONS})
    _done: set[str] = field(default_factory=set)
    _facts: dict[str, dict[Any, Any]] = field(default_factory=dict)
    _later: list[Callable[[Context], None]] = field(default_factory=list)
    _part: bool = False
    _derived: dict[Any, Any] = field(default_factory=dict)

    def add(self, code: str, message: str, where: Where, sub: str = "") -> None:
        """Report ``code`` at ``sub`` (a pointer within the record) of the record ``where``."""
        file, prefix, line = where
        self.findings.append(RawFinding(code, message, file, prefix + sub, record_line=line))

    def in_part(self) -> bool:
        """Return whether this context checks a part of a collection (see :meth:`fork`)."""
        return self._part

    def is_done(self, collection: str) -> bool:
        """Return whether every record of ``collection`` has been read."""
        return collection in self._done

    def done(self, collection: str) -> None:
        """Mark ``collection`` as fully read."""
        self._done.add(collection)

    def facts(self, family: str) -> dict[Any, Any]:
        """Return the facts a family of rules keeps (a dict it owns, made on first use).

        In a part (see :meth:`fork`) the facts are a read-only view: remembering anything
        there raises, and the part is then checked again with its whole collection.
        """
        found = self._facts.get(family)
        if found is None:
            if self._part:
                return _NOTHING  # type: ignore[return-value]
            found = self._facts[family] = {}
        return found

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """Return ``make()``, made once and kept under ``key``.

        For what is computed from collections already done (an index of their ids),
        never a fact a rule learns: it is the same whoever makes it, so the parts
        forked from a context share what it keeps (in a worker process, the parts it
        takes make it once between them).
        """
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def later(self, check: Callable[[Context], None]) -> None:
        """Run ``check`` once every collection has been read (see :meth:`finish`).

        Raises:
            PartNotSelfContained: in a part, where nothing may wait for the end.
        """
        if self._part:
            raise PartNotSelfContained("a check of a part waits for the end")
        self._later.append(check)

    def finish(self) -> list[RawFinding]:
        """Run the checks left for the end, in the order they were left; return every finding."""
        for name in COLLECTIONS:
            self._done.add(name)
        while self._later:
            waiting, self._later = self._later, []
            for check in waiting:
                check(self)
        return self.findings

    def fork(self, collection: str) -> Context:
        """Return a context for a part of ``collection``: the same facts, read-only.

        The part starts with no finding and none of the collection's ids; the ids of the
        other collections are shared (they are done, so nobody adds to them).
        """
        facts = {family: MappingProxyType(found) for family, found in self._facts.items()}
        return Context(
            self.profile,
            unreadable=dict(self.unreadable),
            ids={**self.ids, collection: set()},
            _done=set(self._done),
            _facts=facts,  # type: ignore[arg-type]
            _part=True,
            _derived=self._derived,
        )

    def take(self, findings: Iterable[RawFinding]) -> None:
        """Add findings made elsewhere (by a part) to this context's."""
        self.findings.extend(findings)


_NOTHING: MappingProxyType[Any, Any] = MappingProxyType({})
