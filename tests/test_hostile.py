"""Hostile and broken input: exit 1 or 2 with one line per problem, never a traceback or a hang."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import DATA, EXAMPLES
from unikommune.cli import main
from unikommune.validation import validate

HOSTILE = DATA / "validate" / "hostile"
VALID = EXAMPLES / "invalid" / "byte_order_mark.json"


def _valid_text() -> str:
    return VALID.read_bytes().decode("utf-8-sig")


def _fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files
    }


def run_cli(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, list[str], list[str]]:
    code = main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal error" not in err
    return code, out.splitlines(), err.splitlines()


def codes(lines: list[str]) -> list[str]:
    """Return the finding code of every finding line of text output."""
    return [line.split(": ", 2)[1].split(" ", 1)[0] for line in lines if ": " in line[:-1]]


@pytest.fixture(autouse=True)
def _inputs_are_never_written() -> Iterator[None]:
    before = _fingerprint(HOSTILE)
    yield
    assert _fingerprint(HOSTILE) == before


@pytest.mark.parametrize(
    ("name", "code", "line", "column"),
    [
        ("empty.json", "empty_file", 1, 1),
        ("blank.json", "empty_file", 1, 1),
        ("invalid.json", "invalid_json", 3, 20),
        ("utf16.json", "not_utf8", 1, 1),
        ("latin1.json", "not_utf8", 243, 35),
        ("nan.json", "invalid_number", 236, 19),
        ("not-an-object.json", "wrong_type", None, None),
    ],
)
def test_unreadable_documents_give_one_finding_with_its_place(
    capsys: pytest.CaptureFixture[str], name: str, code: str, line: int | None, column: int | None
) -> None:
    report = validate(HOSTILE / name)
    assert [(f.code, f.line, f.column) for f in report][:1] == [(code, line or 1, column or 1)]
    assert len(report) == 1
    exit_code, out, err = run_cli(capsys, HOSTILE / name)
    assert exit_code == 1
    assert err == []
    assert len(out) == 2  # the finding and the summary
    assert codes(out[:1]) == [code]


def test_a_byte_order_mark_is_read_past_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    report = validate(HOSTILE / "bom.json")
    assert [(f.code, f.severity.value) for f in report] == [("byte_order_mark", "warning")]
    assert run_cli(capsys, HOSTILE / "bom.json")[0] == 0
    assert main(["validate", "--strict", str(HOSTILE / "bom.json")]) == 1


def test_duplicate_keys_are_a_finding_at_the_second_key() -> None:
    report = validate(HOSTILE / "duplicate-keys.json")
    assert [(f.code, f.line, f.column, f.pointer) for f in report] == [
        ("duplicate_key", 10, 3, "/publisher")
    ]


def test_a_remote_schema_or_ref_is_reported_and_never_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    report = validate(HOSTILE / "remote-ref.json")
    assert sorted((f.code, f.pointer) for f in report) == [
        ("unknown_field", "/$ref"),
        ("wrong_schema", "/$schema"),
    ]
    assert "never fetched" in next(f.message for f in report if f.code == "unknown_field")


def test_a_number_with_a_million_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.json"
    path.write_text(_valid_text().replace('"students": 12', '"students": 1' + "0" * 1_000_000))
    report = validate(path)
    assert [(f.code, f.line, f.column) for f in report] == [("number_too_long", 236, 19)]
    lines = tmp_path / "folder"
    lines.mkdir()
    (lines / "dataset.json").write_text(
        json.dumps({k: v for k, v in json.loads(_valid_text()).items() if k != "placements"})
    )
    (lines / "placements.jsonl").write_text('{"id": "p", "students": -' + "9" * 1_000_000 + "}\n")
    assert validate(lines).codes() == {"number_too_long"}
    assert run_cli(capsys, path)[0] == 1


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_nesting_thousands_of_levels_deep(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"title": ' + "[" * depth + "]" * depth + "}")
    report = validate(path)
    assert [f.code for f in report] == ["too_deeply_nested"]
    assert report.findings[0].line == 1


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(3 * 1024**3)  # 3 GB of holes; nothing is written to disk
    report = validate(path)
    assert [f.code for f in report] == ["too_large"]
    assert "3,221,225,472 bytes" in report.findings[0].message


def test_a_size_limit_applies_to_documents_and_to_json_lines(tmp_path: Path) -> None:
    assert validate(VALID, max_bytes=1000).codes() == {"too_large"}
    folder = tmp_path / "d"
    folder.mkdir()
    document = json.loads(_valid_text())
    placements = document.pop("placements")
    (folder / "dataset.json").write_text(json.dumps(document))
    (folder / "placements.jsonl").write_text(
        json.dumps(placements[0]) + "\n" + "x" * 5000 + "\n" + json.dumps(placements[0]) + "\n"
    )
    report = validate(folder, max_line_bytes=1000)
    assert [(f.code, f.line) for f in report] == [("too_large", 2)]


def test_a_folder_of_unrelated_files_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, HOSTILE / "unrelated")
    assert code == 2
    assert out == []
    assert len(err) == 1
    assert "no dataset.json" in err[0]


def test_a_symlink_loop_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    code, _out, err = run_cli(capsys, tmp_path / "a")
    assert code == 2
    assert len(err) == 1
    assert "symbolic link" in err[0]


def test_a_symlink_loop_inside_a_dataset_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dataset.json").write_text(_valid_text(), encoding="utf-8")
    (tmp_path / "projects.jsonl").symlink_to(tmp_path / "projects.jsonl")
    code, _out, err = run_cli(capsys, tmp_path)
    assert code == 2
    assert len(err) == 1
    assert "projects.jsonl" in err[0]


@pytest.mark.parametrize("name", ["projects.json", "profile.json"])
def test_a_part_of_a_folder_is_pointed_to_its_folder(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, EXAMPLES / "nordlysfjord" / name)
    assert (code, out, len(err)) == (2, [], 1)
    assert "validate the folder" in err[0]


def test_a_json_lines_file_is_pointed_to_its_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, DATA / "validate" / "lines" / "projects.jsonl")
    assert (code, out, len(err)) == (2, [], 1)
    assert "validate the folder" in err[0]


def test_a_missing_path_and_a_good_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, HOSTILE / "missing.json", EXAMPLES / "trondheim")
    assert code == 2
    assert len(err) == 1
    assert "no such file or folder" in err[0]
    assert out[-1].startswith("0 errors, 0 warnings")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    assert run_cli(capsys, path)[0] == 2


def test_binary_garbage_in_json_lines(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    document = json.loads(_valid_text())
    document.pop("placements")
    (folder / "dataset.json").write_text(json.dumps(document))
    (folder / "placements.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n")
    report = validate(folder)
    assert report.codes() <= {"not_utf8", "invalid_json"}
    assert not report.ok
