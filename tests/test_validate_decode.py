"""The accelerated decoding only makes records of the right shape faster: never a finding."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import SLOW, benchmark_generator
from unikommune.dataset.messages import structural_findings
from unikommune.dataset.mirror import View, mirror_validator
from unikommune.dataset.partial import well_formed_ids
from unikommune.dataset.reader import parse_text
from unikommune.dataset.shape import (
    read_alike,
    record_findings,
    record_validator,
)
from unikommune.models import COLLECTIONS, default_profile
from unikommune.models import values as types
from unikommune.rules.records import reference_paths
from unikommune.validation import Report, stream, validate
from unikommune.validation.decode import Decoder, Known, decoder
from unikommune.validation.engine import MAX_LINE_BYTES

msgspec = pytest.importorskip("msgspec")


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Report, Report]:
    """Validate ``folder`` with the accelerated decoding and without it."""
    return validate(folder), validate(folder, accelerate=False)


def _checker(folder: Path, collection: str) -> Decoder:
    """Return the accelerated decoding of ``collection``."""
    found = decoder(collection)
    assert found is not None
    return found


def _plain(value: Any) -> Any:
    """Return a decoded struct or a record view as plain data, to compare the two."""
    if isinstance(value, View):
        return {key: _plain(item) for key, item in vars(value).items() if not key.startswith("__")}
    if isinstance(value, msgspec.Struct):
        fields = {name: _plain(getattr(value, name)) for name in value.__struct_fields__}
        tag = value.__struct_config__.tag_field
        if tag is not None:
            fields[tag] = value.__struct_config__.tag
        return fields
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _line(collection: str, path: Path) -> bytes:
    return (path / f"{collection}.jsonl").read_bytes().split(b"\n", 1)[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fast") / "tiny"
    benchmark_generator().generate("tiny", folder, seed=5, broken=0.0)
    return folder


@pytest.mark.parametrize("scale", ["tiny", "city"])
@pytest.mark.parametrize("broken", [0.0, 0.1])
def test_generated_datasets_give_the_same_findings_either_way(
    scale: str, broken: float, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    benchmark_generator().generate(scale, tmp_path / "d", seed=7, broken=broken)
    accelerated, general = _both(tmp_path / "d", monkeypatch)
    assert accelerated.findings == general.findings
    assert accelerated.records == general.records
    assert bool(accelerated.findings) == (broken > 0)


def test_every_collection_has_an_accelerated_decoding() -> None:
    for collection in COLLECTIONS:
        assert decoder(collection) is not None, collection


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_a_clean_record_decodes_to_what_the_mirror_reads(collection: str, tiny: Path) -> None:
    accelerator = _checker(tiny, collection)
    lines = [line for line in (tiny / f"{collection}.jsonl").read_bytes().split(b"\n") if line]
    mirror = mirror_validator(COLLECTIONS[collection])
    for line in lines:
        record = accelerator.decode(line)
        assert accelerator.vouch([record], Known({}, (), {})).well is None
        assert _plain(record) == _plain(mirror.validate_json(line))


def _edited(tiny: Path, collection: str, **changes: Any) -> bytes:
    record = json.loads(_line(collection, tiny))
    record["id"] = f"{collection}-edge"
    record.update(changes)
    return json.dumps(record, ensure_ascii=False).encode()


def _copy(tiny: Path, folder: Path) -> None:
    folder.mkdir()
    for entry in tiny.iterdir():
        (folder / entry.name).write_bytes(entry.read_bytes())


EDGES: list[tuple[str, dict[str, Any]]] = [
    ("projects", {}),
    ("projects", {"title": {"nb": "x"}, "focus_areas": [], "sdg_links": []}),
    ("projects", {"sdg_links": None}),
    ("projects", {"title": {"nb": "x", "de-CH": "y"}}),
    ("projects", {"title": {"nb": "Ærlig talt, 北京 og 🚲"}}),
    ("projects", {"title": {"nb": "a\u2028b"}, "agreement": None}),
    ("projects", {"period": {"start": "2024-02-29", "end": "2024-02-29"}}),
    ("projects", {"period": {"start": "2023-02-29"}}),
    ("projects", {"period": {"start": "2024-05", "end": "2024-04"}}),
    ("projects", {"period": {"start": "2024-05\n"}}),
    ("projects", {"period": {"start": "1990", "end": "1991"}}),
    ("projects", {"period": {"start": "2099", "end": None}}),
    ("projects", {"agreement": "agreement-missing"}),
    ("projects", {"sdg_links": [{"goal": 3, "target": "4.1", "role": "primary"}]}),
    ("projects", {"sdg_links": [{"goal": 3, "target": "3.99", "role": "primary"}]}),
    ("projects", {"sdg_links": [{"goal": 3, "provenance": {"method": "suggested"}}]}),
    ("projects", {"sdg_links": [{"goal": 3, "provenance": {"method": "curated"}}]}),
    (
        "projects",
        {"sdg_links": [{"goal": 3, "provenance": {"method": "curated", "curator": "nobody"}}]},
    ),
    (
        "projects",
        {
            "sdg_links": [
                {
                    "goal": 3,
                    "provenance": {
                        "method": "suggested",
                        "tool": "t",
                        "tool_version": "1",
                        "confidence": 0.5,
                        "date": "2024-02-29",
                    },
                }
            ]
        },
    ),
    (
        "projects",
        {
            "sdg_links": [
                {
                    "goal": 3,
                    "provenance": {
                        "method": "suggested",
                        "tool": "t",
                        "tool_version": "1",
                        "confidence": None,
                    },
                }
            ]
        },
    ),
    (
        "projects",
        {"sdg_links": [{"goal": 3, "provenance": {"method": "declared", "date": "2023-02-29"}}]},
    ),
    ("projects", {"sdg_links": [{"goal": 18}]}),
    ("projects", {"sdg_links": [{"goal": "3"}]}),
    ("projects", {"sdg_links": [{"target": "3.1"}]}),
    ("projects", {"sdg_links": [{"goal": 3, "target": None}, {"goal": 17, "target": "17.19"}]}),
    ("projects", {"period": {"start": "1899-12", "end": "1900"}}),
    ("projects", {"period": {"start": "2099-12-31"}}),
    ("projects", {"period": {"start": "2100"}}),
    ("projects", {"period": {"start": "2024", "end": ""}}),
    ("projects", {"period": {"start": "", "end": None}}),
    ("learning_activities", {"period": {"start": "2024-01", "end": ""}}),
    (
        "projects",
        {
            "participants": [
                {"partner": "partner-0", "role": "partner", "period": {"start": "2024-13"}}
            ]
        },
    ),
    ("projects", {"focus_areas": ["thematic-missions", "thematic-missions"]}),
    ("projects", {"thematic_areas": ["no-such-area"]}),
    ("projects", {"identifiers": [{"scheme": "no-orgnr", "value": "911624878"}]}),
    ("projects", {"identifiers": [{"scheme": "no-orgnr", "value": "911624877"}] * 2}),
    ("projects", {"id": "project-0"}),
    ("projects", {"id": "project-x", "unknown": 1}),
    ("projects", {"id": "pro ject"}),
    ("projects", {"participants": []}),
    ("projects", {"participants": [{"partner": "partner-missing", "role": "partner"}]}),
    ("projects", {"funding": [{"external": True}]}),
    ("projects", {"funding": [{"funder": "partner-missing", "external": True}]}),
    ("projects", {"funding": [{"funder": "partner-0", "external": False, "identifiers": []}]}),
    ("projects", {"funding": [{"amount": {"amount": 1e400, "currency": "NOK"}}]}),
    ("projects", {"funding": [{"amount": {"amount": 10, "currency": "nok"}}]}),
    ("theses", {"supervising_partners": ["partner-0", "partner-0"]}),
    ("theses", {"host": None, "year": 2024}),
    ("theses", {"title": {"nb": ""}}),
    ("theses", {"language": "zz-Latn"}),
    ("theses", {"sdg_links": [{"goal": 11, "target": "11.a", "role": "primary"}]}),
    ("theses", {}),
    ("theses", {"id": "thesis-0"}),
    ("theses", {"sdg_links": []}),
    ("theses", {"sdg_links": [{"goal": 4, "provenance": {"method": "suggested", "tool": "t"}}]}),
    ("theses", {"host": "partner-missing"}),
    ("theses", {"institution": "partner-missing"}),
    ("theses", {"supervising_partners": ["partner-missing"]}),
    ("theses", {"agreement": "agreement-missing"}),
    ("theses", {"thematic_areas": ["urban-development", "urban-development"]}),
    ("theses", {"identifiers": [{"scheme": "no-orgnr", "value": "911624878"}]}),
    ("learning_activities", {}),
    ("learning_activities", {"id": "learning_activities-edge", "agreement": None}),
    ("learning_activities", {"sdg_links": []}),
    ("learning_activities", {"period": None}),
    ("learning_activities", {"period": {"start": "2024-03-01", "end": "2024-02-29"}}),
    ("learning_activities", {"period": {"start": "1901", "end": "1902"}}),
    ("learning_activities", {"period": {"start": "2099"}}),
    ("learning_activities", {"organisers": ["partner-missing"]}),
    ("learning_activities", {"participants": [{"partner": "partner-missing", "count": 3}]}),
    ("learning_activities", {"participants": []}),
    ("learning_activities", {"id": "learning-0"}),
    ("learning_activities", {"agreement": "agreement-missing"}),
    ("learning_activities", {"focus_areas": ["no-such-area"]}),
    ("partners", {"identifiers": [{"scheme": "no-orgnr", "value": "1"}]}),
    ("partners", {"identifiers": []}),
    ("partners", {"parent": "partner-missing"}),
    ("partners", {"parent": "partners-edge"}),
    ("partners", {"id": "partner-0"}),
    (
        "partners",
        {"parent": "partner-0", "identifiers": [{"scheme": "no-orgnr", "value": "911624877"}]},
    ),
    ("partners", {"homepage": "ftp://example.no/"}),
]


@pytest.mark.parametrize(("collection", "changes"), EDGES)
def test_edge_records_give_the_same_findings_either_way(
    collection: str,
    changes: dict[str, Any],
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "d"
    _copy(tiny, folder)
    with (folder / f"{collection}.jsonl").open("ab") as stream:
        stream.write(_edited(tiny, collection, **changes) + b"\n")
    accelerated, general = _both(folder, monkeypatch)
    assert accelerated.findings == general.findings
    assert accelerated.records == general.records


@pytest.mark.parametrize(
    ("changes", "flawed"),
    [
        ({}, False),
        ({"period": {"start": "2023-01", "end": "2023-06"}}, False),
        ({"period": {"start": "2019-12", "end": "2020-06"}}, True),
        ({"period": {"start": "2023", "end": "2030"}}, True),
        ({"period": {"start": "2021-01-01"}}, True),
        ({"sdg_links": []}, True),
    ],
)
def test_a_project_a_mission_gathers_gives_the_same_findings_either_way(
    changes: dict[str, Any],
    flawed: bool,
    tiny: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "d"
    _copy(tiny, folder)
    gathered = json.loads(_line("missions", tiny))["projects"][0]
    lines = (folder / "projects.jsonl").read_bytes().split(b"\n")
    for number, line in enumerate(lines):
        if line and json.loads(line)["id"] == gathered:
            lines[number] = json.dumps({**json.loads(line), **changes}).encode()
    (folder / "projects.jsonl").write_bytes(b"\n".join(lines))
    accelerated, general = _both(folder, monkeypatch)
    assert accelerated.findings == general.findings
    assert bool(accelerated.findings) == flawed


def test_edge_findings_are_found_on_the_accelerated_path(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for entry in tiny.iterdir():
        (folder / entry.name).write_bytes(entry.read_bytes())
    project = json.loads(_line("projects", tiny))
    # Copies of one project: without its grant numbers and DOIs, which copies would repeat.
    project.pop("funding", None)
    project.pop("outputs", None)
    edits: list[dict[str, Any]] = [
        {"id": "p-goal", "sdg_links": [{"goal": 3, "target": "4.1", "role": "primary"}]},
        {"id": "p-repeat", "focus_areas": ["thematic-missions", "thematic-missions"]},
        {"id": "p-digit", "identifiers": [{"scheme": "no-orgnr", "value": "911624878"}]},
        {"id": "p-leap", "period": {"start": "2024-02-29", "end": "2024-02-28"}},
        {"id": "p-first", "identifiers": [{"scheme": "no-orgnr", "value": "911624877"}]},
        {"id": "p-again", "identifiers": [{"scheme": "no-orgnr", "value": "911624877"}]},
    ]
    with (folder / "projects.jsonl").open("ab") as stream:
        for edit in edits:
            stream.write(json.dumps({**project, **edit}).encode() + b"\n")
    accelerator = _checker(tiny, "projects")
    # The struct refuses a target of another goal; the others are of the right shape and
    # decode, so the rules find what is wrong with them.
    with pytest.raises(msgspec.ValidationError, match="sdg_links"):
        accelerator.decode(json.dumps({**project, **edits[0]}).encode())
    for edit in edits[1:]:
        record = accelerator.decode(json.dumps({**project, **edit}).encode())
        assert accelerator.vouch([record], Known({}, (), {})).well is None
    thesis = json.loads(_line("theses", tiny))
    with (folder / "theses.jsonl").open("ab") as stream:
        for number in range(2):
            same = {"scheme": "no-orgnr", "value": "911624877"}
            stream.write(
                json.dumps({**thesis, "id": f"t-{number}", "identifiers": [same]}).encode()
            )
            stream.write(b"\n")
    codes = sorted(finding.code for finding in validate(folder))
    assert codes == [
        "duplicate_list_item",
        "duplicate_record",
        "duplicate_record",
        "identifier_check_digit",
        "period_end_before_start",
        "sdg_target_not_of_goal",
    ]


@pytest.mark.parametrize(
    "line",
    [
        b'{"id": "pro ject"}',
        b"[]",
        b"\xef\xbb\xbf{}",
        b'{"title": {"nb": "a\\ud800b"}}',
        b"not json",
    ],
)
def test_the_decoder_refuses_what_it_cannot_pass(line: bytes, tiny: Path) -> None:
    with pytest.raises(msgspec.DecodeError):
        _checker(tiny, "projects").decode(line)


@pytest.mark.parametrize("max_line_bytes", [MAX_LINE_BYTES, 400])
def test_odd_placement_lines_give_the_same_findings_either_way(
    max_line_bytes: int, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "d"
    _copy(tiny, folder)
    first = json.loads(_line("placements", tiny))
    odd = [
        b"\xef\xbb\xbf" + json.dumps({**first, "id": "bom"}).encode(),
        b"",
        b"   \r",
        json.dumps({**first, "id": "crlf"}).encode() + b"\r",
        json.dumps(first).encode(),
        json.dumps({**first, "id": "two"}).encode() + b" {}",
        json.dumps({**first, "id": "bad id"}).encode(),
        json.dumps({**first, "id": "tag", "programme": {"x-odd": "Odd"}}).encode(),
        json.dumps({**first, "id": "long", "programme": {"nb": "x" * 500}}).encode(),
        json.dumps({**first, "id": "host", "host": "partner-missing"}).encode(),
        json.dumps({**first, "id": "after"}).encode(),
    ]
    with (folder / "placements.jsonl").open("ab") as stream:
        stream.write(b"\n".join(odd) + b"\n")
    accelerated = validate(folder, max_line_bytes=max_line_bytes)
    general = validate(folder, max_line_bytes=max_line_bytes, accelerate=False)
    assert accelerated.findings == general.findings
    assert accelerated.records == general.records
    codes = {finding.code for finding in accelerated.findings}
    if max_line_bytes == 400:  # the long line ends the check of the file
        assert "too_large" in codes
    else:
        assert codes == {
            "byte_order_mark",
            "duplicate_id",
            "invalid_id",
            "invalid_json",
            "invalid_language",
            "unresolved_reference",
        }


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._~:-]{0,130}", fullmatch=True),
            st.text(max_size=6),
        ),
        max_size=6,
    )
)
@example(["a\nb"])
@example(["ok", "x\n"])
def test_the_ids_of_a_chunk_are_checked_as_the_pattern_checks_each(ids: list[str]) -> None:
    import re

    each = [re.fullmatch(types.LOCAL_ID_PATTERN[1:-1], value) is not None for value in ids]
    each = [ok and "\n" not in value for ok, value in zip(each, ids, strict=True)]
    assert well_formed_ids(ids) == (None if all(each) else each)


#: Schema file of each collection the accelerator checks record by record.
_SCHEMA_OF = {
    "partners": "partner.json",
    "projects": "project.json",
    "placements": "placement.json",
    "theses": "thesis.json",
    "learning_activities": "learning-activity.json",
}


def _known(folder: Path, collection: str) -> list[str]:
    lines = (folder / f"{collection}.jsonl").read_bytes().split(b"\n")
    return [json.loads(line)["id"] for line in lines if line][:5]


_COMMON = ("nb", "en", "nn", "se", "sv", "da", "fi", "de")


def _common_tags(node: Any) -> Any:
    """Return ``node`` with the keys of its language maps made common tags (nb, en, ...)."""
    if isinstance(node, list):
        return [_common_tags(item) for item in node]
    if not isinstance(node, dict):
        return node
    if (
        node
        and all(isinstance(value, str) for value in node.values())
        and all(re.fullmatch(types.LANGUAGE_TAG_PATTERN[1:-1], key) for key in node)
    ):
        return dict(zip(_COMMON, node.values(), strict=False))
    return {key: _common_tags(value) for key, value in node.items()}


def _point(record: Any, path: str, choose: Callable[[], str]) -> None:
    """Set every value at a REFERENCES-style ``path`` of ``record`` to ``choose()``."""
    steps = path.strip(".").replace("[]", ".[]").split(".")

    def walk(node: Any, rest: list[str]) -> None:
        if not rest or node is None:
            return
        step, more = rest[0], rest[1:]
        if step == "[]":
            if isinstance(node, list):
                for index, item in enumerate(node):
                    if more:
                        walk(item, more)
                    elif isinstance(item, str):
                        node[index] = choose()
            return
        if isinstance(node, dict) and step in node:
            if more:
                walk(node[step], more)
            elif isinstance(node[step], str):
                node[step] = choose()

    walk(record, steps)


@pytest.mark.slow
@SLOW
@given(data=st.data(), collection=st.sampled_from(sorted(_SCHEMA_OF)))
def test_records_drawn_from_the_schemas_give_the_same_findings_either_way(
    data: st.DataObject, collection: str, tiny: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from strategies import documents, mutations

    folder = tmp_path_factory.mktemp("drawn")
    _copy(tiny, folder / "d")
    folder = folder / "d"
    partners, agreements = _known(tiny, "partners"), _known(tiny, "agreements")
    focus, thematic = (
        sorted(default_profile().focus_area_codes()),
        sorted(default_profile().thematic_area_codes()),
    )
    lines = []
    for number in range(data.draw(st.integers(1, 4), label="records")):
        if data.draw(st.booleans(), label="broken"):
            record, _ = data.draw(mutations(_SCHEMA_OF[collection]), label="broken record")
        else:
            record = data.draw(documents(_SCHEMA_OF[collection]), label="record")
        if isinstance(record, dict) and data.draw(st.booleans(), label="common tags"):
            record = _common_tags(record)
        if isinstance(record, dict):
            # Let most references resolve and most areas exist, so the fast path is taken.
            def one_of(values: list[str]) -> Callable[[], str]:
                return lambda: data.draw(st.sampled_from(values))

            for reference in reference_paths(collection):
                target = reference.collection
                if target in {"partners", "agreements"}:
                    choices = partners if target == "partners" else agreements
                    _point(record, f".{reference}", one_of(choices))
            _point(record, ".focus_areas[]", one_of(focus))
            _point(record, ".thematic_areas[]", one_of(thematic))
            if isinstance(record.get("id"), str) and data.draw(st.booleans(), label="new id"):
                record["id"] = f"drawn-{number}"
        lines.append(json.dumps(record, ensure_ascii=False).encode())
    with (folder / f"{collection}.jsonl").open("ab") as stream:
        stream.write(b"\n".join(lines) + b"\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        accelerated, general = _both(folder, monkeypatch)
    assert accelerated.findings == general.findings
    assert accelerated.records == general.records


_PLACEMENT_KINDS = ("clean", "clean", "clean", "dangling", "wrong-type", "bad-id", "blank", "json")


@pytest.mark.slow
@SLOW
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(_PLACEMENT_KINDS), st.integers(0, 5)), min_size=1, max_size=40
    ),
    chunk=st.sampled_from([64, 700, 4096, 256 * 1024]),
)
def test_runs_of_placements_around_broken_lines_give_the_same_findings_either_way(
    lines: list[tuple[str, int]],
    chunk: int,
    tiny: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ids drawn from a small pool repeat, within a run of decoded lines, across runs and
    # across chunks, and between lines that decode and lines that are explained.
    folder = tmp_path_factory.mktemp("runs") / "d"
    _copy(tiny, folder)
    first = json.loads(_line("placements", tiny))
    made = {
        "clean": lambda n: {**first, "id": f"run-{n}"},
        "dangling": lambda n: {**first, "id": f"run-{n}", "host": "partner-missing"},
        "wrong-type": lambda n: {**first, "id": f"run-{n}", "students": "many"},
        "bad-id": lambda n: {**first, "id": f"run {n}"},
    }
    text = [
        b""
        if kind == "blank"
        else b'{"id": "run-%d",' % n
        if kind == "json"
        else json.dumps(made[kind](n)).encode()
        for kind, n in lines
    ]
    (folder / "placements.jsonl").write_bytes(b"\n".join(text) + b"\n")
    with monkeypatch.context() as patch:
        patch.setattr(stream, "CHUNK", chunk)
        accelerated, general = _both(folder, patch)
    assert accelerated.findings == general.findings
    assert accelerated.records == general.records


_EVERY_SCHEMA = {**_SCHEMA_OF, "agreements": "agreement.json", "missions": "mission.json"}


@pytest.mark.slow
@SLOW
@given(data=st.data(), collection=st.sampled_from(sorted(_EVERY_SCHEMA)))
def test_a_broken_line_is_explained_alike_from_its_bytes_and_from_its_parse(
    data: st.DataObject, collection: str
) -> None:
    # The engine explains a line with the errors pydantic found reading its bytes, once the
    # strict parse has read the line; they must be the errors of the parsed value.
    from strategies import mutations

    record, _ = data.draw(mutations(_EVERY_SCHEMA[collection]), label="broken record")
    text = json.dumps(record, ensure_ascii=data.draw(st.booleans(), label="ascii"))
    if isinstance(record, dict) and record and data.draw(st.booleans(), label="twice"):
        key = data.draw(st.sampled_from(sorted(record)), label="key given twice")
        text = f"{text[:-1]}, {json.dumps(key)}: {json.dumps(record[key])}}}"
    parsed = parse_text(text, "f", first_line=7)
    if not parsed.ok:
        return
    try:
        record_validator(collection).validate_json(text.encode())
    except ValidationError as error:
        if not read_alike(error.errors(include_url=False), text):
            return
        from_bytes = structural_findings(error, "f", "", 7, COLLECTIONS[collection])
        event("explained from the bytes")
    else:
        from_bytes = []
    _, from_parse = record_findings(collection, parsed.value, "f", "", 7)
    assert from_bytes == from_parse
