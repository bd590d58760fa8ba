"""attrs validators and converters for the transcript's fields (callflow's own cover the rest)."""

import math
from typing import Any, get_args

import attrs

from callflow.errors import ValidationError
from callflow.validators import field_name

__all__ = ["check_seconds", "literal", "seconds", "to_seconds", "writable_text"]


@attrs.frozen(repr=False)
class _LiteralValidator:
    """The field must be one of a ``Literal``'s values: compared by type and value."""

    choices: tuple[str, ...]

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        # By type first: True is not 1, and no foreign __eq__ or __hash__ runs.
        if type(value) is not str or value not in self.choices:
            options = ", ".join(repr(choice) for choice in self.choices)
            raise ValidationError(field_name(attribute), value, f"must be one of {options}")

    def __repr__(self) -> str:
        return f"<literal {self.choices!r}>"


def literal(kind: object) -> _LiteralValidator:
    """attrs validator: the field is one of the text values of ``Literal`` alias ``kind``."""
    return _LiteralValidator(tuple(str(choice) for choice in get_args(kind)))


def check_seconds(field: str, value: object) -> float:
    """Return ``value`` if it is a finite ``float``, 0 or more (seconds from a call's start)."""
    if type(value) is not float or not math.isfinite(value) or value < 0:
        raise ValidationError(field, value, "must be a finite number of seconds, 0 or more")
    return value


@attrs.frozen(repr=False)
class _SecondsValidator:
    optional: bool

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and self.optional:
            return
        check_seconds(field_name(attribute), value)

    def __repr__(self) -> str:
        return "<optional seconds>" if self.optional else "<seconds>"


def seconds(*, optional: bool = False) -> _SecondsValidator:
    """attrs validator: a finite float of zero or more (``None`` too, if ``optional``)."""
    return _SecondsValidator(optional)


def to_seconds(value: Any) -> Any:
    """attrs converter: a whole number of seconds as a float; anything else as it is.

    ``bool`` is left alone (``True`` is not a second), and so is a number
    too large for a float: the validator refuses both.
    """
    if type(value) is int and abs(value) <= 2**53:
        return float(value)
    return value


@attrs.frozen(repr=False)
class _WritableTextValidator:
    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not str:
            raise ValidationError(field_name(attribute), value, "must be text")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                reason = "must be text UTF-8 can write (not a lone surrogate)"
                raise ValidationError(field_name(attribute), value, reason) from None

    def __repr__(self) -> str:
        return "<writable_text>"


def writable_text() -> _WritableTextValidator:
    """attrs validator: text, perhaps empty or blank, that UTF-8 can write."""
    return _WritableTextValidator()
