"""Harvesting: reading the registries that already hold a partnership's projects.

:mod:`unikommune.harvest.sources` reads each registry's published files into
plain, typed rows: the Research Council of Norway's open data (``rcn``),
CORDIS (``cordis``), Cristin (``cristin``) and the Central Coordinating
Register for Legal Entities (``brreg``).  Mapping those rows to unikommune
records, and merging them into a dataset, builds on these readers.
"""
