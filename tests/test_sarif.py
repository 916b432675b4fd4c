"""SARIF output: valid against the official SARIF 2.1.0 schema and within GitHub's limits."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

import unikommune
from conftest import DATA, ROOT
from unikommune.errors import UnknownCodeError
from unikommune.validation import CODES, Finding, Report, Severity
from unikommune.validation.sarif import to_sarif

SCHEMAS = DATA / "sarif"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

# -- validating against the vendored schemas, without the network ------------------------------

#: RFC 3986: the characters a URI reference may hold, with %XX escapes.
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _is_uri_reference(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _URI_CHARACTERS.fullmatch(value):
        return False
    # A relative reference cannot have a colon in its first segment (it would be a scheme).
    return bool(_SCHEME.match(value)) or ":" not in value.split("/", 1)[0]


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_SCHEME.match(value) and _is_uri_reference(value))


# jsonschema checks "uri" and "uri-reference" only with optional packages; these do it here.
FORMATS = FormatChecker()
FORMATS.checks("uri")(_is_uri)
FORMATS.checks("uri-reference")(_is_uri_reference)


def _no_retrieval(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)


def _validator(name: str, cls: Any) -> Any:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls.check_schema(schema)
    uri = schema.get("$id") or schema["id"]
    registry: Registry[Any] = Registry(retrieve=_no_retrieval).with_resource(
        uri, Resource.from_contents(schema)
    )
    return cls(schema, registry=registry, format_checker=FORMATS)


#: The OASIS Standard's schema (draft-07) and the one of its approved errata (draft-04),
#: which adds, among others, that a region has a start line or offset.
VALIDATORS = {
    "2.1.0": _validator("sarif-schema-2.1.0.json", Draft7Validator),
    "2.1.0 errata01": _validator("sarif-schema-2.1.0-errata01.json", Draft4Validator),
}


def assert_valid(log: dict[str, Any]) -> None:
    """Fail unless ``log`` is JSON that both official SARIF 2.1.0 schemas accept."""
    log = json.loads(json.dumps(log, ensure_ascii=False, allow_nan=False))
    for name, validator in VALIDATORS.items():
        errors = sorted(validator.iter_errors(log), key=lambda error: list(error.path))
        assert not errors, f"{name}: {errors[0].message} at {list(errors[0].path)}"


def assert_github_accepts(log: dict[str, Any]) -> None:
    """Fail unless ``log`` keeps to GitHub code scanning's documented rules and limits.

    From docs.github.com, "SARIF support for code scanning": the required properties,
    never the empty string, the limits on runs, results, rules, tags and text lengths,
    and a physical first location for every result.
    """
    assert log["version"] == "2.1.0"
    assert log["$schema"]
    assert 1 <= len(log["runs"]) <= 20
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] == "unikommune"
        rules = driver["rules"]
        assert 0 < len(rules) <= 25_000
        assert len({rule["id"] for rule in rules}) == len(rules)
        for rule in rules:
            assert rule["id"]
            assert 0 < len(rule["name"]) <= 255
            assert 0 < len(rule["shortDescription"]["text"]) <= 1024
            assert 0 < len(rule["fullDescription"]["text"]) <= 1024
            assert rule["help"]["text"].strip()
            assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
            assert len(rule["properties"]["tags"]) <= 10
            assert rule["properties"]["precision"] in {"very-high", "high", "medium", "low"}
        assert len(run["results"]) <= 25_000
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["level"] in {"note", "warning", "error"}
            assert result["message"]["text"].strip()
            assert 1 <= len(result["locations"]) <= 10
            physical = result["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            assert result["partialFingerprints"]
            assert all(result["partialFingerprints"].values())
            # Left to the upload-sarif action, which computes it from the file's text.
            assert "primaryLocationLineHash" not in result["partialFingerprints"]


def _sarif(report: Report, **options: Any) -> dict[str, Any]:
    log = to_sarif(report, tool_version="0.1.0", **options)
    assert_valid(log)
    return log


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def _physical(result: dict[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return physical


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in the repository's root, as ``unikommune validate`` runs in a checkout."""
    monkeypatch.chdir(ROOT)
    return ROOT


# -- the schemas -------------------------------------------------------------------------------


def test_the_vendored_schemas_are_the_official_ones_unchanged() -> None:
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    paths = sorted(SCHEMAS.glob("*.json"))
    assert [path.name for path in paths] == [
        "sarif-schema-2.1.0-errata01.json",
        "sarif-schema-2.1.0.json",
    ]
    for path in paths:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
        # The README gives each file's source and SHA-256.
        assert f"| `{path.name}` |" in readme
        assert hashlib.sha256(path.read_bytes()).hexdigest() in readme


def test_the_schemas_reject_what_is_not_sarif() -> None:
    log = to_sarif(Report(), tool_version="0.1.0")
    log["runs"][0]["columnKind"] = "bytes"
    for validator in VALIDATORS.values():
        assert not validator.is_valid(log)
    log["runs"][0]["columnKind"] = "unicodeCodePoints"
    log["runs"][0]["artifacts"] = [{"location": {"uri": "my data.json"}}]
    assert not any(validator.is_valid(log) for validator in VALIDATORS.values())


# -- reports of the examples -------------------------------------------------------------------

INVALID = [
    "missing_field.json",
    "invalid_json.json",
    "not_utf8.json",
    "byte_order_mark.json",
    "duplicate_key.json",
    "wrong_schema.json",
    "project_outside_mission_timeframe.json",
    "unexpected_file",
    "profile_declared_twice",
]


@pytest.mark.parametrize("name", INVALID)
def test_invalid_examples(name: str, at_root: Path) -> None:
    report = unikommune.validate(Path("examples/invalid") / name)
    log = _sarif(report, root=at_root)
    assert_github_accepts(log)
    run = log["runs"][0]
    results = _results(log)
    assert len(results) == len(report.findings) > 0
    assert {result["ruleId"] for result in results} == report.codes()
    uris = [artifact["location"]["uri"] for artifact in run["artifacts"]]
    assert set(report.files) <= set(uris)
    for result, finding in zip(results, report.findings, strict=True):
        physical = _physical(result)
        assert physical["artifactLocation"]["uri"] == finding.file
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert uris[physical["artifactLocation"]["index"]] == finding.file
        # What the text output prints for the finding, read back from the log.
        region = physical["region"]
        place = f"{finding.file}:{region['startLine']}:{region['startColumn']}"
        assert f"{place}: {result['ruleId']} {result['message']['text']}" == str(finding)
        assert result["level"] == LEVELS[finding.severity]
        [logical] = result["locations"][0]["logicalLocations"]
        assert logical["fullyQualifiedName"] == finding.pointer
        assert logical["kind"] == "member"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == at_root.as_uri() + "/"


def test_a_result_checked_by_hand_against_the_text_output(at_root: Path) -> None:
    # unikommune validate examples/invalid/wrong_schema.json prints
    # examples/invalid/wrong_schema.json:2:14: wrong_schema $schema: a dataset document ...
    # (line 2 is `  "$schema": "https://example.org/...`, whose value starts in column 14).
    log = _sarif(unikommune.validate(Path("examples/invalid/wrong_schema.json")), root=at_root)
    [result] = _results(log)
    assert result["ruleId"] == "wrong_schema"
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("$schema: a dataset document names")
    assert _physical(result) == {
        "artifactLocation": {
            "uri": "examples/invalid/wrong_schema.json",
            "uriBaseId": "%SRCROOT%",
            "index": 0,
        },
        "region": {"startLine": 2, "startColumn": 14},
    }
    assert result["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "/$schema", "kind": "member", "name": "$schema"}
    ]
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["defaultConfiguration"] == {"level": "error"}


def test_a_clean_dataset_has_no_results(at_root: Path) -> None:
    report = unikommune.validate("examples/trondheim")
    assert report.ok
    log = _sarif(report, root=at_root)
    assert_github_accepts(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert [artifact["location"]["uri"] for artifact in run["artifacts"]] == report.files
    assert all(artifact["roles"] == ["analysisTarget"] for artifact in run["artifacts"])
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["properties"] == {
        "records": report.records,
        "counts": {"error": 0, "warning": 0, "info": 0},
    }


# -- rules -------------------------------------------------------------------------------------


def test_every_code_of_the_catalogue_is_a_rule() -> None:
    log = _sarif(Report())
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "unikommune"
    assert driver["informationUri"] == "https://w3id.org/unikommune"
    assert [rule["id"] for rule in driver["rules"]] == list(CODES)
    for rule, code in zip(driver["rules"], CODES.values(), strict=True):
        assert rule["name"] == "".join(part.capitalize() for part in code.code.split("_"))
        assert rule["shortDescription"]["text"] == code.title.replace("`", "")
        assert rule["fullDescription"]["text"] == code.explanation.replace("`", "")
        assert rule["help"]["text"].endswith(f"How to fix: {code.fix.replace('`', '')}")
        assert f"**How to fix:** {code.fix}" in rule["help"]["markdown"]
        assert code.explanation in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == LEVELS[code.severity]
        assert rule["properties"]["tags"] == ["unikommune", code.layer]
    missing = [rule for rule in driver["rules"] if rule["id"] == "missing_field"]
    assert missing[0]["name"] == "MissingField"


def test_versions() -> None:
    driver = _sarif(Report())["runs"][0]["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    # A PEP 440 development version is not a Semantic Versioning 2.0 version.
    driver = to_sarif(Report(), tool_version="0.2.0.dev3+g1a2b3c")["runs"][0]["tool"]["driver"]
    assert driver["version"] == "0.2.0.dev3+g1a2b3c"
    assert "semanticVersion" not in driver
    with pytest.raises(ValueError, match="tool_version"):
        to_sarif(Report(), tool_version=" ")


def test_codes_outside_the_catalogue_are_refused() -> None:
    report = Report.of([Finding("no_such_code", Severity.ERROR, "?", "a.json", 1, 1)])
    with pytest.raises(UnknownCodeError, match="no_such_code"):
        to_sarif(report, tool_version="0.1.0")


# -- places: URIs, columns, logical locations --------------------------------------------------


def test_columns_count_code_points_and_uris_are_percent_encoded(tmp_path: Path) -> None:
    folder = tmp_path / "my data" / "Tromsø kommune"
    folder.mkdir(parents=True)
    path = folder / "datasett 😀 #1.json"
    # The comma missing before "x" is found after an emoji: 1 code point, 2 UTF-16 units.
    text = '{"navn": "Tromsø 😀", "emne": "æøå" "x": 1}\n'
    path.write_text(text, encoding="utf-8")
    report = unikommune.validate(path)
    log = _sarif(report, root=tmp_path)
    assert_github_accepts(log)
    [result] = _results(log)
    assert result["ruleId"] == "invalid_json"
    physical = _physical(result)
    assert physical["region"] == {"startLine": 1, "startColumn": text.index('"x"') + 1}
    assert text.index('"x"') + 1 < len(text[: text.index('"x"')].encode("utf-16-le")) // 2 + 1
    uri = physical["artifactLocation"]["uri"]
    assert uri == "my%20data/Troms%C3%B8%20kommune/datasett%20%F0%9F%98%80%20%231.json"
    assert unquote(uri) == "my data/Tromsø kommune/datasett 😀 #1.json"
    assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.as_uri() + "/"
    assert unquote(base + uri).removeprefix("file://") == str(path)


def test_uris_without_a_root(tmp_path: Path) -> None:
    absolute = tmp_path / "a b" / "ø.json"
    report = Report.of(
        [
            Finding("missing_field", Severity.ERROR, "m", str(absolute), 3, 4, "/a"),
            Finding("missing_field", Severity.ERROR, "m", "./data/../data/x y.json", 1, 1, "/b"),
        ]
    )
    locations = {
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: _physical(result)[
            "artifactLocation"
        ]
        for result in _results(_sarif(report))
    }
    assert locations["/a"] | {"index": 0} == {"uri": absolute.as_uri(), "index": 0}
    assert "/a%20b/%C3%B8.json" in locations["/a"]["uri"]
    assert locations["/b"] | {"index": 0} == {
        "uri": "data/x%20y.json",
        "uriBaseId": "%SRCROOT%",
        "index": 0,
    }


def test_a_file_outside_the_root_has_an_absolute_uri(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    outside = tmp_path / "elsewhere.json"
    report = Report.of([Finding("empty_file", Severity.ERROR, "empty", str(outside), 1, 1)])
    log = _sarif(report, root=tmp_path / "repo")
    assert _physical(_results(log)[0])["artifactLocation"] == {"uri": outside.as_uri(), "index": 0}
    assert "originalUriBaseIds" not in log["runs"][0]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symbolic_links_are_resolved(tmp_path: Path) -> None:
    # GitHub cannot show a result in a file it knows by a link, so the log names the target.
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "dataset.json"
    target.write_text("{}", encoding="utf-8")
    link = tmp_path / "dataset.json"
    link.symlink_to(target)
    report = Report.of([Finding("missing_field", Severity.ERROR, "m", str(link), 1, 1, "/x")])
    location = _physical(_results(_sarif(report, root=tmp_path))[0])["artifactLocation"]
    assert location["uri"] == "data/dataset.json"


def test_a_finding_without_a_file_has_a_logical_location_only() -> None:
    # A dataset validated in memory: there is no file to point at (GitHub needs one, so
    # such a log is for other SARIF readers; the command line always validates files).
    report = unikommune.validate({"$schema": "https://example.org/not-a-dataset.json"})
    assert report.findings
    assert all(finding.file is None for finding in report.findings)
    log = _sarif(report)
    assert log["runs"][0]["artifacts"] == []
    assert "originalUriBaseIds" not in log["runs"][0]
    for result, finding in zip(_results(log), report.findings, strict=True):
        [location] = result["locations"]
        assert "physicalLocation" not in location
        assert location["logicalLocations"][0]["fullyQualifiedName"] == finding.pointer
        assert location["logicalLocations"][0]["kind"] == "member"


def test_places_that_are_not_known_are_left_out() -> None:
    report = Report.of(
        [
            Finding("missing_field", Severity.ERROR, "m", "a.json", None, None, "/a~1b/c~0d"),
            Finding("missing_field", Severity.ERROR, "m", "a.json", 7, None, "/x"),
            Finding("missing_field", Severity.ERROR, "m", "a.json", 0, 0, "/y"),
        ]
    )
    results = _results(_sarif(report))
    assert [_physical(result).get("region") for result in results] == [
        None,
        None,
        {"startLine": 7},
    ]
    names = [result["locations"][0]["logicalLocations"][0].get("name") for result in results]
    assert sorted(names) == ["c~d", "x", "y"]


# -- fingerprints ------------------------------------------------------------------------------


def _fingerprints(report: Report) -> list[str]:
    return [result["partialFingerprints"]["unikommune/v1"] for result in _results(_sarif(report))]


def test_fingerprints_follow_code_file_and_pointer() -> None:
    def finding(line: int, pointer: str, message: str = "m") -> Finding:
        return Finding("not_in_codelist", Severity.ERROR, message, "data/p.json", line, 3, pointer)

    before = _fingerprints(Report.of([finding(10, "/projects/0/status")]))
    # The same value, moved down the file and with another message: the same alert.
    after = _fingerprints(Report.of([finding(42, "/projects/0/status", "reworded")]))
    assert before == after
    assert re.fullmatch(r"[0-9a-f]{32}:1", before[0])
    other = _fingerprints(Report.of([finding(10, "/projects/1/status")]))
    assert other != before
    # The same code at the same pointer twice (two records of a JSON Lines file): numbered.
    twice = _fingerprints(Report.of([finding(1, "/status"), finding(2, "/status")]))
    assert [value.split(":")[1] for value in twice] == ["1", "2"]
    assert twice[0].split(":")[0] == twice[1].split(":")[0]


def test_fingerprints_do_not_depend_on_where_the_checkout_is(tmp_path: Path) -> None:
    def report(root: Path) -> Report:
        file = str(root / "data" / "dataset.json")
        return Report.of([Finding("missing_field", Severity.ERROR, "m", file, 1, 1, "/a")], [file])

    one, two = tmp_path / "one", tmp_path / "two"
    first = to_sarif(report(one), tool_version="0.1.0", root=one)
    second = to_sarif(report(two), tool_version="0.1.0", root=two)
    assert _results(first) == _results(second)
    assert first["runs"][0]["artifacts"] == second["runs"][0]["artifacts"]


# -- GitHub's limits ---------------------------------------------------------------------------


def test_too_many_findings_keep_the_most_severe() -> None:
    severities = [Severity.INFO, Severity.ERROR, Severity.WARNING, Severity.ERROR, Severity.INFO]
    findings = [
        Finding("unexpected_file", severity, f"finding {i}", "a.json", i + 1, 1, f"/{i}")
        for i, severity in enumerate(severities)
    ]
    log = _sarif(Report.of(findings), max_results=3)
    run = log["runs"][0]
    assert [result["message"]["text"] for result in run["results"]] == [
        "finding 1",
        "finding 2",
        "finding 3",
    ]
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning"
    assert notification["message"]["text"].startswith("2 of 5 findings are left out")
    assert run["properties"]["omitted"] == 2
    with pytest.raises(ValueError, match="max_results"):
        to_sarif(Report(), tool_version="0.1.0", max_results=-1)


def test_a_full_log_is_within_githubs_limits() -> None:
    # 30,000 findings: GitHub rejects a run of more than 25,000 results, and files over
    # 10 MB gzip-compressed.
    severities = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    findings = [
        Finding(
            "unresolved_reference",
            severities[i % 3],
            f"host: expected the id of a partner in the dataset, found 'partner-{i}'",
            "data/placements.jsonl",
            i + 1,
            15,
            "/host",
        )
        for i in range(30_000)
    ]
    log = to_sarif(Report.of(findings, ["data/placements.jsonl"], 30_000), tool_version="0.1.0")
    assert_github_accepts(log)
    results = _results(log)
    assert len(results) == 25_000
    levels = [result["level"] for result in results]
    assert levels.count("error") == levels.count("warning") == 10_000
    assert levels.count("note") == 5_000
    compressed = gzip.compress(json.dumps(log).encode("utf-8"))
    assert len(compressed) < 10 * 1024 * 1024


# -- any report --------------------------------------------------------------------------------

_SEGMENT = st.text(
    st.characters(codec="utf-8", exclude_characters="/\\\x00"), min_size=1, max_size=8
).filter(lambda segment: segment not in {".", ".."})
_RELATIVE = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join)
_ROOT = Path("/srv/checkout of unikommune")
_FILES = st.one_of(
    _RELATIVE,
    _RELATIVE.map(lambda path: str(_ROOT / path)),
    _RELATIVE.map(lambda path: f"/elsewhere/{path}"),
)
_MESSAGES = st.one_of(st.text(), st.builds("{}\n{}".format, st.text(), st.text()))
_FINDINGS = st.builds(
    Finding,
    code=st.sampled_from(list(CODES)),
    severity=st.sampled_from(list(Severity)),
    message=_MESSAGES,
    file=st.one_of(st.none(), _FILES),
    line=st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    column=st.one_of(st.none(), st.integers(min_value=0, max_value=10**5)),
    pointer=st.text(max_size=20),
)


@given(
    findings=st.lists(_FINDINGS, max_size=8),
    files=st.lists(_FILES, max_size=3),
    root=st.sampled_from([None, _ROOT]),
)
def test_any_report_gives_a_valid_log(
    findings: list[Finding], files: list[str], root: Path | None
) -> None:
    report = Report.of(findings, files)
    log = _sarif(report, root=root)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(findings)
    fingerprints = set()
    for result, finding in zip(run["results"], report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        assert result["level"] == LEVELS[finding.severity]
        assert result["message"]["text"].strip()
        fingerprints.add(result["partialFingerprints"]["unikommune/v1"])
        location = result["locations"][0]
        if finding.file is None:
            assert "physicalLocation" not in location
            continue
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uri"].isascii()
        assert run["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]
        region = location["physicalLocation"].get("region", {})
        assert region.get("startLine", 1) >= 1
        assert region.get("startColumn", 1) >= 1
    assert len(fingerprints) == len(findings)


def test_the_command_writes_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    from unikommune.cli import main

    path = "examples/invalid/sdg_target_not_of_goal.json"
    assert main(["validate", "--format", "sarif", path]) == 1
    log = json.loads(capsys.readouterr().out)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "sdg_target_not_of_goal"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 166
