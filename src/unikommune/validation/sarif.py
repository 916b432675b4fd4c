"""Write a validation report as a SARIF 2.1.0 log, the format GitHub code scanning reads.

:func:`to_sarif` returns the log as a dict, ready for :func:`json.dump` (write it as
UTF-8).  One run of the tool ``unikommune``; what maps to what:

* **Rules** are the whole catalogue of codes (:data:`~unikommune.validation.CODES`), in
  catalogue order, used or not: the rules then stay the same from one run to the next,
  as GitHub asks, and every alert shows its code's help.  A rule's ``id`` is the code,
  its ``name`` the code in PascalCase, ``shortDescription`` the title,
  ``fullDescription`` the explanation, ``help`` the explanation and how to fix it, and
  ``defaultConfiguration.level`` the code's severity (``info`` is SARIF's ``note``).
* **Results** are the findings, in the report's order, each with its code as
  ``ruleId`` (and ``ruleIndex``), its severity as ``level`` and its message.  A finding
  in a file has a physical location: the file's URI and, when known, the line and
  column where the value starts.  Every finding has a logical location: its JSON
  pointer as ``fullyQualifiedName`` (within the line's record for a JSON Lines file; the
  empty pointer is the whole document), of kind ``member`` (of an object or array).
* **Columns** count characters, that is Unicode code points, from 1, as the validator
  counts them (``columnKind: unicodeCodePoints``); a line ends at a line feed (LF), and
  a byte order mark is not counted (SARIF's positions do not depend on one).
* **URIs** of files are relative to ``root`` when it is given and the file is under it,
  with forward slashes and percent-encoded (``my%20data/Troms%C3%B8.json``), based on
  ``%SRCROOT%``; a file outside ``root`` gets an absolute ``file:`` URI.  Without
  ``root`` a relative path stays relative (to the directory the paths were given
  from) and an absolute one becomes a ``file:`` URI.
* **Fingerprints**: ``partialFingerprints["unikommune/v1"]`` is the first 32 hex digits
  of the SHA-256 of the JSON array ``[code, uri, pointer]``, then ``:`` and the
  finding's number among those with the same three (``…:1``, ``…:2``, in report
  order).  It does not change when lines move or a message is reworded.  GitHub itself
  matches alerts by ``primaryLocationLineHash`` alone, which its ``upload-sarif`` action
  computes from the file's text when the log has none; unikommune leaves that key to it,
  since a value of its own would differ from the action's and make it warn once a
  result.

GitHub code scanning's limits (its "SARIF support for code scanning" reference,
https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support):
at most 25,000 results and 25,000 rules a run, 20 tags a rule (10 shown), a rule
``name`` of at most 255 characters, ``shortDescription.text`` and
``fullDescription.text`` of at most 1,024, and 10 MB for the gzip-compressed file.
``to_sarif`` keeps to them: when a report holds more findings than ``max_results``,
the least severe are left out and a notification says how many.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from unikommune.errors import UnknownCodeError
from unikommune.validation import CODES, Finding, Report, Severity
from unikommune.validation.codes import Code

__all__ = ["to_sarif"]

_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_INFORMATION_URI = "https://w3id.org/unikommune"
_SRCROOT = "%SRCROOT%"
_FINGERPRINT = "unikommune/v1"

# GitHub code scanning's documented limits, from the table in "SARIF support for code
# scanning" (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/
# sarif-support#file-compatibility; the same table is in "SARIF results exceed one or
# more limits", .../troubleshoot-sarif-uploads/results-exceed-limit):
#: Results a run may hold; a file with more is rejected (only the 5,000 most severe are shown).
_MAX_RESULTS = 25_000
# ... and from the same page's reportingDescriptor table:
#: Characters of a rule's ``name``.
_MAX_NAME = 255
#: Characters of a rule's ``shortDescription.text`` and ``fullDescription.text``.
_MAX_DESCRIPTION = 1024
# The same table allows 25,000 rules a run and 20 tags a rule (10 shown): one rule a
# code, with two tags, keeps well within them.  Also relied on, from the same page: "the
# empty string is not supported for required properties" (message.text,
# shortDescription.text, fullDescription.text, help.text, partialFingerprints), and a
# location's physicalLocation (artifactLocation.uri) is required.  A result with no
# location, or with a logical location only, makes the whole upload fail
# ("locationFromSarifResult: expected at least one location", github/codeql-action
# issue 1738; "...: expected artifact location", forcedotcom/code-analyzer issue 1970).
# Findings without a file (a dataset validated in memory) therefore belong in logs for
# other SARIF readers, not in an upload to GitHub.

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: GitHub's ``problem.severity`` for rules that are not about security.
_PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "recommendation",
}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

# Semantic Versioning 2.0.0, from semver.org.
_IDENTIFIER = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_SEMVER = re.compile(
    r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
    rf"(?:-{_IDENTIFIER}(?:\.{_IDENTIFIER})*)?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?"
)


def to_sarif(
    report: Report,
    *,
    tool_version: str,
    root: str | os.PathLike[str] | None = None,
    max_results: int = _MAX_RESULTS,
) -> dict[str, Any]:
    """Return ``report`` as a SARIF 2.1.0 log that GitHub code scanning accepts.

    Args:
        report: the findings of one validation run.
        tool_version: the version of unikommune that validated; it is also given as
            ``semanticVersion`` when it is a Semantic Versioning 2.0 version.
        root: the folder file URIs are made relative to; for GitHub, the root of the
            repository checkout (the paths GitHub matches are relative to it).
        max_results: the most results written; beyond it, the least severe findings are
            left out (errors are kept first), and a notification says how many.  The
            default is GitHub's limit of 25,000 a run.

    Returns:
        The SARIF log, a dict of JSON values.

    Raises:
        UnknownCodeError: a finding has a code that is not in the catalogue.
        ValueError: ``tool_version`` is empty or ``max_results`` is negative.
    """
    # Long: one log, built in the order SARIF lays it out.
    if not tool_version.strip():
        raise ValueError("tool_version is empty; give the version of unikommune, such as '0.1.0'")
    if max_results < 0:
        raise ValueError(f"max_results must be 0 or more, not {max_results}")
    rule_index = {code: index for index, code in enumerate(CODES)}
    unknown = sorted(report.codes() - rule_index.keys())
    if unknown:
        raise UnknownCodeError(f"not codes of the catalogue: {', '.join(unknown)}")

    artifacts = _Artifacts(None if root is None else _absolute(Path(root)))
    for file in report.files:
        artifacts.add(file, target=True)
    occurrences: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding in report.findings:
        artifact = artifacts.add(finding.file) if finding.file else None
        key = (finding.code, artifact["uri"] if artifact else "", finding.pointer)
        occurrences[key] += 1
        fingerprint = _fingerprint(key, occurrences[key])
        results.append(_result(finding, rule_index[finding.code], artifact, fingerprint))

    invocation: dict[str, Any] = {"executionSuccessful": True}
    run_properties: dict[str, Any] = {
        "records": report.records,
        "counts": {severity.value: count for severity, count in report.counts.items()},
    }
    if len(results) > max_results:
        omitted = len(results) - max_results
        ranked = sorted(range(len(results)), key=lambda i: (_RANK[report.findings[i].severity], i))
        results = [results[i] for i in sorted(ranked[:max_results])]
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"{omitted:,} of {omitted + max_results:,} findings are left out "
                    f"of this log, which holds at most {max_results:,} results (the least "
                    "severe are left out); `unikommune validate --format json` lists every one."
                },
            }
        ]
        run_properties["omitted"] = omitted

    run: dict[str, Any] = {
        "tool": {"driver": _driver(tool_version)},
        "invocations": [invocation],
    }
    if artifacts.relative:
        run["originalUriBaseIds"] = {_SRCROOT: artifacts.base()}
    run |= {
        "artifacts": artifacts.entries,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "newlineSequences": ["\n"],
        "properties": run_properties,
    }
    return {"$schema": _SCHEMA, "version": "2.1.0", "runs": [run]}


def _driver(tool_version: str) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": "unikommune",
        "informationUri": _INFORMATION_URI,
        "version": tool_version,
    }
    if _SEMVER.fullmatch(tool_version):
        driver["semanticVersion"] = tool_version
    driver["rules"] = [_rule(code) for code in CODES.values()]
    return driver


def _rule(code: Code) -> dict[str, Any]:
    title = f"{code.title} (retired)" if code.retired else code.title
    properties: dict[str, Any] = {
        "tags": ["unikommune", code.layer],
        # Findings come from exact checks, not heuristics: a finding is never a guess.
        "precision": "very-high",
        "problem.severity": _PROBLEM_SEVERITY[code.severity],
    }
    if code.retired:
        properties["retired"] = True
    return {
        "id": code.code,
        "name": _clip(_pascal_case(code.code), _MAX_NAME),
        "shortDescription": {"text": _clip(_plain(title), _MAX_DESCRIPTION)},
        "fullDescription": {"text": _clip(_plain(code.explanation), _MAX_DESCRIPTION)},
        "help": {
            "text": f"{_plain(code.explanation)}\n\nHow to fix: {_plain(code.fix)}",
            "markdown": f"{code.explanation}\n\n**How to fix:** {code.fix}\n\n"
            f"`unikommune explain {code.code}` prints this help.",
        },
        "defaultConfiguration": {"level": _LEVEL[code.severity]},
        "properties": properties,
    }


def _result(
    finding: Finding, rule_index: int, artifact: dict[str, Any] | None, fingerprint: str
) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if artifact is not None:
        physical: dict[str, Any] = {"artifactLocation": artifact}
        # SARIF counts lines and columns from 1; a place not known (or not valid) is left out.
        if finding.line is not None and finding.line >= 1:
            region = {"startLine": finding.line}
            if finding.column is not None and finding.column >= 1:
                region["startColumn"] = finding.column
            physical["region"] = region
        location["physicalLocation"] = physical
    logical = {"fullyQualifiedName": finding.pointer, "kind": "member"}
    if finding.pointer:
        last = finding.pointer.rsplit("/", 1)[-1]
        logical["name"] = last.replace("~1", "/").replace("~0", "~")
    location["logicalLocations"] = [logical]
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {
            "text": finding.message if finding.message.strip() else CODES[finding.code].title
        },
        "locations": [location],
        "partialFingerprints": {_FINGERPRINT: fingerprint},
    }


def _fingerprint(key: tuple[str, str, str], occurrence: int) -> str:
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"{digest[:32]}:{occurrence}"


class _Artifacts:
    """The files of a run, each listed once by URI, in the order first met."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.entries: list[dict[str, Any]] = []
        self.relative = False
        self._index: dict[str, int] = {}
        self._uris: dict[str, tuple[str, bool]] = {}

    def add(self, file: str, *, target: bool = False) -> dict[str, Any]:
        """Return the artifact location of ``file``, listing the file if it is new."""
        if file not in self._uris:
            self._uris[file] = _uri(file, self.root)
        uri, relative = self._uris[file]
        location: dict[str, Any] = {"uri": uri}
        if relative:
            location["uriBaseId"] = _SRCROOT
            self.relative = True
        index = self._index.get(uri)
        if index is None:
            index = self._index[uri] = len(self.entries)
            self.entries.append({"location": dict(location)})
        if target:
            self.entries[index].setdefault("roles", ["analysisTarget"])
        return location | {"index": index}

    def base(self) -> dict[str, Any]:
        """Return what ``%SRCROOT%`` stands for."""
        if self.root is None:
            return {"description": {"text": "The folder the validated paths were given from."}}
        uri = self.root.as_uri()
        return {
            "uri": uri if uri.endswith("/") else f"{uri}/",
            "description": {"text": "The folder file URIs are relative to."},
        }


def _uri(file: str, root: Path | None) -> tuple[str, bool]:
    """Return the URI of ``file`` and whether it is relative to ``%SRCROOT%``."""
    path = Path(file)
    if root is not None:
        path = _absolute(path)
        inside = _relative_to(path, root)
        if inside is not None:
            return quote(inside, safe="/"), True
    if path.is_absolute():
        return path.as_uri(), False
    return quote(posixpath.normpath(path.as_posix()), safe="/"), True


def _absolute(path: Path) -> Path:
    """Return ``path`` made absolute and without ``.`` or ``..`` (symbolic links kept)."""
    return Path(os.path.normpath(path.absolute()))


def _relative_to(path: Path, root: Path) -> str | None:
    # GitHub cannot show a result in a file it knows by a symbolic link, so links are
    # resolved first; a file that is only under the root through a link keeps its path.
    for candidate, base in (
        (Path(os.path.realpath(path)), Path(os.path.realpath(root))),
        (path, root),
    ):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


def _pascal_case(code: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in code.split("_"))


def _plain(markdown: str) -> str:
    """Return catalogue text without its Markdown code marks, for a plain-text field."""
    return markdown.replace("`", "")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"
