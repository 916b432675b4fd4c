"""Forms of values the models and schemas state: currencies, regions, URLs, texts."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import EXAMPLES, codes_and_pointers, valid_document
from unikommune import Money, validate
from unikommune.codelists import COUNTRY_CODES, CURRENCY_CODES, REGION_AREAS
from unikommune.identifiers import URL_PATTERN, is_valid_identifier
from unikommune.models import COLLECTIONS
from unikommune.models.values import (
    LANGUAGE_TAG_PATTERN,
    TEXT_PATTERN,
    Link,
    control_character_at,
    unknown_region,
)
from unikommune.schema import validator
from unikommune.validation.decode import Text, texts_clean


def _messages(document: dict[str, Any]) -> list[str]:
    return [finding.message for finding in validate(document)]


# -- currencies ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["NOK", "EUR", "SEK", "USD", "ISK", "XDR", "ZWG"])
def test_an_iso_4217_currency_is_accepted(code: str) -> None:
    document = valid_document()
    document["projects"][0]["funding"][0]["amount"]["currency"] = code
    assert codes_and_pointers(document) == []
    assert Money(amount=1.0, currency=code).currency == code


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("NKO", "did you mean 'NOK'?"),
        ("nok", "did you mean 'NOK'?"),
        ("EUD", "did you mean "),
        ("XXX", ""),  # "no currency": an amount always has one
        ("XTS", ""),  # the code for tests
    ],
)
def test_three_letters_that_are_no_currency_are_not_in_the_codelist(code: str, hint: str) -> None:
    document = valid_document()
    document["projects"][0]["funding"][0]["amount"]["currency"] = code
    assert codes_and_pointers(document) == [
        ("not_in_codelist", "/projects/0/funding/0/amount/currency")
    ]
    (message,) = _messages(document)
    assert "an ISO 4217 currency code" in message
    assert hint in message
    assert "AED" not in message  # the codelist is not listed
    with pytest.raises(ValidationError):
        Money(amount=1.0, currency=code)


def test_a_figure_in_money_takes_a_currency_of_the_codelist() -> None:
    document = json.loads((EXAMPLES / "invalid" / "unknown_measure.json").read_text("utf-8"))
    figure = document["figures"][0]
    figure["measure"] = "external-funding"
    for unit, codes in [("count", []), ("NOK", []), ("NKO", ["not_in_codelist"])]:
        figure["unit"] = unit
        assert [code for code, _ in codes_and_pointers(document)] == codes


def test_the_schema_holds_the_currencies() -> None:
    schema = json.loads((Path(__file__).parents[1] / "schemas" / "project.json").read_text())
    assert schema["$defs"]["Money"]["properties"]["currency"]["enum"] == list(CURRENCY_CODES)


# -- regions of language tags ----------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", ["nb-NO", "nn-no", "se-NO", "en-GB", "en-gb", "es-419", "sr-Latn-RS", "de-CH-1901"]
)
def test_a_tag_with_a_region_that_exists_is_accepted(tag: str) -> None:
    assert re.fullmatch(LANGUAGE_TAG_PATTERN, tag)
    assert unknown_region(tag) is None


@pytest.mark.parametrize(
    ("tag", "region"),
    [("nb-XX", "XX"), ("en-UK", "UK"), ("es-999", "999"), ("sr-Latn-QQ", "QQ"), ("en-eu", "eu")],
)
def test_a_tag_with_a_region_that_does_not_exist_is_refused(tag: str, region: str) -> None:
    assert not re.fullmatch(LANGUAGE_TAG_PATTERN, tag)
    assert unknown_region(tag) == region


@pytest.mark.parametrize("tag", ["en_GB", "EN", "nb-", "nb-NO-"])
def test_a_malformed_tag_is_not_a_matter_of_its_region(tag: str) -> None:
    assert unknown_region(tag) is None


def test_an_unknown_region_is_found_in_every_place_a_tag_is() -> None:
    document = valid_document()
    document["languages"] = ["en", "nb-XX"]
    document["projects"][0]["title"]["en-UK"] = "A project"
    document["theses"][0]["language"] = "se-ZZ"
    assert sorted(codes_and_pointers(document)) == [
        ("unknown_language_region", "/languages/1"),
        ("unknown_language_region", "/projects/0/title/en-UK"),
        ("unknown_language_region", "/theses/0/language"),
    ]
    assert "did you mean 'en-GB'?" in " ".join(_messages(document))


def test_a_malformed_tag_is_still_invalid_language() -> None:
    document = valid_document()
    document["theses"][0]["language"] = "nb_NO"
    assert codes_and_pointers(document) == [("invalid_language", "/theses/0/language")]


@given(st.sampled_from(COUNTRY_CODES + REGION_AREAS), st.booleans())
def test_every_country_code_and_area_is_a_region(region: str, lower: bool) -> None:
    tag = f"nb-{region.lower() if lower else region}"
    assert re.fullmatch(LANGUAGE_TAG_PATTERN, tag)


@given(
    st.text(string.ascii_uppercase, min_size=2, max_size=2)
    | st.from_regex(r"[0-9]{3}", fullmatch=True)
)
def test_a_region_is_accepted_exactly_when_it_is_a_country_or_an_area(region: str) -> None:
    known = region in COUNTRY_CODES or region in REGION_AREAS
    assert bool(re.fullmatch(LANGUAGE_TAG_PATTERN, f"en-{region}")) == known
    assert (unknown_region(f"en-{region}") is None) == known


# -- URLs ------------------------------------------------------------------------------------

GOOD_URLS = [
    "https://www.ntnu.no/",
    "http://example.no/a/b?c=d&e=f#g",
    "https://example.no/a%20b",
    "https://example.no/it's-(here)!*+,;=:@~",
    "http://[::1]:8080/",
    "https://no.wikipedia.org/wiki/Trøndelag",
]
BAD_URLS = [
    ("https://example.no/a b", "a space"),
    ('https://example.no/"quoted"', "'\"'"),
    ("https://example.no/<tag>", "'<'"),
    ("https://example.no/a\\b", "'\\\\'"),
    ("https://example.no/{x}", "'{'"),
    ("https://example.no/a|b", "'|'"),
    ("https://example.no/a^b", "'^'"),
    ("https://example.no/a`b", "'`'"),
    ("https://example.no/50%off", "a % not before two hex digits"),
    ("https://example.no/a\u00a0b", "U+00A0"),
    ("https://example.no/a\u0085b", "U+0085"),
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_an_address_of_the_characters_of_a_url_is_accepted(url: str) -> None:
    assert re.fullmatch(URL_PATTERN, url)
    document = valid_document()
    document["partners"][0]["homepage"] = url
    assert codes_and_pointers(document) == []
    assert is_valid_identifier("url", url)


@pytest.mark.parametrize(("url", "named"), BAD_URLS)
def test_an_address_with_a_character_no_url_holds_is_invalid_format(url: str, named: str) -> None:
    assert not re.fullmatch(URL_PATTERN, url)
    document = valid_document()
    document["partners"][0]["homepage"] = url
    assert codes_and_pointers(document) == [("invalid_format", "/partners/0/homepage")]
    (message,) = _messages(document)
    assert named in message
    assert not is_valid_identifier("url", url)
    with pytest.raises(ValidationError):
        Link(url=url)
    assert not validator("partner").is_valid({**document["partners"][0]})


_URL_CHARACTERS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?#[]" + "æøåÅ"


@given(st.text(_URL_CHARACTERS, max_size=30), st.sampled_from(' "<>\\^`{|}\x00\x7f\x9f\xa0'))
@example("", "%")
def test_a_url_is_refused_exactly_when_it_holds_a_character_no_url_may(path: str, bad: str) -> None:
    url = f"https://example.no/{path}"
    assert re.fullmatch(URL_PATTERN, url)
    at = len(path) // 2
    assert not re.fullmatch(URL_PATTERN, f"https://example.no/{path[:at]}{bad}{path[at:]}")


# -- control characters in texts -------------------------------------------------------------

CONTROLS = [
    chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
]
_NOT_CONTROL = st.characters(blacklist_characters=CONTROLS, blacklist_categories=("Cs",))


def test_tabs_and_line_breaks_are_no_control_characters() -> None:
    document = valid_document()
    document["projects"][0]["title"]["en"] = "A project\n\twith lines\r\nof every system"
    assert codes_and_pointers(document) == []


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x96", "\x0c"])
def test_a_control_character_is_found_in_every_kind_of_text(control: str) -> None:
    document = valid_document()
    document["partners"][0]["name"]["en"] = f"Trondheim{control}"
    document["agreements"][0]["governance"][0]["name"]["en"] = f"Steering{control} group"
    document["projects"][0]["summary"] = {"en": f"{control}about"}
    document["placements"][0]["programme_code"] = f"NUR{control}"
    document["projects"][0]["sdg_links"][0]["provenance"] = {
        "method": "suggested",
        "tool": "classifier",
        "tool_version": f"2{control}",
        "confidence": 0.5,
    }
    assert sorted(codes_and_pointers(document)) == [
        ("control_character", "/agreements/0/governance/0/name/en"),
        ("control_character", "/partners/0/name/en"),
        ("control_character", "/placements/0/programme_code"),
        ("control_character", "/projects/0/sdg_links/0/provenance/tool_version"),
        ("control_character", "/projects/0/summary/en"),
    ]


def test_the_message_names_the_character_and_where_it_is() -> None:
    document = valid_document()
    document["projects"][0]["title"]["en"] = "A project \u0096 health"
    (message,) = _messages(document)
    assert "U+0096 at character 11" in message
    assert "remove it" in message


@given(st.text(_NOT_CONTROL, min_size=1, max_size=20), st.sampled_from(CONTROLS), st.data())
def test_a_text_is_refused_exactly_when_it_holds_a_control_character(
    text: str, control: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(text)))
    broken = text[:at] + control + text[at:]
    assert re.fullmatch(TEXT_PATTERN, text)
    assert not re.fullmatch(TEXT_PATTERN, broken)
    assert control_character_at(text) is None
    assert control_character_at(broken) == at
    for value, codes in [(text, []), (broken, [("control_character", "/projects/0/title/nb")])]:
        document = valid_document()
        document["projects"][0]["title"]["nb"] = value
        document["projects"][0]["title"]["en"] = "A project"
        assert codes_and_pointers(document) == codes
        assert validator("project").is_valid(document["projects"][0]) == (value == text)


@given(st.text(_NOT_CONTROL | st.sampled_from(CONTROLS), max_size=12), st.booleans())
def test_the_bytes_of_json_lines_tell_a_control_character_as_the_pattern_does(
    text: str, ascii_only: bool
) -> None:
    line = json.dumps({"nb": text}, ensure_ascii=ascii_only).encode()
    clean = texts_clean([line])
    if re.fullmatch(TEXT_PATTERN, text):  # the bytes may be taken for one only by an escape
        assert clean is None or "\\" in text
    else:
        assert clean == [False]


def test_a_control_character_split_between_chunks_is_found() -> None:
    line = b'{"nb": "bell\\u0007"}\n'
    for cut in range(len(line)):
        text = Text(line[:cut], line[cut:] + b'{"nb": "next"}\n', len(line) - cut + 15)
        assert texts_clean([line[:-1], b'{"nb": "next"}'], text) == [False, True]


def test_json_lines_with_control_characters_give_the_same_findings_on_both_paths(
    tmp_path: Path,
) -> None:
    document = valid_document()
    placement = document["placements"][0]
    folder = tmp_path / "dataset"
    folder.mkdir()
    metadata = {key: value for key, value in document.items() if key not in COLLECTIONS}
    (folder / "dataset.json").write_text(json.dumps(metadata), encoding="utf-8")
    for name in COLLECTIONS:
        if name != "placements":
            lines = [json.dumps(record) for record in document.get(name, [])]
            (folder / f"{name}.jsonl").write_text("".join(f"{x}\n" for x in lines), "utf-8")
    programmes = [
        "Nursing",
        "Nursing\\u0007",  # an escape of a control character
        "Nursing\\f",  # a short escape of one
        "Nursing\\\\b",  # an escaped backslash before b: no control character
        "Nursing\\u0009and\\tmore",  # tabs
        "Nursing\u0096",  # a C1 control, raw
        "Nursing\u007f",  # DEL, raw
        "Sykepleie \u00b0",  # a character of U+0080 to U+00FF that is no control
    ]
    lines = []
    for number, programme in enumerate(programmes):
        record = json.dumps({**placement, "id": f"p-{number}", "programme": {"en": "@"}})
        lines.append(record.replace('"@"', f'"{programme}"'))
    (folder / "placements.jsonl").write_text("".join(f"{x}\n" for x in lines), "utf-8")
    fast, general = validate(folder), validate(folder, accelerate=False)
    assert fast.findings == general.findings
    assert [(f.code, f.line) for f in fast] == [
        ("control_character", line) for line in (2, 3, 6, 7)
    ]
