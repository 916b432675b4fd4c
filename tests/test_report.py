"""The report: self-contained, accessible HTML; Markdown and JSON; several datasets.

The check in a real browser (headless Chromium: no console error, no network request,
a screenshot kept) is not here yet; these tests read the HTML itself.
"""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import DATA, EXAMPLES
from unikommune.cli import main
from unikommune.evaluation.report import build_report, render
from unikommune.schema import validator

SMALL = DATA / "evaluation" / "small.json"


@pytest.fixture(scope="module")
def trondheim() -> Any:
    return unikommune.load(EXAMPLES / "trondheim")


class _Outline(HTMLParser):
    """Collect headings, tables with header cells, pictures and anything fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tables = 0
        self.header_cells = 0
        self.svgs = 0
        self.svg_titles = 0
        self.fetches: list[str] = []
        self.lang: str | None = None
        self._in_svg = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "th":
            self.header_cells += 1
        if tag == "svg":
            self.svgs += 1
            self._in_svg = True
            assert found.get("role") == "img"
        if tag == "title" and self._in_svg:
            self.svg_titles += 1
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.fetches.append(tag)
        for name in ("src", "href"):
            if found.get(name):
                self.fetches.append(f"{tag} {name}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg = False


def _outline(text: str) -> _Outline:
    outline = _Outline()
    outline.feed(text)
    return outline


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_html_is_self_contained_and_accessible(trondheim: Any, lang: str) -> None:
    text = render(build_report([trondheim], lang=lang, network=False), "html")  # type: ignore[arg-type]
    outline = _outline(text)
    assert outline.lang == lang
    assert not outline.fetches  # nothing to load: no script, link, image or address
    assert "url(" not in text
    assert "@import" not in text
    assert outline.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert outline.tables
    assert outline.header_cells >= outline.tables
    assert outline.svgs
    assert outline.svg_titles >= outline.svgs
    assert "@media print" in text
    summary = "Sammendrag" if lang == "nb" else "Summary"
    for heading in (summary, "SDG" if lang == "en" else "Bærekraftsmålene"):
        assert heading in text


def test_network_labels_have_a_row_each(trondheim: Any) -> None:
    text = render(build_report([trondheim], network=False), "html")
    picture = re.search(r'<svg[^>]*aria-labelledby="net-t-1.*?</svg>', text, flags=re.S)
    assert picture is not None
    rows = [float(y) for y in re.findall(r'<text x="250" y="([0-9.]+)"', picture.group(0))]
    assert len(rows) == 7  # every organisation with a tie; the rest summarised in words
    assert all(b - a >= 16 for a, b in itertools.pairwise(rows))  # 12 px text


def test_a_large_network_labels_its_main_partners_only() -> None:
    document = json.loads(SMALL.read_text(encoding="utf-8"))
    base = document["projects"][0]
    for index in range(30):
        partner = {"id": f"firm{index}", "name": {"en": f"Firm {index}"}, "kind": "company",
                   "sector": "industry"}  # fmt: skip
        document["partners"].append(partner)
        project = json.loads(json.dumps(base))
        project["id"] = f"extra{index}"
        project["participants"] = [
            {"partner": "muni", "role": "coordinator"},
            {"partner": f"firm{index}", "role": "partner"},
        ]
        document["projects"].append(project)
    section = build_report([unikommune.Dataset.model_validate(document)], network=False)
    picture = section.sections[0].network
    assert len(picture.partners) == 12
    assert sum(picture.rest.values()) == 34 - 12  # 4 organisations and 30 firms


def test_markdown_and_json(trondheim: Any) -> None:
    report = build_report([trondheim], lang="nb", network=False)
    markdown = render(report, "md")
    assert markdown.startswith("# Evalueringsrapport")
    assert "| Studenter i praksis | – | 2930 | 2980 | 3035 |" in markdown
    document = json.loads(render(report, "json"))
    assert not list(validator("report").iter_errors(document))
    section = document["datasets"][0]
    assert section["assessment"]["maturity"] == "2.0"
    assert section["sdg_coverage"]["4"] > 0
    # reasons are codes with their values, and English words even in a Norwegian report
    theses = next(r for r in section["assessment"]["results"] if r["id"] == "theses")
    assert theses["reasons"] == [
        {
            "code": "indicator_figure",
            "values": {
                "indicator": "theses",
                "periods": ["2019", "2020", "2021"],
                "figure": theses["figure"],
                "aggregation": "sum",
                "comparison": ">=",
                "threshold": 10,
                "unit": "count",
            },
            "text": "theses over 2019, 2020, 2021: 6; wants sum >= 10 count",
        }
    ]
    assert section["assessment"]["maturity_reasons"][1]["code"] == "level_reached"


def test_several_datasets_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    paths = [str(EXAMPLES / "trondheim"), str(EXAMPLES / "regional")]
    assert main(["report", *paths, "--no-network", "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert 'id="compare"' in text
    assert text.count("<section") == 2
    assert main(["report", *paths, "--no-network", "-o", str(target)]) == 2  # exists
    assert "file exists" in capsys.readouterr().err
    assert main(["report", str(SMALL), "--no-network", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Evaluation report")


def test_report_with_jobs_is_the_report_in_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --jobs computes the indicators in parts side by side; the report is the same
    path = str(EXAMPLES / "trondheim")
    assert main(["report", path, "--format", "json", "--jobs", "1"]) == 0
    alone = capsys.readouterr().out
    assert main(["report", path, "--format", "json", "--jobs", "2"]) == 0
    assert capsys.readouterr().out == alone
