"""Read a profile: from ``profile.json``, from a dataset document, or from a file given.

The one reader of profiles: :func:`validate <unikommune.validate>`, ``load`` and
``unikommune validate --profile`` all read a profile here, and get the same
findings for the same problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune.dataset.layout import describe, schema_finding
from unikommune.dataset.reader import read_json
from unikommune.dataset.shape import profile_validator, structural_findings
from unikommune.findings import RawFinding
from unikommune.models import Profile

__all__ = ["profile_of", "read_profile"]


def profile_of(
    document: Any, file: str | None, prefix: str
) -> tuple[Profile | None, list[RawFinding]]:
    """Return the profile ``document`` holds (at ``prefix`` in ``file``), or the findings."""
    try:
        profile_validator().validate_python(document)
    except ValidationError as error:
        return None, [
            finding
            for finding in structural_findings(error, file, prefix, model=Profile)
            if not finding.pointer.endswith("/$schema")
        ]
    try:
        return Profile.model_validate(document), []
    except ValidationError:  # pragma: no cover - the mirror has the same shape
        return None, []


def read_profile(path: Path, max_bytes: int) -> tuple[Profile | None, list[RawFinding]]:
    """Read the profile file at ``path``: the profile, or ``None``, with every finding.

    Raises:
        DatasetReadError: the path cannot be opened.
    """
    file = str(path)
    parsed = read_json(path, max_bytes)
    findings = list(parsed.findings)
    if not parsed.ok:
        return None, findings
    if not isinstance(parsed.value, dict):
        findings.append(
            RawFinding(
                "wrong_type",
                f"expected a profile (a JSON object), found {describe(parsed.value)}",
                file,
            )
        )
        return None, findings
    wrong = schema_finding(parsed.value, "profile", file)
    if wrong is not None:
        findings.append(wrong)
    profile, problems = profile_of(parsed.value, file, "")
    return profile, findings + problems
