"""Views built from a dataset's files, reading only what the view needs.

:func:`yearly_dataset_read` gives what the yearly table reads, the same way.

:func:`co_participation_read` gives :func:`~unikommune.graph.co_participation`'s
network without a time filter, reading of each activity only the partners it ties
(:func:`unikommune.loading.iter_fields`): at national scale, where building the
models of 100,000 projects takes seconds, reading their partners takes a fraction of
that.  The partners themselves are loaded as models, since the network's nodes carry
their attributes.  The network is the one :func:`~unikommune.graph.co_participation`
builds from the loaded dataset, node for node, tie for tie and in the same order
(``tests/test_graph_streamed.py`` compares them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from unikommune.graph._common import roll_up
from unikommune.graph.views import (
    Counting,
    Level,
    check_via,
    co_participation_of,
    partner_groups,
    partner_ties,
)
from unikommune.models import Dataset

__all__ = ["co_participation_read", "yearly_dataset_read"]


def co_participation_read(
    path: str | os.PathLike[str],
    *,
    dataset: Dataset | None = None,
    via: Iterable[str] = ("projects",),
    counting: Counting = "full",
    level: Level = "unit",
) -> nx.Graph[str]:
    """Return ``co_participation(load(path), via=via, counting=counting, level=level)``.

    The activities of ``via`` are read for the partners they tie only: a record wrong
    in a field the network does not read is counted, where :func:`unikommune.load`
    would refuse it (:func:`unikommune.validate` finds it).

    Args:
        path: The dataset (a folder or a ``dataset.json`` document).
        dataset: Its partners, loaded already; else they are loaded from ``path``.
        via: Kinds of activity that tie partners (see :func:`co_participation`).
        counting: ``"full"`` or ``"fractional"``.
        level: ``"unit"`` or ``"organisation"``.

    Raises:
        DatasetReadError: a file cannot be read.
        InvalidDatasetError: the metadata, a partner, or an activity whose partners
            cannot be read certainly, does not fit the models.
        ValueError: an argument is not one of its values.
    """
    from unikommune.loading import load

    chosen = check_via(via)
    if dataset is None:
        dataset = load(path, collections=["partners"])
    top = roll_up(dataset) if level == "organisation" else {}
    groups = _groups(path, chosen, top)
    return co_participation_of(dataset, groups, via=chosen, counting=counting, level=level)


def _groups(
    path: str | os.PathLike[str], kinds: tuple[str, ...], top: dict[str, str]
) -> Iterator[tuple[str, ...]]:
    from unikommune.loading import iter_fields

    for kind in kinds:
        yield from partner_groups(kind, iter_fields(path, kind, partner_ties(kind)), top)


def yearly_dataset_read(
    path: str | os.PathLike[str], *, dataset: Dataset | None = None
) -> tuple[Dataset, list[Any]]:
    """Return the dataset :func:`~unikommune.graph.yearly_metrics` reads, and its placements.

    The partners and the agreements are models (loaded here unless ``dataset`` holds
    them); the other activities are read for :data:`~unikommune.graph.yearly.ACTIVITY_FIELDS`
    and the placements for :data:`~unikommune.graph.yearly.PLACEMENT_FIELDS` only
    (:func:`unikommune.loading.iter_fields`): light records where that is certain,
    models otherwise.  ``yearly_metrics(*...)`` of the two is ``yearly_metrics`` of the
    loaded dataset; the dataset serves that table and nothing else.

    Raises:
        DatasetReadError, InvalidDatasetError: as :func:`co_participation_read`.
    """
    from unikommune.graph.yearly import ACTIVITY_FIELDS, PLACEMENT_FIELDS
    from unikommune.loading import iter_fields, load

    if dataset is None:
        dataset = load(path, collections=["partners", "agreements"])
    light = {
        kind: list(iter_fields(path, kind, fields)) for kind, fields in ACTIVITY_FIELDS.items()
    }
    placements = list(iter_fields(path, "placements", PLACEMENT_FIELDS))
    return dataset.model_copy(update=light), placements
