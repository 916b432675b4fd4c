"""Indicators: known answers on a small dataset computed by hand, and their properties.

``tests/data/evaluation/small.json`` is a partnership of a municipality, a university
(and one of its departments), a firm and an NGO, modified 2023-06-01.  The comments
give the hand computation of each expected value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unikommune
from conftest import DATA, EXAMPLES
from unikommune.cli import main
from unikommune.errors import EvaluationError, UnknownCodeError
from unikommune.evaluation import CATALOGUE, Value, indicators, moving_average
from unikommune.evaluation.values import GROUP_SEPARATOR, display, format_number
from unikommune.models.values import Period

SMALL = DATA / "evaluation" / "small.json"


@pytest.fixture(scope="module")
def small() -> Any:
    return indicators(unikommune.load(SMALL), network=False)


def _cell(found: Any, code: str, period: str) -> tuple[Any, ...]:
    value = found[code].values[period]
    return value.value, value.low, value.high, value.approximate, value.uncertain


def test_years_run_from_the_first_figure_to_the_year_modified(small: Any) -> None:
    # figures of 2019; p2 is open and runs to 2023, the year the dataset was modified
    assert small.years == (2019, 2020, 2021, 2022, 2023)


def test_projects_active_started_completed(small: Any) -> None:
    # active or completed: p1 (2020-03..2021-10), p2 (2021?..open), p4 ([2020,2021]..2022);
    # p3 is only applied for.  p2's start is marked uncertain, p4 starts 2020 or 2021.
    assert _cell(small, "projects_active", "2020") == (2, 1, 2, False, True)  # p1; p4 maybe
    assert _cell(small, "projects_active", "2021") == (3, 2, 3, False, True)  # p1 p4; p2 maybe
    assert _cell(small, "projects_active", "2023") == (1, 0, 1, False, True)  # p2 maybe
    assert _cell(small, "projects_started", "2020") == (2, 1, 2, False, True)  # p1; p4 maybe
    assert _cell(small, "projects_started", "2021") == (2, 0, 2, False, True)  # p2, p4 maybe
    assert _cell(small, "projects_started", "2022") == (0, 0, 0, False, False)
    assert _cell(small, "projects_completed", "2021") == (1, 1, 1, False, False)  # p1
    assert _cell(small, "projects_completed", "2022") == (1, 1, 1, False, False)  # p4
    assert small["projects_active"].values["2019"].no_data  # before any project


def test_breakdowns_of_projects(small: Any) -> None:
    cuts = small["projects_active"].breakdowns
    # 2021: p1 and p2 serve thematic missions, p4 no focus area
    assert cuts["focus_area"]["thematic-missions"]["2021"].value == 2
    assert cuts["focus_area"]["none"]["2021"].value == 1
    # the department counts for its university
    assert cuts["partner"]["uni"]["2021"].value == 3
    assert "uni-dept" not in cuts["partner"]


def test_participations_by_sector_and_partner(small: Any) -> None:
    # 2021: p1 muni, uni-dept, firm; p2 uni, ngo; p4 muni, uni
    assert _cell(small, "participations", "2021") == (7, 5, 7, False, True)
    sectors = small["participations"].breakdowns["sector"]
    assert {name: cells["2021"].value for name, cells in sectors.items()} == {
        "public-sector": 2,
        "academia": 3,
        "industry": 1,
        "civil-society": 1,
    }


def test_missions(small: Any) -> None:
    # m1 runs 2020 to 2022; 2023 is outside every mission: no data, not 0
    assert _cell(small, "missions_active", "2021") == (1, 1, 1, False, False)
    assert small["missions_active"].values["2023"].no_data
    # p1 (2020-03..2021-10) may lie within 2020..2022 but may also start before it
    assert _cell(small, "mission_projects_in_timeframe", "2020") == (100, 0, 100, False, True)


def test_funding(small: Any) -> None:
    # NOK in 2020 and EUR in 2021: no total without rates, one per currency
    series = small["external_funding"]
    assert series.unit == "currency"
    assert series.values["2020"].no_data
    assert series.breakdowns["currency"]["NOK"]["2020"].value == 1_000_000
    assert series.breakdowns["currency"]["EUR"]["2021"].value == 50_000
    # applications: records in 2020 (EU, applied 2020-10) and 2021 (rejected); 2019 from
    # the figures of that year (2 granted + 2 rejected)
    assert _cell(small, "funding_applications", "2020") == (1, 1, 1, False, False)
    assert small["funding_applications"].values["2019"].source == "figures"
    assert small["funding_applications"].values["2019"].value == 4
    # decided in 2021: EU granted, council rejected: 1 of 2; figures 2019: 2 of 4
    assert small["funding_success_rate"].values["2021"].value == 50
    assert small["funding_success_rate"].values["2019"].value == 50
    assert small["funding_success_rate"].values["2020"].no_data  # nothing decided


def test_funding_with_rates() -> None:
    dataset = unikommune.load(SMALL)
    found = indicators(dataset, ["external_funding"], rates={"EUR": 10.0}, currency="NOK")
    assert found["external_funding"].unit == "NOK"
    assert found["external_funding"].values["2021"].value == 500_000
    with pytest.raises(EvaluationError, match="no exchange rate for EUR"):
        indicators(dataset, ["external_funding"], rates={"SEK": 1.0}, currency="NOK")


def test_education(small: Any) -> None:
    # 2020: 10 students, 8 weeks; 2021: about 20 and 8 to 12 (counted as 10)
    assert _cell(small, "students_placed", "2020") == (10, 10, 10, False, False)
    assert _cell(small, "students_placed", "2021") == (30, 28, 32, True, False)
    assert small["students_placed"].values["2019"].source == "figures"
    assert _cell(small, "placement_weeks", "2021") == (60, 48, 72, True, False)  # 10 × 6
    fields = small["students_placed"].breakdowns["field"]
    assert fields["health"]["2021"].value == 10
    # theses: t1 2020; t2 2021?; t3 2021 or 2022
    assert _cell(small, "theses", "2021") == (2, 0, 2, False, True)
    assert _cell(small, "theses", "2022") == (1, 0, 1, False, True)
    # la1 in 2021; la2 has no period and is not counted
    assert _cell(small, "learning_activities", "2021") == (1, 1, 1, False, False)
    assert _cell(small, "ects_offered", "2021") == (7.5, 7.5, 7.5, False, False)
    assert _cell(small, "learning_participants", "2021") == (17, 17, 17, True, False)
    assert small["learning_activities"].values["2020"].no_data


def test_knowledge_exchange(small: Any) -> None:
    # p1's two outputs of 2021; p1 has a municipality and a university department
    assert _cell(small, "outputs", "2021") == (2, 2, 2, False, False)
    assert small["outputs"].breakdowns["doi"]["yes"]["2021"].value == 1
    assert _cell(small, "co_authored_outputs", "2021") == (2, 2, 2, False, False)
    # one seat combined with the municipality, in every year of a1 (2020..2023)
    assert [v.value for v in small["combined_positions"].values.values()] == [None, 1, 1, 1, 1]


def test_sdg(small: Any) -> None:
    # 2020: p1 {11, 9}, m1 {11}, t1 {3}; p4 has no link
    assert _cell(small, "sdg_goals_reached", "2020") == (3, 3, 3, False, False)
    assert _cell(small, "sdg_targets_reached", "2020") == (1, 1, 1, False, False)  # 11.2
    # 2021: p1 m1 la1 act1 linked; p2 p4 t2 t3 not: 4 of 8
    assert small["sdg_linked_share"].values["2021"].value == 50
    links = small["sdg_links"].breakdowns["provenance"]
    assert {name: cells["2021"].value for name, cells in links.items()} == {
        "declared": 3,  # p1 goal 11, m1, act1
        "curated": 1,  # p1 goal 9
        "suggested": 1,  # la1
    }


def test_moving_average(small: Any) -> None:
    # students placed 2019..2021: 100 (figure), 10, 30
    average = small["students_placed"].moving_average
    assert average["2021"].value == pytest.approx(140 / 3)
    assert average["2021"].source == "both"
    assert average["2020"].no_data  # 2018 has no data


def test_network_indicators_on_trondheim() -> None:
    found = indicators(unikommune.load(EXAMPLES / "trondheim"), ["municipality_university_ties"])
    values = found["municipality_university_ties"].values
    assert values["2020"].value == 1
    assert values["2018"].no_data  # no project yet


def test_regional_example_reports_figures_only() -> None:
    found = indicators(unikommune.load(EXAMPLES / "regional"), network=False)
    assert all(v.no_data for v in found["projects_active"].values.values())
    assert found["funding_success_rate"].values["2023/2024"].value == 0
    assert found["funding_applications"].values["2023/2024"].value == 5
    assert found["students_placed"].values["2023"].approximate


def test_unknown_indicator() -> None:
    with pytest.raises(UnknownCodeError, match="not an indicator"):
        indicators(unikommune.load(SMALL), ["nonsense"])


def test_every_indicator_is_documented() -> None:
    page = (Path(__file__).parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"`{code}`" in page


def test_display() -> None:
    assert display(Value(30, 28, 32, "records", approximate=True)) == "~30 (28–32)"
    assert display(Value()) == "–"
    assert display(Value(0, 0, 0, "records")) == "0"


@pytest.mark.parametrize(
    ("amount", "english", "norwegian"),
    [
        (0, "0", "0"),
        (6, "6", "6"),
        (5.333333, "5.33", "5,33"),
        (46.666, "46.7", "46,7"),
        (-0.25, "-0.25", "-0,25"),
        (4000, "4000", "4000"),  # four digits stay whole
        (12345.6, "12346", "12\u00a0346"),
        (12_000_000, "12000000", "12\u00a0000\u00a0000"),
    ],
)
def test_numbers_by_hand(amount: float, english: str, norwegian: str) -> None:
    assert format_number(amount) == format_number(amount, "en") == english
    assert format_number(amount, "nb") == norwegian
    assert format_number(12345, "en", grouped=True) == "12\u00a0345"
    assert format_number(12345, "nb", grouped=False) == "12345"


def test_a_value_in_norwegian() -> None:
    value = Value(140 / 3, 138 / 3, 142 / 3, "both", approximate=True)
    assert display(value) == "~46.7 (46–47.3)"
    assert display(value, lang="nb") == "~46,7 (46–47,3)"
    assert (
        display(Value(25_000, 25_000, None, "figures"), lang="nb") == "25\u00a0000 (25\u00a0000–…)"
    )


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_norwegian_numbers_are_english_ones_with_a_comma_and_groups(amount: float) -> None:
    english, norwegian = format_number(amount), format_number(amount, "nb")
    assert norwegian.replace(GROUP_SEPARATOR, "").replace(",", ".") == english
    assert "." not in norwegian
    assert float(english) == pytest.approx(amount, rel=0.01, abs=0.001)


def test_cli_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "indicators.json"
    assert main(["indicators", str(SMALL), "--no-network", "-o", str(target)]) == 0
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert {"indicator": "theses", "period": "2020", "value": 1.0}.items() <= rows[
        next(i for i, r in enumerate(rows) if r["indicator"] == "theses" and r["period"] == "2020")
    ].items()
    assert main(["indicators", str(SMALL), "--no-network", "-o", str(target)]) == 2  # exists
    assert main(["indicators", str(SMALL), "--indicator", "theses", "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "2? (0–2)" in out
    assert "2020" not in out
    assert main(["indicators", str(SMALL), "--rate", "EUR=10"]) == 2


# Properties -------------------------------------------------------------------------------

_FIELDS = ("health", "teacher-education", "social-work")


def _placements_dataset(rows: list[tuple[int, str, int]]) -> Any:
    document = json.loads(SMALL.read_text(encoding="utf-8"))
    for key in ("projects", "missions", "theses", "learning_activities", "figures"):
        document[key] = []
    document["placements"] = [
        {
            "id": f"pl{index}",
            "programme": {"en": "A programme"},
            "field": field,
            "level": "bachelor",
            "institution": "uni",
            "host": "muni",
            "year": year,
            "students": students,
        }
        for index, (year, field, students) in enumerate(rows)
    ]
    return unikommune.Dataset.model_validate(document)


_ROWS = st.lists(
    st.tuples(st.integers(2018, 2022), st.sampled_from(_FIELDS), st.integers(0, 50)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25)
@given(_ROWS)
def test_single_valued_breakdowns_sum_to_the_total(rows: list[tuple[int, str, int]]) -> None:
    found = indicators(_placements_dataset(rows), ["students_placed"])
    series = found["students_placed"]
    for period, total in series.values.items():
        if total.no_data:
            continue
        parts = [cells.get(period) for cells in series.breakdowns["field"].values()]
        assert sum(p.value or 0 for p in parts if p is not None) == total.value


@settings(max_examples=25)
@given(_ROWS)
def test_no_data_stays_apart_from_zero(rows: list[tuple[int, str, int]]) -> None:
    found = indicators(_placements_dataset(rows), ["students_placed", "theses"])
    years = [year for year, _, _ in rows]
    for key, value in found["students_placed"].values.items():
        inside = min(years) <= int(key) <= max(years)
        assert value.no_data is not inside  # a year inside the span is a real count
    assert all(v.no_data for v in found["theses"].values.values())  # no thesis published


@settings(max_examples=25)
@given(st.floats(0, 1e6, allow_nan=False), st.integers(3, 8))
def test_moving_average_of_a_constant_is_constant(level: float, length: int) -> None:
    series = {2000 + i: Value(level, level, level, "records") for i in range(length)}
    averages = moving_average(series)
    assert all(averages[2000 + i].no_data for i in range(2))
    assert all(averages[2000 + i].value == pytest.approx(level) for i in range(2, length))


@pytest.mark.parametrize(
    "name", ["values", "tally", "indicators", "criteria", "assess"], ids=lambda name: name
)
def test_doctests_of_the_evaluation_modules(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import doctest
    import importlib

    monkeypatch.chdir(Path(__file__).parents[1])
    module = importlib.import_module(f"unikommune.evaluation.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_network_indicators_computed_by_hand() -> None:
    # organisations tied by projects: 2021 has p1 (muni, uni's department, firm), p2 (uni,
    # ngo) and p4 (muni, uni): ties muni-uni, muni-firm, uni-firm, uni-ngo, all across
    # sectors, one between a municipality and a university
    dataset = unikommune.load(SMALL)
    found = indicators(dataset, ["cross_sector_share", "ei_index", "municipality_university_ties"])
    assert found["cross_sector_share"].values["2021"].value == 100
    assert found["ei_index"].values["2021"].value == 1
    assert found["municipality_university_ties"].values["2021"].value == 1
    assert found["cross_sector_share"].values["2019"].no_data  # before any project


def test_network_indicators_are_the_graph_figures() -> None:
    from unikommune.graph import network_metrics

    dataset = unikommune.load(SMALL)
    found = indicators(dataset, ["communities", "helix_synergy"])
    row = network_metrics(dataset, 2021)
    assert found["communities"].values["2021"].value == row["communities"]
    assert found["helix_synergy"].values["2021"].value == pytest.approx(row["synergy_t4"])


@pytest.mark.parametrize("example", ["trondheim", "regional"])
def test_network_indicators_alone_are_those_of_the_catalogue(example: str) -> None:
    # asked alone, they read only the years the collections span, not every indicator
    dataset = unikommune.load(EXAMPLES / example)
    network = [code for code, entry in CATALOGUE.items() if entry.group == "network"]
    alone, every = indicators(dataset, network), indicators(dataset)
    assert alone.years == every.years
    assert alone.series == {code: every.series[code] for code in network}


@pytest.mark.parametrize("example", ["trondheim", "regional"])
def test_indicators_side_by_side_are_those_in_one_process(example: str) -> None:
    # the passes in two parts, each in a forked process where that is safe, and merged
    from unikommune.cli.options import years_side_by_side

    dataset = unikommune.load(EXAMPLES / example)
    asked: list[list[int]] = []

    def in_reverse(work: Any, items: Any) -> list[Any]:  # the later part done first
        asked.append(list(items))
        return [work(item) for item in reversed(items)][::-1]

    alone = indicators(dataset)
    assert indicators(dataset, side_by_side=in_reverse) == alone
    assert asked[0] == [0, 1]  # the passes, then the years of the network indicators
    assert indicators(dataset, side_by_side=years_side_by_side(2)) == alone


def test_tallies_of_the_same_codes_are_not_merged() -> None:
    from unikommune.evaluation.tally import Tally, one_year

    first, second = Tally(), Tally()
    for tally in (first, second):
        tally.add("theses", one_year(2020, 2020, True), "t1")
    with pytest.raises(ValueError, match="theses"):
        first.merge(second)


def test_applications_from_figures_come_in_the_order_of_their_periods() -> None:
    # the periods of applications by outcome were once gathered in a set, so their
    # order in the output changed from run to run
    dataset = unikommune.load(EXAMPLES / "regional")
    copies = []
    for year in range(2015, 2023):
        for figure in dataset.figures:
            if figure.measure == "applications":
                copies.append(
                    figure.model_copy(
                        update={
                            "id": f"{figure.id}-{year}",
                            "period": Period(start=str(year), end=str(year)),
                        }
                    )
                )
    dataset = dataset.model_copy(update={"figures": [*dataset.figures, *copies]})
    found = indicators(dataset, ["funding_applications"])
    for category, cells in found["funding_applications"].breakdowns["outcome"].items():
        assert list(cells) == sorted(cells), category


def test_ongoing_collaborations_come_from_figures_only() -> None:
    found = indicators(unikommune.load(EXAMPLES / "regional"), ["ongoing_collaborations"])
    value = found["ongoing_collaborations"].values["2024"]  # counted on 2024-03-01
    assert (value.value, value.source) == (14, "figures")
    assert found["ongoing_collaborations"].values["2023"].no_data
