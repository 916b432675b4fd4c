"""``unikommune init DIR``: scaffold a partnership dataset that validates out of the box."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unikommune import outputs
from unikommune.errors import DatasetReadError, DatasetWriteError

if TYPE_CHECKING:
    from unikommune.models import Profile

__all__ = ["PLACEHOLDERS", "register", "run"]


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
    from unikommune.dataset.profile import read_profile

    profile, findings = read_profile(path, 16 * 1024 * 1024)
    problems = [finding for finding in findings if finding.code != "wrong_schema"]
    if profile is None or problems:
        first = problems[0] if problems else findings[0]
        where = f"{first.pointer}: " if first.pointer else ""
        raise DatasetReadError(f"not a valid profile: {where}{first.message}", path=str(path))
    return profile


_NEXT = """\
Wrote a new dataset to {directory}/ ({files}). It validates as written:

    unikommune validate {directory}

First, rename the placeholder ids. Records refer to each other by id, so an id
and every reference to it change together. The scaffold's ids are:

    id              where it is                   where it is referred to
    "municipality"  partners.json: "id"           dataset.json: "publisher";
                                                  agreements.json: "parties" > "partner"
    "university"    partners.json: "id"           agreements.json: "parties" > "partner"
    "agreement"     agreements.json: "id"         (records you add name it in "agreement")

Choose short ids that will not change, such as "trondheim-kommune", "ntnu" and
"trd30-2018" (ASCII letters, digits and . _ ~ : -). Do not search and replace:
"municipality" and "university" are also each partner's "kind", a code that stays.
Validate after renaming; a reference left behind is reported as
unresolved_reference with its file and line.

Then fill in:
  1. dataset.json: title, description, publisher, licence, languages.
  2. partners.json: the real names, and identifiers (organisation number, ROR) of
     the two partners; add their units (faculties, schools) with "parent".
  3. agreements.json: the agreement's title, signing date and period, its governance
     (steering group), objectives, obligations and action plans.
  4. Add collections as you go: missions.json, projects.json (or projects.jsonl for
     many), placements.jsonl, theses.json, learning_activities.json, figures.json.
The agreement's SDG rule makes every mission, project, thesis, learning activity and
action-plan activity name at least one SDG; `unikommune explain sdg_link_required`.
How to publish dates, counts and figures known only roughly: docs/publishing.md
in the unikommune repository.
"""

#: The placeholder ids of the scaffold, each with the places the output above names:
#: (file, JSON path to a value; "*" for each item of a list).
PLACEHOLDERS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "municipality": (
        ("partners.json", ("partners", "*", "id")),
        ("dataset.json", ("publisher",)),
        ("agreements.json", ("agreements", "*", "parties", "*", "partner")),
    ),
    "university": (
        ("partners.json", ("partners", "*", "id")),
        ("agreements.json", ("agreements", "*", "parties", "*", "partner")),
    ),
    "agreement": (("agreements.json", ("agreements", "*", "id")),),
}


def run(args: argparse.Namespace) -> int:
    """Write the scaffold, check it, and print what to fill in next; return the exit code."""
    directory: Path = args.directory
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DatasetWriteError(
            f"{directory} exists and is not an empty folder; choose a new folder "
            "(init never overwrites)"
        )
    from unikommune.dataset.save import save
    from unikommune.scaffold import scaffold
    from unikommune.validation import validate

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
