"""Metrics against answers worked out by hand (see tests/test_graph.py for the dataset)."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from tests.conftest import DATA

import unikommune
from unikommune.graph import (
    brokerage_roles,
    co_participation,
    communities,
    dataset_years,
    helix_synergy,
    network_metrics,
    partner_metrics,
    sdg_coverage,
    structural_holes,
    yearly_metrics,
)
from unikommune.graph.brokerage import role_of
from unikommune.models import Dataset

LOG3 = math.log2(3)


@pytest.fixture(scope="module")
def small() -> Dataset:
    return unikommune.load(DATA / "graph" / "small")


@pytest.fixture(scope="module")
def xor() -> Dataset:
    return unikommune.load(DATA / "graph" / "xor")


def test_network_metrics_at_unit_level(small: Dataset) -> None:
    row = network_metrics(small, level="unit")
    # 6 partners, 8 ties (tests/test_graph.py) → density 8 / (6·5/2) = 8/15
    assert row["partners"] == 6
    assert row["ties"] == 8
    assert row["density"] == pytest.approx(8 / 15)
    assert row["components"] == 1
    assert row["largest_component"] == 6
    assert row["isolates"] == 0
    # only kommune–skole stays inside a sector: E = 7, I = 1 → E–I = (7 − 1)/8 = 0.75
    assert row["cross_sector_ties"] == 7
    assert row["cross_sector_share"] == pytest.approx(7 / 8)
    assert row["ei_index"] == pytest.approx(0.75)
    # weights: inst–firm 2, the other seven 1 → total 9, of which 8 cross sectors
    assert row["cross_sector_weight_share"] == pytest.approx(8 / 9)
    # units carry their organisation's kind: kommune–inst and skole–uni
    assert row["municipality_university_ties"] == 2
    assert row["municipality_university_weight"] == 2.0
    assert row["activities"] == 6


def test_network_metrics_at_organisation_level(small: Dataset) -> None:
    row = network_metrics(small)
    # kommune, uni, firm, ngo are all tied: K4, density 1, every tie crosses sectors
    assert (row["partners"], row["ties"], row["density"]) == (4, 6, 1.0)
    assert row["ei_index"] == 1.0
    # one municipality–university tie, kommune–uni, in p1 and p2
    assert row["municipality_university_ties"] == 1
    assert row["municipality_university_weight"] == 2.0


def test_triple_helix_synergy_by_hand(small: Dataset) -> None:
    # projects as (public, academia, industry): p1 111, p2 110, p3 011, p4 100, p5 010, p6 100
    # H(pub) = H(acad) = H(ind) = H(1/3) = log2 3 − 2/3
    # H(pub,acad) = H(acad,ind) = log2 3 (three cells of 2); H(pub,ind) = 1 + ½ log2 3
    #   (cells 1, 3, 1, 1 of 6); H(pub,acad,ind) = 2/3 + log2 3 (cells 1,1,1,2,1)
    # T = 3 log2 3 − 2 − (2 log2 3 + 1 + ½ log2 3) + 2/3 + log2 3 = 1.5 log2 3 − 7/3
    assert helix_synergy(small, 3) == pytest.approx(1.5 * LOG3 - 7 / 3)
    assert helix_synergy(small, 3) == pytest.approx(0.0441104, abs=1e-6)


def test_pure_synergy_is_minus_one_bit(xor: Dataset) -> None:
    # (public, academia, industry) = 000 (civil society only), 011, 101, 110: industry is
    # the exclusive-or of the other two.  Every H(i) = 1, every H(i,j) = 2, H(i,j,k) = 2:
    # T3 = 3 − 6 + 2 = −1 bit.
    assert helix_synergy(xor, 3) == pytest.approx(-1.0)
    # T4 = T3 − T3 | civil society.  With civil society (1/4 of records) T3 = 0; without it
    # the three records 011, 101, 110: 3·H(1/3) − 3 log2 3 + log2 3 = log2 3 − 2.
    # T4 = −1 − ¾ (log2 3 − 2) = ½ − ¾ log2 3
    assert helix_synergy(xor, 4) == pytest.approx(0.5 - 0.75 * LOG3)


def test_synergy_of_a_constant_sector_is_zero(small: Dataset, xor: Dataset) -> None:
    # 2021: p3 {inst, firm, ngo} and p4 {kommune, ngo}: civil society is in both, so
    # conditioning on it changes nothing and T4 = T3 − T3 | civil society = 0
    assert helix_synergy(small, 4, 2021) == 0.0
    # two sectors give their mutual information: academia 0101 and industry 0110 are
    # independent (every pair of values once) → 1 + 1 − 2 = 0
    assert helix_synergy(xor, ["academia", "industry"]) == 0.0
    assert helix_synergy(xor, 3, 2030) is None
    with pytest.raises(ValueError, match="sectors must be"):
        helix_synergy(xor, 5)
    with pytest.raises(ValueError, match="space"):
        helix_synergy(xor, ["academia", "space"])


def test_sdg_coverage(small: Dataset) -> None:
    # goal 4: p2, t1, l1; goal 11: p1 (two targets, counted once), p3, m1; goal 13: p3
    coverage = sdg_coverage(small)
    assert {g: n for g, n in coverage.items() if n} == {4: 3, 11: 3, 13: 1}
    assert sorted(coverage) == list(range(1, 18))
    # 2021: p3 (11, 13), m1 (11), l1 (4)
    assert {g: n for g, n in sdg_coverage(small, 2021).items() if n} == {4: 1, 11: 2, 13: 1}
    assert network_metrics(small)["sdg_goals_reached"] == 3


def test_partner_metrics_by_hand(small: Dataset) -> None:
    graph = co_participation(small)
    rows = {row["node"]: row for row in partner_metrics(graph)}
    # uni – skole – kommune – {inst, firm, ngo}, and inst, firm, ngo, kommune form a K4.
    # betweenness, normalised by (n−1)(n−2)/2 = 10 pairs of others:
    #   skole lies on the 4 paths from uni to kommune, inst, firm, ngo → 0.4
    #   kommune lies on the 2·3 paths from {uni, skole} to {inst, firm, ngo} → 0.6
    assert rows["partner:skole"]["betweenness"] == pytest.approx(0.4)
    assert rows["partner:kommune"]["betweenness"] == pytest.approx(0.6)
    assert rows["partner:inst"]["betweenness"] == 0.0
    assert rows["partner:kommune"]["degree"] == 4
    # inst: kommune 1 + firm 2 + ngo 1
    assert rows["partner:inst"]["strength"] == 4.0
    # uni has one contact: p = 1, constraint 1, effective size 1
    assert rows["partner:uni"]["constraint"] == pytest.approx(1.0)
    assert rows["partner:uni"]["effective_size"] == pytest.approx(1.0)
    # skole: contacts uni and kommune (weight 1 each, not tied): 2 · (1/2)² = 1/2, size 2
    assert rows["partner:skole"]["constraint"] == pytest.approx(0.5)
    assert rows["partner:skole"]["effective_size"] == pytest.approx(2.0)
    # brokerage around kommune (public): skole (public) is not tied to inst, firm or ngo:
    # each of the 3 pairs counts once as representative (skole→kommune→x) and once as
    # gatekeeper (x→kommune→skole); around skole, uni→skole→kommune is a gatekeeper and
    # kommune→skole→uni a representative
    assert {k: rows["partner:kommune"][k] for k in ("representative", "gatekeeper")} == {
        "representative": 3,
        "gatekeeper": 3,
    }
    assert rows["partner:skole"]["representative"] == rows["partner:skole"]["gatekeeper"] == 1
    assert rows["partner:inst"]["liaison"] == 0
    assert {row["community"] for row in rows.values()} <= set(range(len(rows)))


def test_structural_holes_by_hand() -> None:
    # triangle: p = ½ to each contact, indirect ½·½ = ¼ → each tie (¾)² and the constraint
    # 2 · 9/16 = 9/8; effective size: each contact is redundant by ½ → 2 · ½ = 1
    constraint, size = structural_holes(nx.complete_graph(3))
    assert constraint[0] == pytest.approx(9 / 8)
    assert size[0] == pytest.approx(1.0)
    lonely = nx.Graph()
    lonely.add_node("a")
    assert structural_holes(lonely) == ({"a": None}, {"a": None})
    with pytest.raises(ValueError, match="undirected"):
        structural_holes(nx.DiGraph([(1, 2)]))


def test_brokerage_roles_by_hand() -> None:
    # a star: the centre (academia) between a public, an industry and an academic leaf.
    # P–I: liaison both ways (2); P–A and I–A: gatekeeper one way, representative the other
    star = nx.star_graph(["centre", "p", "i", "a"])
    nx.set_node_attributes(
        star, {"centre": "academia", "p": "public", "i": "industry", "a": "academia"}, "sector"
    )
    assert brokerage_roles(star)["centre"] == {
        "coordinator": 0,
        "gatekeeper": 2,
        "representative": 2,
        "itinerant": 0,
        "liaison": 2,
    }
    assert role_of("x", "y", "x") == "itinerant"
    assert role_of("x", "x", "x") == "coordinator"
    assert role_of("x", "y", "y") == "gatekeeper"
    # directed: only a → b → c with no a → c
    chain = nx.DiGraph([("a", "b"), ("b", "c")])
    nx.set_node_attributes(chain, {"a": 1, "b": 1, "c": 2}, "sector")
    assert brokerage_roles(chain)["b"]["representative"] == 1
    assert sum(brokerage_roles(chain)["b"].values()) == 1


def test_yearly_metrics(small: Dataset) -> None:
    # the agreement runs 2018–2021; records span 2018–2021
    assert dataset_years(small) == [2018, 2019, 2020, 2021]
    rows = yearly_metrics(small)
    assert [row["period"] for row in rows] == ["2018", "2019", "2020", "2021"]
    by_year = {row["period"]: row for row in rows}
    # every year has the four organisations as nodes.  2018: nothing runs, four isolates;
    # 2019: p1 {kommune, uni, firm}, p5 {uni}, p6 {kommune}: a triangle, ngo an isolate
    assert (by_year["2018"]["partners"], by_year["2018"]["active_partners"]) == (4, 0)
    assert (by_year["2018"]["isolates"], by_year["2018"]["density"]) == (4, 0.0)
    assert (by_year["2019"]["partners"], by_year["2019"]["ties"]) == (4, 3)
    assert (by_year["2019"]["active_partners"], by_year["2019"]["isolates"]) == (3, 1)
    # triangle of 4 nodes: 3 of 6 possible ties
    assert by_year["2019"]["density"] == pytest.approx(0.5)
    # placements: 30 in 2020, 10 + 5 in 2021
    assert [row["students_placed"] for row in rows] == [0, 0, 30, 15]


def test_modularity_equals_networkx(small: Dataset) -> None:
    for level in ("unit", "organisation"):
        graph = co_participation(small, level=level)
        for seed in (1, 2, 3):
            parts = communities(graph, seed=seed)
            row = network_metrics(small, level=level, graph=graph, partition=parts)
            assert row["modularity"] == pytest.approx(
                nx.community.modularity(graph, parts, weight="weight"), abs=1e-12
            )
    # two triangles joined by one tie, split in two: (6/7 − 2·(7/14)²) = 6/7 − 1/2
    pair = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    nx.set_edge_attributes(pair, 1.0, "weight")
    row = network_metrics(small, graph=pair, partition=[{0, 1, 2}, {3, 4, 5}])
    assert row["modularity"] == pytest.approx(6 / 7 - 1 / 2)


@pytest.mark.parametrize("numba", [True, False])
def test_network_metrics_read_as_ties_with_and_without_numba(
    small: Dataset, numba: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walked on arrays (with numba) or handed to the graph (without), the row is the graph's."""
    from unikommune.graph import louvain_arrays, ties

    if numba:
        pytest.importorskip("numba")
    else:
        monkeypatch.setattr(louvain_arrays, "compiled_moves", lambda: None)
    monkeypatch.setattr(ties, "COMPILED_FROM", 0)  # this small network takes that path
    for level in ("unit", "organisation"):
        graph = co_participation(small, level=level)
        expected = network_metrics(small, level=level, graph=graph)
        assert network_metrics(small, level=level) == expected
        assert expected["communities"] == len(communities(graph))
