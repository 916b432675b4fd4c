"""Criteria sets: the requirements for the designation, written as data.

A criteria set lists criteria, each with an id, a statement in Norwegian and English,
the sources it operationalises, and a test: *quantitative* (an indicator, aggregated
over a window of years, compared with a threshold) or *documentary* (evidence the
dataset must hold, such as an agreement in force or a governance body with seats from
both sides).  Levels name the criteria a maturity level requires.  The default set
ships in ``data/criteria/trd30.json``; ``docs/criteria.md`` explains the format, and
``schemas/criteria-set.json`` is its JSON Schema.

>>> from unikommune.evaluation.criteria import default_criteria
>>> criteria = default_criteria()
>>> criteria.status, all(c.threshold.proposal for c in criteria.quantitative())
('proposal', True)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)

from unikommune.codelists import MaturityLevel
from unikommune.errors import DatasetReadError
from unikommune.evaluation.catalogue import BREAKDOWNS, CATALOGUE
from unikommune.format import schema_id
from unikommune.models.values import LangString, LocalId, Model, UniqueList, Url

__all__ = [
    "EVIDENCE",
    "CriteriaSet",
    "CriteriaSource",
    "Criterion",
    "DocumentaryCriterion",
    "LevelRule",
    "Part",
    "QuantitativeCriterion",
    "Threshold",
    "default_criteria",
    "read_criteria",
]

#: The kinds of documentary evidence a criterion may ask for, with what each checks.
EVIDENCE = {
    "parties": "an agreement has a municipality and a university (or university college) "
    "among its full parties",
    "agreement_in_force": "an agreement's period covers the day the dataset was modified",
    "long_term": "an agreement in force is open-ended, or runs (with the agreements it "
    "continues) at least `minimum` years",
    "successor_agreement": "an agreement continues (supersedes) an earlier one",
    "governance_both_sides": "a governance body of an agreement in force has seats held for "
    "a municipality and for a university",
    "action_plan_per_focus_area": "an agreement in force has an action plan for each of "
    "its focus areas",
    "thematic_breadth": "projects of the partnership cover at least `minimum` thematic areas",
    "joint_project": "a project has both a municipality and a university among its participants",
    "sdg_rule": "an agreement in force has the rule that joint activity links to the SDGs",
    "document": "an agreement lists a document whose title or address contains one of `keywords`",
    "maturity_assessed": "an agreement records an assessment at maturity level `level` or higher",
}

Comparison = Literal[">=", ">", "<=", "<", "=="]
Keyword = Annotated[str, Strict(), StringConstraints(min_length=2, max_length=200)]


class Threshold(Model):
    """A comparison with a number: what a quantitative criterion must reach."""

    comparison: Comparison = Field(description="How the figure compares with the value.")
    value: Annotated[float, Strict()] | Annotated[int, Strict()] = Field(
        description="The number the figure is compared with, in the indicator's unit."
    )
    proposal: Annotated[bool, Strict()] = Field(
        default=True,
        description="True while the threshold is a proposal, to be set by whoever regulates.",
    )
    note: LangString | None = Field(default=None, description="Why this value.")


class _Criterion(Model):
    id: LocalId
    statement: LangString = Field(description="What the criterion requires, in words.")
    sources: UniqueList[LocalId] = Field(
        default_factory=list, description="Ids of the sources of the set it operationalises."
    )


class Part(Model):
    """One category of one breakdown of an indicator, such as sector ``academia``."""

    breakdown: Literal[tuple(BREAKDOWNS)] = Field(  # type: ignore[valid-type]
        description="The breakdown."
    )
    category: Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200)] = Field(
        description="The category of the breakdown, such as academia or health."
    )


def _breakdowns_of_indicator(schema: dict[str, Any]) -> None:
    """State in the schema which breakdowns each indicator has (none: no part)."""
    schema["allOf"] = [
        {
            "if": {"properties": {"indicator": {"const": code}}, "required": ["indicator"]},
            "then": {"properties": {"part": _part_of(entry.breakdowns)}},
        }
        for code, entry in CATALOGUE.items()
    ]


def _part_of(breakdowns: tuple[str, ...]) -> dict[str, Any]:
    if not breakdowns:
        return {"type": "null"}
    return {
        "type": "object",
        "required": ["breakdown", "category"],
        "additionalProperties": False,
        "properties": {
            "breakdown": {"type": "string", "enum": list(breakdowns)},
            "category": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    }


class QuantitativeCriterion(_Criterion):
    """A criterion met when an indicator, aggregated over a window, passes a threshold."""

    model_config = ConfigDict(json_schema_extra=_breakdowns_of_indicator)

    kind: Literal["quantitative"]
    indicator: Literal[tuple(CATALOGUE)] = Field(  # type: ignore[valid-type]
        description="Code of an indicator of the catalogue (docs/indicators.md)."
    )
    part: Part | None = Field(
        default=None, description="One category of a breakdown of the indicator, to read that."
    )
    aggregation: Literal["sum", "mean", "min", "max", "last"] = Field(
        default="mean", description="How the years of the window combine."
    )
    window: Annotated[int, Strict(), Field(ge=1, le=20)] = Field(
        default=3,
        description="Number of years, ending with the last year the indicator has data.",
    )
    threshold: Threshold

    @model_validator(mode="after")
    def _known_breakdown(self) -> Self:
        breakdowns = CATALOGUE[self.indicator].breakdowns
        if self.part is not None and self.part.breakdown not in breakdowns:
            raise ValueError(f"indicator {self.indicator} has no breakdown {self.part.breakdown!r}")
        return self


class DocumentaryCriterion(_Criterion):
    """A criterion met when the dataset holds a kind of evidence."""

    kind: Literal["documentary"]
    evidence: Literal[tuple(EVIDENCE)] = Field(  # type: ignore[valid-type]
        description="The kind of evidence: " + "; ".join(f"{k}: {v}" for k, v in EVIDENCE.items())
    )
    keywords: UniqueList[Keyword] = Field(
        default_factory=list, description="For document: words the title or address contains."
    )
    minimum: Annotated[int, Strict(), Field(ge=1, le=100)] | None = Field(
        default=None, description="For long_term: years; for thematic_breadth: areas."
    )
    level: MaturityLevel | None = Field(
        default=None, description="For maturity_assessed: the level at least."
    )


Criterion = QuantitativeCriterion | DocumentaryCriterion
"""A criterion: quantitative or documentary, told apart by ``kind``."""


class CriteriaSource(Model):
    """A text a criterion operationalises: an objective, a commitment, a regulation."""

    id: LocalId
    title: LangString = Field(description="What the source is, in words.")
    url: Url | None = Field(default=None, description="Where it can be read.")
    note: LangString | None = Field(default=None, description="What was relied on, and how.")


class LevelRule(Model):
    """A maturity level and the criteria it requires."""

    level: MaturityLevel
    statement: LangString = Field(description="What the level means.")
    requires: UniqueList[LocalId] = Field(description="Ids of the criteria the level needs.")


class CriteriaSet(Model):
    """A versioned set of criteria for the designation, with the levels they make up."""

    schema_: Literal[schema_id("criteria-set")] = Field(  # type: ignore[valid-type]
        alias="$schema", description="The $id of the schema this document follows."
    )
    id: LocalId
    version: Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$")] = Field(
        description="Version of the set, such as 1.0."
    )
    title: LangString = Field(description="Title of the set.")
    description: LangString = Field(description="What the set is for, and whose it is.")
    status: Literal["proposal", "adopted"] = Field(
        description="A proposal, or adopted by the body that regulates the designation."
    )
    sources: list[CriteriaSource] = Field(
        default_factory=list, description="The texts the criteria operationalise."
    )
    criteria: list[Criterion] = Field(min_length=1, description="The criteria.")
    levels: list[LevelRule] = Field(
        default_factory=list, description="The maturity levels and the criteria each needs."
    )

    def problems(self) -> list[str]:
        """Return what JSON Schema cannot say is wrong: repeated ids, unknown references."""
        found = []
        ids = [criterion.id for criterion in self.criteria]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            found.append(f"criterion ids are repeated: {', '.join(repeated)}")
        sources = {source.id for source in self.sources}
        for criterion in self.criteria:
            unknown = [s for s in criterion.sources if s not in sources]
            if unknown:
                found.append(f"criterion {criterion.id} cites unknown sources {unknown}")
        for rule in self.levels:
            unknown = [c for c in rule.requires if c not in ids]
            if unknown:
                found.append(f"level {rule.level.value} requires unknown criteria {unknown}")
        return found

    def quantitative(self) -> Iterator[QuantitativeCriterion]:
        """Yield the quantitative criteria."""
        for criterion in self.criteria:
            if isinstance(criterion, QuantitativeCriterion):
                yield criterion


_DATA = files("unikommune") / "data" / "criteria"


def read_criteria(path: str | Path) -> CriteriaSet:
    """Read a criteria set from a JSON file.

    Raises:
        DatasetReadError: the file cannot be read, is not JSON, or is not a criteria set.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
        criteria = CriteriaSet.model_validate(json.loads(text))
    except OSError as error:
        raise DatasetReadError(f"cannot read: {error.strerror or error}", path=str(path)) from None
    except json.JSONDecodeError as error:
        raise DatasetReadError(f"not JSON: {error}", path=str(path)) from None
    except ValidationError as error:
        shown = "; ".join(f"{'/'.join(map(str, p['loc']))}: {p['msg']}" for p in error.errors()[:5])
        raise DatasetReadError(f"not a criteria set: {shown}", path=str(path)) from None
    problems = criteria.problems()
    if problems:
        raise DatasetReadError(f"not a criteria set: {'; '.join(problems)}", path=str(path))
    return criteria


@cache
def default_criteria() -> CriteriaSet:
    """Return the shipped default criteria set, derived from TRD3.0 (every threshold a proposal)."""
    text = (_DATA / "trd30.json").read_text(encoding="utf-8")
    return CriteriaSet.model_validate(json.loads(text))
