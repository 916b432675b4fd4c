"""The command line: golden input/expected pairs, ``init`` and ``explain``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import DATA, ROOT
from unikommune.cli import main
from unikommune.validation import CODES, Finding, Report, Severity, validate
from unikommune.validation.formats import format_github, format_text

CASES = sorted((DATA / "validate" / "cli").iterdir())


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_golden_output(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = json.loads((case / "args.json").read_text(encoding="utf-8"))
    code = main(args)
    out, err = capsys.readouterr()
    assert out == (case / "stdout.txt").read_text(encoding="utf-8")
    assert code == int((case / "exit_code.txt").read_text(encoding="utf-8"))
    assert err == ""


def test_the_json_output_is_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "validate" / "lines"
    assert main(["validate", "--format", "json", str(path)]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed == validate(path).to_dict()


def _many(count: int) -> Report:
    return Report(
        [
            Finding("wrong_type", Severity.ERROR, f"m{i}", "f.jsonl", i + 1, 5, "/students")
            for i in range(count)
        ]
        + [Finding("duplicate_id", Severity.ERROR, "d", "f.jsonl", 2, 1, "/id")]
    )


def test_text_output_groups_alike_findings_and_keeps_file_order() -> None:
    lines = list(format_text(_many(10), examples=3))
    assert lines == [
        "f.jsonl:1:5: wrong_type m0",
        "f.jsonl:2:1: duplicate_id d",
        "f.jsonl:2:5: wrong_type m1",
        "f.jsonl:3:5: wrong_type m2",
        "f.jsonl: wrong_type ... and 7 more like these at /students "
        "(10 in all; --format json lists every one)",
        "11 errors, 0 warnings in 0 records of 0 files",
    ]


def test_a_group_one_over_the_limit_is_shown_whole() -> None:
    lines = list(format_text(_many(4), examples=3))
    assert sum("wrong_type m" in line for line in lines) == 4
    assert not any("more like these" in line for line in lines)


def test_github_annotations_escape_their_properties_and_data() -> None:
    report = Report([Finding("invalid_json", Severity.WARNING, "a%b\nc", "x,y:z.json", 1, 2, "")])
    assert next(iter(format_github(report))) == (
        "::warning file=x%2Cy%3Az.json,title=invalid_json,line=1,col=2::a%25b%0Ac"
    )


def test_init_scaffolds_a_dataset_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "partnership"
    assert main(["init", str(target), "--municipality", "Bodø municipality"]) == 0
    out = capsys.readouterr().out
    assert "Then fill in" in out
    assert sorted(p.name for p in target.iterdir()) == [
        "agreements.json",
        "dataset.json",
        "partners.json",
    ]
    report = validate(target)
    assert report.findings == []
    partners = json.loads((target / "partners.json").read_text(encoding="utf-8"))
    assert partners["partners"][0]["name"] == {"en": "Bodø municipality"}


def test_init_with_an_own_profile(tmp_path: Path) -> None:
    profile = ROOT / "examples" / "nordlysfjord" / "profile.json"
    assert main(["init", str(tmp_path / "d"), "--profile", str(profile)]) == 0
    declared = json.loads(profile.read_text(encoding="utf-8"))
    loaded = unikommune.load(tmp_path / "d").profile
    assert loaded is not None
    assert loaded.id == declared["id"]
    agreements = json.loads((tmp_path / "d" / "agreements.json").read_text(encoding="utf-8"))
    # every thematic area but the one retired at the end of 2022
    assert agreements["agreements"][0]["thematic_areas"] == sorted(
        area["code"] for area in declared["thematic_areas"] if "successor" not in area
    )
    assert validate(tmp_path / "d").findings == []


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "never overwrites" in err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_explain_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(CODES)


def test_explain_an_unknown_code_suggests_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "duplicat_id"]) == 2
    err = capsys.readouterr().err
    assert "did you mean duplicate_id" in err
    assert len(err.splitlines()) == 1


def test_explain_accepts_hyphens_and_capitals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "Duplicate-ID"]) == 0
    assert capsys.readouterr().out.startswith("duplicate_id (error, semantic)")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml", "x"])
    assert exit_info.value.code == 2
    capsys.readouterr()


def test_the_command_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "unikommune", "validate", "examples/invalid/duplicate_id.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "examples/invalid/duplicate_id.json:239:13: duplicate_id "
    )
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_only_on_a_terminal() -> None:
    from unikommune.cli.validate import _progress

    folder = DATA / "validate" / "lines"
    with _progress([folder], io.StringIO()) as progress:
        assert progress is None
    terminal = _Terminal()
    threads = threading.active_count()
    with _progress([folder], terminal) as progress:
        assert progress is not None
        # The bar is refreshed by the calls, not by a thread, so workers may be forked.
        assert threading.active_count() == threads
        report = validate(folder, progress=progress)
    assert report.records == 7
    assert "validating" in terminal.getvalue()


def test_progress_counts_the_bytes_of_every_file() -> None:
    # Norwegian letters take two bytes: progress counts bytes, as the file sizes do.
    folder = ROOT / "examples" / "trondheim"
    read: list[int] = []
    report = validate(folder, progress=read.append)
    assert sum(read) == sum(Path(file).stat().st_size for file in report.files)


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_whole_number_of_one_or_more(
    jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--jobs", jobs, str(DATA / "validate" / "lines")])
    assert stopped.value.code == 2
    assert "--jobs: expected a whole number of 1 or more" in capsys.readouterr().err


def test_jobs_are_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import unikommune.validation as validation
    from unikommune.validation.workers import default_jobs

    asked: list[int] = []

    def recording(*args: Any, jobs: int = 1, **options: Any) -> Report:
        asked.append(jobs)
        return validate(*args, jobs=jobs, **options)

    monkeypatch.setattr(validation, "validate", recording)
    folder = str(ROOT / "examples" / "trondheim")
    assert main(["validate", "--jobs", "3", folder]) == 0
    assert main(["validate", folder]) == 0
    # The library starts no process unless asked; the command asks for the usable cores.
    assert asked == [3, default_jobs()]


@pytest.mark.parametrize("argv", [["--help"], ["explain", "duplicate_id"], ["explain"]])
def test_help_and_explain_load_only_what_they_need(argv: list[str]) -> None:
    # The models (pydantic), the validator and the graphs (networkx) are loaded by the
    # commands that use them, not by the help or the catalogue of codes.
    program = (
        "import contextlib, io, sys\n"
        "from unikommune.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "heavy = ('pydantic', 'networkx', 'unikommune.models', 'unikommune.validation.engine')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_activity_kinds_of_via_are_the_graphs() -> None:
    # cli.options writes them out so that --help needs no graph library.
    from unikommune.cli.options import KINDS
    from unikommune.graph import ACTIVITY_KINDS

    assert tuple(KINDS) == tuple(ACTIVITY_KINDS)
