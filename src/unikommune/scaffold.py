"""A new partnership's dataset: the municipality, the university and their agreement.

:func:`scaffold` is what ``unikommune init`` writes: a dataset that validates as it
is, with placeholder ids (``municipality``, ``university``, ``agreement``) that a
partnership renames to its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from unikommune import dates
from unikommune.codelists import RecordType
from unikommune.format import schema_id
from unikommune.models import Dataset, Profile, default_profile

__all__ = ["scaffold"]

_RULE_KINDS = [
    RecordType.MISSION,
    RecordType.PROJECT,
    RecordType.THESIS,
    RecordType.LEARNING_ACTIVITY,
    RecordType.ACTIVITY,
]


def _in_use(profile: Profile, kind: str, today: dt.date) -> list[str]:
    """Return the sorted codes of ``kind`` in ``profile`` not retired before this year.

    The agreement starts this year: an area whose validity certainly ended before
    then has a successor to use instead (and would be warned of as ``retired_area``).
    """
    year = str(today.year)
    return sorted(
        area.code
        for area in profile.entries(kind)
        if area.valid is None
        or area.valid.end in {None, "", ".."}
        or not dates.certainly_before(area.valid.end, year)
    )


def scaffold(
    profile: Profile | None = None,
    municipality: str = "Example municipality",
    university: str = "Example university",
    today: dt.date | None = None,
) -> Dataset:
    """Return a new dataset: two partners and an agreement with the SDG rule, on ``profile``."""
    # Long: a document written out, field by field.
    today = today or dt.date.today()
    chosen = profile or default_profile()
    document: dict[str, Any] = {
        "$schema": schema_id("dataset"),
        "title": {"en": f"{municipality} and {university}: university-municipality partnership"},
        "description": {
            "en": "The partnership's agreement, partners and activities. Replace this text: "
            "say what the dataset holds and which values are illustrative."
        },
        "publisher": "municipality",
        "license": "CC-BY-4.0",
        "languages": ["en"],
        "modified": today.isoformat(),
        "partners": [
            {
                "id": "municipality",
                "name": {"en": municipality},
                "kind": "municipality",
                "sector": "public-sector",
            },
            {
                "id": "university",
                "name": {"en": university},
                "kind": "university",
                "sector": "academia",
            },
        ],
        "agreements": [
            {
                "id": "agreement",
                "title": {
                    "en": f"University-municipality agreement between {municipality} "
                    f"and {university}"
                },
                "parties": [{"partner": "municipality"}, {"partner": "university"}],
                "period": {"start": str(today.year)},
                "focus_areas": _in_use(chosen, "focus", today),
                "thematic_areas": _in_use(chosen, "thematic", today),
                "rules": [
                    {
                        "id": "sdg-rule",
                        "kind": "sdg-link-required",
                        "applies_to": [kind.value for kind in _RULE_KINDS],
                        "description": {
                            "en": "All joint activity builds on the UN Sustainable "
                            "Development Goals."
                        },
                    }
                ],
            }
        ],
    }
    if profile is not None:
        document["profile"] = profile.model_dump(mode="json", by_alias=True, exclude_none=True)
        document["profile"].pop("$schema", None)
    return Dataset.model_validate(document)
