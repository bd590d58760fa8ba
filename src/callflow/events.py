"""Typed event payloads: one attrs class per event, derived from the event method's signature.

A call's event methods are the single source of truth for what each event
carries: ``Call.listen(problem: str | None = None, *, needs_verification:
bool = True)`` gives the ``listen`` payload class, with a field ``problem``
of type ``str | None``, default ``None``, and one ``needs_verification``.
Every :class:`~callflow.records.EventRecord` a call makes holds an instance
of its event's class, and the same classes describe a record in a snapshot,
its JSON Schema, and the event generators of the testing kit.

>>> from callflow import Call
>>> Listen = payload_class("listen")
>>> Listen
<class 'callflow.events.Listen'>
>>> [(field.name, field.type, field.default) for field in attrs.fields(Listen)]
[('problem', str | None, None), ('needs_verification', <class 'bool'>, True)]
>>> Listen(problem="The printer jams")
Listen(problem='The printer jams', needs_verification=True)

A payload also reads like the read-only mapping of the event's arguments
that it replaces (``record.payload["problem"]``, ``dict(record.payload)``),
and equals a mapping with the same items.
"""

import inspect
import operator
import typing
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from callflow.errors import ValidationError

__all__ = [
    "EVENT_PAYLOADS",
    "EventPayload",
    "payload_class",
]

RING = "ring"
"""The record every call starts with: the call's own settings."""
RING_FIELDS = ("agent", "mode", "thresholds", "call_id", "channel")
"""What of a call's constructor its ``ring`` record keeps: what the call is, not how it runs."""


class EventPayload(Mapping[str, object]):
    """Base of every event payload class: a frozen attrs instance that reads like a mapping.

    Equality is a mapping's: a payload equals any mapping with the same
    items, so a payload equals the dict of arguments it was made from.
    """

    __slots__ = ()
    event: ClassVar[str] = ""
    """The name of the event this class is the payload of (none for this base)."""
    _names: ClassVar[tuple[str, ...]] = ()
    _values: ClassVar[Callable[[object], tuple[object, ...]]] = staticmethod(lambda _: ())
    """The instance's field values, in field order, as a tuple (compiled per class)."""

    def __getitem__(self, key: str) -> object:
        if key not in self._names:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        items = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names)
        return f"{type(self).__name__}({items})"

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):  # the common case (a replay's check), kept cheap
            values = type(self)._values
            return bool(values(self) == values(other))
        return Mapping.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]  # equal to dicts, which are unhashable

    def arguments(self) -> dict[str, object]:
        """The event method's keyword arguments: ``getattr(call, event)(**payload.arguments())``.

        (Each payload class has its own, compiled from its fields.)
        """
        return dict(zip(self._names, type(self)._values(self), strict=True))


def _class_name(event: str) -> str:
    return "".join(part.capitalize() for part in event.split("_"))


def _build(event: str, parameters: list[tuple[str, Any, object]]) -> type[EventPayload]:
    """The payload class of ``event``: one field per (name, type, default) in order."""
    fields: dict[str, Any] = {}
    for name, kind, default in parameters:
        if default is inspect.Parameter.empty:
            fields[name] = attrs.field(type=kind, kw_only=True)
        else:
            fields[name] = attrs.field(type=kind, default=default, kw_only=True)
    cls: type[EventPayload] = attrs.make_class(
        _class_name(event),
        fields,
        bases=(EventPayload,),
        frozen=True,
        slots=True,
        eq=False,  # a mapping's equality, from EventPayload
        repr=False,
    )
    cls.__module__ = __name__
    cls.__qualname__ = cls.__name__
    cls.event = event
    cls._names = tuple(fields)
    cls._values = staticmethod(_values_getter(cls._names))
    cls.arguments = _arguments_method(cls._names)  # type: ignore[method-assign,assignment]
    cls.__doc__ = f"The payload of the {event!r} event."
    return cls


def _values_getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function of an instance giving its ``names`` attributes as a tuple, at C speed."""
    if len(names) >= 2:  # attrgetter gives a tuple for two names or more
        getter: Callable[[object], tuple[object, ...]] = operator.attrgetter(*names)
        return getter
    if names:
        (name,) = names
        single = operator.attrgetter(name)
        return lambda instance: (single(instance),)
    return lambda _: ()


def _arguments_method(names: tuple[str, ...]) -> Callable[[EventPayload], dict[str, object]]:
    """:meth:`EventPayload.arguments` for a class of fields ``names``: one dict display."""
    if not all(name.isidentifier() for name in names):  # pragma: no cover  # parameters are
        return EventPayload.arguments
    items = ", ".join(f"{name!r}: self.{name}" for name in names)
    scope: dict[str, Any] = {}
    exec(f"def arguments(self):\n    return {{{items}}}", scope)  # names: the class's fields
    method: Callable[[EventPayload], dict[str, object]] = scope["arguments"]
    method.__doc__ = EventPayload.arguments.__doc__
    return method


def _method_parameters(method: Callable[..., object]) -> list[tuple[str, Any, object]]:
    hints = typing.get_type_hints(method)
    signature = inspect.signature(method)
    return [
        (name, hints.get(name, Any), parameter.default)
        for name, parameter in signature.parameters.items()
        if name != "self"
    ]


_PAYLOADS: dict[str, type[EventPayload]] = {}
_EMPTY: dict[str, EventPayload] = {}  # the one payload of each event without arguments
EVENT_PAYLOADS: Mapping[str, type[EventPayload]] = MappingProxyType(_PAYLOADS)
"""Every event's payload class, by event name, the ``ring`` included (filled when
:mod:`callflow.call` is imported)."""


def derive_call_events(call_class: type, events: tuple[str, ...]) -> None:
    """Derive and register the payload class of ``ring`` and of each of ``events``.

    Called once, by :mod:`callflow.call`, with the :class:`~callflow.Call`
    class and the procedure's events.
    """
    # The ring's types are the call's fields' (its __init__ takes what the converters
    # take); it keeps every one, even the defaulted ones: it says what the call was.
    kinds = {field.alias: field.type for field in attrs.fields(call_class)}
    required = inspect.Parameter.empty
    _PAYLOADS[RING] = _build(RING, [(name, kinds[name], required) for name in RING_FIELDS])
    for event in events:
        cls = _PAYLOADS[event] = _build(event, _method_parameters(getattr(call_class, event)))
        if not cls._names:
            _EMPTY[event] = cls()


def payload_class(event: str) -> type[EventPayload]:
    """The payload class of ``event``.

    Raises:
        ValidationError: for a name that is not an event of the procedure (or ``ring``).
    """
    found = _PAYLOADS.get(event) if type(event) is str else None
    if found is None:
        raise ValidationError(
            "event", event, f"must be an event of the procedure: {tuple(_PAYLOADS)}"
        )
    return found


def made(event: str, arguments: Mapping[str, object]) -> Mapping[str, object]:
    """``event``'s payload from the arguments its event method checked: a call's own, trusted.

    The fast path every event takes: a dict of exactly the method's arguments
    becomes the payload without its keys being checked again. Anything else
    takes :func:`typed`'s careful path.
    """
    cls = _PAYLOADS.get(event)
    if type(arguments) is dict:
        if cls is not None and len(arguments) == len(cls._names):
            try:
                return cls(**arguments)
            except TypeError:  # not the method's arguments after all
                pass
    elif cls is not None and type(arguments) is cls:  # read already (a snapshot's record)
        return arguments
    return typed(event, arguments)


def typed(event: str, payload: Mapping[str, object]) -> Mapping[str, object]:
    """``payload`` as ``event``'s payload class when its keys fit the class; else read-only.

    A call's own payloads always fit. One built by hand that does not fit
    (an unknown key, a missing argument) is kept as given, read-only, for the
    replay to refuse with the whole history in view.
    """
    cls = _PAYLOADS.get(event)
    if cls is None:
        return _read_only(payload)
    if type(payload) is cls:
        return payload
    names = cls._names
    if not names:
        return _read_only(payload) if payload else _EMPTY[event]
    if len(payload) > len(names) or any(key not in names for key in payload):
        return _read_only(payload)
    try:
        return cls(**payload)
    except TypeError:  # a required argument missing
        return _read_only(payload)


def _read_only(payload: Mapping[str, object]) -> Mapping[str, object]:
    if type(payload) is MappingProxyType or isinstance(payload, EventPayload):
        return payload
    return MappingProxyType(dict(payload))
