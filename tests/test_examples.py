"""The shipped example datasets: they load, validate, round-trip and hold what they promise."""

from __future__ import annotations

import json
import re
import typing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import unikommune
from unikommune import Dataset, Profile, SdgLink
from unikommune.codelists import sdg_goal_of
from unikommune.dataset import PROFILE_FILE
from unikommune.identifiers import is_valid_identifier
from unikommune.models import COLLECTIONS, default_profile
from unikommune.models.values import LOCAL_ID_PATTERN
from unikommune.schema import validator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: Folders of examples/ that are not datasets: documents that each break one rule.
NOT_DATASETS = {"invalid"}
DATASET_DIRS = sorted(
    path for path in EXAMPLES.iterdir() if path.is_dir() and path.name not in NOT_DATASETS
)
DATASET_IDS = [folder.name for folder in DATASET_DIRS]
JSON_FILES = sorted(file for folder in DATASET_DIRS for file in folder.glob("*.json"))
TRONDHEIM = EXAMPLES / "trondheim"
NORDLYSFJORD = EXAMPLES / "nordlysfjord"

#: Schema to check each document against, by the ``$schema`` it names.
SCHEMA_BY_ID = {unikommune.schema_id(name): name for name in ("dataset", "dataset-part", "profile")}

#: The persons named in the seed's photo caption; none of them belongs in the data.
SEED_PERSONS = ("Gunnar Bovim", "Rita Ottervik", "Morten Wolden", "Toril Hernes")


@pytest.fixture(scope="module")
def trondheim() -> Dataset:
    return unikommune.load(TRONDHEIM)


@pytest.fixture(scope="module")
def nordlysfjord() -> Dataset:
    return unikommune.load(NORDLYSFJORD)


def _sdg_holders(dataset: Dataset) -> Iterator[tuple[str, list[SdgLink]]]:
    """Yield ``(where, links)`` for every record or activity that the SDG rule covers."""
    for agreement in dataset.agreements:
        for plan in agreement.action_plans:
            for activity in plan.activities:
                yield f"activity {activity.id}", activity.sdg_links
    for name in ("missions", "projects", "theses", "learning_activities"):
        for record in dataset.collection(name):
            yield f"{name} {record.id}", record.sdg_links


def _all_sdg_links(dataset: Dataset) -> Iterator[SdgLink]:
    for _, links in _sdg_holders(dataset):
        yield from links


# --- every example -------------------------------------------------------------------------


def test_both_examples_are_shipped() -> None:
    assert {folder.name for folder in DATASET_DIRS} >= {"trondheim", "nordlysfjord"}


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_example_loads_with_records_in_it(folder: Path) -> None:
    dataset = unikommune.load(folder)
    assert isinstance(dataset, Dataset)
    assert dataset.partners
    assert dataset.agreements


@pytest.mark.parametrize("path", JSON_FILES, ids=[f"{p.parent.name}/{p.name}" for p in JSON_FILES])
def test_every_file_validates_against_the_shipped_schema(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document.get("$schema") in SCHEMA_BY_ID, f"{path.name} names no published schema"
    errors = sorted(validator(SCHEMA_BY_ID[document["$schema"]]).iter_errors(document), key=str)
    assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_file_model_file_round_trip_is_byte_identical(folder: Path, tmp_path: Path) -> None:
    dataset = unikommune.load(folder)
    out = tmp_path / folder.name
    unikommune.save(dataset, out)
    expected = {file.name: file.read_bytes() for file in folder.iterdir()}
    written = {file.name: file.read_bytes() for file in out.iterdir()}
    assert sorted(written) == sorted(expected)
    for name, data in expected.items():
        assert written[name] == data, f"{folder.name}/{name} is not in canonical form"


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_save_in_either_layout_loads_back_equal(folder: Path, tmp_path: Path) -> None:
    dataset = unikommune.load(folder)
    unikommune.save(dataset, tmp_path / "folder")
    unikommune.save(dataset, tmp_path / "dataset.json")
    assert unikommune.load(tmp_path / "folder") == dataset
    assert unikommune.load(tmp_path / "dataset.json") == dataset


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_ids_are_unique(folder: Path) -> None:
    dataset = unikommune.load(folder)
    for name in COLLECTIONS:
        counts = Counter(record.id for record in dataset.collection(name))
        assert [id_ for id_, count in counts.items() if count > 1] == [], name
    for agreement in dataset.agreements:
        inner = [
            *(body.id for body in agreement.governance),
            *(statement.id for statement in agreement.objectives),
            *(statement.id for statement in agreement.obligations),
            *(plan.id for plan in agreement.action_plans),
            *(activity.id for plan in agreement.action_plans for activity in plan.activities),
            *(rule.id for rule in agreement.rules),
        ]
        counts = Counter(inner)
        assert [id_ for id_, count in counts.items() if count > 1] == [], agreement.id


# --- references ------------------------------------------------------------------------------

#: Every field that holds the id of another record, by ``Model.field``; the test below keeps
#: this list in step with the models.
REFERENCE_FIELDS = {
    "Activity.responsible",
    "Agreement.supersedes",
    "AgreementParty.partner",
    "Dataset.publisher",
    "Figure.agreement",
    "Figure.partner",
    "Figure.reported_by",
    "Funding.funder",
    "Funding.recipient",
    "GovernanceMembership.combined_with",
    "GovernanceMembership.partner",
    "LearningActivity.agreement",
    "LearningActivity.organisers",
    "Mission.agreement",
    "Mission.owners",
    "MaturityAssessment.body",
    "Mission.projects",
    "ParticipantCount.partner",
    "Participation.partner",
    "Partner.parent",
    "Placement.agreement",
    "Placement.host",
    "Placement.institution",
    "Project.agreement",
    "Rule.decided_by",
    "SdgLinkProvenance.curator",
    "Thesis.agreement",
    "Thesis.host",
    "Thesis.institution",
    "Thesis.supervising_partners",
}


def _is_local_id(annotation: Any, metadata: list[Any]) -> bool:
    patterns = [getattr(item, "pattern", None) for item in metadata]
    if typing.get_origin(annotation) is typing.Annotated:
        patterns += [getattr(item, "pattern", None) for item in annotation.__metadata__]
    return LOCAL_ID_PATTERN in patterns


def _models_in(annotation: Any) -> Iterator[Any]:
    """Yield the annotation and everything nested in it (list items, union members, ...)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _reference_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        nested = list(_models_in(field.annotation))
        if name != "id" and any(_is_local_id(item, field.metadata) for item in nested):
            yield f"{model.__name__}.{name}"
        for item in nested:
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield from _reference_fields(item, seen)


def test_reference_list_matches_the_models() -> None:
    assert set(_reference_fields(Dataset, set())) == REFERENCE_FIELDS


def _dangling(dataset: Dataset) -> list[str]:
    partners = {partner.id for partner in dataset.partners}
    agreements = {agreement.id for agreement in dataset.agreements}
    projects = {project.id for project in dataset.projects}
    publisher = dataset.publisher if isinstance(dataset.publisher, str) else None
    refs: list[tuple[str, str | None, set[str]]] = [("publisher", publisher, partners)]
    for partner in dataset.partners:
        refs.append((f"partner {partner.id} parent", partner.parent, partners - {partner.id}))
    for agreement in dataset.agreements:
        where = f"agreement {agreement.id}"
        bodies = {body.id for body in agreement.governance}
        refs.append((f"{where} supersedes", agreement.supersedes, agreements - {agreement.id}))
        refs += [(f"{where} party", party.partner, partners) for party in agreement.parties]
        refs += [
            (f"{where} member", partner, partners)
            for body in agreement.governance
            for member in body.members
            for partner in (member.partner, *member.combined_with)
        ]
        refs += [
            (f"{where} activity {activity.id}", ref, partners)
            for plan in agreement.action_plans
            for activity in plan.activities
            for ref in activity.responsible
        ]
        refs += [(f"{where} rule", rule.decided_by, bodies) for rule in agreement.rules]
        refs += [(f"{where} assessment", a.body, bodies) for a in agreement.maturity_assessments]
    for mission in dataset.missions:
        refs += [(f"mission {mission.id} owner", ref, partners) for ref in mission.owners]
        refs += [(f"mission {mission.id} project", ref, projects) for ref in mission.projects]
        refs.append((f"mission {mission.id} agreement", mission.agreement, agreements))
    for project in dataset.projects:
        refs += [(f"project {project.id}", p.partner, partners) for p in project.participants]
        refs += [(f"project {project.id} funder", f.funder, partners) for f in project.funding]
        refs += [
            (f"project {project.id} recipient", f.recipient, partners) for f in project.funding
        ]
        refs.append((f"project {project.id} agreement", project.agreement, agreements))
    for placement in dataset.placements:
        refs.append((f"placement {placement.id}", placement.institution, partners))
        refs.append((f"placement {placement.id}", placement.host, partners))
        refs.append((f"placement {placement.id}", placement.agreement, agreements))
    for thesis in dataset.theses:
        refs.append((f"thesis {thesis.id}", thesis.institution, partners))
        refs.append((f"thesis {thesis.id}", thesis.host, partners))
        refs.append((f"thesis {thesis.id} agreement", thesis.agreement, agreements))
        refs += [(f"thesis {thesis.id}", ref, partners) for ref in thesis.supervising_partners]
    for activity in dataset.learning_activities:
        where = f"learning activity {activity.id}"
        refs += [(where, ref, partners) for ref in activity.organisers]
        refs += [(where, count.partner, partners) for count in activity.participants]
        refs.append((where, activity.agreement, agreements))
    for figure in dataset.figures:
        refs.append((f"figure {figure.id}", figure.partner, partners))
        refs.append((f"figure {figure.id}", figure.reported_by, partners))
        refs.append((f"figure {figure.id}", figure.agreement, agreements))
    refs += [
        ("sdg link curator", link.provenance.curator, partners)
        for link in _all_sdg_links(dataset)
        if link.provenance is not None
    ]
    return [f"{where}: {ref}" for where, ref, known in refs if ref is not None and ref not in known]


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_every_reference_resolves(folder: Path) -> None:
    assert _dangling(unikommune.load(folder)) == []


def test_a_dangling_reference_is_caught(trondheim: Dataset) -> None:
    broken = trondheim.model_copy(deep=True)
    broken.missions[0].projects.append("no-such-project")
    broken.theses[0].host = "no-such-unit"
    assert _dangling(broken) == [
        f"mission {broken.missions[0].id} project: no-such-project",
        f"thesis {broken.theses[0].id}: no-such-unit",
    ]


# --- profiles and the SDG rule ---------------------------------------------------------------


def _codes_outside_profile(dataset: Dataset) -> list[str]:
    profile = dataset.effective_profile
    focus, thematic = profile.focus_area_codes(), profile.thematic_area_codes()
    used: list[tuple[str, list[str], frozenset[str]]] = []
    for agreement in dataset.agreements:
        used.append((f"agreement {agreement.id}", agreement.focus_areas, focus))
        used.append((f"agreement {agreement.id}", agreement.thematic_areas, thematic))
        used += [(f"plan {plan.id}", [plan.focus_area], focus) for plan in agreement.action_plans]
    for name in ("missions", "projects", "theses", "learning_activities"):
        for record in dataset.collection(name):
            used.append((f"{name} {record.id}", record.thematic_areas, thematic))
            used.append((f"{name} {record.id}", getattr(record, "focus_areas", []), focus))
    return [
        f"{where}: {code}" for where, codes, known in used for code in codes if code not in known
    ]


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_every_area_code_is_in_the_datasets_profile(folder: Path) -> None:
    dataset = unikommune.load(folder)
    assert _codes_outside_profile(dataset) == []


def test_a_code_outside_the_profile_is_caught(nordlysfjord: Dataset) -> None:
    broken = nordlysfjord.model_copy(deep=True)
    broken.projects[0].thematic_areas.append("smart-city")
    assert _codes_outside_profile(broken) == [f"projects {broken.projects[0].id}: smart-city"]


def test_nordlysfjord_renames_a_thematic_area_from_2023(tmp_path: Path) -> None:
    folder = tmp_path / "nordlysfjord"
    folder.mkdir()
    for path in NORDLYSFJORD.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    theses = json.loads((folder / "theses.json").read_text(encoding="utf-8"))
    thesis = theses["theses"][0]
    assert thesis["year"] == 2023
    assert "good-places-to-live" in thesis["thematic_areas"]
    thesis["thematic_areas"] = ["attractive-region"]  # the old code, after its end in 2022
    (folder / "theses.json").write_text(json.dumps(theses), encoding="utf-8")
    (finding,) = unikommune.validate(folder).findings
    assert (finding.code, finding.pointer) == ("retired_area", "/theses/0/thematic_areas/0")
    assert "good-places-to-live" in finding.message


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_every_activity_the_sdg_rule_covers_has_a_correct_sdg_link(folder: Path) -> None:
    dataset = unikommune.load(folder)
    assert any(rule.kind == "sdg-link-required" for a in dataset.agreements for rule in a.rules)
    assert [where for where, links in _sdg_holders(dataset) if not links] == []
    for link in _all_sdg_links(dataset):
        assert link.target is None or sdg_goal_of(link.target) == link.goal


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_validator_finds_nothing(folder: Path) -> None:
    report = unikommune.validate(folder)
    assert report.ok, [str(finding) for finding in report.findings]
    assert [str(finding) for finding in report.findings] == []


# --- what the Trondheim example holds --------------------------------------------------------


def test_trondheim_has_every_collection_of_the_model(trondheim: Dataset) -> None:
    assert [name for name in COLLECTIONS if not trondheim.collection(name)] == []
    assert any(partner.parent is not None for partner in trondheim.partners)
    assert any(project.funding and project.outputs for project in trondheim.projects)
    assert any(activity.participants for activity in trondheim.learning_activities)
    assert any(mission.projects for mission in trondheim.missions)


def test_trondheim_parties_carry_their_public_identifiers(trondheim: Dataset) -> None:
    (agreement,) = [a for a in trondheim.agreements if a.id == "trd30-2018"]
    partners = {partner.id: partner for partner in trondheim.partners}
    parties = [partners[party.partner] for party in agreement.parties]
    identifiers = {
        party.name["nb"]: {(i.scheme.value, i.value) for i in party.identifiers}
        for party in parties
    }
    assert identifiers == {
        "Trondheim kommune": {("no-orgnr", "942110464"), ("no-kommunenr", "5001")},
        "Norges teknisk-naturvitenskapelige universitet": {
            ("no-orgnr", "974767880"),
            ("ror", "05xg72x27"),
        },
    }
    for partner in trondheim.partners:
        for identifier in partner.identifiers:
            assert is_valid_identifier(identifier.scheme, identifier.value)


def test_trondheim_agreement_states_the_2018_pilot(trondheim: Dataset) -> None:
    agreement, continuation = trondheim.agreements
    assert agreement.id == "trd30-2018"
    assert agreement.signed == "2018"
    first, last = agreement.period.bounds()
    assert first is not None
    assert last is not None
    assert (first.year, last.year - first.year + 1) == (2018, 4)
    assert agreement.maturity == "3.0"
    assert agreement.supersedes is None
    # The continuation: its dates are not in the source, so only an uncertain start is given.
    assert continuation.supersedes == "trd30-2018"
    assert [party.partner for party in continuation.parties] == ["trondheim-kommune", "ntnu"]
    assert (continuation.signed, continuation.period.start, continuation.period.end) == (
        None,
        "2022?",
        None,
    )
    assert len(agreement.objectives) == 3
    assert len(agreement.obligations) == 3
    assert "forskningsbasert evaluering" in agreement.obligations[0].text["nb"]
    assert "toveis" in agreement.objectives[2].text["nb"]


def test_trondheim_uses_the_default_profile_in_full(trondheim: Dataset) -> None:
    (agreement,) = [a for a in trondheim.agreements if a.id == "trd30-2018"]
    profile = default_profile()
    assert trondheim.profile is None
    assert set(agreement.focus_areas) == profile.focus_area_codes()
    assert set(agreement.thematic_areas) == profile.thematic_area_codes()
    planned = {plan.focus_area for plan in agreement.action_plans if plan.activities}
    assert planned == profile.focus_area_codes()


def test_trondheim_steering_group_is_roles_not_persons(trondheim: Dataset) -> None:
    (agreement,) = [a for a in trondheim.agreements if a.id == "trd30-2018"]
    (body,) = agreement.governance
    assert body.kind == "steering-group"
    seats = {
        (member.role.value, member.partner, member.position and member.position["en"])
        for member in body.members
    }
    assert seats == {
        ("chair", "trondheim-kommune", "Municipal director"),
        ("deputy-chair", "ntnu", "Pro-rector for innovation"),
    }


def test_trondheim_sdg_rule_is_the_march_2019_decision(trondheim: Dataset) -> None:
    (agreement,) = [a for a in trondheim.agreements if a.id == "trd30-2018"]
    (rule,) = agreement.rules
    assert (rule.kind, rule.decided, rule.decided_by) == (
        "sdg-link-required",
        "2019-03",
        "steering-group",
    )
    assert {kind.value for kind in rule.applies_to} == {
        "project",
        "mission",
        "thesis",
        "learning-activity",
        "activity",
    }


def test_trondheim_placements_are_about_3000_a_year(trondheim: Dataset) -> None:
    per_year: Counter[int] = Counter()
    per_field: Counter[str] = Counter()
    for placement in trondheim.placements:
        per_year[placement.year] += placement.students
        per_field[placement.field.value] += placement.students
    assert len(per_year) >= 3
    assert all(2_850 <= total <= 3_150 for total in per_year.values()), per_year
    health_social_teacher = sum(
        per_field[field] for field in ("health", "social-work", "teacher-education")
    )
    assert health_social_teacher > sum(per_field.values()) / 2


def test_trondheim_projects_reach_beyond_the_two_parties(trondheim: Dataset) -> None:
    partners = {partner.id: partner for partner in trondheim.partners}

    def organisation(partner_id: str) -> str:
        while (parent := partners[partner_id].parent) is not None:
            partner_id = parent
        return partner_id

    outside = {
        organisation(participant.partner)
        for project in trondheim.projects
        for participant in project.participants
    } - {"trondheim-kommune", "ntnu"}
    kinds = {partners[partner_id].kind.value for partner_id in outside}
    assert kinds >= {"county", "research-institute", "health-trust", "company", "ngo"}


def test_trondheim_description_separates_fact_from_illustration(trondheim: Dataset) -> None:
    assert "ILLUSTRATIVT" in trondheim.description["nb"]
    assert "ILLUSTRATIVE" in trondheim.description["en"]
    assert "3000" in trondheim.description["nb"]
    assert "3,000" in trondheim.description["en"]


# --- the second example ----------------------------------------------------------------------


def test_nordlysfjord_declares_its_own_profile_in_profile_json(nordlysfjord: Dataset) -> None:
    document = json.loads((NORDLYSFJORD / PROFILE_FILE).read_text(encoding="utf-8"))
    assert document["$schema"] == unikommune.schema_id("profile")
    assert "profile" not in json.loads((NORDLYSFJORD / "dataset.json").read_text("utf-8"))
    assert nordlysfjord.profile == Profile.model_validate(document)


def test_nordlysfjord_areas_are_not_the_trd30_ones(nordlysfjord: Dataset) -> None:
    own = nordlysfjord.effective_profile
    trd30 = default_profile()
    assert own.id != trd30.id
    assert not own.thematic_area_codes() & trd30.thematic_area_codes()
    assert not own.focus_area_codes() & trd30.focus_area_codes()
    used = {
        code
        for name in ("missions", "projects", "theses", "learning_activities")
        for record in nordlysfjord.collection(name)
        for code in record.thematic_areas
    }
    assert used
    assert used <= own.thematic_area_codes()


def test_nordlysfjord_is_a_renewed_regional_network(nordlysfjord: Dataset) -> None:
    partners = {partner.id: partner for partner in nordlysfjord.partners}
    agreements = {agreement.id: agreement for agreement in nordlysfjord.agreements}
    (newer,) = [agreement for agreement in agreements.values() if agreement.supersedes]
    pilot = agreements[newer.supersedes or ""]
    assert pilot.supersedes is None
    assert newer.period.bounds()[0] > pilot.period.bounds()[0]
    assert newer.thematic_areas != pilot.thematic_areas
    kinds = Counter(partners[party.partner].kind.value for party in newer.parties)
    assert kinds["municipality"] >= 2
    assert {"university", "university-college", "research-institute"} <= set(kinds)


def test_nordlysfjord_says_it_is_fictional(nordlysfjord: Dataset) -> None:
    assert "OPPDIKTET" in nordlysfjord.description["nb"]
    assert "FICTIONAL" in nordlysfjord.description["en"]
    assert all(not partner.identifiers for partner in nordlysfjord.partners)


# --- privacy, licence, README ----------------------------------------------------------------


def _ascii_view(path: Path) -> str:
    """Return the file's text as far as ASCII goes, whatever its encoding (UTF-8, UTF-16, ...)."""
    return path.read_bytes().replace(b"\x00", b"").decode("latin-1")


def test_no_file_names_a_person_from_the_seed() -> None:
    files = [file for file in EXAMPLES.rglob("*") if file.is_file()]
    assert files
    words = {word for person in SEED_PERSONS for word in (person, *person.split())}
    pattern = re.compile(rf"\b({'|'.join(sorted(words))})\b", re.IGNORECASE)
    found = [
        f"{file.relative_to(EXAMPLES)}: {match.group()}"
        for file in files
        for match in pattern.finditer(_ascii_view(file))
    ]
    assert found == []


def test_the_person_check_sees_through_encodings(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    path.write_text('{"position": "Morten Wolden"}', encoding="utf-16")
    assert "Morten Wolden" in _ascii_view(path)


@pytest.mark.parametrize("folder", DATASET_DIRS, ids=DATASET_IDS)
def test_no_personal_identifiers(folder: Path) -> None:
    text = "\n".join(_ascii_view(file) for file in folder.glob("*.json"))
    assert '"orcid"' not in text
    assert not re.search(r"\b[0-9]{6} ?[0-9]{5}\b", text), "looks like a national identity number"


def test_readme_names_every_example_its_licence_and_loads_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for folder in DATASET_DIRS:
        dataset = unikommune.load(folder)
        assert f"`{folder.name}/`" in readme
        assert dataset.license.value in readme
    (snippet,) = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    monkeypatch.chdir(EXAMPLES.parent)
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "examples/README.md", "exec"), namespace)
    assert isinstance(namespace["dataset"], Dataset)
