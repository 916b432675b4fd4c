"""``unikommune validate PATH...``: check datasets and print every finding.

Exit codes: 0 when no finding is an error (warnings too, with ``--strict``), 1 when
one is, 2 when a path cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from unikommune.cli.options import jobs
from unikommune.errors import DatasetReadError

if TYPE_CHECKING:
    from unikommune.models import Profile

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "validate",
        help="check datasets: structure, references, periods, rules",
        description="Check dataset documents or folders and print every finding as "
        "`file:line:col: CODE message`. Exit 0 when no finding is an error, 1 when one is "
        "(or a warning, with --strict), 2 when a path cannot be read.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a dataset.json document or a dataset folder",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="text (default), json (the report for other tools), github "
        "(GitHub Actions annotations) or sarif (SARIF 2.1.0 for code scanning)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="check areas against this profile.json instead of the dataset's",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=3,
        metavar="N",
        help="in text output, show N findings of a group of alike ones "
        "(same code, file and field) before a count of the rest (default 3)",
    )
    parser.add_argument(
        "--jobs",
        type=jobs,
        default=None,
        metavar="N",
        help="check a large file of placements in parts, with up to N processes "
        "(default: one per usable core; 1 checks everything in one process)",
    )
    parser.set_defaults(run=run)


def _load_profile(path: Path) -> Profile:
    from unikommune.dataset.profile import read_profile

    profile, findings = read_profile(path, 16 * 1024 * 1024)
    problems = [finding for finding in findings if finding.code != "wrong_schema"]
    if profile is None or problems:
        first = problems[0] if problems else findings[0]
        where = f"{first.pointer}: " if first.pointer else ""
        raise DatasetReadError(f"not a profile: {where}{first.message}", path=str(path))
    return profile


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(
                entry.stat().st_size
                for entry in path.iterdir()
                if entry.suffix in {".json", ".jsonl"} and entry.is_file()
            )
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def _progress(paths: Sequence[Path], stream: TextIO) -> Iterator[Callable[[int], None] | None]:
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    total = sum(_size(path) for path in paths)
    # Refreshed from the calls below rather than by a thread of its own: with no other
    # thread running, large files may be checked in parts by forked workers.
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("validating", total=total or None)
        shown = [time.monotonic()]

        def advance(size: int) -> None:
            bar.advance(task, size)
            now = time.monotonic()
            if now - shown[0] >= 0.1:
                shown[0] = now
                bar.refresh()

        yield advance


def run(args: argparse.Namespace) -> int:
    """Validate every path, print the findings; return the exit code."""
    from unikommune.findings import Severity
    from unikommune.validation import Report, validate
    from unikommune.validation.formats import format_github, format_text
    from unikommune.validation.workers import default_jobs

    profile = _load_profile(args.profile) if args.profile else None
    report = Report()
    unreadable = 0
    with _progress(args.paths, sys.stderr) as progress:
        for path in args.paths:
            try:
                report = report.merge(
                    validate(
                        path,
                        profile=profile,
                        progress=progress,
                        jobs=default_jobs() if args.jobs is None else args.jobs,
                    )
                )
            except DatasetReadError as error:
                print(f"unikommune: error: {error}", file=sys.stderr)
                unreadable += 1
    if args.format == "json":
        print(report.to_json())
    elif args.format == "sarif":
        import json

        from unikommune import __version__
        from unikommune.validation.sarif import to_sarif

        log = to_sarif(report, tool_version=__version__, root=Path.cwd())
        print(json.dumps(log, indent=2, ensure_ascii=False))
    elif args.format == "github":
        for line in format_github(report):
            print(line)
    else:
        for line in format_text(report, args.examples):
            print(line)
    if unreadable:
        return 2
    failing = report.counts[Severity.ERROR] + (
        report.counts[Severity.WARNING] if args.strict else 0
    )
    return 1 if failing else 0
