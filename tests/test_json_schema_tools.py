"""The recipes of docs/json-schema-tools.md work as written, where their tool is installed.

Each runs the page's own command or code: against the Trondheim example it finds
nothing, and against a copy with one broken value it finds that value.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

PAGE = ROOT / "docs" / "json-schema-tools.md"
TEXT = PAGE.read_text(encoding="utf-8")


def _block(info: str, containing: str = "") -> str:
    for found, body in re.findall(r"^```([^\n]*)\n(.*?)^```", TEXT, flags=re.S | re.M):
        if found.strip() == info and containing in body:
            return str(body)
    raise AssertionError(f"docs/json-schema-tools.md has no ```{info} block with {containing!r}")


def _tool(name: str, *more: Path) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((str(path) for path in more if path.is_file() and os.access(path, os.X_OK)), None)


def _broken_copy(tmp_path: Path) -> Path:
    """Return a folder with schemas/ and examples/trondheim/, one figure's unit broken."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(ROOT / "examples" / "trondheim", tmp_path / "examples" / "trondheim")
    figures = tmp_path / "examples" / "trondheim" / "figures.json"
    document = json.loads(figures.read_text(encoding="utf-8"))
    document["figures"][0]["unit"] = "bananas"
    figures.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return tmp_path


def _run_shell(block: str, where: Path, tool: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{Path(tool).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-c", block],
        cwd=where,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


CHECK_JSONSCHEMA = _tool("check-jsonschema", Path("/tmp/cjvenv/bin/check-jsonschema"))


@pytest.mark.skipif(CHECK_JSONSCHEMA is None, reason="check-jsonschema is not installed")
def test_check_jsonschema_command_line(tmp_path: Path) -> None:
    assert CHECK_JSONSCHEMA is not None
    block = _block("sh check-jsonschema")
    clean = _run_shell(block, ROOT, CHECK_JSONSCHEMA)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.count("ok -- validation done") == 2
    broken = _run_shell(block, _broken_copy(tmp_path), CHECK_JSONSCHEMA)
    assert broken.returncode == 1
    assert "$.figures[0].unit: 'bananas' is not one of" in broken.stdout


AJV = _tool("ajv", ROOT / "node_modules" / ".bin" / "ajv")


@pytest.mark.skipif(
    AJV is None or shutil.which("bash") is None, reason="ajv-cli is not installed (npm)"
)
def test_ajv_command_line(tmp_path: Path) -> None:
    assert AJV is not None
    block = _block("sh", "npx ajv").replace("npx ajv", "ajv")
    clean = _run_shell(block, ROOT, AJV)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "examples/trondheim/partners.json valid" in clean.stdout + clean.stderr
    broken = _run_shell(block, _broken_copy(tmp_path), AJV)
    assert broken.returncode == 1
    assert "examples/trondheim/figures.json invalid" in broken.stdout + broken.stderr


def _exec_python(
    block: str, where: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, dict[str, Any]]:
    monkeypatch.chdir(where)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(PAGE), "exec"), namespace)
    return printed.getvalue(), namespace


def test_jsonschema_rs_recipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("jsonschema_rs")
    block = _block("python", "jsonschema_rs")
    printed, _ = _exec_python(block, ROOT, monkeypatch)
    assert printed == ""
    printed, namespace = _exec_python(block, _broken_copy(tmp_path), monkeypatch)
    assert printed.splitlines() == [
        "examples/trondheim/figures.json: /figures/0/unit: "
        '"bananas" is not one of "count", "percent" or 185 other candidates'
    ]
    # Both versions share the registry: a 0.1 document is checked against the 0.1 schemas.
    old = tmp_path / "old.json"
    partners = (ROOT / "examples" / "nordlysfjord" / "partners.json").read_text(encoding="utf-8")
    old.write_text(partners.replace("/schema/0.2/", "/schema/0.1/"), encoding="utf-8")
    assert namespace["problems"](old) == []
    document = json.loads(old.read_text(encoding="utf-8"))
    document["partners"][0]["country"] = "SE"  # added in 0.2
    old.write_text(json.dumps(document), encoding="utf-8")
    assert len(namespace["problems"](old)) == 1


def test_unikommune_jsonschema_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    printed, _ = _exec_python(_block("python", "unikommune.schema"), ROOT, monkeypatch)
    assert printed == "[]\n"


def test_the_page_names_what_json_schema_cannot_check() -> None:
    section = TEXT.split("## What JSON Schema cannot check", 1)[1].split("\n## ", 1)[0]
    for needed in ("reference", "check digits", "period ends on or after its start"):
        assert needed in section
    assert "unikommune validate" in section
