"""Identifier shapes and check digits, against numbers whose validity is known."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unikommune.codelists import IdentifierScheme
from unikommune.identifiers import (
    SCHEME_PATTERNS,
    identifier_problem,
    identifier_test,
    is_valid_identifier,
)

VALID = [
    ("no-orgnr", "942110464"),  # Trondheim kommune
    ("no-orgnr", "974767880"),  # NTNU
    ("no-kommunenr", "5001"),
    ("ror", "05xg72x27"),  # NTNU
    ("ror", "01xtthb56"),  # University of Oslo
    ("orcid", "0000-0002-1825-0097"),  # ORCID's documented example
    ("orcid", "0000-0002-1694-233X"),  # ORCID's documented example with X
    ("doi", "10.1000/182"),
    ("cristin-project", "2053563"),
    ("rcn-project", "295754"),
    ("eu-grant", "101036723"),
    ("url", "https://www.trondheim.kommune.no/trd3"),
]

INVALID = [
    ("no-orgnr", "942110465", "mod 11"),
    ("no-orgnr", "97476788", "nine digits"),
    ("no-orgnr", "974 767 880", "nine digits"),
    ("no-kommunenr", "501", "four digits"),
    ("ror", "05xg72x28", "checksum (expected 27)"),
    ("ror", "https://ror.org/05xg72x27", "without https://ror.org/"),
    ("ror", "05xg72xl7", "ROR id"),  # 'l' is not in Crockford's alphabet
    ("orcid", "0000-0002-1825-0098", "expected 7"),
    ("orcid", "https://orcid.org/0000-0002-1825-0097", "without https://orcid.org/"),
    ("doi", "doi:10.1000/182", "without https://doi.org/"),
    ("doi", "10.1000/ spaced", "DOI"),
    ("url", "ftp://example.org", "http or https"),
    ("url", "https://exa mple.org", "http or https"),
]


def _orgnr_check_digit(body: str) -> int | None:
    """Compute the mod 11 check digit by hand: weights 3 2 7 6 5 4 3 2."""
    total = sum(
        weight * int(digit) for weight, digit in zip((3, 2, 7, 6, 5, 4, 3, 2), body, strict=True)
    )
    remainder = total % 11
    if remainder == 1:
        return None  # 11 - 1 = 10 is not a digit: no valid number has this body
    return (11 - remainder) % 11


def test_hand_computed_orgnr_example() -> None:
    # 94211046: 3*9 + 2*4 + 7*2 + 6*1 + 5*1 + 4*0 + 3*4 + 2*6 = 27+8+14+6+5+0+12+12 = 84;
    # 84 mod 11 = 7; 11 - 7 = 4, the ninth digit of 942110464.
    assert _orgnr_check_digit("94211046") == 4


@pytest.mark.parametrize(("scheme", "value"), VALID)
def test_valid_identifiers(scheme: str, value: str) -> None:
    assert identifier_problem(scheme, value) is None
    assert is_valid_identifier(scheme, value)
    assert identifier_test(scheme)(value)


@pytest.mark.parametrize(("scheme", "value", "said"), INVALID)
def test_invalid_identifiers_say_why(scheme: str, value: str, said: str) -> None:
    problem = identifier_problem(scheme, value)
    assert problem is not None
    assert said in problem
    assert not is_valid_identifier(scheme, value)
    assert not identifier_test(scheme)(value)


@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_orgnr_agrees_with_the_hand_computed_check_digit(body: str) -> None:
    digit = _orgnr_check_digit(body)
    for last in range(10):
        assert is_valid_identifier("no-orgnr", body + str(last)) == (last == digit)


@given(st.from_regex(r"0[0-9a-hjkmnp-tv-z]{6}", fullmatch=True), st.integers(0, 99))
def test_ror_accepts_exactly_one_checksum(body: str, checksum: int) -> None:
    number = 0
    for char in body[1:]:
        number = number * 32 + "0123456789abcdefghjkmnpqrstvwxyz".index(char)
    expected = 98 - (number * 100) % 97
    assert is_valid_identifier("ror", f"{body}{checksum:02d}") == (checksum == expected)


def test_every_scheme_has_a_pattern() -> None:
    assert set(SCHEME_PATTERNS) == set(IdentifierScheme)


def test_unknown_scheme_is_misuse() -> None:
    with pytest.raises(ValueError, match="isbn"):
        identifier_problem("isbn", "978-3-16-148410-0")
    with pytest.raises(ValueError, match="isbn"):
        identifier_test("isbn")


@given(
    st.sampled_from(sorted(SCHEME_PATTERNS)),
    st.one_of(st.text(max_size=40), st.from_regex(r"[0-9X-]{4,19}", fullmatch=True)),
)
def test_the_quick_test_agrees_with_the_explained_one(scheme: str, value: str) -> None:
    assert bool(identifier_test(scheme)(value)) == (identifier_problem(scheme, value) is None)
