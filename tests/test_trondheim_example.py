"""examples/trondheim in format 0.2: the continuation agreement and curated SDG links."""

from __future__ import annotations

from pathlib import Path

import pytest

import unikommune
from unikommune import Dataset, graph
from unikommune.models.values import central, is_exact

TRONDHEIM = Path(__file__).resolve().parents[1] / "examples" / "trondheim"


@pytest.fixture(scope="module")
def trondheim() -> Dataset:
    return unikommune.load(TRONDHEIM)


def test_the_continuation_supersedes_the_pilot_without_an_invented_date(
    trondheim: Dataset,
) -> None:
    agreements = {agreement.id: agreement for agreement in trondheim.agreements}
    continuation = agreements["trd30-continuation"]
    assert continuation.supersedes == "trd30-2018"
    assert continuation.signed is None
    # "2022?" is a year, uncertain: no month or day is claimed, and the end is open.
    first, last = continuation.period.bounds()
    assert first is not None
    assert (first.isoformat(), last) == ("2022-01-01", None)
    assert continuation.thematic_areas == []
    assert set(continuation.focus_areas) == set(agreements["trd30-2018"].focus_areas)


def test_both_agreements_tie_the_two_parties(trondheim: Dataset) -> None:
    network = graph.co_participation(trondheim, via=("agreements",), level="organisation")
    assert list(network.edges(data="shared")) == [("partner:ntnu", "partner:trondheim-kommune", 2)]
    # In 2023 only the continuation runs.
    in_2023 = graph.co_participation(trondheim, 2023, via=("agreements",), level="organisation")
    assert list(in_2023.edges(data="shared")) == [("partner:ntnu", "partner:trondheim-kommune", 1)]


def test_curated_links_name_the_evaluators(trondheim: Dataset) -> None:
    curated = sorted(
        (record.id, link.goal, link.provenance.curator)
        for name in ("projects", "theses")
        for record in trondheim.collection(name)
        for link in record.sdg_links
        if link.provenance is not None and link.provenance.method.value == "curated"
    )
    assert curated == [
        ("project-evaluation", 17, "ntnu-iot"),
        ("project-open-data", 17, "ntnu-iot"),
        ("project-safe-at-home", 10, "ntnu-iot"),
        ("thesis-2020-benefits-realisation", 17, "ntnu-iot"),
    ]


def test_the_description_says_the_placement_records_are_illustrative(trondheim: Dataset) -> None:
    (figure,) = trondheim.figures
    assert (figure.measure, central(figure.value), is_exact(figure.value)) == (
        "students-placed",
        3000,
        False,
    )
    assert "placement records by programme and year" in trondheim.description["en"]
    assert "only the total is a fact" in trondheim.description["en"]
    assert "bare totalen er fakta" in trondheim.description["nb"]
    assert "2022?" in trondheim.description["en"]
