"""External identifiers: the shape of each scheme and its check digits.

Check digits are verified with python-stdnum where it knows the scheme
(Norwegian organisation numbers, ISO 7064 for ORCID and ROR); the patterns are
shared with the published JSON Schema, so a generic validator checks the same
shapes and only the check digits are ours.

>>> identifier_problem("no-orgnr", "974760673") is None
True
>>> identifier_problem("ror", "05xg72x28")
"ROR id '05xg72x28' has a wrong checksum (expected 27)"
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache
from types import MappingProxyType

from stdnum.iso7064 import mod_11_2
from stdnum.no import orgnr

from unikommune.codelists import IdentifierScheme

__all__ = [
    "SCHEME_PATTERNS",
    "URL_PATTERN",
    "doi_key",
    "identifier_key",
    "identifier_problem",
    "identifier_test",
    "is_valid_identifier",
]

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
#: A character of an address that RFC 3986 allows anywhere after the scheme (the unreserved
#: and reserved characters, ``%`` with two hex digits), or a character beyond ASCII other than
#: a control character or a no-break space, as an IRI (RFC 3987) holds it: so no space,
#: quote, angle bracket, backslash, caret, backquote, brace or bar.
_URL_CHARACTER = r"[A-Za-z0-9._~!$&'()*+,;=:@/?#\[\]-]|%[0-9A-Fa-f]{2}|[^\x00-\xa0]"
#: An http or https address of such characters, its host not starting with ``/$.?#``.
URL_PATTERN = (
    r"^https?://([A-Za-z0-9_~!&'()*+,;=:@\[\]-]|%[0-9A-Fa-f]{2}|[^\x00-\xa0])"
    rf"({_URL_CHARACTER})*$"
)

#: Pattern of each identifier scheme, as published in the JSON Schema.
SCHEME_PATTERNS: MappingProxyType[IdentifierScheme, str] = MappingProxyType(
    {
        IdentifierScheme.NO_ORGNR: r"^[0-9]{9}$",
        IdentifierScheme.NO_KOMMUNENR: r"^[0-9]{4}$",
        IdentifierScheme.ROR: r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$",
        IdentifierScheme.ORCID: r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$",
        IdentifierScheme.DOI: r"^10\.[0-9]{4,9}/[^\x00-\x20\x7f]+$",
        IdentifierScheme.CRISTIN_PROJECT: r"^[0-9]{1,10}$",
        IdentifierScheme.RCN_PROJECT: r"^[0-9]{4,8}$",
        IdentifierScheme.EU_GRANT: r"^[0-9]{5,9}$",
        IdentifierScheme.URL: URL_PATTERN,
    }
)

_COMPILED: dict[str, re.Pattern[str]] = {
    scheme.value: re.compile(pattern) for scheme, pattern in SCHEME_PATTERNS.items()
}

_SHAPES = MappingProxyType(
    {
        IdentifierScheme.NO_ORGNR: "nine digits, such as 974760673",
        IdentifierScheme.NO_KOMMUNENR: "four digits, such as 5001",
        IdentifierScheme.ROR: "a ROR id such as 05xg72x27, without https://ror.org/",
        IdentifierScheme.ORCID: "an ORCID iD such as 0000-0002-1825-0097, without https://orcid.org/",
        IdentifierScheme.DOI: "a DOI such as 10.1000/182, without https://doi.org/",
        IdentifierScheme.CRISTIN_PROJECT: "a Cristin project number (digits only)",
        IdentifierScheme.RCN_PROJECT: "a Research Council of Norway project number (4 to 8 digits)",
        IdentifierScheme.EU_GRANT: "an EU grant agreement number (5 to 9 digits)",
        IdentifierScheme.URL: "an http or https address",
    }
)


def _orgnr_problem(value: str) -> str | None:
    # The pattern has made sure of nine digits: only the check digit is left to test.
    if orgnr.checksum(value) == 0:
        return None
    return f"organisation number {value!r} fails its mod 11 check digit"


def _orcid_problem(value: str) -> str | None:
    if mod_11_2.is_valid(value.replace("-", "")):
        return None
    expected = mod_11_2.calc_check_digit(value.replace("-", "")[:-1])
    return f"ORCID iD {value!r} has a wrong check character (expected {expected})"


def _ror_problem(value: str) -> str | None:
    number = 0
    for char in value[1:7]:
        number = number * 32 + _CROCKFORD.index(char)
    expected = 98 - (number * 100) % 97
    if int(value[7:]) == expected:
        return None
    return f"ROR id {value!r} has a wrong checksum (expected {expected:02d})"


_CHECKS: MappingProxyType[IdentifierScheme, Callable[[str], str | None]] = MappingProxyType(
    {
        IdentifierScheme.NO_ORGNR: _orgnr_problem,
        IdentifierScheme.ORCID: _orcid_problem,
        IdentifierScheme.ROR: _ror_problem,
    }
)

_CHECK_BY_NAME = {scheme.value: check for scheme, check in _CHECKS.items()}


def _pattern_of(scheme: IdentifierScheme | str) -> re.Pattern[str]:
    # A dict lookup, not IdentifierScheme(scheme): this runs for every identifier of a dataset.
    pattern = _COMPILED.get(str(scheme))
    if pattern is None:
        known = ", ".join(item.value for item in IdentifierScheme)
        raise ValueError(f"{scheme!r} is not an identifier scheme; expected one of {known}")
    return pattern


def identifier_problem(scheme: IdentifierScheme | str, value: str) -> str | None:
    """Return why ``value`` is not a valid identifier of ``scheme``, or ``None`` if it is.

    Raises:
        ValueError: ``scheme`` is not a known identifier scheme.
    """
    pattern = _pattern_of(scheme)
    if not pattern.fullmatch(value):
        shape = _SHAPES[IdentifierScheme(scheme)]
        return f"{value!r} is not a valid {scheme} identifier: expected {shape}"
    check = _CHECK_BY_NAME.get(str(scheme))
    return check(value) if check else None


@cache
def identifier_test(scheme: IdentifierScheme | str) -> Callable[[str], object]:
    """Return a quick test of values of ``scheme``: truthy when valid, check digits included.

    For a scheme without check digits the test is the compiled pattern's ``fullmatch``.

    Raises:
        ValueError: ``scheme`` is not a known identifier scheme.
    """
    pattern = _pattern_of(scheme)
    check = _CHECK_BY_NAME.get(str(scheme))
    if check is None:
        return pattern.fullmatch
    return lambda value: pattern.fullmatch(value) is not None and check(value) is None


def is_valid_identifier(scheme: IdentifierScheme | str, value: str) -> bool:
    """Return whether ``value`` is a valid identifier of ``scheme``, check digits included."""
    return identifier_problem(scheme, value) is None


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def doi_key(doi: str) -> str:
    """Return ``doi`` as DOIs are compared: its ASCII letters in lower case.

    DOI names are case-insensitive in ASCII letters only (DOI Handbook, 2.4), so
    ``10.1000/ABC`` and ``10.1000/abc`` are one DOI and ``Æ`` stays ``Æ``.

    >>> doi_key("10.1000/ABC-Æ")
    '10.1000/abc-Æ'
    """
    return doi.lower() if doi.isascii() else doi.translate(_ASCII_LOWER)


def identifier_key(scheme: IdentifierScheme | str, value: str) -> str:
    """Return ``value`` of ``scheme`` as identifiers are compared: a DOI by :func:`doi_key`.

    The other schemes' forms allow one spelling of each identifier, so they are compared
    exactly.
    """
    return doi_key(value) if str(scheme) == "doi" else value
