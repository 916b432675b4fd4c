"""Publishing: a dataset in the forms that portals, analysts and spreadsheets take.

* :mod:`unikommune.publish.layout`: the tables a dataset is published as, read from
  the models.
* :mod:`unikommune.publish.tables`: a Frictionless Data Package of CSV files, or a
  workbook (XLSX); :mod:`unikommune.publish.tables_import` reads both back.
* :mod:`unikommune.publish.guard`: the privacy guard every export passes.
* :mod:`unikommune.publish.export`: the guard, then the form (``unikommune export``).

Nothing here is imported by ``import unikommune``; openpyxl (the ``publish`` extra)
is imported only when a workbook is written or read.
"""
