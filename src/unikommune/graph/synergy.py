"""Helix synergy: Leydesdorff's mutual information among sector participation, in bits.

Every activity (by default every project) is read as a record of which helix sectors take
part in it: public sector, academia, industry and, for the quadruple helix, civil society.
The mutual information among those three or four binary variables is

* three sectors: ``T = H(x) + H(y) + H(z) − H(x,y) − H(x,z) − H(y,z) + H(x,y,z)``
* four sectors: ``T = ΣH(i) − ΣH(i,j) + ΣH(i,j,k) − H(w,x,y,z)``

with Shannon entropies in bits over the activities (Leydesdorff, Park and Lengyel 2014,
"A routine for measuring synergy in university–industry–government relations",
*Scientometrics* 99: 27–35).  **Sign convention: a negative value is synergy**, a
reduction of uncertainty that no two sectors explain between them; a positive value means
the sectors' participation overlaps more than it adds up.  In four dimensions the sign
alternates with the order of the interaction terms, so read ``T4`` beside ``T3``.

The same reads any other grouping of partners: with ``group_by="kind"`` the groups are
kinds of partner (:data:`KIND_HELIX` by default), so that a research institute and a
university, both academia, count as two groups.

For binary variables ``T3`` lies between ``−min I(x;y|z)`` and ``min I(x;y)`` over the
three pairs, so within ``[−1, 1]`` bit, and ``T4 = T3(x,y,z) − T3(x,y,z | w)`` within
``[−2, 2]``; a sector that takes part in every activity, or in none, gives ``T = 0``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations

from unikommune.codelists import HelixSector, PartnerKind
from unikommune.graph._common import GroupBy, When, check_group_by
from unikommune.graph.views import Activity, activities
from unikommune.models import Dataset

__all__ = [
    "KIND_HELIX",
    "QUADRUPLE_HELIX",
    "TRIPLE_HELIX",
    "entropy",
    "helix_groups",
    "helix_synergy",
    "mutual_information",
    "profiles_of",
    "sector_profiles",
]

#: The triple helix: government (public sector), university (academia) and industry.
TRIPLE_HELIX = (HelixSector.PUBLIC_SECTOR, HelixSector.ACADEMIA, HelixSector.INDUSTRY)
#: The quadruple helix adds civil society.
QUADRUPLE_HELIX = (*TRIPLE_HELIX, HelixSector.CIVIL_SOCIETY)
#: The helix read by kind of partner (``group_by="kind"``): the kind that stands for each
#: sector of :data:`QUADRUPLE_HELIX` in a university-municipality partnership, in its
#: order: municipality, university, company and NGO.  Name other kinds to ask about them
#: (``["municipality", "university", "research-institute"]``).
KIND_HELIX = (
    PartnerKind.MUNICIPALITY,
    PartnerKind.UNIVERSITY,
    PartnerKind.COMPANY,
    PartnerKind.NGO,
)


def entropy(records: Sequence[tuple[bool, ...]], columns: Sequence[int]) -> float:
    """Return the joint Shannon entropy in bits of ``columns`` over ``records``.

    >>> entropy([(True,), (False,)], [0])
    1.0
    """
    return _entropy(Counter(records), columns)


def _entropy(table: Counter[tuple[bool, ...]], columns: Sequence[int]) -> float:
    """Return the entropy of ``columns`` from a table of how often each record occurs."""
    counts: Counter[tuple[bool, ...]] = Counter()
    for record, n in table.items():
        counts[tuple(record[c] for c in columns)] += n
    total = sum(counts.values())
    if not total:
        return 0.0
    return -sum(n / total * math.log2(n / total) for n in counts.values()) + 0.0


def mutual_information(records: Sequence[tuple[bool, ...]]) -> float:
    """Return the mutual information in bits among all columns of ``records``.

    This is ``Σ (−1)^(|S|+1) H(S)`` over every non-empty set ``S`` of columns: for two
    columns the mutual information, for three and four Leydesdorff's ``T``.  The records
    are tallied once, so the cost is linear in their number.

    >>> mutual_information([(True, True), (False, False)])
    1.0
    """
    if not records:
        return 0.0
    table = Counter(records)
    width = len(records[0])
    total = 0.0
    for size in range(1, width + 1):
        sign = 1.0 if size % 2 else -1.0
        for columns in combinations(range(width), size):
            total += sign * _entropy(table, columns)
    return 0.0 if abs(total) < 1e-12 else total


def helix_groups(
    groups: Sequence[HelixSector | PartnerKind | str] | int, group_by: GroupBy = "sector"
) -> tuple[str, ...]:
    """Return the groups a helix is read among, as codes, checked against ``group_by``.

    ``3`` and ``4`` are the triple and quadruple helix: :data:`TRIPLE_HELIX` and
    :data:`QUADRUPLE_HELIX` by sector, the first three and all four of
    :data:`KIND_HELIX` by kind.

    >>> helix_groups(3, "kind")
    ('municipality', 'university', 'company')

    Raises:
        ValueError: ``groups`` is another number, names an unknown sector (or kind), fewer
            than two groups or one twice; or ``group_by`` is unknown.
    """
    check_group_by(group_by)
    if isinstance(groups, int):
        if groups not in (3, 4):
            raise ValueError(f"sectors must be 3, 4 or a list of sectors, not {groups}")
        helix = QUADRUPLE_HELIX if group_by == "sector" else KIND_HELIX
        return tuple(group.value for group in helix[:groups])
    code: type[HelixSector | PartnerKind] = HelixSector if group_by == "sector" else PartnerKind
    known = {member.value for member in code}
    unknown = [str(group) for group in groups if group not in known]
    if unknown:
        raise ValueError(
            f"unknown {group_by} {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(known))}"
        )
    codes = tuple(code(group).value for group in groups)
    if len(set(codes)) != len(codes) or len(codes) < 2:
        raise ValueError("synergy needs at least two different groups")
    return codes


def sector_profiles(
    dataset: Dataset,
    sectors: Sequence[HelixSector | PartnerKind | str] = QUADRUPLE_HELIX,
    when: When = None,
    *,
    via: Iterable[str] = ("projects",),
    group_by: GroupBy = "sector",
) -> list[tuple[bool, ...]]:
    """Return, for every activity with at least one known partner, which ``sectors`` take part.

    With ``group_by="kind"`` the ``sectors`` are kinds of partner (``research-institute``).
    """
    return profiles_of(activities(dataset, when, via=via), dataset, sectors, group_by=group_by)


def profiles_of(
    items: Iterable[Activity],
    dataset: Dataset,
    sectors: Sequence[HelixSector | PartnerKind | str],
    *,
    group_by: GroupBy = "sector",
) -> list[tuple[bool, ...]]:
    """Return the group profile of every activity in ``items`` with a known partner.

    A profile says, for each of ``sectors`` (kinds, with ``group_by="kind"``), whether a
    partner of that group takes part.
    """
    wanted = helix_groups(sectors, group_by)
    group_of = {
        partner.id: (partner.sector if group_by == "sector" else partner.kind).value
        for partner in dataset.partners
    }
    profiles: list[tuple[bool, ...]] = []
    for item in items:
        present = {group_of[p] for p in item.partners if p in group_of}
        if present:
            profiles.append(tuple(s in present for s in wanted))
    return profiles


def helix_synergy(
    dataset: Dataset,
    sectors: Sequence[HelixSector | PartnerKind | str] | int = 3,
    when: When = None,
    *,
    via: Iterable[str] = ("projects",),
    group_by: GroupBy = "sector",
) -> float | None:
    """Return the helix synergy ``T`` in bits among ``sectors`` (negative values are synergy).

    Args:
        dataset: The dataset.
        sectors: ``3`` (:data:`TRIPLE_HELIX`), ``4`` (:data:`QUADRUPLE_HELIX`) or the
            sectors themselves; with ``group_by="kind"``, kinds of partner (``3`` and
            ``4`` then read :data:`KIND_HELIX`), see :func:`helix_groups`.
        when: A year or a period.
        via: Kinds of activity read as records (see :func:`~unikommune.graph.activities`).
        group_by: ``"sector"`` (helix sector) or ``"kind"`` (kind of partner, which tells
            a research institute from a university, both academia).

    Returns:
        ``T`` in bits, or ``None`` when no activity counts.

    Raises:
        ValueError: ``sectors`` names an unknown sector or kind, or fewer than two; or
            ``group_by`` is unknown.
    """
    groups = helix_groups(sectors, group_by)
    profiles = sector_profiles(dataset, groups, when, via=via, group_by=group_by)
    if not profiles:
        return None
    return mutual_information(profiles)
