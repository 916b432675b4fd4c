"""examples/regional: a regional network with no joint project yet, tied only by its agreement.

The answers are counted by hand from the example's files: nine partners (four
municipalities, the university UVF, the university college HiSt, the research institute
Vestforsk, the Swedish Norrskog University and the county council Nordvest); one
agreement with six parties and two associates, Norrskog associated from ``2024?``; the
county council sits in the regional council as an observer and is party to nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest

import unikommune
from unikommune import Dataset, graph
from unikommune.cli import main
from unikommune.models.values import central

REGIONAL = Path(__file__).resolve().parents[1] / "examples" / "regional"

MUNICIPALITIES = {"fjellvik-kommune", "storelva-kommune", "tindeland-kommune", "elvedal-kommune"}
#: Universities and the university college: the other end of a municipality–university tie.
UNIVERSITIES = {"uvf", "hist", "norrskog-universitet"}
PARTIES = MUNICIPALITIES | UNIVERSITIES | {"vestforsk"}
EVERY_PARTNER = PARTIES | {"nordvest-fylkeskommune"}


@pytest.fixture(scope="module")
def regional() -> Dataset:
    return unikommune.load(REGIONAL)


def _pairs(n: int) -> int:
    """Return the ties among ``n`` partners who all share one activity: n(n-1)/2."""
    return n * (n - 1) // 2


def test_the_example_validates_without_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert [str(finding) for finding in unikommune.validate(REGIONAL).findings] == []
    # 9 partners, 1 agreement and 6 figures in dataset.json and three collection files.
    assert main(["validate", "--strict", str(REGIONAL)]) == 0
    assert capsys.readouterr().out.strip() == "0 errors, 0 warnings in 16 records of 4 files"


def test_it_holds_one_agreement_and_figures_but_no_activities(regional: Dataset) -> None:
    assert {partner.id for partner in regional.partners} == EVERY_PARTNER
    assert len(regional.agreements) == 1
    for name in ("missions", "projects", "placements", "theses", "learning_activities"):
        assert regional.collection(name) == [], name
    assert len(regional.figures) == 6


def test_the_agreement_has_six_parties_and_two_associates(regional: Dataset) -> None:
    (agreement,) = regional.agreements
    roles = {party.partner: party.role.value for party in agreement.parties}
    assert roles == {
        **dict.fromkeys(MUNICIPALITIES | {"uvf", "hist"}, "party"),
        "vestforsk": "associate",
        "norrskog-universitet": "associate",
    }
    assert agreement.signed == "[2023-03-28,2023-04-11]"
    assert (agreement.revision, agreement.notice_period) == ("P1Y", "P6M")
    (council,) = agreement.governance
    assert council.size is not None
    assert central(council.size) == 10  # {"min": 8, "max": 12}
    (assessment,) = agreement.maturity_assessments
    assert (assessment.date, assessment.level.value, assessment.body) == (
        "2024-11-20",
        "2.0",
        council.id,
    )


def test_the_projects_view_shows_every_partner_as_an_isolate(regional: Dataset) -> None:
    network = graph.co_participation(regional)
    assert network.number_of_nodes() == 9
    assert network.number_of_edges() == 0
    assert nx.number_of_isolates(network) == 9


def test_the_agreement_ties_every_pair_of_its_parties(regional: Dataset) -> None:
    network = graph.co_participation(regional, via=("agreements",))
    assert network.number_of_nodes() == 9
    assert network.number_of_edges() == _pairs(8) == 28
    assert list(nx.isolates(network)) == ["partner:nordvest-fylkeskommune"]
    for _, _, data in network.edges(data=True):
        assert (data["shared"], data["fractional"]) == (1, pytest.approx(1 / 7))


def test_an_associate_from_an_uncertain_year_counts_from_its_earliest_day(
    regional: Dataset,
) -> None:
    # Norrskog is associated from "2024?": not before 2024-01-01, so not in 2023.
    in_2023 = graph.co_participation(regional, 2023, via=("agreements",))
    in_2024 = graph.co_participation(regional, 2024, via=("agreements",))
    assert in_2023.number_of_edges() == _pairs(7) == 21
    assert in_2024.number_of_edges() == _pairs(8) == 28
    assert in_2023.degree("partner:norrskog-universitet") == 0


def test_municipality_university_ties_with_and_without_the_foreign_partner(
    regional: Dataset,
) -> None:
    row = graph.network_metrics(regional, 2024, via=("agreements",))
    # Four municipalities, each tied to UVF, HiSt and Norrskog; Norrskog is in Sweden.
    assert row["municipality_university_ties"] == 4 * 3
    assert row["municipality_university_ties_domestic"] == 4 * 2
    assert (row["partners"], row["active_partners"], row["isolates"]) == (9, 8, 1)


def test_grouping_by_kind_tells_the_research_institute_from_the_universities(
    regional: Dataset,
) -> None:
    by_sector = graph.network_metrics(regional, 2024, via=("agreements",))
    by_kind = graph.network_metrics(regional, 2024, via=("agreements",), group_by="kind")
    # By sector, ties inside the public sector (4 municipalities) and inside academia
    # (UVF, HiSt, Vestforsk, Norrskog) do not cross: 28 - 6 - 6.  By kind only the ties
    # among the municipalities and the one between the two universities stay inside.
    assert by_sector["cross_sector_ties"] == 28 - _pairs(4) - _pairs(4) == 16
    assert by_kind["cross_sector_ties"] == 28 - _pairs(4) - 1 == 21


def test_the_figures_add_up(regional: Dataset) -> None:
    applications = {
        figure.dimensions["outcome"]: figure.value
        for figure in regional.figures
        if figure.measure == "applications"
    }
    assert applications == {"applied": 5, "granted": 0, "rejected": 3, "pending": 2}
    assert applications["applied"] == sum(
        count for outcome, count in applications.items() if outcome != "applied"
    )


def _csv_rows(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    assert main(argv) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_the_command_lists_the_agreement_ties(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(REGIONAL)
    header, *ties = _csv_rows(["graph", folder, "--via", "agreements", "--format", "csv"], capsys)
    assert header[:2] == ["source", "target"]
    assert len(ties) == 28
    named = {name.removeprefix("partner:") for row in ties for name in row[:2]}
    assert named == PARTIES
    (header, *none) = _csv_rows(["graph", folder, "--format", "csv"], capsys)
    assert (header, none) == (["source", "target"], [])
