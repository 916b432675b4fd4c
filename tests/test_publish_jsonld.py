"""Linked data: the JSON-LD context, the export as JSON-LD, Turtle and N-Triples, SHACL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyshacl
import pytest
from hypothesis import given, settings
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, SKOS

import unikommune
from conftest import EXAMPLES, SCHEMAS, WHOLE
from strategies import documents
from unikommune.cli import main
from unikommune.errors import DatasetWriteError, PersonalDataError
from unikommune.models import COLLECTIONS, Dataset
from unikommune.publish.export import export
from unikommune.publish.jsonld import jsonld_document, rdf_graph, shapes_text, write_rdf
from unikommune.publish.rdf_terms import CONTEXT_URL, EDTF, context, context_text
from unikommune.schema import check_schemas

EXAMPLE_NAMES = ("trondheim", "regional", "nordlysfjord")
BASE = "https://example.org/ds/"
UK = "https://w3id.org/unikommune/ns#"
DCT = "http://purl.org/dc/terms/"


def _small() -> Dataset:
    """Return a dataset of two partners, one a unit of the other; 26 triples by hand."""
    return Dataset.model_validate(
        {
            "$schema": "https://w3id.org/unikommune/schema/0.2/dataset.json",
            "title": {"nb": "Lite", "en": "Small"},
            "description": {"en": "Two partners."},
            "publisher": "kommune",
            "license": "CC-BY-4.0",
            "languages": ["nb", "en"],
            "modified": "2024-05-01",
            "partners": [
                {
                    "id": "kommune",
                    "name": {"nb": "Kommunen", "en": "The municipality"},
                    "kind": "municipality",
                    "sector": "public-sector",
                },
                {
                    "id": "skole",
                    "name": {"se": "Skuvla"},
                    "kind": "municipality",
                    "sector": "public-sector",
                    "parent": "kommune",
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(data=shapes_text(), format="turtle")


def test_the_context_is_published_and_current() -> None:
    assert (SCHEMAS / "context.jsonld").read_text(encoding="utf-8") == context_text()
    assert not [line for line in check_schemas(SCHEMAS) if "context" in line]
    terms = context()["@context"]
    assert terms["parent"] == {"@id": "org:subOrganizationOf", "@type": "@id"}
    assert terms["title"] == {"@id": "dcterms:title", "@container": "@language"}
    assert terms["modified"]["@type"] == "xsd:date"
    assert terms["start"]["@type"] == EDTF
    assert CONTEXT_URL.endswith("/0.2/context.jsonld")


def test_small_dataset_has_the_triples_counted_by_hand() -> None:
    # dataset: 2 types, conformsTo, 2 titles, 1 description, publisher, licence,
    # 2 languages, modified, 2 partners = 13; kommune: 2 types, 2 names, kind, sector = 6;
    # skole: 3 types (a unit), 1 name, kind, sector, parent = 7.
    graph = rdf_graph(jsonld_document(_small(), base=BASE, concepts=False))
    assert len(graph) == 13 + 6 + 7
    kommune, skole = URIRef(BASE + "partners/kommune"), URIRef(BASE + "partners/skole")
    assert (skole, ORG.subOrganizationOf, kommune) in graph
    assert (skole, RDF.type, ORG.OrganizationalUnit) in graph
    assert (kommune, RDF.type, ORG.Organization) in graph
    assert (URIRef(BASE.rstrip("/")), URIRef(DCT + "publisher"), kommune) in graph
    assert (
        URIRef(BASE.rstrip("/")),
        URIRef(DCT + "license"),
        URIRef("http://spdx.org/licenses/CC-BY-4.0"),
    ) in graph


def test_the_codes_used_are_skos_concepts_counted_by_hand() -> None:
    # 26 as above; 2 codes used (partner-kind municipality, helix-sector public-sector),
    # each: type, scheme, notation, 2 labels (nb, en) = 5; their 2 schemes: type, 2 labels.
    graph = rdf_graph(jsonld_document(_small(), base=BASE))
    assert len(graph) == 26 + 2 * 5 + 2 * 3
    concept = URIRef("https://w3id.org/unikommune/codelist/partner-kind/municipality")
    assert (
        concept,
        SKOS.inScheme,
        URIRef("https://w3id.org/unikommune/codelist/partner-kind"),
    ) in graph
    assert {(str(label), label.language) for label in graph.objects(concept, SKOS.prefLabel)} == {
        ("Kommune", "nb"),
        ("Municipality", "en"),
    }


def test_language_tagged_names_round_trip() -> None:
    dataset = _small()
    graph = rdf_graph(jsonld_document(dataset, base=BASE))
    for partner in dataset.partners:
        names = {
            (value.language, str(value))
            for value in graph.objects(URIRef(BASE + "partners/" + partner.id), FOAF.name)
            if isinstance(value, Literal)
        }
        assert names == set(partner.name.items())


def test_codes_goals_and_dates_become_iris_and_typed_literals() -> None:
    dataset = unikommune.load(EXAMPLES / "trondheim")
    graph = rdf_graph(jsonld_document(dataset))
    goals = set(graph.objects(None, URIRef(UK + "goal")))
    assert goals
    assert all(str(goal).startswith("http://metadata.un.org/sdg/") for goal in goals)
    starts = list(graph.objects(None, URIRef(UK + "start")))
    assert starts
    assert all(str(start.datatype) == EDTF for start in starts if isinstance(start, Literal))
    kinds = set(graph.objects(None, URIRef(UK + "kind")))
    assert URIRef("https://w3id.org/unikommune/codelist/partner-kind/university") in kinds


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_export_and_conform(name: str, tmp_path: Path, shapes: Graph) -> None:
    dataset = unikommune.load(EXAMPLES / name)
    target = tmp_path / f"{name}.ttl"
    export(dataset, target, "turtle", not_personal=True)
    graph = Graph().parse(target, format="turtle")
    assert len(graph) == len(rdf_graph(jsonld_document(dataset, _guarded(dataset))))
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes)
    assert conforms, report


def _guarded(dataset: Dataset) -> dict[str, Any] | None:
    from unikommune.publish.guard import guard

    return guard(dataset).document


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_the_three_forms_give_the_same_graph(tmp_path: Path) -> None:
    dataset = unikommune.load(EXAMPLES / "regional")
    graphs = []
    for form, fmt in (("jsonld", "json-ld"), ("turtle", "turtle"), ("nt", "nt")):
        target = tmp_path / f"out.{form}"
        export(dataset, target, form, base=BASE)
        graphs.append(Graph().parse(target, format=fmt))
    assert len(graphs[0]) == len(graphs[1]) == len(graphs[2]) > 0
    assert graphs[0].isomorphic(graphs[1])
    assert graphs[1].isomorphic(graphs[2])


def test_broken_graphs_do_not_conform(shapes: Graph) -> None:
    graph = rdf_graph(jsonld_document(_small(), base=BASE))
    skole = URIRef(BASE + "partners/skole")
    nameless = Graph() + graph
    nameless.remove((skole, FOAF.name, None))
    assert not pyshacl.validate(nameless, shacl_graph=shapes)[0]
    orphan = Graph() + graph
    orphan.remove((skole, ORG.subOrganizationOf, None))
    assert not pyshacl.validate(orphan, shacl_graph=shapes)[0]
    plain = Graph() + graph
    plain.remove((skole, FOAF.name, None))
    plain.add((skole, FOAF.name, Literal("Skuvla")))  # no language tag
    assert not pyshacl.validate(plain, shacl_graph=shapes)[0]
    link = URIRef(BASE + "link")
    goal18 = Graph() + graph
    goal18.add((link, RDF.type, URIRef(UK + "SdgLink")))
    goal18.add((link, URIRef(UK + "goal"), URIRef("http://metadata.un.org/sdg/18")))
    assert not pyshacl.validate(goal18, shacl_graph=shapes)[0]


def test_small_counts_are_hidden_in_the_graph(tmp_path: Path) -> None:
    dataset = unikommune.load(EXAMPLES / "trondheim")
    done = export(dataset, tmp_path / "t.jsonld", "jsonld", minimum=10_000)
    document = json.loads((tmp_path / "t.jsonld").read_text(encoding="utf-8"))
    placements = document["@graph"][0]["placements"]
    students = [p["students"] for p in placements if "students" in p]
    assert done.notes
    assert students
    assert all(isinstance(value, dict) and "min" in value for value in students)


def test_personal_data_stops_the_export(tmp_path: Path) -> None:
    document = _small().model_dump(mode="json", by_alias=True, exclude_none=True)
    document["description"]["en"] = "Contact ola.nordmann@example.com"
    with pytest.raises(PersonalDataError):
        export(Dataset.model_validate(document), tmp_path / "x.ttl", "turtle")
    assert not (tmp_path / "x.ttl").exists()


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "x.nt"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(DatasetWriteError):
        write_rdf(jsonld_document(_small()), target, "nt")
    assert target.read_text(encoding="utf-8") == "keep"
    write_rdf(jsonld_document(_small()), target, "nt", force=True)
    assert len(Graph().parse(target, format="nt")) == 42


def test_the_command_writes_turtle_from_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "regional.ttl"
    code = main(["export", str(EXAMPLES / "regional"), "-o", str(target), "--base", BASE])
    assert code == 0, capsys.readouterr().err
    graph = Graph().parse(target, format="turtle")
    assert (URIRef(BASE + "partners/" + _first_partner()), RDF.type, ORG.Organization) in graph


def _first_partner() -> str:
    return unikommune.load(EXAMPLES / "regional").partners[0].id


def test_a_missing_rdflib_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from unikommune.publish.jsonld import RdfUnavailableError

    monkeypatch.setitem(sys.modules, "rdflib", None)
    with pytest.raises(RdfUnavailableError, match=r"unikommune\[rdf\]"):
        rdf_graph(jsonld_document(_small()))


def test_exact_bounds_are_time_instants_and_uncertain_ones_are_not() -> None:
    from rdflib.namespace import TIME

    from unikommune.dates import parse_period_end

    graph = rdf_graph(jsonld_document(unikommune.load(EXAMPLES / "trondheim")))
    intervals = set(graph.subjects(RDF.type, TIME.Interval))
    assert intervals == set(graph.subjects(RDF.type, URIRef(UK + "Period"))) | set(
        graph.subjects(RDF.type, URIRef(UK + "Timeframe"))
    )
    seen = {True: 0, False: 0}
    for interval in intervals:
        for bound, link in (("start", TIME.hasBeginning), ("end", TIME.hasEnd)):
            text = graph.value(interval, URIRef(UK + bound))
            instant = graph.value(interval, link)
            if text is None:
                assert instant is None
                continue
            exact = parse_period_end(str(text)).exact
            seen[exact] += 1
            assert (instant is not None) == exact
            if exact:
                values = {str(o) for p, o in graph.predicate_objects(instant) if p != RDF.type}
                assert values == {str(text)}
    assert seen[True]
    assert seen[False]


def test_the_modules_doctests_pass() -> None:
    import doctest

    from unikommune.publish import jsonld, rdf_terms

    for module in (rdf_terms, jsonld):
        result = doctest.testmod(module)
        assert result.failed == 0


def test_ids_that_read_as_iris_stay_under_the_base() -> None:
    document = _small().model_dump(mode="json", by_alias=True, exclude_none=True)
    document["partners"][0]["id"] = "urn:x"
    document["partners"][1]["parent"] = "urn:x"
    document["publisher"] = "urn:x"
    dataset = Dataset.model_validate(document)
    graph = rdf_graph(jsonld_document(dataset, base=BASE, concepts=False))
    assert len(graph) == 26
    assert (
        URIRef(BASE + "partners/skole"),
        ORG.subOrganizationOf,
        URIRef(BASE + "partners/urn%3Ax"),
    ) in graph


@pytest.mark.slow
@settings(WHOLE, max_examples=min(WHOLE.max_examples, 2))
@given(documents("dataset.json"))
def test_generated_datasets_give_typed_records_and_tagged_texts(document: dict[str, Any]) -> None:
    for name in COLLECTIONS:  # ids are unique within a collection
        document[name] = list({record["id"]: record for record in document.get(name, [])}.values())
    dataset = Dataset.model_validate(document)
    graph = rdf_graph(jsonld_document(dataset, base=BASE))
    for name, record in dataset.records():
        subject = URIRef(BASE + name + "/" + quote(record.id, safe=""))
        assert (subject, RDF.type, URIRef(UK + type(record).__name__)) in graph
    for partner in dataset.partners:
        subject = URIRef(BASE + "partners/" + quote(partner.id, safe=""))
        names = {(n.language, str(n)) for n in graph.objects(subject, FOAF.name)}
        assert names == set(partner.name.items())
