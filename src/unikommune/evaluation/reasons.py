"""Reasons of the assessment: a stable code and typed values, worded per language on demand.

A :class:`Reason` is what :mod:`.assess` and :mod:`.evidence` say about a criterion or a
maturity level — not a sentence but a code (``indicator_figure``, ``agreement_lacks``)
and the values the sentence is built from (an indicator's code, the periods, the
figure, a threshold).  :mod:`.wording` holds one template per code and language, and
:meth:`Reason.text` words it:

>>> why = Reason("thematic_areas_short", {"count": 2, "minimum": 3})
>>> why.text("en"), why.text("nb")
('projects cover 2 thematic areas of 3', 'prosjektene dekker 2 tematiske områder (krav: 3)')
>>> why.as_dict()["values"]
{'count': 2, 'minimum': 3}

Codes never change meaning; a new code needs a template in every language
(``tests/test_report_wording.py`` checks that over :data:`CODES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from unikommune.errors import EvaluationError
from unikommune.evaluation.values import Lang, Value

__all__ = ["CODES", "FIELDS", "PAIRS", "REQUIREMENTS", "Reason", "ReasonCode", "ReasonValue"]

ReasonCode = Literal[
    "indicator_figure",
    "indicator_no_data",
    "no_data_for",
    "met_if_favourable",
    "level_reached",
    "level_not_reached",
    "no_agreement",
    "none_in_force",
    "agreement_has",
    "agreement_has_uncertain",
    "agreement_lacks",
    "parties_both_sides",
    "parties_lack",
    "successor",
    "no_successor",
    "action_plans_lack",
    "no_projects",
    "thematic_areas",
    "thematic_areas_short",
    "joint_projects",
    "no_joint_project",
    "no_documents",
    "document_found",
    "no_document_mentions",
    "maturity_assessed",
    "no_maturity_assessment",
]
"""Every code a reason may have."""

ReasonValue = str | int | float | tuple[str, ...] | tuple[tuple[str, str], ...] | Value
"""A value of a reason: a code or text, a number, ids, pairs, or an indicator's figure."""

#: The kind of every value a reason may hold, by its name.
FIELDS: dict[str, str] = {
    "indicator": "indicator",  # an indicator's code: its title in Norwegian
    "periods": "list",
    "figure": "figure",  # a Value, as display() shows it
    "aggregation": "aggregation",
    "comparison": "comparison",
    "threshold": "number",
    "unit": "unit",
    "level": "text",
    "count": "count",
    "minimum": "count",
    "years": "count",
    "missing": "statuses",  # (criterion, status) pairs
    "plans": "plans",  # (agreement, focus area) pairs lacking an action plan
    "day": "text",
    "what": "requirement",  # what an agreement in force must have
    "records": "list",
    "agreement": "text",
    "url": "text",
    "keywords": "keywords",
    "assessment": "text",
}

#: The names of the two parts of each pair of a value of pairs, as JSON writes them.
PAIRS: dict[str, tuple[str, str]] = {
    "missing": ("criterion", "status"),
    "plans": ("agreement", "focus_area"),
}

_WHAT = ("what", "years?")
#: The names of the values of each code; a name ending in ``?`` may be left out.
CODES: dict[ReasonCode, tuple[str, ...]] = {
    "indicator_figure": (
        "indicator",
        "periods",
        "figure",
        "aggregation",
        "comparison",
        "threshold",
        "unit",
    ),
    "indicator_no_data": ("indicator",),
    "no_data_for": ("periods",),
    "met_if_favourable": (),
    "level_reached": ("level", "count"),
    "level_not_reached": ("level", "missing"),
    "no_agreement": (),
    "none_in_force": ("day",),
    "agreement_has": (*_WHAT, "records"),
    "agreement_has_uncertain": (*_WHAT, "day"),
    "agreement_lacks": (*_WHAT, "day"),
    "parties_both_sides": (),
    "parties_lack": (),
    "successor": ("agreement",),
    "no_successor": (),
    "action_plans_lack": ("plans",),
    "no_projects": (),
    "thematic_areas": ("count",),
    "thematic_areas_short": ("count", "minimum"),
    "joint_projects": ("count",),
    "no_joint_project": (),
    "no_documents": (),
    "document_found": ("agreement", "url"),
    "no_document_mentions": ("keywords",),
    "maturity_assessed": ("level", "assessment"),
    "no_maturity_assessment": ("level",),
}

#: What an agreement in force may be required to have (the value ``what``).
REQUIREMENTS = ("in_force", "long_term", "governance", "action_plans", "sdg_rule")

assert set(CODES) == set(get_args(ReasonCode))
assert {name.rstrip("?") for names in CODES.values() for name in names} <= set(FIELDS)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a criterion has its status, or a level is reached: a code and its values.

    Attributes:
        code: What the reason says (:data:`ReasonCode`); it never changes meaning.
        values: The values the reason is worded from, by name (:data:`CODES`).
    """

    code: ReasonCode
    values: Mapping[str, ReasonValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = CODES.get(self.code)
        if names is None:
            raise EvaluationError(f"unknown reason code {self.code!r}")
        given = set(self.values)
        if not {n for n in names if n[-1] != "?"} <= given <= {n.rstrip("?") for n in names}:
            raise EvaluationError(
                f"reason {self.code} takes the values {', '.join(names) or 'none'}, "
                f"not {', '.join(sorted(given)) or 'none'}"
            )
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Lang = "en") -> str:
        """Return the reason worded in ``lang`` (``nb`` or ``en``)."""
        from unikommune.evaluation.wording import reason_text

        return reason_text(self, lang)

    def as_dict(self) -> dict[str, Any]:
        """Return the reason as JSON-ready data: its code, values and English text."""
        return {
            "code": self.code,
            "values": {name: _json(name, value) for name, value in self.values.items()},
            "text": self.text("en"),
        }


def _json(name: str, value: ReasonValue) -> Any:
    if isinstance(value, Value):
        return value.as_dict()
    if not isinstance(value, tuple):
        return value
    if name in PAIRS:
        first, second = PAIRS[name]
        return [{first: pair[0], second: pair[1]} for pair in value if isinstance(pair, tuple)]
    return list(value)
