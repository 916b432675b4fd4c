"""The command benchmark's arithmetic: ratios per round, to the first command or in pairs."""

from __future__ import annotations

import importlib.util
import math
import sys
from types import ModuleType

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_commands", ROOT / "benchmarks" / "bench_commands.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_commands", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _timings(bench: ModuleType, label: str, wall: list[float]) -> object:
    return bench.Timings(label, "true", wall=list(wall), cpu=list(wall))


def test_ratios_are_taken_round_by_round_against_the_first_command(bench: ModuleType) -> None:
    base = _timings(bench, "base", [2.0, 4.0, 3.0])
    this = _timings(bench, "this", [3.0, 4.0, 6.0])
    figures = bench.summary([base, this])
    assert figures["base"] == {
        "wall_best": 2.0,
        "wall_median": 3.0,
        "cpu_best": 2.0,
        "cpu_median": 3.0,
    }
    row = figures["this"]
    assert row["wall_ratio_median"] == 1.5  # 1.5, 1.0, 2.0
    assert (row["wall_ratio_low"], row["wall_ratio_high"]) == (1.0, 2.0)
    assert row["best_wall_ratio"] == 1.5  # 3.0 / 2.0
    assert row["baseline"] == 0


def test_pairs_compare_each_second_command_with_the_one_before(bench: ModuleType) -> None:
    commands = [
        _timings(bench, "a", [1.0, 1.0]),
        _timings(bench, "b", [2.0, 2.0]),
        _timings(bench, "c", [4.0, 4.0]),
        _timings(bench, "d", [2.0, 2.0]),
    ]
    figures = bench.summary(commands, pairs=True)
    assert "wall_ratio_median" not in figures["a"]
    assert "wall_ratio_median" not in figures["c"]
    assert figures["b"]["wall_ratio_median"] == 2.0
    assert figures["d"]["wall_ratio_median"] == 0.5
    assert figures["d"]["baseline"] == 2


def test_a_baseline_of_no_time_gives_no_ratio(bench: ModuleType) -> None:
    assert math.isnan(bench.ratios([1.0], [0.0])[0])


def test_odd_pairs_are_refused(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--pairs", "--repeat", "1", "a=true"])
    assert "even number" in capsys.readouterr().err
