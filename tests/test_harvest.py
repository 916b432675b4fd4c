"""Importers: the registries' fixture files mapped to datasets that validate, with known answers."""

from __future__ import annotations

import doctest
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import unikommune
from unikommune.cli import main
from unikommune.harvest import build, crosswalk, sdg
from unikommune.harvest.build import Filters, HarvestError, HarvestResult
from unikommune.harvest.mapping import LICENCES, SOURCES, harvest
from unikommune.harvest.provenance import PROVENANCE_FILE, read_provenance
from unikommune.harvest.sources import PROBLEM_CODES, SourceFormatError

DATA = Path(__file__).parent / "data" / "harvest"
DOCS = Path(__file__).parent.parent / "docs" / "harvest"
ON = date(2024, 3, 1)
FILES: dict[str, list[Path]] = {
    "rcn-eu": [DATA / "rcn" / "bevilgningereu.csv"],
    "rcn-projects": [DATA / "rcn" / "soknader2.csv"],
    "cordis": [DATA / "cordis" / "project.csv", DATA / "cordis" / "organization.csv"],
    "cristin": [DATA / "cristin"],
    "brreg": [DATA / "brreg" / "enheter.json", DATA / "brreg" / "underenheter.json.gz"],
}


def run(source: str, **filters: Any) -> HarvestResult:
    return harvest(source, FILES[source], filters=Filters(**filters), retrieved=ON, today=ON)


def codes(result: HarvestResult) -> Counter[str]:
    return Counter(problem.code for problem in result.problems)


def partners(result: HarvestResult) -> dict[str, Any]:
    return {partner.id: partner for partner in result.dataset.partners}


def projects(result: HarvestResult) -> dict[str, Any]:
    return {project.id: project for project in result.dataset.projects}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_harvest_validates_without_error(source: str) -> None:
    result = run(source)
    report = unikommune.validate(result.dataset)
    assert report.ok, [str(finding) for finding in report if finding.severity.value == "error"]
    assert result.dataset.license == LICENCES[source]
    assert set(codes(result)) <= set(PROBLEM_CODES)
    kept = {("partners", p.id) for p in result.dataset.partners}
    kept |= {("projects", p.id) for p in result.dataset.projects}
    assert {(row.collection, row.id) for row in result.provenance} == kept
    assert {row.retrieved for row in result.provenance} == {"2024-03-01"}


def test_rcn_eu_known_answers() -> None:
    result = run("rcn-eu")
    found = projects(result)
    assert sorted(found) == [f"eu-10199{n}" for n in ("9101", "9202", "9303", "9404", "9505")]
    kompass = found["eu-101999101"]
    assert kompass.title == {
        "en": "Knowledge partnerships for municipal services; co-creating welfare technology "
        "with citizens"
    }
    assert (kompass.status, kompass.period.start, kompass.period.end) == (
        "active",
        "2021-01-01",
        "2024-12-31",
    )
    assert kompass.kinds == ["research", "innovation"]
    assert [(p.partner, p.role) for p in kompass.participants] == [
        ("no-974767880", "coordinator"),
        ("no-942110464", "partner"),
        ("no-921055013", "partner"),
    ]
    ntnu_line = kompass.funding[0]
    assert (ntnu_line.recipient, ntnu_line.amount.amount, ntnu_line.amount.currency) == (
        "no-974767880",
        1250000.5,
        "EUR",
    )
    assert [(i.scheme, i.value) for i in kompass.identifiers] == [("eu-grant", "101999101")]
    # The acronym KOMPASS names two grants: two projects.
    assert found["eu-101999202"].status == "completed"
    # A missing start and end date: the period is not known.
    assert (found["eu-101999404"].period.start, found["eu-101999404"].period.end) == ("", "")
    trondheim = partners(result)["no-942110464"]
    assert (trondheim.kind, trondheim.sector) == ("municipality", "public-sector")
    assert {(i.scheme, i.value) for i in trondheim.identifiers} == {
        ("no-orgnr", "942110464"),
        ("no-kommunenr", "5001"),
    }
    assert codes(result) == {
        "bad_date": 1,
        "bad_identifier": 1,
        "bad_number": 1,
        "bad_orgnr": 1,
        "unidentified_partner": 1,
        "wrong_field_count": 1,
    }


def test_rcn_projects_known_answers() -> None:
    result = run("rcn-projects")
    found = projects(result)
    assert "rcn-399105" not in found  # a personal grant names no organisation
    assert codes(result)["personal_grant"] == 1
    assert [(p.id, p.status) for p in found.values()] == [
        ("rcn-399101", "active"),
        ("rcn-399102", "completed"),
        ("rcn-399103", "rejected"),
        ("rcn-399104", "completed"),
        ("rcn-399106", "applied"),
        ("rcn-399107", "applied"),
        ("rcn-399108", "rejected"),
    ]
    first = found["rcn-399101"]
    assert first.title["nb"].startswith("Kommunen som læringsarena: praksis, forskning og")
    assert (first.period.start, first.period.end, first.kinds) == ("2022", "2026", ["research"])
    line = first.funding[0]
    assert (line.funder_name, line.status, line.amount.amount) == (
        {"nb": "Norges forskningsråd", "en": "Research Council of Norway"},
        None,
        11500000.0,
    )
    rejected = found["rcn-399103"].funding[0]
    assert (rejected.status, rejected.amount.amount) == ("rejected", 4500000.0)
    assert found["rcn-399102"].title == {"nb": 'Helsehjelp hjemme; "digitalt tilsyn" i kommunen'}
    # No organisation number (written 0): the partner is known by its name.
    college = partners(result)["name-hogskolen-i-eksempelby"]
    assert (college.kind, college.identifiers) == ("university-college", [])


def test_cordis_known_answers() -> None:
    result = run("cordis")
    found = partners(result)
    assert (found["pic-999000404"].country, found["pic-999000404"].sector) == ("GR", "academia")
    assert found["pic-999000505"].country == "GB"
    assert found["no-974767880"].identifiers[1].value.endswith("/org-details/999000101")
    assert found["no-942110464"].kind == "municipality"
    bylab = projects(result)["eu-101999303"]
    assert [(p.partner, p.role) for p in bylab.participants] == [
        ("pic-999000606", "coordinator"),
        ("no-942110464", "partner"),
        ("no-921055110", "other"),  # a third party
    ]
    kompass = projects(result)["eu-101999101"]
    assert [(i.scheme, i.value) for i in kompass.identifiers] == [
        ("eu-grant", "101999101"),
        ("doi", "10.3030/101999101"),
    ]
    assert kompass.summary is not None
    assert "\n" in kompass.summary["en"]
    assert len(kompass.participants) == 5  # every partner, abroad too


def test_cristin_known_answers() -> None:
    result = run("cristin")
    found = partners(result)
    assert found["cristin-9991001"].name == {
        "nb": "Trondheim kommune",
        "en": "Trondheim Municipality",
    }
    assert (found["cristin-194.62.10.0"].parent, found["cristin-194.62.10.0"].unit_type) == (
        "cristin-194",
        "department",
    )
    project = projects(result)["cristin-2799101"]
    assert {(i.scheme, i.value) for i in project.identifiers} == {
        ("cristin-project", "2799101"),
        ("rcn-project", "399101"),
    }
    assert project.funding[0].amount is not None
    assert project.funding[0].amount.amount == 11500000.0
    assert [(p.partner, p.role) for p in project.participants] == [
        ("cristin-194.62.10.0", "coordinator"),
        ("cristin-9991001", "partner"),
        ("cristin-9991001.3.0.0", "partner"),
    ]
    assert "Nordmann" not in result.dataset.model_dump_json()
    assert {row.file for row in result.provenance} == {"project-2799101.json", "search.json"}


def test_brreg_known_answers() -> None:
    result = run("brreg")
    found = partners(result)
    school = found["no-921055048"]
    assert (school.parent, school.kind, school.unit_type) == (
        "no-942110464",
        "municipality",
        "school",
    )
    assert found["no-921055056"].unit_type == "nursing-home"
    assert found["no-974767880"].parent is None  # organised under a ministry: its own
    assert found["no-921055110"].parent == "no-974767880"
    assert (found["no-921055013"].kind, found["no-921055013"].sector) == ("company", "industry")
    assert codes(result)["deleted_unit"] == 2  # merged away, and a closed nursing home
    assert result.dataset.projects == []


def test_filters_keep_a_partners_projects_with_every_partner() -> None:
    result = run("cordis", partners=frozenset({"942110464"}))
    assert sorted(projects(result)) == ["eu-101999101", "eu-101999303"]
    assert "pic-999000404" in partners(result)  # a partner abroad of a kept project
    oslo = run("rcn-eu", municipalities=frozenset({"0301"}))
    assert sorted(projects(oslo)) == ["eu-101999303"]
    early = run("rcn-eu", last_year=2018)
    assert sorted(projects(early)) == ["eu-101999303", "eu-101999404"]  # 404's dates unknown
    units = run("brreg", partners=frozenset({"942110464"}))
    assert sorted(partners(units)) == ["no-921055048", "no-921055056", "no-942110464"]
    assert unikommune.validate(units.dataset).ok


@pytest.mark.parametrize(
    ("source", "filters"),
    [
        ("cordis", {"municipalities": frozenset({"5001"})}),
        ("cristin", {"partners": frozenset({"974767880"})}),
    ],
)
def test_a_filter_the_source_cannot_apply_is_refused(source: str, filters: Any) -> None:
    with pytest.raises(HarvestError):
        run(source, **filters)


def test_wrong_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(HarvestError, match="unknown source"):
        harvest("ssb", FILES["rcn-eu"])
    with pytest.raises(HarvestError, match="project table"):
        harvest("cordis", [DATA / "cordis" / "project.csv"])
    with pytest.raises(HarvestError, match="no such file"):
        harvest("rcn-eu", [tmp_path / "missing.csv"])
    with pytest.raises(SourceFormatError):
        harvest("rcn-eu", FILES["rcn-projects"])


def test_retrieval_date_defaults_to_the_files_date(tmp_path: Path) -> None:
    copy = tmp_path / "bevilgningereu.csv"
    copy.write_bytes(FILES["rcn-eu"][0].read_bytes())
    assert build.retrieval_date(copy) == date.fromtimestamp(copy.stat().st_mtime)
    assert build.retrieval_date(copy, ON) == ON


def test_cli_writes_a_folder_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["harvest", "cordis", *map(str, FILES["cordis"]), "-o", str(out)]
    assert main([*args, "--retrieved", "2024-03-01", "--partner", "974767880"]) == 0
    printed = capsys.readouterr()
    assert "bad_country" in printed.out
    assert "Wrote" in printed.err
    assert main(["validate", str(out)]) == 0
    rows = read_provenance(out)
    assert rows
    assert {row.source for row in rows} == {"cordis"}
    assert (out / PROVENANCE_FILE).read_text(encoding="utf-8").startswith('"collection"')
    assert main(args) == 2  # the folder is not empty: nothing is replaced without --force
    assert main([*args, "--force", "--strict"]) == 1  # written; problems with --strict
    with pytest.raises(SystemExit) as stopped:
        main(["harvest", "cordis", "x.csv", "-o", str(out), "--partner", "123"])
    assert stopped.value.code == 2


def test_crosswalks_are_documented() -> None:
    text = (DOCS / "mapping.md").read_text(encoding="utf-8")
    tables = [
        crosswalk.CORDIS_ACTIVITY,
        crosswalk.CORDIS_ROLES,
        crosswalk.RCN_EU_ROLES,
        crosswalk.RCN_SECTOR_CODES,
        crosswalk.RCN_CATEGORIES,
        crosswalk.RCN_SECTORS,
        crosswalk.RCN_PHASES,
        crosswalk.CRISTIN_ROLES,
        crosswalk.CRISTIN_STATUS,
        crosswalk.BRREG_FORMS,
    ]
    missing = [code for table in tables for code in table if f"`{code}`" not in text]
    assert missing == []
    listed = (DOCS / "README.md").read_text(encoding="utf-8")
    assert [code for code in PROBLEM_CODES if f"`{code}`" not in listed] == []


def test_doctests() -> None:
    import unikommune.harvest.provenance as provenance

    for module in (crosswalk, build, provenance):
        result = doctest.testmod(module)
        assert (result.failed, result.attempted > 0) == (0, True), module.__name__


def test_sdg_links_are_suggested_never_declared() -> None:
    result = harvest("cordis", FILES["cordis"], retrieved=ON, today=ON, suggest_sdg=True)
    found = projects(result)
    assert [link.goal for link in found["eu-101999202"].sdg_links] == [14]  # aquaculture
    links = [link for project in found.values() for link in project.sdg_links]
    assert links
    assert {
        (link.provenance.method, link.provenance.tool, link.provenance.tool_version)
        for link in links
        if link.provenance is not None
    } == {("suggested", sdg.TOOL, sdg.VERSION)}
    assert all(link.provenance is not None for link in links)
    assert unikommune.validate(result.dataset).ok
    # A goal already linked is not suggested again; one keyword gives 0.3, three 0.7.
    assert sdg.suggest({"en": "A school"}, [4]) == []
    assert [
        (link.goal, link.provenance.confidence)
        for link in sdg.suggest({"nb": "Skoler, barnehager og lærere"}, [])
        if link.provenance
    ] == [(4, 0.7)]
    assert sdg.suggest({"en": "a career"}, []) == []  # short stems match whole words


def test_sdg_keywords_are_documented() -> None:
    text = (DOCS / "sdg-keywords.md").read_text(encoding="utf-8")
    assert [s for stems in sdg.KEYWORDS.values() for s in stems if f"`{s}`" not in text] == []
    assert f"`{sdg.TOOL}`" in text


def test_cordis_zip_as_downloaded_gives_the_tables_harvest(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "cordis-h2020projects-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in FILES["cordis"]:
            zipped.write(path, f"csv/{path.name}")
    from_zip = harvest("cordis", [archive], retrieved=ON, today=ON)
    tables = run("cordis")
    assert from_zip.dataset.projects == tables.dataset.projects
    assert from_zip.dataset.partners == tables.dataset.partners
    json_edition = harvest(
        "cordis",
        [DATA / "cordis" / "project.json", DATA / "cordis" / "organization.json"],
        retrieved=ON,
        today=ON,
    )
    # The JSON edition's organisations are those of KOMPASS only: the other grant is left
    # out, reported, for want of participants.
    assert sorted(projects(json_edition)) == ["eu-101999101"]
    assert codes(json_edition) == {"bad_record": 1, "unmappable_record": 1}


def test_an_unknown_eu_scheme_is_reported_and_read_as_research(tmp_path: Path) -> None:
    from unikommune.harvest.mapping.rcn import eu_kinds, eu_status

    work = build.Harvest()
    origin = work.origin("cordis", tmp_path / "project.csv", date(2026, 1, 1))
    known = eu_kinds(work, origin, "101", ("funding scheme", "HORIZON-RIA"), 3, 2)
    assert known == ("research", "innovation")
    assert not work.problems
    assert eu_kinds(work, origin, "102", ("action type", "NEW-THING"), 4, 3) == ("research",)
    (problem,) = work.problems
    assert (problem.code, problem.line, problem.row) == ("kind_assumed", 4, 3)
    assert problem.message == (
        "grant 102: no project kind for the action type 'NEW-THING'; research is assumed"
    )
    # the contract status settles it where it says closed or terminated; else the dates
    assert eu_status("CLOSED", date(2020, 1, 1), date(2030, 1, 1), date(2026, 1, 1)) == (
        "completed"
    )
    assert eu_status("TERMINATED", None, None, date(2026, 1, 1)) == "cancelled"
    assert eu_status("SIGNED", date(2020, 1, 1), date(2030, 1, 1), date(2026, 1, 1)) == (
        build.status_by_dates(date(2020, 1, 1), date(2030, 1, 1), date(2026, 1, 1))
    )
