"""Areas: every focus area and thematic area a record names is one of the profile's.

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


@rule("unknown_focus_area", "unknown_thematic_area", collections=with_paths(_AREAS))
def areas_of_profile(context: Context, collection: str, batch: Batch) -> None:
    """Report a focus or thematic area code that the profile does not declare."""
    profile = context.profile
    for path, kind in _AREAS[collection]:
        known = profile.focus_area_codes() if kind == "focus" else profile.thematic_area_codes()
        for index, indexes, code in path.refused(batch.records, known.__contains__):
            context.add(
                f"unknown_{kind}_area",
                f"{path.name}: {code!r} is not a {kind} area of the profile "
                f"{profile.id!r}; expected one of {', '.join(sorted(known))}",
                batch.where(index),
                path.pointer(indexes),
            )
