"""``unikommune init DIR``: scaffold a partnership dataset that validates out of the box."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune import outputs, save
from unikommune.codelists import RecordType
from unikommune.errors import DatasetReadError, DatasetWriteError
from unikommune.format import schema_id
from unikommune.models import Dataset, Profile, default_profile
from unikommune.validation import validate

__all__ = ["register", "run", "scaffold"]

_RULE_KINDS = [
    RecordType.MISSION,
    RecordType.PROJECT,
    RecordType.THESIS,
    RecordType.LEARNING_ACTIVITY,
    RecordType.ACTIVITY,
]


def register(subparsers: Any) -> None:
    """Add the ``init`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "init",
        help="scaffold a new partnership dataset in a folder",
        description="Write a new dataset folder: the municipality and the university, and "
        "an agreement between them on the default TRD3.0 profile or your own. It validates "
        "as written; the command then says what to fill in. Nothing that exists is "
        "overwritten.",
    )
    parser.add_argument("directory", type=Path, metavar="DIR", help="a new or empty folder")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="a profile.json with your own focus and thematic areas",
    )
    parser.add_argument(
        "--municipality", default="Example municipality", help="name of the municipality (English)"
    )
    parser.add_argument(
        "--university", default="Example university", help="name of the university (English)"
    )
    parser.set_defaults(run=run)


def _read_profile(path: Path) -> Profile:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return Profile.model_validate(document)
    except OSError as error:
        message = f"cannot read the profile: {error.strerror}"
        raise DatasetReadError(message, path=str(path)) from None
    except ValueError as error:
        first = error.errors(include_url=False)[0] if isinstance(error, ValidationError) else None
        detail = f"{'/'.join(map(str, first['loc']))}: {first['msg']}" if first else str(error)
        raise DatasetReadError(f"not a valid profile: {detail}", path=str(path)) from None


def scaffold(
    profile: Profile | None = None,
    municipality: str = "Example municipality",
    university: str = "Example university",
    today: dt.date | None = None,
) -> Dataset:
    """Return a new dataset: two partners and an agreement with the SDG rule, on ``profile``."""
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
                "focus_areas": sorted(chosen.focus_area_codes()),
                "thematic_areas": sorted(chosen.thematic_area_codes()),
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


_NEXT = """\
Wrote a new dataset to {directory}/ ({files}). It validates as written:

    unikommune validate {directory}

Fill in next:
  1. dataset.json: title, description, publisher, licence, languages.
  2. partners.json: the real names, and identifiers (organisation number, ROR) of
     "municipality" and "university"; add their units (faculties, schools) with "parent".
  3. agreements.json: the agreement's title, signing date and period, its governance
     (steering group), objectives, obligations and action plans.
  4. Add collections as you go: missions.json, projects.json (or projects.jsonl for
     many), placements.jsonl, theses.json, learning_activities.json.
The agreement's SDG rule makes every mission, project, thesis, learning activity and
action-plan activity name at least one SDG; `unikommune explain sdg_link_required`.
"""


def run(args: argparse.Namespace) -> int:
    """Write the scaffold, check it, and print what to fill in next; return the exit code."""
    directory: Path = args.directory
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DatasetWriteError(
            f"{directory} exists and is not an empty folder; choose a new folder "
            "(init never overwrites)"
        )
    profile = _read_profile(args.profile) if args.profile else None
    dataset = scaffold(profile, args.municipality, args.university)
    # Written in a staging folder first, then moved in file by file: each file whole and
    # synced, none through a link or over anything that exists (see unikommune.outputs).
    with outputs.staged_folder(directory) as staging:
        written = save(dataset, staging, layout="folder")
    report = validate(directory)
    if not report.ok:  # pragma: no cover - the scaffold is tested to validate
        for finding in report:
            print(finding)
        return 1
    files = ", ".join(path.name for path in written)
    print(_NEXT.format(directory=directory, files=files), end="")
    return 0
