"""The importers: each source's files mapped to a unikommune dataset.

:func:`harvest` reads the files of one source with the readers of
:mod:`unikommune.harvest.sources`, maps their rows to partners and projects
(:mod:`~unikommune.harvest.crosswalk` holds the code tables), and returns a
:class:`~unikommune.harvest.build.HarvestResult`: a dataset that validates, every
problem met (what could not be read or mapped), and the provenance of each record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType

from unikommune.collector import collector_paused
from unikommune.harvest.build import Filters, Harvest, HarvestError, HarvestResult
from unikommune.harvest.mapping.brreg import map_brreg
from unikommune.harvest.mapping.cordis import map_cordis
from unikommune.harvest.mapping.cristin import map_cristin
from unikommune.harvest.mapping.rcn import map_eu_grants, map_projects

__all__ = ["LICENCES", "SOURCES", "harvest"]

Importer = Callable[[Harvest, Sequence[Path], date | None], None]


def _each(read: Callable[[Harvest, Path, date | None], None]) -> Importer:
    def importer(harvest: Harvest, paths: Sequence[Path], retrieved: date | None) -> None:
        for path in paths:
            read(harvest, path, retrieved)

    return importer


#: The importer of each source, by the name the command line gives it.
SOURCES: MappingProxyType[str, Importer] = MappingProxyType(
    {
        "rcn-eu": _each(map_eu_grants),
        "rcn-projects": _each(map_projects),
        "cordis": map_cordis,
        "cristin": map_cristin,
        "brreg": map_brreg,
    }
)

#: The licence each source publishes under, given to the harvested dataset by default.
LICENCES: MappingProxyType[str, str] = MappingProxyType(
    {
        "rcn-eu": "NLOD-2.0",
        "rcn-projects": "NLOD-2.0",
        "cordis": "CC-BY-4.0",
        "cristin": "CC-BY-4.0",
        "brreg": "NLOD-2.0",
    }
)


def harvest(
    source: str,
    paths: Sequence[str | Path],
    *,
    filters: Filters | None = None,
    retrieved: date | None = None,
    today: date | None = None,
    licence: str | None = None,
    suggest_sdg: bool = False,
) -> HarvestResult:
    """Harvest the files of ``source`` into a dataset.

    Args:
        source: One of :data:`SOURCES` (``rcn-eu``, ``rcn-projects``, ``cordis``,
            ``cristin``, ``brreg``).
        paths: The files as downloaded (see ``docs/harvest/``).
        filters: Which partners, municipalities and years to keep; all by default.
        retrieved: When the files were downloaded; by default the day each was last
            modified.
        today: The date the dataset is modified; today by default.
        licence: The dataset's licence; by default the source's (:data:`LICENCES`).
        suggest_sdg: Add suggested (never declared) SDG links to the projects, by the
            keyword set of :mod:`unikommune.harvest.sdg`.

    Raises:
        HarvestError: ``source`` is unknown, a file is missing, or a filter cannot
            apply to the source.
        SourceFormatError: A file is not in the layout of the source.
    """
    importer = SOURCES.get(source)
    if importer is None:
        raise HarvestError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    files = [Path(path) for path in paths]
    if not files:
        raise HarvestError("no files to harvest: give the files as downloaded, or --download")
    for file in files:
        if not file.exists():
            raise HarvestError(f"{file}: no such file")
    work = Harvest(filters or Filters())
    with collector_paused():  # rows and records by the hundred thousand, no cycle
        importer(work, files, retrieved)
        result = work.result(licence=licence or LICENCES[source], today=today)
    if not suggest_sdg:
        return result
    from unikommune.harvest.sdg import suggest_links

    dataset, _ = suggest_links(result.dataset)
    return HarvestResult(dataset, result.problems, result.provenance)
