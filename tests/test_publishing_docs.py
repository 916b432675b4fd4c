"""Every record shown in docs/publishing.md is valid: by its model, its schema and in a dataset.

Each example is a ```` ```json KIND ```` block, KIND naming its schema (``project``,
``figure``, ...); the test reads them all, so a new example is checked as soon as it
is written.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from unikommune.findings import Severity
from unikommune.models import COLLECTIONS
from unikommune.schema import SCHEMA_FILES, validator
from unikommune.validation import validate

PAGE = ROOT / "docs" / "publishing.md"
_BLOCK = re.compile(r"^```json([^\n]*)\n(.*?)^```", flags=re.S | re.M)


def _examples() -> list[tuple[str, str]]:
    return [(info.strip(), body) for info, body in _BLOCK.findall(PAGE.read_text(encoding="utf-8"))]


EXAMPLES = _examples()
IDS = [f"{kind}:{json.loads(body)['id']}" for kind, body in EXAMPLES]
#: Collection of each record schema, such as "figure" -> "figures".
COLLECTION_OF = {
    name.removesuffix(".json"): collection
    for collection, model in COLLECTIONS.items()
    for name, schema_model in SCHEMA_FILES.items()
    if schema_model is model
}


def test_the_page_shows_each_kind_of_example() -> None:
    kinds = [kind for kind, _ in EXAMPLES]
    assert kinds.count("figure") == 3
    assert kinds.count("project") == 2
    assert kinds.count("placement") == 2
    assert kinds.count("partner") == 1
    # Every JSON block on the page names its record, so none escapes the checks.
    assert PAGE.read_text(encoding="utf-8").count("```json") == len(EXAMPLES)


@pytest.mark.parametrize(("kind", "body"), EXAMPLES, ids=IDS)
def test_example_fits_its_model(kind: str, body: str) -> None:
    assert kind in COLLECTION_OF, f"```json {kind}: not the name of a record schema"
    model = SCHEMA_FILES[f"{kind}.json"]
    record = model.model_validate_json(body)
    assert record.model_dump(mode="json", by_alias=True, exclude_unset=True) == json.loads(body)


@pytest.mark.parametrize(("kind", "body"), EXAMPLES, ids=IDS)
def test_example_fits_its_schema(kind: str, body: str) -> None:
    errors = [error.message for error in validator(kind).iter_errors(json.loads(body))]
    assert errors == []


def test_examples_validate_in_a_dataset(tmp_path: Path) -> None:
    # The examples name partners of the Trondheim example, which lends them a dataset.
    folder = tmp_path / "dataset"
    shutil.copytree(ROOT / "examples" / "trondheim", folder)
    for kind, body in EXAMPLES:
        collection = COLLECTION_OF[kind]
        part = folder / f"{collection}.json"
        document = json.loads(part.read_text(encoding="utf-8"))
        document[collection].append(json.loads(body))
        part.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    report = validate(folder)
    errors = [str(finding) for finding in report.findings if finding.severity is Severity.ERROR]
    assert errors == []


def test_a_broken_example_would_be_caught() -> None:
    kind, body = next((kind, body) for kind, body in EXAMPLES if kind == "placement")
    broken = json.loads(body)
    broken["students"] = {"min": 12, "max": 8}
    assert list(validator(kind).iter_errors(broken)) == []  # JSON Schema cannot see it
    with pytest.raises(ValueError, match="min"):
        SCHEMA_FILES[f"{kind}.json"].model_validate(broken)
