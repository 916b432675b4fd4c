"""Data never starts a line of the text output, and a dataset's files are regular files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import unikommune
from conftest import EXAMPLES
from unikommune.cli import main
from unikommune.errors import DatasetReadError
from unikommune.validation.formats import one_line


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("bad\n::error::owned", "bad\\n::error::owned"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\tstays", "tab\tstays"),
        ("nul\x00 esc\x1b", "nul\\u0000 esc\\u001b"),
        ("del\x7f c1\x85 ls\u2028", "del\\u007f c1\\u0085 ls\\u2028"),
        ("Trøndelag – ČSN", "Trøndelag – ČSN"),
    ],
)  # fmt: skip
def test_one_line_escapes_what_could_break_a_line(text: str, written: str) -> None:
    assert one_line(text) == written


def test_a_key_with_a_workflow_command_stays_inside_its_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads((EXAMPLES / "invalid" / "unknown_field.json").read_text("utf-8"))
    document["partners"][0]["x\n::error file=ci.yml::owned\r\n"] = 1
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3  # two findings and the summary
    assert not any(line.startswith("::") for line in lines)
    assert "x\\n::error file=ci.yml::owned\\r\\n" in lines[0]


def _folder_with(tmp_path: Path, make: str) -> Path:
    folder = tmp_path / "dataset"
    shutil.copytree(EXAMPLES / "trondheim", folder)
    target = folder / "theses.json"
    target.unlink()
    if make == "folder":
        target.mkdir()
    elif make == "pipe":
        os.mkfifo(target)
    return folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize(("make", "kind"), [("folder", "a folder"), ("pipe", "a named pipe")])
def test_a_file_of_the_layout_that_is_not_a_regular_file_stops_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str, kind: str
) -> None:
    # A pipe would block a reader forever: it is found by its kind, never opened.
    folder = _folder_with(tmp_path, make)
    with pytest.raises(DatasetReadError, match=f"is {kind}, not a regular file"):
        unikommune.load(folder)
    for command in (["validate"], ["graph"], ["metrics"]):
        assert main([*command, str(folder)]) == 2
        assert f"is {kind}, not a regular file" in capsys.readouterr().err
