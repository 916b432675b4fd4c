"""Areas: every focus area, thematic area and measure a record names is one the profile knows.

The profile is the dataset's own (``profile`` in the document or ``profile.json``
beside it), TRD3.0 when it declares none, or the one the validator is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, area_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["areas_of_profile"]

_AREAS = {kind: area_paths(kind) for kind in RECORDS}

#: Per kind of profile code (``AreaOf``): the finding code and what the code names.
_KINDS = {
    "focus": ("unknown_focus_area", "a focus area of the profile"),
    "thematic": ("unknown_thematic_area", "a thematic area of the profile"),
    "measure": ("unknown_measure", "a measure of the codelist or the profile"),
}


@rule(*(code for code, _ in _KINDS.values()), collections=with_paths(_AREAS))
def areas_of_profile(context: Context, collection: str, batch: Batch) -> None:
    """Report a focus area, thematic area or measure code that the profile does not know."""
    profile = context.profile
    for path, kind in _AREAS[collection]:
        known = profile.codes(kind)
        code_of_finding, what = _KINDS[kind]
        for index, indexes, code in path.refused(batch.records, known.__contains__):
            context.add(
                code_of_finding,
                f"{path.name}: {code!r} is not {what} {profile.id!r}; "
                f"expected one of {', '.join(sorted(known))}",
                batch.where(index),
                path.pointer(indexes),
            )
