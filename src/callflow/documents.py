"""Reading untrusted JSON documents: bounded in size and depth before they are built into objects.

Everything callflow reads from outside (a phone message from a bot, a
snapshot from a store) goes through :func:`read_json` or, for data already
parsed, :func:`check_document`. Both refuse, with a
:class:`~callflow.errors.ValidationError` naming where, a document larger or
deeper than its :class:`DocumentLimits`, a mapping key that is not text, and
a value JSON does not have (``NaN``, ``Infinity``, a Python object), so a
hostile document costs at most the limits and never escapes as a
``RecursionError`` or ``TypeError``:

>>> read_json("[" * 100_000)
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'json' must be a JSON document of at most 1,000,000 \
characters nested at most 32 deep (got '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...')
>>> check_document({"caller_name": "Ana", 1: "x"}, field="message")
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'message' must be keyed by text, not 1 \
(got {'caller_name': 'Ana', 1: 'x'})

The limits are configurable per call (``limits=DocumentLimits(max_chars=...)``).
"""

import json
from collections.abc import Mapping
from typing import Any

import attrs

from callflow.errors import ValidationError
from callflow.validators import check_text, positive_int

__all__ = ["DEFAULT_LIMITS", "DocumentLimits", "check_document", "read_json"]

_SHOWN = 32
"""How many characters of a refused document an error shows."""


@attrs.frozen
class DocumentLimits:
    """How large a document callflow agrees to read.

    Args:
        max_chars: the longest JSON text, in characters (1,000,000).
        max_depth: the deepest nesting of lists and mappings (32; a phone
            message is 2 deep, a call's snapshot well under 10).
        max_items: the most values in all, every list item, mapping entry
            and scalar counted (100,000).
    """

    max_chars: int = attrs.field(default=1_000_000, validator=positive_int())
    max_depth: int = attrs.field(default=32, validator=positive_int())
    max_items: int = attrs.field(default=100_000, validator=positive_int())

    def describe(self) -> str:
        return f"of at most {self.max_chars:,} characters nested at most {self.max_depth} deep"


DEFAULT_LIMITS = DocumentLimits()
"""The limits used when none are given."""


def _limits(value: object) -> DocumentLimits:
    if not isinstance(value, DocumentLimits):
        raise ValidationError("limits", value, "must be a DocumentLimits")
    return value


def _shown(text: str | bytes) -> str | bytes:
    """A refused text, cut short for the error message."""
    if len(text) <= _SHOWN:
        return text
    if isinstance(text, str):
        return text[:_SHOWN] + "..."
    return text[:_SHOWN] + b"..."


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def read_json(
    text: str | bytes, *, limits: DocumentLimits = DEFAULT_LIMITS, field: str = "json"
) -> Any:
    """Parse ``text`` as JSON within ``limits``, then :func:`check_document` it.

    Raises:
        ValidationError: naming ``field``: not text, not JSON, too large or too deep.
    """
    limits = _limits(limits)
    if not isinstance(text, str | bytes):
        raise ValidationError(field, text, "must be a JSON document, as text")
    if len(text) > limits.max_chars:
        raise ValidationError(field, _shown(text), f"must be a JSON document {limits.describe()}")
    try:
        if type(text) is str and not text.startswith("\ufeff"):
            data = _DECODER.decode(text)  # what json.loads does with text, its decoder made once
        else:
            data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:  # the parser's own guard, far deeper than any limit: too deep
        raise ValidationError(
            field, _shown(text), f"must be a JSON document {limits.describe()}"
        ) from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValidationError(field, _shown(text), f"is not a JSON document ({error})") from None
    check_text("field", field)
    if _parsed_fine(data, limits.max_depth, limits.max_items):
        return data
    return check_document(data, limits=limits, field=field)  # to say what is refused


def check_document(
    data: object, *, limits: DocumentLimits = DEFAULT_LIMITS, field: str = "data"
) -> Any:
    """Return ``data`` if it is JSON-ready (mappings keyed by text, lists, text, numbers,
    booleans, ``None``) within ``limits``; walked without recursion, and no further
    than the limits, whatever its size.

    Raises:
        ValidationError: naming the path of the first value refused (``message.callback``).
    """
    limits = _limits(limits)
    check_text("field", field)
    if _plainly_fine(data, limits.max_depth, limits.max_items):
        return data
    # Something is refused (or the data holds containers JSON text never gives):
    # walked again, naming paths, to say where.
    pending: list[tuple[object, str, int]] = [(data, field, 1)]
    items = 1  # every value is counted when it is found, before it is looked into
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth > limits.max_depth:
                reason = f"must be nested at most {limits.max_depth} deep"
                raise ValidationError(path, _summary(value), reason)
            items += len(value)
            if items > limits.max_items:
                reason = f"must hold at most {limits.max_items:,} values"
                assert isinstance(data, Mapping | list | tuple)  # counted only inside it
                raise ValidationError(field, _summary(data), reason)
            pending.extend(_children(value, path, depth))
        elif not _scalar(value):
            raise ValidationError(path, value, "must be JSON: text, a number, true, false or null")
    return data


_INFINITY = float("inf")


def _plainly_fine(data: object, max_depth: int, max_items: int) -> bool:
    """Whether ``data`` is made of dicts, lists and JSON scalars only, within the limits.

    The fast walk every document read from JSON takes: no paths are built
    (they are only needed to name a refused value); anything else, refused
    or not, answers ``False`` and is walked again by :func:`check_document`.
    """
    if type(data) is not dict and type(data) is not list:
        return _scalar(data)
    pending: list[tuple[Any, int]] = [(data, 1)]
    items = 1
    while pending:
        value, depth = pending.pop()
        if depth > max_depth:
            return False
        items += len(value)
        if items > max_items:
            return False
        if type(value) is dict:
            for key in value:
                if type(key) is not str:
                    return False
            value = value.values()
        depth += 1
        for item in value:
            kind = type(item)
            if kind is dict or kind is list:
                pending.append((item, depth))
            elif not (
                kind is str
                or kind is int
                or kind is bool
                or item is None
                or (kind is float and item == item and abs(item) != _INFINITY)
            ):
                return False
    return True


def _parsed_fine(data: object, max_depth: int, max_items: int) -> bool:
    """:func:`_plainly_fine` of what ``json.loads`` gave: only its depth, size and floats are left.

    Parsed JSON holds nothing but dicts keyed by text, lists, text, whole
    numbers, floats, booleans and ``None``: of these only a float can be
    refused (``1e999`` reads as infinity).
    """
    if type(data) is not dict and type(data) is not list:
        return _scalar(data)
    pending: list[tuple[Any, int]] = [(data, 1)]
    items = 1
    push, pop = pending.append, pending.pop
    while pending:
        value, depth = pop()
        if depth > max_depth:
            return False
        items += len(value)
        if items > max_items:
            return False
        if type(value) is dict:
            value = value.values()
        depth += 1
        for item in value:
            kind = type(item)
            if kind is dict or kind is list:
                push((item, depth))
            elif kind is float and not (item == item and abs(item) != _INFINITY):
                return False
    return True


def _summary(data: Mapping[Any, Any] | list[Any] | tuple[Any, ...]) -> str:
    """A container shown by its kind and size when it is too large or deep to print."""
    return f"<{type(data).__name__} of {len(data)} items>"


def _children(value: object, path: str, depth: int) -> list[tuple[object, str, int]]:
    if isinstance(value, Mapping):
        children = []
        for key, item in value.items():
            if type(key) is not str:
                raise ValidationError(path, value, f"must be keyed by text, not {key!r}")
            children.append((item, f"{path}.{key}", depth + 1))
        return children
    assert isinstance(value, list | tuple)
    return [(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]


def _scalar(value: object) -> bool:
    if value is None or type(value) in (str, bool, int):
        return True
    return type(value) is float and value == value and abs(value) != float("inf")
