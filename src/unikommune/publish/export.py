"""Export a dataset in one of the published forms, through the privacy guard.

:func:`export` is what ``unikommune export`` calls: it guards the dataset
(:mod:`unikommune.publish.guard`), refuses personal data unless told the data is
not personal, and writes the form asked for with the small counts hidden.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from unikommune.collector import collector_paused
from unikommune.errors import PersonalDataError
from unikommune.models import Dataset
from unikommune.publish.guard import Guarded, guard

if TYPE_CHECKING:
    from unikommune.publish.dcat import CatalogueConfig

__all__ = ["FORMS", "Exported", "export"]

#: The forms :func:`export` writes, by their name on the command line.
FORMS = ("csv", "xlsx", "jsonld", "turtle", "nt", "dcat")


@dataclass(frozen=True)
class Exported:
    """What an export wrote, and what the guard found on the way."""

    form: str
    files: list[Path]
    guarded: Guarded
    tables: int = 0
    rows: int = 0
    notes: list[dict[str, object]] = field(default_factory=list)


def export(
    dataset: Dataset,
    path: str | os.PathLike[str],
    form: str,
    *,
    minimum: int = 3,
    exempt: Collection[str] = (),
    not_personal: bool = False,
    force: bool = False,
    base: str | None = None,
    catalogue: CatalogueConfig | None = None,
) -> Exported:
    """Write ``dataset`` at ``path`` in ``form`` (one of :data:`FORMS`), guarded.

    Args:
        dataset: the dataset to publish.
        path: a folder for ``csv`` (missing or empty), a file for ``xlsx``.
        form: ``csv`` (a Frictionless Data Package) or ``xlsx`` (a workbook).
        minimum: the smallest count of people published as it is.
        exempt: e-mail addresses and telephone numbers of organisations' contact points.
        not_personal: write even when the guard finds personal data (the caller says
            the values found are not about persons).
        force: replace an existing workbook (or linked-data file).
        base: the base of the records' IRIs in ``jsonld``, ``turtle`` and ``nt``
            (see :func:`unikommune.publish.jsonld.jsonld_document`).
        catalogue: for ``dcat``, what the catalogue record needs that the dataset does
            not hold (:class:`unikommune.publish.dcat.CatalogueConfig`).

    Raises:
        PersonalDataError: the guard found personal data and ``not_personal`` is false;
            nothing is written.
        DatasetWriteError: the target is refused or cannot be written.
        ValueError: ``form`` is not one of :data:`FORMS`.
    """
    from unikommune.publish import tables

    if form not in FORMS:
        raise ValueError(f"{form!r} is not a form of export; expected one of {', '.join(FORMS)}")
    with collector_paused():
        guarded = guard(dataset, minimum=minimum, exempt=exempt)
        if guarded.blocked and not not_personal:
            raise PersonalDataError(guarded.findings)
        if form == "dcat":
            from unikommune.publish.dcat import CatalogueConfig, write_dcat

            write_dcat(guarded.dataset, catalogue or CatalogueConfig(), path, force=force)
            return Exported(form, [Path(path)], guarded)
        notes: list[dict[str, object]] = [
            {
                "pointer": item.pointer,
                "reason": item.reason.value,
                "published_as": item.published_as,
                "group": list(item.group),
            }
            for item in guarded.suppressed
        ]
        if form in ("jsonld", "turtle", "nt"):
            from unikommune.publish.jsonld import jsonld_document, write_rdf

            document = jsonld_document(guarded.dataset, guarded.document, base=base)
            write_rdf(document, path, form, force=force)
            return Exported(form, [Path(path)], guarded, 0, 0, notes)
        # The tables are read from the guarded document; of the dataset they read only what
        # the guard never changes (its title, description, licence and languages), so the
        # given one serves, and the copy with the counts hidden is never made.  They are
        # written with the collector still paused: their rows are millions of objects, and
        # one full collection while writing took a tenth of the export of a country.
        found = tables.dataset_tables(guarded.given, guarded.document)
        if form == "csv":
            files = tables.write_package(guarded.given, path, found, notes)
        else:
            files = [tables.write_workbook(guarded.given, path, found, notes, force=force)]
    return Exported(form, files, guarded, len(found), sum(len(data.rows) for data in found), notes)
