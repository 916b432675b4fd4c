"""Read a profile: from ``profile.json``, from a dataset document, or from a file given.

The one reader of profiles: :func:`validate <unikommune.validate>`, ``load`` and
``unikommune validate --profile`` all read a profile here, and get the same
findings for the same problems.  What they get is the *effective* profile: one
that ``extends`` another comes merged with it (:meth:`Profile.extended
<unikommune.models.Profile.extended>`).

``extends`` names a shipped profile by its id (``trd3.0``), or a profile file by its
path relative to the folder of the profile that names it (for an inline profile, the
folder of the dataset document).  The path must stay inside the dataset's folder
(``root``); nothing is ever fetched from the web.  A profile that cannot be used is
never replaced by the default one:

* ``extends`` naming no shipped profile and no file there is ``unknown_profile``;
* a profile that cannot be read, is not a profile, or extends itself through a chain
  of files is ``profile_unreadable``, at each problem, whose message keeps what the
  reader found (the code it would otherwise have, such as ``missing_field``).

Either way the profile is ``None``, and the validator leaves the checks of areas,
measures and roles undone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune.dataset.layout import describe
from unikommune.dataset.messages import structural_findings
from unikommune.dataset.reader import read_json
from unikommune.dataset.shape import profile_validator, schema_problem
from unikommune.findings import RawFinding
from unikommune.models import Profile
from unikommune.models.profile import profile_problems, shipped_profile, shipped_profile_ids

__all__ = ["MAX_PROFILE_BYTES", "profile_of", "read_profile", "unreadable"]

#: Largest profile file read; a profile is a few kilobytes.
MAX_PROFILE_BYTES = 16 * 1024 * 1024
#: What a profile that cannot be used costs, said in every ``profile_unreadable`` message.
_CONSEQUENCE = "the profile cannot be used, so areas, measures and roles are not checked"


def unreadable(finding: RawFinding) -> RawFinding:
    """Return ``finding`` (a problem that makes a profile unusable) as ``profile_unreadable``.

    The place is kept; the message keeps the problem and the code it had.
    """
    if finding.code in {"profile_unreadable", "unknown_profile"}:
        return finding
    return RawFinding(
        "profile_unreadable",
        f"{finding.message} ({finding.code}); {_CONSEQUENCE}",
        finding.file,
        finding.pointer,
        finding.line,
        finding.column,
        finding.key,
    )


#: Findings of reading a file that leave it readable (a warning).
_READABLE = frozenset({"byte_order_mark"})


def profile_of(
    document: Any,
    file: str | None,
    prefix: str,
    *,
    root: Path | None = None,
    max_bytes: int = MAX_PROFILE_BYTES,
    _chain: tuple[Path, ...] = (),
) -> tuple[Profile | None, list[RawFinding]]:
    """Return the effective profile ``document`` holds (at ``prefix`` in ``file``), or findings.

    A relative ``extends`` is read from the folder of ``file`` and must lie inside
    ``root`` (the dataset's folder; that same folder when not given).  A profile of
    the wrong shape or with problems gives ``profile_unreadable`` findings; one that
    extends a profile not found gives ``unknown_profile``.
    """
    try:
        view = profile_validator().validate_python(document)
    except ValidationError as error:
        return None, [
            unreadable(finding)
            for finding in structural_findings(error, file, prefix, model=Profile)
            if not finding.pointer.endswith("/$schema")
        ]
    base: Profile | None = None
    findings: list[RawFinding] = []
    if view.extends is not None:
        base, findings = _base(view.extends, file, prefix, root, max_bytes, _chain)
        if base is None:
            return None, findings
    problems = [
        RawFinding(
            "profile_unreadable",
            f"{pointer.lstrip('/')}: {message}; {_CONSEQUENCE}",
            file,
            prefix + pointer,
        )
        for pointer, message in profile_problems(view, base)
    ]
    if problems:
        return None, findings + problems
    try:
        profile = Profile.model_validate(document)
    except ValidationError as error:  # a check of a part of it, such as a language tag
        return None, findings + [
            unreadable(finding)
            for finding in structural_findings(error, file, prefix, model=Profile)
        ]
    return (profile if base is None else profile.extended(base)), findings


def _base(
    extends: str,
    file: str | None,
    prefix: str,
    root: Path | None,
    max_bytes: int,
    chain: tuple[Path, ...],
) -> tuple[Profile | None, list[RawFinding]]:
    """Return the profile ``extends`` names (effective), or the findings why not."""
    shipped = shipped_profile(extends)
    if shipped is not None:
        return shipped, []
    pointer = f"{prefix}/extends"
    names = ", ".join(shipped_profile_ids())

    def unknown(why: str) -> tuple[None, list[RawFinding]]:
        return None, [
            RawFinding(
                "unknown_profile",
                f"extends: {extends!r} {why}; name a shipped profile ({names}) or the "
                f"relative path of a profile file; {_CONSEQUENCE}",
                file,
                pointer,
            )
        ]

    if "://" in extends:
        return unknown(
            "is a web address, and profiles are never fetched; save the profile "
            "next to this one and name its path"
        )
    if file is None:
        return unknown(
            "is not a shipped profile, and a profile given in memory has no "
            "folder to find a file in"
        )
    folder = Path(file).parent
    inside = (root if root is not None else folder).resolve()
    given = folder / extends
    path = given.resolve()
    if Path(extends).is_absolute() or not path.is_relative_to(inside):
        return unknown(f"lies outside the dataset's folder {str(inside)!r}")
    if not path.is_file():
        return unknown(f"is no shipped profile and no file {str(given)!r}")
    here = Path(file).resolve()
    if path in chain or path == here:
        cycle = " → ".join(step.name for step in (*chain, here, path))
        return None, [
            RawFinding(
                "profile_unreadable",
                f"extends: {extends!r} leads back to a profile that extends it ({cycle}); "
                f"break the cycle; {_CONSEQUENCE}",
                file,
                pointer,
            )
        ]
    return read_profile(given, max_bytes, root=inside, _chain=(*chain, here))


def read_profile(
    path: Path,
    max_bytes: int = MAX_PROFILE_BYTES,
    *,
    root: Path | None = None,
    _chain: tuple[Path, ...] = (),
) -> tuple[Profile | None, list[RawFinding]]:
    """Read the profile file at ``path``: the effective profile, or ``None``, with every finding.

    ``root`` is the folder a relative ``extends`` must stay in: the dataset's folder
    (the file's own folder when not given).  A file that cannot be read, or is not a
    profile, gives ``profile_unreadable`` (see the module docstring).

    Raises:
        DatasetReadError: the path cannot be opened.
    """
    file = str(path)
    parsed = read_json(path, max_bytes)
    if not parsed.ok:
        return None, [
            finding if finding.code in _READABLE else unreadable(finding)
            for finding in parsed.findings
        ]
    findings = list(parsed.findings)
    if not isinstance(parsed.value, dict):
        findings.append(
            RawFinding(
                "profile_unreadable",
                f"expected a profile (a JSON object), found {describe(parsed.value)}; "
                f"{_CONSEQUENCE}",
                file,
            )
        )
        return None, findings
    wrong = schema_problem(parsed.value, "profile", file)
    if wrong is not None:
        findings.append(wrong)
    profile, problems = profile_of(
        parsed.value,
        file,
        "",
        root=root if root is not None else path.parent,
        max_bytes=max_bytes,
        _chain=_chain,
    )
    return profile, findings + problems
