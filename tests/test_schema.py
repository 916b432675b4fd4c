"""The published schemas: in sync with the models, local, standard, and in agreement with them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from referencing.exceptions import Unresolvable

import unikommune
from conftest import SCHEMAS, SLOW, WHOLE, WHOLE_DOCUMENTS
from strategies import SUPPORTED_KEYWORDS, documents, mutations
from unikommune.cli import main
from unikommune.format import FORMAT_VERSION, SCHEMA_BASE, schema_id
from unikommune.format_docs import render_reference
from unikommune.schema import (
    DRAFT,
    SCHEMA_FILES,
    SCHEMA_MODELS,
    check_schemas,
    generate_schemas,
    load_schemas,
    registry,
    schemas_dir,
    validator,
    write_schemas,
)

PUBLISHED = {
    path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")
}


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _keywords(node: Any) -> set[str]:
    """Return the keywords a schema uses, leaving out property names and enum values."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in {"properties", "$defs"}:
                for sub in value.values():
                    found |= _keywords(sub)
            elif key in {"enum", "const", "required", "default"}:
                continue
            else:
                found |= _keywords(value)
    elif isinstance(node, list):
        for value in node:
            found |= _keywords(value)
    return found


def test_published_schemas_are_in_sync_with_the_models() -> None:
    assert check_schemas(SCHEMAS) == []
    assert set(PUBLISHED) == set(SCHEMA_FILES)
    assert generate_schemas() == PUBLISHED


def test_check_reports_stale_missing_and_foreign_files(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    assert check_schemas(tmp_path) == []
    (tmp_path / "partner.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "project.json").unlink()
    (tmp_path / "extra.json").write_text("{}\n", encoding="utf-8")
    problems = check_schemas(tmp_path)
    assert len(problems) == 3
    assert any("partner.json: differs" in line for line in problems)
    assert any("project.json: missing" in line for line in problems)
    assert any("extra.json: not generated" in line for line in problems)
    assert check_schemas(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such directory"]


def test_reference_is_in_sync_with_the_models(tmp_path: Path) -> None:
    reference = SCHEMAS.parent / "docs" / "reference.md"
    assert main(["schema", "--check", "--reference", str(reference)]) == 0
    copy = tmp_path / "reference.md"
    copy.write_text(reference.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert main(["schema", "--check", "--reference", str(copy)]) == 1
    assert main(["schema", "--dir", str(tmp_path / "s"), "--reference", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == render_reference()
    for model in SCHEMA_FILES.values():
        assert f"### {model.__name__}" in render_reference()


def test_schema_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--dir", str(tmp_path)]) == 0
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "thesis.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1
    assert "thesis.json: differs" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_each_schema_is_draft_2020_12_with_a_versioned_id(name: str) -> None:
    schema = PUBLISHED[name]
    assert schema["$schema"] == DRAFT
    assert schema["$id"] == SCHEMA_BASE + name
    assert f"/{FORMAT_VERSION}/" in schema["$id"]
    assert "Do not edit" in schema["$comment"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_ref_resolves_inside_schemas() -> None:
    for name, schema in PUBLISHED.items():
        for node in _walk(schema):
            if isinstance(node, dict) and "$ref" in node:
                ref = node["$ref"]
                assert not ref.startswith(("http:", "https:")), (name, ref)
                if ref.startswith("#/$defs/"):
                    assert ref.removeprefix("#/$defs/") in schema["$defs"], (name, ref)
                elif ref != "#":
                    assert ref in PUBLISHED, (name, ref)


def test_schemas_use_only_standard_keywords_and_formats() -> None:
    vocabulary = set(jsonschema.Draft202012Validator.VALIDATORS) | {
        "$schema", "$id", "$comment", "$defs", "title", "description", "default", "format",
        "then", "else",  # jsonschema checks these inside its "if" validator
    }  # fmt: skip
    for name, schema in PUBLISHED.items():
        used = _keywords(schema)
        assert used <= vocabulary, (name, used - vocabulary)
        assert used <= SUPPORTED_KEYWORDS, (name, used - SUPPORTED_KEYWORDS)
        formats = {
            node["format"] for node in _walk(schema) if isinstance(node, dict) and "format" in node
        }
        assert formats <= {"uri"}, (name, formats)
        assert "discriminator" not in used


def test_schemas_compile_in_an_independent_validator() -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in PUBLISHED.values()])
    for schema in PUBLISHED.values():
        compiled = jsonschema_rs.validator_for(schema, registry=registry)
        assert compiled.is_valid({}) in (True, False)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_schemas_compile_in_ajv_strict_mode(tmp_path: Path) -> None:
    script = Path(__file__).parent / "data" / "ajv_strict.js"
    modules = Path(__file__).resolve().parents[1] / "node_modules"
    if not (modules / "ajv").is_dir():
        pytest.skip("ajv is not installed (npm install --no-save ajv@8 ajv-formats@3)")
    result = subprocess.run(
        ["node", str(script), str(SCHEMAS)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"compiled {len(PUBLISHED)}" in result.stdout


def test_schema_models_map_every_id_to_its_model() -> None:
    assert unikommune.SCHEMA_MODELS is SCHEMA_MODELS
    assert set(SCHEMA_MODELS) == {schema["$id"] for schema in PUBLISHED.values()}
    assert SCHEMA_MODELS[schema_id("dataset")] is unikommune.Dataset
    for uri, model in SCHEMA_MODELS.items():
        assert PUBLISHED[uri.rsplit("/", 1)[1]]["$comment"].count(model.__qualname__) == 1


def test_shipped_schemas_match_the_repository() -> None:
    shipped = schemas_dir()
    for name, schema in PUBLISHED.items():
        assert json.loads((shipped / name).read_text(encoding="utf-8")) == schema
    assert {uri: dict(schema) for uri, schema in load_schemas().items()} == {
        schema["$id"]: schema for schema in PUBLISHED.values()
    }


def test_validator_never_fetches_a_remote_ref() -> None:
    remote = {"$ref": "https://example.org/elsewhere.json"}
    checker = jsonschema.Draft202012Validator(remote, registry=registry())
    with pytest.raises(Unresolvable):  # and not NetworkBlockedError: nothing was fetched
        checker.is_valid({})


def _model_accepts(name: str, document: Any) -> bool:
    try:
        SCHEMA_FILES[name].model_validate(document)
    except ValidationError:
        return False
    return True


def _schema_accepts(name: str, document: Any) -> bool:
    return bool(validator(name.removesuffix(".json")).is_valid(document))


#: Schemas of one record or a profile; whole documents are drawn fewer times (WHOLE).
PART_SCHEMAS = sorted(set(SCHEMA_FILES) - set(WHOLE_DOCUMENTS))


def _accepts_generated(name: str, data: st.DataObject) -> None:
    document = data.draw(documents(name))
    assert _schema_accepts(name, document)
    assert _model_accepts(name, document)


def _agree_on_broken(name: str, data: st.DataObject) -> None:
    document, change = data.draw(mutations(name))
    assert _model_accepts(name, document) == _schema_accepts(name, document), change


@pytest.mark.slow
@SLOW
@pytest.mark.parametrize("name", PART_SCHEMAS)
@given(data=st.data())
def test_models_accept_what_the_schemas_generate(name: str, data: st.DataObject) -> None:
    _accepts_generated(name, data)


@pytest.mark.slow
@WHOLE
@pytest.mark.parametrize("name", WHOLE_DOCUMENTS)
@given(data=st.data())
def test_models_accept_whole_documents_the_schemas_generate(name: str, data: st.DataObject) -> None:
    _accepts_generated(name, data)


@pytest.mark.slow
@SLOW
@pytest.mark.parametrize("name", PART_SCHEMAS)
@given(data=st.data())
def test_models_and_schemas_agree_on_broken_documents(name: str, data: st.DataObject) -> None:
    _agree_on_broken(name, data)


@pytest.mark.slow
@WHOLE
@pytest.mark.parametrize("name", WHOLE_DOCUMENTS)
@given(data=st.data())
def test_models_and_schemas_agree_on_broken_whole_documents(name: str, data: st.DataObject) -> None:
    _agree_on_broken(name, data)


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("placement.json", {"students": "5"}),
        ("placement.json", {"students": 5.5}),
        ("placement.json", {"year": True}),
        ("project.json", {"status": "ACTIVE"}),
        ("project.json", {"unexpected": 1}),
    ],
)
def test_models_do_not_coerce_what_schemas_reject(name: str, document: dict[str, Any]) -> None:
    base = {
        "placement.json": {
            "id": "x", "programme": {"nb": "Sykepleie"}, "field": "health", "level": "bachelor",
            "institution": "ntnu", "host": "tk", "year": 2024, "students": 5,
        },
        "project.json": {
            "id": "p", "title": {"en": "P"}, "kinds": ["innovation"], "status": "active",
            "period": {"start": "2020"}, "participants": [{"partner": "tk", "role": "partner"}],
        },
    }[name]  # fmt: skip
    assert _schema_accepts(name, base)
    assert _model_accepts(name, base)
    broken = {**base, **document}
    assert not _schema_accepts(name, broken)
    assert not _model_accepts(name, broken)
