"""An event's arguments to and from JSON, through callflow's codec and typed payloads.

The arguments of a transcript's event are the event's typed payload
(:func:`callflow.events.payload_class`): the same class a call's records
hold and a snapshot writes, read and written by the same codec
(:mod:`callflow.codec`), so a transcript's ``identify`` gives its ``caller``
as a :class:`~callflow.Caller`, ready for ``call.identify(**arguments)``.
"""

from collections.abc import Mapping
from typing import Any

import attrs

from callflow.codec import _structure_checked, converter
from callflow.errors import ValidationError
from callflow.events import EventPayload, payload_class
from callflow.stages import PROCEDURE

__all__ = ["check_event", "read_arguments", "typed_arguments", "write_arguments"]


def check_event(field: str, value: object) -> str:
    """Return ``value`` if it names an event of the call procedure (as the table has it now)."""
    if type(value) is not str or value not in PROCEDURE.events:
        raise ValidationError(
            field, value, f"must be an event of the procedure: {PROCEDURE.events}"
        )
    return value


def _located(error: ValidationError, where: str) -> ValidationError:
    field = error.field if error.field == where else f"{where}.{error.field}"
    return ValidationError(field, error.value, error.reason)


def read_arguments(event: str, data: object, where: str) -> EventPayload:
    """``event``'s payload from its JSON-ready arguments, checked by the codec.

    Raises:
        ValidationError: naming the path below ``where`` of the bad value.
    """
    try:
        payload: EventPayload = _structure_checked(data, payload_class(event), field=where)
    except ValidationError as error:
        raise _located(error, where) from None
    return payload


def write_arguments(payload: EventPayload) -> dict[str, Any]:
    """``payload`` as JSON-ready data, every argument written (defaults too)."""
    fields = attrs.fields(type(payload))  # type: ignore[arg-type]  # made by attrs.make_class
    return {
        field.name: converter.unstructure(getattr(payload, field.name), unstructure_as=field.type)
        for field in fields
    }


def _kind(kind: object) -> str:
    """How an error names a type: ``a Caller``, ``of type str | None``."""
    if isinstance(kind, type):
        return f"a {kind.__name__}"
    return f"of type {kind}".replace("callflow.", "")


def typed_arguments(event: str, given: object, where: str) -> EventPayload:
    """``given`` (a mapping of argument names to values) as ``event``'s typed payload.

    The values are written with the codec and read back, so an argument of
    the wrong type is refused here, and the payload is one a transcript can
    always write.

    Raises:
        ValidationError: naming the argument (``arguments.caller``) refused.
    """
    cls = payload_class(event)
    if not isinstance(given, Mapping):
        raise ValidationError(where, given, "must be a mapping of the event's arguments")
    names = attrs.fields_dict(cls)  # type: ignore[arg-type]  # made by attrs.make_class
    document: dict[str, Any] = {}
    for key in given:
        if type(key) is not str or key not in names:
            reason = f"is not an argument of {event!r}: {tuple(names)}"
            raise ValidationError(f"{where}.{key}" if type(key) is str else where, key, reason)
        value = given[key]
        try:
            document[key] = converter.unstructure(value, unstructure_as=names[key].type)
        except Exception:  # any object at all may be given: it cannot be written, so refused
            reason = f"must be {_kind(names[key].type)}"
            raise ValidationError(f"{where}.{key}", value, reason) from None
    return read_arguments(event, document, where)
