"""The seeded synthetic-data generator in benchmarks/generate.py."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.no import orgnr

import unikommune
from conftest import benchmark_generator
from unikommune.codelists import sdg_goal_of
from unikommune.identifiers import identifier_problem
from unikommune.models import COLLECTIONS, RECORD_TYPES
from unikommune.models.values import date_bounds
from unikommune.schema import validator

gen = benchmark_generator()


def _read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    gen.generate("tiny", folder, seed=7)
    return folder


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    gen.generate("city", folder, seed=1)
    return folder


@pytest.fixture(scope="module")
def records(tiny: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: _read_lines(tiny / f"{name}.jsonl") for name in unikommune.Dataset.model_fields
            if (tiny / f"{name}.jsonl").exists()}  # fmt: skip


def test_the_folder_loads_with_every_record_fitting_the_models(tiny: Path) -> None:
    dataset = unikommune.load(tiny)
    counts = {name: len(dataset.collection(name)) for name in gen.SCALES["tiny"].counts()}
    assert counts == gen.SCALES["tiny"].counts()
    assert dataset.publisher == dataset.partners[0].id
    assert dataset.partners[0].kind == "municipality"
    assert not (tiny / "broken.json").exists()


def test_generate_returns_the_counts_of_the_scale_table(tmp_path: Path) -> None:
    counts = gen.generate("tiny", tmp_path)
    assert counts == {
        "partners": 30,
        "agreements": 2,
        "missions": 5,
        "projects": 50,
        "placements": 200,
        "theses": 40,
        "learning_activities": 20,
        "figures": 20,
    }
    for name, count in counts.items():
        assert len((tmp_path / f"{name}.jsonl").read_bytes().splitlines()) == count


def test_scales_follow_the_issues() -> None:
    city = gen.SCALES["city"]
    assert (city.partners, city.projects, city.placements) == (500, 2_000, 30_000)
    country, stress = gen.SCALES["country"], gen.SCALES["stress"]
    assert (country.partners, country.projects, country.placements) == (20_000, 100_000, 1_000_000)
    assert (country.agreements, country.missions, country.theses) == (400, 2_000, 50_000)
    assert country.learning_activities == 20_000
    for name, count in country.counts().items():
        assert stress.counts()[name] == 10 * count


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    gen.generate("tiny", tmp_path / "a", seed=3, broken=0.1)
    gen.generate("tiny", tmp_path / "b", seed=3, broken=0.1)
    gen.generate("tiny", tmp_path / "c", seed=4, broken=0.1)
    first, second, third = (_folder_bytes(tmp_path / name) for name in "abc")
    assert first == second
    assert first.keys() == third.keys()
    for name in first:
        if name.endswith(".jsonl"):
            assert first[name] != third[name], name


def test_every_reference_resolves(records: dict[str, list[dict[str, Any]]]) -> None:
    ids = {name: [record["id"] for record in items] for name, items in records.items()}
    for name, values in ids.items():
        assert len(values) == len(set(values)), f"duplicate ids in {name}"
    partners, projects = set(ids["partners"]), set(ids["projects"])
    agreements = set(ids["agreements"])
    referenced: list[tuple[str, set[str]]] = []
    for partner in records["partners"]:
        if "parent" in partner:
            referenced.append((partner["parent"], partners))
    for agreement in records["agreements"]:
        referenced += [(party["partner"], partners) for party in agreement["parties"]]
        if "supersedes" in agreement:
            referenced.append((agreement["supersedes"], agreements))
        for body in agreement["governance"]:
            referenced += [(member["partner"], partners) for member in body["members"]]
    for mission in records["missions"]:
        referenced += [(owner, partners) for owner in mission["owners"]]
        referenced += [(project, projects) for project in mission.get("projects", [])]
    for project in records["projects"]:
        referenced += [(p["partner"], partners) for p in project["participants"]]
        referenced += [(f["funder"], partners) for f in project.get("funding", []) if "funder" in f]
    for placement in records["placements"]:
        referenced += [(placement["institution"], partners), (placement["host"], partners)]
    for thesis in records["theses"]:
        referenced += [(thesis["institution"], partners), (thesis["host"], partners)]
        referenced += [(p, partners) for p in thesis.get("supervising_partners", [])]
    for activity in records["learning_activities"]:
        referenced += [(organiser, partners) for organiser in activity["organisers"]]
        referenced += [(count["partner"], partners) for count in activity["participants"]]
    for name in ("missions", "projects", "placements", "learning_activities"):
        referenced += [(r["agreement"], agreements) for r in records[name] if "agreement" in r]
    assert len(referenced) > 500
    dangling = [ref for ref, targets in referenced if ref not in targets]
    assert dangling == []


def test_unit_parents_come_first_and_form_no_cycle(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    position = {partner["id"]: n for n, partner in enumerate(records["partners"])}
    units = [partner for partner in records["partners"] if "parent" in partner]
    assert units
    for unit in units:
        assert position[unit["parent"]] < position[unit["id"]]
        assert "unit_type" in unit


def test_periods_are_consistent(records: dict[str, list[dict[str, Any]]]) -> None:
    missions = {mission["id"]: mission for mission in records["missions"]}
    in_mission = 0
    for mission in missions.values():
        first, last = (
            date_bounds(mission["timeframe"]["start"])[0],
            date_bounds(mission["timeframe"]["end"])[1],
        )
        for project_id in mission.get("projects", []):
            project = next(p for p in records["projects"] if p["id"] == project_id)
            assert first <= date_bounds(project["period"]["start"])[0]
            assert date_bounds(project["period"]["end"])[1] <= last
            in_mission += 1
    assert in_mission > 0
    agreements = {agreement["id"]: agreement for agreement in records["agreements"]}
    for project in records["projects"]:
        if "agreement" in project:
            period = agreements[project["agreement"]]["period"]
            start = date_bounds(project["period"]["start"])[0]
            assert date_bounds(period["start"])[0] <= start
            if "end" in period:
                assert start <= date_bounds(period["end"])[1]


def test_codes_identifiers_and_sdg_links_are_valid(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    profile = unikommune.default_profile()
    for name in ("missions", "projects", "theses", "learning_activities"):
        for record in records[name]:
            assert record["sdg_links"], f"{record['id']} has no SDG link"
            for link in record["sdg_links"]:
                if "target" in link:
                    assert sdg_goal_of(link["target"]) == link["goal"]
            assert set(record["thematic_areas"]) <= profile.thematic_area_codes()
            assert set(record.get("focus_areas", [])) <= profile.focus_area_codes()
    for agreement in records["agreements"]:
        assert [rule["kind"] for rule in agreement["rules"]] == ["sdg-link-required"]
    schemes: Counter[str] = Counter()
    for partner in records["partners"]:
        for identifier in partner.get("identifiers", []):
            schemes[identifier["scheme"]] += 1
            assert identifier_problem(identifier["scheme"], identifier["value"]) is None
            if identifier["scheme"] == "no-orgnr":
                assert orgnr.is_valid(identifier["value"])
    assert schemes["no-orgnr"] >= 10
    assert schemes["ror"] >= 1


def test_check_digits_match_hand_computed_values() -> None:
    # NTNU's organisation number 974767880: 3*9+2*7+7*4+6*7+5*6+4*7+3*8+2*8 = 209,
    # 209 % 11 = 0, so the check digit is 0.
    assert gen.orgnr_check_digit("97476788") == 0
    assert gen.orgnr_check_digit("97476067") == 3  # 974760673, Trondheim kommune
    assert gen.ror_checksum("5xg72x") == 27  # 05xg72x27, the ROR documentation's example


def test_structure_is_plausible(city: Path) -> None:
    partners = _read_lines(city / "partners.jsonl")
    sectors = Counter(partner["sector"] for partner in partners)
    assert sectors["public-sector"] > sectors["industry"] > sectors["civil-society"]
    assert sectors["academia"] > sectors["industry"]
    unit_types = Counter(partner.get("unit_type") for partner in partners)
    assert unit_types["faculty"] > 0
    assert unit_types["department"] > unit_types["faculty"]
    assert unit_types["school"] > 0
    projects = _read_lines(city / "projects.jsonl")
    sizes = [len(project["participants"]) for project in projects]
    assert min(sizes) >= 2
    assert max(sizes) <= 15
    assert 3.3 <= sum(sizes) / len(sizes) <= 4.7
    activity = Counter(p["partner"] for project in projects for p in project["participants"])
    busiest = activity.most_common(len(activity) // 20)
    # A few hubs: the busiest 5 % of active partners take part in over a quarter of the work.
    assert sum(count for _, count in busiest) > 0.25 * sum(activity.values())
    years = Counter(int(project["period"]["start"][:4]) for project in projects)
    assert min(years) == 2015
    assert max(years) >= 2026


def test_broken_records_are_listed_and_fail_as_listed(tmp_path: Path) -> None:
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    gen.generate("tiny", clean, seed=5)
    gen.generate("tiny", broken, seed=5, broken=0.1)
    manifest = json.loads((broken / "broken.json").read_text(encoding="utf-8"))
    defects = manifest["defects"]
    per_file = Counter(defect["file"] for defect in defects)
    for name, count in gen.SCALES["tiny"].counts().items():
        assert per_file[f"{name}.jsonl"] == round(0.1 * count)
    assert set(manifest["counts"]) <= set(gen.DEFECTS)
    assert sum(manifest["counts"].values()) == len(defects)

    listed = {(defect["file"], defect["line"]) for defect in defects}
    for name in gen.SCALES["tiny"].counts():
        file = f"{name}.jsonl"
        clean_lines = (clean / file).read_bytes().splitlines()
        broken_lines = (broken / file).read_bytes().splitlines()
        assert len(clean_lines) == len(broken_lines)
        for number, (before, after) in enumerate(zip(clean_lines, broken_lines, strict=True), 1):
            assert (before == after) == ((file, number) not in listed), (file, number)

    with pytest.raises(unikommune.InvalidDatasetError) as caught:
        unikommune.load(broken)
    failing = {(Path(problem.file).name, problem.line) for problem in caught.value.problems}
    structural = {(d["file"], d["line"]) for d in defects if d["layer"] == "structural"}
    assert failing == structural

    semantic = [defect for defect in defects if defect["layer"] == "semantic"]
    assert {defect["kind"] for defect in semantic} == {"dangling-reference", "duplicate-id"}
    ids = {
        name: Counter(r["id"] for r in _read_lines(broken / f"{name}.jsonl"))
        for name in gen.SCALES["tiny"].counts()
    }
    partner_ids = set(ids["partners"])
    in_missions = {p for m in _read_lines(broken / "missions.jsonl") for p in m.get("projects", [])}
    for defect in semantic:
        record = _read_lines(broken / defect["file"])[defect["line"] - 1]
        if defect["kind"] == "duplicate-id":
            assert ids[defect["file"].removesuffix(".jsonl")][record["id"]] >= 2
            assert record["id"] not in in_missions  # no reference becomes ambiguous
        else:
            target: Any = record
            for part in defect["pointer"].strip("/").split("/"):
                target = target[int(part)] if isinstance(target, list) else target[part]
            assert target not in partner_ids


def test_every_kind_of_defect_is_made(tmp_path: Path) -> None:
    gen.generate("tiny", tmp_path, seed=11, broken=1.0)
    manifest = json.loads((tmp_path / "broken.json").read_text(encoding="utf-8"))
    assert set(manifest["counts"]) == set(gen.DEFECTS)
    assert len(manifest["defects"]) == sum(gen.SCALES["tiny"].counts().values())


def test_existing_files_are_not_replaced_without_force(tmp_path: Path) -> None:
    gen.generate("tiny", tmp_path, broken=0.1)
    with pytest.raises(FileExistsError):
        gen.generate("tiny", tmp_path)
    gen.generate("tiny", tmp_path, force=True)
    assert not (tmp_path / "broken.json").exists()
    unikommune.load(tmp_path)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gen.main(["tiny", str(tmp_path), "--seed", "2"]) == 0
    assert "placements" in capsys.readouterr().out
    assert gen.main(["tiny", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        gen.main(["tiny", str(tmp_path), "--broken", "1.5"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit):
        gen.main(["galaxy", str(tmp_path)])


def test_records_validate_against_the_shipped_schemas(
    tiny: Path, records: dict[str, list[dict[str, Any]]]
) -> None:
    metadata = json.loads((tiny / "dataset.json").read_text(encoding="utf-8"))
    assert list(validator("dataset").iter_errors(metadata)) == []
    for name, items in records.items():
        check = validator(RECORD_TYPES[name].value)
        for record in items:
            assert list(check.iter_errors(record)) == [], record["id"]


def test_json_schema_finds_exactly_the_defects_it_is_said_to(tmp_path: Path) -> None:
    gen.generate("tiny", tmp_path, seed=13, broken=0.5)
    manifest = json.loads((tmp_path / "broken.json").read_text(encoding="utf-8"))
    assert manifest["found_by_json_schema"] == sorted(gen.SCHEMA_DEFECTS)
    expected = {
        (defect["file"], defect["line"])
        for defect in manifest["defects"]
        if defect["kind"] in gen.SCHEMA_DEFECTS
    }
    found = set()
    for name in COLLECTIONS:
        check = validator(RECORD_TYPES[name].value)
        for number, record in enumerate(_read_lines(tmp_path / f"{name}.jsonl"), 1):
            if any(True for _ in check.iter_errors(record)):
                found.add((f"{name}.jsonl", number))
    assert found == expected
    assert {kind for kind in manifest["counts"] if kind in gen.SCHEMA_DEFECTS} == gen.SCHEMA_DEFECTS


def _external_identifiers(record: Any) -> list[tuple[str, str]]:
    """Return every (scheme, value) pair anywhere in a record, with DOIs and URLs."""
    found: list[tuple[str, str]] = []
    if isinstance(record, dict):
        if set(record) >= {"scheme", "value"}:
            found.append((record["scheme"], record["value"]))
        for key in ("doi", "url", "homepage"):
            if isinstance(record.get(key), str):
                found.append((key, record[key]))
        for value in record.values():
            found += _external_identifiers(value)
    elif isinstance(record, list):
        for item in record:
            found += _external_identifiers(item)
    return found


def test_external_identifiers_are_never_shared(city: Path) -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for name in COLLECTIONS:
        for record in _read_lines(city / f"{name}.jsonl"):
            seen.update(_external_identifiers(record))
    schemes = Counter(scheme for scheme, _ in seen)
    assert {"no-orgnr", "ror", "no-kommunenr", "cristin-project", "doi", "url"} <= set(schemes)
    assert schemes["no-orgnr"] > 200
    assert [pair for pair, count in seen.items() if count > 1] == []


@given(size=st.integers(1, 3_000), seed=st.integers(0, 2**32))
def test_serial_numbers_never_repeat(size: int, seed: int) -> None:
    serial = gen._Serial(gen._Rng(seed), 10, size)
    numbers = [serial.next() for _ in range(size)]
    assert sorted(numbers) == list(range(10, 10 + size))


@given(st.integers(0, 32**6 - 1))
def test_ror_ids_carry_their_checksum(number: int) -> None:
    value = gen._ror(number)
    assert identifier_problem("ror", value) is None
    broken = value[:-2] + f"{(int(value[-2:]) + 1) % 100:02d}"
    assert identifier_problem("ror", broken) is not None


def test_the_validator_finds_the_listed_defects_and_nothing_else(tmp_path: Path) -> None:
    validate = pytest.importorskip("unikommune.validation").validate
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    gen.generate("tiny", clean, seed=17)
    gen.generate("tiny", broken, seed=17, broken=0.2)
    assert [finding.code for finding in validate(clean)] == []
    manifest = json.loads((broken / "broken.json").read_text(encoding="utf-8"))
    listed = {(defect["file"], defect["line"]) for defect in manifest["defects"]}
    found = {
        (Path(finding.file).name, finding.line)
        for finding in validate(broken)
        if finding.file is not None and finding.severity != "info"
    }
    assert found == listed


def test_the_standard_library_writes_the_same_bytes_as_orjson(tiny: Path) -> None:
    for name in COLLECTIONS:
        for line in (tiny / f"{name}.jsonl").read_bytes().splitlines():
            assert gen._dump_with_json(json.loads(line)) == line
