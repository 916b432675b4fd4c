"""Merge datasets: the same partner or project met in several becomes one, every conflict said.

Records are matched, collection by collection, in the order the datasets are given:

* **Partners** that share an identifier (an organisation number, a ROR id, a
  municipality number, an address) are one partner; so are **projects** that share
  an identifier (a grant number, a Cristin or council project number, a DOI).
* Records of any collection from different datasets with the same content, their
  references read as the records they point to, are one record, whatever their ids
  (so a dataset merged with itself is itself, and with a merge it took part in too);
  a record is matched with at most one of each other dataset, one with its id first.
* Anything else is a record of its own.  Its id stays, unless an earlier record of
  its collection took it: then it becomes ``ID-2`` (or ``ID-3``, ...; the first
  suffix no earlier record has), reported as ``renamed_id``.

A matched group keeps the id of its first record, and every reference (a
participant, a parent, a funder, a mission's projects, the publisher) follows the
new ids.  Its fields are the first record's; a field the first lacks comes from
the next that has it; lists are united (identifiers, kinds, areas, SDG links,
outputs), participants by partner (the first role kept) and funding lines by
funder, recipient and identifiers.  Two values of one field that differ are a
``conflicting_value`` (the first kept); texts are compared language by language,
so ``{"nb": ...}`` and ``{"en": ...}`` join without conflict.

Merging is idempotent (``merge([a, a])`` is ``merge([a])``, which is ``a`` for a
dataset whose partners and projects share no identifier between them) and
associative up to the naming of renamed ids; the first dataset's values win, so it
is not commutative in the values it keeps, only in which records it gives.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from unikommune import dates
from unikommune.collector import collector_paused
from unikommune.harvest.provenance import ProvenanceRow, read_provenance, renamed
from unikommune.models import COLLECTIONS, Dataset
from unikommune.models.paths import references

__all__ = ["MERGE_CODES", "MergeFinding", "MergeResult", "merge", "merge_paths"]

#: Every code a merge reports, with what it means.  Codes never change meaning.
MERGE_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "conflicting_value": "Records merged into one give a field two values; the first is kept.",
        "conflicting_metadata": "The datasets' metadata differ (licence, profile); the first's "
        "is kept.",
        "renamed_id": "Two different records had one id; the later one was given a new id.",
    }
)

#: The collections whose records are matched by their identifiers.
_BY_IDENTIFIER = frozenset({"partners", "projects"})


@dataclass(frozen=True, slots=True)
class MergeFinding:
    """A conflict met, or an id renamed, while merging."""

    code: str
    collection: str
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.collection}/{self.id}" if self.id else self.collection
        return f"{where}: {self.field}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged dataset, its findings, and the provenance of its records."""

    dataset: Dataset
    findings: list[MergeFinding]
    provenance: list[ProvenanceRow] = field(default_factory=list)


class _Groups:
    """Union-find over the records of one collection, numbered in merge order.

    Each group knows the datasets its records come from (``tags``).
    """

    def __init__(self, tags: Sequence[int]) -> None:
        self.up = list(range(len(tags)))
        self.tags: dict[int, set[int]] = {at: {tag} for at, tag in enumerate(tags)}

    def find(self, at: int) -> int:
        while self.up[at] != at:
            self.up[at] = self.up[self.up[at]]
            at = self.up[at]
        return at

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            root, child = min(a, b), max(a, b)  # the group's first record stays its root
            self.up[child] = root
            self.tags[root] |= self.tags.pop(child)

    def holds(self, at: int, tag: int) -> bool:
        """Return whether the group of ``at`` holds a record of dataset ``tag``."""
        return tag in self.tags[self.find(at)]


#: One encoder for every content key (``json.dumps`` would make one per call).
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _key(value: Any) -> str:
    return _KEY_ENCODER.encode(value)


Records = list[tuple[int, dict[str, Any]]]


class _Matcher:
    """Finds the records of every collection that are one thing.

    Partners and projects that share an identifier are joined first.  Then records of
    one collection from different datasets with the same content (but perhaps another
    id: the id a merge gave) are joined, their references
    read as the groups of the records they point to (so ``"partner": "b"`` in two
    datasets is the same only where both ``b`` are one partner); as a join can make
    more contents equal, this repeats until nothing joins.
    """

    def __init__(self, records: Mapping[str, Records]) -> None:
        self.records = records
        self.groups = {
            name: _Groups([index for index, _ in found]) for name, found in records.items()
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
        self.roots: dict[tuple[str, int], Callable[[str], str]] = {}

    def match(self) -> dict[str, list[list[int]]]:
        """Return the groups of each collection, each in merge order, groups by their first."""
        for name in _BY_IDENTIFIER:
            seen: dict[tuple[str, str], int] = {}
            for at, (_, record) in enumerate(self.records[name]):
                for item in record.get("identifiers", []):
                    self.groups[name].join(seen.setdefault((item["scheme"], item["value"]), at), at)
        joined = True
        while joined:  # every collection each round: a join in one may make another's equal
            joined = False
            for name in self.records:
                joined = self._same_content(name) or joined
        found = {}
        for name, groups in self.groups.items():
            members: dict[int, list[int]] = {}
            for at in range(len(self.records[name])):
                members.setdefault(groups.find(at), []).append(at)
            found[name] = [members[root] for root in sorted(members)]
        return found

    def _same_content(self, name: str) -> bool:
        """Join records of ``name`` from different datasets with the same content.

        Each record joins at most one group, and a group holds at most one record of a
        dataset by content: a record joins the first earlier one with its content and
        its id, else the first with its content; return whether any joined.
        """
        joined = False
        groups, records = self.groups[name], self.records[name]
        seen: dict[str, list[int]] = {}
        for _, members in itertools.groupby(range(len(records)), key=lambda at: records[at][0]):
            keyed = [(at, key) for at in members if (key := self._content(name, at)) is not None]
            for same_id in (True, False):
                for at, key in keyed:
                    match = self._match(name, at, seen.get(key, ()), same_id=same_id)
                    if match is not None:
                        groups.join(match, at)
                        joined = True
            for at, key in keyed:
                seen.setdefault(key, []).append(at)
        return joined

    def _content(self, name: str, at: int) -> str | None:
        """Return the content of a record without its id, its references read as groups."""
        index, record = self.records[name][at]
        if name in _BY_IDENTIFIER and record.get("identifiers"):
            return None  # the same content has the same identifiers: joined already
        undo: list[tuple[Any, Any, str]] = []
        for collection, steps in self.paths[name]:
            _rewrite(record, steps, self._root(collection, index), undo)
        kept_id = record.pop("id")
        key = _key(record)
        record["id"] = kept_id
        for holder, place, old in reversed(undo):  # the record as it was
            holder[place] = old
        return key

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

    def _root(self, collection: str, index: int) -> Callable[[str], str]:
        found = self.roots.get((collection, index))
        if found is None:
            found = self.roots[collection, index] = self._new_root(collection, index)
        return found

    def _new_root(self, collection: str, index: int) -> Callable[[str], str]:
        position, groups = self.position[collection], self.groups[collection]

        def root(old: str) -> str:
            at = position.get((index, old))
            return f"#{groups.find(at)}" if at is not None else f"?{index}:{old}"

        return root


def _new_ids(
    collection: str,
    records: list[tuple[int, dict[str, Any]]],
    groups: list[list[int]],
    findings: list[MergeFinding],
) -> dict[tuple[int, str], str]:
    """Give each group an id; return the new id of each (dataset, old id)."""
    taken: set[str] = set()
    ids: dict[tuple[int, str], str] = {}
    for group in groups:
        wanted = records[group[0]][1]["id"]
        new, suffix = wanted, 1
        while new in taken:
            suffix += 1
            new = f"{wanted}-{suffix}"
        taken.add(new)
        if new != wanted:
            findings.append(
                MergeFinding(
                    "renamed_id",
                    collection,
                    new,
                    "id",
                    f"{wanted!r} was taken by another record; this one is now {new!r}",
                )
            )
        for at in group:
            index, record = records[at]
            ids.setdefault((index, record["id"]), new)
    return ids


def _rewrite(
    node: Any,
    steps: Sequence[str],
    rename: Callable[[str], str],
    undo: list[tuple[Any, Any, str]] | None = None,
) -> None:
    """Give every reference at ``steps`` below ``node`` (a dict or list) its new id.

    With ``undo``, each change is noted there as ``(holder, place, old value)``.
    """
    if not steps or node is None:
        return
    step, rest = steps[0], steps[1:]
    if step == "[]":
        if not isinstance(node, list):
            return
        for at, item in enumerate(node):
            if not rest and isinstance(item, str):
                if undo is not None:
                    undo.append((node, at, item))
                node[at] = rename(item)
            else:
                _rewrite(item, rest, rename, undo)
        return
    if not isinstance(node, dict) or step not in node:
        return
    if rest:
        _rewrite(node[step], rest, rename, undo)
    elif isinstance(node[step], str):  # a mixed field's object (a publisher) is no reference
        if undo is not None:
            undo.append((node, step, node[step]))
        node[step] = rename(node[step])


def _references(document: dict[str, Any], ids: Mapping[str, Mapping[str, str]]) -> None:
    """Rewrite every reference of one dataset's document to the merged ids of its records."""
    for path in references(Dataset):
        _rewrite(document, [name for _, name in path.steps], _renamer(ids[path.collection]))


def _renamer(ids: Mapping[str, str]) -> Callable[[str], str]:
    return lambda old: ids.get(old, old)


#: Fields holding a period, joined bound by bound.
_PERIODS = frozenset({"period", "timeframe"})
#: Fields whose values are lists of distinct items, united when records merge.
_UNITED = frozenset(
    {"identifiers", "kinds", "focus_areas", "thematic_areas", "sdg_links", "outputs", "owners"}
)


class _Combiner:
    """Combines the records of a group into one, reporting the conflicts."""

    def __init__(self, collection: str, findings: list[MergeFinding]) -> None:
        self.collection = collection
        self.findings = findings

    def conflict(self, record: str, name: str, kept: Any, other: Any) -> None:
        self.findings.append(
            MergeFinding(
                "conflicting_value",
                self.collection,
                record,
                name,
                f"{_key(kept)} kept, {_key(other)} also given",
            )
        )

    def combine(self, merged: dict[str, Any], other: Mapping[str, Any]) -> None:
        """Fold ``other`` into ``merged`` (the group's first record, with its new id)."""
        for name, value in other.items():
            if name == "id":
                continue
            mine = merged.get(name)
            if mine is None:
                merged[name] = value
            elif mine == value:
                continue
            elif name in _UNITED and isinstance(mine, list):
                mine += [item for item in value if item not in mine]
            elif name == "participants":
                self._participants(merged["id"], mine, value)
            elif name == "funding":
                self._funding(merged["id"], mine, value)
            elif name in _PERIODS and isinstance(mine, dict):
                self._period(merged["id"], name, mine, value)
            elif _is_text(mine) and _is_text(value):
                for language, text in value.items():
                    if language not in mine:
                        mine[language] = text
                    elif mine[language] != text:
                        self.conflict(merged["id"], f"{name}.{language}", mine[language], text)
            else:
                self.conflict(merged["id"], name, mine, value)

    def _period(
        self, record: str, name: str, mine: dict[str, Any], other: Mapping[str, Any]
    ) -> None:
        """Join two periods bound by bound.

        A known bound fills an unknown one, and a bound within the other (2022-01-01
        within 2022) is kept as the more precise.
        """
        for bound in ("start", "end"):
            kept, given = mine.get(bound), other.get(bound)
            if given is None or given == "" or given == kept:
                continue
            if kept is None or kept == "" or _within(given, kept):
                mine[bound] = given
            elif not _within(kept, given):
                self.conflict(record, f"{name}.{bound}", kept, given)

    def _participants(self, record: str, mine: list[Any], other: list[Any]) -> None:
        roles = {item["partner"]: item for item in mine}
        for item in other:
            found = roles.get(item["partner"])
            if found is None:
                mine.append(item)
                roles[item["partner"]] = item
            elif found != item:
                self.conflict(record, f"participants[{item['partner']}]", found, item)

    def _funding(self, record: str, mine: list[Any], other: list[Any]) -> None:
        lines = {_funding_key(line): line for line in mine}
        for line in other:
            found = lines.get(_funding_key(line))
            if found is None:
                mine.append(line)
                lines[_funding_key(line)] = line
                continue
            for name, value in line.items():
                if found.get(name) is None:
                    found[name] = value
                elif found[name] != value and name != "programme":
                    self.conflict(record, f"funding.{name}", found[name], value)


def _within(inner: str, outer: str) -> bool:
    """Return whether the days ``inner`` may be all lie among those ``outer`` may be."""
    try:
        narrow, wide = dates.parse_period_end(inner), dates.parse_period_end(outer)
    except dates.InvalidDateError:
        return False
    if None in (narrow.earliest, narrow.latest, wide.earliest, wide.latest):
        return False
    return wide.earliest <= narrow.earliest and narrow.latest <= wide.latest  # type: ignore[operator]


def _funding_key(line: Mapping[str, Any]) -> str:
    return _key(
        [
            line.get("funder"),
            line.get("funder_name"),
            line.get("recipient"),
            line.get("identifiers"),
        ]
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(text, str) for text in value.values())


def _metadata(documents: list[dict[str, Any]], findings: list[MergeFinding]) -> dict[str, Any]:
    """Return the merged dataset's metadata: the first's, with languages united."""
    merged = {key: value for key, value in documents[0].items() if key not in COLLECTIONS}
    for document in documents[1:]:
        for name in ("license", "profile"):
            if _key(document.get(name)) != _key(merged.get(name)):
                findings.append(
                    MergeFinding(
                        "conflicting_metadata",
                        "dataset",
                        "",
                        name,
                        f"{_key(merged.get(name))} kept, {_key(document.get(name))} also given",
                    )
                )
        merged["languages"] += [
            language for language in document["languages"] if language not in merged["languages"]
        ]
        merged["modified"] = max(merged["modified"], document["modified"])
    return merged


def merge(
    datasets: Sequence[Dataset], provenance: Sequence[Iterable[ProvenanceRow]] = ()
) -> MergeResult:
    """Merge ``datasets`` in order into one; see the module's documentation for how.

    Args:
        datasets: The datasets, the first one's values winning conflicts.
        provenance: The provenance rows of each dataset, in the same order (or none).

    Raises:
        ValueError: No dataset is given.
    """
    if not datasets:
        raise ValueError("merge needs at least one dataset")
    with collector_paused():  # dumps and groups: millions of objects, no cycle
        return _merged(datasets, provenance)


def _merged(
    datasets: Sequence[Dataset], provenance: Sequence[Iterable[ProvenanceRow]]
) -> MergeResult:
    """Merge ``datasets`` (at least one) with the collector paused; see :func:`merge`."""
    documents = [
        dataset.model_dump(mode="json", by_alias=True, exclude_none=True) for dataset in datasets
    ]
    findings: list[MergeFinding] = []
    ids_of: list[dict[str, dict[str, str]]] = [{} for _ in documents]
    every = {
        collection: [
            (index, record)
            for index, document in enumerate(documents)
            for record in document.get(collection, [])
        ]
        for collection in COLLECTIONS
    }
    grouped: dict[str, tuple[Records, list[list[int]]]] = {}
    for collection, groups in _Matcher(every).match().items():
        records = every[collection]
        for (index, old), new in _new_ids(collection, records, groups, findings).items():
            ids_of[index].setdefault(collection, {})[old] = new
        grouped[collection] = (records, groups)
    for index, document in enumerate(documents):
        _references(document, {name: ids_of[index].get(name, {}) for name in COLLECTIONS})
    merged = _metadata(documents, findings)
    for collection, (records, groups) in grouped.items():
        combiner = _Combiner(collection, findings)
        out = []
        for group in groups:
            index, first = records[group[0]]
            record = first  # the documents are this merge's own dumps: changed in place
            record["id"] = ids_of[index][collection][first["id"]]
            for at in group[1:]:
                combiner.combine(record, records[at][1])
            if collection == "partners" and record.get("parent") == record["id"]:
                del record["parent"]  # a unit merged with the organisation it belongs to
            out.append(record)
        if out:
            merged[collection] = out
    rows: list[ProvenanceRow] = []
    for index, given in enumerate(provenance):
        moved = {(c, old): n for c, ids in ids_of[index].items() for old, n in ids.items()}
        rows += renamed(given, moved)
    return MergeResult(Dataset.model_validate(merged), findings, sorted(set(rows)))


def merge_paths(paths: Sequence[str | Path]) -> MergeResult:
    """Load the datasets at ``paths`` (with the ``provenance.csv`` of each folder) and merge them.

    Raises:
        DatasetReadError: A dataset cannot be read, or does not fit the models.
    """
    from unikommune.loading import load

    datasets = [load(path) for path in paths]
    return merge(datasets, [read_provenance(path) for path in paths])
