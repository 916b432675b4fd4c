"""The partnership graph and its views, on the hand-made dataset ``tests/data/graph/small``.

The dataset (all values invented):

* partners: ``kommune`` (municipality, public sector) with unit ``skole``; ``uni``
  (university, academia) with unit ``inst``; ``firm`` (industry); ``ngo`` (civil society);
* projects: p1 2019–2020 {kommune, inst, firm} SDG 11.2 + 11.3; p2 2020 {skole, uni} SDG 4;
  p3 2021 {inst, firm, ngo} SDG 11, 13; p4 2020–2021 {kommune, ngo (from 2021)};
  p5 2019 {uni}; p6 2019 {kommune, skole};
* mission m1 2019–2021 owned by kommune and uni, projects p1 and p2, SDG 11;
* placements uni→skole 30 (2020), inst→kommune 10 (2021), uni→skole 5 (2021);
* thesis t1 2020 by inst hosted by skole, SDG 4; course l1 2021 by kommune and uni, SDG 4.
"""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pytest
from tests.conftest import DATA

import unikommune
from unikommune.graph import (
    co_participation,
    mission_sdg,
    partner_sdg,
    partnership_graph,
    placement_flows,
)
from unikommune.models import Dataset
from unikommune.models.values import Period

PARTNERS = ("kommune", "skole", "uni", "inst", "firm", "ngo")


@pytest.fixture(scope="module")
def small() -> Dataset:
    return unikommune.load(DATA / "graph" / "small")


def edges(graph, attribute="shared"):
    return {
        tuple(sorted((u.split(":")[1], v.split(":")[1]))): d[attribute]
        for u, v, d in graph.edges(data=True)
    }


def test_partnership_graph_has_every_record_and_reference(small: Dataset) -> None:
    graph = partnership_graph(small)
    # 6 partners + 1 agreement + 1 mission + 6 projects + 1 thesis + 1 course + SDG 4, 11, 13
    assert graph.number_of_nodes() == 19
    # unit_of 2 + party 2 + owns 2 + participates 3+2+3+2+1+2 + in_mission 2 + placement 3
    # + educates 1 + hosts 1 + organises 2 + sdg_link (m1 1, p1 2, p2 1, p3 2, t1 1, l1 1)
    assert graph.number_of_edges() == 2 + 2 + 2 + 13 + 2 + 3 + 2 + 2 + 8
    assert graph.nodes["partner:inst"] == {
        "kind": "partner",
        "label": "Institutt",
        "name": "Institutt",
        "sector": "academia",
        "partner_kind": "university",
        "local_id": "inst",
        "parent": "uni",
        "unit_type": "department",
    }
    assert graph.nodes["project:p1"]["start_year"] == 2019
    assert graph.nodes["project:p1"]["end_year"] == 2020
    assert graph.nodes["sdg:11"]["goal"] == 11
    assert graph.has_edge("project:p1", "sdg:11", key="sdg_link:11.2")
    assert graph.has_edge("project:p1", "sdg:11", key="sdg_link:11.3")
    assert graph.edges["partner:uni", "partner:skole", "placement:pl1"]["students"] == 30
    assert graph.edges["partner:skole", "partner:kommune", "unit_of"]["kind"] == "unit_of"


def test_attributes_are_graphml_scalars(small: Dataset) -> None:
    graph = partnership_graph(small)
    values = [v for _, d in graph.nodes(data=True) for v in d.values()]
    values += [v for *_, d in graph.edges(data=True) for v in d.values()]
    assert all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values)


def test_partnership_graph_for_one_year(small: Dataset) -> None:
    graph = partnership_graph(small, 2019)
    projects = sorted(n for n, k in graph.nodes(data="kind") if k == "project")
    assert projects == ["project:p1", "project:p5", "project:p6"]
    assert not any(k == "placement" for *_, k in graph.edges(data="kind"))
    # p4 runs 2020–2021 but ngo joins it only in 2021
    in_2020 = partnership_graph(small, 2020)
    assert not in_2020.has_edge("partner:ngo", "project:p4")
    assert partnership_graph(small, 2021).has_edge("partner:ngo", "project:p4")


def test_co_participation_full_and_fractional(small: Dataset) -> None:
    graph = co_participation(small)
    # pairs of p1 {kommune, inst, firm}, p2 {skole, uni}, p3 {inst, firm, ngo},
    # p4 {kommune, ngo}, p6 {kommune, skole}; p5 has uni alone (an isolate only if uni had
    # no tie: it shares p2 with skole).  inst–firm are together in p1 and p3.
    assert edges(graph) == {
        ("inst", "kommune"): 1,
        ("firm", "kommune"): 1,
        ("firm", "inst"): 2,
        ("skole", "uni"): 1,
        ("inst", "ngo"): 1,
        ("firm", "ngo"): 1,
        ("kommune", "ngo"): 1,
        ("kommune", "skole"): 1,
    }
    # fractional: a project of n partners gives each pair 1/(n-1): p1 and p3 give 1/2, the
    # others 1; inst–firm = 1/2 + 1/2 = 1
    assert edges(graph, "fractional") == {
        ("inst", "kommune"): 0.5,
        ("firm", "kommune"): 0.5,
        ("firm", "inst"): 1.0,
        ("skole", "uni"): 1.0,
        ("inst", "ngo"): 0.5,
        ("firm", "ngo"): 0.5,
        ("kommune", "ngo"): 1.0,
        ("kommune", "skole"): 1.0,
    }
    assert edges(graph, "weight")[("firm", "inst")] == 2.0
    assert (
        edges(co_participation(small, counting="fractional"), "weight")[("inst", "kommune")] == 0.5
    )
    # kommune takes part in p1, p4 and p6
    assert graph.nodes["partner:kommune"]["activities"] == 3
    assert edges(graph, "cross_sector")[("kommune", "skole")] == 0
    assert edges(graph, "cross_sector")[("firm", "inst")] == 1


def test_co_participation_rolled_up_to_organisations(small: Dataset) -> None:
    graph = co_participation(small, level="organisation", counting="fractional")
    # skole → kommune, inst → uni: p1 {kommune, uni, firm}, p2 {kommune, uni},
    # p3 {uni, firm, ngo}, p4 {kommune, ngo}; p6 collapses to {kommune} and adds no tie
    assert edges(graph) == {
        ("kommune", "uni"): 2,
        ("firm", "kommune"): 1,
        ("firm", "uni"): 2,
        ("ngo", "uni"): 1,
        ("firm", "ngo"): 1,
        ("kommune", "ngo"): 1,
    }
    # kommune–uni: 1/2 (p1) + 1 (p2)
    assert edges(graph, "weight")[("kommune", "uni")] == 1.5
    assert "partner:skole" not in graph


def test_co_participation_time_filter(small: Dataset) -> None:
    # 2020: p1, p2 and p4 (ngo not yet in it) → 3 ties from p1, 1 from p2
    in_2020 = co_participation(small, 2020)
    assert sorted(edges(in_2020)) == [
        ("firm", "inst"),
        ("firm", "kommune"),
        ("inst", "kommune"),
        ("skole", "uni"),
    ]
    # every partner stays a node: ngo, not yet in p4, is an isolate
    assert in_2020.number_of_nodes() == 6
    assert in_2020.degree("partner:ngo") == 0
    assert in_2020.nodes["partner:ngo"]["activities"] == 0
    # June 2020 – March 2021 overlaps p1, p2, p3, p4 (ngo from 2021), not p5 or p6
    span = co_participation(small, Period(start="2020-06", end="2021-03"))
    assert ("kommune", "skole") not in edges(span)
    assert edges(span)[("firm", "inst")] == 2
    assert edges(span)[("kommune", "ngo")] == 1
    before = co_participation(small, 2017)
    assert (before.number_of_nodes(), before.number_of_edges()) == (6, 0)


def test_co_participation_through_missions_and_courses(small: Dataset) -> None:
    graph = co_participation(small, via=["missions", "learning_activities"])
    # m1 and l1 are both owned/organised by kommune and uni
    assert edges(graph) == {("kommune", "uni"): 2}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"via": ["grants"]}, "unknown activity kind"),
        ({"level": "faculty"}, "level must be"),
        ({"counting": "half"}, "counting must be"),
        ({"when": "2020"}, "time filter"),
    ],
)
def test_co_participation_rejects_bad_arguments(small: Dataset, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        co_participation(small, **kwargs)


def test_placement_flows(small: Dataset) -> None:
    flows = placement_flows(small)
    assert flows.is_directed()
    assert flows.edges["partner:uni", "partner:skole"] == {
        "students": 35,
        "students_exact": 1,
        "weight": 35.0,
        "placements": 2,
    }
    # every partner is a node, firm and ngo (no placement) as isolates
    assert sorted(flows.nodes) == [f"partner:{p}" for p in sorted(PARTNERS)]
    assert flows.degree("partner:firm") == 0
    assert flows.edges["partner:inst", "partner:kommune"]["students"] == 10
    rolled = placement_flows(small, level="organisation")
    # 30 + 10 + 5 students, all from uni (and its department) to kommune (and its school)
    assert list(rolled.edges(data="students")) == [("partner:uni", "partner:kommune", 45)]
    assert placement_flows(small, 2021).edges["partner:uni", "partner:skole"]["students"] == 5


def test_partner_sdg(small: Dataset) -> None:
    graph = partner_sdg(small)
    counts = {(u, v): n for u, v, n in graph.edges(data="activities")}
    counts = {tuple(sorted(pair)): n for pair, n in counts.items()}
    # kommune–11: p1 and m1; skole–4: p2 and t1 (host); uni–4: p2 and l1; kommune–4: l1
    assert counts[("partner:kommune", "sdg:11")] == 2
    assert counts[("partner:skole", "sdg:4")] == 2
    assert counts[("partner:uni", "sdg:4")] == 2
    assert counts[("partner:kommune", "sdg:4")] == 1
    assert counts[("partner:inst", "sdg:13")] == 1
    # goal 11: kommune, inst, firm, ngo, uni (m1); 13: inst, firm, ngo; 4: skole, uni,
    # kommune, inst (t1) — 12 ties
    assert len(counts) == 12
    assert graph.nodes["sdg:4"]["bipartite"] == 1
    assert graph.nodes["partner:uni"]["bipartite"] == 0


def test_mission_sdg(small: Dataset) -> None:
    graph = mission_sdg(small)
    # m1 links to 11 itself and through p1; to 4 through p2 only
    assert graph.edges["mission:m1", "sdg:11"] == {"direct": 1, "projects": 1, "weight": 2.0}
    assert graph.edges["mission:m1", "sdg:4"] == {"direct": 0, "projects": 1, "weight": 1.0}
    assert mission_sdg(small, 2021).edges["mission:m1", "sdg:11"]["projects"] == 0


@pytest.mark.parametrize(
    "module",
    [
        "unikommune.graph._common",
        "unikommune.graph.brokerage",
        "unikommune.graph.metrics",
        "unikommune.graph.network",
        "unikommune.graph.synergy",
        "unikommune.graph.views",
    ],
)
def test_docstring_examples(module: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert failed == 0
    assert attempted > 0


def test_core_import_stays_light() -> None:
    code = (
        "import sys, unikommune; "
        "print('unikommune.graph' in sys.modules, 'matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
