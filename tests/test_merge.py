"""Merge: shared partners and projects become one, conflicts are said, references follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from stdnum.no import orgnr

import unikommune
from conftest import SLOW
from unikommune.cli import main
from unikommune.harvest.mapping import harvest
from unikommune.harvest.merge import MERGE_CODES, merge, merge_paths
from unikommune.harvest.provenance import read_provenance, write_folder
from unikommune.models import Dataset

DATA = Path(__file__).parent / "data" / "harvest"
ON = date(2024, 3, 1)
#: Valid organisation numbers, a few, so that drawn datasets share some.
ORGNRS = [
    number
    for number in (f"{body}{digit}" for body in range(92105500, 92105520) for digit in range(10))
    if orgnr.is_valid(number)
][:6]
GRANTS = ["101000001", "101000002", "101000003"]


def dataset(partners: list[dict[str, Any]], projects: list[dict[str, Any]]) -> Dataset:
    return Dataset.model_validate(
        {
            "$schema": "https://w3id.org/unikommune/schema/0.2/dataset.json",
            "title": {"en": "Test"},
            "description": {"en": "Test"},
            "publisher": {"name": {"en": "Test"}},
            "license": "CC-BY-4.0",
            "languages": ["en"],
            "modified": "2024-03-01",
            "partners": partners,
            "projects": projects,
        }
    )


def partner(pid: str, number: str | None, name: str = "A", sector: str = "academia") -> Any:
    identifiers = [{"scheme": "no-orgnr", "value": number}] if number else []
    return {
        "id": pid,
        "name": {"en": name},
        "kind": "university",
        "sector": sector,
        "identifiers": identifiers,
    }


def project(pid: str, grant: str | None, participants: list[str], title: str = "T") -> Any:
    return {
        "id": pid,
        "title": {"en": title},
        "kinds": ["research"],
        "status": "active",
        "period": {"start": "2021", "end": "2024"},
        "participants": [{"partner": p, "role": "partner"} for p in participants],
        "identifiers": [{"scheme": "eu-grant", "value": grant}] if grant else [],
    }


@st.composite
def datasets(draw: Callable[..., Any]) -> Dataset:
    """Draw a small valid dataset whose partners and projects overlap with others' drawn."""
    ids = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    numbers = draw(
        st.lists(st.sampled_from(ORGNRS), min_size=len(ids), max_size=len(ids), unique=True)
    )
    # Some partners have no identifier: they are matched by their content alone.
    numbers = [draw(st.sampled_from([number, None])) for number in numbers]
    partners = [
        partner(
            pid,
            number,
            draw(st.sampled_from("AB")),
            draw(st.sampled_from(["academia", "industry"])),
        )
        for pid, number in zip(ids, numbers, strict=True)
    ]
    projects = []
    grants = draw(st.lists(st.sampled_from([*GRANTS, None]), max_size=3))
    for at, grant in enumerate(dict.fromkeys(grants)):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        projects.append(project(draw(st.sampled_from("xyz")) + str(at), grant, members))
    return dataset(partners, projects)


def shape(data: Dataset) -> tuple[Any, ...]:
    """Return what a merge must agree on whatever the ids: the records by their identifiers."""
    partners = sorted(sorted((i.scheme, i.value) for i in p.identifiers) for p in data.partners)
    projects = sorted(sorted((i.scheme, i.value) for i in p.identifiers) for p in data.projects)
    return len(data.partners), len(data.projects), partners, projects


@SLOW
@given(datasets(), datasets())
def test_merge_is_idempotent_and_valid(a: Dataset, b: Dataset) -> None:
    assert merge([a]).dataset == a
    assert merge([a, a]).dataset == a
    merged = merge([a, b]).dataset
    assert merge([merged, merged]).dataset == merged
    assert unikommune.validate(merged).ok


@SLOW
@given(datasets(), datasets(), datasets())
def test_merge_is_associative_and_commutative_up_to_ids(a: Dataset, b: Dataset, c: Dataset) -> None:
    flat = shape(merge([a, b, c]).dataset)
    assert shape(merge([merge([a, b]).dataset, c]).dataset) == flat
    assert shape(merge([a, merge([b, c]).dataset]).dataset) == flat
    assert shape(merge([c, b, a]).dataset) == flat


def test_shared_identifiers_join_and_conflicts_are_reported() -> None:
    first = dataset([partner("ntnu", ORGNRS[0], "NTNU")], [project("p", GRANTS[0], ["ntnu"])])
    second = dataset(
        [partner("uni", ORGNRS[0], "Other name", "industry"), partner("tk", ORGNRS[1])],
        [project("q", GRANTS[0], ["uni", "tk"], title="Another title")],
    )
    result = merge([first, second])
    assert [p.id for p in result.dataset.partners] == ["ntnu", "tk"]
    assert [p.partner for p in result.dataset.projects[0].participants] == ["ntnu", "tk"]
    assert sorted((f.code, f.id, f.field) for f in result.findings) == [
        ("conflicting_value", "ntnu", "name.en"),
        ("conflicting_value", "ntnu", "sector"),
        ("conflicting_value", "p", "title.en"),
    ]
    assert result.dataset.partners[0].name == {"en": "NTNU"}  # the first dataset's value


def test_colliding_ids_are_renamed_and_references_follow() -> None:
    first = dataset([partner("p", ORGNRS[0])], [project("x", GRANTS[0], ["p"])])
    second = dataset([partner("p", ORGNRS[1])], [project("x", GRANTS[1], ["p"])])
    result = merge([first, second])
    assert [p.id for p in result.dataset.partners] == ["p", "p-2"]
    assert [(p.id, p.participants[0].partner) for p in result.dataset.projects] == [
        ("x", "p"),
        ("x-2", "p-2"),
    ]
    assert [(f.code, f.id) for f in result.findings] == [
        ("renamed_id", "p-2"),
        ("renamed_id", "x-2"),
    ]
    assert {f.code for f in result.findings} <= set(MERGE_CODES)


def test_records_alike_but_for_their_ids_stay_apart_within_a_dataset() -> None:
    twins = dataset([partner("school-1", None), partner("school-2", None)], [])
    assert merge([twins]).dataset == twins
    assert merge([twins, twins]).dataset == twins
    renamed = dataset([partner("school-9", None)], [])
    result = merge([twins, renamed])
    assert [p.id for p in result.dataset.partners] == ["school-1", "school-2"]


def test_periods_join_by_the_more_precise_bound() -> None:
    rough = project("x", GRANTS[0], ["p"])
    fine = project("x", GRANTS[0], ["p"])
    fine["period"] = {"start": "2021-03-01", "end": ""}
    result = merge(
        [dataset([partner("p", ORGNRS[0])], [rough]), dataset([partner("p", ORGNRS[0])], [fine])]
    )
    period = result.dataset.projects[0].period
    assert (period.start, period.end) == ("2021-03-01", "2024")
    assert result.findings == []


def test_harvests_of_two_sources_give_each_project_once(tmp_path: Path) -> None:
    eu = harvest("rcn-eu", [DATA / "rcn" / "bevilgningereu.csv"], retrieved=ON, today=ON)
    cordis = harvest(
        "cordis", [DATA / "cordis" / "project.csv", DATA / "cordis" / "organization.csv"],
        retrieved=ON, today=ON,
    )  # fmt: skip
    write_folder(eu.dataset, eu.provenance, tmp_path / "eu")
    write_folder(cordis.dataset, cordis.provenance, tmp_path / "cordis")
    result = merge_paths([tmp_path / "eu", tmp_path / "cordis"])
    grants = [
        i.value for p in result.dataset.projects for i in p.identifiers if i.scheme == "eu-grant"
    ]
    assert (
        sorted(grants)
        == sorted(set(grants))
        == [f"10199{n}" for n in ("9101", "9202", "9303", "9404", "9505")]
    )
    kompass = next(p for p in result.dataset.projects if p.id == "eu-101999101")
    assert len(kompass.participants) == 5  # the council's three and CORDIS's partners abroad
    assert unikommune.validate(result.dataset).ok
    sources = {(row.id, row.source) for row in result.provenance}
    assert {("eu-101999101", "rcn-eu"), ("eu-101999101", "cordis")} <= sources


def test_cli_merges_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eu = harvest("rcn-eu", [DATA / "rcn" / "bevilgningereu.csv"], retrieved=ON, today=ON)
    brreg = harvest("brreg", [DATA / "brreg" / "enheter.json"], retrieved=ON, today=ON)
    write_folder(eu.dataset, eu.provenance, tmp_path / "eu")
    write_folder(brreg.dataset, brreg.provenance, tmp_path / "brreg")
    out = tmp_path / "out"
    assert main(["merge", str(tmp_path / "eu"), str(tmp_path / "brreg"), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    # Both NLOD-2.0: no metadata conflict; the register and the council disagree on a sector.
    assert "conflicting_metadata" not in printed.out
    assert "no-921055021: sector" in printed.out
    assert main(["validate", str(out)]) == 0
    assert {row.source for row in read_provenance(out)} == {"rcn-eu", "brreg"}
    assert main(["merge", str(out), str(tmp_path / "eu"), "-o", str(out), "--force"]) == 2


def test_records_alike_through_their_references_join_round_after_round() -> None:
    """A unit joins its twin only once their parents have joined: a second round."""
    units = [partner("org", None, "O"), {**partner("unit", None, "U"), "parent": "org"}]
    first = dataset(units, [project("p", None, ["unit"])])
    twins = [partner("o2", None, "O"), {**partner("u2", None, "U"), "parent": "o2"}]
    second = dataset(twins, [project("q", None, ["u2"])])
    result = merge([first, second])
    assert result.dataset == first
    assert result.findings == []
    other = dataset(twins, [project("q", None, ["o2"])])  # the project points elsewhere
    assert [p.id for p in merge([first, other]).dataset.projects] == ["p", "q"]


def test_a_merge_the_models_reject_raises_their_error_with_every_place() -> None:
    good = dataset([partner("p", ORGNRS[0])], [project("x", GRANTS[0], ["p"])])
    bad = good.model_copy(deep=True)
    bad.partners[0].id = "not an id"  # assigned, not checked: only the merge's check sees it
    bad.projects[0].title = {"en": ""}
    with pytest.raises(ValidationError) as raised:
        merge([bad])
    assert [error["loc"][:2] for error in raised.value.errors()] == [
        ("partners", 0),
        ("projects", 0),
    ]
    assert raised.value.title == "Dataset"
