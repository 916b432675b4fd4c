"""Tests of :mod:`unikommune.collector`: the cycle collector is paused, then restored."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from unikommune.collector import collector_paused, frozen


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    was = gc.isenabled()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_in_the_block_and_restored_after(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_restored_when_the_block_raises(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("x")
    assert gc.isenabled() is enabled


def test_nested_blocks_restore_only_at_the_outermost() -> None:
    gc.enable()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_made_in_the_block_leave_the_young_generation() -> None:
    gc.enable()
    gc.collect()
    with collector_paused():
        made = [[number] for number in range(5000)]
        assert gc.get_count()[0] >= 5000
    assert gc.get_count()[0] < 50
    assert gc.get_freeze_count() == 0
    assert len(made) == 5000


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[number] for number in range(100)]
        assert gc.get_freeze_count() == frozen
        assert len(made) == 100
    finally:
        gc.unfreeze()


def test_frozen_keeps_what_pauses_made_out_of_the_walks_until_it_ends() -> None:
    gc.enable()
    gc.collect()
    with frozen():
        assert gc.get_freeze_count() > 0  # what existed on entry
        before = gc.get_freeze_count()
        with collector_paused():
            loaded = [[number] for number in range(5000)]
        assert gc.get_freeze_count() >= before + 5000  # what the pause made
        assert gc.isenabled()
        loose = [[number] for number in range(800)]  # made outside a pause: not frozen
        assert gc.get_freeze_count() < before + 5000 + 800
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert len(loaded) == 5000
    assert len(loose) == 800


def test_frozen_leaves_a_program_that_froze_objects_alone() -> None:
    gc.enable()
    gc.freeze()
    try:
        mine = gc.get_freeze_count()
        with frozen():
            with collector_paused():
                made = [[number] for number in range(100)]
            assert gc.get_freeze_count() == mine
        assert gc.get_freeze_count() == mine
        assert len(made) == 100
    finally:
        gc.unfreeze()


def test_frozen_blocks_nest() -> None:
    with frozen():
        with frozen():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_frozen_gives_everything_back_when_the_block_raises() -> None:
    with pytest.raises(KeyError), frozen():
        raise KeyError("x")
    assert gc.get_freeze_count() == 0
