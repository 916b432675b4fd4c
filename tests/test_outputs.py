"""The safe writer: atomic, never through a link, never over a file unasked; CSV cells."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unikommune import outputs
from unikommune.errors import DatasetWriteError, UnikommuneError


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def umask() -> Iterator[int]:
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


def test_writes_a_new_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    outputs.write_text(target, "a,b\n")
    assert target.read_text(encoding="utf-8") == "a,b\n"
    outputs.write_bytes(tmp_path / "out.bin", b"\x00\xff")
    assert (tmp_path / "out.bin").read_bytes() == b"\x00\xff"
    assert names(tmp_path) == ["out.bin", "out.csv"]


def test_a_new_file_follows_the_umask(tmp_path: Path, umask: int) -> None:
    outputs.write_text(tmp_path / "new.txt", "x")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask
    with outputs.staged_file(tmp_path / "picture.png") as picture:
        picture.write_bytes(b"png")
    assert stat.S_IMODE((tmp_path / "picture.png").stat().st_mode) == 0o666 & ~umask


def test_an_existing_file_needs_force_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep", encoding="utf-8")
    target.chmod(0o600)
    with pytest.raises(DatasetWriteError, match="exists; pass --force"):
        outputs.write_text(target, "new")
    with pytest.raises(DatasetWriteError, match="--force"):
        outputs.check_target(target)
    assert target.read_text(encoding="utf-8") == "keep"
    outputs.write_text(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_at_the_target_is_refused(tmp_path: Path, force: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    with pytest.raises(DatasetWriteError, match="symbolic link"):
        outputs.write_text(link, "overwritten", force=force)
    with pytest.raises(DatasetWriteError, match="symbolic link"):
        outputs.check_target(link, force=force)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert link.is_symlink()
    assert names(tmp_path) == ["out.txt", "victim.txt"]


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_symlink_is_refused(tmp_path: Path, force: bool) -> None:
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(DatasetWriteError, match="symbolic link"):
        outputs.write_bytes(link, b"x", force=force)
    assert not (tmp_path / "elsewhere.txt").exists()
    assert names(tmp_path) == ["out.txt"]


def test_a_folder_or_a_fifo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(DatasetWriteError, match="is a folder"):
        outputs.write_text(tmp_path / "folder", "x", force=True)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(DatasetWriteError, match="not a regular file"):
        outputs.write_text(tmp_path / "fifo", "x", force=True)
    with pytest.raises(DatasetWriteError, match=r"folder .* is missing"):
        outputs.write_text(tmp_path / "missing" / "out.txt", "x")
    assert names(tmp_path) == ["fifo", "folder"]


def test_an_exception_while_streaming_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail_midway() -> None:
        with outputs.open_text(target, force=True) as out:
            out.write("half of the new content")
            out.flush()
            raise RuntimeError("midway")

    with pytest.raises(RuntimeError, match="midway"):
        fail_midway()
    assert target.read_text(encoding="utf-8") == "old"
    assert names(tmp_path) == ["out.txt"]
    with outputs.open_text(target, force=True) as out:
        out.write("new")
    assert target.read_text(encoding="utf-8") == "new"


def test_a_failing_write_or_sync_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    real_write = os.write

    def disk_full(handle: int, data: bytes) -> int:
        if len(data) <= 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, bytes(data)[:4])  # a short write, then the disk is full

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(DatasetWriteError, match="No space left"):
        outputs.write_bytes(target, b"0123456789", force=True)
    monkeypatch.setattr(os, "write", real_write)
    assert names(tmp_path) == ["out.bin"]

    def broken_sync(handle: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken_sync)
    with pytest.raises(DatasetWriteError, match="cannot write"):
        outputs.write_bytes(target, b"0123456789", force=True)
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.bin"]


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def race() -> None:
        with outputs.open_text(target) as out:
            out.write("mine")
            target.write_text("theirs", encoding="utf-8")

    with pytest.raises(DatasetWriteError, match="exists"):
        race()
    assert target.read_text(encoding="utf-8") == "theirs"
    assert names(tmp_path) == ["out.txt"]


def test_without_hard_links_the_file_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(self: Path, target: Path) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(Path, "hardlink_to", no_links)
    outputs.write_text(tmp_path / "out.txt", "x")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "x"
    assert names(tmp_path) == ["out.txt"]


def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    outputs.write_text("-", "text\n")
    outputs.write_bytes(Path("-"), b"bytes\n")
    with outputs.open_text("-") as out:
        out.write("stream\n")
    outputs.check_target("-")
    assert capsys.readouterr().out == "text\nbytes\nstream\n"
    with pytest.raises(ValueError, match="standard output"), outputs.staged_file("-"):
        pass


def test_a_lone_surrogate_is_written_as_its_json_escape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({"name": "a\ud800b"}, ensure_ascii=False)
    outputs.write_text(tmp_path / "out.json", text)
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == '{"name": "a\\ud800b"}'
    assert json.loads((tmp_path / "out.json").read_bytes()) == {"name": "a\ud800b"}
    with outputs.open_text(tmp_path / "stream.json") as out:
        out.write(text)
    assert json.loads((tmp_path / "stream.json").read_bytes()) == {"name": "a\ud800b"}
    outputs.write_text("-", text)
    assert json.loads(capsys.readouterr().out) == {"name": "a\ud800b"}


def test_staged_file_keeps_the_suffix_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    with outputs.staged_file(target) as staged:
        assert staged.parent == tmp_path
        assert staged.suffix == ".svg"
        assert staged.name.startswith(".chart.svg.")
        staged.write_text("<svg/>", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "<svg/>"

    def draw_without_matplotlib() -> None:
        with outputs.staged_file(tmp_path / "other.svg") as staged:
            staged.write_text("<svg", encoding="utf-8")
            raise ImportError("no matplotlib")

    with pytest.raises(ImportError):
        draw_without_matplotlib()
    assert names(tmp_path) == ["chart.svg"]


def test_staged_folder_moves_whole_files_into_a_new_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "dataset"
    with outputs.staged_folder(target) as staging:
        assert staging.parent == target
        (staging / "dataset.json").write_text("{}", encoding="utf-8")
        (staging / "partners.json").write_text("[]", encoding="utf-8")
    assert names(target) == ["dataset.json", "partners.json"]


def test_staged_folder_fills_an_empty_folder_even_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with outputs.staged_folder(".") as staging:
        (staging / "dataset.json").write_text("{}", encoding="utf-8")
    assert names(tmp_path) == ["dataset.json"]


def test_staged_folder_refuses_links_files_and_full_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    with (
        pytest.raises(DatasetWriteError, match="symbolic link"),
        outputs.staged_folder(tmp_path / "link"),
    ):
        pass
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    with (
        pytest.raises(DatasetWriteError, match="not an empty folder"),
        outputs.staged_folder(tmp_path / "full"),
    ):
        pass
    assert names(tmp_path / "empty") == []
    assert names(tmp_path / "full") == ["keep.txt"]


def test_staged_folder_undoes_everything_when_something_fails(tmp_path: Path) -> None:
    def fail_in_block() -> None:
        with outputs.staged_folder(tmp_path / "new") as staging:
            (staging / "dataset.json").write_text("{}", encoding="utf-8")
            raise RuntimeError("validation failed")

    with pytest.raises(RuntimeError):
        fail_in_block()
    assert names(tmp_path) == []
    (tmp_path / "empty").mkdir()

    def race() -> None:
        with outputs.staged_folder(tmp_path / "empty") as staging:
            (staging / "a.json").write_text("{}", encoding="utf-8")
            (staging / "b.json").write_text("{}", encoding="utf-8")
            (tmp_path / "empty" / "b.json").write_text("theirs", encoding="utf-8")

    with pytest.raises(DatasetWriteError, match="exists"):
        race()
    assert names(tmp_path / "empty") == ["b.json"]  # a.json moved in, then taken back
    assert (tmp_path / "empty" / "b.json").read_text(encoding="utf-8") == "theirs"


def test_init_never_writes_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unikommune.cli import main

    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    assert main(["init", str(tmp_path / "link")]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert names(tmp_path / "empty") == []
    assert main(["init", str(tmp_path / "empty")]) == 0
    assert names(tmp_path / "empty") == ["agreements.json", "dataset.json", "partners.json"]


def test_errors_are_the_documented_type() -> None:
    assert issubclass(DatasetWriteError, UnikommuneError)
    assert issubclass(DatasetWriteError, OSError)


# -- CSV -------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\0=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_prefixed(text: str) -> None:
    assert outputs.neutralise_cell(text) == "'" + text
    assert outputs.restore_cell("'" + text) == text


def test_numbers_stay_numbers_and_other_values_become_text() -> None:
    assert outputs.neutralise_cell(-3.5) == -3.5
    assert outputs.neutralise_cell(-1) == -1
    assert outputs.neutralise_cell(None) == ""
    assert outputs.neutralise_cell(True) == "True"
    assert outputs.neutralise_cell("'=1") == "''=1"
    assert outputs.neutralise_cell("it's") == "it's"
    assert outputs.neutralise_cell("") == ""
    text = outputs.csv_text([{"name": "-1", "value": -3.5}, {"name": "x"}], ["name", "value"])
    assert text == '"name","value"\n"\'-1",-3.5\n"x",""\n'


@given(st.text())
def test_neutralising_is_safe_and_reversible(text: str) -> None:
    cell = outputs.neutralise_cell(text)
    assert cell[:1] not in set("=+-@\t\r\n\0")
    assert outputs.restore_cell(cell) == text


@given(
    st.lists(
        st.tuples(st.text(), st.integers() | st.floats(allow_nan=False, allow_infinity=False)),
        max_size=5,
    ),
    st.text(min_size=1).filter(lambda column: column != "n"),
)
def test_csv_reads_back_text_as_text_and_numbers_as_numbers(
    rows: list[tuple[str, float]], column: str
) -> None:
    text = outputs.csv_text([{column: name, "n": number} for name, number in rows], [column, "n"])
    back = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    header: list[Any] = back[0]
    assert outputs.restore_cell(header[0]) == column
    for (name, number), (cell, read) in zip(rows, back[1:], strict=True):
        assert isinstance(cell, str)
        assert outputs.restore_cell(cell) == name
        assert isinstance(read, float)
        assert read == float(number)
