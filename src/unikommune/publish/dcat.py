"""A dataset's record in the national data catalogue: DCAT-AP-NO 3, as JSON-LD or Turtle.

:func:`dcat_record` describes a dataset as a ``dcat:Dataset`` in a ``dcat:Catalog``
with every property DCAT-AP-NO 3 makes mandatory (its SHACL core shapes,
``dcatapno3-core-shapes.ttl``): a title and a description per language, a
publisher (the organisation's URI in the Central Coordinating Register for Legal
Entities, ``https://data.brreg.no/enhetsregisteret/api/enheter/<orgnr>``), a
contact point (a ``vcard:Organization`` with a name and an e-mail address or
contact page), a theme from the EU data-theme vocabulary, and a
``dcat:Distribution`` per published form with its access URL, its format and the
licence (NLOD 2.0, CC BY 4.0 or CC0 as the EU licence URI); ``dct:accessRights``
is always ``PUBLIC``, so the catalogue shows the dataset as open data.

What the dataset cannot say (the publisher's organisation number when the
publisher is not a partner with one, the contact point, the themes and where each
form is published) comes from a :class:`CatalogueConfig`, read from a JSON or TOML
file (:func:`read_config`) or built from the command line's options.  A mandatory
property that neither gives is a finding with a code of :data:`CATALOGUE_CODES`,
and :func:`dcat_record` raises :class:`CatalogueRecordError` rather than write a
broken record.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from unikommune import dates
from unikommune.codelists import IdentifierScheme, Licence
from unikommune.errors import UnikommuneError
from unikommune.findings import Finding, Severity
from unikommune.identifiers import identifier_problem
from unikommune.models import Dataset, Partner, Publisher
from unikommune.models.values import Url
from unikommune.outputs import write_text
from unikommune.privacy import find_personal_data

__all__ = [
    "ACCESS_RIGHTS_PUBLIC",
    "BRREG",
    "CATALOGUE_CODES",
    "DATA_THEMES",
    "DISTRIBUTION_FORMS",
    "LICENCES",
    "CatalogueConfig",
    "CatalogueConfigError",
    "CatalogueRecordError",
    "Contact",
    "DistributionConfig",
    "PublisherConfig",
    "catalogue_findings",
    "dcat_record",
    "read_config",
    "with_options",
    "write_dcat",
]

_EU = "http://publications.europa.eu/resource/authority/"
#: The base of a Norwegian organisation's URI, followed by its organisation number.
BRREG = "https://data.brreg.no/enhetsregisteret/api/enheter/"
#: ``dct:accessRights`` of every record: open data.
ACCESS_RIGHTS_PUBLIC = f"{_EU}access-right/PUBLIC"
#: The EU licence URI of each licence a dataset may have.
LICENCES: dict[Licence, str] = {
    Licence.NLOD_2_0: f"{_EU}licence/NLOD_2_0",
    Licence.CC_BY_4_0: f"{_EU}licence/CC_BY_4_0",
    Licence.CC0_1_0: f"{_EU}licence/CC0",
}
#: The codes of the EU data-theme vocabulary (``{_EU}data-theme/<code>``).
DATA_THEMES = frozenset(
    {
        "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL",
        "INTR", "JUST", "OP_DATPRO", "REGI", "SOCI", "TECH", "TRAN",
    }
)  # fmt: skip
#: Each form a distribution may have: its titles, EU file type and IANA media type.
DISTRIBUTION_FORMS: dict[str, tuple[str, str, str, str]] = {
    "csv": ("CSV-tabeller (Frictionless Data Package)", "CSV tables (Frictionless Data Package)",
            "CSV", "text/csv"),
    "xlsx": ("Regneark (XLSX)", "Spreadsheet (XLSX)", "XLSX",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("JSON-dokument (unikommune-formatet)", "JSON document (the unikommune format)",
             "JSON", "application/json"),
    "jsonld": ("Lenkede data (JSON-LD)", "Linked data (JSON-LD)", "JSON_LD", "application/ld+json"),
    "turtle": ("Lenkede data (Turtle)", "Linked data (Turtle)", "RDF_TURTLE", "text/turtle"),
    "nt": ("Lenkede data (N-Triples)", "Linked data (N-Triples)", "RDF_N_TRIPLES",
           "application/n-triples"),
}  # fmt: skip
_IANA = "https://www.iana.org/assignments/media-types/"
_LANGUAGES = {"nb": "NOB", "nn": "NNO", "no": "NOR", "en": "ENG", "se": "SME", "sv": "SWE"}
_DEFAULT_IRI = "urn:unikommune:dataset"
_E = Severity.ERROR
#: The name of a published form in a distribution.
Form = Literal["csv", "xlsx", "json", "jsonld", "turtle", "nt"]

#: The codes of the record's findings: severity and what each means.
CATALOGUE_CODES: dict[str, tuple[Severity, str]] = {
    "dcat_missing_publisher_orgnr": (
        _E,
        "The publisher has no organisation number, so the record has no publisher URI.",
    ),
    "dcat_invalid_orgnr": (_E, "The publisher's organisation number is not valid."),
    "dcat_missing_contact_point": (_E, "The record has no contact point."),
    "dcat_incomplete_contact_point": (
        _E,
        "The contact point has no name, or neither an e-mail address nor a contact page.",
    ),
    "dcat_personal_contact_point": (
        _E,
        "The contact point's e-mail address is a person's: a catalogue record names an "
        "organisation's contact point.",
    ),
    "dcat_missing_theme": (_E, "The record has no theme of the EU data-theme vocabulary."),
    "dcat_unknown_theme": (_E, "A theme is not a code of the EU data-theme vocabulary."),
    "dcat_missing_distribution": (_E, "The record lists no published form of the dataset."),
    "dcat_missing_access_url": (_E, "A distribution has no access URL."),
    "dcat_missing_translation": (
        _E,
        "The title or description has no text in one of the dataset's languages.",
    ),
}


class CatalogueRecordError(UnikommuneError, ValueError):
    """The record lacks a mandatory property; ``findings`` says which."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        count = len(findings)
        super().__init__(
            f"refused to write the catalogue record: {count} mandatory propert"
            f"{'ies are' if count != 1 else 'y is'} missing or wrong; give them in the "
            "catalogue config (--catalogue) or as options"
        )


class CatalogueConfigError(UnikommuneError, ValueError):
    """A catalogue config file or option cannot be read or does not fit."""


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublisherConfig(_Config):
    """The publisher as the catalogue knows it, when the dataset does not say."""

    orgnr: str | None = Field(default=None, description="Organisation number (9 digits).")
    name: dict[str, str] | None = Field(
        default=None, description="Name by language; absent: the dataset publisher's name."
    )


class Contact(_Config):
    """The organisation's contact point for the dataset (``vcard:Organization``)."""

    name: str | dict[str, str] | None = Field(default=None, description="Its name.")
    email: str | None = Field(default=None, description="A functional mailbox.")
    url: Url | None = Field(default=None, description="A contact page.")
    phone: str | None = Field(default=None, description="A switchboard's number.")


class DistributionConfig(_Config):
    """Where one published form of the dataset can be had."""

    form: Form
    access_url: Url | None = Field(default=None, description="Where the form is offered.")
    download_url: Url | None = Field(default=None, description="The file itself.")


class CatalogueConfig(_Config):
    """What a catalogue record needs that the dataset does not hold."""

    uri: Url | None = Field(default=None, description="The dataset's URI; absent: its id.")
    catalogue_uri: Url | None = Field(default=None, description="The catalogue's URI.")
    publisher: PublisherConfig = PublisherConfig()
    contact: Contact | None = None
    themes: list[str] = Field(default_factory=list, description="EU data-theme codes.")
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    landing_page: Url | None = None
    distributions: list[DistributionConfig] = Field(default_factory=list)


def read_config(path: str | os.PathLike[str]) -> CatalogueConfig:
    """Read a catalogue config from a JSON file, or a TOML file (``.toml``).

    Raises:
        CatalogueConfigError: the file cannot be read, or does not fit
            :class:`CatalogueConfig`.
    """
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
        data = tomllib.loads(text) if target.suffix.lower() == ".toml" else json.loads(text)
        return CatalogueConfig.model_validate(data)
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueConfigError(f"{path}: cannot read the catalogue config: {error}") from None
    except (ValueError, tomllib.TOMLDecodeError) as error:
        message = _problem(error) if isinstance(error, ValidationError) else str(error)
        raise CatalogueConfigError(f"{path}: not a catalogue config: {message}") from None


def with_options(
    config: CatalogueConfig,
    *,
    orgnr: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    contact_url: str | None = None,
    themes: list[str] | None = None,
    access_urls: list[str] | None = None,
) -> CatalogueConfig:
    """Return ``config`` with the command line's options in place of its values.

    ``access_urls`` holds ``FORM=URL`` items: each sets the access URL of the
    distribution of that form, adding the distribution when there is none.

    Raises:
        CatalogueConfigError: an item of ``access_urls`` is not ``FORM=URL`` of a known form.
    """
    update: dict[str, Any] = {}
    if orgnr is not None:
        update["publisher"] = config.publisher.model_copy(update={"orgnr": orgnr})
    given = {"name": contact_name, "email": contact_email, "url": contact_url}
    if any(value is not None for value in given.values()):
        contact = config.contact or Contact()
        update["contact"] = contact.model_copy(
            update={key: value for key, value in given.items() if value is not None}
        )
    if themes:
        update["themes"] = list(themes)
    distributions: dict[str, DistributionConfig] = {i.form: i for i in config.distributions}
    for item in access_urls or ():
        form, _, url = item.partition("=")
        if form not in DISTRIBUTION_FORMS or not url:
            raise CatalogueConfigError(
                f"--access-url {item!r}: expected FORM=URL, FORM one of "
                f"{', '.join(DISTRIBUTION_FORMS)}"
            )
        known = distributions.get(form)
        distributions[form] = (
            known.model_copy(update={"access_url": url})
            if known is not None
            else DistributionConfig.model_construct(form=cast(Form, form), access_url=url)
        )
    if access_urls:
        update["distributions"] = list(distributions.values())
    try:
        return CatalogueConfig.model_validate(config.model_copy(update=update).model_dump())
    except ValidationError as error:
        raise CatalogueConfigError(f"an option does not fit: {_problem(error)}") from None


def _problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    return f"{'/'.join(str(step) for step in detail['loc'])}: {detail['msg']}"


def _finding(code: str, message: str, pointer: str) -> Finding:
    return Finding(code, CATALOGUE_CODES[code][0], message, pointer=pointer)


def _publisher(dataset: Dataset, config: CatalogueConfig) -> tuple[str | None, dict[str, str]]:
    """Return the publisher's organisation number (if known) and its name by language."""
    orgnr, name = config.publisher.orgnr, config.publisher.name
    if orgnr is not None and name is None:
        name = next((dict(p.name) for p in dataset.partners if _orgnr(p) == orgnr), None)
    if isinstance(dataset.publisher, Publisher):
        return orgnr, name or dict(dataset.publisher.name)
    partner = next((p for p in dataset.partners if p.id == dataset.publisher), None)
    if partner is None:
        return orgnr, name or {"en": str(dataset.publisher)}
    return orgnr or _orgnr(partner), name or dict(partner.name)


def _orgnr(partner: Partner) -> str | None:
    return next(
        (i.value for i in partner.identifiers if i.scheme == IdentifierScheme.NO_ORGNR), None
    )


def catalogue_findings(dataset: Dataset, config: CatalogueConfig) -> list[Finding]:
    """Return a finding for every mandatory property the record of ``dataset`` would lack."""
    found: list[Finding] = []
    orgnr, _ = _publisher(dataset, config)
    if orgnr is None:
        found.append(_finding(
            "dcat_missing_publisher_orgnr",
            "the publisher has no organisation number (no-orgnr): give publisher.orgnr in the "
            "catalogue config or --publisher-orgnr",
            "/publisher/orgnr",
        ))  # fmt: skip
    elif (problem := identifier_problem(IdentifierScheme.NO_ORGNR, orgnr)) is not None:
        found.append(_finding("dcat_invalid_orgnr", problem, "/publisher/orgnr"))
    found += _contact_findings(config.contact)
    if not config.themes:
        found.append(_finding(
            "dcat_missing_theme",
            "no theme: give themes (such as EDUC, GOVE, SOCI) in the config or --theme",
            "/themes",
        ))  # fmt: skip
    for at, theme in enumerate(config.themes):
        if _theme_code(theme) not in DATA_THEMES:
            found.append(_finding(
                "dcat_unknown_theme",
                f"{theme!r} is not a data theme; expected one of {', '.join(sorted(DATA_THEMES))}",
                f"/themes/{at}",
            ))  # fmt: skip
    if not config.distributions:
        found.append(_finding(
            "dcat_missing_distribution",
            "no distribution: give distributions in the config or --access-url FORM=URL",
            "/distributions",
        ))  # fmt: skip
    for at, item in enumerate(config.distributions):
        if not item.access_url:
            found.append(_finding(
                "dcat_missing_access_url",
                f"the {item.form} distribution has no access URL: give its access_url, or "
                f"--access-url {item.form}=URL",
                f"/distributions/{at}/access_url",
            ))  # fmt: skip
    for field in ("title", "description"):
        texts = getattr(dataset, field)
        for language in dataset.languages:
            if not texts.get(language, "").strip():
                found.append(_finding(
                    "dcat_missing_translation",
                    f"the dataset's {field} has no text in {language}, one of its languages",
                    f"/{field}/{language}",
                ))  # fmt: skip
    return found


def _contact_findings(contact: Contact | None) -> list[Finding]:
    if contact is None:
        return [_finding(
            "dcat_missing_contact_point",
            "no contact point: give contact.name and contact.email (or contact.url) in the "
            "config, or --contact-name and --contact-email",
            "/contact",
        )]  # fmt: skip
    found = []
    if not contact.name or not (contact.email or contact.url):
        found.append(_finding(
            "dcat_incomplete_contact_point",
            "the contact point needs a name and an e-mail address or a contact page",
            "/contact",
        ))  # fmt: skip
    if contact.email and find_personal_data(contact.email):
        found.append(_finding(
            "dcat_personal_contact_point",
            "the contact e-mail reads as a person's address: give a functional mailbox "
            "(such as postmottak@) instead",
            "/contact/email",
        ))  # fmt: skip
    return found


def _theme_code(theme: str) -> str:
    return theme.removeprefix(f"{_EU}data-theme/")


def _texts(texts: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": language} for language, text in texts.items()]


def _day(value: object) -> dict[str, str] | None:
    """Return ``value`` as an ``xsd:date`` when it is one known day, else ``None``."""
    if value is None:
        return None
    try:
        day = dates.parse(str(value))
    except dates.InvalidDateError:
        return None
    if not day.exact or day.earliest is None or day.earliest != day.latest:
        return None
    return {"@value": day.earliest.isoformat(), "@type": "xsd:date"}


_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def dcat_record(dataset: Dataset, config: CatalogueConfig) -> dict[str, Any]:
    """Return the DCAT-AP-NO 3 record of ``dataset`` as a JSON-LD document.

    Raises:
        CatalogueRecordError: a mandatory property is missing (see
            :func:`catalogue_findings`); its ``findings`` say which.
    """
    findings = catalogue_findings(dataset, config)
    if findings:
        raise CatalogueRecordError(findings)
    orgnr, publisher_name = _publisher(dataset, config)
    iri = config.uri or (str(dataset.id) if dataset.id is not None else _DEFAULT_IRI)
    licence = {"@id": LICENCES[dataset.license]}
    publisher = {
        "@id": f"{BRREG}{orgnr}",
        "@type": "foaf:Agent",
        "foaf:name": _texts(publisher_name),
        "dct:identifier": orgnr,
    }
    record: dict[str, Any] = {
        "@id": iri,
        "@type": "dcat:Dataset",
        "dct:title": _texts(dict(dataset.title)),
        "dct:description": _texts(dict(dataset.description)),
        "dct:publisher": {"@id": publisher["@id"]},
        "dcat:contactPoint": _contact_node(config.contact),
        "dcat:theme": [{"@id": f"{_EU}data-theme/{_theme_code(t)}"} for t in config.themes],
        "dct:accessRights": {"@id": ACCESS_RIGHTS_PUBLIC},
        "dct:license": licence,
        "dct:language": [
            {"@id": f"{_EU}language/{_LANGUAGES[code]}"}
            for code in dataset.languages
            if code in _LANGUAGES
        ],
        "dcat:distribution": [_distribution(item, licence) for item in config.distributions],
    }
    for key, value in (("dct:issued", dataset.issued), ("dct:modified", dataset.modified)):
        if (day := _day(value)) is not None:
            record[key] = day
    if config.keywords:
        record["dcat:keyword"] = [
            {"@value": word, "@language": language}
            for language, words in config.keywords.items()
            for word in words
        ]
    if config.landing_page:
        record["dcat:landingPage"] = {"@id": config.landing_page}
    catalogue = {
        "@id": config.catalogue_uri or f"{iri}#catalogue",
        "@type": "dcat:Catalog",
        "dct:title": record["dct:title"],
        "dct:description": record["dct:description"],
        "dct:publisher": record["dct:publisher"],
        "dcat:contactPoint": record["dcat:contactPoint"],
        "dcat:dataset": {"@id": iri},
    }
    return {"@context": _CONTEXT, "@graph": [catalogue, record, publisher]}


def _contact_node(contact: Contact | None) -> dict[str, Any]:
    assert contact is not None  # checked by catalogue_findings
    name = contact.name or ""
    node: dict[str, Any] = {
        "@type": "vcard:Organization",
        "vcard:fn": name if isinstance(name, str) else _texts(name),
    }
    if contact.email:
        node["vcard:hasEmail"] = {"@id": f"mailto:{contact.email.removeprefix('mailto:')}"}
    if contact.url:
        node["vcard:hasURL"] = {"@id": contact.url}
    if contact.phone:
        node["vcard:hasTelephone"] = {"@id": f"tel:{contact.phone.replace(' ', '')}"}
    return node


def _distribution(item: DistributionConfig, licence: dict[str, str]) -> dict[str, Any]:
    nb, en, file_type, media = DISTRIBUTION_FORMS[item.form]
    node: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "dct:title": [{"@value": nb, "@language": "nb"}, {"@value": en, "@language": "en"}],
        "dcat:accessURL": {"@id": item.access_url},
        "dct:format": {"@id": f"{_EU}file-type/{file_type}"},
        "dcat:mediaType": {"@id": f"{_IANA}{media}"},
        "dct:license": licence,
    }
    if item.download_url:
        node["dcat:downloadURL"] = {"@id": item.download_url}
    return node


def write_dcat(
    dataset: Dataset,
    config: CatalogueConfig,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
) -> dict[str, Any]:
    """Write the record of ``dataset`` at ``path``: Turtle for ``.ttl``, else JSON-LD.

    Returns the record as JSON-LD.

    Raises:
        CatalogueRecordError: a mandatory property is missing; nothing is written.
        RdfUnavailableError: Turtle without rdflib (the ``rdf`` extra).
        DatasetWriteError: the target is refused or cannot be written.
    """
    record = dcat_record(dataset, config)
    if Path(path).suffix.lower() == ".ttl":
        from unikommune.publish.jsonld import rdf_graph

        text = rdf_graph(record).serialize(format="turtle")
    else:
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    write_text(path, text, force=force)
    return record
