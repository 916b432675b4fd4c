"""Find the records of several datasets that are one thing, for :mod:`unikommune.harvest.merge`.

Partners and projects that share an identifier are joined first.  Then records of one
collection from different datasets with the same content (their ids aside, their
references read as the groups of the records they point to) are joined; as a join can
make more contents equal, this repeats until nothing joins.

A record's content is compared as two parts: what its references point to (their
groups, in the order of the reference paths: read again each round, cheaply) and its
*static* part, the record without its id and with every reference blank (a JSON text
with sorted keys).  Two records have the same content exactly when both parts are
equal.  The static part, the costly one, is made only for a record whose references
point where those of a record of an earlier dataset do, once; so a merge of datasets
whose records point to different partners, agreements or projects makes almost none.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from unikommune.models import COLLECTIONS
from unikommune.models.paths import references

__all__ = ["BY_IDENTIFIER", "Groups", "Matcher", "Records", "content_key", "holders", "ids_at"]

#: The collections whose records are matched by their identifiers.
BY_IDENTIFIER = frozenset({"partners", "projects"})

#: The records of one collection, each with the position of its dataset.
Records = list[tuple[int, dict[str, Any]]]

#: One encoder for every content key (``json.dumps`` would make one per call).
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def content_key(value: Any) -> str:
    """Return ``value`` as a JSON text with sorted keys: equal texts, equal values."""
    return _KEY_ENCODER.encode(value)


def holders(node: Any, steps: Sequence[str]) -> list[Any]:
    """Return the containers (dicts or lists) whose item at ``steps[-1]`` a path reaches.

    ``steps`` are the JSON names of a path's steps, ``"[]"`` stepping into a list; the
    last step is left for the caller to read or replace (a string there is a
    reference).  Anything not a dict or a list on the way is passed by.
    """
    nodes = [node]
    for step in steps[:-1]:
        if step == "[]":
            nodes = [item for node in nodes if isinstance(node, list) for item in node]
        else:
            nodes = [node[step] for node in nodes if isinstance(node, dict) and step in node]
    return nodes


def ids_at(node: Any, steps: Sequence[str]) -> list[str]:
    """Return the references (the strings) a path reaches below ``node``, in order."""
    last, found = steps[-1], []
    for holder in holders(node, steps):
        if last == "[]":
            if isinstance(holder, list):
                found += [item for item in holder if isinstance(item, str)]
        elif isinstance(holder, dict) and isinstance(item := holder.get(last), str):
            found.append(item)  # a mixed field's object (a publisher) is no reference
    return found


class Groups:
    """Union-find over the records of one collection, numbered in merge order.

    Each group knows the datasets its records come from (``tags``).
    """

    def __init__(self, tags: Sequence[int]) -> None:
        self.up = list(range(len(tags)))
        self.tags: dict[int, set[int]] = {at: {tag} for at, tag in enumerate(tags)}

    def find(self, at: int) -> int:
        """Return the first record of the group of ``at``."""
        while self.up[at] != at:
            self.up[at] = self.up[self.up[at]]
            at = self.up[at]
        return at

    def join(self, a: int, b: int) -> None:
        """Make the groups of ``a`` and ``b`` one."""
        a, b = self.find(a), self.find(b)
        if a != b:
            root, child = min(a, b), max(a, b)  # the group's first record stays its root
            self.up[child] = root
            self.tags[root] |= self.tags.pop(child)

    def holds(self, at: int, tag: int) -> bool:
        """Return whether the group of ``at`` holds a record of dataset ``tag``."""
        return tag in self.tags[self.find(at)]


#: What a reference reads as in a content: its group (an ``int``), or, for an id no
#: record of its dataset has, that dataset and the id.
_Target = int | tuple[int, str]


class Matcher:
    """Finds the records of every collection that are one thing.

    ``match`` returns the groups; see the module's documentation for how they are found.
    """

    def __init__(self, records: Mapping[str, Records]) -> None:
        self.records = records
        self.groups = {
            name: Groups([index for index, _ in found]) for name, found in records.items()
        }
        self.position = {
            name: {(index, record["id"]): at for at, (index, record) in enumerate(found)}
            for name, found in records.items()
        }
        self.paths = {  # each reference's collection and steps, worked out once
            name: [
                (path.collection, [step for _, step in path.steps])
                for path in references(COLLECTIONS[name])
            ]
            for name in records
        }

    def match(self) -> dict[str, list[list[int]]]:
        """Return the groups of each collection, each in merge order, groups by their first."""
        for name in BY_IDENTIFIER:
            seen: dict[tuple[str, str], int] = {}
            for at, (_, record) in enumerate(self.records[name]):
                for item in record.get("identifiers", []):
                    self.groups[name].join(seen.setdefault((item["scheme"], item["value"]), at), at)
        statics: dict[str, dict[int, str]] = {name: {} for name in self.records}
        joined = True
        while joined:  # every collection each round: a join in one may make another's equal
            joined = False
            for name in self.records:
                joined = self._same_content(name, statics[name]) or joined
        found = {}
        for name, groups in self.groups.items():
            members: dict[int, list[int]] = {}
            for at in range(len(self.records[name])):
                members.setdefault(groups.find(at), []).append(at)
            found[name] = [members[root] for root in sorted(members)]
        return found

    def _static(self, name: str, at: int, statics: dict[int, str]) -> str:
        """Return a record's content without its id and with its references blank.

        The record is left as it was (its id moved last among its keys); the text is
        kept in ``statics``.
        """
        found = statics.get(at)
        if found is not None:
            return found
        record = self.records[name][at][1]
        undo: list[tuple[Any, Any, str]] = []
        for _, steps in self.paths[name]:
            last = steps[-1]
            for holder in holders(record, steps):
                if last == "[]":
                    if isinstance(holder, list):
                        for place, item in enumerate(holder):
                            if isinstance(item, str):
                                undo.append((holder, place, item))
                                holder[place] = ""
                elif isinstance(holder, dict) and isinstance(item := holder.get(last), str):
                    # a mixed field's object (a publisher) is no reference
                    undo.append((holder, last, item))
                    holder[last] = ""
        kept_id = record.pop("id")
        found = statics[at] = content_key(record)
        record["id"] = kept_id
        for holder, place, old in reversed(undo):  # the record as it was
            holder[place] = old
        return found

    def _same_content(self, name: str, statics: dict[int, str]) -> bool:
        """Join records of ``name`` from different datasets with the same content.

        Each record joins at most one group, and a group holds at most one record of a
        dataset by content: a record joins the first earlier one with its content and
        its id, else the first with its content; return whether any joined.  The static
        parts made are kept in ``statics`` for the next rounds.
        """
        joined = False
        groups, records = self.groups[name], self.records[name]
        seen = _Seen(lambda at: self._static(name, at, statics))
        for index, members in itertools.groupby(range(len(records)), key=lambda at: records[at][0]):
            keyed = [
                (at, targets)
                for at in members
                if (targets := self._targets(name, index, records[at][1])) is not None
            ]
            for same_id in (True, False):
                for at, targets in keyed:
                    match = self._match(name, at, seen.alike(at, targets), same_id=same_id)
                    if match is not None:
                        groups.join(match, at)
                        joined = True
            for at, targets in keyed:
                seen.add(at, targets)
        return joined

    def _targets(self, name: str, index: int, record: dict[str, Any]) -> tuple[_Target, ...] | None:
        """Return what the references of a record of dataset ``index`` point to now.

        ``None`` for a partner or project with identifiers: the same content has the
        same identifiers, so those are joined already.
        """
        if name in BY_IDENTIFIER and record.get("identifiers"):
            return None
        found: list[_Target] = []
        for collection, steps in self.paths[name]:
            if len(steps) == 1:  # a field of the record itself: most paths, read here
                value = record.get(steps[0])
                olds = [value] if isinstance(value, str) else ()
            else:
                olds = ids_at(record, steps)
            position, find = self.position[collection], self.groups[collection].find
            for old in olds:
                at = position.get((index, old))
                found.append(find(at) if at is not None else (index, old))
        return tuple(found)

    def _match(self, name: str, at: int, earlier: Sequence[int], *, same_id: bool) -> int | None:
        """Return the earlier record ``at`` may join, or ``None``."""
        groups, records = self.groups[name], self.records[name]
        index, record = records[at]
        if not earlier or len(groups.tags[groups.find(at)]) > 1:
            return None  # nothing alike, or joined to another dataset's record already
        for other in earlier:
            if same_id and records[other][1]["id"] != record["id"]:
                continue
            if not groups.holds(other, index):
                return other
        return None


class _Seen:
    """The records of earlier datasets met in one round, by their content.

    Records are kept by what their references point to; their static parts are made
    only when a later record's references point to the same, and then kept by them too.
    """

    def __init__(self, static: Callable[[int], str]) -> None:
        self.static = static
        self.pending: dict[tuple[_Target, ...], list[int]] = {}
        self.by_static: dict[tuple[_Target, ...], dict[str, list[int]]] = {}

    def add(self, at: int, targets: tuple[_Target, ...]) -> None:
        """Keep record ``at``, whose references point to ``targets``."""
        self.pending.setdefault(targets, []).append(at)

    def alike(self, at: int, targets: tuple[_Target, ...]) -> Sequence[int]:
        """Return the records kept with the content of ``at``, in the order kept."""
        pending = self.pending.get(targets)
        if pending:
            by_static = self.by_static.setdefault(targets, {})
            for other in pending:  # all kept after those by_static holds: order stays
                by_static.setdefault(self.static(other), []).append(other)
            pending.clear()
        kept = self.by_static.get(targets)
        return kept.get(self.static(at), ()) if kept else ()
