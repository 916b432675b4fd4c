"""The Python examples of docs/graph.md run as written, on examples/trondheim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import ROOT

DOC = ROOT / "docs" / "graph.md"


def python_blocks() -> list[str]:
    blocks = re.findall(r"^ *```python\n(.*?)^ *```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    # the nx-parallel example needs that backend installed; it is measured by the benchmark
    return [block for block in blocks if 'backend="parallel"' not in block]


def test_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    if not (ROOT / "examples" / "trondheim" / "dataset.json").exists():
        pytest.skip("examples/trondheim is not there")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks()
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert (tmp_path / "partners.graphml").stat().st_size > 0
    assert (tmp_path / "partners.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "sdg.svg").exists()
    assert isinstance(namespace["table"], list)
