"""Positions of JSON pointers in JSON text, and keys given twice."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from unikommune.dataset.locate import (
    LineIndex,
    duplicate_keys,
    escape,
    find_offsets,
    names_nothing,
    probe_offset,
    unescape,
)

TEXT = '{\n  "a": [1, {"b": "x", "b": 2}],\n  "c": {"d": [true, null, {"e": 5}]}, "a~/": 1\n}'


def test_offsets_of_values_and_keys_by_hand() -> None:
    index = LineIndex(TEXT)
    offsets = find_offsets(TEXT, ["", "/a/1/b", "/c/d/2/e", "/a~0~1", "/missing", "/a/7"])
    places = {
        pointer: (index.position(value), index.position(key))
        for pointer, (value, key) in offsets.items()
    }
    assert places == {
        "": ((1, 1), (1, 1)),
        "/a/1/b": ((2, 28), (2, 23)),  # the second "b": the value the parser keeps
        "/c/d/2/e": ((3, 33), (3, 28)),
        "/a~0~1": ((3, 46), (3, 39)),
    }


def test_duplicate_keys_by_hand() -> None:
    index = LineIndex(TEXT)
    assert [(pointer, index.position(offset)) for pointer, offset in duplicate_keys(TEXT)] == [
        ("/a/1/b", (2, 23))
    ]
    assert list(duplicate_keys('{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}')) == []


def test_line_index_counts_from_a_first_line() -> None:
    index = LineIndex("ab\ncd", first_line=10)
    assert index.position(0) == (10, 1)
    assert index.position(4) == (11, 2)


@given(st.text())
def test_escape_round_trips(token: str) -> None:
    assert unescape(escape(token)) == token
    assert "/" not in escape(token)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


def _pointers(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = [(prefix, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _pointers(item, f"{prefix}/{escape(key)}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found += _pointers(item, f"{prefix}/{number}")
    return found


@given(JSON, st.sampled_from([None, 1, 2]))
def test_every_pointer_finds_its_value(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    pairs = _pointers(value)
    offsets = find_offsets(text, [pointer for pointer, _ in pairs])
    assert set(offsets) == {pointer for pointer, _ in pairs}
    decoder = json.JSONDecoder()
    for pointer, expected in pairs:
        assert decoder.raw_decode(text, offsets[pointer][0])[0] == expected


@given(JSON, st.sampled_from([None, 1, 2]))
def test_a_probe_finds_what_the_walk_finds(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    pointers = [pointer for pointer, _ in _pointers(value)]
    walked = find_offsets(text, pointers)
    for pointer in pointers:
        probed = probe_offset(text, pointer)
        if probed is not None:
            assert probed == walked[pointer]


def test_a_probe_takes_the_last_of_two_keys_and_proves_its_place() -> None:
    offsets = find_offsets(TEXT, ["/a/1/b", "/c/d/2/e", "/a~0~1"])
    for pointer, expected in offsets.items():
        assert probe_offset(TEXT, pointer) == expected
    # "e" appears only inside /c/d/2: a pointer to another object's "e" is not proven.
    assert probe_offset(TEXT, "/c/e") is None
    assert probe_offset('{"s": "\\"e\\": 1", "t": {"e": 2}}', "/e") is None


@given(JSON, st.text(max_size=4))
def test_a_pointer_that_names_nothing_is_not_found(value: Any, key: str) -> None:
    text = json.dumps(value, ensure_ascii=False)
    for pointer, _ in _pointers(value):
        child = f"{pointer}/{escape(key)}"
        if names_nothing(text, child):
            assert child not in find_offsets(text, [child])
    assert not names_nothing(text, "")


def test_names_nothing_is_never_sure_of_an_escaped_text() -> None:
    assert names_nothing('{"a": 1}', "/students")
    assert not names_nothing('{"a": 1}', "/a")
    assert not names_nothing('{"\\u0061": 1}', "/a")  # "a", written with an escape
    assert not names_nothing('{"a": [1]}', "/a/0")


@given(st.lists(st.tuples(st.sampled_from("abc"), JSON), min_size=1, max_size=5))
def test_a_probe_places_a_member_of_the_root_as_the_walk_does(
    members: list[tuple[str, Any]],
) -> None:
    # Members given twice, and the same keys again inside the values.
    text = (
        "{"
        + ", ".join(f'"{key}": {json.dumps(value, ensure_ascii=False)}' for key, value in members)
        + "}"
    )
    for key in "abcd":
        walked = find_offsets(text, [f"/{key}"])
        probed = probe_offset(text, f"/{key}")
        if probed is not None:
            assert probed == walked[f"/{key}"]
        elif "\\" not in text:  # counting brackets proves every member of such a text
            assert f"/{key}" not in walked


def test_a_probe_does_not_take_a_nested_member_for_one_of_the_root() -> None:
    assert probe_offset('{"a": {"e": 1}}', "/e") is None
    assert probe_offset('{"e": {"e": 1}, "x": ["}"]}', "/e") == (6, 1)
    assert probe_offset('{"x": "{", "e": [{"e": 0}]}', "/e") == (16, 11)
