"""attrs validators and argument checks that raise callflow's own errors.

The factories return small callable objects with a readable ``repr``, usable
as attrs validators; the ``check_*`` functions validate plain arguments. Both
raise :class:`~callflow.errors.ValidationError` naming the field and the value:

>>> check_text("label", "  ")
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'label' must be non-empty text (got '  ')
"""

from typing import Any, TypeVar

import attrs

from callflow.errors import ValidationError

__all__ = [
    "check_flag",
    "check_optional_text",
    "check_positive_int",
    "check_text",
    "field_name",
    "instance_of",
    "non_empty_text",
    "optional_non_empty_text",
]

T = TypeVar("T")


def check_text(field: str, value: object) -> str:
    """Return ``value`` if it is a string with something other than spaces in it."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, value, "must be non-empty text")
    return value


def check_optional_text(field: str, value: object) -> str | None:
    """Like :func:`check_text`, but ``None`` is accepted."""
    return None if value is None else check_text(field, value)


def check_positive_int(field: str, value: object) -> int:
    """Return ``value`` if it is a whole number of at least 1 (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(field, value, "must be a positive whole number")
    return value


def check_flag(field: str, value: object) -> bool:
    """Return ``value`` if it is a ``bool`` (not merely truthy)."""
    if not isinstance(value, bool):
        raise ValidationError(field, value, "must be True or False")
    return value


def field_name(attribute: "attrs.Attribute[Any]") -> str:
    """The name users pass a field by: its ``__init__`` alias (``agent`` for ``_agent``)."""
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
    return _InstanceOfValidator(kind)
