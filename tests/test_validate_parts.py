"""A large file of placements checked in parts, by worker processes, gives the one-pass report."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SLOW, benchmark_generator
from unikommune.validation import Report, engine, parts, validate, workers

pytest.importorskip("msgspec")
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="parts are checked by forked workers on Linux"
)


@pytest.fixture(autouse=True)
def _no_other_thread() -> None:
    if workers._threads() != 1:
        reason = (
            "another thread runs in this test process (networkit, or numpy's thread pool, "
            "starts threads when imported), so no worker is forked; conftest runs this "
            "module first, so a test module imports such a library when it is collected"
        )
        if os.environ.get("CI") and "PYTEST_XDIST_WORKER" not in os.environ:
            pytest.fail(reason)  # in CI these tests must run: import the library where used
        pytest.skip(reason)


def _same(folder: Path, jobs: int = 3, **options: Any) -> tuple[Report, Report]:
    one = validate(folder, jobs=1, **options)
    parts = validate(folder, jobs=jobs, **options)
    assert parts.findings == one.findings
    assert parts.records == one.records
    assert parts.files == one.files
    return one, parts


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every file of placements in parts, however small, and in many parts."""
    monkeypatch.setattr(engine, "_PART_BYTES", 1)
    monkeypatch.setattr(engine, "_SMALLEST_PART", 64 * 1024)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parts") / "city"
    benchmark_generator().generate("city", folder, seed=3, broken=0.05)
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parts") / "tiny"
    benchmark_generator().generate("tiny", folder, seed=4, broken=0.0)
    return folder


def _started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the pools started (each with its number of parts)."""
    counts: list[int] = []
    original = workers.Pool.__init__

    def counting(self: workers.Pool, task: Any, count: int, processes: int) -> None:
        counts.append(count)
        original(self, task, count, processes)

    monkeypatch.setattr(workers.Pool, "__init__", counting)
    return counts


def test_a_broken_dataset_gives_the_same_report_in_parts(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _started(monkeypatch)
    one, _ = _same(city)
    # Three processes: parts a sixth of what is left, down to 64 KB.
    assert len(started) == 1
    assert started[0] > 10
    assert {"duplicate_id", "unresolved_reference", "wrong_type"} <= one.codes()


@pytest.mark.parametrize("jobs", [2, 5])
def test_the_number_of_processes_changes_nothing(city: Path, small_parts: None, jobs: int) -> None:
    _same(city, jobs)


def test_small_files_and_one_process_are_checked_here(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _started(monkeypatch)
    validate(city)  # its placements are under 32 MB
    monkeypatch.setattr(engine, "_PART_BYTES", 1)
    validate(city, jobs=1)
    assert started == []


def test_no_worker_is_forked_while_another_thread_runs(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _started(monkeypatch)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        _same(city)
    finally:
        stop.set()
        other.join()
    assert started == []


def test_jobs_must_be_one_or_more(tiny: Path) -> None:
    with pytest.raises(ValueError, match="jobs"):
        validate(tiny, jobs=0)


def _placement(tiny: Path) -> dict[str, Any]:
    line = (tiny / "placements.jsonl").read_bytes().split(b"\n", 1)[0]
    record: dict[str, Any] = json.loads(line)
    return record


_KINDS = ("clean", "clean", "clean", "clean", "dangling", "wrong-type", "blank", "json", "crlf")


@pytest.mark.slow
@SLOW
@given(
    lines=st.lists(st.tuples(st.sampled_from(_KINDS), st.integers(0, 9)), min_size=1, max_size=60),
    jobs=st.integers(2, 4),
    newline=st.booleans(),
)
def test_ids_repeated_across_parts_are_reported_as_in_one_pass(
    lines: list[tuple[str, int]],
    jobs: int,
    newline: bool,
    tiny: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ids from a small pool repeat within parts and across them, first given by a record
    # of the right shape or of the wrong one.
    folder = tmp_path_factory.mktemp("repeats") / "d"
    shutil.copytree(tiny, folder)
    first = _placement(tiny)
    made = {
        "clean": lambda n: json.dumps({**first, "id": f"p-{n}"}),
        "crlf": lambda n: json.dumps({**first, "id": f"p-{n}"}) + "\r",
        "dangling": lambda n: json.dumps({**first, "id": f"p-{n}", "host": "partner-x"}),
        "wrong-type": lambda n: json.dumps({**first, "id": f"p-{n}", "students": "many"}),
        "blank": lambda n: "",
        "json": lambda n: f'{{"id": "p-{n}",',
    }
    text = "\n".join(made[kind](n) for kind, n in lines) + ("\n" if newline else "")
    (folder / "placements.jsonl").write_text(text, encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_PART_BYTES", 1)
        patch.setattr(engine, "_SMALLEST_PART", 1)
        _same(folder, jobs)


def test_a_line_too_long_ends_the_file_in_parts_as_in_one_pass(
    tiny: Path, tmp_path: Path, small_parts: None
) -> None:
    folder = tmp_path / "d"
    shutil.copytree(tiny, folder)
    first = _placement(tiny)
    lines = [json.dumps({**first, "id": f"p-{n}"}) for n in range(60)]
    lines[15] = json.dumps({**first, "id": "p-2"})  # repeats line 3, in an earlier part
    lines[20] = json.dumps({**first, "id": "long", "programme": {"nb": "x" * 600}})
    lines[40] = json.dumps({**first, "id": "p-1"})  # after the long line: not checked
    (folder / "placements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    one, _ = _same(folder, 4, max_line_bytes=500)
    assert "too_large" in one.codes()
    assert [f.line for f in one.findings if f.code == "duplicate_id"] == [16]


def _fail() -> None:
    raise RuntimeError("a worker fails")


def _die() -> None:
    os._exit(3)


@pytest.mark.parametrize("end", [_fail, _die], ids=["fails", "dies"])
def test_a_part_a_worker_cannot_finish_is_checked_here(
    end: Any, city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    original = engine._Run._part

    def ending(self: engine._Run, *args: Any) -> Any:
        if os.getpid() != parent:
            end()
        return original(self, *args)

    monkeypatch.setattr(engine._Run, "_part", ending)
    _same(city)


def test_progress_counts_every_byte_in_parts(city: Path, small_parts: None) -> None:
    read: list[int] = []
    report = validate(city, jobs=3, progress=read.append)
    assert sum(read) == sum(Path(file).stat().st_size for file in report.files)


def test_parts_are_whole_lines_that_shrink_toward_the_end(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"".join(b"x" * (n % 7) + b"\n" for n in range(10_000)))
    data = path.read_bytes()
    parts = workers.parts_of(path, 0.25, 500, 8_000)
    assert parts[0].start == 0
    assert parts[-1].end == len(data)
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start
        assert data[after.start - 1 : after.start] == b"\n"
    sizes = [part.end - part.start for part in parts]
    # Each part is a quarter of what is left, within the bounds, give or take a line.
    assert max(sizes) <= 8_000 + 7
    assert min(sizes[:-1]) >= 500
    for part, size in zip(parts[:-1], sizes, strict=False):
        share = min(max(int((len(data) - part.start) * 0.25), 500), 8_000)
        assert share <= size <= share + 7
    assert workers.parts_of(path, 1.0, 1, len(data)) == [workers.Part(0, len(data))]
    short = tmp_path / "short.jsonl"
    short.write_bytes(b'{"a": 1}\n')
    assert workers.parts_of(short, 0.25, 1, 100) == [workers.Part(0, 9)]
    assert workers.parts_of(short, 0.25, 3, 100) == [workers.Part(0, 9)]


def _in_a_daemon(folder: Path, sending: Any) -> None:
    report = validate(folder, jobs=3)
    sending.send((len(report.findings), report.records))


def test_a_daemon_process_checks_its_parts_itself(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A daemon process (a worker of a multiprocessing pool) may not start processes.
    import multiprocessing

    one = validate(city, jobs=1)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    daemon = context.Process(target=_in_a_daemon, args=(city, sending), daemon=True)
    daemon.start()
    assert receiving.poll(60)
    assert receiving.recv() == (len(one.findings), one.records)
    daemon.join()
    assert daemon.exitcode == 0


def test_a_worker_that_cannot_start_leaves_its_parts_to_this_process(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing.process

    def refused(self: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    _same(city)


def test_workers_are_stopped_when_the_check_is_interrupted(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    def interrupted(self: engine._Run, *args: Any) -> None:
        raise KeyboardInterrupt  # while the workers may still be at work

    monkeypatch.setattr(engine._Run, "_gather", interrupted)
    with pytest.raises(KeyboardInterrupt):
        validate(city, jobs=3)
    assert multiprocessing.active_children() == []


def test_no_worker_is_forked_while_a_thread_of_an_extension_runs(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Threads started by compiled code are not in threading's count; the system's is read.
    assert workers._threads() == threading.active_count()
    started = _started(monkeypatch)
    monkeypatch.setattr(workers, "_threads", lambda: 2)
    _same(city)
    assert started == []


def test_a_run_in_parts_is_freed_as_soon_as_it_returns(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    from unikommune.rules import Context

    runs: list[weakref.ref[Any]] = []
    for kind in (engine._Run, Context):
        original = kind.__init__

        def remembered(self: Any, *args: Any, original: Any = original, **options: Any) -> None:
            original(self, *args, **options)
            runs.append(weakref.ref(self))

        monkeypatch.setattr(kind, "__init__", remembered)
    collecting = gc.isenabled()
    gc.disable()
    try:
        validate(city, jobs=3)
        # The run, and the contexts of the parts this process took (maybe none: the
        # workers may have taken every part).
        assert runs
        assert all(run() is None for run in runs)
    finally:
        if collecting:
            gc.enable()


def _square(index: int, count: Any) -> int:
    count(1)
    return index * index


@pytest.mark.parametrize("spool", [True, False], ids=["spooled", "in the pipe"])
def test_the_pool_hands_over_every_result_once(
    spool: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not spool:  # no temporary file to be had: results are sent at the end, in the pipe
        import tempfile

        def refused() -> Any:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    pool = workers.Pool(_square, 40, 2)
    done: list[tuple[int, int]] = []
    try:
        failed = pool.gather(
            lambda index: _square(index, lambda size: None),
            lambda index, result: done.append((index, result)),
        )
    finally:
        pool.stop()
    assert not failed
    assert sorted(done) == [(index, index * index) for index in range(40)]


def test_a_result_lost_on_the_way_is_checked_here(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost(*args: Any) -> Any:
        raise EOFError("a worker's result is cut short")

    monkeypatch.setattr(workers, "_unspool", lost)
    _same(city)


def test_results_a_worker_cannot_spool_are_sent_at_the_end(
    city: Path, small_parts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when the disk fills up while a worker writes its results.
    monkeypatch.setattr(workers, "_spooled", lambda *args: False)
    _same(city)


def test_ids_given_in_an_earlier_part_are_found_once_one_repeats() -> None:
    # Known answers: one pass while no id repeats, then each part looked for first.
    seen: set[str] = set()
    ids = parts.PartIds(seen)
    given = [["1", "2", "3"], ["4", "5"], ["2", "6"], ["7"], ["6", "8", "1"], []]
    found = [ids.add(part) for part in given]
    assert found == [set(), set(), {"2"}, set(), {"6", "1"}, set()]
    assert seen == {str(n) for n in range(1, 9)}
    assert ids.kept == 0  # kept only while no id had repeated


def test_ids_are_compared_exactly_not_by_hash(
    tiny: Path, tmp_path: Path, small_parts: None
) -> None:
    # Two ids whose hashes are made equal are still two ids: no false repeat.
    folder = tmp_path / "d"
    shutil.copytree(tiny, folder)
    first = _placement(tiny)
    lines = [json.dumps({**first, "id": f"p-{n}"}) for n in range(200)]
    (folder / "placements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    one, _ = _same(folder, 3)
    assert "duplicate_id" not in one.codes()
