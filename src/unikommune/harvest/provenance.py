"""Where each harvested record comes from, kept beside the dataset in ``provenance.csv``.

The records of the format have no field for their origin, so a harvest writes one
row per record and source file into ``provenance.csv`` in the dataset folder: the
collection and id of the record, the source (``cordis``, ``rcn-eu``, ...), the file,
the line of the file where the record was first met, the date the file was
retrieved, and the source's own key of the record (``Prosjektnr=101999101``).  The
source's ids that are identifiers of the format (organisation numbers, grant and
project numbers) are in the records' ``identifiers`` too.  ``unikommune validate``
does not read the file (it reads ``.json`` and ``.jsonl`` files only); ``unikommune
merge`` reads it from each input and writes it again with the ids of the merge.

>>> row = ProvenanceRow("projects", "eu-101999101", "cordis", "project.csv", 2,
...                     "2024-03-01", "id=101999101")
>>> print(provenance_text([row]), end="")
"collection","id","source","file","line","retrieved","source_id"
"projects","eu-101999101","cordis","project.csv",2,"2024-03-01","id=101999101"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from unikommune import outputs
from unikommune.errors import DatasetReadError, DatasetWriteError
from unikommune.models import Dataset

__all__ = [
    "COLUMNS",
    "PROVENANCE_FILE",
    "ProvenanceRow",
    "check_folder",
    "provenance_text",
    "read_provenance",
    "renamed",
    "write_folder",
]

PROVENANCE_FILE = "provenance.csv"
COLUMNS = ("collection", "id", "source", "file", "line", "retrieved", "source_id")
#: The largest provenance file read (a country's harvest stays well below).
_MAX_BYTES = 1 << 30


@dataclass(frozen=True, slots=True, order=True)
class ProvenanceRow:
    """One record's origin in one source file."""

    collection: str
    id: str
    source: str
    file: str
    line: int | None
    retrieved: str
    source_id: str


def provenance_text(rows: Iterable[ProvenanceRow]) -> str:
    """Return ``rows`` as the CSV text of ``provenance.csv``, cells neutralised."""
    return outputs.csv_text(
        ({name: getattr(row, name) for name in COLUMNS} for row in rows), COLUMNS
    )


def read_provenance(folder: str | Path) -> list[ProvenanceRow]:
    """Return the rows of ``provenance.csv`` in a dataset folder (none when it has none).

    Raises:
        DatasetReadError: the file is there but is not a provenance table.
    """
    path = Path(folder) / PROVENANCE_FILE
    if not Path(folder).is_dir() or not path.is_file():
        return []
    if path.stat().st_size > _MAX_BYTES:
        raise DatasetReadError("the provenance table is larger than 1 GiB", path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetReadError(
            f"cannot read the provenance table: {error}", path=str(path)
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if tuple(header) != COLUMNS:
        raise DatasetReadError(
            f"not a provenance table: expected the columns {', '.join(COLUMNS)}", path=str(path)
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(COLUMNS):
            raise DatasetReadError(f"line {number}: expected {len(COLUMNS)} cells", path=str(path))
        values = [outputs.restore_cell(cell) for cell in cells]
        line = values[4]
        rows.append(
            ProvenanceRow(
                values[0],
                values[1],
                values[2],
                values[3],
                int(line) if line.isdigit() else None,
                values[5],
                values[6],
            )
        )
    return rows


def renamed(
    rows: Iterable[ProvenanceRow], ids: Mapping[tuple[str, str], str]
) -> list[ProvenanceRow]:
    """Return ``rows`` with each ``(collection, id)`` in ``ids`` given its new id, once each."""
    seen: dict[ProvenanceRow, None] = {}
    for row in rows:
        new = ids.get((row.collection, row.id), row.id)
        seen.setdefault(replace(row, id=new) if new != row.id else row, None)
    return list(seen)


def check_folder(folder: str | Path, *, force: bool = False) -> None:
    """Refuse, before any work is done, a folder :func:`write_folder` would refuse.

    Raises:
        DatasetWriteError: the folder holds files (without ``force``), or is a file.
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise DatasetWriteError(f"{target} is a file; name a folder")
    if not force and target.is_dir() and any(target.iterdir()):
        raise DatasetWriteError(
            f"{target} exists and is not an empty folder; choose a new folder, or --force"
        )


def write_folder(
    dataset: Dataset, rows: Iterable[ProvenanceRow], folder: str | Path, *, force: bool = False
) -> list[Path]:
    """Write ``dataset`` as a folder with its ``provenance.csv``; return the files written.

    Without ``force`` the folder must be new or empty, and its files appear one by one
    only when every one is written (:func:`unikommune.outputs.staged_folder`).  With
    ``force`` the dataset's own files and the provenance table are replaced.

    Raises:
        DatasetWriteError: the folder exists with files in it (without ``force``), or
            cannot be written.
    """
    from unikommune.dataset.save import save

    target = Path(folder)
    text = provenance_text(rows)
    if force:
        written = save(dataset, target, layout="folder", overwrite=True)
        outputs.write_text(target / PROVENANCE_FILE, text, force=True)
        return [*written, target / PROVENANCE_FILE]
    with outputs.staged_folder(target) as staging:
        names = [path.name for path in save(dataset, staging, layout="folder")]
        outputs.write_text(staging / PROVENANCE_FILE, text)
    return [target / name for name in (*names, PROVENANCE_FILE)]
