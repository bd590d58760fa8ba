"""Untrusted JSON: read_json and check_document, within DocumentLimits.

A document is refused, before anything is built from it, when it is longer,
deeper or larger than its limits, keyed by anything but text, or holds a
value JSON does not have. Each limit is tried at its bound, just under and
just over; each refusal is checked by the whole message a user reads.
"""

import enum
import json
import math
import sys
from collections import OrderedDict
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow import ValidationError
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, check_document, read_json


def message(field: str, reason: str, value: object) -> str:
    """What a ValidationError says: ``'field' reason (got value)``."""
    return f"{field!r} {reason} (got {value!r})"


def refusal(read: Any, *args: object, **kwargs: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read(*args, **kwargs)
    return caught.value


def nested(depth: int) -> object:
    """A list ``depth`` lists deep with a 1 inside: ``nested(2) == [[1]]``."""
    data: object = 1
    for _ in range(depth):
        data = [data]
    return data


class Shade(enum.IntEnum):
    DARK = 1


class Text(str):
    """Text that is not exactly a ``str``."""


def json_values() -> st.SearchStrategy[object]:
    """What JSON holds: null, booleans, whole numbers, finite floats, text, lists, mappings."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=5)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
        ),
        max_leaves=20,
    )


def size(data: object) -> int:
    """How many values ``data`` holds, itself and every item and entry, counted by hand."""
    if isinstance(data, dict):
        return 1 + sum(size(item) for item in data.values())
    if isinstance(data, list):
        return 1 + sum(size(item) for item in data)
    return 1


def depth(data: object) -> int:
    """How deep lists and mappings are nested in ``data`` (a scalar: 0)."""
    if isinstance(data, dict):
        return 1 + max((depth(item) for item in data.values()), default=0)
    if isinstance(data, list):
        return 1 + max((depth(item) for item in data), default=0)
    return 0


class TestDocumentLimits:
    """The limits have documented defaults and must be positive whole numbers."""

    def test_the_defaults(self) -> None:
        """1,000,000 characters, 32 deep, 100,000 values; DEFAULT_LIMITS is those."""
        limits = DocumentLimits()
        assert (1_000_000, 32, 100_000) == (limits.max_chars, limits.max_depth, limits.max_items)
        assert limits == DEFAULT_LIMITS

    def test_describe_names_the_length_and_the_depth(self) -> None:
        """Thousands are separated by commas, as a person reads them."""
        assert "of at most 1,000,000 characters nested at most 32 deep" == DEFAULT_LIMITS.describe()
        limits = DocumentLimits(max_chars=1234, max_depth=5)
        assert "of at most 1,234 characters nested at most 5 deep" == limits.describe()

    @pytest.mark.parametrize("field", ["max_chars", "max_depth", "max_items"])
    @pytest.mark.parametrize("value", [0, -1, True, 1.5, "10", None])
    def test_each_limit_is_a_positive_whole_number(self, field: str, value: object) -> None:
        """Zero, negatives, bools, floats, text: refused naming the limit."""
        error = refusal(DocumentLimits, **{field: value})
        assert message(field, "must be a positive whole number", value) == str(error)

    @pytest.mark.parametrize("read", [read_json, check_document])
    @pytest.mark.parametrize("limits", [32, None, {"max_depth": 3}])
    def test_limits_must_be_document_limits(self, read: Any, limits: object) -> None:
        """Both readers refuse limits of another kind, naming ``limits``."""
        error = refusal(read, "[]", limits=limits)
        assert message("limits", "must be a DocumentLimits", limits) == str(error)


class TestReadJson:
    """read_json parses text or bytes within the limits, then checks what it parsed."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                '{"caller_name": "Ana", "lines": [1, 2.5, true, null]}',
                {"caller_name": "Ana", "lines": [1, 2.5, True, None]},
            ),
            (b'{"caller_name": "Ana"}', {"caller_name": "Ana"}),
            ('{"name": "S\u00e3o Paulo"}'.encode("utf-16"), {"name": "São Paulo"}),
            ("[]", []),
            ('"just text"', "just text"),
        ],
    )
    def test_a_document_is_parsed(self, text: str | bytes, expected: object) -> None:
        """Text and bytes (UTF-8, -16 or -32, as JSON allows) are read into plain data."""
        assert expected == read_json(text)

    @pytest.mark.parametrize("text", [7, None, ["[]"], bytearray(b"[]")])
    def test_what_is_not_text(self, text: object) -> None:
        """Only str and bytes are documents; the field given is named."""
        error = refusal(read_json, text, field="message")
        assert message("message", "must be a JSON document, as text", text) == str(error)

    def test_the_length_limit_at_under_and_over(self) -> None:
        """A text of max_chars characters is read; one more is refused, shown cut short."""
        limits = DocumentLimits(max_chars=40)
        at = '["' + "x" * 36 + '"]'
        assert 40 == len(at)
        assert ["x" * 36] == read_json(at, limits=limits)
        assert ["x" * 35] == read_json('["' + "x" * 35 + '"]', limits=limits)
        over = '["' + "x" * 37 + '"]'
        error = refusal(read_json, over, limits=limits)
        reason = "must be a JSON document of at most 40 characters nested at most 32 deep"
        assert message("json", reason, over[:32] + "...") == str(error)

    def test_bytes_over_the_length_are_shown_as_bytes(self) -> None:
        """Bytes are cut short as bytes."""
        over = b"[" + b"1," * 20 + b"1]"
        error = refusal(read_json, over, limits=DocumentLimits(max_chars=len(over) - 1))
        assert over[:32] + b"..." == error.value

    @pytest.mark.parametrize("length", [31, 32])
    def test_a_short_refused_text_is_shown_whole(self, length: int) -> None:
        """Up to 32 characters, the text is shown as it is, without an ellipsis."""
        text = "[" * length
        error = refusal(read_json, text, limits=DocumentLimits(max_chars=length - 1))
        assert text == error.value
        error = refusal(read_json, text.encode(), limits=DocumentLimits(max_chars=length - 1))
        assert text.encode() == error.value

    def test_a_text_of_33_characters_is_cut_to_32(self) -> None:
        """One character more than is shown: 32 of them and an ellipsis."""
        text = "[" * 33
        error = refusal(read_json, text, limits=DocumentLimits(max_chars=10))
        assert "[" * 32 + "..." == error.value

    def test_deeper_than_the_parser_goes_is_too_deep(self) -> None:
        """100,000 open brackets: the parser gives up (RecursionError); refused as too deep."""
        text = "[" * 100_000
        error = refusal(read_json, text)
        reason = "must be a JSON document of at most 1,000,000 characters nested at most 32 deep"
        assert message("json", reason, "[" * 32 + "...") == str(error)

    @pytest.mark.parametrize("text", ["[1, 2", "{'a': 1}", "", "[1] [2]"])
    def test_what_is_not_json(self, text: str) -> None:
        """The parser's own complaint is passed on in brackets."""
        with pytest.raises(json.JSONDecodeError) as parsed:
            json.loads(text)
        error = refusal(read_json, text)
        assert message("json", f"is not a JSON document ({parsed.value})", text) == str(error)

    def test_bytes_that_are_not_utf8(self) -> None:
        """Bytes that do not decode are not a document either (a UnicodeDecodeError inside)."""
        error = refusal(read_json, b'["\xff"]')
        assert "json" == error.field
        assert error.reason.startswith("is not a JSON document (")

    @pytest.mark.parametrize(
        ("text", "constant"),
        [("NaN", "NaN"), ('{"a": Infinity}', "Infinity"), ("[-Infinity]", "-Infinity")],
    )
    def test_nan_and_infinity_are_not_json_numbers(self, text: str, constant: str) -> None:
        """Python's json reads them by default; callflow does not."""
        error = refusal(read_json, text)
        reason = f"is not a JSON document ({constant} is not a JSON number)"
        assert message("json", reason, text) == str(error)

    def test_what_is_parsed_is_checked_within_the_same_limits(self) -> None:
        """Depth and size are checked on the parsed data, naming the field given."""
        depth_error = refusal(read_json, "[[[1]]]", limits=DocumentLimits(max_depth=2), field="m")
        assert message("m[0][0]", "must be nested at most 2 deep", "<list of 1 items>") == str(
            depth_error
        )
        size_error = refusal(read_json, "[1, 2, 3]", limits=DocumentLimits(max_items=3))
        assert message("json", "must hold at most 3 values", "<list of 3 items>") == str(size_error)

    @given(json_values())
    def test_what_json_dumps_writes_is_read_back(self, data: object) -> None:
        """Any JSON value, written by json.dumps, is read back equal."""
        assert data == read_json(json.dumps(data))


class TestCheckDocument:
    """check_document walks parsed data: depth, size, keys and values."""

    @pytest.mark.parametrize(
        "data",
        [
            None,
            True,
            0,
            -(2**70),
            1.5,
            "",
            [],
            {},
            {"a": [1, "x", None, False, {"b": -0.0}]},
            (1, 2),
            MappingProxyType({"a": 1}),
            OrderedDict(a=[1]),
        ],
    )
    def test_json_ready_data_is_returned_as_it_is(self, data: object) -> None:
        """The very object comes back; tuples and read-only mappings are lists and mappings."""
        assert data is check_document(data)

    def test_the_field_must_be_text(self) -> None:
        """The field names the data in messages: blank is refused."""
        error = refusal(check_document, [], field=" ")
        assert message("field", "must be non-empty text", " ") == str(error)

    @pytest.mark.parametrize("max_depth", [1, 2, 5])
    def test_the_depth_limit_at_and_over(self, max_depth: int) -> None:
        """Lists nested max_depth deep pass; one deeper is refused at its path."""
        assert nested(max_depth) == check_document(
            nested(max_depth), limits=DocumentLimits(max_depth=max_depth)
        )
        assert nested(max_depth - 1) == check_document(
            nested(max_depth - 1), limits=DocumentLimits(max_depth=max_depth)
        )
        error = refusal(
            check_document, nested(max_depth + 1), limits=DocumentLimits(max_depth=max_depth)
        )
        path = "data" + "[0]" * max_depth
        reason = f"must be nested at most {max_depth} deep"
        assert message(path, reason, "<list of 1 items>") == str(error)

    def test_depth_counts_mappings_too_and_names_keys(self) -> None:
        """The path goes through keys with dots and through lists with indexes."""
        data = {"message": {"lines": [{"x": 1}]}}
        assert data is check_document(data, limits=DocumentLimits(max_depth=4))
        error = refusal(check_document, data, limits=DocumentLimits(max_depth=3), field="doc")
        assert message(
            "doc.message.lines[0]", "must be nested at most 3 deep", "<dict of 1 items>"
        ) == str(error)

    def test_scalars_do_not_count_towards_the_depth(self) -> None:
        """A document of one list is 1 deep, whatever its items."""
        assert [1, "x", None] == check_document([1, "x", None], limits=DocumentLimits(max_depth=1))
        assert 7 == check_document(7, limits=DocumentLimits(max_depth=1))

    @pytest.mark.parametrize(
        ("data", "values"),
        [
            (5, 1),
            ([], 1),
            ([1, 2], 3),
            ({"a": [1, 2]}, 4),
            ([[], [[]]], 4),
            ({"a": 1, "b": {"c": None}}, 4),
        ],
    )
    def test_the_size_limit_at_and_over(self, data: object, values: int) -> None:
        """Every value counts, containers and scalars: ``values`` of them pass, no more."""
        assert data is check_document(data, limits=DocumentLimits(max_items=values))
        if values > 1:
            error = refusal(check_document, data, limits=DocumentLimits(max_items=values - 1))
            assert isinstance(data, list | dict)
            summary = f"<{type(data).__name__} of {len(data)} items>"
            assert message("data", f"must hold at most {values - 1:,} values", summary) == str(
                error
            )

    @pytest.mark.parametrize(
        ("data", "values"),
        [
            ((1, 2), 3),
            (MappingProxyType({"a": (1, 2)}), 4),
            ([1, OrderedDict(b=None)], 4),
        ],
    )
    def test_tuples_and_other_mappings_count_like_lists_and_dicts(
        self, data: object, values: int
    ) -> None:
        """Containers JSON text never gives are walked the same: ``values`` pass, no more."""
        assert data is check_document(data, limits=DocumentLimits(max_items=values))
        error = refusal(check_document, data, limits=DocumentLimits(max_items=values - 1))
        assert f"must hold at most {values - 1:,} values" == error.reason

    def test_the_size_limit_is_told_with_thousands_separated(self) -> None:
        """A limit of 1,000 values is written as a person reads it; the whole document is named."""
        data = {"lines": list(range(1000))}
        error = refusal(check_document, data, limits=DocumentLimits(max_items=1000), field="doc")
        assert message("doc", "must hold at most 1,000 values", "<dict of 1 items>") == str(error)

    @given(json_values(), st.integers(min_value=1, max_value=40))
    def test_size_is_every_value(self, data: object, max_items: int) -> None:
        """A document passes exactly when its values, counted by hand, are within the limit."""
        limits = DocumentLimits(max_items=max_items)
        if size(data) <= max_items:
            assert data is check_document(data, limits=limits)
        else:
            assert "must hold at most" in refusal(check_document, data, limits=limits).reason

    @given(json_values(), st.integers(min_value=1, max_value=5))
    def test_depth_is_the_nesting_of_containers(self, data: object, max_depth: int) -> None:
        """A document passes exactly when its containers, counted by hand, nest within the limit."""
        limits = DocumentLimits(max_depth=max_depth)
        if depth(data) <= max_depth:
            assert data is check_document(data, limits=limits)
        else:
            assert "must be nested at most" in refusal(check_document, data, limits=limits).reason

    @pytest.mark.parametrize(
        ("holder", "key", "wrap", "path"),
        [
            ({1: "x"}, 1, lambda held: held, "data"),
            ({"a": 1, None: 2}, None, lambda held: {"message": held}, "data.message"),
            ({Text("b"): 2}, "b", lambda held: [{"a": 1}, held], "data[1]"),
        ],
    )
    def test_keys_must_be_text(
        self, holder: dict[object, object], key: object, wrap: Any, path: str
    ) -> None:
        """A key that is not exactly a str is refused; the mapping holding it is shown."""
        error = refusal(check_document, wrap(holder))
        assert message(path, f"must be keyed by text, not {key!r}", holder) == str(error)

    @pytest.mark.parametrize(
        "value",
        [
            math.nan,
            math.inf,
            -math.inf,
            Decimal("1.5"),
            b"bytes",
            {1, 2},
            Shade.DARK,
            Text("x"),
            object,
        ],
    )
    def test_values_json_does_not_have(self, value: object) -> None:
        """NaN, infinities, and anything not exactly text, a number, a bool or None."""
        error = refusal(check_document, {"call": [1, value]}, field="snapshot")
        reason = "must be JSON: text, a number, true, false or null"
        assert message("snapshot.call[1]", reason, value) == str(error)

    @pytest.mark.parametrize("value", [math.nan, -math.inf, Decimal("1.5"), {1, 2}, Text("x")])
    def test_a_document_that_is_one_value_json_does_not_have(self, value: object) -> None:
        """Not inside a container either: the document itself is refused, named by the field."""
        error = refusal(check_document, value, field="snapshot")
        reason = "must be JSON: text, a number, true, false or null"
        assert message("snapshot", reason, value) == str(error)

    def test_large_finite_floats_are_json(self) -> None:
        """The largest float is finite, so JSON (only infinities and NaN are refused)."""
        big = [sys.float_info.max, -sys.float_info.max, 5e-324]
        assert big is check_document(big)
