"""Field paths read the values of a batch as the record-by-record walk does."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from unikommune.models import Agreement, Project
from unikommune.models.paths import references

#: ``participants[].partner``: a list of parts, each with one id.
PARTICIPANTS = next(path for path in references(Project) if str(path) == "participants[].partner")
#: ``governance[].members[].combined_with[]``: lists within lists within lists.
COMBINED = next(path for path in references(Agreement) if str(path).endswith("combined_with[]"))

ids = st.sampled_from(["a", "b", "c"])
project = st.builds(
    lambda parts: SimpleNamespace(
        participants=None
        if parts is None
        else [None if p is None else SimpleNamespace(partner=p) for p in parts]
    ),
    st.none() | st.lists(st.none() | ids, max_size=4),
)
member = st.builds(
    lambda combined: SimpleNamespace(combined_with=combined), st.none() | st.lists(ids, max_size=3)
)
agreement = st.builds(
    lambda bodies: SimpleNamespace(
        governance=None
        if bodies is None
        else [SimpleNamespace(members=members) for members in bodies]
    ),
    st.none() | st.lists(st.none() | st.lists(member, max_size=3), max_size=3),
)


def _walked(path: Any, records: list[Any], ok: Any) -> list[tuple[int, Any, Any]]:
    return [
        (at, indexes, value)
        for at, record in enumerate(records)
        for indexes, value in path.values(record)
        if not ok(value)
    ]


@given(st.lists(project, max_size=6), st.sets(ids))
def test_refused_values_are_those_the_walk_finds(records: list[Any], refused: set[str]) -> None:
    def ok(value: str) -> bool:
        return value not in refused

    assert PARTICIPANTS.refused(records, ok) == _walked(PARTICIPANTS, records, ok)
    values = PARTICIPANTS.across(records)
    assert values == [value for record in records for value in PARTICIPANTS.plain(record)]
    owners = PARTICIPANTS.owners(records)
    assert owners == [at for at, record in enumerate(records) for _ in PARTICIPANTS.plain(record)]


@given(st.lists(agreement, max_size=4), st.sets(ids))
def test_nested_lists_are_read_alike(records: list[Any], refused: set[str]) -> None:
    def ok(value: str) -> bool:
        return value not in refused

    assert COMBINED.refused(records, ok) == _walked(COMBINED, records, ok)
    assert len(COMBINED.owners(records)) == len(COMBINED.across(records))


def test_a_known_answer() -> None:
    records = [
        SimpleNamespace(participants=[SimpleNamespace(partner="a"), SimpleNamespace(partner="b")]),
        SimpleNamespace(participants=[]),
        SimpleNamespace(participants=[SimpleNamespace(partner="c")]),
    ]
    assert PARTICIPANTS.owners(records) == [0, 0, 2]
    assert PARTICIPANTS.refused(records, lambda value: value != "b") == [(0, (1,), "b")]
