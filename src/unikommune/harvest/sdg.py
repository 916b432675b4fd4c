"""Suggested SDG links: goals a project's title and summary name, by a published keyword set.

The registries do not say which Sustainable Development Goals a project serves.
:func:`suggest` offers links from the words of a project's title and summary,
by :data:`KEYWORDS`: a small keyword set written for unikommune and published with
it under its MIT licence (``docs/harvest/sdg-keywords.md`` lists it).  A
suggestion is never a declared link: its provenance is ``suggested``, with the
tool (:data:`TOOL`), the version of the keyword set (:data:`VERSION`) and a
confidence that grows with the number of different keywords found (0.3 for one,
0.5 for two, 0.7 for three or more).  A goal the project already links is not
suggested again.

>>> [(link.goal, link.provenance.confidence) for link in suggest({"en": "Care for elderly "
...     "citizens in nursing homes"}, [])]
[(3, 0.7)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from unikommune.models import Dataset, SdgLink

__all__ = ["KEYWORDS", "TOOL", "VERSION", "suggest", "suggest_links"]

TOOL = "unikommune-sdg-keywords"
#: The version of :data:`KEYWORDS`; a changed list gets a new version.
VERSION = "1"

#: Word stems (English and Norwegian, lower case) per goal.  A stem of five letters or
#: more matches a word beginning with it (``school`` matches ``schools``); a shorter
#: one matches the whole word only (``care``, not ``career``).
KEYWORDS: MappingProxyType[int, tuple[str, ...]] = MappingProxyType(
    {
        1: ("poverty", "fattigdom", "low-income", "lavinntekt"),
        2: ("hunger", "sult", "food security", "matsikkerhet", "agricultur", "landbruk"),
        3: (
            "health", "helse", "care", "omsorg", "nursing", "sykehjem", "elderly", "eldre",
            "disease", "sykdom", "welfare technology", "velferdsteknologi", "hospital",
        ),
        4: (
            "education", "utdanning", "school", "skole", "kindergarten", "barnehage",
            "learning", "læring", "teacher", "lærer", "student", "pupil", "elever",
        ),
        5: ("gender", "kjønn", "women", "kvinner", "equality", "likestilling"),
        6: ("water", "vann", "sanitation", "sanitær", "sewage", "avløp"),
        7: (
            "energy", "energi", "renewable", "fornybar", "solar", "solenergi", "wind power",
            "vindkraft",
        ),
        8: ("employment", "sysselsetting", "jobs", "arbeidsplass", "economic growth", "vekst"),
        9: ("innovation", "innovasjon", "infrastructure", "infrastruktur", "industr"),
        10: ("inequalit", "ulikhet", "inclusion", "inkludering", "migrant", "innvandr"),
        11: (
            "urban", "city", "cities", "byutvikling", "byrom", "housing", "bolig", "transport",
            "neighbourhood", "nabolag", "municipal", "kommun",
        ),
        12: ("circular", "sirkulær", "waste", "avfall", "recycl", "gjenvinning", "consumption"),
        13: ("climate", "klima", "emission", "utslipp", "carbon", "karbon"),
        14: (
            "ocean", "havet", "marine", "aquaculture", "havbruk", "fish", "fisk", "coastal",
            "kyst",
        ),
        15: ("biodiversity", "biologisk mangfold", "forest", "skog", "ecosystem", "økosystem"),
        16: ("justice", "rettferd", "democracy", "demokrati", "governance", "styring"),
        17: ("partnership", "partnerskap", "collaboration", "samarbeid", "co-creat", "samskap"),
    }
)  # fmt: skip

_CONFIDENCE = (0.0, 0.3, 0.5, 0.7)
#: What ends a short stem: no letter or digit after it.
_WHOLE = r"(?!\w)"
_PATTERNS = MappingProxyType(
    {
        goal: [re.compile(rf"(?<!\w){re.escape(stem)}{_WHOLE * (len(stem) < 5)}") for stem in stems]
        for goal, stems in KEYWORDS.items()
    }
)


def suggest(texts: Mapping[str, str], linked: Iterable[int]) -> list[SdgLink]:
    """Return suggested links for the goals ``texts`` name, except the goals ``linked``."""
    text = " ".join(texts.values()).casefold()
    already = set(linked)
    links = []
    for goal, patterns in _PATTERNS.items():
        if goal in already:
            continue
        hits = sum(1 for pattern in patterns if pattern.search(text))
        if hits:
            links.append(
                SdgLink.model_validate(
                    {
                        "goal": goal,
                        "provenance": {
                            "method": "suggested",
                            "tool": TOOL,
                            "tool_version": VERSION,
                            "confidence": _CONFIDENCE[min(hits, 3)],
                        },
                    }
                )
            )
    return links


def suggest_links(dataset: Dataset) -> tuple[Dataset, int]:
    """Return ``dataset`` with suggested links added to its projects, and how many were added."""
    added = 0
    projects = []
    for project in dataset.projects:
        texts = {**(project.summary or {}), **{f"t-{k}": v for k, v in project.title.items()}}
        found = suggest(texts, (link.goal for link in project.sdg_links))
        added += len(found)
        projects.append(
            project.model_copy(update={"sdg_links": [*project.sdg_links, *found]})
            if found
            else project
        )
    return dataset.model_copy(update={"projects": projects}), added
