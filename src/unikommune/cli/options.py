"""Options and output shared by the commands that read a dataset and print a table.

``graph``, ``metrics``, ``indicators``, ``assess`` and ``report`` take the same
dataset argument, time filter and co-participation options (:func:`add_filters`),
and write a table, CSV or JSON to the terminal or to ``-o`` the same way
(:func:`add_output`, :func:`output_format`, :func:`write_result`), never over their
input (:func:`check_output`).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from unikommune import outputs
from unikommune.errors import DatasetWriteError

if TYPE_CHECKING:
    from collections.abc import Callable

    from unikommune.graph.yearly import YearMap
    from unikommune.models.values import Period

_T = TypeVar("_T")

__all__ = [
    "KINDS",
    "add_filters",
    "add_jobs",
    "add_output",
    "check_output",
    "jobs",
    "output_format",
    "print_coded",
    "time_filter",
    "via_option",
    "write_result",
    "years_side_by_side",
]

#: The kinds of activity ``--via`` takes: :data:`unikommune.graph.ACTIVITY_KINDS`, written
#: out so that the help needs no graph library (a test keeps the two the same).
KINDS = ("projects", "missions", "learning_activities", "theses", "agreements")


def _period(text: str) -> Period:
    from pydantic import ValidationError

    from unikommune.models.values import Period

    start, _, end = text.partition("/")
    try:
        return Period(start=start, end=end or None)
    except ValidationError as error:
        problem = error.errors()[0]
        detail = (
            problem["msg"]
            if problem["type"] == "value_error"
            else "dates are as known: 2019, 2019-06, 2019-06-14, 2021?, 201X"
        )
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a period START/END such as 2019/2021 or 2020-06/ ({detail})"
        ) from None


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2021")
    return int(text)


def _via(text: str) -> tuple[str, ...]:
    kinds = tuple(part.strip().replace("-", "_") for part in text.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown activity kind {', '.join(unknown) or '(none)'}; choose from {','.join(KINDS)}"
        )
    return kinds


def add_filters(parser: argparse.ArgumentParser, *, level: str = "unit") -> None:
    """Add the dataset argument, the time filter and the co-participation options."""
    parser.add_argument("dataset", type=Path, help="dataset.json or a dataset folder")
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--year", type=_year, help="only activities that run (or may run) in this year"
    )
    when.add_argument(
        "--period",
        type=_period,
        help="only activities that overlap (or may overlap) START/END "
        "(2019/2021, 2020-06/2021-05, 2020/)",
    )
    parser.add_argument(
        "--level",
        choices=("unit", "organisation"),
        default=level,
        help=f"keep units apart, or merge them into their organisation (default: {level})",
    )
    parser.add_argument(
        "--counting",
        choices=("full", "fractional"),
        default="full",
        help="tie weight: shared activities, or 1/(n-1) per activity of n partners",
    )
    parser.add_argument(
        "--via",
        type=_via,
        default=None,
        metavar="KINDS",
        help=f"activities that tie partners, comma-separated from {','.join(KINDS)} "
        "(default: projects; for SDG goals: all of them)",
    )


def jobs(text: str) -> int:
    """Parse a ``--jobs`` value: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value


def via_option(args: argparse.Namespace) -> dict[str, tuple[str, ...]]:
    """Return ``{"via": kinds}`` when ``--via`` is given, else nothing: each view's default."""
    return {} if args.via is None else {"via": args.via}


def time_filter(args: argparse.Namespace) -> int | Period | None:
    """Return the time filter the arguments ask for."""
    when: int | Period | None = args.year if args.year is not None else args.period
    return when


def check_output(path: Path | None, args: argparse.Namespace) -> None:
    """Refuse an output file that is the input, a link, or (without ``--force``) exists.

    Checked before the work starts; the write itself checks again.

    Raises:
        DatasetWriteError: the output would overwrite the input or, without ``--force``, an
            existing file; or it is a symbolic link, a folder or not a regular file.
    """
    if path is None or str(path) == outputs.STDOUT:
        return
    dataset: Path = args.dataset
    inputs: list[Any] = [dataset]
    if dataset.is_dir():
        inputs.extend(dataset.iterdir())
    resolved = path.resolve()
    if any(Path(item).resolve() == resolved for item in inputs):
        raise DatasetWriteError(f"{path}: will not write over the dataset being read")
    outputs.check_target(path, force=getattr(args, "force", False))


def add_output(parser: argparse.ArgumentParser) -> None:
    """Add ``--format``, ``-o`` and ``--force``."""
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default=None,
        help="table in the terminal (default), or CSV / JSON (default for -o: from the suffix)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write (default, or '-': standard output)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing output file")


def output_format(args: argparse.Namespace) -> str:
    """Return the format asked for, or the one the output's suffix says, else ``table``."""
    if args.output is not None and str(args.output) == outputs.STDOUT:
        args.output = None
    check_output(args.output, args)
    if args.format is not None:
        return str(args.format)
    suffix = args.output.suffix.lower() if args.output is not None else ""
    return {".csv": "csv", ".json": "json"}.get(suffix, "table")


def write_result(args: argparse.Namespace, text: str, what: str) -> None:
    """Write ``text`` to standard output or to ``-o``, saying what was written."""
    if args.output is None:
        outputs.write_text(outputs.STDOUT, text)
    else:
        outputs.write_text(args.output, text, force=args.force)
        print(f"{args.output}: {what}", file=sys.stderr)


def print_coded(items: Sequence[Any]) -> tuple[Counter[str], str]:
    """Print each of ``items`` (each with a ``code``) on a line; return them counted.

    Returns the counts by code and the same as text (``2 renamed_id, 1 unmapped_role``,
    codes in order), for the summary a command prints after them.
    """
    for item in items:
        print(item)
    codes = Counter(item.code for item in items)
    return codes, ", ".join(f"{count} {code}" for code, count in sorted(codes.items()))


def add_jobs(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--jobs``: the processes that measure ``what`` side by side."""
    parser.add_argument(
        "--jobs",
        type=jobs,
        default=None,
        metavar="N",
        help=f"measure {what} in up to N processes "
        "(default: one per usable core, at most 4; 1 measures them in this one)",
    )


def years_side_by_side(asked: int | None) -> YearMap:
    """Return the ``map_years`` of ``asked`` processes (default: the usable cores).

    For :func:`unikommune.graph.yearly_metrics`, and the network indicators that read it.
    The years are shared out among forked copies of this process, which hold the
    loaded dataset already; each sends back its rows.  Where forking is not safe (other
    threads running, as after networkit's import; not Linux) or one process is asked
    for, the years are measured here, one after the other.
    """
    from unikommune.validation.workers import Pool, default_jobs, fork_is_safe

    count = default_jobs() if asked is None else asked

    def mapped(row: Callable[[int], _T], years: Sequence[int], /) -> list[_T]:
        if count < 2 or len(years) < 2 or not fork_is_safe():
            return [row(year) for year in years]
        rows: dict[int, _T] = {}
        pool = Pool(lambda index, _: row(years[index]), len(years), min(count, len(years)) - 1)
        try:
            pool.gather(lambda index: row(years[index]), rows.__setitem__)
        finally:
            pool.stop()
        return [rows[index] for index in range(len(years))]

    return mapped
