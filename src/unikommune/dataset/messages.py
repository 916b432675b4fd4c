"""Plain messages for what a model refuses: each pydantic error as a finding.

A message names the field, says what was expected and what was found, and
suggests a fix where one is likely (a close codelist value, a close field name, a
language tag written another way).  Of errors in the branches of a union, only those
of the closest branch are explained.
"""

from __future__ import annotations

import difflib
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from unikommune import dates
from unikommune.dataset.layout import describe
from unikommune.dataset.locate import escape
from unikommune.dataset.mirror import BRANCH
from unikommune.findings import RawFinding
from unikommune.format import is_old_schema, old_format_message
from unikommune.models import values as types

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo
    from pydantic_core import ErrorDetails

__all__ = ["closest_alternatives", "structural_findings"]

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "typed_dict_type": "an object",
    "finite_number": "a finite number",
}


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "the record"


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [arg for inner in getattr(annotation, "__args__", ()) for arg in _model_args(inner)]


def _field_at(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> FieldInfo | None:
    """Return the declaration of the field at ``loc`` under ``model``, or ``None``."""
    annotation: Any = model
    field: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        found = next(iter(_model_args(annotation)), None)
        if found is None:
            return None
        field = next(
            (info for name, info in found.model_fields.items() if (info.alias or name) == part),
            None,
        )
        if field is None:
            return None
        annotation = field.annotation
    return field


def _description(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> str:
    """Return the description of the field at ``loc`` under ``model``, or ``""``."""
    field = _field_at(model, loc)
    return (field.description or "") if field is not None else ""


#: The type of a language map, as a model's field declares it.
_LANGUAGE_MAP = typing.get_args(types.LangString)[0]


def _is_language_map(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> bool:
    """Return whether the field at ``loc`` under ``model`` is a language map (a LangString)."""
    field = _field_at(model, loc)
    if field is None or not loc or isinstance(loc[-1], int):
        return False
    annotation = field.annotation
    alternatives = typing.get_args(annotation)
    return annotation == _LANGUAGE_MAP or any(
        alternative in (_LANGUAGE_MAP, types.LangString) for alternative in alternatives
    )


def _language_map_hint(value: Any) -> str:
    """Return how to write ``value`` (found where a language map belongs) as one."""
    if not isinstance(value, str) or not value:
        return ""
    shown = value if len(value) <= 40 else value[:37] + "..."
    return (
        f'; write {{"nb": {json.dumps(shown, ensure_ascii=False)}}}, with the tag of the '
        "text's language"
    )


def _field_names(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str]:
    """Return the JSON names of the fields of the object at ``loc`` under ``model``."""
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        found = next(iter(_model_args(annotation)), None)
        if found is None:
            return []
        field = next(
            (info for name, info in found.model_fields.items() if (info.alias or name) == part),
            None,
        )
        if field is None:
            return []
        annotation = field.annotation
    found = next(iter(_model_args(annotation)), None)
    return [info.alias or name for name, info in found.model_fields.items()] if found else []


def _pattern_kind(pattern: str, field: str) -> tuple[str, str]:
    if pattern == types.LOCAL_ID_PATTERN:
        return (
            "invalid_id",
            "an id of 1 to 128 letters, digits and . _ ~ : -, starting with a "
            "letter or digit (no spaces)",
        )
    if pattern == types.PARTIAL_DATE_PATTERN:
        return (
            "invalid_date",
            "a year, a year-month or a date that exists, such as 2018, 2018-06 or 2018-06-14",
        )
    if pattern == types.DATE_PATTERN:
        return "invalid_date", "a date that exists, written YYYY-MM-DD, such as 2018-06-14"
    if pattern == types.LANGUAGE_TAG_PATTERN:
        return "invalid_language", _LANGUAGE_TAG
    if field == "doi":
        return "invalid_format", "a DOI such as 10.1000/182, without https://doi.org/"
    if "http" in pattern:
        return (
            "invalid_format",
            "an http:// or https:// address of the characters a URL may hold: no spaces, "
            'quotes ("), angle brackets, backslashes, braces, | ^ or `, and % only before '
            "two hex digits (write a space as %20)",
        )
    if field in {"focus_area", "focus_areas", "thematic_areas", "code"}:
        return (
            "invalid_format",
            "a code of lower-case letters, digits and hyphens, such as smart-city",
        )
    return "invalid_format", f"text matching the pattern {pattern}"


#: What a language tag looks like, as messages say it.
_LANGUAGE_TAG = (
    "a BCP 47 language tag: a language of 2 or 3 lower-case letters, then optionally a "
    "script of 4 letters, a region of 2 letters or 3 digits and variants, joined by "
    "hyphens, such as nb, nn, en, se, en-GB or sr-Latn-RS"
)
_LANGUAGE = re.compile(types.LANGUAGE_TAG_PATTERN)


#: A character no URL may hold, or a % not before two hex digits (see URL_PATTERN).
_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f-\xa0"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})')


def _url_hint(value: Any) -> str:
    """Return which character of an address a URL may not hold, and where, if one does."""
    found = _NOT_IN_URL.search(value) if isinstance(value, str) else None
    if found is None:
        return ""
    char = found.group()
    what = {" ": "a space", "%": "a % not before two hex digits (write a % sign as %25)"}.get(
        char, f"{char!r} (U+{ord(char):04X})"
    )
    return f", which holds {what} at character {found.start() + 1}"


def _region_message(path: str, value: str, region: str) -> str:
    """Return the message for a language tag whose region does not exist."""
    hint = ""
    if region.upper() == "UK" and value.endswith(region):
        hint = f"; did you mean {value[: -len(region)] + 'GB'!r}? (the United Kingdom is GB)"
    return (
        f"{path}: the language tag {value!r} names the region {region!r}, which "
        "is neither an ISO 3166-1 country code (such as NO, SE or GB) nor a UN M.49 area "
        f"(such as 150 for Europe); correct the region, or leave it out{hint}"
    )


def _control_message(path: str, value: str) -> str:
    """Return the message for a text that holds a control character."""
    at = types.control_character_at(value)
    if at is None:  # pragma: no cover - the pattern and the search agree
        return f"{path}: the text holds a control character; remove it"
    return (
        f"{path}: the text holds the control character U+{ord(value[at]):04X} at character "
        f"{at + 1}; control characters are invisible and other tools refuse them: remove it "
        "(tabs and line breaks are fine)"
    )


#: How a message says what a field of a long codelist expects, by the field's name.
_LONG_CODELISTS = {
    "currency": "an ISO 4217 currency code in capitals, such as NOK or EUR",
    "country": "an ISO 3166-1 alpha-2 country code in capitals, such as NO, SE or DE",
    "unit": "count, percent, weeks, hours, person-years, ects, or an ISO 4217 currency "
    "code in capitals such as NOK or EUR",
}
#: A codelist longer than this is not listed in a message.
_LISTED = 24


def _tag_suggestion(value: Any) -> str:
    """Return a suggested tag for a malformed one, when its fix is plain (``en_GB``, ``NB``)."""
    if not isinstance(value, str) or len(value) > 64:
        return ""
    language, _, rest = value.strip().replace("_", "-").partition("-")
    fixed = language.lower() + (f"-{rest}" if rest else "")
    return f"; did you mean {fixed!r}?" if fixed != value and _LANGUAGE.fullmatch(fixed) else ""


#: The parser that explains a value refused by each date pattern (the reason it gives).
_DATE_PARSERS: dict[str, Callable[[str], object]] = {
    dates.EDTF_DATE_PATTERN: dates.parse,
    dates.EDTF_PERIOD_END_PATTERN: dates.parse_period_end,
    dates.EDTF_YEAR_PATTERN: dates.parse_year,
}

#: Unions of a plain value and an estimate or an EDTF text, by the JSON types they take.
_UNIONS = {
    "an integer or an object": "a whole number such as 12, or an estimate such as "
    '{"about": 3000} or {"min": 8, "max": 12}',
    "a number or an integer or an object": "a number such as 12.5, or an estimate such as "
    '{"about": 3000}',
    "a string or an integer": 'a year such as 2021, or a year as known such as "2021?", '
    '"201X" or "[2021,2022]"',
}


def _date_problem(parser: Callable[[str], object], value: str) -> str:
    try:
        parser(value)
    except ValueError as error:
        return str(error)
    return f"found {value!r}"  # pragma: no cover - the pattern and the parser agree


def _closest(value: Any, options: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    return _suggestion(value[:200], tuple(options))


@lru_cache(maxsize=4096)
def _suggestion(value: str, options: tuple[str, ...]) -> str:
    # Broken data repeats its mistakes; compare each wrong value once.  Codes are compared
    # in lower case, so 'nok' finds NOK and 'Activ' finds active.
    folded = {option.lower(): option for option in options}
    close = difflib.get_close_matches(value.lower(), folded, n=1, cutoff=0.6)
    return f"; did you mean {folded[close[0]]!r}?" if close else ""


#: Errors whose message does not depend on the value found.
_VALUELESS = frozenset({"missing", "extra_forbidden"})
_SCALARS = frozenset({str, int, float, bool, type(None)})
#: Errors with a message of their own; pydantic's message is kept for any other.
_KNOWN_KINDS = frozenset(
    {
        *_VALUELESS, *_TYPE_NAMES, "union_type", "literal_error", "enum",
        "string_pattern_mismatch", "string_too_short", "too_short", "string_too_long",
        "too_long", "greater_than_equal", "greater_than", "less_than_equal", "less_than",
    }
)  # fmt: skip


def _finding(
    detail: Mapping[str, Any],
    file: str | None,
    prefix: str,
    line: int | None,
    model: type[BaseModel] | None,
    hints: bool = True,
) -> RawFinding:
    kind: str = detail["type"]
    loc = tuple(detail["loc"])
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    if kind not in _KNOWN_KINDS:  # pragma: no cover - every kind the mirror gives is known
        ctx = {**ctx, "msg": detail.get("msg", kind)}
    # Broken data repeats its mistakes: explain each (error, place, value) once.
    typed: tuple[type, Any] | None = None
    cached = kind in _VALUELESS
    if not cached and type(value) in _SCALARS and (type(value) is not str or len(value) <= 200):
        typed, cached = (type(value), value), True  # the type keeps 1, 1.0 and true apart
    try:
        if not cached:
            raise TypeError("a value not worth keeping")
        code, message, pointer, key = _explained(kind, loc, typed, tuple(ctx.items()), model, hints)
    except TypeError:  # that, or a context value that cannot be hashed
        code, message, pointer, key = _explain(kind, loc, value, ctx, model, hints)
    return RawFinding(code, message, file, prefix + pointer, key=key, record_line=line)


@lru_cache(maxsize=4096)
def _explained(
    kind: str,
    loc: tuple[int | str, ...],
    typed: tuple[type, Any] | None,
    context: tuple[tuple[str, Any], ...],
    model: type[BaseModel] | None,
    hints: bool,
) -> tuple[str, str, str, bool]:
    return _explain(kind, loc, None if typed is None else typed[1], dict(context), model, hints)


def _explain(
    kind: str,
    loc: tuple[int | str, ...],
    value: Any,
    ctx: Mapping[str, Any],
    model: type[BaseModel] | None,
    hints: bool = True,
) -> tuple[str, str, str, bool]:
    """Return the code, message, pointer (under the record) and key flag of one error.

    ``hints`` asks for a suggestion where one is likely (a close field name or code).
    """
    # Long: one branch per kind of error, each with its message.
    key = bool(loc) and loc[-1] == "[key]"
    if key:
        loc = loc[:-1]
    pointer = "".join(f"/{escape(str(part))}" for part in loc)
    field = str(next((part for part in reversed(loc) if isinstance(part, str)), ""))
    path = _path(loc)

    def made(code: str, message: str) -> tuple[str, str, str, bool]:
        return code, message, pointer, key

    if kind == "missing":
        description = _description(model, loc)
        about = f" ({description.rstrip('.')})" if description else ""
        return made("missing_field", f"{path}: required field is missing{about}; add it")
    if kind == "extra_forbidden":
        hint = _closest(field, _field_names(model, loc[:-1])) if hints else ""
        if field in {"$ref", "$id"}:
            hint = (
                "; references to other documents are not part of the format and are never "
                "fetched; remove it"
            )
        fix = hint or "; remove it"
        return made("unknown_field", f"{path}: not a field of this record{fix}")
    if kind == "union_type":
        expected = _UNIONS.get(str(ctx["expected"]), ctx["expected"])
        return made("wrong_type", f"{path}: expected {expected}, found {describe(value)}")
    if kind == "dict_type" and _is_language_map(model, loc):
        return made(
            "wrong_type",
            f'{path}: expected a language map, such as {{"nb": "…"}}, found {describe(value)}'
            f"{_language_map_hint(value)}",
        )
    if kind in _TYPE_NAMES:
        return made("wrong_type", f"{path}: expected {_TYPE_NAMES[kind]}, found {describe(value)}")
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", ""))
        options = [option.strip().strip("'") for option in expected.replace(" or ", ",").split(",")]
        shown = ", ".join(option for option in options if option)
        if field == "$schema" and is_old_schema(value):
            return made("old_format_version", old_format_message(value))
        if field == "$schema":
            return made(
                "wrong_schema",
                f"$schema: expected {shown}, found {describe(value)}; the schema is never fetched",
            )
        if len(options) > _LISTED:
            shown = _LONG_CODELISTS.get(
                field, f"one of {len(options)} codes ({options[0]}, ..., {options[-1]})"
            )
        else:
            shown = f"one of {shown}"
        return made(
            "not_in_codelist",
            f"{path}: expected {shown}; found {describe(value)}"
            f"{_closest(value, options) if hints else ''}",
        )
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern in _DATE_PARSERS and isinstance(value, str):
            return made("invalid_date", f"{path}: {_date_problem(_DATE_PARSERS[pattern], value)}")
        if pattern == types.TEXT_PATTERN and isinstance(value, str):
            return made("control_character", _control_message(path, value))
        region = types.unknown_region(value) if pattern == types.LANGUAGE_TAG_PATTERN else None
        if region is not None:
            return made("unknown_language_region", _region_message(path, value, region))
        code, expected = _pattern_kind(pattern, field)
        what = "key" if key else "value"
        hint = _tag_suggestion(value) if code == "invalid_language" else ""
        if "http" in pattern:
            hint = _url_hint(value)
        return made(code, f"{path}: expected {expected}; found the {what} {value!r}{hint}")
    if kind in {"string_too_short", "too_short"}:
        least = ctx.get("min_length", 1)
        if isinstance(value, str) or kind == "string_too_short":
            return made("too_short", f"{path}: expected text, found an empty string")
        noun = "item" if least == 1 else "items"
        return made(
            "too_short", f"{path}: expected at least {least} {noun}, found {describe(value)}"
        )
    if kind in {"string_too_long", "too_long"}:
        most = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return made("too_long", f"{path}: expected at most {most} {unit}")
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        if kind == "greater_than_equal" and ctx.get("ge") == 0 and isinstance(value, int):
            return made("negative_count", f"{path}: expected a count of 0 or more, found {value}")
        bound = {
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "greater_than": f"more than {ctx.get('gt')}",
            "less_than_equal": f"at most {ctx.get('le')}",
            "less_than": f"less than {ctx.get('lt')}",
        }[kind]
        return made("out_of_range", f"{path}: expected a number {bound}, found {value!r}")
    return made("wrong_type", f"{path}: {ctx.get('msg', kind)}")  # pragma: no cover


def _branch_at(loc: tuple[Any, ...]) -> int | None:
    return next(
        (at for at, part in enumerate(loc) if isinstance(part, str) and part.startswith(BRANCH)),
        None,
    )


def _branched(errors: list[dict[str, Any]]) -> bool:
    """Return whether an error is about an alternative of a union (most are not)."""
    for error in errors:
        for part in error["loc"]:
            if type(part) is str and part.startswith(BRANCH):
                return True
    return False


def closest_alternatives(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep, for every value that matched no alternative of a union, the closest one's errors.

    The closest alternative is one whose JSON type fits (not a type error at the value
    itself), then the one that got deepest into the value, then the one with fewest errors.
    So a failure among alternatives is explained by what came nearest, never by a bare
    "does not match any of".
    """
    while _branched(errors):
        kept: list[dict[str, Any]] = []
        unions: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = {}
        for error in errors:
            loc = tuple(error["loc"])
            at = _branch_at(loc)
            if at is None:
                kept.append(error)
                continue
            inner = {**error, "loc": loc[:at] + loc[at + 1 :]}
            unions.setdefault(loc[:at], {}).setdefault(loc[at], []).append(inner)
        for prefix, branches in unions.items():

            def score(
                item: tuple[str, list[dict[str, Any]]], size: int = len(prefix)
            ) -> tuple[bool, int, int]:
                found = item[1]
                fits = not any(len(e["loc"]) == size and e["type"] in _TYPE_NAMES for e in found)
                return fits, max(len(e["loc"]) for e in found) - size, -len(found)

            best = max(branches.items(), key=score)
            if not score(best)[0]:
                # No alternative has the value's JSON type: name them all.
                wanted = sorted(
                    {
                        _TYPE_NAMES[e["type"]]
                        for found in branches.values()
                        for e in found
                        if len(e["loc"]) == len(prefix) and e["type"] in _TYPE_NAMES
                    }
                )
                value = best[1][0].get("input")
                kept.append(
                    {
                        "type": "union_type",
                        "loc": prefix,
                        "input": value,
                        "ctx": {"expected": " or ".join(wanted)},
                    }
                )
            else:
                kept.extend(best[1])
        errors = kept
    return errors


def structural_findings(
    error: ValidationError | list[ErrorDetails],
    file: str | None,
    prefix: str = "",
    line: int | None = None,
    model: type[BaseModel] | None = None,
) -> list[RawFinding]:
    """Return a finding for every problem in ``error`` (of ``model``), pointers under ``prefix``.

    ``error`` may also be its details, as ``error.errors(include_url=False)`` gives them.
    """
    if isinstance(error, ValidationError):
        error = error.errors(include_url=False)
    details = closest_alternatives(list(error))  # type: ignore[arg-type]
    # A record with more problems than _HINTED is not a few typing mistakes: what is left is
    # explained without suggestions ("did you mean ...?"), whose search is slow.
    return [
        _finding(detail, file, prefix, line, model, index < _HINTED)
        for index, detail in enumerate(details)
    ]


#: The problems of one record explained with a suggestion where one is likely.
_HINTED = 64
