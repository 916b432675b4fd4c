"""Rewrite a dataset of format version 0.1 as version 0.2, losslessly.

Version 0.2 only adds to 0.1 (EDTF dates, estimates, figures, a funding line's
recipient and status, a partner's country, an agreement's revision, notice period
and maturity assessments), so every valid 0.1 document means the same in 0.2.
What changes is the version in the schema addresses: a document names its schema
in ``$schema``, ``https://w3id.org/unikommune/schema/0.1/dataset.json`` becomes
``https://w3id.org/unikommune/schema/0.2/dataset.json``.

:func:`upgrade` changes nothing else.  It parses each document to learn where its
``$schema`` values are (at the top, and in a profile kept inline in
``dataset.json``) and what they say, then replaces the version in the text of those
values alone: keys keep their order, white space, escapes and numbers their
spelling, and everything else in the file its line and column.  The result is
parsed again and compared with the original before anything is written.  JSON
Lines files carry no ``$schema`` and are copied byte for byte, as are the other
files of a dataset folder.

Nothing is written over the input unless ``in_place=True``; then each changed file
is replaced atomically (a synced temporary file in the same folder, renamed over
it; see :mod:`unikommune.outputs`).  Checking the result is the caller's:
``unikommune upgrade`` validates it with :func:`unikommune.validate`.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unikommune import outputs
from unikommune.dataset.layout import folder_files
from unikommune.dataset.reader import MAX_DOCUMENT_BYTES, decode, parse_text, read_file
from unikommune.errors import DatasetReadError, DatasetWriteError
from unikommune.findings import RawFinding
from unikommune.format import FORMAT_VERSION

__all__ = [
    "KNOWN_VERSIONS",
    "SCHEMA_ROOT",
    "UPGRADABLE_VERSIONS",
    "FileUpgrade",
    "Upgrade",
    "upgrade",
]

#: What every unikommune schema address starts with; the version and name follow.
SCHEMA_ROOT = "https://w3id.org/unikommune/schema/"
#: Versions :func:`upgrade` rewrites as :data:`~unikommune.format.FORMAT_VERSION`.
UPGRADABLE_VERSIONS = ("0.1",)
#: Every version this unikommune knows: the ones it upgrades, and the current one.
KNOWN_VERSIONS = (*UPGRADABLE_VERSIONS, FORMAT_VERSION)

_ADDRESS = re.compile(re.escape(SCHEMA_ROOT) + r"([^/]+)/([^/]+)\Z")
_BOM = b"\xef\xbb\xbf"
# The tokens of a valid JSON text: a string, a punctuation mark, or a number or literal.
_TOKEN = re.compile(r'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([{}\[\],:])|([^ \t\n\r{}\[\],:"]+))')
# Where a document may name its schema: at the top, and in a profile kept inline.
_SCHEMA_PLACES = (("$schema",), ("profile", "$schema"))


def _order(version: str) -> tuple[int, ...]:
    """Return a key that sorts known versions (such as ``0.1``) oldest first."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class FileUpgrade:
    """What :func:`upgrade` did with one file.

    ``version`` is the format version its ``$schema`` names (``None`` for a file that
    names none: a JSON Lines file, a profile without ``$schema``, a file outside the
    layout); ``pointers`` are the JSON pointers of the ``$schema`` values rewritten
    (none: the file is copied, or left alone in place); ``target`` is where it was
    written (``None`` when nothing was written).
    """

    source: Path
    version: str | None
    pointers: tuple[str, ...] = ()
    target: Path | None = None

    @property
    def changed(self) -> bool:
        """Return whether the file's ``$schema`` values are rewritten."""
        return bool(self.pointers)


@dataclass(frozen=True)
class Upgrade:
    """The outcome of :func:`upgrade`: the files, and where the upgraded dataset is.

    ``target`` is the upgraded dataset (the output, or the input when upgraded in
    place), ``None`` when nothing was written (already current, or a dry run).
    ``skipped`` are entries of a dataset folder that are not copied to the output:
    subfolders, symbolic links and anything but a regular file.
    """

    source: Path
    target: Path | None
    files: tuple[FileUpgrade, ...]
    skipped: tuple[Path, ...] = field(default=())

    @property
    def versions(self) -> tuple[str, ...]:
        """Return the format versions the input's documents name, oldest first."""
        found = {file.version for file in self.files if file.version is not None}
        return tuple(sorted(found, key=_order))

    @property
    def changed(self) -> tuple[FileUpgrade, ...]:
        """Return the files whose ``$schema`` values are rewritten."""
        return tuple(file for file in self.files if file.changed)

    @property
    def up_to_date(self) -> bool:
        """Return whether every document already follows the current format version."""
        return not self.changed


@dataclass
class _Plan:
    """A file read and, for a document, its new bytes (``None``: copy it unchanged).

    ``name`` is the schema its top-level ``$schema`` names (``dataset``,
    ``dataset-part``, ``profile``), if any.
    """

    source: Path
    version: str | None
    pointers: tuple[str, ...] = ()
    data: bytes | None = None
    name: str | None = None


def _refuse(path: Path, message: str) -> DatasetReadError:
    return DatasetReadError(f"cannot upgrade: {message}", path=str(path))


def _finding_message(finding: RawFinding) -> str:
    where = f"line {finding.line}, column {finding.column}: " if finding.line else ""
    return f"{where}{finding.message}"


def _spans(text: str) -> Iterator[tuple[tuple[str, ...], int, int]]:
    """Yield the place, start and end of each string value where a schema may be named.

    ``text`` is valid JSON (it was parsed before).  The walk keeps a stack of the
    open objects and arrays and the key each object is at, so that a ``"$schema"``
    inside a string or deeper in the document is never taken for one of these.
    """
    # Each frame: is it an object, the key it is at, and whether a key comes next.
    stack: list[list[Any]] = []
    position = 0
    end = len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:  # only white space is left
            break
        position = match.end()
        string, mark = match.group(1), match.group(2)
        top = stack[-1] if stack else None
        if string is not None:
            if top is not None and top[0] and top[2]:
                top[1] = json.loads(string)
                top[2] = False
                continue
            if top is not None and top[0] and len(stack) <= 2:
                place = tuple(frame[1] for frame in stack)
                if place in _SCHEMA_PLACES:
                    yield place, match.start(1), match.end(1)
        elif mark in ("{", "["):
            stack.append([mark == "{", None, mark == "{"])
        elif mark in ("}", "]"):
            stack.pop()
        elif mark == "," and top is not None and top[0]:
            top[2] = True


def _version_of(value: object, path: Path, pointer: str) -> str:
    """Return the format version a ``$schema`` value names; raise if it names none known."""
    if not isinstance(value, str):
        raise _refuse(
            path,
            f"{pointer}: expected the address of a unikommune schema, found {type(value).__name__}",
        )
    match = _ADDRESS.match(value)
    if match is None:
        raise _refuse(
            path,
            f"{pointer} is {value!r}, not the address of a unikommune schema "
            f"({SCHEMA_ROOT}VERSION/NAME.json), so the format version is not known; "
            "set it to the version the file follows",
        )
    version = match.group(1)
    if version not in KNOWN_VERSIONS:
        raise _refuse(
            path,
            f"{pointer} names format version {version!r}, which this unikommune does not "
            f"know: it upgrades {', '.join(UPGRADABLE_VERSIONS)} to {FORMAT_VERSION}. "
            "Use the unikommune that wrote the file, or correct the version",
        )
    return version


def _current(value: str) -> str:
    match = _ADDRESS.match(value)
    assert match is not None  # checked by _version_of
    return f"{SCHEMA_ROOT}{FORMAT_VERSION}/{match.group(2)}"


def _replaced(value: Any, place: tuple[str, ...]) -> Any:
    """Return ``value`` (the parsed document) with the schema at ``place`` made current."""
    if len(place) == 1:
        return {**value, place[0]: _current(value[place[0]])}
    return {**value, place[0]: _replaced(value[place[0]], place[1:])}


def _read_document(path: Path) -> tuple[bytes, str, Any]:
    """Return the byte order mark (if any), the text and the parsed value of a document."""
    data = read_file(path, MAX_DOCUMENT_BYTES)
    if isinstance(data, RawFinding):
        raise _refuse(path, data.message)
    text, findings = decode(data, str(path))
    if text is None:
        raise _refuse(path, _finding_message(findings[-1]))
    parsed = parse_text(text, str(path))
    if not parsed.ok:
        raise _refuse(path, _finding_message(parsed.findings[-1]))
    return (_BOM if data.startswith(_BOM) else b""), text, parsed.value


def _plan_document(path: Path, *, required: bool, kind: str) -> _Plan:
    """Read one JSON document and work out its new bytes.

    Args:
        path: the document.
        required: whether it must name its schema (a dataset or dataset-part document).
        kind: what the document is, for messages.
    """
    bom, text, value = _read_document(path)
    if not isinstance(value, dict):
        raise _refuse(path, f"a {kind} is a JSON object; found {type(value).__name__}")
    if "$schema" not in value:
        if required:
            raise _refuse(
                path,
                f"the {kind} has no $schema, so its format version is not known; add "
                f'"$schema" with the address of the schema it follows, such as '
                f'"{SCHEMA_ROOT}{UPGRADABLE_VERSIONS[0]}/dataset.json"',
            )
        return _Plan(path, None)
    versions: dict[tuple[str, ...], str] = {
        ("$schema",): _version_of(value["$schema"], path, "$schema")
    }
    inline = value.get("profile")
    if isinstance(inline, dict) and "$schema" in inline:
        versions[("profile", "$schema")] = _version_of(inline["$schema"], path, "profile.$schema")
    top = _ADDRESS.match(value["$schema"])
    name = top.group(2).removesuffix(".json") if top is not None else None
    old = {place for place, version in versions.items() if version in UPGRADABLE_VERSIONS}
    version = min(versions.values(), key=_order)
    if not old:
        return _Plan(path, version, name=name)
    pieces: list[str] = []
    done = 0
    rewritten: set[tuple[str, ...]] = set()
    for place, start, end in _spans(text):
        raw = text[start:end]
        found = json.loads(raw)
        address = _ADDRESS.match(found) if place in old and isinstance(found, str) else None
        if address is None or address.group(1) not in UPGRADABLE_VERSIONS:
            continue
        # Replace the version inside the text as written, so that escapes elsewhere in
        # the value stay as they are; a value that spells the version with escapes is
        # written anew.
        new = json.dumps(_current(found), ensure_ascii=False)
        for slash in ("/", "\\/"):
            spelled = f"{slash}schema{slash}{address.group(1)}{slash}"
            if raw.count(spelled) == 1:
                new = raw.replace(spelled, f"{slash}schema{slash}{FORMAT_VERSION}{slash}")
                break
        pieces += [text[done:start], new]
        done = end
        rewritten.add(place)
    pieces.append(text[done:])
    new_text = "".join(pieces)
    expected = value
    for place in old:
        expected = _replaced(expected, place)
    check = parse_text(new_text, str(path))
    if rewritten != old or not check.ok or check.value != expected:  # pragma: no cover - a bug
        raise DatasetWriteError(
            f"{path}: the rewritten document does not read back as the original with its "
            "$schema made current; nothing was written"
        )
    pointers = tuple("/" + "/".join(place) for place in sorted(old, key=len))
    return _Plan(path, version, pointers, bom + new_text.encode("utf-8"), name)


def _plan_file(path: Path) -> list[_Plan]:
    """Plan the upgrade of a single dataset document."""
    if path.suffix == ".jsonl":
        raise _refuse(
            path,
            "a JSON Lines file is one collection of a dataset folder and names no schema; "
            f"upgrade the folder: unikommune upgrade {path.parent}",
        )
    plan = _plan_document(path, required=True, kind="dataset document")
    if plan.name in {"dataset-part", "profile"}:
        raise _refuse(
            path,
            f"this file is part of a dataset folder (its $schema names the {plan.name} "
            f"schema); upgrade the folder: unikommune upgrade {path.parent}",
        )
    return [plan]


def _plan_folder(root: Path) -> tuple[list[_Plan], list[Path]]:
    """Plan the upgrade of a dataset folder; return the plans and the entries skipped."""
    files = folder_files(root)
    plans = [_plan_document(files.main, required=True, kind="dataset document")]
    if files.profile is not None:
        plans.append(_plan_document(files.profile, required=False, kind="profile"))
    for part in files.parts.values():
        plans.append(_plan_document(part, required=True, kind="dataset part"))
    planned = {plan.source.name for plan in plans}
    skipped: list[Path] = []
    try:
        entries = sorted(root.iterdir())
    except OSError as error:
        raise _refuse(root, f"cannot list the folder: {error.strerror}") from None
    for entry in entries:
        if entry.name in planned:
            continue
        if entry.is_symlink() or not entry.is_file():
            skipped.append(entry)
        else:
            plans.append(_Plan(entry, None))
    return plans, skipped


def _copy(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target, follow_symlinks=True)
    except OSError as error:
        raise DatasetReadError(
            f"cannot copy the file: {error.strerror or error}", path=str(source)
        ) from None


def _write_folder(plans: list[_Plan], out: Path) -> list[FileUpgrade]:
    done: list[FileUpgrade] = []
    with outputs.staged_folder(out) as staging:
        for plan in plans:
            if plan.data is not None:
                outputs.write_bytes(staging / plan.source.name, plan.data)
            else:
                _copy(plan.source, staging / plan.source.name)
            done.append(
                FileUpgrade(plan.source, plan.version, plan.pointers, out / plan.source.name)
            )
    return done


def _document_target(source: Path, out: Path) -> tuple[Path, bool]:
    """Return the file a single document is written to, and whether it may replace one."""
    try:
        if out.is_dir() and not out.is_symlink():
            if any(out.iterdir()):
                raise DatasetWriteError(
                    f"{out}: is a folder with something in it; name a new file or an empty "
                    "folder (upgrade never writes over what exists; --in-place replaces the input)"
                )
            return out / source.name, False
        if out.is_file() and not out.is_symlink():
            if out.stat().st_size:
                raise DatasetWriteError(
                    f"{out}: file exists; name a new file (upgrade never writes over what "
                    "exists; --in-place replaces the input)"
                )
            return out, True
    except OSError as error:
        raise DatasetWriteError(f"{out}: cannot write: {error.strerror or error}") from None
    return out, False


def upgrade(path: str | Path, out: str | Path | None = None, *, in_place: bool = False) -> Upgrade:
    """Rewrite the dataset at ``path`` (a document or a folder) in the current format version.

    Only the ``$schema`` values of its documents change, from an earlier version's
    address to the current one's; every other byte is kept (see the module docstring).

    Args:
        path: a ``dataset.json`` document or a dataset folder.
        out: where to write the upgraded dataset: a new file (for a document) or a new
            or empty folder (for a folder).  An empty file or folder may be named; one
            with something in it is refused.
        in_place: replace the input's changed files instead, each atomically.  With
            neither ``out`` nor ``in_place``, nothing is written: the result says what
            would change.

    Returns:
        What was done with each file.  A dataset already in the current version is
        left alone, and nothing is written (``up_to_date``).

    Raises:
        DatasetReadError: the input cannot be read, is not JSON, names no schema or a
            version that is not known.
        DatasetWriteError: ``out`` exists and is not empty, or cannot be written;
            a file to replace in place is a symbolic link.
        ValueError: both ``out`` and ``in_place`` are given.
    """
    source = Path(path)
    target = Path(out) if out is not None else None
    if target is not None and in_place:
        raise ValueError("give either out or in_place, not both")
    if target is not None and str(target) == outputs.STDOUT:
        raise DatasetWriteError(
            "-: an upgraded dataset is written to files, not to standard output; name a new "
            "file or folder"
        )
    if not source.exists():
        raise _refuse(source, "no such file or folder")
    skipped: list[Path] = []
    if source.is_dir():
        plans, skipped = _plan_folder(source)
    else:
        plans = _plan_file(source)
    changing = [plan for plan in plans if plan.data is not None]
    planned = tuple(FileUpgrade(plan.source, plan.version, plan.pointers) for plan in plans)
    if not changing or (target is None and not in_place):
        return Upgrade(source, None, planned, tuple(skipped))
    if in_place:
        for plan in changing:  # refuse before anything is replaced
            outputs.check_target(plan.source, force=True)
        for plan in changing:
            assert plan.data is not None
            outputs.write_bytes(plan.source, plan.data, force=True)
        files = tuple(
            FileUpgrade(
                plan.source, plan.version, plan.pointers, plan.source if plan.data else None
            )
            for plan in plans
        )
        return Upgrade(source, source, files, tuple(skipped))
    assert target is not None
    if source.is_dir():
        return Upgrade(source, target, tuple(_write_folder(plans, target)), tuple(skipped))
    written, replace = _document_target(source, target)
    assert plans[0].data is not None
    outputs.write_bytes(written, plans[0].data, force=replace)
    files = (FileUpgrade(plans[0].source, plans[0].version, plans[0].pointers, written),)
    return Upgrade(source, written, files, ())
