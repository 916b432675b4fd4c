"""The catalogue of finding codes: stable, documented, and the docs generated from it."""

from __future__ import annotations

import re

import pytest

from conftest import DATA, ROOT
from unikommune.errors import UnknownCodeError
from unikommune.validation import CODES, Severity, catalogue_markdown, explain


def test_docs_codes_md_is_generated_from_the_catalogue() -> None:
    written = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert written == catalogue_markdown(), (
        "docs/codes.md is stale; run: unikommune explain --markdown > docs/codes.md"
    )


def test_no_published_code_ever_disappears() -> None:
    published = (DATA / "validate" / "published-codes.txt").read_text(encoding="utf-8").split()
    assert set(published) <= set(CODES), "a code was removed or renamed; mark it retired instead"


@pytest.mark.parametrize("code", list(CODES.values()), ids=lambda code: code.code)
def test_every_code_is_documented(code: object) -> None:
    from unikommune.validation import Code

    assert isinstance(code, Code)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", code.code)
    assert code.layer in {"file", "structure", "semantic"}
    assert code.title
    assert code.explanation.endswith(".")
    assert code.fix.endswith(".")
    assert f"### {code.code}\n" in catalogue_markdown()
    assert explain(code.code) is code


def test_severities_in_use() -> None:
    severities = {code.severity for code in CODES.values()}
    assert severities == {Severity.ERROR, Severity.WARNING, Severity.INFO}


def test_unknown_codes_raise_a_key_error() -> None:
    with pytest.raises(KeyError):
        explain("no_such_code")
    with pytest.raises(UnknownCodeError, match="did you mean"):
        explain("unknown_feild")
