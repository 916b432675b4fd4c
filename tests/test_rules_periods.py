"""The rules on periods, against hand-computed answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import EXAMPLES
from unikommune import validate

BASE = EXAMPLES / "invalid" / "project_outside_mission_timeframe.json"


def _project(period: dict[str, str], participation: dict[str, str] | None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(BASE.read_text(encoding="utf-8"))
    document["missions"] = []
    project = document["projects"][0]
    project["period"] = period
    if participation is not None:
        project["participants"][1]["period"] = participation
    return document


@pytest.mark.parametrize(
    ("project", "participation", "outside"),
    [
        ({"start": "2019", "end": "2021"}, {"start": "2019-06", "end": "2020"}, False),
        ({"start": "2019", "end": "2021"}, {"start": "2018-12", "end": "2020"}, True),
        ({"start": "2019", "end": "2021"}, {"start": "2021-06", "end": "2022-01"}, True),
        ({"start": "2019", "end": "2021"}, {"start": "2020"}, False),  # open: from its start
        ({"start": "2019"}, {"start": "2030", "end": "2031"}, False),  # an open project
        # 2019 may be any day of 2019, so it may start on or after June: not certain.
        ({"start": "2019-06", "end": "2021"}, {"start": "2019", "end": "2020"}, False),
        ({"start": "2019-06", "end": "2021"}, {"start": "2019-05", "end": "2020"}, True),
        # uncertain dates: the latest start 2018-12-31 is before 2019-01-01, certainly.
        ({"start": "2019", "end": "2021"}, {"start": "2018?", "end": "2020"}, True),
        ({"start": "2019", "end": "2021"}, {"start": "[2018,2019]", "end": "2020"}, False),
        ({"start": "2019", "end": "2021"}, {"start": "201X", "end": "2020"}, False),
        ({"start": "2019", "end": "2021"}, {"start": "2021~", "end": "2022?"}, True),
        # not known or open: never certain.
        ({"start": "2019", "end": "2021"}, {"start": "", "end": "2020"}, False),
        ({"start": "2019", "end": ""}, {"start": "2020", "end": "2030"}, False),
        ({"start": "", "end": "2021"}, {"start": "2010", "end": "2020"}, False),
        ({"start": "2019", "end": "2021"}, {"start": "2022", "end": ".."}, True),
        ({"start": "2019", "end": "2021"}, None, False),  # the project's own period
    ],
)
def test_a_participation_outside_its_project(
    project: dict[str, str], participation: dict[str, str] | None, outside: bool
) -> None:
    codes = [finding.code for finding in validate(_project(project, participation))]
    assert ("participation_outside_project_period" in codes) == outside
