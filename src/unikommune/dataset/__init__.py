"""The files of a dataset: its layout, the bounded reader, the shape of records, saving.

* :mod:`~unikommune.dataset.layout` — one document or a folder; which file holds what;
* :mod:`~unikommune.dataset.reader` — reading untrusted files into JSON values, every way
  they can be broken a finding;
* :mod:`~unikommune.dataset.lines` — the records of a JSON Lines file, one value a line,
  quickly where that is proven to read what the bounded reader reads;
* :mod:`~unikommune.dataset.locate` — where a JSON pointer sits in text;
* :mod:`~unikommune.dataset.mirror` and :mod:`~unikommune.dataset.shape` — the shape of
  a record against its model, every problem explained;
* :mod:`~unikommune.dataset.profile` — reading a profile;
* :mod:`~unikommune.dataset.save` — writing a dataset.

:func:`unikommune.load` (:mod:`unikommune.loading`) reads a dataset into models.
"""

from __future__ import annotations

from unikommune.dataset.layout import DATASET_FILE, PROFILE_FILE, folder_files
from unikommune.dataset.save import dump_document, save

__all__ = ["DATASET_FILE", "PROFILE_FILE", "dump_document", "folder_files", "save"]
