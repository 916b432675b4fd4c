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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from unikommune import dates
from unikommune.collector import collector_paused
from unikommune.harvest.matching import Matcher, Records, content_key, holders
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


def _references(document: dict[str, Any], ids: Mapping[str, Mapping[str, str]]) -> None:
    """Rewrite every reference of one dataset's document to the merged ids of its records."""
    moved = {
        name: {old: new for old, new in given.items() if old != new} for name, given in ids.items()
    }
    for path in references(Dataset):
        news = moved[path.collection]
        if not news:
            continue  # no record this path may point to has a new id
        steps = [name for _, name in path.steps]
        last = steps[-1]
        for holder in holders(document, steps):
            if last == "[]":
                if isinstance(holder, list):
                    for place, item in enumerate(holder):
                        if isinstance(item, str) and item in news:
                            holder[place] = news[item]
            elif isinstance(holder, dict):
                item = holder.get(last)
                # a mixed field's object (a publisher) is no reference
                if isinstance(item, str) and item in news:
                    holder[last] = news[item]


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
                f"{content_key(kept)} kept, {content_key(other)} also given",
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
    return content_key(
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
            kept, given = content_key(merged.get(name)), content_key(document.get(name))
            if given != kept:
                message = f"{kept} kept, {given} also given"
                findings.append(MergeFinding("conflicting_metadata", "dataset", "", name, message))
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
    for collection, groups in Matcher(every).match().items():
        new_ids = _new_ids(collection, every[collection], groups, findings)
        for (index, old), new in new_ids.items():
            ids_of[index].setdefault(collection, {})[old] = new
        grouped[collection] = (every[collection], groups)
    for index, document in enumerate(documents):
        _references(document, {name: ids_of[index].get(name, {}) for name in COLLECTIONS})
    merged = _metadata(documents, findings)
    for collection in list(grouped):
        out = _combined(collection, *grouped.pop(collection), ids_of, findings)
        for document in documents:  # the groups' first records are all that is kept
            document.pop(collection, None)
        del every[collection]
        if out:
            merged[collection] = out
    rows: list[ProvenanceRow] = []
    for index, given in enumerate(provenance):
        moved = {(c, old): n for c, ids in ids_of[index].items() for old, n in ids.items()}
        rows += renamed(given, moved)
    return MergeResult(_validated(merged), findings, sorted(set(rows)))


def _combined(
    collection: str,
    records: Records,
    groups: list[list[int]],
    ids_of: list[dict[str, dict[str, str]]],
    findings: list[MergeFinding],
) -> list[dict[str, Any]]:
    """Return the merged records of ``collection``: each group's first, the others folded in."""
    combiner = _Combiner(collection, findings)
    out = []
    for group in groups:
        index, record = records[group[0]]  # this merge's own dump: changed in place
        record["id"] = ids_of[index][collection][record["id"]]
        for at in group[1:]:
            combiner.combine(record, records[at][1])
        if collection == "partners" and record.get("parent") == record["id"]:
            del record["parent"]  # a unit merged with the organisation it belongs to
        out.append(record)
    return out


#: How many records of a collection the models check at a time (see :func:`_validated`).
_CHECKED_AT_ONCE = 20_000


def _validated(merged: dict[str, Any]) -> Dataset:
    """Return ``Dataset.model_validate(merged)``, made a slice of a collection at a time.

    Each slice of records is checked by the models as a dataset of those records alone,
    and replaced in its list by their models, so that its dumps go at once: the dumps
    of the whole merge and its models are never all held together.  If the models
    reject anything, the whole document (the records checked already as their models,
    which pass as they are) is checked at once, to raise the same error as checking it
    whole would.

    Raises:
        pydantic.ValidationError: The models reject the merged document.
    """
    names = [name for name in COLLECTIONS if name in merged]
    parts = {name: merged.pop(name) for name in names}
    try:
        dataset = Dataset.model_validate(merged)
        for name in names:
            records = parts[name]
            for start in range(0, len(records), _CHECKED_AT_ONCE):
                given = {**merged, name: records[start : start + _CHECKED_AT_ONCE]}
                models = Dataset.model_validate(given).collection(name)
                records[start : start + _CHECKED_AT_ONCE] = models
    except ValidationError:
        return Dataset.model_validate(merged | parts)  # raises the error with every place
    for name in names:
        setattr(dataset, name, parts.pop(name))
    return dataset


def merge_paths(paths: Sequence[str | Path]) -> MergeResult:
    """Load the datasets at ``paths`` (with the ``provenance.csv`` of each folder) and merge them.

    Raises:
        DatasetReadError: A dataset cannot be read, or does not fit the models.
    """
    from unikommune.loading import load

    datasets = [load(path) for path in paths]
    return merge(datasets, [read_provenance(path) for path in paths])
