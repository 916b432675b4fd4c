"""The quick parse of a record's line reads what the strict parse reads, or declines."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from unikommune.dataset.reader import MAX_NUMBER_DIGITS, parse_short, parse_text


def _same(left: Any, right: Any) -> bool:
    """Return whether two parsed values are equal, types and the sign of zero included."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float):
        return left == right and math.copysign(1, left) == math.copysign(1, right)
    return bool(left == right)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"id":"placement-1","weeks":8.0}', {"id": "placement-1", "weeks": 8.0}),
        ('{"a": [1, {"b": null}], "c": "x:y"}', {"a": [1, {"b": None}], "c": "x:y"}),
        ('{"a":{"b":{}}}\r', {"a": {"b": {}}}),
        ("[]", []),
        ('{"a":"\\/é"}', {"a": "/é"}),
    ],
)  # fmt: skip
def test_a_plain_line_is_read_quickly(text: str, value: Any) -> None:
    parsed = parse_short(text)
    assert parsed is not None
    assert parsed.findings == []
    assert _same(parsed.value, value)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"a":2}',  # a key given twice
        '{"a":[{"b":1,"b":1}]}',  # twice, deeper down
        '{"a" :1,"a":2}',  # twice, one key apart from its colon
        '{"a":NaN}',
        '{"a":-Infinity}',
        '{"a":"\\ud800"}',  # a lone surrogate
        '{"a":"\\u00e9"}',  # any Unicode escape
        '{"a":"\\":"}',  # a quote and colon inside a string: the count cannot prove it
        '{"a":":b"}',  # a string that starts with a colon, likewise
        '{"a":" b"}',  # a quote before white space
        '{"a":1,}',
        '{"a":01}',
        '{"a":"x\x01"}',  # a control character
        "\ufeff{}",
        "",
        "[" * 300 + "]" * 300,
        '{"a":"' + "x" * MAX_NUMBER_DIGITS + '"}',  # long enough to hold a number too long
    ],
)
def test_anything_the_strict_parse_reports_or_reads_otherwise_is_declined(text: str) -> None:
    assert parse_short(text) is None


_KEYS = st.text(alphabet=st.sampled_from('ab":\\ é/\t'), max_size=4)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab":\\ é/\t\x01\ud800'), max_size=6)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """A JSON text, now and then with a key given twice, odd spacing or a NaN in it."""
    value = draw(_VALUES)
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (",", " : "), (" ,", ":\t")]))
    text = json.dumps(value, separators=separators, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()) and text.endswith("}") and text != "{}":
        # Give the first key of the outer object twice.
        first = next(iter(value))
        text = f"{text[:-1]},{json.dumps(first)}:{json.dumps(value[first])}}}"
    if draw(st.booleans()) and "0" in text:
        at = text.index("0")
        text = text[:at] + draw(st.sampled_from(["NaN", "Infinity", "0"])) + text[at + 1 :]
    return text


@settings(deadline=None, max_examples=400)
@given(text=_texts())
def test_the_quick_parse_reads_what_the_strict_parse_reads(text: str) -> None:
    quick = parse_short(text)
    event("read quickly" if quick is not None else "declined")
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate, which no UTF-8 line holds
        pass
    else:  # the line's bytes read alike
        from_bytes = parse_short(text, data)
        assert (from_bytes is None) == (quick is None)
        assert from_bytes is None or quick is None or _same(from_bytes.value, quick.value)
    if quick is None:
        return
    strict = parse_text(text, "f")
    assert strict.ok
    assert strict.findings == []  # no key given twice, nothing the strict parse reports
    assert quick.findings == []
    assert _same(quick.value, strict.value)
