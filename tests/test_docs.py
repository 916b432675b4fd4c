"""Code in the documentation runs and shows what it prints.

The README's and the docs' Python sessions (``pycon`` blocks) run as doctests, their
``python`` blocks run, the transcripts of commands (``text`` blocks that begin with
``$ unikommune``) give the output they show, and the modules' doctests pass.
"""

from __future__ import annotations

import doctest
import importlib
import re
import shlex
from pathlib import Path

import pytest

from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "format.md"]
#: Every page whose sessions and transcripts are checked.
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
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


def _blocks(path: Path, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", PAGES, ids=_name)
def test_python_sessions_show_what_they_print(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    sessions = "\n".join(_blocks(path, "pycon"))
    if not sessions:
        pytest.skip("no Python session on this page")
    parser = doctest.DocTestParser()
    # One namespace for the page: a later session may use what an earlier one made.
    test = parser.get_doctest(sessions, {"__name__": "__docs__"}, _name(path), str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0


def _transcripts(path: Path) -> list[tuple[str, str]]:
    """Return ``(command, output)`` of each transcript of a command on the page."""
    found = []
    for block in _blocks(path, "text"):
        first, _, output = block.partition("\n")
        if first.startswith("$ unikommune "):
            found.append((first[2:], output))
    return found


TRANSCRIPTS = [(path, command, output) for path in PAGES for command, output in _transcripts(path)]


@pytest.mark.parametrize(
    ("path", "command", "output"),
    TRANSCRIPTS,
    ids=[f"{_name(path)}: {command}" for path, command, _ in TRANSCRIPTS],
)
def test_transcripts_show_what_the_command_prints(
    path: Path,
    command: str,
    output: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from unikommune.cli import main

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    main(shlex.split(command)[1:])
    printed = capsys.readouterr()
    assert (printed.out + printed.err).rstrip("\n") == output.rstrip("\n")
