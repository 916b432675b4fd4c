"""Profiles that grow: extending, retired areas, added roles, and no fall-back when broken."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import ROOT, valid_document
from unikommune import validate
from unikommune.dataset.profile import read_profile
from unikommune.errors import DatasetReadError
from unikommune.graph import partnership_graph
from unikommune.models import Dataset, Profile, ProfileArea, default_profile
from unikommune.models.profile import (
    areas_markdown,
    profile_problems,
    shipped_profile,
    shipped_profile_ids,
)
from unikommune.models.values import Period

PROFILE_SCHEMA = unikommune.schema_id("profile")


def area(code: str, **more: Any) -> dict[str, Any]:
    return {"code": code, "title": {"en": code.title()}, **more}


def extension(**lists: Any) -> dict[str, Any]:
    return {"id": "grown", "title": {"en": "Grown"}, "extends": "trd3.0", **lists}


def folder(tmp_path: Path, document: dict[str, Any], **files: Any) -> Path:
    """Write ``document`` as dataset.json in a folder, with ``files`` (name: JSON or text)."""
    root = tmp_path / "dataset"
    root.mkdir(parents=True)
    (root / "dataset.json").write_text(json.dumps(document), encoding="utf-8")
    for name, content in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text, encoding="utf-8")
    return root


def found(report: unikommune.Report) -> list[tuple[str, str, str]]:
    return [(f.code, Path(f.file).name if f.file else "", f.pointer) for f in report]


# -- the model ---------------------------------------------------------------------------------


def test_an_extension_adds_after_the_base_and_replaces_by_code() -> None:
    grown = Profile.model_validate(
        extension(
            thematic_areas=[area("climate"), area("health", description={"en": "Care"})],
            participant_roles=[area("lighthouse-city")],
        )
    ).effective()
    assert [a.code for a in grown.thematic_areas] == [
        "upbringing", "health", "urban-development", "innovation", "smart-city", "climate",
    ]  # fmt: skip
    assert grown.thematic_areas[1].description == {"en": "Care"}
    assert grown.thematic_areas[0].title == {"nb": "Oppvekst", "en": "Upbringing"}
    assert [a.code for a in grown.focus_areas] == [a.code for a in default_profile().focus_areas]
    assert (grown.id, grown.extends) == ("grown", None)
    assert grown.codes("role") == {
        "coordinator", "partner", "research-partner", "user-partner", "funder", "advisor",
        "other", "lighthouse-city",
    }  # fmt: skip
    assert grown.codes("measure") >= {"projects", "theses"}


def test_focus_areas_are_optional_and_thematic_ones_needed_unless_extending() -> None:
    alone = Profile.model_validate({"id": "p", "title": {"en": "P"}, "thematic_areas": [area("a")]})
    assert alone.focus_areas == []
    with pytest.raises(ValueError, match="thematic area"):
        Profile.model_validate({"id": "p", "title": {"en": "P"}})
    assert Profile.model_validate(extension()).thematic_areas == []


def test_the_problems_of_a_profile_have_hand_made_pointers() -> None:
    # Built without validation: the model itself refuses such a profile.
    profile = Profile.model_construct(
        id="p",
        title={"en": "P"},
        extends=None,
        focus_areas=[],
        thematic_areas=[
            ProfileArea(**area("a", successor="a")),
            ProfileArea(**area("b", successor="c")),
            ProfileArea(**area("a")),
            ProfileArea.model_construct(
                **area("d", valid=Period(start="2020").model_copy(update={"end": "2019"}))
            ),
        ],
        measures=[],
        participant_roles=[],
    )
    assert [pointer for pointer, _ in profile_problems(profile)] == [
        "/thematic_areas/0/successor",
        "/thematic_areas/1/successor",
        "/thematic_areas/2/code",
        "/thematic_areas/3/valid/end",
    ]
    # The schema cannot state these: the model takes them, the validator reports them.
    Profile.model_validate(profile.model_dump(exclude={"thematic_areas": {3}}))
    document = valid_document()
    document["profile"] = profile.model_dump(exclude_none=True)
    assert [(f.code, f.pointer) for f in validate(document)] == [
        ("profile_unreadable", "/profile/thematic_areas/0/successor"),
        ("profile_unreadable", "/profile/thematic_areas/1/successor"),
        ("profile_unreadable", "/profile/thematic_areas/2/code"),
        ("profile_unreadable", "/profile/thematic_areas/3/valid/end"),
    ]


def test_a_successor_may_be_in_the_base() -> None:
    view = Profile.model_validate(
        extension(thematic_areas=[area("smart-city", successor="innovation")])
    )
    assert profile_problems(view, default_profile()) == []
    assert profile_problems(view) == []  # not checked without the base
    wrong = Profile.model_validate(extension(thematic_areas=[area("x", successor="nowhere")]))
    assert [p for p, _ in profile_problems(wrong, default_profile())] == [
        "/thematic_areas/0/successor"
    ]


def test_trd30_is_the_one_shipped_profile_and_the_default() -> None:
    assert shipped_profile_ids() == ["trd3.0"]
    assert shipped_profile("trd3.0") == default_profile()
    assert shipped_profile("trd4.0") is None


def test_an_inline_profile_extending_a_shipped_one_takes_effect_merged() -> None:
    document = valid_document()
    document["profile"] = extension(thematic_areas=[area("climate")])
    dataset = Dataset.model_validate(document)
    assert "climate" in dataset.effective_profile.thematic_area_codes()
    assert "health" in dataset.effective_profile.thematic_area_codes()
    document["profile"] = {**extension(), "extends": "profiles/base.json"}
    with pytest.raises(DatasetReadError, match="not a shipped profile"):
        _ = Dataset.model_validate(document).effective_profile


# -- the docs ----------------------------------------------------------------------------------

DOCS = ROOT / "docs" / "profiles.md"


def test_the_docs_list_the_default_profile_as_it_is() -> None:
    text = DOCS.read_text(encoding="utf-8")
    tables = text[text.index("### Focus areas") :]
    assert tables == areas_markdown(default_profile())


def test_the_docs_examples_are_valid_profiles() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    first = Profile.model_validate(json.loads(blocks[0])).effective()
    assert {"climate", "health"} <= first.thematic_area_codes()
    assert {"lighthouse-city", "follower-city"} <= first.codes("role")
    assert "citizens-reached" in first.codes("measure")
    renamed = json.loads("{" + blocks[1] + "}")
    Profile.model_validate({"id": "p", "title": {"en": "P"}, **renamed})


# -- reading: extends, broken profiles ---------------------------------------------------------


def test_a_broken_profile_file_stops_the_checks_of_areas(tmp_path: Path) -> None:
    document = valid_document()
    document["projects"][0]["thematic_areas"] = ["climate"]  # not in TRD3.0
    root = folder(tmp_path, document, **{"profile.json": '{"id": "grown",'})
    report = validate(root)
    assert found(report) == [("profile_unreadable", "profile.json", "")]
    assert not report.ok
    root = folder(tmp_path / "b", document, **{"profile.json": {"$schema": PROFILE_SCHEMA}})
    assert found(validate(root)) == [
        ("profile_unreadable", "profile.json", "/id"),
        ("profile_unreadable", "profile.json", "/title"),
    ]
    with pytest.raises(DatasetReadError):
        unikommune.load(root)


def test_the_profile_argument_checks_areas_even_when_the_dataset_profile_is_broken(
    tmp_path: Path,
) -> None:
    document = valid_document()
    document["projects"][0]["thematic_areas"] = ["climate"]
    root = folder(tmp_path, document, **{"profile.json": "[]"})
    report = validate(root, profile=default_profile())
    assert sorted(found(report)) == [
        ("profile_unreadable", "profile.json", ""),
        ("unknown_thematic_area", "dataset.json", "/projects/0/thematic_areas/0"),
    ]


def test_a_profile_file_extends_a_file_in_a_subfolder(tmp_path: Path) -> None:
    document = valid_document()
    document["projects"][0]["participants"][1]["role"] = "lighthouse-city"
    document["projects"][0]["thematic_areas"] = ["health", "climate"]
    grown = {**extension(), "$schema": PROFILE_SCHEMA, "extends": "profiles/base.json"}
    grown["participant_roles"] = [area("lighthouse-city")]
    middle = {**extension(thematic_areas=[area("climate")]), "$schema": PROFILE_SCHEMA}
    root = folder(tmp_path, document, **{"profile.json": grown, "profiles__base.json": middle})
    assert found(validate(root)) == []
    loaded = unikommune.load(root)
    assert loaded.profile is not None
    assert loaded.profile.extends is None
    assert {"climate", "health"} <= loaded.profile.thematic_area_codes()
    graph = partnership_graph(loaded)
    roles = {data.get("role") for _, _, data in graph.edges(data=True)}
    assert {"lighthouse-city", "coordinator", "party"} <= roles


@pytest.mark.parametrize(
    "extends",
    ["trd4.0", "https://example.org/profile.json", "../outside.json", "/etc/profile.json"],
)
def test_extends_naming_nothing_usable_is_an_unknown_profile(tmp_path: Path, extends: str) -> None:
    (tmp_path / "outside.json").write_text(json.dumps(extension()), encoding="utf-8")
    document = valid_document()
    document["projects"][0]["thematic_areas"] = ["climate"]  # unchecked: no fall-back
    grown = {**extension(), "$schema": PROFILE_SCHEMA, "extends": extends}
    root = folder(tmp_path, document, **{"profile.json": grown})
    assert found(validate(root)) == [("unknown_profile", "profile.json", "/extends")]


def test_an_inline_profile_extends_relative_to_its_document(tmp_path: Path) -> None:
    document = valid_document()
    document["profile"] = {**extension(), "extends": "profiles/base.json"}
    document["projects"][0]["thematic_areas"] = ["climate"]
    middle = {**extension(thematic_areas=[area("climate")]), "$schema": PROFILE_SCHEMA}
    root = folder(tmp_path, document, **{"profiles__base.json": middle})
    assert found(validate(root / "dataset.json")) == []
    assert found(validate(document)) == [("unknown_profile", "", "/profile/extends")]


def test_load_merges_an_inline_profile_with_the_file_it_extends(tmp_path: Path) -> None:
    document = valid_document()
    document["profile"] = {**extension(), "extends": "profiles/base.json"}
    document["projects"][0]["thematic_areas"] = ["climate"]
    middle = {**extension(thematic_areas=[area("climate")]), "$schema": PROFILE_SCHEMA}
    root = folder(tmp_path, document, **{"profiles__base.json": middle})
    for path in (root, root / "dataset.json"):
        loaded = unikommune.load(path)
        assert loaded.profile is not None
        assert loaded.profile.extends is None
        assert loaded.effective_profile.thematic_areas[-1].code == "climate"
    (root / "profiles" / "base.json").unlink()
    with pytest.raises(unikommune.InvalidDatasetError) as raised:
        unikommune.load(root)
    assert [problem.code for problem in raised.value.problems] == ["unknown_profile"]


def test_a_cycle_of_profile_files_is_refused(tmp_path: Path) -> None:
    one = {**extension(), "$schema": PROFILE_SCHEMA, "extends": "profiles/two.json"}
    two = {**extension(), "$schema": PROFILE_SCHEMA, "extends": "../profile.json"}
    root = folder(tmp_path, valid_document(), **{"profile.json": one, "profiles__two.json": two})
    assert found(validate(root)) == [("profile_unreadable", "two.json", "/extends")]
    profile, findings = read_profile(root / "profile.json")
    assert profile is None
    assert [f.code for f in findings] == ["profile_unreadable"]


def test_an_invalid_inline_profile_is_unreadable_and_stops_the_checks() -> None:
    document = valid_document()
    document["profile"] = {"id": "p", "thematic_areas": [area("a")]}
    assert found(validate(document)) == [("profile_unreadable", "", "/profile/title")]


# -- records against the profile ---------------------------------------------------------------


def renamed(end: str) -> dict[str, Any]:
    """Return a profile in which ``health`` ends at ``end``, succeeded by ``care``."""
    return extension(
        thematic_areas=[
            area("health", valid={"start": "2010", "end": end}, successor="care"),
            area("care", valid={"start": "2019"}),
        ]
    )


@pytest.mark.parametrize(
    ("end", "warned"),
    [
        # The agreement starts 2018, the mission 2019, the project 2019-01, the thesis 2020.
        ("2017", ["/agreements/0", "/missions/0", "/projects/0", "/theses/0"]),
        ("2018", ["/missions/0", "/projects/0", "/theses/0"]),
        ("2018-12-31", ["/missions/0", "/projects/0", "/theses/0"]),
        ("2019-01-01", ["/theses/0"]),  # 2019-01 may be any day of January
        ("2019", ["/theses/0"]),
        ("2020", []),
        ("..", []),
        ("", []),
        ("2018?", ["/missions/0", "/projects/0", "/theses/0"]),  # a qualifier widens nothing
        ("[2018,2019]", ["/theses/0"]),
    ],
)
def test_a_retired_area_is_warned_only_after_its_end(end: str, warned: list[str]) -> None:
    document = valid_document()
    document["profile"] = renamed(end)
    document["theses"][0]["thematic_areas"] = ["health"]
    report = validate(document)
    assert {f.code for f in report} <= {"retired_area"}
    assert [f.pointer.rsplit("/thematic_areas", 1)[0] for f in report] == warned
    assert report.ok


def test_a_retired_area_is_judged_by_each_collections_date() -> None:
    document = valid_document()
    document["profile"] = renamed("2019")
    document["projects"][0]["period"] = {"start": "", "end": "2021-12"}  # start not known
    document["placements"] = []
    document["learning_activities"][0]["thematic_areas"] = ["health"]  # no period: no date
    document["figures"] = [
        {
            "id": "placed",
            "measure": "students-placed",
            "thematic_area": "health",
            "date": "2020-06-30",
            "value": 3000,
            "unit": "count",
        },
        {
            "id": "theses",
            "measure": "theses",
            "thematic_area": "health",
            "period": {"start": "2019", "end": "2019"},
            "value": 12,
            "unit": "count",
        },
    ]
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [
        ("retired_area", "/figures/0/thematic_area"),
    ]


def test_roles_a_profile_adds_are_known() -> None:
    document = valid_document()
    document["projects"][0]["participants"][1]["role"] = "follower-city"
    assert [(f.code, f.pointer) for f in validate(document)] == [
        ("unknown_participant_role", "/projects/0/participants/1/role")
    ]
    document["profile"] = extension(participant_roles=[area("follower-city")])
    assert validate(document).findings == []
    retired = extension(
        participant_roles=[area("follower-city", valid={"start": "2010", "end": "2015"})]
    )
    document["profile"] = retired
    assert [(f.code, f.pointer) for f in validate(document)] == [
        ("retired_area", "/projects/0/participants/1/role")
    ]


def test_a_profile_given_to_validate_may_extend_a_shipped_one() -> None:
    document = valid_document()
    document["projects"][0]["thematic_areas"] = ["climate"]
    grown = Profile.model_validate(extension(thematic_areas=[area("climate")]))
    assert validate(document, profile=grown).findings == []
    elsewhere = Profile.model_validate({**extension(), "extends": "base.json"})
    with pytest.raises(DatasetReadError):
        validate(document, profile=elsewhere)


def test_retired_areas_are_found_alike_in_json_lines_either_way(tmp_path: Path) -> None:
    document = valid_document()
    document["profile"] = renamed("2018")
    projects = [copy.deepcopy(document["projects"][0]) for _ in range(3)]
    for number, project in enumerate(projects):
        project["id"] = f"p{number}"
        project["title"] = {"en": f"Project {number}"}
        project["identifiers"][0]["value"] = f"12345{number}"
        project["period"]["start"] = ["2018", "2019", "2020-05"][number]
    del document["projects"]
    document["missions"][0]["projects"] = ["p1"]  # 2019 to 2022: p1 runs within it
    root = folder(
        tmp_path,
        document,
        **{"projects.jsonl": "\n".join(json.dumps(p) for p in projects) + "\n"},
    )
    fast = validate(root)
    assert validate(root, accelerate=False) == fast
    # The mission (2019) and the projects of 2019 and 2020-05; not the one of 2018.
    assert [(f.code, Path(f.file or "").name, f.pointer) for f in fast] == [
        ("retired_area", "dataset.json", "/missions/0/thematic_areas/0"),
        ("retired_area", "projects.jsonl", "/thematic_areas/0"),
        ("retired_area", "projects.jsonl", "/thematic_areas/0"),
    ]
    assert [f.line for f in fast][1:] == [2, 3]
