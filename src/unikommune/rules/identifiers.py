"""Identifiers: of the form of their scheme with the right check digits, and not on two records.

The form and check digits of every scheme are the models' own
(:func:`unikommune.identifiers.identifier_problem`).  Two records of one
collection that carry the same identifier are probably one record entered
twice: a warning that names the first.  Only a record's own identifiers count
for that (a project's ``identifiers``, not the grant numbers of its funding).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from unikommune.codelists import IdentifierScheme
from unikommune.identifiers import (
    SCHEME_PATTERNS,
    identifier_key,
    identifier_problem,
    identifier_test,
)
from unikommune.models.values import Identifier
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import METADATA, RECORDS, noun, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["identifiers_valid", "records_entered_twice"]

_IDENTIFIERS = {kind: part_paths(kind, Identifier) for kind in RECORDS}
#: The record's own identifiers: a list of identifiers among its top-level fields.
_OWN = {
    kind: tuple(path for path in paths if len(path.steps) == 2)
    for kind, paths in _IDENTIFIERS.items()
}
_FORM = {scheme.value: re.compile(pattern) for scheme, pattern in SCHEME_PATTERNS.items()}
#: The test of each scheme's values, by the scheme's code (a scheme member is its code).
_TEST = {scheme.value: identifier_test(scheme) for scheme in IdentifierScheme}


@rule("invalid_identifier", "identifier_check_digit", collections=with_paths(_IDENTIFIERS))
def identifiers_valid(context: Context, collection: str, batch: Batch) -> None:
    """Report an identifier that does not have its scheme's form or check digit."""
    for path in _IDENTIFIERS[collection]:
        for index, indexes, found in path.refused(batch.records, _valid):
            scheme, value = str(found.scheme), found.value
            problem = identifier_problem(scheme, value)
            assert problem is not None
            form = _FORM[scheme].fullmatch(value) is not None
            fix = (
                "copy the identifier again from its source (a digit is likely mistyped)"
                if form
                else "correct the identifier or its scheme"
            )
            context.add(
                "identifier_check_digit" if form else "invalid_identifier",
                f"{path.label(indexes)}.value of {_record(collection, batch.records[index])}: "
                f"{problem}; {fix}",
                batch.where(index),
                f"{path.pointer(indexes)}/value",
            )


def _record(collection: str, record: Any) -> str:
    """Return how a message names ``record`` of ``collection``: ``partner 'ntnu'``."""
    if collection == METADATA:
        return "the dataset"
    return f"{noun(collection)} {record.id!r}"


def _valid(identifier: Any) -> bool:
    return bool(_TEST[identifier.scheme](identifier.value))


_SEEN = "identifiers seen"


@rule("duplicate_record", collections=with_paths(_OWN))
def records_entered_twice(context: Context, collection: str, batch: Batch) -> None:
    """Report an identifier another record of the collection carries (the first is named)."""
    seen: dict[tuple[str, str, str], str] = context.facts(_SEEN)
    for path in _OWN[collection]:
        for index, record in enumerate(batch.records):
            record_id = record.id
            for identifier in path.plain(record):
                if not _valid(identifier):
                    continue  # reported by identifiers_valid
                scheme, value = str(identifier.scheme), identifier.value
                key = (collection, scheme, identifier_key(scheme, value))
                first = seen.setdefault(key, record_id)
                if first == record_id:
                    continue
                indexes = next(at for at, item in path.values(record) if item is identifier)
                context.add(
                    "duplicate_record",
                    f"{path.label(indexes)}: {scheme} {value} is also the identifier of "
                    f"{first!r}; the two records are probably the same",
                    batch.where(index),
                    f"{path.pointer(indexes)}/value",
                )
