"""How a report is written out: text for people, GitHub Actions annotations, JSON, SARIF.

Text lists findings in file order, ``file:line:col: CODE message``, and cuts a group
of alike findings (one code on one field of one file) short after a few examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from unikommune.findings import Finding, Severity
from unikommune.validation.report import Report

__all__ = ["format_github", "format_text", "one_line", "summary"]

_INDEX = re.compile(r"/\d+(?=/|$)")
#: Characters that could start a new line, or hide one, in a terminal or a CI log.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    return _NAMED.get(character) or f"\\u{ord(character):04x}"


def one_line(text: str) -> str:
    r"""Return ``text`` with every control character written as an escape, on one line.

    A finding echoes keys, values and file names from the data: written raw, a newline
    in one would start a line that a CI system reads as a command.

    >>> one_line("bad\n::error::owned")
    'bad\\n::error::owned'
    """
    return _CONTROL.sub(_escaped, text)


def _group_key(finding: Finding) -> tuple[str, str, str]:
    return finding.code, finding.file or "", _INDEX.sub("/*", finding.pointer)


def _groups(findings: Sequence[Finding]) -> list[list[Finding]]:
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(_group_key(finding), []).append(finding)
    return sorted(grouped.values(), key=lambda group: (group[0].file or "", group[0].line or 0))


def summary(report: Report) -> str:
    """Return the last line of the text output: counts of findings, records and files."""
    counts = report.counts
    parts = [
        f"{counts[Severity.ERROR]} error{'s' if counts[Severity.ERROR] != 1 else ''}",
        f"{counts[Severity.WARNING]} warning{'s' if counts[Severity.WARNING] != 1 else ''}",
    ]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} note{'s' if counts[Severity.INFO] != 1 else ''}")
    files = len(report.files)
    return (
        f"{', '.join(parts)} in {report.records:,} record{'s' if report.records != 1 else ''} "
        f"of {files} file{'s' if files != 1 else ''}"
    )


def format_text(report: Report, examples: int = 3) -> Iterator[str]:
    """Yield the lines of the text output: findings in file order, alike ones cut short.

    Findings of one code on one field of one file (``/projects/*/status``) form a group;
    a group of more than ``examples + 1`` shows ``examples`` of them and then a count.
    """
    examples = max(examples, 1)
    sizes: dict[tuple[str, str, str], int] = {}
    for finding in report.findings:
        key = _group_key(finding)
        sizes[key] = sizes.get(key, 0) + 1
    shown: dict[tuple[str, str, str], int] = {}
    for finding in report.findings:
        key = _group_key(finding)
        size = sizes[key]
        seen = shown.get(key, 0)
        shown[key] = seen + 1
        if size <= examples + 1 or seen < examples:
            yield one_line(str(finding))
        if size > examples + 1 and seen + 1 == examples:
            code, file, field = key
            yield one_line(
                f"{file or '<dataset>'}: {code} ... and {size - examples:,} more like these "
                f"at {field or '/'} "
                f"({size:,} in all; --format json lists every one)"
            )
    if report.files or report.findings or report.records:
        yield summary(report)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(report: Report, examples: int = 10) -> Iterator[str]:
    """Yield GitHub Actions workflow commands that annotate the files with the findings."""
    for group in _groups(report.findings):
        shown = group[:examples]
        for finding in shown:
            properties = [f"title={_escape_property(finding.code)}"]
            if finding.file is not None:
                properties.insert(0, f"file={_escape_property(finding.file)}")
            if finding.line is not None:
                properties.append(f"line={finding.line}")
            if finding.column is not None:
                properties.append(f"col={finding.column}")
            yield (
                f"::{_COMMAND[finding.severity]} {','.join(properties)}::"
                f"{_escape_data(finding.message)}"
            )
        if len(group) > len(shown):
            code, file, field = _group_key(group[0])
            yield _escape_data(
                f"::notice title={code}::{len(group) - len(shown):,} more {code} in {file} at "
                f"{field or '/'}"
            )
    if report.files or report.findings or report.records:
        yield summary(report)
