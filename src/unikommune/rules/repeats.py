"""Repeats: a partner, an SDG link, a DOI or a grant number given twice.

* A partner listed twice among an agreement's parties or a project's participants is an
  error, unless the two entries' periods certainly share no day: a partner that leaves
  and rejoins, or changes its role from a date, has one entry per period.  An entry
  without a period holds for the whole agreement or project.
* An SDG link to the same goal and target (or to the same goal without a target) twice
  on one record is an error, whoever made the links: the graphs draw one link per goal
  and target of a record.
* A DOI on outputs of two projects (or on two outputs of one), and a grant number of one
  funder for one recipient on two funding lines, are warnings that name the project that
  gave it first, as a record's repeated identifier is
  (:func:`~unikommune.rules.identifiers.records_entered_twice`).  DOIs are compared
  regardless of case, as the DOI system does; a funder is the same partner, or a name
  alike in one language.

Which lists hold partners and SDG links, and where outputs and funding lines are, is
read from the models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from unikommune.identifiers import doi_key, identifier_key
from unikommune.models import AgreementParty, Funding, Output, Participation, SdgLink
from unikommune.models.paths import FieldPath, Indexes
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.periods import shares_no_day
from unikommune.rules.records import RECORDS, noun, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["dois_given_once", "grants_given_once", "links_given_once", "partners_listed_once"]


def _lists_of(kind: str, *parts: type[BaseModel]) -> tuple[FieldPath, ...]:
    """Return the lists of ``parts`` (participations, SDG links) a record of ``kind`` holds."""
    return tuple(
        FieldPath(path.steps[:-1])
        for part in parts
        for path in part_paths(kind, part)
        if path.steps[-1][0] == "[]"
    )


def _repeats(
    path: FieldPath, records: Sequence[Any], key: Callable[[Any], Any]
) -> list[tuple[int, Indexes, Any]]:
    """Return ``(position, indexes, items)`` of each list at ``path`` that gives a key twice."""

    def distinct(items: Sequence[Any]) -> bool:
        return len(items) < 2 or len(set(map(key, items))) == len(items)

    return path.refused(records, distinct)


_PARTNERS = {kind: _lists_of(kind, AgreementParty, Participation) for kind in RECORDS}
_PARTNER = attrgetter("partner")


def _overlapping(entries: Sequence[Any]) -> list[tuple[int, int]]:
    """Return ``(repeat, first)`` for every entry whose partner an earlier entry names.

    ``first`` is the first earlier entry of the partner whose period may share a day with
    the repeat's; an entry whose periods certainly share none with every earlier one of its
    partner is no repeat.
    """
    found = []
    for at, entry in enumerate(entries):
        for before in range(at):
            other = entries[before]
            if other.partner == entry.partner and not shares_no_day(other.period, entry.period):
                found.append((at, before))
                break
    return found


@rule("duplicate_partner", collections=with_paths(_PARTNERS))
def partners_listed_once(context: Context, collection: str, batch: Batch) -> None:
    """Report a partner listed twice among parties or participants for times that may overlap."""
    for path in _PARTNERS[collection]:
        for index, indexes, entries in _repeats(path, batch.records, _PARTNER):
            label = path.label(indexes)
            for at, first in _overlapping(entries):
                role = entries[first].role
                context.add(
                    "duplicate_partner",
                    f"{label}[{at}].partner: {entries[at].partner!r} is already listed at "
                    f"{label}[{first}]{f' (as {role})' if role is not None else ''} for a "
                    "time this entry may share; list a partner once, or give the two entries "
                    "periods apart (a partner that leaves and rejoins, or changes its role)",
                    batch.where(index),
                    f"{path.pointer(indexes)}/{at}/partner",
                )


_LINKS = {kind: _lists_of(kind, SdgLink) for kind in RECORDS}
_GOAL_AND_TARGET = attrgetter("goal", "target")


@rule("duplicate_sdg_link", collections=with_paths(_LINKS))
def links_given_once(context: Context, collection: str, batch: Batch) -> None:
    """Report an SDG link to a goal and target that the record already links to."""
    for path in _LINKS[collection]:
        for index, indexes, links in _repeats(path, batch.records, _GOAL_AND_TARGET):
            label = path.label(indexes)
            first: dict[tuple[int, str | None], int] = {}
            for at, link in enumerate(links):
                goal, target = _GOAL_AND_TARGET(link)
                before = first.setdefault((goal, target), at)
                if before == at:
                    continue
                what = f"goal {goal}, target {target}" if target else f"goal {goal}"
                context.add(
                    "duplicate_sdg_link",
                    f"{label}[{at}]: {what} is already linked at {label}[{before}]"
                    f"{'' if target else ' (without a target)'}; remove the repeat, or merge "
                    "the two links (role, weight, rationale, provenance) into one",
                    batch.where(index),
                    f"{path.pointer(indexes)}/{at}",
                )


def _all_new(seen: dict[Any, Any], keys: Sequence[Any]) -> bool:
    """Return whether none of ``keys`` was seen before and none is given twice."""
    return seen.keys().isdisjoint(keys) and len(set(keys)) == len(keys)


_OUTPUTS = {kind: part_paths(kind, Output) for kind in RECORDS}
_DOIS = {
    kind: tuple(FieldPath((*path.steps, ("doi", "doi"))) for path in paths)
    for kind, paths in _OUTPUTS.items()
}
#: The facts of DOIs: the id of the record that gave each first, by its key (`doi_key`).
_SEEN_DOIS = "DOIs seen"


@rule("duplicate_doi", collections=with_paths(_DOIS))
def dois_given_once(context: Context, collection: str, batch: Batch) -> None:
    """Report a DOI another output gives, of this project or another (the first is named)."""
    seen: dict[str, str] = context.facts(_SEEN_DOIS)
    records = batch.records
    what = noun(collection)
    for path in _DOIS[collection]:
        keys = list(map(doi_key, path.across(records)))
        if _all_new(seen, keys):
            seen.update(zip(keys, [records[at].id for at in path.owners(records)], strict=True))
            continue
        for index, record in enumerate(records):  # a DOI is given again: look record by record
            mine: dict[str, str] = {}  # the output of this record that gave each DOI
            for indexes, doi in path.values(record):
                key, label = doi_key(doi), path.label(indexes)
                if key in mine:
                    message = (
                        f"is already the DOI of {mine[key]} of this {what}; remove the repeated "
                        "output, or correct its DOI"
                    )
                elif key in seen:
                    message = (
                        f"is also the DOI of an output of {what} {seen[key]!r}; a joint output "
                        f"may be listed by both, else the two are probably one {what} entered "
                        "twice"
                    )
                else:
                    seen[key] = record.id
                    mine[key] = label.rsplit(".", 1)[0]
                    continue
                mine.setdefault(key, label.rsplit(".", 1)[0])
                context.add(
                    "duplicate_doi",
                    f"{label}: {doi} {message}",
                    batch.where(index),
                    path.pointer(indexes),
                )


_FUNDING = {kind: part_paths(kind, Funding) for kind in RECORDS}
#: The facts of grant numbers: for each ``(scheme, value)``, the grant that gave it first, or
#: a list of the grants that gave it (of other funders or recipients).
_SEEN_GRANTS = "grant numbers seen"
#: What is kept of a funding line that gives a grant number: the id of its record, its
#: funder, the funder's name and its recipient.
_Grant = tuple[str, Any, Any, Any]


def _number(identifier: Any) -> tuple[str, str]:
    """Return a funding line's identifier as grant numbers are compared."""
    scheme = str(identifier.scheme)
    return scheme, identifier_key(scheme, identifier.value)


def _alike(text: str, other: object) -> bool:
    """Return whether two names are the same but for case and white space."""
    return (
        isinstance(other, str) and " ".join(text.split()).lower() == " ".join(other.split()).lower()
    )


def _same_grant(first: _Grant, then: _Grant) -> bool:
    """Return whether two funding lines give a number from one funder to one recipient.

    The funder is the same partner, when both name one; else a name alike in one language.
    """
    _, funder, name, recipient = first
    _, other, other_name, other_recipient = then
    if recipient != other_recipient:
        return False
    if funder is not None and other is not None:
        return bool(funder == other)
    return bool(name and other_name) and any(
        _alike(text, other_name.get(language)) for language, text in name.items()
    )


@rule("duplicate_grant", collections=with_paths(_FUNDING))
def grants_given_once(context: Context, collection: str, batch: Batch) -> None:
    """Report a grant number another funding line of the same funder gives (the first is named)."""
    seen: dict[tuple[str, str], _Grant | list[_Grant]] = context.facts(_SEEN_GRANTS)
    records = batch.records
    for path in _FUNDING[collection]:
        keys: list[tuple[str, str]] = []
        grants: list[_Grant] = []
        for at, line in zip(path.owners(records), path.across(records), strict=True):
            if line.identifiers:
                grant = (records[at].id, line.funder, line.funder_name, line.recipient)
                for identifier in line.identifiers:
                    keys.append(_number(identifier))
                    grants.append(grant)
        if _all_new(seen, keys):
            seen.update(zip(keys, grants, strict=True))
        elif keys:  # a number is given again: look record by record
            for index, record in enumerate(records):
                _grants_of(context, collection, batch, index, record, path, seen)


def _grants_of(
    context: Context,
    collection: str,
    batch: Batch,
    index: int,
    record: Any,
    path: FieldPath,
    seen: dict[tuple[str, str], _Grant | list[_Grant]],
) -> None:
    """Report each grant number of ``record`` another funding line gave; remember them all."""
    what = noun(collection)
    mine: list[tuple[str, tuple[str, str], _Grant]] = []  # (line, number, grant) of the record
    for indexes, line in path.values(record):
        holder = path.label(indexes)
        grant = (record.id, line.funder, line.funder_name, line.recipient)
        given: set[tuple[str, str]] = set()
        for number, identifier in enumerate(line.identifiers or ()):
            key = _number(identifier)
            if key in given:  # the line gives its own number twice: not another line
                continue
            given.add(key)
            here = next(
                (
                    label
                    for label, other, earlier in mine
                    if other == key and _same_grant(earlier, grant)
                ),
                None,
            )
            found = seen.get(key)
            earlier = [] if found is None else found if isinstance(found, list) else [found]
            other = next(
                (
                    first[0]
                    for first in earlier
                    if first[0] != record.id and _same_grant(first, grant)
                ),
                None,
            )
            seen[key] = [*earlier, grant] if earlier else grant
            mine.append((holder, key, grant))
            if here is not None:
                message = (
                    f"is already a grant number of {here} of this {what}, from the same funder "
                    "for the same recipient; merge the two funding lines, or give each its "
                    "recipient"
                )
            elif other is not None:
                message = (
                    f"is also a grant number, from the same funder, of {what} {other!r}; the "
                    f"two are probably one {what} entered twice: merge them, or correct the "
                    "grant number"
                )
            else:
                continue
            context.add(
                "duplicate_grant",
                f"{holder}.identifiers[{number}]: {identifier.scheme} {identifier.value} {message}",
                batch.where(index),
                f"{path.pointer(indexes)}/identifiers/{number}/value",
            )
