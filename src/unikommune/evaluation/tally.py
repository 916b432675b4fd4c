"""The running tally of indicator cells while the records are read, once each.

A record adds its amount once per indicator and cut, under the *span* of years it may
touch (``first, last, sure_first, sure_last``: it may fall in any year from ``first`` to
``last`` and certainly falls in those from ``sure_first`` to ``sure_last``).  Records
with the same span share a sum, and :meth:`Tally.expand` spreads each sum over its
years at the end: so a record costs a few dictionary updates, however many years and
breakdowns it counts in, and a whole country stays quick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from unikommune.evaluation.values import MAX_EVIDENCE, Cell

__all__ = [
    "NONE",
    "NO_SPAN",
    "Context",
    "Cut",
    "Span",
    "Tally",
    "one_year",
    "organisations",
]

#: The category of a record that has no value for a multi-valued breakdown.
NONE = "none"

Cut = tuple[str, str]
"""A breakdown and a category, such as ``("sector", "academia")``."""
Span = tuple[int, int, int, int]
"""Years a record may touch and years it certainly touches: ``first, last, sure_first,
sure_last`` (no sure year when ``sure_first > sure_last``)."""
Key = tuple[str, str, str, Span]
#: The cut of a total: no breakdown, no category.
_TOTAL: Cut = ("", "")
#: The sure years of a record that is sure of none.
NO_SPAN = (1, 0)


def one_year(first: int, last: int, sure: bool) -> Span:
    """Return the span of a record dated by one year as known: sure of it or of none."""
    return (first, last, first, last) if sure else (first, last, *NO_SPAN)


@dataclass(slots=True)
class Tally:
    """Sums by indicator and span, then by cut ``(breakdown, category)`` (the total: ``("", "")``).

    ``spans`` holds, per collection, the first and last year its records may touch: a
    year inside a collection's span without a record is a real 0, a year outside it has
    no data.  A tally that is not ``counting`` keeps the spans alone (all the network
    indicators need of it): adding to it does nothing, and the passes skip what only
    adds.
    """

    wanted: frozenset[str] | None = None
    counting: bool = True
    #: Exact sums, ``[amount, records]``, by ``(code, span)`` and cut (the total's is
    #: ``("", "")``): a record's cuts are looked up in one small dictionary, each by a
    #: pair of texts whose hashes are kept, not by a key holding the span.
    sums: dict[tuple[str, Span], dict[Cut, list[float]]] = field(default_factory=dict)
    #: The sums with their code, cut and span, in the order they were made, which is
    #: the order :meth:`expand` adds them in (so every float adds up as it always did).
    made: list[tuple[str, Cut, Span, list[float]]] = field(default_factory=list)
    fuzzy: dict[Key, list[float | None]] = field(default_factory=dict)
    evidence: dict[tuple[str, Span], list[str]] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    goals: dict[tuple[str, Span], set[str]] = field(default_factory=dict)

    @property
    def cutting(self) -> bool:
        """Return whether any breakdown is wanted (``wanted``: ``None`` for all)."""
        return self.counting and (self.wanted is None or bool(self.wanted))

    def add(
        self,
        code: str,
        span: Span,
        record: str | Sequence[str],
        amount: float = 1.0,
        bounds: tuple[float, float | None] | None = None,
        *,
        approximate: bool = False,
        cuts: Iterable[Cut] = (),
        records: int = 1,
    ) -> None:
        """Add a record's ``amount`` (its range ``bounds``) to ``code`` and its cuts.

        A group of records with the same span and cuts may be added at once: ``record``
        the first of their ids, ``records`` how many they are, ``amount`` their sum.
        """
        if not self.counting:
            return
        at = (code, span)
        found = self.evidence.get(at)
        if found is None:
            found = self.evidence[at] = []
        if len(found) < MAX_EVIDENCE:
            if isinstance(record, str):
                found.append(record)
            else:
                found.extend(record[: MAX_EVIDENCE - len(found)])
        if self.wanted is not None and cuts:
            cuts = [cut for cut in cuts if cut[0] in self.wanted]
        if bounds is None and not approximate:
            cells = self.sums.get(at)
            if cells is None:
                cells = self.sums[at] = {}
            get = cells.get
            for cut in (_TOTAL, *cuts):
                cell = get(cut)
                if cell is None:
                    cell = cells[cut] = [amount, records]
                    self.made.append((code, cut, span, cell))
                else:
                    cell[0] += amount
                    cell[1] += records
            return
        low, high = bounds if bounds is not None else (amount, amount)
        for key in [(code, "", "", span), *((code, n, c, span) for n, c in cuts)]:
            fuzzy = self.fuzzy.get(key)
            if fuzzy is None:
                fuzzy = self.fuzzy[key] = [0.0, 0.0, 0.0, 0.0]
            fuzzy[0] = (fuzzy[0] or 0.0) + amount
            fuzzy[1] = (fuzzy[1] or 0.0) + low
            fuzzy[2] = None if fuzzy[2] is None or high is None else fuzzy[2] + high
            fuzzy[3] = (fuzzy[3] or 0.0) + records

    def add_parts(
        self, code: str, span: Span, record: str, total: float, parts: dict[Cut, int]
    ) -> None:
        """Add ``total`` (exact) to ``code``, and each of ``parts`` to its cut.

        For a record that brings several of a kind at once, such as a project's
        participations: ``parts`` counts them by cut.
        """
        if not self.counting:
            return
        self.add(code, span, record, total)
        at = (code, span)
        cells = self.sums[at]
        for cut, amount in parts.items():
            if self.wanted is not None and cut[0] not in self.wanted:
                continue
            cell = cells.get(cut)
            if cell is None:
                cell = cells[cut] = [amount, 1]
                self.made.append((code, cut, span, cell))
            else:
                cell[0] += amount
                cell[1] += 1

    def merge(self, other: Tally) -> None:
        """Take in ``other``, the tally of other passes, as if they had added to this one.

        The passes must add to codes and cover collections of their own (as
        :mod:`.passes` do): the sums are then those one tally holds after all the passes,
        in the same order, this one's first.

        Raises:
            ValueError: the two tallies hold a code, or cover a collection, in common.
        """
        shared = sorted(self._codes() & other._codes()) + sorted(self.spans.keys() & other.spans)
        if shared:
            raise ValueError(f"tallies of passes that share codes or collections: {shared}")
        self.sums.update(other.sums)
        self.made.extend(other.made)
        self.fuzzy.update(other.fuzzy)
        self.evidence.update(other.evidence)
        self.spans.update(other.spans)
        self.goals.update(other.goals)

    def _codes(self) -> set[str]:
        """Return the codes added to: every add keeps evidence, every reach its items."""
        return {code for code, _ in self.evidence} | {code for code, _ in self.goals}

    def cover(self, collection: str, first: int, last: int) -> None:
        """Extend the span of years ``collection`` covers to ``first`` … ``last``."""
        known = self.spans.get(collection)
        if known is None:
            self.spans[collection] = (first, last)
        elif first < known[0] or last > known[1]:
            self.spans[collection] = (min(known[0], first), max(known[1], last))

    def reach(self, code: str, span: Span, items: Iterable[str]) -> None:
        """Note that ``items`` (SDG goals or targets) are reached in the years of ``span``."""
        if not self.counting:
            return
        found = self.goals.get((code, span))
        if found is None:
            found = self.goals[(code, span)] = set()
        found.update(items)

    def expand(self) -> dict[str, dict[Cut, dict[int, Cell]]]:
        """Return the cells by code, then ``(breakdown, category)``, then year."""
        out: dict[str, dict[Cut, dict[int, Cell]]] = {}

        def cells(code: str, cut: Cut) -> dict[int, Cell]:
            return out.setdefault(code, {}).setdefault(cut, {})

        for code, cut, span, (total, count) in self.made:
            first, last, sure_first, sure_last = span
            target, records = cells(code, cut), int(count)
            for year in range(first, last + 1):
                cell = target.get(year) or target.setdefault(year, Cell())
                cell.value += total
                if sure_first <= year <= sure_last:
                    cell.low += total
                else:
                    cell.uncertain = True
                if cell.high is not None:
                    cell.high += total
                cell.records += records
        for key, fuzzy in self.fuzzy.items():
            value, low, high, number = fuzzy
            first, last, sure_first, sure_last = key[3]
            target, records = cells(key[0], (key[1], key[2])), int(number or 0)
            for year in range(first, last + 1):
                cell = target.get(year) or target.setdefault(year, Cell())
                cell.value += value or 0.0
                if sure_first <= year <= sure_last:
                    cell.low += low or 0.0
                else:
                    cell.uncertain = True
                cell.high = None if cell.high is None or high is None else cell.high + high
                cell.approximate = True
                cell.records += records
        for (code, span), ids in self.evidence.items():
            totals = out.get(code, {}).get(("", ""), {})
            for year in range(span[0], span[1] + 1):
                found = totals.get(year)
                if found is not None and len(found.evidence) < MAX_EVIDENCE:
                    found.evidence.extend(ids[: MAX_EVIDENCE - len(found.evidence)])
        return out

    def reached(self) -> dict[tuple[str, int], tuple[set[str], set[str]]]:
        """Return, by ``(code, year)``, the items certainly reached and those maybe reached."""
        out: dict[tuple[str, int], tuple[set[str], set[str]]] = {}
        for (code, (first, last, sure_first, sure_last)), items in self.goals.items():
            for year in range(first, last + 1):
                sure, maybe = out.setdefault((code, year), (set(), set()))
                maybe.update(items)
                if sure_first <= year <= sure_last:
                    sure.update(items)
        return out


@dataclass(frozen=True, slots=True)
class Context:
    """What every pass needs of the dataset: the year it was modified, and its partners.

    Attributes:
        last_known: The year the dataset was last modified, where open periods end.
        top: The top-level organisation of every partner id.
        sector: The helix sector of every partner id.
        kind: The kind of organisation of every partner id.
    """

    last_known: int
    top: dict[str, str]
    sector: dict[str, str]
    kind: dict[str, str]

    def organisations(self, partners: Iterable[str]) -> list[str]:
        """Return the distinct top-level organisations of ``partners``, in order."""
        top = self.top
        return list(dict.fromkeys(top.get(p, p) for p in partners))

    def sectors(self, partners: Iterable[str]) -> list[str]:
        """Return the distinct helix sectors of ``partners`` (unknown ids left out)."""
        sector = self.sector
        return list(dict.fromkeys(sector[p] for p in partners if p in sector))


def organisations(parents: dict[str, str | None]) -> dict[str, str]:
    """Return the top-level organisation of every partner id (``parents``: id → parent).

    The same walk as :func:`unikommune.graph.roll_up`, written here so that computing
    indicators does not import networkx; a missing parent or a circle of parents stops
    the walk at the last partner reached.

    >>> organisations({"a": None, "b": "a", "c": "b", "x": "y", "y": "x"})
    {'a': 'a', 'b': 'a', 'c': 'a', 'y': 'y', 'x': 'y'}
    """
    top: dict[str, str] = {}
    for start in parents:
        trail = [start]
        node = start
        while node not in top:
            parent = parents.get(node)
            if parent is None or parent not in parents or parent in trail:
                top[node] = node
                break
            trail.append(parent)
            node = parent
        for member in trail:
            top[member] = top[node]
    return top
