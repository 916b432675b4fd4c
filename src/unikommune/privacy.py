"""Personal data in free text, and small counts in published tables.

Open data published with unikommune carries no personal data about students or
staff.  This module finds what would break that rule in a text, and hides the
cells of a table that are built on too few people.

>>> text = "Kontakt kari.nordmann@ntnu.no, tlf. 912 34 567, fnr 13097248022."
>>> [(match.kind.value, match.masked) for match in find_personal_data(text)]
[('email', 'k***@ntnu.no'), ('phone', '91* ** ***'), ('national-id', '130972*****')]
>>> find_personal_data("Sentralbord 73 59 50 00, postmottak@ntnu.no", exempt=["+47 73595000"])
[]

**Identity numbers** are certain: a match passes two mod 11 checks and a date
check.  Eleven digits: DDMMYY, three individual digits, two check digits.  With
``d`` the digits, ``r1 = (3,7,6,1,8,9,4,5,2,1)·d[0:10] mod 11`` and
``r2 = (5,4,3,2,7,6,5,4,3,2,1)·d[0:11] mod 11``.  Numbers issued before 2032
have ``r1 = 0``; from 2032 ``r1`` may be 0, 1, 2 or 3 (Skatteetaten, "Nye
fødselsnummer og d-nummer fra 2032"); ``r2`` is always 0; neither gender nor
century is read.  A D-number adds 4 to the first digit, an H-number 4 to the
third, a synthetic test number (Skatteetaten's Tenor) 8 to the third; without
them DD and MM must be a real day of the month, 29 February always allowed.

- Read: eleven digits, or six and five with one separator between, a space
  (also no-break or narrow no-break), a hyphen (also non-breaking) or a dot.
  ``010190 12345`` and ``010190-12345`` are how people write them; the dot is
  rare but costs nothing.
- Not read: other splits (``01.01.90 12345``); FH-numbers (no date inside, so
  too many false alarms); numbers inside a DOI; numbers right after a
  bank-account or KID label (``kontonummer``, ``account no.``, ``KID``), since
  an account's check digit is the second check digit, so accounts pass far
  more often than random digits; and any number touched by a digit or by a
  decimal point and a digit, so an eleven-digit window of a longer number is
  never reported.

**E-mail addresses** are heuristic: the shape says nothing about who reads the
box.  ``local@domain.tld``, the top-level domain in letters.  An address whose
local part, or its first word, is in :data:`ROLE_MAILBOXES` (``postmottak@``,
``post.hf@``, ``info-trd3@``) is a functional mailbox, not a person.  Names of
image and document files (``logo@2x.png``) are skipped.

**Telephone numbers** are heuristic: eight digits may be many things.  A
Norwegian number has eight digits and starts with 2–7 or 9 (4 and 9 mobile, the
rest fixed lines; 8 starts service numbers such as 800 free phone, never a
person's).

- Read: ``73595000``, ``73 59 50 00`` and ``735 95 000``, one kind of separator
  in a number (space, no-break space, hyphen or dot); any grouping after
  ``+47``, ``0047`` or ``(+47)``; another country's ``+`` or ``00``, a country
  code and digits in groups, with an optional ``(0)`` or area code in
  parentheses, 8 to 15 digits in all (after ``00`` a space follows the country
  code: ``0012345678`` and ``0060.08.71291`` are zero-padded numbers).
- Not read: a number that continues a longer one (a digit and the same
  separator on either side); eight plain digits that read as a date
  (``20240115``, ``22012024``); a number next to a currency (``kr 25000000``,
  ``25000000 NOK``) or right after an identifier label (``prosjektnummer``,
  ``grant agreement no.``, ``Cristin-ID``), unless a phone label (``tlf.``)
  comes last; a number inside a URL or DOI; ``4 + 4`` groupings without a
  country code, which ``2023-2024`` and ISSNs share.

**Exemptions**: the detectors of contact data take ``exempt``, the values
published as an organisation's contact points.  E-mail addresses compare
case-insensitively; telephone numbers by their digits, without ``+``, ``00``,
``(0)`` and Norway's ``47``, so ``+47 73 59 50 00`` exempts ``73595000``.

Small counts are hidden by :mod:`unikommune.suppression`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "PREFILTER",
    "ROLE_MAILBOXES",
    "Match",
    "MatchKind",
    "find_emails",
    "find_identity_numbers",
    "find_personal_data",
    "find_phone_numbers",
    "identity_number_kind",
    "might_contain_personal_data",
]


class MatchKind(StrEnum):
    """Kind of personal data a detector found."""

    NATIONAL_ID = "national-id"
    D_NUMBER = "d-number"
    H_NUMBER = "h-number"
    SYNTHETIC_ID = "synthetic-id"
    EMAIL = "email"
    PHONE = "phone"


_IDENTITY_KINDS = frozenset(
    {MatchKind.NATIONAL_ID, MatchKind.D_NUMBER, MatchKind.H_NUMBER, MatchKind.SYNTHETIC_ID}
)


@dataclass(frozen=True, slots=True)
class Match:
    """Personal data found in a text: its kind, where it is, and a masked copy for messages.

    A match keeps no copy of what it found: slice the text with :attr:`span` if
    the caller must see it.
    """

    kind: MatchKind
    start: int
    end: int
    masked: str

    @property
    def span(self) -> tuple[int, int]:
        """Return the match's place in the text, as ``text[start:end]``."""
        return self.start, self.end

    @property
    def certain(self) -> bool:
        """Return whether the match is certain: a checksum-valid identity number."""
        return self.kind in _IDENTITY_KINDS


#: Local parts (or their first word) of functional mailboxes, Norwegian and English.
ROLE_MAILBOXES: frozenset[str] = frozenset(
    {
        # Norwegian
        "administrasjon", "arkiv", "bibliotek", "brukerstotte", "dokumentsenter", "drift",
        "ekspedisjon", "faktura", "firmapost", "forskning", "hjelp", "ikt", "informasjon",
        "innkjop", "innsyn", "kommunikasjon", "kontakt", "kontaktoss", "kundeservice",
        "kundesenter", "lonn", "nettredaksjon", "okonomi", "opptak", "personal",
        "personvern", "personvernombud", "post", "postkasse", "postmottak", "praksis",
        "presse", "redaksjon", "regnskap", "resepsjon", "sekretariat", "sekretariatet",
        "sentralbord", "servicekontor", "servicesenter", "servicetorget", "studieadministrasjon",
        "studier", "varsling", "økonomi",
        # English
        "abuse", "accounts", "admin", "admissions", "billing", "careers", "communications",
        "contact", "contactus", "customerservice", "donotreply", "do-not-reply", "dpo",
        "enquiries", "finance", "hello", "help", "helpdesk", "hostmaster", "hr", "info",
        "information", "inquiries", "invoice", "it", "jobs", "legal", "library", "mailer-daemon",
        "media", "news", "no-reply", "noreply", "office", "postmaster", "press", "privacy",
        "reception", "recruitment", "research", "sales", "secretariat", "security", "service",
        "support", "team", "web", "webmaster",
    }
)  # fmt: skip

# The prefilter: an "@", a "+" or "00" before a digit, or eight digits with at most one
# separator between each two.  Every detector needs one of these to find anything.  The
# pattern opens with a character set, so re skips to the first "@", "+" or digit at C speed.
_SEPARATORS = " \u00a0\u202f.\\-\u2011"
_CANDIDATE = re.compile(
    rf"[@+0-9](?:(?<=@)|(?<=\+)[1-9]|(?<=0)(?<![0-9]0)0[1-9]|(?<=[0-9])(?:[{_SEPARATORS}]?[0-9]){{7}})"
)


#: The pattern of :func:`might_contain_personal_data`: a text in which its ``search`` finds
#: nothing holds nothing that a detector of this module finds.  A loop over many strings
#: may call its bound ``search`` directly, without a Python call per string.
PREFILTER: re.Pattern[str] = _CANDIDATE


def might_contain_personal_data(text: str) -> bool:
    """Return whether ``text`` needs the detectors at all: one precompiled ``re.search``.

    ``False`` is certain: no detector of this module finds anything in such a text.
    """
    return _CANDIDATE.search(text) is not None


# Identity numbers ---------------------------------------------------------------------------

# Sources for the rules and for the examples in the tests: Skatteetaten, "Nye fødselsnummer
# og d-nummer fra 2032" (skatteetaten.no, folkeregisteropplysninger/pid) and its API
# documentation "nytt-fodselsnummer-fra-2032"; NAV's validator (github.com/navikt/fnrvalidator,
# tests/fnr.spec.ts) for D-, H-, Tenor and 2032 examples; mikaello's
# norwegian-national-id-validator (__test__/) for ordinary and D-number examples.
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_IDENTITY = re.compile(  # the first digit is consumed before the lookbehinds: see _PHONE
    r"[0-9](?<![0-9][0-9])(?<![0-9][.,][0-9])"
    r"[0-9]{5}[ \u00a0\u202f.\-\u2011]?[0-9]{5}"
    r"(?![0-9])(?![.,][0-9])"
)
_DOI = re.compile(r"\b10\.[0-9]{4,9}/[^\s\"'<>]+")
# A bank account number's check digit is the identity number's second one (same weights), so
# an account passes whenever r1 and the date happen to: a number labelled as one is not read.
_ACCOUNT_LABEL = re.compile(
    r"\b(?:(?:bank)?konto\w*|account(?:\s+(?:no|nr|number))?|kid(?:-?n(?:umme)?r)?)\.?\s*[:#]?\s*$",
    re.I,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s\"'<>]+", re.IGNORECASE)


def identity_number_kind(value: str) -> MatchKind | None:
    """Return the kind of identity number ``value`` is, or ``None`` if it is none.

    ``value`` is eleven ASCII digits, separators removed.  Both checksum rules
    are accepted (before and from 2032).  A number with both a D- and an H- or
    synthetic offset is reported by its month offset: synthetic before H-number
    before D-number.

    >>> identity_number_kind("13097248022"), identity_number_kind("53097248016")
    (<MatchKind.NATIONAL_ID: 'national-id'>, <MatchKind.D_NUMBER: 'd-number'>)
    >>> identity_number_kind("13097248023") is None
    True
    """
    if len(value) != 11 or not (value.isascii() and value.isdigit()):
        return None
    digits = [ord(char) - 48 for char in value]
    if sum(w * d for w, d in zip(_W2, digits, strict=True)) % 11:
        return None
    if sum(w * d for w, d in zip(_W1, digits, strict=False)) % 11 > 3:
        return None
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    kind = MatchKind.NATIONAL_ID
    if day > 40:
        day -= 40
        kind = MatchKind.D_NUMBER
    if month > 80:
        month -= 80
        kind = MatchKind.SYNTHETIC_ID
    elif month > 40:
        month -= 40
        kind = MatchKind.H_NUMBER
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]):
        return None
    return kind


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(left < end and start < right for left, right in spans)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [found.span() for found in pattern.finditer(text)]


def find_identity_numbers(text: str) -> list[Match]:
    """Return the national identity, D-, H- and synthetic numbers in ``text``.

    Every match is certain: it passes the check digits and the date check.  The
    masked copy keeps the first six digits (``130972*****``).
    """
    matches: list[Match] = []
    dois: list[tuple[int, int]] | None = None
    for found in _IDENTITY.finditer(text):
        written = found.group()
        kind = identity_number_kind(written[:6] + written[-5:])
        if kind is None:
            continue
        if _ACCOUNT_LABEL.search(text, max(found.start() - 30, 0), found.start()):
            continue
        if dois is None:
            dois = _spans(_DOI, text)
        if _inside(dois, found.start(), found.end()):
            continue
        masked = written[:6] + re.sub("[0-9]", "*", written[6:])
        matches.append(Match(kind, found.start(), found.end(), masked))
    return matches


# Exemptions ---------------------------------------------------------------------------------


def _phone_key(value: str) -> str:
    """Return the digits by which a telephone number is compared."""
    digits = "".join(char for char in value.replace("(0)", "") if "0" <= char <= "9")
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 10 and digits.startswith("47"):
        digits = digits[2:]
    return digits


@dataclass(frozen=True, slots=True)
class _Exempt:
    emails: frozenset[str]
    phones: frozenset[str]


@lru_cache(maxsize=64)
def _exemptions(values: frozenset[str]) -> _Exempt:
    emails = frozenset(
        value.strip().removeprefix("mailto:").casefold() for value in values if "@" in value
    )
    phones = frozenset(_phone_key(value) for value in values if "@" not in value)
    return _Exempt(emails, phones - {""})


def _exempt(values: Collection[str]) -> _Exempt:
    # frozenset() of a frozenset is the same object, whose hash is kept: callers that
    # pass one frozenset for a whole dataset pay for its normalisation once.
    return _exemptions(values if isinstance(values, frozenset) else frozenset(values))


# E-mail addresses ---------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-'])"
    r"(?P<local>[\w%+\-'](?:[\w.%+\-']*[\w%+\-'])?)"
    r"@(?P<domain>[\w\-]+(?:\.[\w\-]+)*\.(?P<tld>[A-Za-z]{2,24}))"
    r"(?![\w\-])"
)
_FILE_SUFFIXES = frozenset({"gif", "jpeg", "jpg", "pdf", "png", "svg", "tif", "tiff", "webp"})
_LOCAL_WORD = re.compile(r"[._+\-]")


def _is_role_mailbox(local: str, roles: Collection[str]) -> bool:
    local = local.casefold()
    if local in roles:
        return True
    first = _LOCAL_WORD.split(local, maxsplit=1)[0]
    return first in roles or any(
        local.startswith(role) and local[len(role) : len(role) + 1] in "._+-"
        for role in roles
        if "-" in role
    )


def find_emails(
    text: str,
    *,
    exempt: Collection[str] = (),
    role_mailboxes: Collection[str] = ROLE_MAILBOXES,
) -> list[Match]:
    """Return the e-mail addresses of persons in ``text``.

    Heuristic: an address is reported unless it is in ``exempt`` (compared
    case-insensitively) or its local part, or the local part's first word, is in
    ``role_mailboxes``; pass ``role_mailboxes=()`` to report those too.  The
    masked copy keeps the first character and the domain (``k***@ntnu.no``).
    """
    if "@" not in text:
        return []
    skip = _exempt(exempt).emails
    matches: list[Match] = []
    for found in _EMAIL.finditer(text):
        local, domain = found.group("local", "domain")
        if found.group("tld").lower() in _FILE_SUFFIXES:
            continue
        if found.group().casefold() in skip or _is_role_mailbox(local, role_mailboxes):
            continue
        matches.append(
            Match(MatchKind.EMAIL, found.start(), found.end(), f"{local[0]}***@{domain}")
        )
    return matches


# Telephone numbers --------------------------------------------------------------------------

# Each pattern consumes its first character from a set before any lookbehind, so that re
# skips at C speed to the places where a number can start; the lookbehinds then check what
# that character was and that no digit comes before it.
_PHONE = re.compile(
    r"""
    [(+0-9]
    (?:(?P<norway>                            # +47, 0047, (+47) or (0047), then eight digits
        (?:(?<=\()(?:\+|00)47\)|(?<=\+)(?<![0-9]\+)47|(?<=0)(?<![0-9]0)047)
        [ \u00a0\u202f\-]?[2-79](?:[ \u00a0\u202f.\-]?[0-9]){7}
    )
    | (?P<abroad>                             # another country: + or 00 and 8 to 15 digits
        (?:(?<=\+)(?<![0-9]\+)|(?<=0)(?<![0-9]0)0)(?!47)[1-9]
        (?:[ \u00a0\u202f.\-]?[0-9]
          | [ \u00a0\u202f]?\([0-9]{1,4}\)[ \u00a0\u202f\-]?(?=[0-9])
        ){6,14}
    )
    | (?P<plain>(?<=[2-79])(?<![0-9][0-9])[0-9]{7})            # 73595000
    | (?P<pairs>(?<=[2-79])(?<![0-9][0-9])[0-9]                # 73 59 50 00
        (?P<s1>[ \u00a0\u202f.\-])[0-9]{2}(?P=s1)[0-9]{2}(?P=s1)[0-9]{2})
    | (?P<mobile>(?<=[2-79])(?<![0-9][0-9])[0-9]{2}            # 912 34 567
        (?P<s2>[ \u00a0\u202f.\-])[0-9]{2}(?P=s2)[0-9]{3})
    )
    (?![0-9])
    """,
    re.VERBOSE,
)
_PHONE_SEPARATORS = " \u00a0\u202f.-"
_SPACED_CODE = re.compile("00[1-9][0-9]{0,2}[ \u00a0\u202f]")
_CURRENCY_BEFORE = re.compile(r"(?:\b(?:kr|nok|eur|usd|sek|dkk|gbp|chf)\.?|[€$£])\s*$", re.I)
_CURRENCY_AFTER = re.compile(
    r"\s*(?:(?:kr|kroner|nok|eur|euro|usd|sek|dkk|gbp|chf|mill|mrd)\b|[€$£]|,-|\.-)", re.I
)
_PHONE_LABEL = re.compile(r"\b(?:tlf|telefon\w*|phone|tel|mob\w*|ring|sms)\W*$", re.I)
_IDENTIFIER_LABEL = re.compile(
    r"\b(?:prosjekt\w*|project|grant|avtale\w*|agreement|kontrakt\w*|contract|saks?n(?:umme)?r"
    r"|sak|case|konto\w*|account|faktura\w*|invoice|ordre\w*|order|kid|referanse\w*|reference"
    r"|ref|id|journal\w*|arkiv\w*|cristin\w*|isbn|issn|doi)"
    r"\.?(?:\s*(?:no|nr|number|nummer)\.?)?\s*[:#]?\s*$",
    re.I,
)


def _is_date(digits: str) -> bool:
    """Return whether eight digits read as YYYYMMDD or DDMMYYYY with a year 1900–2099."""
    readings = ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2]))
    return any(
        1900 <= int(year) <= 2099
        and 1 <= int(month) <= 12
        and 1 <= int(day) <= _DAYS_IN_MONTH[int(month) - 1]
        for year, month, day in readings
    )


def _joined_before(text: str, start: int, separators: str) -> bool:
    """Return whether a digit and one of ``separators`` come right before ``start``."""
    return start >= 2 and text[start - 1] in separators and text[start - 2].isdigit()


def _joined_after(text: str, end: int, separators: str) -> bool:
    """Return whether one of ``separators`` and a digit come right after ``end``."""
    return text[end : end + 1] in separators and text[end + 1 : end + 2].isdigit()


def _is_phone(found: re.Match[str], text: str) -> bool:
    start, end = found.span()
    form = found.lastgroup
    if form in ("norway", "abroad"):
        written = found.group()
        if form == "abroad" and not 8 <= len(_phone_key(written)) <= 15:
            return False
        if form == "abroad" and written.startswith("00") and not _SPACED_CODE.match(written):
            return False  # 0012345678, 0060.08.71291: zero-padded numbers more likely
        return not _joined_after(text, end, _PHONE_SEPARATORS)
    separators = ".," if form == "plain" else (found.group("s1") or found.group("s2"))
    if _joined_before(text, start, separators) or _joined_after(text, end, separators):
        return False
    if form == "plain" and _is_date(found.group()):
        return False
    before = text[max(start - 40, 0) : start]
    if _PHONE_LABEL.search(before):
        return True
    if _CURRENCY_BEFORE.search(before[-8:]) or _CURRENCY_AFTER.match(text, end, end + 12):
        return False
    return _IDENTIFIER_LABEL.search(before) is None


def _mask_phone(written: str, keep: int) -> str:
    """Replace the digits of ``written`` after the first ``keep`` digits with ``*``."""
    out = []
    for char in written:
        if "0" <= char <= "9":
            out.append(char if keep > 0 else "*")
            keep -= 1
        else:
            out.append(char)
    return "".join(out)


def find_phone_numbers(text: str, *, exempt: Collection[str] = ()) -> list[Match]:
    """Return the telephone numbers in ``text`` that are not in ``exempt``.

    Heuristic: eight digits in the forms the module docstring lists, or an
    international number; ``exempt`` compares by digits (``+47 73 59 50 00``
    exempts ``73595000``).  The masked copy keeps ``+47`` and the next two
    digits (``+47 73 ** ** **``), or the first four digits of another country's.
    """
    matches: list[Match] = []
    skip: frozenset[str] | None = None
    references: list[tuple[int, int]] | None = None
    for found in _PHONE.finditer(text):
        if not _is_phone(found, text):
            continue
        written = found.group()
        if skip is None:
            skip = _exempt(exempt).phones
        if _phone_key(written) in skip:
            continue
        if references is None:
            references = _spans(_DOI, text) + _spans(_URL, text)
        if _inside(references, *found.span()):
            continue
        # Keep Norway's country code (if written) and two digits; another country's four digits.
        if found.lastgroup == "abroad":
            keep = 4 if written.startswith("+") else 6
        else:
            keep = sum(char.isdigit() for char in written) - 6  # the prefix's digits and two
        matches.append(
            Match(MatchKind.PHONE, found.start(), found.end(), _mask_phone(written, keep))
        )
    return matches


# All of them --------------------------------------------------------------------------------


def _overlaps(match: Match, others: Iterable[Match]) -> bool:
    return any(other.start < match.end and match.start < other.end for other in others)


def find_personal_data(text: str, *, exempt: Collection[str] = ()) -> list[Match]:
    """Return every identity number, person's e-mail address and phone number in ``text``.

    Identity numbers are certain; e-mail addresses and phone numbers are
    heuristic (see :attr:`Match.certain`).  ``exempt`` holds the e-mail
    addresses and phone numbers published as organisation contact points.  A
    phone number that overlaps an identity number or an e-mail address is left
    out.  Matches come in the order of the text.  A text without an ``@``, a
    ``+`` or ``00`` before a digit, or eight digits in a row (one separator
    allowed between two) costs one ``re.search``.
    """
    if _CANDIDATE.search(text) is None:
        return []
    found = find_identity_numbers(text) + find_emails(text, exempt=exempt)
    found += [
        phone for phone in find_phone_numbers(text, exempt=exempt) if not _overlaps(phone, found)
    ]
    return sorted(found, key=lambda match: (match.start, match.end))
