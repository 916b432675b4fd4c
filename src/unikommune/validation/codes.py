"""The catalogue of finding codes: stable, documented, never reused for another meaning.

Tests and tools match on codes, never on the wording of messages.  A code that
is retired stays listed here with ``retired=True`` so that it is never given a
new meaning.  ``docs/codes.md`` is generated from this catalogue by
:func:`catalogue_markdown`, and a test fails when it is stale.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from unikommune.errors import UnknownCodeError
from unikommune.validation.report import Severity

__all__ = ["CODES", "Code", "catalogue_markdown", "explain"]


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code with its severity and the text that ``unikommune explain`` prints."""

    code: str
    severity: Severity
    layer: str
    title: str
    explanation: str
    fix: str
    retired: bool = False

    def text(self) -> str:
        """Return the code explained in plain text, as ``unikommune explain`` prints it."""
        return (
            f"{self.code} ({self.severity.value}, {self.layer}): {self.title}\n\n"
            f"{self.explanation}\n\nHow to fix: {self.fix}\n"
        )


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

_ALL = (
    # -- reading files ------------------------------------------------------------------------
    Code(
        "empty_file",
        _E,
        "file",
        "The file is empty",
        "A dataset file holds nothing, or only white space.",
        "Write the document into the file, or remove the file from the dataset folder.",
    ),
    Code(
        "invalid_json",
        _E,
        "file",
        "The text is not valid JSON",
        "The parser stopped at the line and column given: a missing comma or quote, a "
        "trailing comma, a comment, or text that is not JSON at all.",
        "Correct the JSON at that place; an editor with JSON support shows the mistake.",
    ),
    Code(
        "not_utf8",
        _E,
        "file",
        "The file is not UTF-8 text",
        "JSON files must be UTF-8.  The file is UTF-16, Latin-1 or another encoding; the "
        "message gives the first byte that is not UTF-8.",
        "Save the file as UTF-8 (in most editors: Save with encoding, UTF-8).",
    ),
    Code(
        "byte_order_mark",
        _W,
        "file",
        "The file starts with a byte order mark",
        "The file starts with the UTF-8 byte order mark (EF BB BF), which JSON forbids; "
        "unikommune reads past it, but other tools may not.",
        "Save the file as UTF-8 without BOM.",
    ),
    Code(
        "invalid_number",
        _E,
        "file",
        "NaN or Infinity is not a JSON number",
        "JSON has no NaN, Infinity or -Infinity; some tools write them for missing or "
        "infinite values.",
        "Leave the field out, or write a finite number.",
    ),
    Code(
        "number_too_long",
        _E,
        "file",
        "A number has too many digits",
        "A number in the file has more than 1,000 digits; no field of the format needs one, "
        "and reading it would be slow.",
        "Write the number as the field expects (counts and amounts are small numbers).",
    ),
    Code(
        "too_deeply_nested",
        _E,
        "file",
        "The JSON is nested too deeply",
        "Arrays or objects are nested deeper than any unikommune document can be.",
        "Check how the file was produced; records nest only a few levels deep.",
    ),
    Code(
        "duplicate_key",
        _E,
        "file",
        "A key appears twice in one object",
        "The same key is given twice in one JSON object.  JSON readers then disagree on "
        "which value counts; unikommune reads the last and reports the duplicate.",
        "Remove one of the two entries, keeping the value you mean.",
    ),
    Code(
        "too_large",
        _E,
        "file",
        "A file or a JSON Lines record is over the size limit",
        "A single JSON document (or one line of a JSON Lines file) is larger than the "
        "validator reads in one piece; the rest of that file is not checked.",
        "Split large collections into JSON Lines files, one record a line.",
    ),
    Code(
        "wrong_schema",
        _E,
        "file",
        "The document does not name its unikommune schema",
        "A dataset document names "
        "`https://w3id.org/unikommune/schema/0.2/dataset.json` in `$schema`, a collection "
        "file the dataset-part schema, a profile file the profile schema.  The validator "
        "never fetches a schema or a `$ref` from the network.",
        "Set `$schema` to the address the message gives.",
    ),
    Code(
        "unexpected_file",
        _I,
        "file",
        "A file in the dataset folder is not part of the dataset",
        "A `.json` or `.jsonl` file in the folder has a name that the dataset layout does "
        "not read (`dataset.json`, `profile.json`, `<collection>.json`, "
        "`<collection>.jsonl`); it is not checked.",
        "Rename the file after its collection, such as projects.jsonl, or move it away.",
    ),
    Code(
        "profile_declared_twice",
        _E,
        "file",
        "The profile is declared twice",
        "The dataset declares a profile inline and the folder holds a `profile.json` too.",
        "Keep one of them.",
    ),
    # -- structure: the record against the models / schemas ----------------------------------
    Code(
        "missing_field",
        _E,
        "structure",
        "A required field is missing",
        "The record leaves out a field that its kind of record must have.",
        "Add the field; the message names it and what it holds.",
    ),
    Code(
        "unknown_field",
        _E,
        "structure",
        "A field is not part of the format",
        "The record has a field that its kind of record does not define, often a typo or a "
        "field of another kind of record.  `$ref` is not followed either.",
        "Remove or rename the field; the message suggests the closest known field.",
    ),
    Code(
        "wrong_type",
        _E,
        "structure",
        "A value has the wrong JSON type",
        "A field holds a string where a number is expected, a single value where a list is "
        "expected, and so on.  Numbers are not read from strings.",
        "Write the value with the type the message gives.",
    ),
    Code(
        "not_in_codelist",
        _E,
        "structure",
        "A code is not in its codelist",
        "A field that takes a code from a codelist (a status, a kind, a role) holds another "
        "value.  Codes are lower case with hyphens.",
        "Use one of the codes the message lists; `unikommune` ships the codelists.",
    ),
    Code(
        "invalid_id",
        _E,
        "structure",
        "An id or a reference is not a valid id",
        "Ids and references are 1 to 128 ASCII letters, digits and `._~:-`, starting with a "
        "letter or digit.",
        "Write the id without spaces or other characters.",
    ),
    Code(
        "invalid_date",
        _E,
        "structure",
        "A date is not a valid date",
        "Dates are written `YYYY-MM-DD`; where the source knows no more, periods also take "
        "a year (`2018`) or a year and month (`2018-06`).  The date must exist.",
        "Write the date in that form.",
    ),
    Code(
        "invalid_format",
        _E,
        "structure",
        "A text value does not have the expected form",
        "A URL, a DOI, a profile code or another value of a fixed form does not have "
        "the form the format requires.",
        "Write the value in the form the message gives.",
    ),
    Code(
        "too_short",
        _E,
        "structure",
        "A text or a list is too short",
        "A text is empty, or a list has fewer items than required (an agreement has two "
        "parties or more, a project at least one participant).",
        "Fill in the text, or add the missing items.",
    ),
    Code(
        "too_long",
        _E,
        "structure",
        "A text or a list is too long",
        "A text or a list is longer than the format allows.",
        "Shorten it.",
    ),
    Code(
        "out_of_range",
        _E,
        "structure",
        "A number is out of range",
        "A number is outside the range the field allows (an SDG goal 1 to 17, a year 1900 "
        "to 2200, a weight 0 to 1).",
        "Write a number within the range the message gives.",
    ),
    Code(
        "negative_count",
        _E,
        "structure",
        "A count is negative",
        "A number of students or participants is below zero.",
        "Write the count as zero or more.",
    ),
    # -- meaning: what a schema cannot say ---------------------------------------------------
    Code(
        "duplicate_id",
        _E,
        "semantic",
        "Two records share an id",
        "Ids are unique within their collection (and governance bodies, statements, action "
        "plans, activities and rules within their agreement); references would be "
        "ambiguous.",
        "Give one of the records another id.",
    ),
    Code(
        "unresolved_reference",
        _E,
        "semantic",
        "A reference names no record",
        "A field that refers to another record (a partner, a project, an agreement, a "
        "governance body) names an id that the dataset does not hold.",
        "Correct the id, or add the record it should name.",
    ),
    Code(
        "reference_cycle",
        _E,
        "semantic",
        "Records refer to each other in a circle",
        "A unit's parent chain, or a chain of agreements superseding each other, leads "
        "back to where it started.",
        "Break the circle: a whole organisation has no parent, the first agreement "
        "supersedes none.",
    ),
    Code(
        "period_end_before_start",
        _E,
        "semantic",
        "A period ends before it starts",
        "The end of a period (or timeframe) is earlier than its start.",
        "Swap or correct the dates.",
    ),
    Code(
        "project_outside_mission_timeframe",
        _W,
        "semantic",
        "A project runs outside its mission's timeframe",
        "A mission gathers the project, but the project's period starts before or ends "
        "after the mission's timeframe.",
        "Check the dates, or whether the project belongs to the mission.",
    ),
    Code(
        "activity_outside_agreement_period",
        _W,
        "semantic",
        "An activity runs outside its agreement's period",
        "An action-plan activity starts before its agreement's period or ends after it; or a "
        "mission, project or learning activity that names an agreement has no day within "
        "that agreement's period (one that merely outlives its agreement is fine).",
        "Check the dates, or link the record to the agreement in force.",
    ),
    Code(
        "participation_outside_project_period",
        _W,
        "semantic",
        "A participation is dated outside its project's period",
        "A partner's participation in a project has a period of its own that starts before "
        "the project's period or ends after it.",
        "Check the dates of the participation and of the project.",
    ),
    Code(
        "unknown_sdg_target",
        _E,
        "semantic",
        "An SDG target code does not exist",
        "The target is not one of the 169 targets of the 2030 Agenda (such as 11.2 or 4.a).",
        "Use a target code from the UN list, or leave the target out.",
    ),
    Code(
        "sdg_target_not_of_goal",
        _E,
        "semantic",
        "An SDG target belongs to another goal",
        "The target named in an SDG link belongs to another goal than the link's goal.",
        "Correct the goal or the target.",
    ),
    Code(
        "suggested_link_incomplete",
        _E,
        "semantic",
        "A suggested SDG link lacks its tool",
        "An SDG link suggested by a classification tool names the tool, its version and a "
        "confidence.",
        "Add tool, tool_version and confidence to the provenance.",
    ),
    Code(
        "unknown_focus_area",
        _E,
        "semantic",
        "A focus area is not in the profile",
        "The code is not one of the focus areas of the dataset's profile (its own "
        "`profile`, or TRD3.0 when none is declared).",
        "Use a focus area code of the profile, or declare the area in the profile.",
    ),
    Code(
        "unknown_thematic_area",
        _E,
        "semantic",
        "A thematic area is not in the profile",
        "The code is not one of the thematic areas of the dataset's profile (its own "
        "`profile`, or TRD3.0 when none is declared).",
        "Use a thematic area code of the profile, or declare the area in the profile.",
    ),
    Code(
        "invalid_identifier",
        _E,
        "semantic",
        "An identifier does not fit its scheme",
        "The value does not have the form of its scheme (nine digits for an organisation "
        "number, a ROR id without https://ror.org/, ...).",
        "Write the identifier as its register does, without a resolver prefix.",
    ),
    Code(
        "identifier_check_digit",
        _E,
        "semantic",
        "An identifier's check digit is wrong",
        "The identifier has the right form, but its check digit (organisation number mod "
        "11, ORCID and ROR checksums) does not match: usually a typing error.",
        "Copy the identifier again from its register.",
    ),
    Code(
        "sdg_link_required",
        _E,
        "semantic",
        "A record lacks the SDG link its agreement requires",
        "An agreement in the dataset has a `sdg-link-required` rule for this kind of record, "
        "and the record has no SDG link.",
        "Add at least one entry to `sdg_links`.",
    ),
    Code(
        "duplicate_list_item",
        _E,
        "semantic",
        "A list names the same item twice",
        "A list that holds distinct items (kinds, codes, owners, organisers, ...) has the "
        "same item twice.",
        "Remove the repeated item.",
    ),
    Code(
        "funding_without_funder",
        _E,
        "semantic",
        "A funding line names no funder",
        "A funding line gives neither `funder` (a partner id) nor `funder_name`.",
        "Add `funder` when the funder is a partner in the dataset, else `funder_name`.",
    ),
    Code(
        "duplicate_record",
        _W,
        "semantic",
        "Two records carry the same external identifier",
        "Two records of one collection have the same identifier (scheme and value); they "
        "are probably the same record entered twice.",
        "Merge the two records, or correct the identifier.",
    ),
    Code(
        "estimate_out_of_order",
        _E,
        "semantic",
        "An estimate's range is the wrong way round",
        'An estimate (`{"about": ..., "min": ..., "max": ...}`) gives a `min` above its '
        "`max`, or an `about` outside them.",
        "Swap `min` and `max`, or correct the value that is wrong.",
    ),
    Code(
        "empty_estimate",
        _E,
        "semantic",
        "An estimate gives no value",
        "An estimate (an object in place of a number) gives none of `about`, `min` and `max`.",
        'Give `about` ({"about": 3000}), a range ({"min": 8, "max": 12}), or write the '
        "exact number.",
    ),
    Code(
        "unknown_measure",
        _E,
        "semantic",
        "A figure's measure is neither in the codelist nor in the profile",
        "A reported figure names a measure that the `measure` codelist does not list and "
        "the dataset's profile does not add.",
        "Use a code of the measure codelist, or add the measure to the profile's `measures`.",
    ),
    Code(
        "checks_skipped",
        _I,
        "file",
        "Checks were skipped because a file could not be read",
        "A file of the dataset could not be parsed; the references that would have resolved "
        "into it are not reported one by one.",
        "Fix the file that could not be read, then validate again.",
    ),
    Code(
        "invalid_language",
        _E,
        "structure",
        "A language tag is not a BCP 47 tag",
        "A language the dataset declares in `languages`, or a key of a text, is not a "
        "well-formed BCP 47 language tag.",
        "Write the tag in lower case with its subtags, such as nb, nn, en, se or en-GB.",
    ),
    Code(
        "missing_language",
        _W,
        "semantic",
        "A required text lacks one of the dataset's declared languages",
        "The dataset declares the languages its texts are written in; a required text "
        "(a name, a title) has none in one of them, so a reader asking for it gets nothing.",
        "Add the text in that language, or remove the language from `languages`.",
    ),
    Code(
        "unknown_profile",
        _E,
        "file",
        "A profile extends a profile that cannot be found",
        "The profile's `extends` names a profile that is neither shipped with unikommune nor "
        "a file at that path relative to the profile, inside the dataset's folder (profiles "
        "are never fetched from the web). The checks against areas, measures and roles are "
        "skipped: they never fall back to the default profile.",
        "Name a shipped profile (such as `trd3.0`) or the relative path of a profile file.",
    ),
    Code(
        "retired_area",
        _W,
        "semantic",
        "A record uses an area the profile retired before the record's time",
        "The profile gives the area (or a measure or role it adds) a validity period, and "
        "the record is certainly dated after its end: the start of its period or timeframe, "
        "its year, or a figure's date. The message names the successor, if the profile "
        "gives one.",
        "Use the successor the message names, or check the record's date.",
    ),
    Code(
        "profile_unreadable",
        _E,
        "file",
        "The profile cannot be read, so areas are not checked",
        "The dataset's profile (its `profile.json`, its inline `profile`, or a profile file "
        "it extends) is not valid JSON, not a valid profile, or extends itself through a "
        "chain of files. The checks against focus and thematic areas, measures and roles "
        "are skipped: they never fall back to the default profile.",
        "Fix the profile; the message says what is wrong with it.",
    ),
    Code(
        "unknown_participant_role",
        _E,
        "semantic",
        "A participant role is neither in the codelist nor in the profile",
        "A project participant has a role that the `participant-role` codelist does not list "
        "and the dataset's profile does not add.",
        "Use a role of the codelist, or add the role to the profile's `participant_roles`.",
    ),
    Code(
        "old_format_version",
        _E,
        "file",
        "The document follows an earlier version of the format",
        "The document's `$schema` names an earlier version of the unikommune format; the "
        "validator checks the current version.",
        "Run `unikommune upgrade PATH`, which rewrites the dataset in the current version "
        "without losing anything.",
    ),
    Code(
        "collection_in_two_files",
        _E,
        "file",
        "A collection is in two files",
        "The folder holds both `<collection>.json` and `<collection>.jsonl` for one "
        "collection: a file left from before the dataset switched layouts, or a copy. Read "
        "together they would give records twice, or an old and a new version of them; "
        "only the `.json` file is checked, and `unikommune.load` refuses the folder.",
        "Delete the file that is out of date. Saving the dataset with `overwrite=True` (or "
        "`--force`) writes each collection to one file and removes the other.",
    ),
    Code(
        "file_changed",
        _W,
        "file",
        "A file changed while it was checked",
        "Findings are placed (line and column) in the bytes that were checked. A file "
        "whose findings had to be placed by reading it again was, by then, another file or "
        "changed (its inode, size or time of change differ), so its findings are given "
        "without line and column rather than at the places of another version.",
        "Check the dataset again when nothing is writing to it.",
    ),
    Code(
        "interrupted_save",
        _I,
        "file",
        "A save of the dataset was interrupted",
        "A save (`unikommune.save`) was interrupted and left its temporary files, named "
        "`.unikommune-save.*`. Without a journal (`.unikommune-save.json`) the save had not "
        "finished writing: the dataset is as it was before, and those files are not read. "
        "With one, it had: the dataset is the new one, read from the files the journal "
        "lists, under their temporary names while they have them. Either way the dataset "
        "is whole, never a mix of old and new files.",
        "Nothing needs mending by hand: the next save of the dataset (with `overwrite=True` "
        "once it exists) first finishes what the interrupted one committed, or removes what "
        "it did not.",
    ),
    Code(
        "duplicate_partner",
        _E,
        "semantic",
        "A partner is listed twice among an agreement's parties or a project's participants",
        "An agreement's `parties` or a project's `participants` name the same partner twice "
        "for times that may overlap, so two or more parties can be met by one partner, and "
        "its role is ambiguous. Two entries of one partner are fine when their periods "
        "certainly share no day: a partner that leaves and rejoins, or changes its role from "
        "a date, has one entry per period. An entry without a period covers the whole "
        "agreement or project, and so overlaps every other.",
        "Remove the repeated entry; or give each entry the period it holds for, one ending "
        "before the other starts.",
    ),
    Code(
        "duplicate_sdg_link",
        _E,
        "semantic",
        "A record links to the same SDG goal and target twice",
        "A record's `sdg_links` (a project's, a mission's, a thesis's, a learning activity's, "
        "an action-plan activity's) give the same goal and target twice, or the same goal "
        "without a target twice. A goal and target is linked once per record, whoever made "
        "the link; the collaboration graphs keep one of the two.",
        "Remove the repeat, or merge the two links into one (role, weight, rationale and "
        "provenance).",
    ),
    Code(
        "duplicate_doi",
        _W,
        "semantic",
        "Two outputs carry the same DOI",
        "Outputs of two projects, or two outputs of one project, give the same DOI (DOIs "
        "are compared regardless of case, as the DOI system does). A joint publication "
        "may be an output of two projects; otherwise the projects or the outputs are "
        "probably one entered twice. The message names the project that gave it first.",
        "Check the two records: merge them, correct the DOI, or keep a joint output as it is.",
    ),
    Code(
        "duplicate_grant",
        _W,
        "semantic",
        "Two funding lines carry the same grant number from the same funder",
        "Funding lines of two projects, or two of one project, give the same grant number "
        "(an identifier of the funding line, scheme and value) with the same funder (the "
        "same partner, or a name alike in one language) and the same recipient. The "
        "projects, or the funding lines, are probably one entered twice. A grant split "
        "among its recipients, one line per recipient as EU and national registries "
        "publish it, is not a repeat. The message names the project that gave it first.",
        "Merge the two projects or funding lines, or correct the grant number.",
    ),
    Code(
        "unknown_language_region",
        _E,
        "structure",
        "A language tag names a region that does not exist",
        "A language tag (a language the dataset declares, a key of a text, a thesis's "
        "language) is well formed, but its region subtag is neither an ISO 3166-1 alpha-2 "
        "country code (the codes a partner's `country` takes) nor a UN M.49 area code that "
        "BCP 47 registers (such as 150 for Europe or 419 for Latin America), as in `nb-XX` "
        "or `en-UK`.",
        "Correct the region (`en-GB` for British English, `nb-NO`), or leave it out (`nb`).",
    ),
    Code(
        "control_character",
        _E,
        "structure",
        "A text holds a control character",
        "A text (a name, a title, a description, any value of a language map) holds a "
        "control character: a C0 control other than tab, line feed and carriage return, "
        "DEL, or a C1 control (U+0080 to U+009F, often left by text decoded from the wrong "
        "encoding). They are invisible, and other tools refuse or mangle them.",
        "Remove the character; a tab or a line break may stay. Text decoded as Latin-1 that "
        "was Windows-1252 shows C1 controls where quotes and dashes belong: decode it again.",
    ),
)

#: Every code, by its name, in the order of the catalogue.
CODES: Mapping[str, Code] = MappingProxyType({code.code: code for code in _ALL})


def explain(code: str) -> Code:
    """Return the catalogue entry of ``code``.

    Raises:
        UnknownCodeError: no finding has that code; the message suggests close ones.
    """
    try:
        return CODES[code.strip().lower().replace("-", "_")]
    except KeyError:
        close = difflib.get_close_matches(code, CODES, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UnknownCodeError(f"no finding has the code {code!r}{hint}") from None


_LAYERS = {
    "file": "Reading files",
    "structure": "Structure (the models and schemas/)",
    "semantic": "Meaning (what a schema cannot say)",
}


def catalogue_markdown() -> str:
    """Return ``docs/codes.md``: every code with its severity, meaning and fix."""
    lines = [
        "# Finding codes",
        "",
        "<!-- Generated from src/unikommune/validation/codes.py by "
        "`unikommune explain --markdown > docs/codes.md`; do not edit. -->",
        "",
        "Every finding of `unikommune validate` has one of these codes. Codes are stable: a "
        "code keeps its meaning and is never reused. `unikommune explain CODE` prints the "
        "same text.",
        "",
    ]
    for layer, heading in _LAYERS.items():
        codes = [code for code in _ALL if code.layer == layer]
        lines += [f"## {heading}", "", "| code | severity | meaning |", "|---|---|---|"]
        lines += [f"| [`{c.code}`](#{c.code}) | {c.severity.value} | {c.title} |" for c in codes]
        lines.append("")
        for code in codes:
            retired = " (retired)" if code.retired else ""
            lines += [
                f"### {code.code}",
                "",
                f"**{code.title}**{retired} — severity *{code.severity.value}*.",
                "",
                code.explanation,
                "",
                f"*How to fix:* {code.fix}",
                "",
            ]
    return "\n".join(lines)
