r"""Write output files so that a crash, a link or a spreadsheet cannot turn them against you.

Every file unikommune writes for a reader goes through this module: graph exports,
metrics tables and the folders ``unikommune init`` scaffolds.

* ``-`` is standard output.
* The file named is the one written.  If it is a symbolic link (even one that points
  nowhere), a folder or anything but a regular file, the write is refused with
  :class:`~unikommune.errors.DatasetWriteError`; links in the folders above it are
  followed as usual.
* An existing file is replaced only with ``force=True`` (``--force`` on the command line),
  and keeps its permission bits; a new file gets ``0o666`` less the umask.  Without
  ``force`` the new file is put in place with a hard link, which fails if a file appeared
  in the meantime, so a race cannot make a write replace what it was told to keep (on a
  file system without hard links: a last look, then a rename).
* The content goes to a temporary file in the same folder (``.NAME.XXXXXXXX.tmp``), is
  ``fsync``-ed, then renamed over the target in one step, and the folder is ``fsync``-ed
  so that the rename survives a crash: a reader finds the old file or the new one, never
  part of one.  If anything fails, the code writing into the stream included, the
  temporary file is removed and the target is as it was.
* Text is UTF-8.  A lone surrogate, which UTF-8 cannot hold, is written as the six
  characters ``\udXXX``: the escape that reads back to it from JSON.

:func:`write_text`, :func:`write_bytes` and :func:`open_text` (a stream) write a file;
:func:`check_target` says early whether a write would be refused.
:func:`staged_file` lends the temporary path to code that writes by name (matplotlib),
and :func:`staged_folder` stages the files of a new folder (``unikommune init``) and
moves them in one by one, each as above.

CSV cells are neutralised by :func:`neutralise_cell`, which :func:`csv_text` applies to
every cell, so that no spreadsheet reads a value as a formula.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import numbers
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from unikommune.errors import DatasetWriteError

__all__ = [
    "STDOUT",
    "check_target",
    "csv_text",
    "neutralise_cell",
    "open_text",
    "restore_cell",
    "staged_file",
    "staged_folder",
    "write_bytes",
    "write_text",
]

#: The path that means standard output.
STDOUT = "-"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
#: What ``link()`` fails with on file systems without hard links.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV}
#: What ``fsync()`` of a folder fails with where folders cannot be synced.
_NO_FOLDER_SYNC = {errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EBADF}


def _is_stdout(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path) == STDOUT


def _cannot_write(target: Path, error: OSError) -> DatasetWriteError:
    if isinstance(error, DatasetWriteError):
        return error
    if isinstance(error, FileNotFoundError) and not target.parent.is_dir():
        return DatasetWriteError(f"{target}: cannot write: the folder {target.parent} is missing")
    return DatasetWriteError(f"{target}: cannot write: {error.strerror or error}")


def _existing(target: Path, *, force: bool) -> os.stat_result | None:
    """Return the status of the regular file ``target`` replaces, or ``None`` if it is new."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _cannot_write(target, error) from None
    if stat.S_ISLNK(info.st_mode):
        raise DatasetWriteError(
            f"{target}: is a symbolic link, which is never written through; "
            "remove the link or name another file"
        )
    if stat.S_ISDIR(info.st_mode):
        raise DatasetWriteError(f"{target}: is a folder; name a file to write")
    if not stat.S_ISREG(info.st_mode):
        raise DatasetWriteError(f"{target}: is not a regular file; name a file to write")
    if not force:
        raise DatasetWriteError(f"{target}: file exists; pass --force to replace it")
    return info


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> None:
    """Raise if writing to ``path`` would be refused; do nothing for standard output.

    Raises:
        DatasetWriteError: ``path`` is a symbolic link, a folder or not a regular file, or
            exists and ``force`` is false.
    """
    if not _is_stdout(path):
        _existing(Path(path), force=force)


def _temporary_name(target: Path) -> Path:
    # Keep the name within NAME_MAX, and end it with the target's suffix for code that
    # picks a format by suffix.
    suffix = target.suffix if len(target.suffix) <= 16 else ""
    return target.with_name(f".{target.name[:100]}.{secrets.token_hex(4)}.tmp{suffix}")


def _new_temporary(target: Path) -> tuple[int, Path]:
    """Create a new, empty temporary file beside ``target``; return its descriptor and path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    for _ in range(100):
        temporary = _temporary_name(target)
        try:
            # The kernel applies the umask (and a folder's default ACL) to 0o666.
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(target.parent))


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    except OSError:
        return  # a folder that cannot be opened (or a platform that opens none) cannot be synced
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in _NO_FOLDER_SYNC:
            raise
    finally:
        os.close(handle)


def _place(temporary: Path, target: Path, *, force: bool) -> None:
    """Move the finished ``temporary`` onto ``target`` in one step, and sync the folder."""
    if force:
        temporary.replace(target)
    else:
        try:
            target.hardlink_to(temporary)
        except FileExistsError:
            _existing(target, force=False)  # says why: a link, a folder, or a file
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            _existing(target, force=False)
            temporary.replace(target)
        else:
            temporary.unlink()
    _sync_folder(target.parent)


@contextlib.contextmanager
def _staging(target: Path, *, force: bool) -> Iterator[tuple[int, Path]]:
    """Yield the descriptor and path of a temporary file that becomes ``target`` on success."""
    existing = _existing(target, force=force)
    try:
        handle, temporary = _new_temporary(target)
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        if existing is not None:
            os.fchmod(handle, stat.S_IMODE(existing.st_mode))
        yield handle, temporary
        os.fsync(handle)
        os.close(handle)
        handle = -1
        _place(temporary, target, force=force)
    except BaseException as error:
        if handle >= 0:
            os.close(handle)
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(target, error) from None
        raise


def _encodable(text: str) -> str:
    r"""Return ``text`` with every lone surrogate written as its ``\udXXX`` escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


@contextlib.contextmanager
def open_text(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream whose content replaces ``path`` when the block ends.

    ``-`` yields standard output.  If the block raises, nothing is written.

    Raises:
        DatasetWriteError: the target is refused (see :func:`check_target`) or cannot be
            written.
    """
    if _is_stdout(path):
        yield sys.stdout
        sys.stdout.flush()
        return
    with _staging(Path(path), force=force) as (handle, _):
        stream = os.fdopen(
            handle, "w", encoding="utf-8", errors="backslashreplace", newline="", closefd=False
        )
        with stream:
            yield stream


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` (``-``: standard output) as UTF-8, atomically.

    Raises:
        DatasetWriteError: the target is refused (see :func:`check_target`) or cannot be
            written.
    """
    if _is_stdout(path):
        sys.stdout.write(_encodable(text))
        sys.stdout.flush()
        return
    write_bytes(path, text.encode("utf-8", "backslashreplace"), force=force)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` (``-``: standard output), atomically.

    Raises:
        DatasetWriteError: the target is refused (see :func:`check_target`) or cannot be
            written.
    """
    if _is_stdout(path):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with _staging(Path(path), force=force) as (handle, _):
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]


@contextlib.contextmanager
def staged_file(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Yield an empty temporary file beside ``path``, with its suffix, that becomes ``path``.

    For code that writes to a file by name: write into the path yielded (do not replace
    it).  When the block ends it is synced and renamed onto ``path``; if the block raises,
    it is removed.

    Raises:
        DatasetWriteError: the target is refused (see :func:`check_target`) or cannot be
            written.
        ValueError: ``path`` is ``-``.
    """
    if _is_stdout(path):
        raise ValueError("a staged file needs a name; standard output has none")
    with _staging(Path(path), force=force) as (_, temporary):
        yield temporary


def _empty_folder(target: Path) -> bool:
    """Return whether ``target`` is an existing empty folder (``False``: it does not exist)."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise _cannot_write(target, error) from None
    if stat.S_ISLNK(info.st_mode):
        raise DatasetWriteError(
            f"{target}: is a symbolic link, which is never written through; name the folder itself"
        )
    if not stat.S_ISDIR(info.st_mode) or any(target.iterdir()):
        raise DatasetWriteError(f"{target}: exists and is not an empty folder")
    return True


@contextlib.contextmanager
def staged_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty staging folder whose files move into ``path`` when the block ends.

    ``path`` must be missing (it is made, with its parents) or an empty folder.  The
    staging folder is hidden inside it; the files written there (files only, no
    subfolders) are synced and moved in one by one without replacing anything.  If the
    block raises or a move fails, every file moved, the staging folder and a folder made
    here are removed again.

    Raises:
        DatasetWriteError: ``path`` is a link, a file or a folder with something in it, or
            cannot be written.
    """
    target = Path(path)
    made = False
    try:
        if not _empty_folder(target):
            target.mkdir(mode=0o777, parents=True)
            made = True
        staging = _new_staging(target)
    except OSError as error:
        if made:
            with contextlib.suppress(OSError):
                target.rmdir()
        raise _cannot_write(target, error) from None
    moved: list[Path] = []
    try:
        yield staging
        files = sorted(staging.iterdir())
        for file in files:
            if not file.is_file() or file.is_symlink():
                raise DatasetWriteError(f"{file}: a staged folder holds regular files only")
            _sync_file(file)
        for file in files:
            _place(file, target / file.name, force=False)
            moved.append(target / file.name)
        staging.rmdir()
        _sync_folder(target)
        if made:
            _sync_folder(target.parent)
    except BaseException as error:
        for file in moved:
            file.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                target.rmdir()
        if isinstance(error, OSError):
            raise _cannot_write(target, error) from None
        raise


def _new_staging(target: Path) -> Path:
    for _ in range(100):
        staging = target / f".unikommune.{secrets.token_hex(4)}.tmp"
        try:
            staging.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return staging
    raise FileExistsError(errno.EEXIST, "no unused temporary name", str(target))


def _sync_file(file: Path) -> None:
    handle = os.open(file, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# CSV cells that a spreadsheet reads as a formula, after OWASP's "CSV Injection"
# (https://owasp.org/www-community/attacks/CSV_Injection): a cell must not begin with
# =, +, -, @, tab, carriage return or line feed, and each field is wrapped in double
# quotes (doubling the quotes inside) and prefixed with a single quote.  NUL is added
# after ASVS 5.0 requirement 1.2.10.  Only text is prefixed: a value that is a number in
# the data is written bare and stays a number; text that looks like one ("-1") is text.
_FORMULA_STARTS = frozenset("=+-@\t\r\n\0")


def _starts_formula(text: str) -> bool:
    return text.lstrip("'")[:1] in _FORMULA_STARTS


def neutralise_cell(value: Any) -> Any:
    """Return ``value`` as a CSV cell that no spreadsheet reads as a formula.

    Numbers (but not booleans) are returned as they are, ``None`` as ``""``, anything
    else as text.  Text that begins with ``=``, ``+``, ``-``, ``@``, tab, carriage return,
    line feed or NUL, after any single quotes, gets one ``'`` in front; so does text
    that begins with quotes and then one of those, which keeps :func:`restore_cell` exact.

    >>> neutralise_cell("=1+2"), neutralise_cell(-3.5), neutralise_cell("-1")
    ("'=1+2", -3.5, "'-1")
    """
    if value is None:
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if _starts_formula(text) else text


def restore_cell(text: str) -> str:
    """Return the text that :func:`neutralise_cell` turned into ``text``.

    >>> restore_cell("'=1+2"), restore_cell("'quoted"), restore_cell("''=1")
    ('=1+2', "'quoted", "'=1")
    """
    return text[1:] if text.startswith("'") and _starts_formula(text) else text


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    r"""Return ``rows`` as CSV with a header of ``columns``, every cell neutralised.

    Text cells are quoted, numbers bare (:data:`csv.QUOTE_NONNUMERIC`); a column a row
    lacks is empty.  Lines end in ``\n``.

    >>> print(csv_text([{"name": "=1+2", "weight": -3.5}], ["name", "weight"]), end="")
    "name","weight"
    "'=1+2",-3.5
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([neutralise_cell(column) for column in columns])
    for row in rows:
        writer.writerow([neutralise_cell(row.get(column)) for column in columns])
    return out.getvalue()
