"""Harvesting: a partnership's dataset from the registries that already hold its projects.

:mod:`unikommune.harvest.sources` reads each registry's published files into
plain, typed rows: the Research Council of Norway's open data (``rcn``),
CORDIS (``cordis``), Cristin (``cristin``) and the Central Coordinating
Register for Legal Entities (``brreg``).  :mod:`unikommune.harvest.mapping`
maps those rows to partners and projects (:func:`~unikommune.harvest.mapping.harvest`),
with the code tables of :mod:`unikommune.harvest.crosswalk` and the provenance of
:mod:`unikommune.harvest.provenance`; :mod:`unikommune.harvest.merge` combines
datasets; :mod:`unikommune.harvest.sdg` suggests SDG links and
:mod:`unikommune.harvest.download` fetches the files, each only when asked.
Commands: ``unikommune harvest`` and ``unikommune merge``.
"""
