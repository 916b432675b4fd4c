"""Saving a dataset as a whole: a killed save leaves the old dataset or the new one, never a mix.

The fault-injection tests run saves in a child process (``python tests/test_atomic_save.py``
serves them: it forks a child per save) and kill it with SIGKILL, before each step of
the save in turn and at random times, over a folder of another dataset in the other
layout.  After each kill the folder must load as the old or the new dataset exactly,
validate without errors (an interrupted save is a note), and be saved again cleanly.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES, PROFILE
from unikommune import Dataset, DatasetReadError, DatasetWriteError, InvalidDatasetError
from unikommune.dataset.layout import JOURNAL, SAVE_PREFIX, journal_bytes, staged_name

#: The files in the folder that are not the dataset's: a save never touches them.
NOT_OURS = {"notes.txt": b"mine\n", "attachments/minutes.md": b"# Minutes\n", ".hidden": b"x"}


def _old() -> Dataset:
    return unikommune.load(EXAMPLES / "trondheim")


def _new() -> Dataset:
    """Return the old dataset changed in every file: metadata, records, a profile, no figures."""
    new = _old()
    new.title = {**new.title, "en": "The university municipality, revised"}
    new.placements = new.placements[:-3]
    new.projects[0].title = {**new.projects[0].title, "en": "A renamed project"}
    new.figures = []
    new.profile = unikommune.default_profile()
    return new


@pytest.fixture(scope="module")
def old() -> Dataset:
    return _old()


@pytest.fixture(scope="module")
def new() -> Dataset:
    return _new()


def _leftovers(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir() if entry.name.startswith(SAVE_PREFIX))


def _ours(folder: Path) -> list[str]:
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.suffix in {".json", ".jsonl"} and not entry.name.startswith(".")
    )


def _put_ours_aside(folder: Path) -> None:
    for name, data in NOT_OURS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _assert_not_ours_kept(folder: Path) -> None:
    for name, data in NOT_OURS.items():
        assert (folder / name).read_bytes() == data, name


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Return every file (with its bytes) and folder (``None``) under ``folder``."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


# -- layouts ----------------------------------------------------------------------------------


def test_switching_layouts_leaves_no_stale_file(tmp_path: Path, old: Dataset, new: Dataset) -> None:
    folder = tmp_path / "d"
    unikommune.save(old, folder)
    _put_ours_aside(folder)
    written = unikommune.save(new, folder, jsonl=True, overwrite=True)
    assert _ours(folder) == sorted(path.name for path in written)
    assert [name for name in _ours(folder) if not name.endswith(".jsonl")] == [
        "dataset.json",
        "profile.json",
    ]
    assert unikommune.load(folder) == new
    unikommune.save(old, folder, overwrite=True)
    assert _ours(folder) == sorted(path.name for path in EXAMPLES.joinpath("trondheim").iterdir())
    assert unikommune.load(folder) == old
    assert unikommune.validate(folder).findings == []
    assert _leftovers(folder) == []
    _assert_not_ours_kept(folder)


def test_a_collection_in_two_files_is_an_error(tmp_path: Path, old: Dataset) -> None:
    unikommune.save(old, tmp_path / "d", jsonl={"placements"})
    unikommune.save(old, tmp_path / "parts")
    shutil.copy(tmp_path / "parts" / "placements.json", tmp_path / "d")
    with pytest.raises(
        InvalidDatasetError, match=r"placements\.json and in placements\.jsonl"
    ) as e:
        unikommune.load(tmp_path / "d")
    assert [problem.code for problem in e.value.problems] == ["collection_in_two_files"]
    report = unikommune.validate(tmp_path / "d")
    # Only placements.json is read: no record is reported twice.
    assert [(f.code, Path(f.file or "").name) for f in report] == [
        ("collection_in_two_files", "placements.jsonl")
    ]
    assert not report.ok
    unikommune.save(old, tmp_path / "d", overwrite=True)  # one file per collection again
    assert unikommune.load(tmp_path / "d") == old


# -- what is written is what load reads ---------------------------------------------------------


def _negative_count(dataset: Dataset) -> None:
    dataset.placements[0].students = -1


def _empty_name(dataset: Dataset) -> None:
    dataset.partners[0].name = {"en": ""}


def _wrong_schema(dataset: Dataset) -> None:
    dataset.schema_ = "https://example.org/other.json"


@pytest.mark.parametrize(
    ("change", "code", "pointer"),
    [
        (_negative_count, "negative_count", "/placements/0/students"),
        (_empty_name, "too_short", "/partners/0/name/en"),
        (_wrong_schema, "wrong_schema", "/$schema"),
    ],
)
@pytest.mark.parametrize("target", ["new", "d", "existing", "one.json"])
def test_a_value_the_models_refuse_is_never_written(
    tmp_path: Path, change: Callable[[Dataset], None], code: str, pointer: str, target: str
) -> None:
    dataset = _old()
    unikommune.save(dataset, tmp_path / "existing")
    unikommune.save(dataset, tmp_path / "one.json")
    before = _snapshot(tmp_path)
    change(dataset)
    with pytest.raises(InvalidDatasetError) as raised:
        unikommune.save(dataset, tmp_path / target, overwrite=True)
    assert [(p.code, p.pointer) for p in raised.value.problems] == [(code, pointer)]
    assert _snapshot(tmp_path) == before


def test_what_load_reads_is_saved_even_with_findings(tmp_path: Path) -> None:
    dataset = _old()
    dataset.placements[0].host = "nowhere"  # load reads it; the validator reports it
    unikommune.save(dataset, tmp_path / "d")
    assert unikommune.load(tmp_path / "d") == dataset
    assert unikommune.validate(tmp_path / "d").codes() == {"unresolved_reference"}


# -- what an interrupted save leaves ----------------------------------------------------------


def test_an_uncommitted_save_is_reported_never_read_and_removed(
    tmp_path: Path, old: Dataset, new: Dataset
) -> None:
    folder = tmp_path / "d"
    unikommune.save(old, folder)
    unikommune.save(new, tmp_path / "n", jsonl=True)
    for entry in (tmp_path / "n").iterdir():  # written, but never committed
        shutil.copy(entry, folder / staged_name("0123abcd", entry.name))
    (folder / staged_name("0123abcd", "journal")).write_bytes(b'{"save": "0123ab')
    assert unikommune.load(folder) == old
    report = unikommune.validate(folder)
    assert report.codes() == {"interrupted_save"}
    assert report.ok
    with pytest.raises(DatasetWriteError, match="exists"):
        unikommune.save(new, folder)  # refused before anything is touched
    assert len(_leftovers(folder)) == len(list((tmp_path / "n").iterdir())) + 1
    unikommune.save(new, folder, jsonl=True, overwrite=True)
    assert _leftovers(folder) == []
    assert unikommune.load(folder) == new


def test_a_folder_holding_only_leftovers_is_saved_into(tmp_path: Path, old: Dataset) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / staged_name("0123abcd", "dataset.json")).write_bytes(b"{")
    with pytest.raises(DatasetReadError, match="interrupted"):
        unikommune.load(folder)
    unikommune.save(old, folder)  # nothing of a dataset exists: no overwrite needed
    assert _leftovers(folder) == []
    assert unikommune.load(folder) == old


def _committed(folder: Path, new: Dataset, *, in_place: int) -> None:
    """Leave ``folder`` as a save of ``new`` killed after its commit, ``in_place`` files moved."""
    source = folder.parent / "committed"
    unikommune.save(new, source, jsonl=True)
    names = [path.name for path in sorted(source.iterdir())]
    for index, name in enumerate(names):
        target = folder / (name if index < in_place else staged_name("89abcdef", name))
        shutil.copy(source / name, target)
    (folder / JOURNAL).write_bytes(journal_bytes("89abcdef", names))


@pytest.mark.parametrize("in_place", [0, 3, 9])
def test_a_committed_save_is_read_through_its_journal_and_finished(
    tmp_path: Path, old: Dataset, new: Dataset, in_place: int
) -> None:
    folder = tmp_path / "d"
    unikommune.save(old, folder)  # its .json files are stale once the journal commits
    _put_ours_aside(folder)
    _committed(folder, new, in_place=in_place)
    assert unikommune.load(folder) == new
    report = unikommune.validate(folder)
    assert [f.code for f in report] == ["interrupted_save"]
    assert Path(report.findings[0].file or "").name == JOURNAL
    with pytest.raises(DatasetWriteError, match="exists"):
        unikommune.save(old, folder)
    unikommune.save(old, folder, overwrite=True)  # finishes the committed save, then saves
    assert _leftovers(folder) == []
    assert _ours(folder) == sorted(path.name for path in EXAMPLES.joinpath("trondheim").iterdir())
    assert unikommune.load(folder) == old
    _assert_not_ours_kept(folder)


def test_a_journal_that_cannot_be_read(tmp_path: Path, old: Dataset) -> None:
    folder = tmp_path / "d"
    unikommune.save(old, folder)
    (folder / JOURNAL).write_bytes(b'{"save": "../../etc", "files": ["passwd"]}')
    with pytest.raises(DatasetReadError, match="journal"):
        unikommune.load(folder)
    with pytest.raises(DatasetReadError, match="journal"):
        unikommune.validate(folder)
    with pytest.raises(DatasetWriteError, match="journal"):
        unikommune.save(old, folder)
    unikommune.save(old, folder, overwrite=True)
    assert _leftovers(folder) == []
    assert unikommune.load(folder) == old


def test_a_document_save_leaves_one_file_and_cleans_after_an_interrupted_one(
    tmp_path: Path, old: Dataset, new: Dataset
) -> None:
    target = tmp_path / "one.json"
    unikommune.save(old, target)
    leftover = tmp_path / staged_name("0123abcd", "one.json")
    leftover.write_bytes(b'{"$schema": ')
    other = tmp_path / staged_name("0123abcd", "other.json")  # another document's
    other.write_bytes(b"{")
    assert unikommune.load(target) == old
    report = unikommune.validate(target)
    assert [(f.code, f.file) for f in report] == [("interrupted_save", str(leftover))]
    unikommune.save(new, target, overwrite=True)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [other.name, "one.json"]
    assert unikommune.load(target) == new


# -- fault injection ------------------------------------------------------------------------


#: The functions of ``os`` that a save's steps go through; the child stops before one.
STEPS = ("open", "write", "fsync", "close", "replace", "rename", "unlink", "mkdir", "rmdir")


def _arm(stop: int | None) -> Callable[[], int]:
    """Count the steps of ``os`` from now on; SIGKILL this process before step ``stop``.

    A write it stops at is half written first, as a torn write would leave it.
    """
    count = 0

    def hook(name: str) -> None:
        real = getattr(os, name)

        def step(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            if count == stop:
                if name == "write":
                    real(args[0], bytes(args[1])[: len(args[1]) // 2])
                os.kill(os.getpid(), signal.SIGKILL)
            count += 1
            return real(*args, **kwargs)

        setattr(os, name, step)

    for name in STEPS:
        hook(name)
    return lambda: count


def _serve(sources: list[str]) -> None:
    """Save datasets in children on request (a JSON line each), kill them as asked, reply.

    A request names the dataset, the folder and ``jsonl``, and either ``step`` (the child
    kills itself before that step) or ``delay`` (it is killed after that many seconds);
    with neither it runs to the end.  The reply says whether it was killed, how many
    steps a finished save took, and how long it ran.
    """
    datasets = {
        name: unikommune.load(path) for name, path in zip(sources[::2], sources[1::2], strict=True)
    }
    with tempfile.TemporaryDirectory() as scratch:  # what a first save does once, done here
        for name, dataset in datasets.items():
            unikommune.save(dataset, Path(scratch) / name)
    for line in sys.stdin:
        request = json.loads(line)
        reader, writer = os.pipe()
        started = time.perf_counter()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            os.close(reader)
            status = 0
            try:
                steps = _arm(request.get("step"))
                unikommune.save(
                    datasets[request["dataset"]],
                    request["folder"],
                    jsonl=request["jsonl"],
                    overwrite=True,
                )
                os.write(writer, str(steps()).encode())
            except BaseException:
                traceback.print_exc()
                status = 1
            os._exit(status)
        os.close(writer)
        if request.get("delay") is not None:
            time.sleep(request["delay"])
            os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        seconds = time.perf_counter() - started
        with os.fdopen(reader, "rb") as stream:
            steps = stream.read()
        reply = {
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
            "failed": os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0,
            "steps": int(steps) if steps else None,
            "seconds": seconds,
        }
        print(json.dumps(reply), flush=True)


class Saver:
    """The process that forks the children that save, and kills them."""

    def __init__(self, sources: dict[str, Path], log: Path) -> None:
        self.log = log.open("wb")
        arguments = [str(part) for item in sources.items() for part in item]
        self.process = subprocess.Popen(
            [sys.executable, __file__, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def run(self, dataset: str, folder: Path, **options: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        request = {"dataset": dataset, "folder": str(folder), "jsonl": False, **options}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply: dict[str, Any] = json.loads(self.process.stdout.readline())
        assert not reply["failed"], Path(self.log.name).read_text(encoding="utf-8")
        return reply

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.log.close()


@pytest.fixture(scope="module")
def saver(tmp_path_factory: pytest.TempPathFactory, old: Dataset, new: Dataset) -> Iterator[Saver]:
    if not hasattr(os, "fork"):
        pytest.skip("the children that are killed are forked")
    sources = tmp_path_factory.mktemp("sources")
    unikommune.save(old, sources / "old")
    unikommune.save(new, sources / "new", jsonl=True)
    running = Saver({"old": sources / "old", "new": sources / "new"}, sources / "saver.log")
    yield running
    running.close()


def _which(folder: Path, before: Dataset, saved: Dataset) -> Dataset:
    """Check a folder after a killed save of ``saved`` over ``before``; return what it holds."""
    loaded = unikommune.load(folder)
    assert loaded in (before, saved)
    report = unikommune.validate(folder)
    assert report.ok, [str(finding) for finding in report]
    assert report.codes() == ({"interrupted_save"} if _leftovers(folder) else set())
    _assert_not_ours_kept(folder)
    return loaded


def _save_again(folder: Path, dataset: Dataset, jsonl: bool) -> None:
    """Save over what a killed save left: it succeeds and leaves only the dataset's files."""
    written = unikommune.save(dataset, folder, jsonl=jsonl, overwrite=True)
    assert _leftovers(folder) == []
    assert _ours(folder) == sorted(path.name for path in written)
    assert unikommune.load(folder) == dataset
    assert unikommune.validate(folder).findings == []
    _assert_not_ours_kept(folder)


def _fresh(folder: Path, dataset: Dataset, jsonl: bool) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    unikommune.save(dataset, folder, jsonl=jsonl)
    _put_ours_aside(folder)


#: (dataset saved, JSON Lines?) over (dataset there, JSON Lines?): both switch layouts.
SWITCHES = {
    "json-to-jsonl": (("new", True), ("old", False)),
    "jsonl-to-json": (("old", False), ("new", True)),
}


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_a_save_killed_before_any_of_its_steps_leaves_one_whole_dataset(
    saver: Saver, tmp_path: Path, old: Dataset, new: Dataset, switch: str
) -> None:
    datasets = {"old": old, "new": new}
    (saved, as_lines), (there, there_as_lines) = SWITCHES[switch]
    folder = tmp_path / "d"
    _fresh(folder, datasets[there], there_as_lines)
    steps = saver.run(saved, folder, jsonl=as_lines)["steps"]
    assert steps > 30
    _save_again(folder, datasets[there], there_as_lines)
    rng = random.Random(steps)
    outcomes = []
    for step in range(steps):
        assert saver.run(saved, folder, jsonl=as_lines, step=step)["killed"]
        holds = _which(folder, datasets[there], datasets[saved])
        outcomes.append("new" if holds == datasets[saved] else "old")
        if step % 4 == 0:
            # The next save killed too, at a step of its own: finishing or removing what
            # the killed one left is among its steps.
            saver.run(there, folder, jsonl=there_as_lines, step=rng.randrange(steps + 20))
            holds = _which(folder, holds, datasets[there])
        # The next save succeeds and leaves the folder as the next step starts from.
        _save_again(folder, datasets[there], there_as_lines)
    # Killed before the commit, the folder holds the old dataset; after it, the new.
    assert outcomes == sorted(outcomes, key=["old", "new"].index)
    assert {"old", "new"} == set(outcomes)


#: Saves killed at random times: 60 in a usual run, 600 in a thorough one.
RANDOM_KILLS = 600 if PROFILE == "thorough" else 60


def test_saves_killed_at_random_times_leave_one_whole_dataset(
    saver: Saver, tmp_path: Path, old: Dataset, new: Dataset
) -> None:
    datasets = {"old": old, "new": new}
    folder = tmp_path / "d"
    _fresh(folder, old, False)
    durations = [
        saver.run(name, folder, jsonl=name == "new")["seconds"] for name in ["new", "old"] * 3
    ]
    longest = statistics.median(durations) * 1.2
    rng = random.Random(20261203)
    holds = old
    for run in range(RANDOM_KILLS):
        name = "new" if holds == old else "old"  # the other dataset, in the other layout
        saver.run(name, folder, jsonl=name == "new", delay=rng.uniform(0, longest))
        holds = _which(folder, holds, datasets[name])
        if run % 3 == 2:
            _save_again(folder, holds, holds == new)


if __name__ == "__main__":
    _serve(sys.argv[1:])
