"""The privacy guard every export passes: no personal data, no count too small to publish.

:func:`guard` reads a dataset as it would be published and returns a
:class:`Guarded`: the findings, and a copy of the dataset with small counts hidden.

* **Personal data in any text or identifier** (:mod:`unikommune.privacy`): a
  national identity, D-, H- or synthetic number under the rules before and from
  2032 (``personal_identity_number``, an error: the check digits make it certain),
  a person's e-mail address (``personal_email``, an error) or telephone number
  (``personal_phone``, a warning: eight digits may be many things).  The e-mail
  addresses and numbers published as an organisation's contact points are passed
  as ``exempt``.  Functional mailboxes (``postmottak@``) are never reported.
* **Small counts** (:mod:`unikommune.suppression`): a count of people below
  ``minimum`` (3 by default, as Statistics Norway) is hidden (``small_count``):
  a placement's students, a learning activity's participants by partner, and a
  figure of students placed, learning participants or combined positions.  A
  count that a published total would give back is hidden too (secondary
  suppression): a figure of students placed by a partner in a year publishes the
  total of that partner's placements of the year.  A hidden count is published
  as a range, ``{"min": 1, "max": minimum - 1}`` for a small one ("fewer than
  3") and ``{"min": minimum}`` for one hidden to protect another, and
  :attr:`Guarded.suppressed` notes each, without its value.

An export refuses a dataset with an error-level finding unless the caller says
the data is not personal (``--not-personal``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from unikommune.findings import Finding, Severity
from unikommune.models import Dataset
from unikommune.models.values import CountEstimate, Estimate
from unikommune.privacy import PREFILTER, MatchKind, find_personal_data
from unikommune.suppression import SuppressionReason, suppress

__all__ = [
    "GUARD_CODES",
    "PEOPLE_MEASURES",
    "Guarded",
    "Suppressed",
    "guard",
]

#: The codes of the guard's findings: severity and what each means.
GUARD_CODES: dict[str, tuple[Severity, str]] = {
    "personal_identity_number": (
        Severity.ERROR,
        "A text or identifier holds a national identity, D-, H- or synthetic number.",
    ),
    "personal_email": (Severity.ERROR, "A text holds the e-mail address of a person."),
    "personal_phone": (Severity.WARNING, "A text holds what reads as a telephone number."),
    "small_count": (
        Severity.INFO,
        "A count of people below the minimum cell size is published as a range.",
    ),
}
#: Measures of figures that count people, whose small values are hidden.
PEOPLE_MEASURES = frozenset({"students-placed", "learning-participants", "combined-positions"})

_CODE_OF_KIND = {
    MatchKind.EMAIL: "personal_email",
    MatchKind.PHONE: "personal_phone",
}
_WHAT = {
    MatchKind.NATIONAL_ID: "a national identity number",
    MatchKind.D_NUMBER: "a D-number",
    MatchKind.H_NUMBER: "an H-number",
    MatchKind.SYNTHETIC_ID: "a synthetic test identity number",
    MatchKind.EMAIL: "a person's e-mail address",
    MatchKind.PHONE: "a telephone number",
}


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A count hidden by the guard: where, why, and as what it is published (not its value)."""

    pointer: str
    reason: SuppressionReason
    published_as: dict[str, int]
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guarded:
    """What the guard found, and the dataset as it may be published.

    ``given`` is the dataset the guard read; :attr:`dataset` is that dataset with the
    suppressed counts hidden, made when first asked for (the writers of tables read
    :attr:`document` alone, and a country's dataset hides hundreds of thousands of counts).
    """

    given: Dataset
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    document: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """The dataset as JSON, small counts hidden, for the writers of the forms."""

    @cached_property
    def dataset(self) -> Dataset:
        """Return the dataset as it may be published: each suppressed count as its range."""
        return _hidden(self.given, self.suppressed)

    @property
    def blocked(self) -> bool:
        """Return whether a finding of severity error stops the export."""
        return any(finding.severity is Severity.ERROR for finding in self.findings)


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def _personal(document: dict[str, Any], exempt: Collection[str]) -> list[Finding]:
    """Return a finding for every piece of personal data in a string of ``document``.

    The walk keeps the path as a list and makes a pointer only for a string that holds
    something: a dataset has hundreds of thousands of strings, and almost none does.
    A string is first given to the detectors' prefilter (:data:`PREFILTER`, one call
    in C), and a number is passed over in the loop, without a Python call for either.
    """
    exempt = frozenset(exempt)
    findings: list[Finding] = []
    path: list[str | int] = []
    candidate = PREFILTER.search

    def text(value: str) -> None:
        for match in find_personal_data(value, exempt=exempt):
            findings.append(_finding(match.kind, match.masked, _pointer(path)))

    def walk(items: Iterable[tuple[str | int, Any]]) -> None:
        for key, value in items:
            kind = value.__class__
            if kind is str:
                if candidate(value) is not None:
                    path.append(key)
                    text(value)
                    path.pop()
            elif kind is dict:
                path.append(key)
                walk(value.items())
                path.pop()
            elif kind is list:
                path.append(key)
                walk(enumerate(value))
                path.pop()

    if document.__class__ is dict:
        walk(document.items())
    return findings


def _finding(kind: MatchKind, masked: str, pointer: str) -> Finding:
    code = _CODE_OF_KIND.get(kind, "personal_identity_number")
    return Finding(
        code,
        GUARD_CODES[code][0],
        f"{pointer.lstrip('/')}: holds {_WHAT[kind]} ({masked}); open data carries no "
        "personal data: remove it, or publish the organisation's contact point instead",
        pointer=pointer,
    )


def _year(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _figure_year(figure: dict[str, Any]) -> int | None:
    period = figure.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if isinstance(start, str) and start == end and start.isdigit() and len(start) == 4:
        return int(start)
    return None


def _counts(document: dict[str, Any], minimum: int) -> tuple[dict[str, int], list[list[str]]]:
    """Return the exact counts of people that may be hidden, and the groups of published totals.

    A count may be hidden if it is below ``minimum`` (or not a count: :func:`suppress`
    refuses it), or if it is in a group: a figure of students placed by a partner in a
    year publishes the total of that partner's placements of the year.  The others, nearly
    all the placements of a country, are left out: :func:`suppress` would hide none of them,
    and making a pointer for each took a tenth of the export.
    """
    figures = document.get("figures", [])
    # The exact counts of placements by partner (host or institution) and year, in order,
    # for the pairs that a figure of students placed publishes the total of.
    placed: dict[tuple[Any, Any], list[str]] = {}
    for figure in figures:
        if (pair := _placed_total(figure)) is not None:
            placed[pair] = []
    cells: dict[str, int] = {}
    for at, placement in enumerate(document.get("placements", [])):
        students = placement.get("students")
        if students.__class__ is not int and _year(students) is None:
            continue
        host, year = placement.get("host"), placement.get("year")
        by_host = placed.get((host, year))
        institution = placement.get("institution")
        by_institution = placed.get((institution, year)) if institution != host else None
        if students < minimum or by_host is not None or by_institution is not None:
            pointer = f"/placements/{at}/students"
            cells[pointer] = students
            if by_host is not None:
                by_host.append(pointer)
            if by_institution is not None:
                by_institution.append(pointer)
    for at, activity in enumerate(document.get("learning_activities", [])):
        for part, participants in enumerate(activity.get("participants", [])):
            count = participants.get("count")
            if _year(count) is not None and count < minimum:
                cells[f"/learning_activities/{at}/participants/{part}/count"] = count
    for at, figure in enumerate(figures):
        if (
            figure.get("measure") in PEOPLE_MEASURES
            and figure.get("unit") == "count"
            and _year(figure.get("value")) is not None
        ):
            cells[f"/figures/{at}/value"] = figure["value"]
    groups = []
    for figure in figures:
        if (pair := _placed_total(figure)) is not None and len(placed[pair]) >= 2:
            groups.append(list(placed[pair]))
    return cells, groups


def _placed_total(figure: dict[str, Any]) -> tuple[Any, int] | None:
    """Return the partner and year of an exact figure of students placed, else ``None``."""
    year, partner = _figure_year(figure), figure.get("partner")
    if figure.get("measure") != "students-placed" or year is None or partner is None:
        return None
    return (partner, year) if _year(figure.get("value")) is not None else None


def _small_estimates(document: dict[str, Any], minimum: int) -> Iterator[str]:
    """Yield the pointers of estimated counts of people that are surely below ``minimum``."""
    for at, placement in enumerate(document.get("placements", [])):
        students = placement.get("students")
        if isinstance(students, dict) and _below(students, minimum):
            yield f"/placements/{at}/students"
    for at, activity in enumerate(document.get("learning_activities", [])):
        for part, participants in enumerate(activity.get("participants", [])):
            count = participants.get("count")
            if isinstance(count, dict) and _below(count, minimum):
                yield f"/learning_activities/{at}/participants/{part}/count"


def _below(estimate: dict[str, Any], minimum: int) -> bool:
    high = estimate.get("max", estimate.get("about"))
    return isinstance(high, int | float) and 0 < high < minimum


def _replace(document: dict[str, Any], pointer: str, value: Any) -> None:
    steps = pointer.strip("/").split("/")
    node: Any = document
    for step in steps[:-1]:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[steps[-1]] = value


def guard(dataset: Dataset, *, minimum: int = 3, exempt: Collection[str] = ()) -> Guarded:
    """Return what the privacy guard finds in ``dataset``, and the dataset safe to publish.

    Args:
        dataset: the dataset to publish.
        minimum: the smallest count of people published as it is; 1 hides nothing.
        exempt: e-mail addresses and telephone numbers published as an organisation's
            contact points, which are not reported.

    Raises:
        TableError: ``minimum`` is below 1.
    """
    document = dataset.model_dump(mode="json", by_alias=True, exclude_none=True)
    findings = _personal(document, exempt)
    cells, groups = _counts(document, minimum)
    hidden = suppress(cells, groups, minimum)
    suppressed = [
        Suppressed(
            item.key,
            item.reason,
            {"min": 1, "max": minimum - 1}
            if item.reason is SuppressionReason.PRIMARY
            else {"min": minimum},
            tuple(item.group or ()),
        )
        for item in hidden
    ]
    suppressed += [
        Suppressed(pointer, SuppressionReason.PRIMARY, {"min": 1, "max": minimum - 1})
        for pointer in _small_estimates(document, minimum)
    ]
    for item in suppressed:
        _replace(document, item.pointer, item.published_as)
        findings.append(_small_count(item, minimum))
    return Guarded(dataset, findings, suppressed, document)


def _small_count(item: Suppressed, minimum: int) -> Finding:
    if item.reason is SuppressionReason.PRIMARY:
        what = f"fewer than {minimum} people; published as 1 to {minimum - 1}"
    else:
        what = (
            "hidden so that a published total does not give a small count back; "
            f"published as at least {minimum}"
        )
    return Finding(
        "small_count", Severity.INFO, f"{item.pointer.lstrip('/')}: {what}", pointer=item.pointer
    )


def _count_range(published: dict[str, int]) -> CountEstimate:
    # Built without validation: the range is valid by construction, and a dataset of a
    # city hides thousands of counts.
    return CountEstimate.model_construct(min=published["min"], max=published.get("max"))


def _number_range(published: dict[str, int]) -> Estimate:
    return Estimate.model_construct(min=published["min"], max=published.get("max"))


def _hidden(dataset: Dataset, suppressed: list[Suppressed]) -> Dataset:
    """Return a copy of ``dataset`` with each suppressed count replaced by its range.

    Only the records changed are copied (the others are shared with ``dataset``).
    """
    if not suppressed:
        return dataset
    lists: dict[str, list[Any]] = {}
    for item in suppressed:
        steps = item.pointer.strip("/").split("/")
        name, at = steps[0], int(steps[1])
        if name not in lists:
            lists[name] = list(dataset.collection(name))
        records = lists[name]
        record = records[at]
        if name == "placements":
            records[at] = record.model_copy(update={"students": _count_range(item.published_as)})
        elif name == "figures":
            records[at] = record.model_copy(update={"value": _number_range(item.published_as)})
        else:  # a learning activity's participants by partner
            part = int(steps[3])
            participants = list(record.participants)
            participants[part] = participants[part].model_copy(
                update={"count": _count_range(item.published_as)}
            )
            records[at] = record.model_copy(update={"participants": participants})
    return dataset.model_copy(update=lists)
