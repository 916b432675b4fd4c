"""Links from any activity to the UN Sustainable Development Goals."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AfterValidator, ConfigDict, Field, Strict, WithJsonSchema, model_validator

from unikommune.codelists import SDG_TARGETS, SdgProvenance, SdgRole, sdg_goal_of
from unikommune.models.values import TEXT_PATTERN, Date, LangString, Model, Ref, RefersTo, Text

__all__ = [
    "SUGGESTION_NEEDS",
    "SdgGoalNumber",
    "SdgLink",
    "SdgLinkProvenance",
    "SdgTarget",
    "missing_for_suggestion",
    "target_problem",
]

#: What the provenance of a suggested link names besides its method.
SUGGESTION_NEEDS = ("tool", "tool_version", "confidence")


def missing_for_suggestion(provenance: Any) -> list[str]:
    """Return the fields a suggested link's ``provenance`` lacks (none for other methods).

    ``provenance`` is read by attribute: a model, or any record view of one.
    """
    if provenance.method != SdgProvenance.SUGGESTED.value:
        return []
    return [name for name in SUGGESTION_NEEDS if getattr(provenance, name) is None]


def target_problem(goal: object, target: str) -> str | None:
    """Return why ``target`` cannot be a target of ``goal``, or ``None`` when it is one.

    >>> target_problem(11, "11.2") is None
    True
    >>> target_problem(3, "4.1")
    'target 4.1 belongs to goal 4, not to goal 3'
    """
    if target not in _GOAL_OF:
        return f"{target!r} is not one of the 169 SDG target codes"
    if _GOAL_OF[target] != goal:
        return f"target {target} belongs to goal {_GOAL_OF[target]}, not to goal {goal}"
    return None


SdgGoalNumber = Annotated[
    int, Strict(), Field(ge=1, le=17, description="Number of the goal, 1 to 17.")
]


_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}


def _known_target(code: str) -> str:
    if code not in SDG_TARGETS:
        raise ValueError(f"{code!r} is not one of the 169 SDG target codes")
    return code


SdgTarget = Annotated[
    str,
    Strict(),
    AfterValidator(_known_target),
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(SDG_TARGETS),
            "description": "Code of one of the 169 targets, such as 11.2 or 4.a.",
        }
    ),
]


def _provenance_schema(schema: dict[str, Any]) -> None:
    schema["if"] = {
        "properties": {"method": {"const": SdgProvenance.SUGGESTED.value}},
        "required": ["method"],
    }
    # Required and not null: the model treats null as absent.
    text = {"type": "string", "minLength": 1, "maxLength": 20_000, "pattern": TEXT_PATTERN}
    schema["then"] = {
        "properties": {
            "tool": text,
            "tool_version": text,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["tool", "tool_version", "confidence"],
    }


class SdgLinkProvenance(Model):
    """Who made an SDG link, and how sure they are."""

    model_config = ConfigDict(json_schema_extra=_provenance_schema)

    method: SdgProvenance = Field(
        description="Declared by the activity, curated by an evaluator, or suggested by a tool."
    )
    curator: Annotated[Ref, RefersTo("partners")] | None = Field(
        default=None, description="The partner whose evaluators curated the link."
    )
    tool: Text | None = Field(
        default=None, description="Name of the classification tool; required when suggested."
    )
    tool_version: Text | None = Field(
        default=None, description="Version of the classification tool; required when suggested."
    )
    confidence: Annotated[float, Strict(), Field(ge=0, le=1)] | None = Field(
        default=None, description="Confidence from 0 to 1; required when suggested."
    )
    date: Date | None = Field(default=None, description="When the link was made.")

    @model_validator(mode="after")
    def _suggestion_names_its_tool(self) -> Self:
        missing = missing_for_suggestion(self)
        if missing:
            raise ValueError(f"a suggested SDG link needs {', '.join(missing)}")
        return self


def _link_schema(schema: dict[str, Any]) -> None:
    by_goal: dict[int, list[str | None]] = {}
    for target in SDG_TARGETS:
        by_goal.setdefault(sdg_goal_of(target), []).append(target)
    schema["allOf"] = [
        {
            "if": {"properties": {"goal": {"const": goal}}, "required": ["goal"]},
            "then": {
                "properties": {"target": {"type": ["string", "null"], "enum": [*targets, None]}}
            },
        }
        for goal, targets in sorted(by_goal.items())
    ]


class SdgLink(Model):
    """A link from an activity to a Sustainable Development Goal, optionally to one target."""

    model_config = ConfigDict(json_schema_extra=_link_schema)

    goal: SdgGoalNumber
    target: SdgTarget | None = Field(
        default=None, description="Code of a target of that goal, such as 11.2 or 4.a."
    )
    role: SdgRole | None = Field(
        default=None, description="Whether the goal is primary or secondary for the activity."
    )
    weight: Annotated[float, Strict(), Field(ge=0, le=1)] | None = Field(
        default=None, description="Share of the activity that serves the goal, from 0 to 1."
    )
    rationale: LangString | None = Field(
        default=None, description="Why the activity serves the goal."
    )
    provenance: SdgLinkProvenance | None = Field(
        default=None, description="Who made the link; absent means declared by the activity."
    )

    @model_validator(mode="after")
    def _target_of_goal(self) -> Self:
        problem = None if self.target is None else target_problem(self.goal, self.target)
        if problem is not None:
            raise ValueError(problem)
        return self
