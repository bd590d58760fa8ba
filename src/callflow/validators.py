"""attrs validators and argument checks that raise callflow's own errors.

The factories return small callable objects with a readable ``repr``, usable
as attrs validators; the ``check_*`` functions validate plain arguments. Both
raise :class:`~callflow.errors.ValidationError` naming the field and the value:

>>> check_text("label", "  ")
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'label' must be non-empty text (got '  ')
"""

import enum
import functools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import attrs

from callflow.clock import check_aware
from callflow.errors import ValidationError

__all__ = [
    "aware_datetime",
    "check_duration",
    "check_flag",
    "check_optional_text",
    "check_positive_int",
    "check_text",
    "duration",
    "field_name",
    "flag",
    "instance_of",
    "non_empty_text",
    "optional_non_empty_text",
    "positive_int",
    "to_member",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
_ZERO = timedelta()


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: a str may hold one, but no file, database or UTF-8 text can."""


def check_text(field: str, value: object) -> str:
    """Return ``value`` if it is a string with something other than spaces in it.

    Text that cannot be written as UTF-8 (a lone surrogate, as ``"\\ud800"`` in
    JSON gives) is refused too: it could be kept in memory but never stored.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, value, "must be non-empty text")
    if not value.isascii() and _SURROGATE.search(value):
        raise ValidationError(field, value, "must be text UTF-8 can write (not a lone surrogate)")
    return value


def check_optional_text(field: str, value: object) -> str | None:
    """Like :func:`check_text`, but ``None`` is accepted."""
    return None if value is None else check_text(field, value)


_LARGEST = 2**63 - 1
"""The largest whole number callflow counts with (what a 64-bit store keeps)."""


def check_positive_int(field: str, value: object) -> int:
    """Return ``value`` if it is a whole number from 1 to 2**63 - 1 (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _LARGEST:
        raise ValidationError(field, value, "must be a positive whole number")
    return value


def check_flag(field: str, value: object) -> bool:
    """Return ``value`` if it is a ``bool`` (not merely truthy)."""
    if not isinstance(value, bool):
        raise ValidationError(field, value, "must be True or False")
    return value


def check_duration(field: str, value: object, *, zero: bool = False) -> timedelta:
    """Return ``value`` if it is a positive :class:`~datetime.timedelta` (or zero, if allowed)."""
    check_flag("zero", zero)
    if not isinstance(value, timedelta) or value < _ZERO or (value == _ZERO and not zero):
        kind = "a timedelta of zero or more" if zero else "a positive timedelta"
        raise ValidationError(field, value, f"must be {kind}")
    return value


def to_member(kind: type[E], field: str, value: object) -> E:
    """Return ``value`` as a member of the enum ``kind``; it may be given by its value.

    A ``bool`` is never taken for a value (``True`` is not the member ``1``).

    >>> import enum
    >>> class Mood(enum.Enum):
    ...     CALM = "calm"
    ...     ANGRY = "angry"
    >>> to_member(Mood, "mood", "calm")
    <Mood.CALM: 'calm'>
    >>> to_member(Mood, "mood", "sad")
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'mood' must be 'calm' or 'angry' (got 'sad')
    """
    if not (isinstance(kind, type) and issubclass(kind, enum.Enum)):
        raise ValidationError("kind", kind, "must be an Enum class")
    if isinstance(value, kind):
        return value
    # Only a value of the kind its members have is looked up: nothing else can
    # match, and a foreign value's own __hash__ or __eq__ never runs.
    if type(value) in _value_types(kind):
        try:
            return kind(value)
        except ValueError:
            pass
    values = [repr(member.value) for member in kind]
    choices = values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"
    raise ValidationError(field, value, f"must be {choices}")


@functools.cache
def _value_types(kind: type[enum.Enum]) -> frozenset[type]:
    """The types of ``kind``'s members' values (``bool`` never among them)."""
    return frozenset(type(member.value) for member in kind) - {bool}


def field_name(attribute: "attrs.Attribute[Any]") -> str:
    """The name users pass a field by: its ``__init__`` alias (``agent`` for ``_agent``)."""
    if not isinstance(attribute, attrs.Attribute):
        raise ValidationError("attribute", attribute, "must be an attrs Attribute")
    return attribute.alias or attribute.name


@attrs.frozen(repr=False)
class _TextValidator:
    optional: bool

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and self.optional:
            return
        check_text(field_name(attribute), value)

    def __repr__(self) -> str:
        return "<optional_non_empty_text>" if self.optional else "<non_empty_text>"


def non_empty_text() -> _TextValidator:
    """attrs validator: the field must be a non-blank string."""
    return _TextValidator(optional=False)


def optional_non_empty_text() -> _TextValidator:
    """attrs validator: the field must be ``None`` or a non-blank string."""
    return _TextValidator(optional=True)


@attrs.frozen(repr=False)
class _InstanceOfValidator:
    kind: type

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if not isinstance(value, self.kind):
            raise ValidationError(field_name(attribute), value, f"must be a {self.kind.__name__}")

    def __repr__(self) -> str:
        return f"<instance_of {self.kind.__name__}>"


def instance_of(kind: type) -> _InstanceOfValidator:
    """attrs validator: the field must be an instance of ``kind``."""
    if not isinstance(kind, type):
        raise ValidationError("kind", kind, "must be a class")
    return _InstanceOfValidator(kind)


@attrs.frozen(repr=False)
class _CheckValidator:
    """An attrs validator running one ``check_*`` function on the field's value."""

    name: str
    check: Callable[[str, object], object]
    optional: bool

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if value is None and self.optional:
            return
        self.check(field_name(attribute), value)

    def __repr__(self) -> str:
        return f"<{'optional ' if self.optional else ''}{self.name}>"


def positive_int(*, optional: bool = False) -> _CheckValidator:
    """attrs validator: a whole number of at least 1 (``None`` too, if ``optional``)."""
    return _CheckValidator("positive_int", check_positive_int, optional)


def duration(*, zero: bool = False, optional: bool = False) -> _CheckValidator:
    """attrs validator: a positive timedelta (or zero, if ``zero``; ``None``, if ``optional``)."""
    check_flag("optional", optional)
    if check_flag("zero", zero):
        return _CheckValidator("duration", lambda f, v: check_duration(f, v, zero=True), optional)
    return _CheckValidator("positive_duration", check_duration, optional)


def aware_datetime(*, optional: bool = False) -> _CheckValidator:
    """attrs validator: a timezone-aware datetime (``None`` too, if ``optional``)."""
    return _CheckValidator("aware_datetime", check_aware, optional)


def flag() -> _CheckValidator:
    """attrs validator: ``True`` or ``False``, not merely truthy."""
    return _CheckValidator("flag", check_flag, False)
