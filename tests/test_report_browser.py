"""The HTML report opened in a real browser: headless Chromium driven by Playwright.

For the Trondheim and the regional example, in Norwegian and English: the page loads
with no console error and no request besides the file itself, the summary and every
part of a dataset are there (by heading), axe-core finds no serious or critical
accessibility violation, and a full-page screenshot is kept.  The screenshots go to
``$REPORT_ARTIFACTS`` if set, else to pytest's temporary folder; the test prints where.

Skipped, with the reason, when Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) or
Playwright is missing; the accessibility check also when axe-core is not in
``node_modules`` (``npm install --no-save axe-core``, as ``.ci/run`` does).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES, ROOT
from unikommune.evaluation.report import build_report, render, text

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Flags for a closed machine: no sandbox (root in CI), no background traffic.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CASES = [(name, lang) for name in ("trondheim", "regional") for lang in ("nb", "en")]
PARTS = ("summary", "indicators", "network", "sdg", "checklist")

if not Path(CHROMIUM).is_file():
    pytest.skip(f"Chromium not found at {CHROMIUM} (set $CHROMIUM)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder the screenshots are kept in (printed)."""
    chosen = os.environ.get("REPORT_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("report-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"report screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start one headless Chromium, with a new empty profile, for the module."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def opened(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Open each report once; record console errors and requests while it loads."""
    folder = tmp_path_factory.mktemp("reports")
    pages: dict[str, Any] = {}
    for name, lang in CASES:
        report = build_report([unikommune.load(EXAMPLES / name)], lang=lang)  # type: ignore[arg-type]
        path = folder / f"{name}-{lang}.html"
        path.write_text(render(report, "html"), encoding="utf-8")
        page = browser.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        pages[f"{name}-{lang}"] = {
            "page": page,
            "lang": lang,
            "url": path.as_uri(),
            "errors": errors,
            "requests": requests,
        }
    yield pages
    for entry in pages.values():
        entry["page"].close()


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_loads_alone(opened: dict[str, Any], name: str, lang: str) -> None:
    entry = opened[f"{name}-{lang}"]
    assert entry["errors"] == []
    assert entry["url"] in entry["requests"]  # requests are seen at all
    others = [url for url in entry["requests"] if url != entry["url"]]
    assert others == [], "the report fetched something"
    assert entry["page"].evaluate("document.documentElement.lang") == lang


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_part_is_there(opened: dict[str, Any], artifacts: Path, name: str, lang: str) -> None:
    page = opened[f"{name}-{lang}"]["page"]
    headings = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => [h.tagName, h.textContent])"
    )
    h3 = [title for tag, title in headings if tag == "H3"]
    assert h3 == [text(part, lang) for part in PARTS]  # type: ignore[arg-type]
    assert [tag for tag, _ in headings[:2]] == ["H1", "H2"]
    assert page.locator("svg[role=img]").count() >= 2
    shot = artifacts / f"{name}-{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_serious_accessibility_violation(opened: dict[str, Any], name: str, lang: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm install --no-save axe-core)")
    page = opened[f"{name}-{lang}"]["page"]
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_a_fetch_would_be_seen(browser: Any, tmp_path: Path) -> None:
    """The request count is not vacuous: a page that links a style sheet is caught."""
    page_file = tmp_path / "fetching.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/style.css"></head><body></body></html>',
        encoding="utf-8",
    )
    page = browser.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(page_file.as_uri(), wait_until="load")
    page.close()
    assert "http://127.0.0.1:9/style.css" in seen
