"""References: every id a record refers to is the id of a record of the collection it names.

Which fields are references, and into which collection, is declared on the models
(:class:`~unikommune.models.values.RefersTo`); this module reads the declarations
(:mod:`unikommune.models.paths`).  A reference into a collection already read is
checked at once; one into a collection still to come (a mission's projects, a
unit's parent) waits until every collection is read.  A reference of a record to
another record of its own collection (a unit's parent, the agreement one
supersedes) must not lead back to where it started.

A reference that names no record suggests the closest id of its collection
(:mod:`unikommune.rules.suggestions`, in time bounded by the value's length), when
the collection holds at most :data:`SUGGEST_AMONG` ids: the suggestion depends on
the id and the collection alone, so it is the same however the dataset is read (in
parts or not).

When a file of the collection a reference points into could not be read
(:attr:`Context.unreadable <unikommune.rules.context.Context.unreadable>`), a
reference naming no record read is not reported: the record may be in that file.
One ``checks_skipped`` note, on the broken file, says how many were skipped.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unikommune.findings import Where
from unikommune.models.paths import Indexes, Reference
from unikommune.rules import rule
from unikommune.rules.context import Context, PartNotSelfContained
from unikommune.rules.records import RECORDS, noun, reference_paths, with_paths
from unikommune.rules.suggestions import NearIds

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["SUGGEST_AMONG", "closest_id", "references_resolve", "unresolved"]

#: The most ids a collection may hold for an unresolved reference to suggest the closest
#: (the index of a larger one would take more memory than a suggestion is worth).
SUGGEST_AMONG = 50_000

_REFERENCES = {kind: reference_paths(kind) for kind in RECORDS}
#: References of a record to one other record of its own collection, which may form circles.
_CHAINS = {
    kind: tuple(
        path
        for path in paths
        if path.collection == kind and all(json != "[]" for _, json in path.steps)
    )
    for kind, paths in _REFERENCES.items()
}
_WAITING = "waiting references"
_SKIPPED = "skipped references"


def closest_id(context: Context, collection: str, value: str) -> str | None:
    """Return the id of ``collection`` closest to ``value``, if one is close enough.

    Only a collection of at most :data:`SUGGEST_AMONG` ids is searched.  Its index is
    made once, when every id of it is known (an unresolved reference into it is
    reported then).
    """
    known = context.ids[collection]
    if not known or len(known) > SUGGEST_AMONG:
        return None
    if not context.is_done(collection):
        return NearIds(known).closest(value)
    near: NearIds = context.derived(("near ids", collection), lambda: NearIds(known))
    return near.closest(value)


def unresolved(
    context: Context, path: Reference, indexes: Indexes, value: str, where: Where
) -> None:
    """Report that the reference at ``path`` (``indexes``) names ``value``, which no record has.

    When a file of the collection could not be read, count the reference among the
    skipped checks instead (see the module docstring).
    """
    target = path.collection
    if target in context.unreadable:
        _skip(context, target)
        return
    what = noun(target)
    article = "an" if what[0] in "aeiou" else "a"
    close = closest_id(context, target, value)
    fix = f"did you mean {close!r}? Correct" if close is not None else "correct"
    context.add(
        "unresolved_reference",
        f"{path.label(indexes)}: expected the id of {article} {what} in the dataset, found "
        f"{value!r}, which no {what} has; {fix} the id or add the {what}",
        where,
        path.pointer(indexes),
    )


def _skip(context: Context, target: str) -> None:
    """Count a reference into ``target`` not checked, its collection's file being unread."""
    if context.in_part():
        raise PartNotSelfContained("a part skipped a reference check")
    skipped: dict[str, int] = context.facts(_SKIPPED)
    if target not in skipped:
        skipped[target] = 0
        context.later(partial(_report_skipped, target=target))
    skipped[target] += 1


def _report_skipped(context: Context, target: str, waited: bool = False) -> None:
    """Say, on the file of ``target`` that could not be read, how many checks were skipped.

    It waits one more round of the checks left for the end, so that the references
    waiting for every collection are counted too.
    """
    if not waited:
        context.later(partial(_report_skipped, target=target, waited=True))
        return
    count = context.facts(_SKIPPED).pop(target, 0)
    if not count:
        return
    file = context.unreadable[target]
    what = noun(target)
    references = "reference" if count == 1 else "references"
    context.add(
        "checks_skipped",
        f"{Path(file).name} could not be read, so {count} {references} to {what} ids not "
        f"found in the other files of {target} {'was' if count == 1 else 'were'} not "
        f"checked (the {what}s may be in this file); fix this file and validate again",
        (file, "", None),
    )


@rule("unresolved_reference", "reference_cycle", collections=with_paths(_REFERENCES))
def references_resolve(context: Context, collection: str, batch: Batch) -> None:
    """Report every reference that names no record of its collection, and every circle."""
    records = batch.records
    for path in _REFERENCES[collection]:
        target = path.collection
        if target == collection or not context.is_done(target):
            _wait(context, path, batch)
            continue
        known = context.ids[target]
        if path in batch.resolved or path.all_known(records, known):
            continue
        unknown = set(path.ids_across(records)).difference(known)
        for index in path.holding(records, unknown):
            record = records[index]
            for indexes, value in path.values(record):
                if type(value) is str and value not in known:
                    unresolved(context, path, indexes, value, batch.where(index))
    for path in _CHAINS[collection]:
        family = f"chain {path}"
        chains: dict[str, tuple[str, Where]] = context.facts(family)
        for index, record in enumerate(records):
            values = path.plain(record)
            if values:
                chains[record.id] = (values[0], batch.where(index))
        if chains and family not in context.facts(_WAITING):
            context.facts(_WAITING)[family] = True
            context.later(partial(_circles, path=path))


def _wait(context: Context, path: Reference, batch: Batch) -> None:
    """Keep the references of a batch at ``path`` until every collection is read."""
    waiting: dict[Any, Any] = context.facts(_WAITING)
    pending: list[tuple[Reference, list[tuple[Indexes, Any]], Where]] | None = waiting.get(path)
    plain = path.plain
    for index, record in enumerate(batch.records):
        values = path.values(record) if plain(record) else ()
        if values:
            if pending is None:
                pending = waiting[path] = []
                context.later(partial(_resolve, path=path))
            pending.append((path, values, batch.where(index)))


def _resolve(context: Context, path: Reference) -> None:
    known = context.ids[path.collection]
    for _, values, where in context.facts(_WAITING).pop(path, ()):
        for indexes, value in values:
            if type(value) is str and value not in known:
                unresolved(context, path, indexes, value, where)


def _circles(context: Context, path: Reference) -> None:
    """Report each circle the references at ``path`` make, once, at its first record."""
    links: dict[str, tuple[str, Where]] = context.facts(f"chain {path}")
    field = path.label()
    what = noun(path.collection)
    state: dict[str, int] = {}
    for start in sorted(links):
        trail: list[str] = []
        node: str | None = start
        while node is not None and node in links and state.get(node, 0) == 0:
            state[node] = 1
            trail.append(node)
            node = links[node][0]
        if node is not None and state.get(node) == 1 and node in trail:
            circle = trail[trail.index(node) :]
            chain = " -> ".join([*circle, circle[0]])
            context.add(
                "reference_cycle",
                f"{field}: the {what}s refer to each other in a circle ({chain}); break it",
                links[circle[0]][1],
                path.pointer(),
            )
        for member in trail:
            state[member] = 2
