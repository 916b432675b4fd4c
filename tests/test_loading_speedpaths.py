"""Loading some collections, streaming one, and the quick reader of JSON Lines.

Each fast path is checked against the plain one: every line read strictly
(:func:`unikommune.loading.parse_json`) and checked by its model, every command
run on the whole dataset.
"""

from __future__ import annotations

import gc
import json
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import unikommune
from conftest import ROOT, SLOW, benchmark_generator
from unikommune.cli import graph as graph_cli
from unikommune.cli import main
from unikommune.cli import metrics as metrics_cli
from unikommune.dataset.lines import UNREAD, chunk_values, json_chunks
from unikommune.errors import DatasetReadError, InvalidDatasetError
from unikommune.loading import iter_records, parse_json
from unikommune.models import COLLECTIONS

EXAMPLES = [ROOT / "examples" / name for name in ("trondheim", "regional", "nordlysfjord")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    benchmark_generator().generate("tiny", folder, seed=11)
    return folder


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    benchmark_generator().generate("tiny", folder, seed=3, broken=0.05)
    return folder


def _plain(folder: Path, name: str) -> list[Any]:
    """Return the records of ``name`` read the plain way: each line strictly, then its model."""
    path = folder / f"{name}.jsonl"
    if not path.exists():
        return []
    model = COLLECTIONS[name]
    return [
        model.model_validate(parse_json(line))
        for line in path.read_bytes().split(b"\n")
        if line.strip()
    ]


def test_load_gives_the_models_of_the_plain_path(tiny: Path) -> None:
    dataset = unikommune.load(tiny)
    for name in COLLECTIONS:
        assert dataset.collection(name) == _plain(tiny, name), name
    assert sum(len(dataset.collection(name)) for name in COLLECTIONS) > 300


def test_loaded_records_share_their_given_fields_yet_keep_them_apart(tiny: Path) -> None:
    dataset = unikommune.load(tiny)
    plain = {name: _plain(tiny, name) for name in COLLECTIONS}
    for name in COLLECTIONS:
        records = dataset.collection(name)
        # Each record's given fields are those of the plain path, and so are its dumps.
        assert [r.model_fields_set for r in records] == [r.model_fields_set for r in plain[name]]
        assert [r.model_dump(exclude_unset=True) for r in records] == [
            r.model_dump(exclude_unset=True) for r in plain[name]
        ], name
    placements = dataset.placements
    sets = {id(record.model_fields_set) for record in placements}
    assert len(sets) < len(placements) / 10  # shared: a few sets for many records
    # A field assigned on one record is given on that record only.
    lacking = [record for record in placements if "agreement" not in record.model_fields_set]
    first, second = lacking[:2]
    assert first.model_fields_set is second.model_fields_set
    first.agreement = placements[0].agreement or "agreement-0"
    assert "agreement" in first.model_fields_set
    assert "agreement" not in second.model_fields_set
    assert "agreement" not in second.model_dump(exclude_unset=True)
    copied = pickle.loads(pickle.dumps(second))
    assert copied == second
    assert copied.model_fields_set == second.model_fields_set


def test_some_collections_are_those_of_the_whole_load(tiny: Path) -> None:
    whole = unikommune.load(tiny)
    some = unikommune.load(tiny, collections=["partners", "projects"])
    assert some.partners == whole.partners
    assert some.projects == whole.projects
    assert some.placements == []
    assert some.theses == []
    assert some.title == whole.title
    assert some.profile == whole.profile
    assert unikommune.load(tiny, collections="missions").missions == whole.missions


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_examples_load_alike_every_way(example: Path) -> None:
    whole = unikommune.load(example)
    for name in COLLECTIONS:
        assert unikommune.load(example, collections=[name]).collection(name) == (
            whole.collection(name)
        )
        assert list(iter_records(example, name)) == whole.collection(name)
    document = example / "dataset.json"
    single = unikommune.load(document, collections=["partners"])
    assert single.partners == unikommune.load(document).partners
    assert single.projects == []


def test_a_collection_not_asked_for_is_not_read(tmp_path: Path, tiny: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(tiny, folder)
    (folder / "placements.jsonl").write_bytes(b'{"id": "placement-0",\n')
    with pytest.raises(DatasetReadError, match="not valid JSON"):
        unikommune.load(folder)
    assert unikommune.load(folder, collections=["partners"]).partners


def test_unknown_collections_are_refused(tiny: Path) -> None:
    with pytest.raises(ValueError, match="'people'"):
        unikommune.load(tiny, collections=["partners", "people"])
    with pytest.raises(ValueError, match="'people'"):
        iter_records(tiny, "people")  # at the call, before any record is asked for


def test_streamed_records_are_the_loaded_ones_in_order(tiny: Path) -> None:
    records = iter_records(tiny, "placements")
    assert isinstance(records, Iterator)
    assert list(records) == unikommune.load(tiny).placements


def _problems(error: InvalidDatasetError) -> list[tuple[str, str | None, int | None, str]]:
    return [(p.code, p.file, p.line, p.message) for p in error.problems]


def test_errors_are_the_same_every_way(broken: Path) -> None:
    with pytest.raises(InvalidDatasetError) as whole:
        unikommune.load(broken)
    files = {problem.file for problem in whole.value.problems}
    name = next(
        name for name in ("placements", "projects") if str(broken / f"{name}.jsonl") in files
    )
    with pytest.raises(InvalidDatasetError) as some:
        unikommune.load(broken, collections=[name])
    own = [p for p in _problems(whole.value) if p[1] == str(broken / f"{name}.jsonl")]
    assert _problems(some.value) == own
    with pytest.raises(InvalidDatasetError) as streamed:
        for _ in iter_records(broken, name):
            pass
    assert _problems(streamed.value) == own


def test_a_broken_main_document_stops_the_stream_before_any_record(
    tmp_path: Path, tiny: Path
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(tiny, folder)
    main_file = folder / "dataset.json"
    document = json.loads(main_file.read_text(encoding="utf-8"))
    main_file.write_text(json.dumps({**document, "license": 12}), encoding="utf-8")
    with pytest.raises(InvalidDatasetError) as loaded:
        unikommune.load(folder, collections=["partners"])
    records = iter_records(folder, "partners")
    with pytest.raises(InvalidDatasetError) as streamed:
        next(records)
    assert _problems(streamed.value) == _problems(loaded.value)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored(tiny: Path, tmp_path: Path, enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        unikommune.load(tiny, collections=["partners"])
        assert gc.isenabled() is enabled
        (tmp_path / "dataset.json").write_text("{", encoding="utf-8")
        with pytest.raises(DatasetReadError):
            unikommune.load(tmp_path)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_loaded_records_leave_the_young_generations_and_frozen_ones_stay(tiny: Path) -> None:
    unikommune.load(tiny)
    assert gc.get_freeze_count() == 0
    assert gc.get_count()[0] < 50  # the records are not left for the next collection to walk
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        unikommune.load(tiny, collections=["partners"])
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


# The quick reader: a line it reads has the value the strict reader gives.

TRICKY = [
    b'{"a": 1, "a": 2}',  # a key twice, with a space: the strict reader refuses it
    b'{"a":1,"a":2}',
    b'{"a":"x\\":","a":2}',  # a colon after a quote inside a text hides a key twice
    b'{"a":"x:","b":{"c":[1,{"d":"e"}]}}',
    b'{"a":"\\ud800"}',  # a lone surrogate
    b'{"a":"\\u00e9","\\u0061":1}',  # the same key, written twice differently
    b'{"a":NaN}',
    b'{"a":-Infinity}',
    b'{"a":' + b"1" * 1200 + b"}",  # a number too long to read
    b'{"a":0.' + b"0" * 600 + b"1e-" + b"9" * 500 + b"}",
    b'{"a":"' + b"1" * 1200 + b'"}',  # digits in a text: left to the strict reader too
    b'{"a":"' + b"x1" * 600 + b'"}',
    b'{"a":1e400}',
    b'\xef\xbb\xbf{"a":1}',
    b'{"a":"\xff"}',
    b'{"a":1}\r',
    b'{"a":[1,2,]}',
    b"[1, 2]",
    b'"text"',
]


def _strict(line: bytes) -> Any:
    try:
        return parse_json(line)
    except DatasetReadError:
        return UNREAD


def _quick(tmp_path: Path, lines: list[bytes]) -> list[Any]:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return [value for _, _, values in json_chunks(path, 1 << 20) for value in values]


def _agrees(quick: Any, strict: Any) -> bool:
    return quick is UNREAD or (strict is not UNREAD and json.dumps(quick) == json.dumps(strict))


def test_tricky_lines_are_read_as_the_strict_reader_reads_them(tmp_path: Path) -> None:
    values = _quick(tmp_path, TRICKY)
    assert len(values) == len(TRICKY)
    for line, value in zip(TRICKY, values, strict=True):
        assert _agrees(value, _strict(line)), line
    # the plain ones are read quickly; each broken one is left to the strict reader
    assert values[3] == {"a": "x:", "b": {"c": [1, {"d": "e"}]}}
    assert values[11] == {"a": "x1" * 600}
    assert values[15] == {"a": 1}
    assert values[17] == [1, 2]
    assert all(values[at] is UNREAD for at in (0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 13, 14, 16))


_KEYS = st.sampled_from(["a", "b", "id", "x:y", 'q"', "c d"])
_SCALARS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet='ab:" \\\u00e9\t{}', max_size=6),
    st.booleans(),
    st.none(),
)


def _text(draw: st.DrawFn, depth: int) -> str:
    """Draw the JSON text of an object or array, with keys twice and spaces now and then."""
    space = draw(st.sampled_from(["", " ", "\t"]))
    if (depth > 2 or draw(st.booleans())) and draw(st.booleans()):
        return json.dumps(draw(_SCALARS), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        items = [_text(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))]
        return "[" + f",{space}".join(items) + "]"
    keys = [json.dumps(draw(_KEYS), ensure_ascii=draw(st.booleans())) for _ in range(4)]
    pairs = [f"{key}{space}:{_text(draw, depth + 1)}" for key in keys[: draw(st.integers(0, 4))]]
    return "{" + f",{space}".join(pairs) + "}"


@st.composite
def _lines(draw: st.DrawFn) -> bytes:
    return _text(draw, 0).encode("utf-8")


@pytest.mark.slow
@SLOW
@given(st.lists(_lines(), min_size=1, max_size=16))
def test_the_quick_reader_reads_what_the_strict_one_reads(lines: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        values = _quick(Path(folder), lines)
    for line, value in zip(lines, values, strict=True):
        assert _agrees(value, _strict(line)), line


_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@SLOW
@given(st.lists(_JSON, min_size=1, max_size=12), st.integers(0, 12))
def test_a_chunk_written_compactly_is_read_at_once_as_the_strict_reader_reads_it(
    values: list[Any], twice: int
) -> None:
    import tempfile

    lines = [_compact(value) for value in values]
    read_at_once = chunk_values(lines)
    # Each line that is its value written back, as msgspec writes it, is read at once.
    if read_at_once is not None:
        assert [json.dumps(v) for v in read_at_once] == [json.dumps(_strict(x)) for x in lines]
    # A line giving a key twice among them sends the chunk to the reader of single lines.
    lines.insert(min(twice, len(lines)), b'{"a":1,"a":2}')
    assert chunk_values(lines) is None
    with tempfile.TemporaryDirectory() as folder:
        read = _quick(Path(folder), lines)
    for line, value in zip(lines, read, strict=True):
        assert _agrees(value, _strict(line)), line
    assert read[min(twice, len(lines) - 1)] is UNREAD


def test_records_written_by_unikommune_are_read_a_chunk_at_once(tiny: Path) -> None:
    lines = (tiny / "projects.jsonl").read_bytes().splitlines()
    values = chunk_values(lines)
    assert values is not None
    assert values == [parse_json(line) for line in lines]


# The commands read what their view needs, and give what they gave on the whole dataset.

_RUNS = [
    ["graph", "--view", "partners", "--format", "json"],
    ["graph", "--view", "full", "--year", "2021", "--format", "json"],
    ["graph", "--view", "placements", "--level", "organisation", "--format", "json"],
    ["graph", "--view", "partner-sdg", "--via", "projects,theses", "--format", "json"],
    ["graph", "--view", "mission-sdg", "--format", "json"],
    ["metrics", "--format", "json"],
    ["metrics", "--year", "2020", "--via", "projects,agreements", "--format", "json"],
    ["metrics", "--partners", "--level", "unit", "--format", "json"],
    ["metrics", "--sdg", "--format", "json"],
]


@pytest.mark.parametrize("run", _RUNS, ids=lambda run: "-".join(run[:3]))
def test_commands_read_what_they_need_and_give_the_same(
    tiny: Path,
    run: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arguments = [run[0], str(tiny), *run[1:]]
    assert main(arguments) == 0
    partial = capsys.readouterr().out
    every = frozenset(COLLECTIONS)
    monkeypatch.setattr(graph_cli, "view_collections", lambda *_: every)
    monkeypatch.setattr(metrics_cli, "metrics_collections", lambda _: every)
    assert main(arguments) == 0
    assert capsys.readouterr().out == partial
    assert len(partial) > 100
