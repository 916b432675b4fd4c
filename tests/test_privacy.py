"""Privacy detectors and small-cell suppression, against published examples and generated texts.

The identity-number examples are test numbers published with two open-source
validators; none is known to belong to a person:
- NAV, github.com/navikt/fnrvalidator, ``tests/fnr.spec.ts`` (its README: every
  number there is generated), for ordinary, D-, H-, Tenor and 2032-rule numbers;
- mikaello, github.com/mikaello/norwegian-national-id-validator, ``__test__/``;
- fnrinfo.no's worked example of the check digits (311299567 → 31129956715).
The 2032 rule is Skatteetaten's ("Nye fødselsnummer og d-nummer fra 2032").

The generators at the end build the two corpora of the guard's acceptance test:
texts with planted identity numbers, e-mail addresses and phone numbers, and
clean texts of the kind project summaries are made of.  ``corpus_figures`` gives
the detection rate and the false positives for any size.
"""

from __future__ import annotations

import doctest
import random
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from unikommune import privacy
from unikommune.errors import TableError
from unikommune.privacy import (
    ROLE_MAILBOXES,
    Match,
    MatchKind,
    find_emails,
    find_identity_numbers,
    find_personal_data,
    find_phone_numbers,
    identity_number_kind,
    might_contain_personal_data,
)
from unikommune.suppression import Suppression, SuppressionReason, suppress

NATIONAL, DNR, HNR, SYNTH = (
    MatchKind.NATIONAL_ID,
    MatchKind.D_NUMBER,
    MatchKind.H_NUMBER,
    MatchKind.SYNTHETIC_ID,
)
IDENTITY_KINDS = (NATIONAL, DNR, HNR, SYNTH)

# Identity numbers: published examples -------------------------------------------------------

PUBLISHED_VALID = [
    ("13097248022", NATIONAL),  # NAV: a valid fnr
    ("29029648784", NATIONAL),  # NAV: 29 February 1996
    ("29020075838", NATIONAL),  # NAV: 29 February 2000
    ("15021951940", NATIONAL),  # NAV: a check digit from a remainder of 0
    ("53097248016", DNR),  # NAV: D-number
    ("13527248013", HNR),  # NAV: H-number
    ("10915596784", SYNTH),  # NAV: Tenor ("Test Norge") number, month + 80
    ("68467038838", HNR),  # NAV: D- and H-number at once
    ("50846202355", SYNTH),  # NAV: D-number from Tenor
    ("02013299997", NATIONAL),  # NAV: born 2 January 2032
    ("30108299920", NATIONAL),  # NAV: 2032 rule, remainder 0
    ("30108299939", NATIONAL),  # NAV: 2032 rule, remainder 1
    ("70108299914", DNR),  # NAV: D-number under the 2032 rule
    ("42059199212", DNR),  # mikaello: D-number
    ("67047000642", DNR),  # mikaello: D-number
    ("01415612385", HNR),  # mikaello: H-number
    ("29029600013", NATIONAL),  # mikaello: 29 February 1996
    ("01010100131", NATIONAL),  # mikaello: a man born 1 January 1901
    ("01010149858", NATIONAL),  # mikaello: a woman born 1 January 1901
    ("31129956715", NATIONAL),  # fnrinfo.no: the worked example
]

PUBLISHED_INVALID = [
    "13097248032",  # NAV: first check digit wrong
    "13097248023",  # NAV: second check digit wrong
    "32127248022",  # NAV: day 32
    "13137248022",  # NAV: month 13
    "29020112345",  # NAV: 29 February with wrong check digits
    "02013299987",  # NAV: 2032 rule, first check digit wrong
    "02013299996",  # NAV: 2032 rule, second check digit wrong
    "81234567802",  # mikaello: an FH-number, which has no date and is out of scope
    "1234567890",  # ten digits
    "123456789101",  # twelve digits
    "1234567891A",  # a letter
    "١٣٠٩٧٢٤٨٠٢٢",  # NAV's 13097248022 in Arabic-Indic digits
]


@pytest.mark.parametrize(("number", "kind"), PUBLISHED_VALID)
def test_published_numbers_are_valid_and_of_their_kind(number: str, kind: MatchKind) -> None:
    assert identity_number_kind(number) is kind
    assert [(m.kind, m.span) for m in find_identity_numbers(f"nr {number}.")] == [(kind, (3, 14))]


@pytest.mark.parametrize("number", PUBLISHED_INVALID)
def test_published_invalid_numbers_are_rejected(number: str) -> None:
    assert identity_number_kind(number) is None
    assert find_identity_numbers(f"nr {number}.") == []


def test_hand_computed_2032_numbers() -> None:
    # 010190123: the first weighted sum of the nine digits is 3·0+7·1+6·0+1·1+8·9+9·0+4·1+5·2+2·3
    # = 100, and 100 mod 11 = 1, so the old rule needs k1 = 10: no such number can be issued.
    # From 2032 the remainder may be 1, 2 or 3: k1 = 0, 1, 2, and k2 follows (91 mod 11 = 3 → 8).
    for number in ("01019012308", "01019012316", "01019012324"):
        assert identity_number_kind(number) is NATIONAL, number
        assert not fodselsnummer.is_valid(number)  # python-stdnum knows the old rule only
    # fnrinfo.no's 311299567: k1 = 1, k2 = 5 under the old rule; remainders 1 and 2 give
    # 31129956723 and 31129956731, and remainder 3 needs k2 = 10, so it has no number.
    assert identity_number_kind("31129956723") is NATIONAL
    assert identity_number_kind("31129956731") is NATIONAL
    assert all(identity_number_kind(f"3112995674{k2}") is None for k2 in string.digits)


def test_29_february_is_always_allowed() -> None:
    # mikaello rejects 29029900157 since 1999 was no leap year; the century is not read here.
    assert identity_number_kind("29029900157") is NATIONAL
    assert not fodselsnummer.is_valid("29029900157")


def test_python_stdnum_accepts_a_subset() -> None:
    """Sweep one birth date: stdnum's numbers are ours, and ours add only the 2032 rule's."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    ours, theirs = set(), set()
    for individual in range(1000):
        for k1 in range(10):
            ten = f"150490{individual:03d}{k1}"
            k2 = -sum(w * int(d) for w, d in zip(w2, ten, strict=False)) % 11
            for number in {f"{ten}{k2 % 10}", f"{ten}{(k2 + 1) % 10}"}:
                if identity_number_kind(number):
                    ours.add(number)
                if fodselsnummer.is_valid(number):
                    theirs.add(number)
    assert theirs < ours
    for number in ours - theirs:
        remainder = sum(w * int(d) for w, d in zip(w1, number, strict=False)) % 11
        # 750-899 gives no century for a year 90 under the old rule; stdnum rejects it.
        assert remainder in (1, 2, 3) or 750 <= int(number[6:9]) <= 899, number


# Identity numbers: generated ----------------------------------------------------------------

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
OFFSETS = {NATIONAL: (0, 0), DNR: (40, 0), HNR: (0, 40), SYNTH: (0, 80)}


def with_check_digits(nine: str, remainder: int) -> str | None:
    """Append k1 and k2 the textbook way: k = (remainder − weighted sum) mod 11, 10 unusable."""
    k1 = (remainder - sum(w * int(d) for w, d in zip(K1_WEIGHTS, nine, strict=True))) % 11
    if k1 == 10:
        return None
    k2 = -sum(w * int(d) for w, d in zip(K2_WEIGHTS, nine + str(k1), strict=True)) % 11
    return None if k2 == 10 else f"{nine}{k1}{k2}"


def build_identity_number(
    kind: MatchKind, day: int, month: int, rest: tuple[int, int, int]
) -> str | None:
    """Return the number of ``kind`` for a day, a month, (year, individual, remainder), if any."""
    year, individual, remainder = rest
    add_day, add_month = OFFSETS[kind]
    return with_check_digits(
        f"{day + add_day:02d}{month + add_month:02d}{year:02d}{individual:03d}", remainder
    )


def make_identity_number(rng: random.Random, kind: MatchKind) -> str:
    """Return a valid number of ``kind``: a random day, year and individual number, either rule."""
    while True:
        month = rng.randint(1, 12)
        rest = (rng.randint(0, 99), rng.randint(0, 999), rng.choice((0, 0, 1, 2, 3)))
        number = build_identity_number(kind, rng.randint(1, DAYS[month - 1]), month, rest)
        if number is not None:
            return number


@st.composite
def identity_numbers(draw: st.DrawFn) -> tuple[str, MatchKind]:
    kind = draw(st.sampled_from(IDENTITY_KINDS))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, DAYS[month - 1]))
    rest = draw(st.tuples(st.integers(0, 99), st.integers(0, 999), st.integers(0, 3)))
    number = build_identity_number(kind, day, month, rest)
    assume(number is not None)
    assert number is not None
    return number, kind


#: Real-world ways of writing one: eleven digits, or six and five with one separator.
ID_SEPARATORS = ["", "", " ", "\u00a0", "\u202f", "-", "\u2011", "."]
CONTEXTS = [
    "{}",
    "{} er fødselsnummeret.",
    "Studenten med fnr. {} fullførte praksis.",
    "Deltaker: Kari Nordmann, fødselsnummer {}",
    "({})",
    "[{}]",
    "«{}»",
    "fnr:{};",
    "{},",
    "Ref.: {}.",
    '{{"fnr": "{}", "navn": "Kari"}}',
    "{{'id':'{}'}}",
    "Trainee {}\nstarted in May.",
]


@given(identity_numbers(), st.sampled_from(ID_SEPARATORS), st.sampled_from(CONTEXTS))
def test_every_planted_number_is_found(
    drawn: tuple[str, MatchKind], separator: str, context: str
) -> None:
    number, kind = drawn
    written = number[:6] + separator + number[6:]
    text = context.format(written)
    start = text.index(written)
    found = find_personal_data(text)
    assert found == [Match(kind, start, start + len(written), number[:6] + separator + "*****")]
    assert number not in repr(found)
    assert number[6:] not in repr(found)


@given(identity_numbers(), st.integers(0, 10), st.integers(0, 8))
def test_one_wrong_digit_is_never_valid(drawn: tuple[str, MatchKind], place: int, add: int) -> None:
    number, _ = drawn
    wrong = number[:place] + str((int(number[place]) + add + 1) % 10) + number[place + 1 :]
    assert identity_number_kind(wrong) is None


@given(identity_numbers(), st.text("0123456789", max_size=5), st.text("0123456789", max_size=5))
def test_a_window_of_a_longer_run_is_not_a_number(
    drawn: tuple[str, MatchKind], before: str, after: str
) -> None:
    assume(before or after)
    assert find_personal_data(f"Nr. {before}{drawn[0]}{after} er registrert.") == []


def thousands(number: str, separator: str) -> str:
    head = len(number) % 3 or 3
    return separator.join(
        [number[:head]] + [number[i : i + 3] for i in range(head, len(number), 3)]
    )


@given(
    st.one_of(
        identity_numbers().map(lambda drawn: drawn[0]),
        st.from_regex(r"[1-9][0-9]{10}", fullmatch=True),
    ),
    st.sampled_from([" ", "\u00a0", "\u202f", "."]),
    st.sampled_from(["Totalt {} kr.", "NOK {}", "{} EUR", "Budsjett: {}", "{}"]),
)
def test_amounts_with_thousand_separators_are_not_numbers(
    number: str, sep: str, context: str
) -> None:
    assert find_personal_data(context.format(thousands(number, sep))) == []


# Things that are not identity numbers, nor anything else ------------------------------------

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def make_account(rng: random.Random) -> str:
    """Return a valid Norwegian bank account number: mod 11, weights 5 4 3 2 7 6 5 4 3 2."""
    while True:
        body = _digits(rng, 10)
        check = -sum(w * int(d) for w, d in zip(K2_WEIGHTS, body, strict=True)) % 11
        if check != 10:
            return body + str(check)


def make_orgnr(rng: random.Random) -> str:
    while True:
        body = str(rng.choice((8, 9))) + "".join(rng.choices(string.digits, k=7))
        remainder = sum(w * int(d) for w, d in zip(ORGNR_WEIGHTS, body, strict=True)) % 11
        if remainder != 1:
            return body + str((11 - remainder) % 11)


@given(
    st.randoms(use_true_random=False),
    st.sampled_from(["{}", "{} {} {}", "NO {} MVA", "org.nr. {}"]),
)
def test_organisation_numbers_are_not_personal_data(rng: random.Random, form: str) -> None:
    number = make_orgnr(rng)
    written = (
        form.format(number[:3], number[3:6], number[6:])
        if form == "{} {} {}"
        else form.format(number)
    )
    assert find_personal_data(f"Partner ({written}) signerte avtalen.") == []


@given(
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.sampled_from(
        ["%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d%m%Y", "%d/%m/%Y", "%d.%m.%y", "%d. %B %Y"]
    ),
)
def test_dates_are_not_personal_data(day: date, form: str) -> None:
    assert find_personal_data(f"Avtalen gjelder fra {day.strftime(form)} til 31.12.2027.") == []


NOT_PERSONAL = [
    "Forskningsrådet, prosjektnummer 295754, og grant agreement no. 101036723.",
    "Grant 824249 (H2020), EU-prosjekt 101036723 og prosjekt 30123456.",
    "Prosjektnummer 30123456, saksnr. 23456789, kontonummer 86011117947, KID 00012345678.",
    "Kontonummer 13097248022, account no. 53097248016, KID: 13527248013.",  # labelled accounts
    "ISBN 978-82-15-03456-7, ISBN 9788215034567, ISBN 82-15-03456-1 and ISSN 1502-7589.",
    "https://doi.org/10.1234/5678901234 and doi:10.1016/j.socscimed.2021.113456.",
    "DOI 10.1234/13097248022, 10.5281/zenodo.73595000 and 10.1000/182.",
    "ROR https://ror.org/05xg72x27, ROR 01xtthb56, Cristin-ID 2053563, Cristin prosjekt 20535634.",
    "GTIN 07038010000737, løpenummer 123456789012345678, ordre 12345678901234.",
    "Totalt NOK 25 000 000, kr 2 500 000, 25000000 kroner, NOK 25000000, 25000000 NOK.",
    "EUR 1 234 567, € 2.5 million, 12 345 678 901 kr, kr 12.345.678, 73595000,- i tilskudd.",
    "Budsjettet var 73 595 000 kroner i 2019-2023 og 2023 2024 (2023/24).",
    "Møte 15.03.2024 kl. 10.15–11.45 i rom 2-123, auditorium R7, rom 301.",
    "Postboks 2300 Torgarden, 7004 Trondheim; NTNU, 7491 Trondheim.",
    "Statistikk: 3 000 studenter, 1 234 deltakere, 37,5 %, 12 34 56 78 90 12.",
    "ORCID 0000-0002-1825-0097 og 0000-0002-1694-233X; versjon v2.3.14.",
    "Grønt nummer 800 80 000 og 815 00 815 er servicenumre.",
    "Web: https://www.example.org/prosjekt/73595000?id=91234567 og www.ntnu.no/73595000.",
    "Skriv til postmottak@trondheim.kommune.no, post@ntnu.no eller kontakt@trd3.no.",
    "Se logo@2x.png, foo@example og @ntnu på sosiale medier; pakke npm@10.2.3.",
    "Tall: 13097248022,5 og 3.13097248022 er desimaltall.",
    "Org.nr. 974 760 673 og 942 110 464 (NO 942110464 MVA).",
    "Idrettsavdelingen har rom 2019 2020 og 2021.",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_clean_texts_have_no_finding(text: str) -> None:
    assert find_personal_data(text) == []


# E-mail addresses ---------------------------------------------------------------------------

PERSON_EMAILS = [
    "kari.nordmann@ntnu.no",
    "Kari.Nordmann@NTNU.no",
    "ola@trondheim.kommune.no",
    "o.nordmann@stud.ntnu.no",
    "kari_n2@gmail.com",
    "kari+trd3@uit.no",
    "per-ivar.aas@example.museum",
    "bjørn.ødegård@uib.no",
]


@pytest.mark.parametrize("address", PERSON_EMAILS)
@pytest.mark.parametrize(
    "context", ["{}", "Kontakt: {}.", "<{}>", "mailto:{}", '{{"e": "{}"}}', "({}),"]
)
def test_person_emails_are_found(address: str, context: str) -> None:
    text = context.format(address)
    start = text.index(address)
    masked = f"{address[0]}***@{address.split('@')[1]}"
    assert find_emails(text) == [Match(MatchKind.EMAIL, start, start + len(address), masked)]


@pytest.mark.parametrize(
    "address",
    [
        "postmottak@trondheim.kommune.no",
        "Post@NTNU.no",
        "postmottak.helse@trondheim.kommune.no",
        "info-trd3@ntnu.no",
        "servicetorget@trondheim.kommune.no",
        "firmapost@example.no",
        "no-reply@example.com",
        "support+ticket@example.com",
        *(f"{word}@example.no" for word in sorted(ROLE_MAILBOXES)),
    ],
)
def test_role_mailboxes_are_not_persons(address: str) -> None:
    assert find_emails(f"Skriv til {address}.") == []
    assert len(find_emails(f"Skriv til {address}.", role_mailboxes=())) == 1


def test_email_exemptions_ignore_case() -> None:
    text = "Kontakt koordinator.trd3@ntnu.no eller kari@ntnu.no"
    assert [m.masked for m in find_emails(text, exempt=["Koordinator.TRD3@ntnu.no"])] == [
        "k***@ntnu.no"
    ]
    assert len(find_emails(text, exempt=frozenset({"mailto:koordinator.trd3@NTNU.NO"}))) == 1


def test_role_words_only_count_as_the_first_word() -> None:
    assert len(find_emails("kari.post@ntnu.no, postkari@ntnu.no")) == 2


# Telephone numbers --------------------------------------------------------------------------

PHONES = [
    ("73595000", "73******"),
    ("73 59 50 00", "73 ** ** **"),
    ("73\u00a059\u00a050\u00a000", "73\u00a0**\u00a0**\u00a0**"),
    ("73-59-50-00", "73-**-**-**"),
    ("73.59.50.00", "73.**.**.**"),
    ("735 95 000", "73* ** ***"),
    ("912 34 567", "91* ** ***"),
    ("+47 73 59 50 00", "+47 73 ** ** **"),
    ("+47 735 95 000", "+47 73* ** ***"),
    ("+4773595000", "+4773******"),
    ("+47 7359 5000", "+47 73** ****"),
    ("0047 73 59 50 00", "0047 73 ** ** **"),
    ("(+47) 91234567", "(+47) 91******"),
    ("+46 70 123 45 67", "+46 70 *** ** **"),
    ("+44 20 7946 0958", "+44 20 **** ****"),
    ("+44 (0)20 7946 0958", "+44 (0)2* **** ****"),
    ("+1 (555) 123-4567", "+1 (555) ***-****"),
    ("0046 8 123 456 78", "0046 8 1** *** **"),
]


@pytest.mark.parametrize(("number", "masked"), PHONES)
@pytest.mark.parametrize(
    "context", ["{}", "Tlf. {}.", "Kari Nordmann: {}", "({})", '{{"tlf": "{}"}}', "ring {}, eller"]
)
def test_phone_numbers_are_found(number: str, masked: str, context: str) -> None:
    text = context.format(number)
    start = text.index(number)
    assert find_phone_numbers(text) == [Match(MatchKind.PHONE, start, start + len(number), masked)]


@pytest.mark.parametrize(
    "exempt", ["+47 73 59 50 00", "73595000", "0047 735 95 000", "(+47) 73-59-50-00"]
)
@pytest.mark.parametrize(
    "number", ["73595000", "73 59 50 00", "735 95 000", "+47 73595000", "0047 73 59 50 00"]
)
def test_switchboards_compare_by_digits(exempt: str, number: str) -> None:
    text = f"Sentralbord: {number}"
    assert find_phone_numbers(text, exempt=[exempt]) == []
    assert find_personal_data(text, exempt=[exempt]) == []
    assert len(find_phone_numbers(text, exempt=["73595001"])) == 1


def test_foreign_switchboards_compare_by_digits() -> None:
    text = "Switchboard +44 (0)20 7946 0958 or 0044 20 7946 0958"
    assert find_phone_numbers(text, exempt=["+44 20 7946 0958"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Org.nr. 974760673",  # nine digits
        "1234567890 og 91234567891",  # ten and eleven digits
        "Datoen 20240115 og 22012024",  # dates, YYYYMMDD and DDMMYYYY
        "Prosjektnummer 30123456 og grant agreement no. 20123456",
        "NOK 25000000 eller 25000000 kr",
        "Nummeret 80080000 og 800 80 000",  # service numbers
        "Tall 10 20 30 40 50 60",  # a longer run of pairs
        "Serie 912 34 567 890",
        "1.73595000 og 73595000,5",
        "2023-2024, 2019 2020, ISSN 1502-7589",
        "https://example.org/a/73595000 og 10.5281/zenodo.73595000",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert find_phone_numbers(text) == []


def test_a_phone_label_wins_over_an_identifier_label() -> None:
    assert len(find_phone_numbers("Prosjektleder, tlf. 91234567")) == 1
    assert find_phone_numbers("Prosjekt 91234567") == []


# All detectors together ---------------------------------------------------------------------


def test_find_personal_data_orders_and_drops_phone_overlaps() -> None:
    text = "SMS 91234567@sms.example.no, fnr 13097248022, tlf. 91234567"
    found = find_personal_data(text)
    assert [m.kind for m in found] == [MatchKind.EMAIL, NATIONAL, MatchKind.PHONE]
    assert [m.certain for m in found] == [False, True, False]
    assert found == sorted(found, key=lambda m: m.start)
    assert all(text[m.start : m.end] == text[slice(*m.span)] for m in found)


PREFILTER_ALPHABET = "0123456789  .-+@()\u00a0ab,æ"


@given(st.text(PREFILTER_ALPHABET, max_size=40))
def test_the_prefilter_never_hides_a_finding(text: str) -> None:
    found = find_identity_numbers(text) + find_emails(text) + find_phone_numbers(text)
    if found:
        assert might_contain_personal_data(text)
    if not might_contain_personal_data(text):
        assert find_personal_data(text) == []


def test_the_prefilter_rejects_ordinary_prose() -> None:
    text = "Prosjektet samler kommunen og universitetet om en oppgave i 2024, med 3 000 studenter."
    assert not might_contain_personal_data(text)


def test_module_doctests() -> None:
    result = doctest.testmod(privacy, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# Small-cell suppression ---------------------------------------------------------------------

ROWS, COLUMNS = ("r1", "r2", "r3"), ("A", "B", "C")
TABLE = {
    ("r1", "A"): 5, ("r1", "B"): 1, ("r1", "C"): 8,
    ("r2", "A"): 4, ("r2", "B"): 6, ("r2", "C"): 7,
    ("r3", "A"): 9, ("r3", "B"): 10, ("r3", "C"): 2,
}  # fmt: skip


def margins(rows: Iterable[str], columns: Iterable[str]) -> list[list[tuple[str, str]]]:
    rows, columns = list(rows), list(columns)
    return (
        [[(r, c) for c in columns] for r in rows]
        + [[(r, c) for r in rows] for c in columns]
        + [[(r, c) for r in rows for c in columns]]
    )


def test_hand_computed_3x3_table_with_margins() -> None:
    # Primary: r1B = 1 and r3C = 2.  Groups with one hidden cell, in the order of their
    # sorted keys: row 1, column B, column C, row 3.  Row 1 hides its smallest, r1A = 5;
    # that leaves column A alone (r2A = 4 < r3A = 9), then row 2 and column B (r2B = 6),
    # column C (r2C = 7 < r1C = 8), and row 3 last (r3A = 9 < r3B = 10).
    result = suppress(TABLE, margins(ROWS, COLUMNS))
    row = {r: tuple((r, c) for c in COLUMNS) for r in ROWS}
    column = {c: tuple((r, c) for r in ROWS) for c in COLUMNS}
    assert result == [
        Suppression(("r1", "B"), SuppressionReason.PRIMARY),
        Suppression(("r3", "C"), SuppressionReason.PRIMARY),
        Suppression(("r1", "A"), SuppressionReason.SECONDARY, row["r1"]),
        Suppression(("r2", "A"), SuppressionReason.SECONDARY, column["A"]),
        Suppression(("r2", "B"), SuppressionReason.SECONDARY, column["B"]),
        Suppression(("r2", "C"), SuppressionReason.SECONDARY, column["C"]),
        Suppression(("r3", "A"), SuppressionReason.SECONDARY, row["r3"]),
    ]
    assert recomputable(margins(ROWS, COLUMNS), {s.key for s in result}) == set()


def test_a_table_without_small_cells_is_left_alone() -> None:
    assert suppress({k: v + 2 for k, v in TABLE.items()}, margins(ROWS, COLUMNS)) == []


def test_zero_is_not_sensitive_but_can_be_a_last_resort() -> None:
    assert suppress({"a": 0, "b": 0, "c": 5}, [["a", "b", "c"]]) == []
    assert suppress({"a": 1, "b": 0, "c": 5}, [["a", "b", "c"]])[1].key == "c"
    assert suppress({"a": 1, "b": 0}, [["a", "b"]]) == [
        Suppression("a", SuppressionReason.PRIMARY),
        Suppression("b", SuppressionReason.SECONDARY, ("a", "b")),
    ]


def test_ties_are_broken_by_key() -> None:
    result = suppress({"d": 4, "a": 1, "c": 4, "b": 4}, [["d", "c", "b", "a"]])
    assert [s.key for s in result] == ["a", "b"]


def test_minimum_sets_the_threshold() -> None:
    cells = {"a": 4, "b": 9, "c": 9}
    assert suppress(cells, [["a", "b", "c"]]) == []
    assert [s.key for s in suppress(cells, [["a", "b", "c"]], minimum=5)] == ["a", "b"]


@pytest.mark.parametrize(
    ("cells", "groups", "minimum", "message"),
    [
        ({"a": -1, "b": 2}, [["a", "b"]], 3, "count -1"),
        ({"a": 1.5, "b": 2}, [["a", "b"]], 3, "count 1.5"),
        ({"a": 1, "b": 2}, [["a", "x"]], 3, "not in the table"),
        ({"a": 1, "b": 2}, [["a", "a"]], 3, "fewer than two cells"),
        ({"a": 1, "b": 2}, [["a", "b"]], 0, "minimum"),
    ],
)
def test_misuse_raises(
    cells: Mapping[str, int], groups: list[list[str]], minimum: int, message: str
) -> None:
    with pytest.raises(TableError, match=message):
        suppress(cells, groups, minimum)
    assert issubclass(TableError, ValueError)


def recomputable(groups: Iterable[Iterable[object]], hidden: set[object]) -> set[object]:
    """Return the hidden cells that the published totals determine (by Gaussian elimination)."""
    order = sorted(hidden, key=repr)
    rows = [[Fraction(int(key in group)) for key in order] for group in map(set, groups)]
    basis: list[list[Fraction]] = []
    for row in rows:  # reduce to an echelon basis of the row space
        for pivot_row in basis:
            pivot = next(i for i, value in enumerate(pivot_row) if value)
            row = [a - row[pivot] * b for a, b in zip(row, pivot_row, strict=True)]
        if any(row):
            pivot = next(i for i, value in enumerate(row) if value)
            basis.append([value / row[pivot] for value in row])
    found = set()
    for index, key in enumerate(order):
        unit = [Fraction(int(i == index)) for i in range(len(order))]
        for pivot_row in basis:
            pivot = next(i for i, value in enumerate(pivot_row) if value)
            unit = [a - unit[pivot] * b for a, b in zip(unit, pivot_row, strict=True)]
        if not any(unit):
            found.add(key)
    return found


def test_the_two_cell_rule_is_not_a_full_audit() -> None:
    # Two blocks of small cells joined by r1c3: every row and column has 0 or >= 2 hidden
    # cells, yet r1c3 = row 1 − (column 1 + column 2 − row 2), as the docstring warns.
    small = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"), ("r3", "c3"), ("r3", "c4")}
    small |= {("r4", "c3"), ("r4", "c4"), ("r1", "c3")}
    rows, columns = ("r1", "r2", "r3", "r4"), ("c1", "c2", "c3", "c4")
    cells = {(r, c): 1 if (r, c) in small else 20 for r in rows for c in columns}
    result = suppress(cells, margins(rows, columns))
    assert {s.key for s in result} == small
    assert all(s.reason is SuppressionReason.PRIMARY for s in result)
    assert recomputable(margins(rows, columns), set(small)) == {("r1", "c3")}


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, int], list[list[str]], int]:
    """Draw a table: a grid with its margins, or cells with arbitrary published groups."""
    counts = st.integers(0, 12)
    minimum = draw(st.sampled_from([1, 2, 3, 3, 3, 5]))
    if draw(st.booleans()):
        rows = [f"r{i}" for i in range(draw(st.integers(2, 5)))]
        columns = [f"c{i}" for i in range(draw(st.integers(2, 5)))]
        grid = {(r, c): draw(counts) for r in rows for c in columns}
        cells = {f"{r}{c}": count for (r, c), count in grid.items()}
        groups = [[f"{r}{c}" for r, c in group] for group in margins(rows, columns)]
        return cells, groups, minimum
    keys = [f"k{i:02d}" for i in range(draw(st.integers(2, 14)))]
    cells = {key: draw(counts) for key in keys}
    group = st.lists(st.sampled_from(keys), min_size=2, unique=True)
    return cells, draw(st.lists(group, min_size=1, max_size=8)), minimum


@given(tables())
def test_no_total_gives_back_a_single_hidden_cell(
    table: tuple[dict[str, int], list[list[str]], int],
) -> None:
    cells, groups, minimum = table
    result = suppress(cells, groups, minimum)
    hidden = {s.key for s in result}
    assert len(hidden) == len(result)
    for group in groups:
        assert len(hidden & set(group)) != 1
    primary = {s.key for s in result if s.reason is SuppressionReason.PRIMARY}
    assert primary == {key for key, count in cells.items() if 0 < count < minimum}
    for s in result:
        assert (s.group is None) == (s.reason is SuppressionReason.PRIMARY)
        if s.group is not None:
            assert s.key in s.group
            assert list(s.group) == sorted(set(s.group))


@given(tables(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(
    table: tuple[dict[str, int], list[list[str]], int], rng: random.Random
) -> None:
    cells, groups, minimum = table
    items = list(cells.items())
    rng.shuffle(items)
    shuffled = [rng.sample(group, len(group)) for group in groups]
    rng.shuffle(shuffled)
    assert suppress(dict(items), shuffled, minimum) == suppress(cells, groups, minimum)


@given(tables())
def test_suppression_is_idempotent(table: tuple[dict[str, int], list[list[str]], int]) -> None:
    cells, groups, minimum = table
    assume(minimum > 1)
    hidden = {s.key for s in suppress(cells, groups, minimum)}
    # Hide the same cells again by marking them small: nothing more is needed.
    again = suppress({k: 1 if k in hidden else v for k, v in cells.items()}, groups, minimum)
    assert {s.key for s in again} == hidden
    assert all(s.reason is SuppressionReason.PRIMARY for s in again)


# The guard's corpora ------------------------------------------------------------------------

SWITCHBOARDS = [
    "+47 73 59 50 00",
    "72 54 00 00",
    "+47 22 85 50 50",
    "55 58 00 00",
    "+44 20 7946 0000",
]
GIVEN_NAMES = ["kari", "ola", "ingrid", "per", "anne", "jonas", "sigrid", "emil", "bjørn", "nora"]
FAMILY_NAMES = [
    "nordmann",
    "hansen",
    "johansen",
    "olsen",
    "larsen",
    "berg",
    "haugen",
    "dahl",
    "lie",
]
DOMAINS = ["ntnu.no", "stud.ntnu.no", "trondheim.kommune.no", "uit.no", "gmail.com", "online.no"]
ROLE_ADDRESSES = [
    "postmottak@trondheim.kommune.no",
    "post@ntnu.no",
    "kontakt@trd3.no",
    "info@uit.no",
]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choices(string.digits, k=count))


def _amount(rng: random.Random) -> str:
    value = rng.randrange(10_000, 500_000_000)
    spaced = thousands(str(value), rng.choice([" ", "\u00a0", "."]))
    millions = f"{value / 1e6:.1f}"
    return rng.choice(
        [f"NOK {spaced}", f"kr {spaced}", f"{spaced} kroner", f"NOK {value}", f"{value} NOK",
         f"EUR {spaced}", f"€ {millions} million", f"{millions.replace('.', ',')} mill. kr",
         f"{spaced},-"]
    )  # fmt: skip


def _date(rng: random.Random) -> str:
    day = date(1990, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    forms = ["%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d%m%Y", "%d/%m/%Y", "%d. %B %Y", "%d.%m.%y"]
    return day.strftime(rng.choice(forms))


def _doi(rng: random.Random) -> str:
    suffix = rng.choice(
        [_digits(rng, rng.randint(5, 15)), f"j.scs.{rng.randint(2000, 2030)}.{_digits(rng, 6)}",
         f"zenodo.{_digits(rng, 8)}", f"s41586-0{_digits(rng, 2)}-{_digits(rng, 5)}-1"]
    )  # fmt: skip
    prefix = rng.choice(["https://doi.org/", "doi:", ""])
    return f"{prefix}10.{_digits(rng, rng.randint(4, 5))}/{suffix}"


def _switchboard(rng: random.Random) -> str:
    plain = "".join(c for c in rng.choice(SWITCHBOARDS[:4]) if c.isdigit())[-8:]
    pairs = " ".join(plain[i : i + 2] for i in range(0, 8, 2))
    return rng.choice([plain, pairs, f"+47 {plain}", f"+47 {pairs}"])


def _grant(rng: random.Random) -> str:
    number = _digits(rng, rng.choice([5, 6, 7, 9]))
    label = rng.choice(["prosjektnummer", "grant agreement no.", "project", "kontrakt"])
    return rng.choice(
        [f"NFR {number}", f"grant {number}", f"({number})", number, f"{label} {_digits(rng, 8)}"]
    )


def _ror(rng: random.Random) -> str:
    return "0" + "".join(rng.choices("abcdefghjkmnpqrstvwxyz0123456789", k=6)) + _digits(rng, 2)


#: Values for the clean templates; each use of a field draws a new value.
FIELDS: dict[str, Callable[[random.Random], str]] = {
    "year": lambda r: str(r.randint(1990, 2035)),
    "small": lambda r: str(r.randint(1, 99)),
    "count": lambda r: str(r.randint(2, 999)),
    "pair": lambda r: str(r.randint(10, 99)),
    "thousands": lambda r: thousands(str(r.randint(1000, 99_999)), r.choice([" ", "\u00a0"])),
    "date": _date,
    "orgnr": lambda r: make_orgnr(r),
    "amount": _amount,
    "grant": _grant,
    "doi": _doi,
    "path": lambda r: _digits(r, r.randint(4, 10)),
    "room": lambda r: f"{r.randint(1, 9)}-{r.randint(100, 999)}",
    "postcode": lambda r: f"{r.randint(1, 9999):04d}",
    "switchboard": _switchboard,
    "role": lambda r: r.choice(ROLE_ADDRESSES),
    "isbn": lambda r: f"978-82-{r.randint(10, 99)}-{_digits(r, 5)}-{r.randint(0, 9)}",
    "isbn13": lambda r: "978" + _digits(r, 10),
    "issn": lambda r: f"{_digits(r, 4)}-{_digits(r, 3)}{r.choice('0123456789X')}",
    "ror": _ror,
    "cristin": lambda r: _digits(r, r.randint(5, 8)),
    "long": lambda r: _digits(r, r.randint(12, 20)),
    "big": lambda r: thousands(str(r.randint(10**10, 10**11 - 1)), r.choice([" ", "."])),
    "orcid": lambda r: f"0000-000{r.randint(1, 3)}-{_digits(r, 4)}-{_digits(r, 3)}{r.choice('0X')}",
    "account": lambda r: f"{_digits(r, 4)}.{_digits(r, 2)}.{_digits(r, 5)}",
    "plain_account": lambda r: make_account(r),
    "kid": lambda r: _digits(r, r.randint(9, 25)),
    "time": lambda r: f"{r.randint(8, 16)}.{r.choice(['00', '15', '30'])}",
}

CLEAN_TEMPLATES = [
    "Prosjektet startet i {year} og varer til {year}.",
    "The project ran from {year}-{year} with {count} participants.",
    "Avtalen ble signert {date} av {orgnr} og org.nr. {orgnr}.",
    "Partneren (NO {orgnr} MVA) bidro med {amount}.",
    "Funding: {grant} from the Research Council, {amount} in total.",
    "Finansiert av EU, {grant}, og Forskningsrådet, {grant}.",
    "Budsjett {amount} for {year}–{year}.",
    "Results are published as {doi} and {doi}.",
    "Les mer på https://www.ntnu.no/trd3/{path} eller www.trondheim.kommune.no/tema/{path}.",
    "Workshop {date} kl. {time}–{time} i rom {room}.",
    "Møtet holdes i auditorium R{small}, Høgskoleringen {small}, {postcode} Trondheim.",
    "Postboks {postcode} Torgarden, {postcode} Trondheim.",
    "Sentralbord {switchboard}, e-post {role}.",
    "Contact the secretariat at {role} or switchboard {switchboard}.",
    "ISBN {isbn}, ISBN {isbn13}, ISSN {issn}.",
    "ROR https://ror.org/{ror}, ROR {ror}, Cristin-ID {cristin}.",
    "Cristin-prosjekt {cristin} og referanse {long}.",
    "Om lag {thousands} studenter har praksis i kommunen hvert år ({small},{small} %).",
    "The thesis used data from {small} schools in {year}/{pair}.",
    "Totalt {big} kroner over {small} år.",
    "ORCID {orcid}, versjon v{small}.{small}.{small}.",
    "Kontonummer {account}; KID {kid}.",
    "Tilskuddet utbetales til kontonummer {plain_account}, KID {kid}.",
    "Målet er å styrke samarbeidet mellom kommunen og universitetet om helse og oppvekst.",
    "The mission brings citizens, staff, business and decision makers together.",
    "Nøkkeltall: {pair} {pair} {pair} {pair} {pair}.",
]


def fill(
    template: str, rng: random.Random, fields: Mapping[str, Callable[[random.Random], str]]
) -> str:
    parts = string.Formatter().parse(template)
    return "".join(
        literal + (fields[field](rng) if field else "") for literal, field, _, _ in parts
    )


def clean_text(rng: random.Random) -> str:
    return " ".join(
        fill(rng.choice(CLEAN_TEMPLATES), rng, FIELDS) for _ in range(rng.randint(1, 4))
    )


@dataclass(frozen=True)
class Planted:
    kind: MatchKind
    start: int
    end: int


def _reads_as_date(number: str) -> bool:
    for year, month, day in (
        (number[:4], number[4:6], number[6:]),
        (number[4:], number[2:4], number[:2]),
    ):
        try:
            if 1900 <= int(year) <= 2099 and date(2000, int(month), int(day)):
                return True
        except ValueError:
            continue
    return False


def _person_phone(rng: random.Random) -> str:
    while True:
        national = rng.choice("2345679") + _digits(rng, 7)
        switchboard = {"".join(c for c in s if c.isdigit())[-8:] for s in SWITCHBOARDS}
        if national not in switchboard and not _reads_as_date(national):
            break
    pairs = " ".join(national[i : i + 2] for i in range(0, 8, 2))
    return rng.choice(
        [national, pairs, pairs.replace(" ", "\u00a0"), pairs.replace(" ", "-"),
         f"{national[:3]} {national[3:5]} {national[5:]}", f"+47 {pairs}", f"+47{national}",
         f"0047 {national}", f"(+47) {national}", f"+46 70 {_digits(rng, 3)} {_digits(rng, 4)}",
         f"+44 20 {_digits(rng, 4)} {_digits(rng, 4)}", f"+49 30 {_digits(rng, 8)}"]
    )  # fmt: skip


def _person_email(rng: random.Random) -> str:
    given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
    local = rng.choice(
        [f"{given}.{family}", given, f"{given[0]}{family}", f"{given}_{family}{rng.randint(1, 99)}",
         f"{given.title()}.{family.title()}", f"{given}+trd3"]
    )  # fmt: skip
    return f"{local}@{rng.choice(DOMAINS)}"


def _person_id(rng: random.Random) -> tuple[str, MatchKind]:
    kind = rng.choice(IDENTITY_KINDS)
    number = make_identity_number(rng, kind)
    separator = rng.choice(ID_SEPARATORS)
    return number[:6] + separator + number[6:], kind


PLANTED_TEMPLATES = [
    "Kontaktperson: {name}, {email}.",
    "Spørsmål kan rettes til {name} på tlf. {phone}.",
    "Contact {name} ({email}, {phone}) for details.",
    "Studenten (fnr. {id}) fullførte praksis.",
    '{{"navn": "{name}", "fnr": "{id}", "epost": "{email}"}}',
    "{id} – {name}",
    "{name}: {phone}",
    "{email}",
    "Ring {phone}",
    "Deltakere: {name}, {id}; {name}, {email}.",
]


def planted_text(rng: random.Random) -> tuple[str, list[Planted]]:
    """Return a text with personal data planted among clean sentences, and where it is."""
    template = rng.choice(PLANTED_TEMPLATES)
    pieces: list[str] = []
    planted: list[Planted] = []
    offset = 0
    before = clean_text(rng) + " " if rng.random() < 0.7 else ""
    pieces.append(before)
    offset += len(before)
    for literal, field, _, _ in string.Formatter().parse(template):
        pieces.append(literal)
        offset += len(literal)
        if field is None:
            continue
        if field == "name":
            value, kind = (
                f"{rng.choice(GIVEN_NAMES).title()} {rng.choice(FAMILY_NAMES).title()}",
                None,
            )
        elif field == "email":
            value, kind = _person_email(rng), MatchKind.EMAIL
        elif field == "phone":
            value, kind = _person_phone(rng), MatchKind.PHONE
        else:
            value, kind = _person_id(rng)
        if kind is not None:
            planted.append(Planted(kind, offset, offset + len(value)))
        pieces.append(value)
        offset += len(value)
    if rng.random() < 0.7:
        pieces.append(" " + clean_text(rng))
    return "".join(pieces), planted


@dataclass
class Figures:
    planted: int = 0
    detected: int = 0
    false_in_planted: int = 0
    false_in_clean: int = 0
    clean_texts: int = 0


def corpus_figures(count: int, seed: int = 2032) -> Figures:
    """Run the guard on ``count`` planted and ``count`` clean texts; count hits and false alarms."""
    rng = random.Random(seed)
    figures = Figures(clean_texts=count)
    for _ in range(count):
        text, planted = planted_text(rng)
        found = {(m.kind, m.start, m.end) for m in find_personal_data(text, exempt=SWITCHBOARDS)}
        expected = {(p.kind, p.start, p.end) for p in planted}
        figures.planted += len(expected)
        figures.detected += len(expected & found)
        figures.false_in_planted += len(found - expected)
        figures.false_in_clean += len(find_personal_data(clean_text(rng), exempt=SWITCHBOARDS))
    return figures


def test_corpus_acceptance() -> None:
    figures = corpus_figures(400)
    assert figures.planted > 400
    assert figures.detected == figures.planted
    assert figures.false_in_planted == 0
    assert figures.false_in_clean == 0


@given(st.randoms(use_true_random=False))
def test_generated_clean_texts_have_no_finding(rng: random.Random) -> None:
    text = clean_text(rng)
    assert find_personal_data(text, exempt=SWITCHBOARDS) == [], text


@given(st.randoms(use_true_random=False))
def test_generated_planted_texts_are_found(rng: random.Random) -> None:
    text, planted = planted_text(rng)
    found = [
        (m.kind, m.start, m.end) for m in find_personal_data(text, exempt=frozenset(SWITCHBOARDS))
    ]
    assert found == [(p.kind, p.start, p.end) for p in planted], text
