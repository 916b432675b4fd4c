"""Properties of the graph views and metrics on generated datasets."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from networkx.algorithms import bipartite

from unikommune import dates
from unikommune.graph import (
    ACTIVITY_KINDS,
    active,
    activities,
    brokerage_roles,
    co_occurrence,
    co_participation,
    dataset_years,
    helix_synergy,
    network_metrics,
    partner_metrics,
    partner_sdg,
    partnership_graph,
    placement_flows,
    roll_up,
    sdg_coverage,
    structural_holes,
    yearly_metrics,
)
from unikommune.graph.brokerage import role_of
from unikommune.graph.synergy import entropy, sector_profiles
from unikommune.graph.views import co_participation_ties
from unikommune.models import Dataset
from unikommune.models.values import Period, central

SECTORS = ("public-sector", "academia", "industry", "civil-society")
KIND = {
    "public-sector": "municipality",
    "academia": "university",
    "industry": "company",
    "civil-society": "ngo",
}


#: A year as a start or end may be written: exact, uncertain, approximate, a decade.
def _year_text(draw: Any, year: int) -> str:
    return draw(st.sampled_from([str(year), f"{year}?", f"{year}~", f"{str(year)[:3]}X"]))


def _joined(draw: Any, start: int) -> dict[str, Any]:
    """Draw a participation's own period, if it has one: it joined a year or two late."""
    if not draw(st.booleans()):
        return {}
    return {"period": {"start": str(start + draw(st.integers(0, 2)))}}


@st.composite
def datasets(draw: Any) -> Dataset:
    """Draw a small valid dataset.

    Partners with sectors, units and (some) a country abroad; dated projects, some dates
    uncertain, some partners joining late; agreements whose parties may join late;
    placements with counts exact or estimated and years exact or uncertain.
    """
    n = draw(st.integers(min_value=1, max_value=9))
    partners = []
    for i in range(n):
        sector = draw(st.sampled_from(SECTORS))
        partner: dict[str, Any] = {
            "id": f"o{i}",
            "name": {"en": f"Org {i}"},
            "kind": KIND[sector],
            "sector": sector,
        }
        if i and draw(st.booleans()):
            partner["parent"] = f"o{draw(st.integers(0, i - 1))}"
        country = draw(st.sampled_from([None, None, "NO", "SE"]))
        if country is not None:
            partner["country"] = country
        partners.append(partner)
    projects = []
    for j in range(draw(st.integers(min_value=0, max_value=12))):
        members = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5, unique=True))
        start = draw(st.integers(2018, 2022))
        end = start + draw(st.integers(0, 3))
        goals = draw(st.lists(st.integers(1, 17), max_size=3, unique=True))
        projects.append(
            {
                "id": f"p{j}",
                "title": {"en": f"Project {j}"},
                "kinds": ["research"],
                "status": "active",
                "period": {"start": _year_text(draw, start), "end": str(end)},
                "participants": [
                    {"partner": f"o{m}", "role": "partner", **_joined(draw, start)} for m in members
                ],
                "sdg_links": [{"goal": g} for g in goals],
            }
        )
    agreements = []
    for k in range(draw(st.integers(min_value=0, max_value=2)) if n > 1 else 0):
        members = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=6, unique=True))
        start = draw(st.integers(2017, 2022))
        parties: list[dict[str, Any]] = []
        for m in members:
            party: dict[str, Any] = {"partner": f"o{m}"}
            if draw(st.booleans()):
                party["period"] = {"start": str(start + draw(st.integers(0, 2)))}
            parties.append(party)
        end = draw(st.sampled_from([str(start + 3), "..", ""]))
        agreements.append(
            {
                "id": f"a{k}",
                "title": {"en": f"Agreement {k}"},
                "parties": parties,
                "period": {"start": str(start), "end": end},
            }
        )
    placements = []
    for k in range(draw(st.integers(min_value=0, max_value=3))):
        year = draw(st.integers(2018, 2022))
        students = draw(
            st.one_of(
                st.integers(0, 40),
                st.builds(lambda a: {"about": a}, st.integers(0, 40)),
                st.builds(
                    lambda a, b: {"min": a, "max": a + b}, st.integers(0, 20), st.integers(0, 9)
                ),
            )
        )
        placements.append(
            {
                "id": f"pl{k}",
                "programme": {"en": "Nursing"},
                "field": "health",
                "level": "bachelor",
                "institution": f"o{draw(st.integers(0, n - 1))}",
                "host": f"o{draw(st.integers(0, n - 1))}",
                "year": draw(st.sampled_from([year, f"{year}?", f"{str(year)[:3]}X"])),
                "students": students,
            }
        )
    return Dataset.model_validate(
        {
            "$schema": "https://w3id.org/unikommune/schema/0.2/dataset.json",
            "title": {"en": "Generated"},
            "description": {"en": "Generated for a property test."},
            "publisher": "o0",
            "license": "CC0-1.0",
            "languages": ["en"],
            "modified": "2024-01-01",
            "partners": partners,
            "agreements": agreements,
            "projects": projects,
            "placements": placements,
        }
    )


def partners_at(dataset: Dataset, level: str) -> set[str]:
    """Return the partner ids a partner view has as nodes at ``level``."""
    if level == "organisation":
        return set(roll_up(dataset).values())
    return {partner.id for partner in dataset.partners}


WHEN = st.one_of(st.none(), st.integers(2017, 2026))
LEVEL = st.sampled_from(["unit", "organisation"])


@given(datasets(), WHEN, LEVEL)
def test_projected_weights_are_the_pairs_each_project_contributes(
    dataset: Dataset, when: int | None, level: Any
) -> None:
    groups = [item.partners for item in activities(dataset, when, level=level)]
    expected_full: Counter[frozenset[str]] = Counter()
    expected_fractional: Counter[frozenset[str]] = Counter()
    for group in groups:
        for a, b in combinations(group, 2):
            expected_full[frozenset((a, b))] += 1
            expected_fractional[frozenset((a, b))] += 1 / (len(group) - 1)
    graph = co_participation(dataset, when, level=level, counting="fractional")
    found = {frozenset((u[8:], v[8:])): d for u, v, d in graph.edges(data=True)}
    assert {pair: d["shared"] for pair, d in found.items()} == dict(expected_full)
    for pair, d in found.items():
        assert d["weight"] == pytest.approx(expected_fractional[pair])
    # fractional strength = number of the partner's activities shared with someone
    for node in graph:
        shared = sum(1 for group in groups if node[8:] in group and len(group) > 1)
        assert graph.degree(node, weight="weight") == pytest.approx(shared)
    # every partner (at the level) is a node, whether or not it takes part in anything
    assert {n[8:] for n in graph} == partners_at(dataset, level)
    for node, count in graph.nodes(data="activities"):
        assert count == sum(1 for group in groups if node[8:] in group)


@given(datasets(), WHEN)
def test_fast_projection_equals_networkx(dataset: Dataset, when: int | None) -> None:
    items = list(activities(dataset, when))
    b: nx.Graph[str] = nx.Graph()
    partners = {p for item in items for p in item.partners}
    b.add_nodes_from(partners, bipartite=0)
    for item in items:
        b.add_node(item.node, bipartite=1)
        b.add_edges_from((p, item.node) for p in item.partners)
    if not items:
        assert co_occurrence([]) == ({}, {}, Counter())
        return
    naive = bipartite.weighted_projected_graph(b, partners)
    full, _, _ = co_occurrence(item.partners for item in items)
    fast: nx.Graph[str] = nx.Graph()
    fast.add_nodes_from(partners)
    fast.add_weighted_edges_from((u, v, w) for (u, v), w in full.items())
    assert set(naive) == set(fast)
    assert dict(naive.adj) == dict(fast.adj)


@given(datasets(), WHEN)
def test_counts_match_the_dataset(dataset: Dataset, when: int | None) -> None:
    graph = partnership_graph(dataset, when)
    counted = [p for p in dataset.projects if when is None or p.period.overlaps_year(when)]
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    assert kinds["project"] == len(counted)
    assert kinds["partner"] == len(dataset.partners)
    edge_kinds = Counter(kind for *_, kind in graph.edges(data="kind"))

    def taking_part(project: Any) -> list[Any]:  # a partner that joined late counts from then
        return [
            q
            for q in project.participants
            if when is None or q.period is None or q.period.overlaps_year(when)
        ]

    assert edge_kinds["participates"] == sum(len(taking_part(p)) for p in counted)
    assert edge_kinds["unit_of"] == sum(1 for p in dataset.partners if p.parent)
    coverage = sdg_coverage(dataset, when, via=["projects"])
    for goal in range(1, 18):
        assert coverage[goal] == sum(1 for p in counted if goal in {s.goal for s in p.sdg_links})
    bip = partner_sdg(dataset, when, via=["projects"])
    for goal in range(1, 18):
        node = f"sdg:{goal}"
        partners = {
            q.partner
            for p in counted
            for q in taking_part(p)
            if goal in {s.goal for s in p.sdg_links}
        }
        assert (set(bip[node]) if node in bip else set()) == {f"partner:{q}" for q in partners}


VIA = st.lists(st.sampled_from(ACTIVITY_KINDS), min_size=1, max_size=5, unique=True)


@given(datasets(), WHEN, LEVEL, VIA)
def test_every_partner_is_a_node_of_every_partner_view(
    dataset: Dataset, when: int | None, level: Any, via: list[str]
) -> None:
    expected = {f"partner:{p}" for p in partners_at(dataset, level)}
    views = [
        co_participation(dataset, when, via=via, level=level),
        placement_flows(dataset, when, level=level),
        partner_sdg(dataset, when, via=via, level=level),
    ]
    for view in views:
        assert {node for node, kind in view.nodes(data="kind") if kind == "partner"} == expected
    full = partnership_graph(dataset, when)
    assert {node for node, kind in full.nodes(data="kind") if kind == "partner"} == {
        f"partner:{p.id}" for p in dataset.partners
    }
    rows = partner_metrics(views[0])
    assert {row["node"] for row in rows} == expected
    row = network_metrics(dataset, when, via=via, level=level, graph=views[0])
    assert row["partners"] == len(expected)
    assert row["isolates"] == sum(1 for node in views[0] if not views[0].degree(node))
    assert row["active_partners"] == len(
        {p for item in activities(dataset, when, via=via, level=level) for p in item.partners}
    )


@given(datasets(), WHEN, LEVEL)
def test_domestic_ties_leave_out_those_abroad(
    dataset: Dataset, when: int | None, level: Any
) -> None:
    graph = co_participation(dataset, when, via=ACTIVITY_KINDS, level=level)
    kind = dict(graph.nodes(data="partner_kind"))
    country = dict(graph.nodes(data="country"))
    ties = [(u, v) for u, v in graph.edges if {kind[u], kind[v]} == {"municipality", "university"}]
    for home in ("NO", "SE"):
        row = network_metrics(dataset, when, graph=graph, country=home)
        abroad = [(u, v) for u, v in ties if {country[u], country[v]} - {None, home}]
        assert row["municipality_university_ties"] == len(ties)
        assert row["municipality_university_ties_domestic"] == len(ties) - len(abroad)
    # here each sector has one kind, so grouping by either gives the same figures
    by_kind = network_metrics(dataset, when, level=level, group_by="kind")
    by_sector = network_metrics(dataset, when, level=level)
    assert by_kind["cross_sector_ties"] == by_sector["cross_sector_ties"]
    assert by_kind["ei_index"] == by_sector["ei_index"]
    assert by_kind["synergy_t4"] == pytest.approx(by_sector["synergy_t4"])


@given(datasets(), WHEN)
def test_placement_flows_sum_central_values(dataset: Dataset, when: int | None) -> None:
    flows = placement_flows(dataset, when)
    counted = [p for p in dataset.placements if when is None or _may_be_in(p.year, when)]
    assert sum(students for *_, students in flows.edges(data="students")) == pytest.approx(
        sum(_central(p.students) for p in counted)
    )
    assert sum(n for *_, n in flows.edges(data="placements")) == len(counted)
    for u, v, exact in flows.edges(data="students_exact"):
        pair = [p for p in counted if (p.institution, p.host) == (u[8:], v[8:])]
        assert exact == int(all(isinstance(p.students, int) for p in pair))


def _may_be_in(year: int | str, when: int) -> bool:
    first, last = dates.years(dates.parse_year(year))
    assert first is not None
    assert last is not None
    return first <= when <= last


def _central(students: Any) -> float:
    if isinstance(students, int):
        return students
    if students.about is not None:
        return float(students.about)
    return (students.min + students.max) / 2


PERIOD_ENDS = st.one_of(
    st.just(""),
    st.just(".."),
    st.builds(str, st.integers(2015, 2025)),
    st.builds(lambda y: f"{y}?", st.integers(2015, 2025)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2015, 2025), st.integers(1, 12)),
    st.builds(lambda d: f"{d}X", st.integers(201, 202)),
    st.builds(lambda a, b: f"[{a},{b}]", st.integers(2015, 2019), st.integers(2020, 2025)),
)


@given(PERIOD_ENDS, PERIOD_ENDS, st.one_of(st.integers(2014, 2026), PERIOD_ENDS, PERIOD_ENDS))
def test_time_filter_is_possibly_overlaps(start: str, end: str, filter_start: Any) -> None:
    if start != "" and end not in ("", "..") and dates.certainly_before(end, start):
        return  # not a period
    period = Period(start=start, end=end)
    if isinstance(filter_start, int):
        when: int | Period = filter_start
        bounds = (str(filter_start), str(filter_start))
    else:
        when = Period(start=filter_start, end="..")
        bounds = (filter_start, "..")
    expected = dates.possibly_overlaps(period.start, period.end or "..", *bounds)
    assert active(period, when) == expected


def _conditional_mi(records: list[tuple[bool, ...]], x: int, y: int, z: int) -> float:
    return (
        entropy(records, [x, z])
        + entropy(records, [y, z])
        - entropy(records, [z])
        - entropy(records, [x, y, z])
    )


@given(datasets(), WHEN)
def test_synergy_within_its_bounds(dataset: Dataset, when: int | None) -> None:
    records = sector_profiles(dataset, SECTORS[:3], when)
    t3 = helix_synergy(dataset, 3, when)
    if not records:
        assert t3 is None
        return
    assert t3 is not None
    pairs = [(0, 1, 2), (0, 2, 1), (1, 2, 0)]
    mi = [
        entropy(records, [x]) + entropy(records, [y]) - entropy(records, [x, y])
        for x, y, _ in pairs
    ]
    cmi = [_conditional_mi(records, x, y, z) for x, y, z in pairs]
    assert -min(cmi) - 1e-9 <= t3 <= min(mi) + 1e-9
    assert -1 - 1e-9 <= t3 <= 1 + 1e-9
    t4 = helix_synergy(dataset, 4, when)
    assert t4 is not None
    assert -2 - 1e-9 <= t4 <= 2 + 1e-9
    # T4 = T3 − T3 | civil society
    full = sector_profiles(dataset, SECTORS, when)
    conditional = 0.0
    for value in (False, True):
        part = [r[:3] for r in full if r[3] is value]
        if part:
            sub = helix_synergy_of(part)
            conditional += len(part) / len(full) * sub
    assert t4 == pytest.approx(t3 - conditional, abs=1e-9)


def helix_synergy_of(records: list[tuple[bool, ...]]) -> float:
    h = lambda cols: entropy(records, cols)  # noqa: E731
    return h([0]) + h([1]) + h([2]) - h([0, 1]) - h([0, 2]) - h([1, 2]) + h([0, 1, 2])


weighted_graphs = st.builds(
    lambda n, p, seed, weights: _weighted(nx.gnp_random_graph(n, p, seed=seed), weights),
    st.integers(1, 12),
    st.floats(0.1, 0.9),
    st.integers(0, 10_000),
    st.lists(st.integers(1, 5), min_size=66, max_size=66),
)


def _weighted(graph: nx.Graph[int], weights: list[int]) -> nx.Graph[int]:
    for (u, v), w in zip(graph.edges, weights, strict=False):
        graph[u][v]["weight"] = float(w)
    return graph


@given(weighted_graphs)
def test_structural_holes_equal_networkx(graph: nx.Graph[int]) -> None:
    constraint, size = structural_holes(graph)
    # networkx's per-node path follows Burt (a contact's ties are scaled by that contact's
    # strongest tie); its whole-graph sparse path in networkx 3.6 scales effective size by
    # the other end's strongest tie instead, so ask for every node by name
    expected_c = nx.constraint(graph, nodes=list(graph), weight="weight")
    expected_s = nx.effective_size(graph, nodes=list(graph), weight="weight")
    for node in graph:
        if math.isnan(expected_c[node]):
            assert constraint[node] is None
            assert size[node] is None
        else:
            assert constraint[node] == pytest.approx(expected_c[node])
            assert size[node] == pytest.approx(expected_s[node])


@given(weighted_graphs, st.lists(st.sampled_from(SECTORS), min_size=12, max_size=12))
def test_brokerage_of_undirected_graph_counts_both_directions(
    graph: nx.Graph[int], sectors: list[str]
) -> None:
    nx.set_node_attributes(graph, dict(enumerate(sectors)), "sector")
    fast = brokerage_roles(graph)
    naive = {node: Counter() for node in graph}
    for b in graph:
        for a in graph[b]:
            for c in graph[b]:
                if a != c and not graph.has_edge(a, c):
                    naive[b][role_of(sectors[a], sectors[b], sectors[c])] += 1
    for node in graph:
        assert {k: v for k, v in fast[node].items() if v} == dict(naive[node])
    assert brokerage_roles(graph.to_directed()) == fast


@given(weighted_graphs, st.lists(st.sampled_from(SECTORS), min_size=12, max_size=12))
def test_sparse_versions_equal_the_python_ones(graph: nx.Graph[int], sectors: list[str]) -> None:
    pytest.importorskip("numba")
    from unikommune.graph import _sparse
    from unikommune.graph.metrics import _python_structural_holes

    constraint, size = _sparse.sparse_structural_holes(graph)
    expected_c, expected_s = _python_structural_holes(graph, "weight")
    for node in graph:
        assert constraint[node] == pytest.approx(expected_c[node])
        assert size[node] == pytest.approx(expected_s[node])
    nx.set_node_attributes(graph, dict(enumerate(sectors)), "sector")
    pairs = _sparse.sparse_brokerage(graph, SECTORS, dict(enumerate(sectors)))
    for b in graph:
        expected: Counter[tuple[str, str]] = Counter()
        for a in graph[b]:
            for c in graph[b]:
                if a != c and not graph.has_edge(a, c):
                    expected[(sectors[a], sectors[c])] += 1
        assert pairs[b] == dict(expected)


@given(weighted_graphs, st.lists(st.sampled_from(SECTORS), min_size=12, max_size=12))
def test_partner_rows_are_the_same_with_the_ties_walked_once(
    graph: nx.Graph[int], sectors: list[str]
) -> None:
    pytest.importorskip("numba")
    from unikommune.graph import brokerage, metrics

    graph = nx.relabel_nodes(graph, {n: f"partner:{n}" for n in graph})
    nx.set_node_attributes(graph, dict(zip(graph, sectors, strict=False)), "sector")
    each_walk = metrics.partner_metrics(graph, seed=3)  # small: the Python sums
    original = metrics._SPARSE_FROM, brokerage._SPARSE_FROM
    try:
        # The compiled sums from the first tie on, on arrays walked once.
        metrics._SPARSE_FROM = brokerage._SPARSE_FROM = -1
        once = metrics.partner_metrics(graph, seed=3)
    finally:
        metrics._SPARSE_FROM, brokerage._SPARSE_FROM = original
    assert len(once) == len(each_walk)
    for row, expected in zip(once, each_walk, strict=True):
        assert row.keys() == expected.keys()
        for key, value in expected.items():
            assert row[key] == (pytest.approx(value) if isinstance(value, float) else value), key


@given(weighted_graphs)
def test_networkit_reads_the_arrays_as_it_reads_the_ties(graph: nx.Graph[int]) -> None:
    pytest.importorskip("networkit")
    pytest.importorskip("numba")
    from unikommune.graph import _sparse, metrics

    for weight in ("weight", None):
        by_ties, nodes = metrics._networkit_graph(graph, weight)
        with _sparse.reading(graph, "weight"):
            by_arrays, same_nodes = metrics._networkit_graph(graph, weight)
        assert same_nodes == nodes
        assert by_arrays.numberOfEdges() == by_ties.numberOfEdges()
        assert sorted(by_arrays.iterEdgesWeights()) == sorted(by_ties.iterEdgesWeights())


@given(datasets(), st.sampled_from([None, [2016, 2019, 2020, 2026]]))
def test_yearly_rows_are_each_years_network_metrics(
    dataset: Dataset, years: list[int] | None
) -> None:
    # yearly_metrics measures each year on a view holding only that year's activities
    rows = yearly_metrics(dataset, years, via=ACTIVITY_KINDS)
    chosen = dataset_years(dataset) if years is None else years
    assert [row["period"] for row in rows] == [str(year) for year in chosen]
    for year, row in zip(chosen, rows, strict=True):
        expected = network_metrics(dataset, year, via=ACTIVITY_KINDS)
        expected["students_placed"] = sum(
            central(p.students)
            for p in dataset.placements
            if dates.years(dates.parse_year(p.year))[0] <= year
            and year <= dates.years(dates.parse_year(p.year))[1]
        )
        assert row == expected


@given(datasets(), WHEN, LEVEL, st.sampled_from(["full", "fractional"]))
def test_network_metrics_ties_are_co_participations(
    dataset: Dataset, when: int | None, level: Any, counting: Any
) -> None:
    # network_metrics reads its ties from the activities it reads anyway; they give the
    # graph co_participation gives, node and tie order included (Louvain depends on it)
    via = ("projects", "agreements")
    graph = co_participation(dataset, when, via=via, counting=counting, level=level)
    given_graph = network_metrics(
        dataset, when, via=via, counting=counting, level=level, graph=graph
    )
    assert network_metrics(dataset, when, via=via, counting=counting, level=level) == given_graph


@given(datasets(), WHEN, LEVEL, st.sampled_from(["full", "fractional"]))
def test_ties_are_the_graphs_nodes_and_edges_in_order(
    dataset: Dataset, when: int | None, level: Any, counting: Any
) -> None:
    via = ("projects", "agreements")
    groups = [item.partners for item in activities(dataset, when, via=via, level=level)]
    network = co_participation_ties(dataset, groups, via=via, counting=counting, level=level)
    graph = co_participation(dataset, when, via=via, counting=counting, level=level)
    assert list(network.nodes.nodes(data=True)) == list(graph.nodes(data=True))
    assert network.ties == list(graph.edges(data="weight"))
    assert sorted(network.components()) == sorted(map(len, nx.connected_components(graph)))
    whole = network.graph()
    assert list(whole.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(whole.edges(data="weight")) == list(graph.edges(data="weight"))


@given(datasets(), WHEN, st.sampled_from(["full", "fractional"]))
def test_network_metrics_on_arrays_are_those_of_the_graph(
    dataset: Dataset, when: int | None, counting: Any
) -> None:
    # every network walked on arrays, however small: the row is the graph's row
    pytest.importorskip("numba")
    from unikommune.graph import ties as module

    via = ("projects", "learning_activities")
    graph = co_participation(dataset, when, via=via, counting=counting, level="unit")
    expected = network_metrics(dataset, when, via=via, counting=counting, level="unit", graph=graph)
    original = module.COMPILED_FROM
    try:
        module.COMPILED_FROM = 0
        found = network_metrics(dataset, when, via=via, counting=counting, level="unit")
    finally:
        module.COMPILED_FROM = original
    assert found == expected
