"""``unikommune upgrade``: 0.1 datasets rewritten as 0.2, every other byte kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unikommune import outputs
from unikommune.cli import main
from unikommune.dataset.upgrade import upgrade
from unikommune.errors import DatasetReadError, DatasetWriteError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OLD = "https://w3id.org/unikommune/schema/0.1/"
NEW = "https://w3id.org/unikommune/schema/0.2/"

#: Examples that cannot be parsed, or name no unikommune schema: upgrade refuses them.
UNREADABLE = {
    "checks_skipped",  # a folder with a part that is not valid JSON
    "empty_file.json",
    "invalid_json.json",
    "invalid_number.json",
    "not_utf8.json",
    "number_too_long.json",
    "too_deeply_nested.json",
    "wrong_schema.json",
}


def _as_old(data: bytes) -> bytes:
    return data.replace(b"/schema/0.2/", b"/schema/0.1/")


def _as_new(data: bytes) -> bytes:
    return data.replace(b"/schema/0.1/", b"/schema/0.2/")


def _old_copy(source: Path, target: Path) -> Path:
    """Copy an example file or folder to ``target`` with every 0.2 address made 0.1."""
    if source.is_dir():
        target.mkdir()
        for entry in sorted(source.iterdir()):
            (target / entry.name).write_bytes(_as_old(entry.read_bytes()))
    else:
        target.write_bytes(_as_old(source.read_bytes()))
    return target


def _files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {entry.name: entry.read_bytes() for entry in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


def _examples() -> list[Path]:
    return [
        EXAMPLES / "trondheim",
        EXAMPLES / "nordlysfjord",
        *sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.suffix == ".json" or p.is_dir()),
    ]


@pytest.mark.parametrize("example", _examples(), ids=lambda path: path.name)
def test_every_example_written_as_0_1_upgrades_back_byte_for_byte(
    example: Path, tmp_path: Path
) -> None:
    old = _old_copy(example, tmp_path / example.name)
    out = tmp_path / "out" / example.name
    out.parent.mkdir()
    if example.name in UNREADABLE:
        with pytest.raises(DatasetReadError, match="cannot upgrade"):
            upgrade(old, out)
        assert not out.exists()
        return
    assert OLD.encode() in b"".join(_files(old).values())
    result = upgrade(old, out)
    assert result.target == out
    assert result.versions == ("0.1",)
    upgraded = _files(out)
    # An example of a 0.1 document (old_format_version.json) upgrades to its 0.2 form.
    assert upgraded == {name: _as_new(data) for name, data in _files(example).items()}
    assert {file.source.name for file in result.changed} == {
        name for name, data in upgraded.items() if NEW.encode() in data
    }


def test_an_example_upgrades_in_place_to_the_original(tmp_path: Path) -> None:
    old = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    result = upgrade(old, in_place=True)
    assert result.target == old
    assert _files(old) == _files(EXAMPLES / "nordlysfjord")
    assert not [p for p in old.iterdir() if p.name.startswith(".")]


def test_only_the_version_in_schema_values_changes(tmp_path: Path) -> None:
    # A key that holds the text "$schema" inside it, an address in a text, an inline
    # profile, escapes, CRLF line ends, a byte order mark and a duplicate key.
    escaped = OLD.replace("/", "\\/")
    text = (
        "\ufeff{\r\n"
        f'  "title": {{"en": "see {OLD}dataset.json"}},\r\n'
        f'  "a\\"$schema": "{OLD}dataset.json",\r\n'
        f'  "$schema":"{OLD}dataset.json" ,\r\n'
        f'  "profile": {{"$schema": "{escaped}profile.json", "id": "p"}},\r\n'
        f'  "list": [{{"$schema": "{OLD}dataset.json"}}, "\\u00e6"],\r\n'
        f'  "n": 1.50e+3\r\n'
        "}\r\n"
    )
    source = tmp_path / "dataset.json"
    source.write_bytes(text.encode("utf-8"))
    out = tmp_path / "new.json"
    result = upgrade(source, out)
    assert result.changed[0].pointers == ("/$schema", "/profile/$schema")
    expected = (
        text.replace(f'"$schema":"{OLD}', f'"$schema":"{NEW}')
        .replace("schema\\/0.1\\/profile", "schema\\/0.2\\/profile")
        .encode("utf-8")
    )
    assert out.read_bytes() == expected
    assert len(expected) == len(text.encode("utf-8"))  # every line and column kept
    assert source.read_bytes() == text.encode("utf-8")  # the input is never written


def test_a_version_spelled_with_escapes_is_written_plainly(tmp_path: Path) -> None:
    source = tmp_path / "dataset.json"
    address = f"{OLD}dataset.json".replace(".", "\\u002e")
    source.write_text(f'{{"$schema": "{address}", "x": 1}}', encoding="utf-8")
    upgrade(source, in_place=True)
    assert source.read_text(encoding="utf-8") == f'{{"$schema": "{NEW}dataset.json", "x": 1}}'


def test_a_folder_keeps_lines_files_and_others_and_skips_subfolders(tmp_path: Path) -> None:
    source = _old_copy(EXAMPLES / "invalid" / "unexpected_file", tmp_path / "d")
    lines = (source / "projects-2024.jsonl").read_bytes()
    (source / "README.md").write_text("notes\n", encoding="utf-8")
    (source / "old").mkdir()
    (source / "placements.jsonl").write_bytes(b'{"id": "x"}\n')
    result = upgrade(source, tmp_path / "out")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "dataset.json",
        "placements.jsonl",
        "projects-2024.jsonl",
    ]
    assert (out / "projects-2024.jsonl").read_bytes() == lines
    assert (out / "placements.jsonl").read_bytes() == b'{"id": "x"}\n'
    assert [p.name for p in result.skipped] == ["old"]
    assert [file.source.name for file in result.changed] == ["dataset.json"]


def test_a_mixed_folder_upgrades_the_old_documents_only(tmp_path: Path) -> None:
    source = tmp_path / "d"
    shutil.copytree(EXAMPLES / "nordlysfjord", source)
    current = (source / "partners.json").read_bytes()
    (source / "dataset.json").write_bytes(_as_old((source / "dataset.json").read_bytes()))
    result = upgrade(source, in_place=True)
    assert result.versions == ("0.1", "0.2")
    assert [file.source.name for file in result.changed] == ["dataset.json"]
    assert (source / "partners.json").read_bytes() == current
    assert _files(source) == _files(EXAMPLES / "nordlysfjord")


def test_a_current_dataset_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = upgrade(EXAMPLES / "nordlysfjord", out)
    assert result.up_to_date
    assert result.target is None
    assert result.versions == ("0.2",)
    assert not out.exists()


def test_without_out_nothing_is_written(tmp_path: Path) -> None:
    old = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    before = old.read_bytes()
    result = upgrade(old)
    assert result.target is None
    assert not result.up_to_date
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.json"]


def test_in_place_replaces_each_changed_file_by_a_new_one(tmp_path: Path) -> None:
    source = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    (source / "placements.jsonl").write_bytes(b"")
    before = {p.name: p.stat().st_ino for p in source.iterdir()}
    (source / "partners.json").chmod(0o640)
    upgrade(source, in_place=True)
    after = {p.name: p.stat().st_ino for p in source.iterdir()}
    assert after.keys() == before.keys()  # no temporary file is left behind
    assert after["placements.jsonl"] == before["placements.jsonl"]  # unchanged, untouched
    assert after["partners.json"] != before["partners.json"]  # renamed over, not rewritten
    assert (source / "partners.json").stat().st_mode & 0o777 == 0o640


def test_in_place_failure_leaves_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    before = source.read_bytes()

    def no_sync(handle: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(outputs.os, "fsync", no_sync)
    with pytest.raises(DatasetWriteError, match="Input/output error"):
        upgrade(source, in_place=True)
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.json"]


def test_in_place_refuses_a_link_before_replacing_anything(tmp_path: Path) -> None:
    source = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    real = tmp_path / "partners-real.json"
    (source / "partners.json").rename(real)
    (source / "partners.json").symlink_to(real)
    before = _files(source)
    with pytest.raises(DatasetWriteError, match="symbolic link"):
        upgrade(source, in_place=True)
    assert _files(source) == before


@pytest.mark.parametrize("existing", ["file", "folder"])
def test_an_existing_output_is_never_written_over(
    tmp_path: Path, existing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    out = tmp_path / "out"
    if existing == "file":
        out.write_text("mine", encoding="utf-8")
    else:
        out.mkdir()
        (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DatasetWriteError):
        upgrade(old, out)
    assert main(["upgrade", str(old), "-o", str(out)]) == 2
    assert "unikommune: error:" in capsys.readouterr().err
    if existing == "file":
        assert out.read_text(encoding="utf-8") == "mine"
    else:
        assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_the_input_itself_is_refused_as_output(tmp_path: Path) -> None:
    old = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    before = old.read_bytes()
    with pytest.raises(DatasetWriteError, match="file exists"):
        upgrade(old, old)
    assert old.read_bytes() == before


def test_an_empty_output_file_or_folder_may_be_named(tmp_path: Path) -> None:
    old = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    (tmp_path / "empty.json").write_bytes(b"")
    assert upgrade(old, tmp_path / "empty.json").target == tmp_path / "empty.json"
    (tmp_path / "folder").mkdir()
    assert upgrade(old, tmp_path / "folder").target == tmp_path / "folder" / "d.json"
    expected = (EXAMPLES / "invalid" / "duplicate_id.json").read_bytes()
    assert (tmp_path / "empty.json").read_bytes() == expected
    assert (tmp_path / "folder" / "d.json").read_bytes() == expected


def test_standard_output_is_refused(tmp_path: Path) -> None:
    old = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    with pytest.raises(DatasetWriteError, match="standard output"):
        upgrade(old, "-")


def test_out_and_in_place_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both"):
        upgrade(EXAMPLES / "nordlysfjord", tmp_path / "x", in_place=True)


HOSTILE = {
    "not JSON": (b'{"$schema": ', "not valid JSON"),
    "not UTF-8": (b'{"$schema": "' + OLD.encode() + b'dataset.json", "t": "\xe6"}', "UTF-8"),
    "UTF-16": ('{"$schema": 1}'.encode("utf-16"), "UTF-16"),
    "empty": (b"", "empty"),
    "a list": (b"[]", "a JSON object"),
    "nested deeply": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "a long number": (b'{"n": ' + b"9" * 5000 + b"}", "number of 5,000 characters"),
    "NaN": (b'{"n": NaN}', "not a JSON number"),
    "no $schema": (b'{"title": {"en": "x"}}', "has no \\$schema"),
    "a number as $schema": (b'{"$schema": 1}', "found int"),
    "another schema": (b'{"$schema": "https://example.org/dataset.json"}', "not the address"),
    "an unknown version": (
        b'{"$schema": "https://w3id.org/unikommune/schema/9.9/dataset.json"}',
        "format version '9.9'",
    ),
    "an unknown version inline": (
        b'{"$schema": "' + OLD.encode() + b'dataset.json", "profile": {"$schema": '
        b'"https://w3id.org/unikommune/schema/0.3/profile.json"}}',
        "profile.\\$schema names format version '0.3'",
    ),
    "a dataset part": (
        b'{"$schema": "' + OLD.encode() + b'dataset-part.json", "partners": []}',
        "part of a dataset folder",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_refused_with_a_message(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, message = HOSTILE[name]
    source = tmp_path / "dataset.json"
    source.write_bytes(data)
    with pytest.raises(DatasetReadError, match=message):
        upgrade(source, tmp_path / "out.json")
    assert main(["upgrade", str(source), "-o", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"unikommune: error: {source}: cannot upgrade: ")
    assert "Traceback" not in err
    assert "internal error" not in err
    assert not (tmp_path / "out.json").exists()
    assert source.read_bytes() == data


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing", "no such file"),
        (lambda root: root, "no dataset.json"),
        (lambda root: root / "x.jsonl", "JSON Lines"),
    ],
    ids=["missing", "folder without dataset.json", "a JSON Lines file"],
)
def test_paths_that_are_not_a_dataset_are_refused(
    tmp_path: Path, make: object, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.jsonl").write_text("{}\n", encoding="utf-8")
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(DatasetReadError, match=message):
        upgrade(path, tmp_path / "out")
    assert main(["upgrade", str(path), "--in-place"]) == 2
    assert "internal error" not in capsys.readouterr().err


def test_a_broken_part_in_a_folder_stops_before_anything_is_written(tmp_path: Path) -> None:
    source = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    (source / "theses.json").write_bytes(b'{"$schema": "' + OLD.encode() + b'dataset-part.json",')
    before = _files(source)
    with pytest.raises(DatasetReadError, match=r"theses\.json: cannot upgrade: line 1"):
        upgrade(source, in_place=True)
    assert _files(source) == before


def test_cli_upgrades_and_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _old_copy(EXAMPLES / "nordlysfjord", tmp_path / "d")
    assert main(["upgrade", str(old), "-o", str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert "from format 0.1 to 0.2" in out
    assert "partners.json: /$schema set to 0.2" in out
    assert "no findings" in out
    assert _files(tmp_path / "new") == _files(EXAMPLES / "nordlysfjord")


def test_cli_exits_1_when_the_upgraded_dataset_has_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _old_copy(EXAMPLES / "invalid" / "duplicate_id.json", tmp_path / "d.json")
    assert main(["upgrade", str(old), "--in-place"]) == 1
    assert "duplicate_id" in capsys.readouterr().out
    assert json.loads(old.read_text(encoding="utf-8"))["$schema"] == f"{NEW}dataset.json"


def test_cli_says_a_current_dataset_needs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", str(EXAMPLES / "nordlysfjord"), "-o", str(tmp_path / "o")]) == 0
    assert "already format 0.2; nothing to do" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()


def test_cli_needs_out_or_in_place(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["upgrade", str(EXAMPLES / "nordlysfjord")])
    assert stop.value.code == 2
    assert "one of the arguments -o/--output --in-place is required" in capsys.readouterr().err
