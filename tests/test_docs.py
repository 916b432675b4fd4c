"""Code in the documentation runs: the README's Python blocks and the modules' doctests."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "format.md"]
MODULES = [
    "unikommune",
    "unikommune.codelists",
    "unikommune.format",
    "unikommune.identifiers",
    "unikommune.schema",
    "unikommune.models.values",
    "unikommune.models.paths",
]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_python_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for block in _python_blocks(path):
        exec(compile(block, str(path), "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_json_blocks_parse(path: Path) -> None:
    import json

    for block in re.findall(r"```json\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S):
        if "…" not in block:
            json.loads(block)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_readme_states_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "unikommune validate examples/trondheim" in readme
    assert ".venv/bin/unikommune validate examples/trondheim" in ci
    assert ".venv/bin/pip install '.[test]' && .venv/bin/python -m pytest" in readme
    assert ".venv/bin/python -m pytest" in ci
