"""Views read from a dataset's files for what they need: the same as from the loaded dataset.

:func:`unikommune.loading.iter_fields` reads a record's partners into a light
struct where that is certain, and builds the model otherwise; the network
:func:`unikommune.graph.co_participation_read` builds from them must be the one
:func:`unikommune.graph.co_participation` builds from the loaded dataset, and a record
broken where it is read must give what a load gives.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import unikommune
from conftest import ROOT, SLOW, benchmark_generator
from unikommune.errors import DatasetReadError, InvalidDatasetError
from unikommune.graph import ACTIVITY_KINDS, co_participation, co_participation_read
from unikommune.graph.streamed import yearly_dataset_read
from unikommune.graph.views import partner_ties
from unikommune.graph.yearly import (
    ACTIVITY_FIELDS,
    PLACEMENT_FIELDS,
    dataset_years,
    yearly_metrics,
)
from unikommune.loading import iter_fields, iter_records
from unikommune.models import COLLECTIONS
from unikommune.models.paths import FieldPath

EXAMPLES = [
    *(ROOT / "examples" / name for name in ("trondheim", "regional", "nordlysfjord")),
    # One document each: nothing is read light, every record is a model.
    ROOT / "tests" / "data" / "evaluation" / "small.json",
    ROOT / "tests" / "data" / "graph" / "small" / "dataset.json",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    benchmark_generator().generate("tiny", folder, seed=11)
    return folder


def _same_graph(got: Any, expected: Any) -> None:
    assert got.graph == expected.graph
    assert list(got.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(got.edges(data=True)) == list(expected.edges(data=True))


@pytest.mark.parametrize(
    "via", [("projects",), ("theses",), ("missions", "learning_activities"), ACTIVITY_KINDS]
)
@pytest.mark.parametrize("level", ["unit", "organisation"])
@pytest.mark.parametrize("counting", ["full", "fractional"])
def test_the_network_read_is_the_network_of_the_loaded_dataset(
    tiny: Path, via: tuple[str, ...], level: Any, counting: Any
) -> None:
    expected = co_participation(unikommune.load(tiny), via=via, level=level, counting=counting)
    got = co_participation_read(tiny, via=via, level=level, counting=counting)
    _same_graph(got, expected)
    assert expected.number_of_edges() > 0


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_examples_give_the_same_network(example: Path) -> None:
    dataset = unikommune.load(example)
    for level in ("unit", "organisation"):
        expected = co_participation(dataset, via=ACTIVITY_KINDS, level=level)
        partners = unikommune.load(example, collections=["partners"])
        got = co_participation_read(example, dataset=partners, via=ACTIVITY_KINDS, level=level)
        _same_graph(got, expected)


def test_light_records_hold_what_the_models_hold(tiny: Path) -> None:
    pytest.importorskip("msgspec")
    light_ones = 0
    for kind in ACTIVITY_KINDS:
        paths = partner_ties(kind)
        light = list(iter_fields(tiny, kind, paths))
        models = list(iter_records(tiny, kind))
        assert [[p.plain(r) for p in paths] for r in light] == [
            [p.plain(m) for p in paths] for m in models
        ], kind
        light_ones += sum(type(r) is not COLLECTIONS[kind] for r in light)
    # Every project, thesis, mission and learning activity is read light; agreements
    # name partners in their governance too, and are built as models.
    assert light_ones >= len(unikommune.load(tiny).projects) > 0


def test_a_field_not_read_is_not_checked(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("msgspec")
    folder = tmp_path / "data"
    shutil.copytree(tiny, folder)
    projects = folder / "projects.jsonl"
    lines = projects.read_bytes().splitlines()
    record = json.loads(lines[3])
    record["title"] = 5  # wrong, but not read
    lines[3] = json.dumps(record, separators=(",", ":")).encode()
    projects.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(InvalidDatasetError):
        unikommune.load(folder)
    got = co_participation_read(folder, via=("projects",))
    _same_graph(got, co_participation(unikommune.load(tiny), via=("projects",)))


# A project line broken where its partners are read: the light reading must refuse it,
# and the model then says what a load says (or, when the model takes it, hold the same).

_Mutation = Callable[[str], str]
_MUTATIONS: dict[str, _Mutation] = {
    "key given twice": lambda line: line.replace(
        "{", '{"participants":[{"partner":"partner-0","role":"partner"}],', 1
    ),
    "partner given twice": lambda line: line.replace(
        '"partner":', '"partner":"partner-0","partner":', 1
    ),
    "space before a colon": lambda line: line.replace('"participants":', '"participants" :', 1),
    "space after a quote elsewhere": lambda line: line.replace('"id":', '"id" :', 1),
    "tab before a colon": lambda line: line.replace('"partner":', '"partner"\t:', 1),
    "carriage return before a colon": lambda line: line.replace('"partner":', '"partner"\r:', 1),
    "escaped key": lambda line: line.replace('"partner":', '"\\u0070artner":', 1),
    "escaped id": lambda line: line.replace('"partner":"partner-', '"partner":"partner\\u002d', 1),
    "null participants": lambda line: _set(line, "participants", None),
    "no participants": lambda line: _set(line, "participants", []),
    "a number for an id": lambda line: _participant(line, {"partner": 7, "role": "partner"}),
    "an id off the pattern": lambda line: _participant(line, {"partner": "a b", "role": "partner"}),
    "a null participant": lambda line: _participant(line, None),
    "a participant without a partner": lambda line: _participant(line, {"role": "partner"}),
    "a partner key where none is read": lambda line: _set(line, "partner", "partner-1"),
    "not an object": lambda line: "[" + line + "]",
    "nested too deeply": lambda line: line[:-1] + ',"summary":' + "[" * 5000 + "]" * 5000 + "}",
    "not JSON": lambda line: line[:-1],
}


def _set(line: str, key: str, value: Any) -> str:
    """Return ``line`` with ``key`` set (a line another mutation made unreadable, as it is)."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return line
    if isinstance(record, dict):
        record[key] = value
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def _participant(line: str, participant: Any) -> str:
    """Return ``line`` with one more participant (a line without a list of them, as it is)."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return line
    if isinstance(record, dict) and isinstance(record.get("participants"), list):
        record["participants"].append(participant)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def _outcome(read: Callable[[], list[Any]], paths: tuple[FieldPath, ...]) -> tuple[Any, ...]:
    try:
        records = read()
    except (InvalidDatasetError, DatasetReadError) as error:
        problems = getattr(error, "problems", [])
        return type(error).__name__, str(error), [str(problem) for problem in problems]
    return "read", [[path.plain(record) for path in paths] for record in records]


def _light_and_models(
    tiny: Path, kind: str, paths: tuple[FieldPath, ...], mutations: list[_Mutation], at: int
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Return what the light reading and the models give once line ``at`` is mutated."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "data"
        shutil.copytree(tiny, folder)
        path = folder / f"{kind}.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        at %= len(lines)
        for mutation in mutations:
            lines[at] = mutation(lines[at])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return (
            _outcome(lambda: list(iter_fields(folder, kind, paths)), paths),
            _outcome(lambda: list(iter_records(folder, kind)), paths),
        )


@SLOW
@given(
    names=st.lists(st.sampled_from(sorted(_MUTATIONS)), min_size=1, max_size=3),
    at=st.integers(min_value=0, max_value=40),
)
def test_a_record_broken_where_it_is_read_gives_what_a_load_gives(
    tiny: Path, names: list[str], at: int
) -> None:
    mutations = [_MUTATIONS[name] for name in names]
    light, models = _light_and_models(tiny, "projects", partner_ties("projects"), mutations, at)
    assert light == models


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("missions", "owners"),
        ("theses", "supervising_partners"),
        ("learning_activities", "organisers"),
    ],
)
def test_an_id_twice_where_the_model_wants_them_distinct_gives_what_a_load_gives(
    tiny: Path, tmp_path: Path, kind: str, field: str
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(tiny, folder)
    path = folder / f"{kind}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if json.loads(line).get(field))
    record = json.loads(lines[at])
    record[field].append(record[field][0])
    lines[at] = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = partner_ties(kind)
    light = _outcome(lambda: list(iter_fields(folder, kind, paths)), paths)
    assert light[0] == "InvalidDatasetError"
    assert light == _outcome(lambda: list(iter_records(folder, kind)), paths)


# The placements a yearly table reads: their year and students.

_PLACEMENT_MUTATIONS: dict[str, _Mutation] = {
    "a year as known": lambda line: _set(line, "year", "201X"),
    "a year out of range": lambda line: _set(line, "year", 1800),
    "a year as a decimal": lambda line: _set(line, "year", 2019.0),
    "a year as text": lambda line: _set(line, "year", "2019"),
    "no year": lambda line: _drop(line, "year"),
    "students estimated": lambda line: _set(line, "students", {"about": 12, "min": 10}),
    "students inconsistent": lambda line: _set(line, "students", {"about": 12, "min": 20}),
    "students negative": lambda line: _set(line, "students", -1),
    "students true": lambda line: _set(line, "students", True),
    "students null": lambda line: _set(line, "students", None),
    "year given twice": lambda line: line.replace("{", '{"year":2001,', 1),
    "an escaped key": lambda line: line.replace('"students":', '"\\u0073tudents":', 1),
    "a title broken": lambda line: _set(line, "programme", 5),
}


def _drop(line: str, key: str) -> str:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return line
    if isinstance(record, dict):
        record.pop(key, None)
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


@SLOW
@given(
    names=st.lists(st.sampled_from(sorted(_PLACEMENT_MUTATIONS)), min_size=1, max_size=3),
    at=st.integers(min_value=0, max_value=40),
)
def test_a_placement_broken_where_it_is_read_gives_what_a_load_gives(
    tiny: Path, names: list[str], at: int
) -> None:
    mutations = [_PLACEMENT_MUTATIONS[name] for name in names]
    light, models = _light_and_models(tiny, "placements", PLACEMENT_FIELDS, mutations, at)
    if "a title broken" in names and light[0] == "read":
        assert models[0] == "InvalidDatasetError"  # a field the table does not read
    else:
        assert light == models


def test_the_yearly_table_from_light_placements_is_the_table_of_the_loaded_dataset(
    tiny: Path,
) -> None:
    pytest.importorskip("msgspec")
    dataset = unikommune.load(tiny)
    light = list(iter_fields(tiny, "placements", PLACEMENT_FIELDS))
    assert sum(type(record) is not COLLECTIONS["placements"] for record in light) == len(light)
    assert dataset_years(dataset, light) == dataset_years(dataset)
    assert yearly_metrics(dataset, placements=light) == yearly_metrics(dataset)


def test_the_years_may_be_measured_in_any_order_and_give_the_same_rows(tiny: Path) -> None:
    dataset = unikommune.load(tiny)
    asked: list[int] = []

    def backwards(row: Callable[[int], dict[str, Any]], years: Any) -> list[dict[str, Any]]:
        asked.extend(years)
        return [row(year) for year in reversed(years)][::-1]

    assert yearly_metrics(dataset, map_years=backwards) == yearly_metrics(dataset)
    assert asked == dataset_years(dataset)


def test_without_the_light_decoders_every_record_is_a_model(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As without msgspec: the light reading is then the reading of models.
    monkeypatch.setattr("unikommune.loading.partial_decoder", lambda *_: None)
    paths = partner_ties("theses")
    records = list(iter_fields(tiny, "theses", paths))
    assert all(type(record) is COLLECTIONS["theses"] for record in records)
    expected = co_participation(unikommune.load(tiny), via=ACTIVITY_KINDS, level="organisation")
    _same_graph(co_participation_read(tiny, via=ACTIVITY_KINDS, level="organisation"), expected)


# What the yearly table reads of the activities: their dates and SDG links too.


def _first_participant(line: str, period: Any) -> str:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return line
    participants = record.get("participants") if isinstance(record, dict) else None
    if isinstance(participants, list) and participants and isinstance(participants[0], dict):
        participants[0]["period"] = period
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


_DATED_MUTATIONS: dict[str, _Mutation] = {
    "ends before it starts": lambda line: _set(line, "period", {"start": "2020", "end": "2019"}),
    "an open period": lambda line: _set(line, "period", {"start": "2020-03"}),
    "an end still open": lambda line: _set(line, "period", {"start": "2020", "end": ".."}),
    "a start not known": lambda line: _set(line, "period", {"start": ""}),
    "an uncertain start": lambda line: _set(line, "period", {"start": "2019?", "end": "2021~"}),
    "a start off the pattern": lambda line: _set(line, "period", {"start": "20x0"}),
    "a start with a line feed": lambda line: _set(line, "period", {"start": "2020\n"}),
    "a participant ends first": lambda line: _first_participant(
        line, {"start": "2021", "end": "2020"}
    ),
    "a participant's period": lambda line: _first_participant(line, {"start": "2021"}),
    "a target of another goal": lambda line: _set(
        line, "sdg_links", [{"goal": 3, "target": "4.1"}]
    ),
    "an unknown target": lambda line: _set(line, "sdg_links", [{"goal": 4, "target": "4.99"}]),
    "a goal 18": lambda line: _set(line, "sdg_links", [{"goal": 18}]),
    "a goal as text": lambda line: _set(line, "sdg_links", [{"goal": "4"}]),
    "a suggested link without its tool": lambda line: _set(
        line, "sdg_links", [{"goal": 4, "provenance": {"method": "suggested"}}]
    ),
    "an id off the pattern": lambda line: _set(line, "id", "a b"),
    "a period given twice": lambda line: line.replace("{", '{"period":{"start":"1999"},', 1),
    "a start given twice": lambda line: line.replace('"start":', '"start":"1990","start":', 1),
}


@SLOW
@given(
    names=st.lists(st.sampled_from(sorted(_DATED_MUTATIONS)), min_size=1, max_size=3),
    at=st.integers(min_value=0, max_value=40),
)
def test_a_project_broken_where_the_yearly_table_reads_gives_what_a_load_gives(
    tiny: Path, names: list[str], at: int
) -> None:
    mutations = [_DATED_MUTATIONS[name] for name in names]
    paths = ACTIVITY_FIELDS["projects"]
    light, models = _light_and_models(tiny, "projects", paths, mutations, at)
    if "a suggested link without its tool" in names and light[0] == "read":
        assert models[0] == "InvalidDatasetError"  # the provenance is not read
    else:
        assert light == models


@pytest.mark.parametrize(
    ("end", "refused"), [("..", True), ("", False), ("2040", False), ("1990", True)]
)
def test_a_mission_timeframe_is_checked_as_its_model_checks_it(
    tiny: Path, end: str, refused: bool
) -> None:
    paths = ACTIVITY_FIELDS["missions"]
    mutation = [lambda line: _set(line, "timeframe", {"start": "2000", "end": end})]
    light, models = _light_and_models(tiny, "missions", paths, mutation, 0)
    assert light == models
    assert (light[0] == "InvalidDatasetError") is refused


@pytest.mark.parametrize("example", [*EXAMPLES, "tiny"], ids=lambda path: Path(path).name)
def test_the_yearly_table_read_from_the_files_is_the_table_of_the_loaded_dataset(
    tiny: Path, example: Any
) -> None:
    path = tiny if example == "tiny" else example
    read, placements = yearly_dataset_read(path)
    assert yearly_metrics(read, placements=placements) == yearly_metrics(unikommune.load(path))


def test_lines_ending_in_a_carriage_return_are_read_light(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("msgspec")
    folder = tmp_path / "data"
    shutil.copytree(tiny, folder)
    projects = folder / "projects.jsonl"
    projects.write_bytes(projects.read_bytes().replace(b"\n", b"\r\n"))
    paths = ACTIVITY_FIELDS["projects"]
    light = list(iter_fields(folder, "projects", paths))
    assert all(type(record) is not COLLECTIONS["projects"] for record in light)
    assert _outcome(lambda: light, paths) == _outcome(
        lambda: list(iter_records(folder, "projects")), paths
    )
