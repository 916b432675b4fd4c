"""The DCAT-AP-NO 3 catalogue record: mandatory properties, findings, the command."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

import unikommune
from conftest import DATA, EXAMPLES
from unikommune.cli import main
from unikommune.errors import PersonalDataError
from unikommune.models import Dataset
from unikommune.publish.dcat import (
    ACCESS_RIGHTS_PUBLIC,
    CATALOGUE_CODES,
    CatalogueConfig,
    CatalogueConfigError,
    CatalogueRecordError,
    catalogue_findings,
    dcat_record,
    read_config,
    with_options,
)
from unikommune.publish.export import export
from unikommune.publish.jsonld import rdf_graph

CONFIGS = DATA / "publish"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
BRREG = "https://data.brreg.no/enhetsregisteret/api/enheter/"
#: Per example: its config, publisher orgnr, licence, themes, forms, languages.
KNOWN = {
    "trondheim": (
        "trondheim.toml",
        "942110464",
        "NLOD_2_0",
        {"EDUC", "GOVE"},
        {"CSV", "XLSX", "JSON", "JSON_LD"},
        {"nb", "en"},
    ),
    "nordlysfjord": (
        "nordlysfjord.toml",
        "999999999",
        "CC_BY_4_0",
        {"REGI", "SOCI"},
        {"CSV", "RDF_TURTLE"},
        {"nb", "en"},
    ),
    "regional": ("regional.json", "999999999", "CC_BY_4_0", {"EDUC"}, {"XLSX"}, {"nb", "en"}),
}


@cache
def _dataset(name: str) -> Dataset:
    return unikommune.load(EXAMPLES / name)


@cache
def _graph(name: str) -> Graph:
    record = dcat_record(_dataset(name), read_config(CONFIGS / KNOWN[name][0]))
    graph: Graph = rdf_graph(record)
    return graph


def _one(graph: Graph, kind: URIRef) -> URIRef:
    (node,) = graph.subjects(RDF.type, kind)
    assert isinstance(node, URIRef)
    return node


@pytest.mark.parametrize("name", KNOWN)
def test_mandatory_properties_with_known_uris(name: str) -> None:
    _, orgnr, licence, themes, forms, languages = KNOWN[name]
    graph, dataset = _graph(name), _dataset(name)
    node = _one(graph, DCAT.Dataset)
    for field, texts in (
        (DCTERMS.title, dataset.title),
        (DCTERMS.description, dataset.description),
    ):
        found = {literal.language: str(literal) for literal in graph.objects(node, field)}
        assert found == dict(texts)
        assert set(found) == languages
    publisher = URIRef(f"{BRREG}{orgnr}")
    assert list(graph.objects(node, DCTERMS.publisher)) == [publisher]
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert (publisher, DCTERMS.identifier, Literal(orgnr)) in graph
    assert set(graph.objects(node, DCAT.theme)) == {URIRef(f"{EU}data-theme/{t}") for t in themes}
    assert list(graph.objects(node, DCTERMS.accessRights)) == [URIRef(ACCESS_RIGHTS_PUBLIC)]
    (contact,) = graph.objects(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert list(graph.objects(contact, VCARD.fn))
    distributions = list(graph.objects(node, DCAT.distribution))
    assert {str(graph.value(d, DCTERMS.format)).rsplit("/", 1)[1] for d in distributions} == forms
    for item in distributions:
        assert isinstance(graph.value(item, DCAT.accessURL), URIRef)
        assert graph.value(item, DCTERMS.license) == URIRef(f"{EU}licence/{licence}")
    (catalogue,) = graph.subjects(DCAT.dataset, node)
    assert (catalogue, RDF.type, DCAT.Catalog) in graph


def test_trondheim_record_known_answers() -> None:
    graph = _graph("trondheim")
    node = _one(graph, DCAT.Dataset)
    publisher = graph.value(node, DCTERMS.publisher)
    # The config gives the orgnr only: the name is the partner's with that number.
    assert {str(name) for name in graph.objects(publisher, FOAF.name)} == {
        "Trondheim kommune",
        "Trondheim municipality",
    }
    contact = graph.value(node, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:postmottak@trondheim.kommune.no")
    assert str(graph.value(node, DCTERMS.modified)) == "2026-12-02"
    assert str(graph.value(node, DCTERMS.issued)) == "2026-11-27"
    assert set(graph.objects(node, DCTERMS.language)) == {
        URIRef(f"{EU}language/NOB"),
        URIRef(f"{EU}language/ENG"),
    }
    assert len(list(graph.objects(node, DCAT.keyword))) == 4
    # Counted by hand: the catalogue 8 (type, 2 titles, 2 descriptions, publisher, contact
    # point, dataset); its contact point and the dataset's, one blank node each, 3 + 3; the
    # dataset 24 (type 1, title 2, description 2, publisher 1, contact point 1, theme 2,
    # access rights 1, licence 1, language 2, distribution 4, issued 1, modified 1,
    # keyword 4, landing page 1); 4 distributions of 7 (type, 2 titles, access URL,
    # format, media type, licence) and the CSV one's download URL, 29; the publisher 4
    # (type, 2 names, identifier).  8 + 6 + 24 + 29 + 4 = 71.
    assert len(graph) == 71


def test_nordlysfjord_publisher_is_the_partner() -> None:
    graph = _graph("nordlysfjord")
    publisher = URIRef(f"{BRREG}999999999")
    assert {str(name) for name in graph.objects(publisher, FOAF.name)} == {
        "Nordlysfjord kommune",
        "Nordlysfjord municipality",
    }
    contact = graph.value(_one(graph, DCAT.Dataset), DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasURL) == URIRef("https://nordlysfjord.example/kontakt")


@pytest.mark.parametrize("name", KNOWN)
def test_record_conforms_to_mandatory_shapes(name: str) -> None:
    shapes = Graph().parse(CONFIGS / "dcat-ap-no-mandatory.ttl")
    conforms, _, text = pyshacl.validate(_graph(name), shacl_graph=shapes)
    assert conforms, text


def test_shapes_catch_a_record_without_access_url() -> None:
    graph = Graph()
    graph += _graph("regional")
    for item in list(graph.subjects(RDF.type, DCAT.Distribution)):
        graph.remove((item, DCAT.accessURL, None))
    shapes = Graph().parse(CONFIGS / "dcat-ap-no-mandatory.ttl")
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes)
    assert not conforms


def test_missing_access_url_is_a_finding() -> None:
    config = read_config(CONFIGS / "no-access-url.toml")
    findings = catalogue_findings(_dataset("trondheim"), config)
    assert [(f.code, f.pointer) for f in findings] == [
        ("dcat_missing_access_url", "/distributions/0/access_url")
    ]
    with pytest.raises(CatalogueRecordError) as raised:
        dcat_record(_dataset("trondheim"), config)
    assert raised.value.findings == findings


def test_empty_config_gives_a_finding_per_missing_property() -> None:
    codes = [f.code for f in catalogue_findings(_dataset("regional"), CatalogueConfig())]
    assert codes == [
        "dcat_missing_publisher_orgnr",
        "dcat_missing_contact_point",
        "dcat_missing_theme",
        "dcat_missing_distribution",
    ]
    assert set(codes) <= set(CATALOGUE_CODES)


def test_wrong_values_are_findings() -> None:
    config = CatalogueConfig.model_validate(
        {
            "publisher": {"orgnr": "942110465"},
            "contact": {"name": "Kari", "email": "kari.nordmann@trondheim.kommune.no"},
            "themes": ["EDUCATION"],
            "distributions": [{"form": "csv", "access_url": "https://example.org/t/"}],
        }
    )
    codes = [f.code for f in catalogue_findings(_dataset("trondheim"), config)]
    assert codes == ["dcat_invalid_orgnr", "dcat_personal_contact_point", "dcat_unknown_theme"]


def test_options_override_the_config() -> None:
    config = with_options(
        read_config(CONFIGS / "no-access-url.toml"),
        orgnr="974767880",
        contact_email="post@ntnu.no",
        themes=["TECH"],
        access_urls=["csv=https://example.org/csv/", "nt=https://example.org/d.nt"],
    )
    assert config.publisher.orgnr == "974767880"
    assert config.contact is not None
    assert config.contact.email == "post@ntnu.no"
    assert config.contact.name == "Trondheim kommune, postmottak"
    assert [(d.form, d.access_url) for d in config.distributions] == [
        ("csv", "https://example.org/csv/"),
        ("nt", "https://example.org/d.nt"),
    ]
    assert catalogue_findings(_dataset("trondheim"), config) == []
    with pytest.raises(CatalogueConfigError):
        with_options(config, access_urls=["pdf=https://example.org/"])
    with pytest.raises(CatalogueConfigError, match="distributions/0/access_url"):
        with_options(config, access_urls=["csv=not a url"])
    with pytest.raises(CatalogueConfigError, match="contact/url"):
        with_options(config, contact_url="nowhere")


def test_config_that_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"themes": ["EDUC"], "colour": "red"}), encoding="utf-8")
    with pytest.raises(CatalogueConfigError, match="colour"):
        read_config(path)


def test_export_dcat_through_the_guard(tmp_path: Path) -> None:
    config = read_config(CONFIGS / "regional.json")
    target = tmp_path / "record.jsonld"
    done = export(_dataset("regional"), target, "dcat", catalogue=config)
    assert done.files == [target]
    assert len(rdf_graph(json.loads(target.read_text(encoding="utf-8")))) == len(_graph("regional"))
    personal = _dataset("regional").model_copy(
        update={"description": {"nb": "Kontakt ola.nordmann@example.no", "en": "x"}}
    )
    with pytest.raises(PersonalDataError):
        export(personal, tmp_path / "refused.jsonld", "dcat", catalogue=config)
    assert not (tmp_path / "refused.jsonld").exists()


def test_cli_writes_turtle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "trondheim.ttl"
    args = ["export", str(EXAMPLES / "trondheim"), "--format", "dcat", "-o", str(target)]
    code = main([*args, "--catalogue", str(CONFIGS / "trondheim.toml")])
    assert code == 0, capsys.readouterr().err
    graph = Graph().parse(target, format="turtle")
    assert len(graph) == len(_graph("trondheim"))


def test_cli_missing_access_url_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "record.jsonld"
    code = main(
        [
            "export",
            str(EXAMPLES / "trondheim"),
            "--format",
            "dcat",
            "-o",
            str(target),
            "--catalogue",
            str(CONFIGS / "no-access-url.toml"),
        ]
    )
    assert code == 1
    assert "dcat_missing_access_url" in capsys.readouterr().err
    assert not target.exists()


def test_cli_options_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "record.jsonld"
    code = main(
        [
            *("export", str(EXAMPLES / "nordlysfjord"), "--format", "dcat", "-o", str(target)),
            *("--publisher-orgnr", "999999999", "--contact-name", "Postmottak"),
            *("--contact-url", "https://nordlysfjord.example/", "--theme", "REGI"),
            *("--access-url", "json=https://example.org/d.json"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    graph = rdf_graph(json.loads(target.read_text(encoding="utf-8")))
    assert len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 1
