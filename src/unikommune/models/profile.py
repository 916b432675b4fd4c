"""Model profiles: the areas, measures and roles a partnership declares.

The TRD3.0 pilot's four focus areas and five thematic areas are the default
profile.  Another partnership declares its own, inline in its dataset or in a
``profile.json`` beside it, and is validated against that.  A profile may
``extend`` another (a shipped one such as ``trd3.0``, or a profile file next to
it) instead of copying it: the *effective* profile is the base's areas,
measures and roles with the extension's added, an entry of the same code
replacing the base's (:meth:`Profile.extended`).

An area may have a validity period and a successor: a thematic area renamed
from one year on keeps its old code with ``valid.end`` and names the new one as
its ``successor``; a record dated after the end that still uses the old code is
a warning (``retired_area``).

Reading a profile from files, and finding what ``extends`` names, is
:mod:`unikommune.dataset.profile`'s business; this module holds the model, the
merge and the checks of one profile (:func:`profile_problems`), which the model
and the validator both call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, Strict, StringConstraints, model_validator

from unikommune.codelists import Measure, ParticipantRole
from unikommune.errors import DatasetReadError
from unikommune.format import SCHEMA_BASE
from unikommune.models.values import (
    LangString,
    Link,
    LocalId,
    Model,
    Period,
    ProfileCode,
    ends_before_start,
)

__all__ = [
    "DEFAULT_PROFILE_ID",
    "PROFILE_LISTS",
    "Profile",
    "ProfileArea",
    "areas_markdown",
    "default_profile",
    "needs_thematic_areas",
    "profile_problems",
    "shipped_profile",
    "shipped_profile_ids",
]

#: Id of the profile used when a dataset declares none.
DEFAULT_PROFILE_ID = "trd3.0"

#: The lists of a profile, by the kind of profile code (see ``AreaOf``) each declares.
PROFILE_LISTS = {
    "focus": "focus_areas",
    "thematic": "thematic_areas",
    "measure": "measures",
    "role": "participant_roles",
}

ProfileRef = Annotated[
    str,
    Strict(),
    StringConstraints(min_length=1, max_length=1024),
    Field(
        description=(
            "The profile this one extends: the id of a profile shipped with unikommune "
            "(such as trd3.0), or the path of a profile file relative to this profile's "
            "folder, inside the dataset's folder. Profiles are never fetched from the web."
        )
    ),
]


class ProfileArea(Model):
    """A focus area, thematic area, measure or participant role a profile declares."""

    code: ProfileCode = Field(description="Code that records use to refer to the area.")
    title: LangString = Field(description="Name of the area.")
    description: LangString | None = Field(default=None, description="What the area covers.")
    valid: Period | None = Field(
        default=None,
        description="When the area is in use; after its end records use the successor. "
        "Absent: always.",
    )
    successor: ProfileCode | None = Field(
        default=None,
        description="Code of the area (of the same list) that replaces this one after "
        "its validity ends, such as a thematic area renamed from one year on.",
    )


def _thematic_unless_extending(schema: dict[str, Any]) -> None:
    """State in JSON Schema: a profile that extends none declares a thematic area."""
    # "extends" absent or null: ``properties`` holds of an absent property.
    schema["if"] = {"properties": {"extends": {"const": None}}}
    schema["then"] = {
        "required": ["thematic_areas"],
        "properties": {
            "thematic_areas": {
                "type": "array",
                "items": {"$ref": "#/$defs/ProfileArea"},
                "minItems": 1,
            }
        },
    }


class Profile(Model):
    """The focus areas, thematic areas, measures and roles a partnership works through."""

    model_config = ConfigDict(json_schema_extra=_thematic_unless_extending)

    schema_: Literal[f"{SCHEMA_BASE}profile.json"] | None = Field(  # type: ignore[valid-type]
        default=None,
        alias="$schema",
        description="The $id of this schema; required when the profile is a file of its own.",
    )
    id: LocalId = Field(description="Id of the profile, such as trd3.0.")
    title: LangString = Field(description="Name of the profile.")
    description: LangString | None = Field(default=None, description="What the profile is for.")
    extends: ProfileRef | None = None
    focus_areas: list[ProfileArea] = Field(
        default_factory=list,
        description="Focus areas (innsatsområder), each with action plans; may be none.",
    )
    thematic_areas: list[ProfileArea] = Field(
        default_factory=list,
        description="Thematic areas (tematiske satsingsområder); at least one, counting "
        "those of the profile extended.",
    )
    measures: list[ProfileArea] = Field(
        default_factory=list,
        description="Measures of reported figures the profile adds to the measure codelist.",
    )
    participant_roles: list[ProfileArea] = Field(
        default_factory=list,
        description="Roles of project participants the profile adds to the participant-role "
        "codelist, such as lighthouse-city.",
    )
    source: Link | None = Field(default=None, description="Where the profile is decided.")

    @model_validator(mode="after")
    def _has_thematic_areas(self) -> Self:
        # What the schema states (see _thematic_unless_extending); the other problems of
        # profile_problems are the validator's, as the schema cannot state them.
        if needs_thematic_areas(self):
            raise ValueError(f"thematic_areas: {_THEMATIC_NEEDED}")
        return self

    def codes(self, kind: str) -> frozenset[str]:
        """Return the codes a record may use for a field of ``kind`` (see ``AreaOf``).

        ``focus`` and ``thematic`` are the profile's areas; ``measure`` is the measure
        codelist with the measures the profile adds; ``role`` is the participant-role
        codelist with the roles the profile adds.

        Raises:
            KeyError: ``kind`` is none of these.
        """
        return _CODELISTS.get(kind, frozenset()) | {area.code for area in self.entries(kind)}

    def entries(self, kind: str) -> list[ProfileArea]:
        """Return the profile's own list of ``kind`` (see :data:`PROFILE_LISTS`).

        Raises:
            KeyError: ``kind`` is not a kind of profile code.
        """
        entries: list[ProfileArea] = getattr(self, PROFILE_LISTS[kind])
        return entries

    def focus_area_codes(self) -> frozenset[str]:
        """Return the codes of the focus areas."""
        return self.codes("focus")

    def thematic_area_codes(self) -> frozenset[str]:
        """Return the codes of the thematic areas."""
        return self.codes("thematic")

    def effective(self) -> Profile:
        """Return this profile as it takes effect: merged with the shipped profile it extends.

        A profile that extends none is returned as it is.  Only shipped profiles are
        found here; a path is resolved where the profile's file is known
        (:mod:`unikommune.dataset.profile`).

        Raises:
            DatasetReadError: ``extends`` names no shipped profile.
        """
        if self.extends is None:
            return self
        base = shipped_profile(self.extends)
        if base is None:
            raise DatasetReadError(
                f"profile {self.id!r} extends {self.extends!r}, which is not a shipped profile "
                f"({', '.join(shipped_profile_ids())}); a profile file is found only when the "
                "dataset is read from its folder (unikommune.load, unikommune.validate)"
            )
        return self.extended(base)

    def extended(self, base: Profile) -> Profile:
        """Return the effective profile of this one extending ``base``.

        The result has this profile's id, title, description and source, and no
        ``extends``.  Each list is the base's, in its order, with this profile's
        entries: one of a code the base has replaces the base's entry in its place (so
        an extension may give an area a validity period or a new title), the others
        come after.

        >>> base = default_profile()
        >>> grown = Profile.model_validate({
        ...     "id": "grown", "title": {"en": "Grown"}, "extends": "trd3.0",
        ...     "thematic_areas": [{"code": "climate", "title": {"en": "Climate"}}]})
        >>> [area.code for area in grown.extended(base).thematic_areas][-2:]
        ['smart-city', 'climate']
        """
        merged: dict[str, Any] = {
            name: value
            for name, value in self.model_dump(by_alias=True, exclude_none=True).items()
            if name not in PROFILE_LISTS.values() and name != "extends"
        }
        for name in PROFILE_LISTS.values():
            entries = {area.code: area for area in getattr(base, name)}
            for area in getattr(self, name):
                entries[area.code] = area
            merged[name] = [
                area.model_dump(by_alias=True, exclude_none=True) for area in entries.values()
            ]
        return Profile.model_validate(merged)


#: The codelist each kind of profile code adds to (focus and thematic areas have none).
_CODELISTS: dict[str, frozenset[str]] = {
    "measure": frozenset(member.value for member in Measure),
    "role": frozenset(member.value for member in ParticipantRole),
}


def _lists(profile: Any) -> Iterator[tuple[str, str, list[Any]]]:
    for kind, name in PROFILE_LISTS.items():
        yield kind, name, getattr(profile, name, None) or []


_THEMATIC_NEEDED = (
    "a profile that extends no other declares at least one thematic area; add one, or "
    "extend a profile such as trd3.0"
)


def needs_thematic_areas(profile: Any) -> bool:
    """Return whether ``profile`` (read by attribute) extends none and has no thematic area."""
    return getattr(profile, "extends", None) is None and not getattr(
        profile, "thematic_areas", None
    )


def profile_problems(profile: Any, base: Profile | None = None) -> list[tuple[str, str]]:
    """Return ``(pointer, message)`` for every problem of ``profile`` its shape does not show.

    ``profile`` is read by attribute: a :class:`Profile` or a view of one of the right
    shape.  The problems: a profile that extends none with no thematic area; a code
    given twice in one list; a validity period that ends before it starts; a successor
    that is the area itself or not a code of the same list (of the profile, of the
    codelist for a measure or role, or of ``base`` for a profile that extends it; not
    checked when a profile extends another that is not given).  The model refuses a
    profile without thematic areas (as the schema does) and a reversed validity (as
    every period does) and takes the others, which the schema cannot state; the
    validator reports every one (``profile_unreadable``).  Pointers are within the
    profile.
    """
    problems: list[tuple[str, str]] = []
    extends = getattr(profile, "extends", None)
    if needs_thematic_areas(profile):
        problems.append(("/thematic_areas", _THEMATIC_NEEDED))
    for kind, name, entries in _lists(profile):
        seen: set[str] = set()
        known = {area.code for area in entries} | _CODELISTS.get(kind, frozenset())
        if base is not None:
            known |= base.codes(kind)
        check_successors = extends is None or base is not None
        for index, area in enumerate(entries):
            place = f"/{name}/{index}"
            if area.code in seen:
                problems.append(
                    (
                        f"{place}/code",
                        f"{area.code!r} is given twice in {name}; give each code once "
                        "(an extension replaces an area of its base by giving its code)",
                    )
                )
            seen.add(area.code)
            valid = area.valid
            if (
                valid is not None
                and valid.end is not None
                and ends_before_start(valid.start, valid.end)
            ):
                problems.append(
                    (
                        f"{place}/valid/end",
                        f"the validity of {area.code!r} ends ({valid.end}) before it starts "
                        f"({valid.start}); swap them or correct one",
                    )
                )
            successor = area.successor
            if successor is None:
                continue
            if successor == area.code:
                problems.append(
                    (f"{place}/successor", f"{area.code!r} names itself as its successor")
                )
            elif check_successors and successor not in known:
                problems.append(
                    (
                        f"{place}/successor",
                        f"the successor {successor!r} of {area.code!r} is not in {name}; "
                        f"expected one of {', '.join(sorted(known - {area.code}))}",
                    )
                )
    return problems


@cache
def _shipped() -> dict[str, str]:
    """Return the file name of every shipped profile, by its id."""
    found: dict[str, str] = {}
    for entry in (files("unikommune") / "data" / "profiles").iterdir():
        if entry.name.endswith(".json"):
            found[json.loads(entry.read_text(encoding="utf-8"))["id"]] = entry.name
    return found


def shipped_profile_ids() -> list[str]:
    """Return the ids of the profiles shipped with unikommune, sorted."""
    return sorted(_shipped())


@cache
def _shipped_json(name: str) -> str:
    return (files("unikommune") / "data" / "profiles" / name).read_text(encoding="utf-8")


def shipped_profile(profile_id: str) -> Profile | None:
    """Return the shipped profile ``profile_id`` as effective profile (a fresh copy), or ``None``.

    A shipped profile that extends another shipped one comes merged with it.
    """
    name = _shipped().get(profile_id)
    if name is None:
        return None
    profile = Profile.model_validate(json.loads(_shipped_json(name)))
    if profile.extends is None:
        return profile
    base = shipped_profile(profile.extends) if profile.extends != profile_id else None
    if base is None:  # pragma: no cover - the shipped profiles are checked by the tests
        raise DatasetReadError(f"the shipped profile {profile_id!r} extends an unknown profile")
    return profile.extended(base)


def default_profile() -> Profile:
    """Return the TRD3.0 profile: four focus areas and five thematic areas (a fresh copy)."""
    profile = shipped_profile(DEFAULT_PROFILE_ID)
    assert profile is not None
    return profile


#: The headings of the lists of a profile in :func:`areas_markdown`.
_HEADINGS = {
    "focus": "Focus areas (innsatsområder)",
    "thematic": "Thematic areas (tematiske satsingsområder)",
    "measure": "Measures added",
    "role": "Participant roles added",
}


def areas_markdown(profile: Profile) -> str:
    """Return the codes and titles of ``profile``'s lists as Markdown tables (``docs/profiles.md``).

    A list with no entry is left out; a title missing in a language is shown as ``—``.
    """

    def cell(text: dict[str, str] | None, language: str) -> str:
        return (text or {}).get(language, "—").replace("|", "\\|")

    blocks: list[str] = []
    for kind, heading in _HEADINGS.items():
        entries = profile.entries(kind)
        if not entries:
            continue
        rows = [f"### {heading}", "", "| code | title (nb) | title (en) |", "|---|---|---|"]
        rows.extend(
            f"| `{area.code}` | {cell(area.title, 'nb')} | {cell(area.title, 'en')} |"
            for area in entries
        )
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"
