"""The phone message slip: what to take down when the person asked for is unavailable (CF10xx).

A :class:`PhoneMessage` holds the slip's fields; every one may be missing, so
a slip can be written down as the call goes and judged afterwards with
:func:`check_message` (CF1001-CF1004). :meth:`PhoneMessage.slip` renders it
for the recipient, the callback window shown in their zone and the caller's:

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> message = PhoneMessage(
...     caller_name="Ana Souza", phone="+55 11 3456-7890", read_back=True,
...     caller_zone="America/Sao_Paulo",
...     taken_at=datetime(2026, 3, 30, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo")),
...     callback="after 3pm")
>>> message.callback.describe("Europe/Rome")
'Mon 30 Mar 2026 20:00–23:00 (Europe/Rome)'
>>> message.missing
('for_whom', 'organisation', 'text', 'urgency', 'taken_by')
"""

import json
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, cast
from zoneinfo import ZoneInfo

import attrs

from callflow.callbacks import (
    CallbackWindow,
    check_real_time,
    describe_moment,
    parse_callback_window,
)
from callflow.clock import to_zone
from callflow.codec import iana_zone, structure, unstructure
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, read_json
from callflow.errors import PhoneNumberError, ValidationError
from callflow.phones import PhoneNumber, check_region, parse_phone_number
from callflow.priority import Urgency
from callflow.records import RuleBreach
from callflow.validators import flag, optional_non_empty_text, to_member

__all__ = ["MESSAGE_FIELDS", "PhoneMessage", "check_message"]

MESSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("caller_name", "Caller"),
    ("for_whom", "For"),
    ("organisation", "Organisation"),
    ("phone", "Phone"),
    ("text", "Message"),
    ("urgency", "Urgency"),
    ("callback", "Call back"),
    ("caller_zone", "Caller's time zone"),
    ("taken_at", "Taken at"),
    ("taken_by", "Taken by"),
)
"""Every required field of a slip, as (attribute, label), in the order the slip shows them."""

_MISSING = "—"
_WIDTH = max(len(label) for _, label in (*MESSAGE_FIELDS, ("", "Read back"))) + 2


def _urgency(value: Urgency | str | None) -> Urgency | None:
    return None if value is None else to_member(Urgency, "urgency", value)


def _caller_zone(value: str | tzinfo | None) -> ZoneInfo | None:
    return None if value is None else iana_zone("caller_zone", value)


def _recipient_zone(value: str | tzinfo | None) -> ZoneInfo | None:
    return None if value is None else iana_zone("recipient_zone", value)


def _region(value: str | None) -> str | None:
    return None if value is None else check_region("region", value)


def _taken_at(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        check_real_time("taken_at", value)


def _callback(value: CallbackWindow | str | None) -> CallbackWindow | None:
    if value is None or isinstance(value, CallbackWindow):
        return value
    if isinstance(value, str):
        # Text is read in __attrs_post_init__, once taken_at and caller_zone are
        # set; until then the attribute holds the text.
        return cast(CallbackWindow, value)
    raise ValidationError("callback", value, "must be a CallbackWindow or the text typed for it")


@attrs.frozen(kw_only=True)
class PhoneMessage:
    """A message taken for someone unavailable: the slip (001). Every field may be missing.

    Attributes:
        caller_name: the caller's full name.
        for_whom: whom the message is for.
        organisation: the caller's organisation.
        phone: the caller's number as written on the slip (checked by CF1002).
        text: the message itself.
        urgency: how urgent it is; ``Urgency.HIGH`` or its value ``"high"``...
        callback: when the caller can be called back; text typed for it is read
            with :func:`~callflow.callbacks.parse_callback_window` against
            ``taken_at`` in ``caller_zone``, which must both be given.
        caller_zone: the caller's IANA time zone (a key or a ``ZoneInfo``).
        taken_at: when the call was taken (aware).
        taken_by: who took it.
        read_back: whether the key points were read back to the caller (CF1004).
        region: the region to read a national phone number in (``"IT"``).
        recipient_zone: the recipient's IANA zone: the slip shows the callback there.

    Raises:
        ValidationError: naming the field, for a value of the wrong kind.
        CallbackWindowError: for callback text that cannot be read with certainty.
    """

    caller_name: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    for_whom: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    organisation: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    phone: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    text: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    urgency: Urgency | None = attrs.field(default=None, converter=_urgency)
    callback: CallbackWindow | None = attrs.field(default=None, converter=_callback)
    caller_zone: ZoneInfo | None = attrs.field(default=None, converter=_caller_zone)
    taken_at: datetime | None = attrs.field(default=None, validator=_taken_at)
    taken_by: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    read_back: bool = attrs.field(default=False, validator=flag())
    region: str | None = attrs.field(default=None, converter=_region)
    recipient_zone: ZoneInfo | None = attrs.field(default=None, converter=_recipient_zone)

    def __attrs_post_init__(self) -> None:
        typed: object = self.callback
        if not isinstance(typed, str):
            return
        if self.taken_at is None or self.caller_zone is None:
            reason = "is text: reading it needs taken_at and caller_zone"
            raise ValidationError("callback", typed, reason)
        window = parse_callback_window(typed, at=self.taken_at, zone=self.caller_zone)
        object.__setattr__(self, "callback", window)  # frozen: set once, while initialising

    @property
    def missing(self) -> tuple[str, ...]:
        """The required fields not filled in, in slip order (see :data:`MESSAGE_FIELDS`)."""
        return tuple(name for name, _ in MESSAGE_FIELDS if getattr(self, name) is None)

    @property
    def phone_number(self) -> PhoneNumber:
        """The phone number, read in ``region``.

        Raises:
            PhoneNumberError: if it is missing or not a full, valid number.
        """
        if self.phone is None:
            raise PhoneNumberError("phone", None, "is missing")
        return parse_phone_number(self.phone, region=self.region)

    def slip(self, zone: str | tzinfo | None = None) -> str:
        """The slip as plain text for the recipient; a missing field shows "—".

        Args:
            zone: the zone to show times in; default ``recipient_zone``, else
                the caller's zone. The callback window is also shown in the
                caller's own zone, so both sides can read it.

        Raises:
            ValidationError: naming ``zone``, if it is not a time zone.
        """
        caller = self.caller_zone or (self.callback.zone if self.callback else None)
        target = to_zone("zone", zone) if zone is not None else self.recipient_zone or caller
        values: dict[str, object] = {name: getattr(self, name) for name, _ in MESSAGE_FIELDS}
        values.update(
            urgency=self.urgency.value if self.urgency else None,
            phone=self._phone_line(),
            callback=self._callback_line(target, caller),
            caller_zone=self.caller_zone.key if self.caller_zone else None,
            taken_at=self._taken_at_line(target),
        )
        rows = [(label, values[name]) for name, label in MESSAGE_FIELDS]
        rows.append(("Read back", "yes" if self.read_back else "no"))
        lines = ["PHONE MESSAGE"]
        for label, value in rows:
            text = _MISSING if value is None else str(value)
            # Continuation lines (a long message, the callback's second zone) align.
            lines.append(f"{label + ':':<{_WIDTH}}{text}".replace("\n", "\n" + " " * _WIDTH))
        return "\n".join(lines)

    def _phone_line(self) -> str | None:
        if self.phone is None:
            return None
        try:
            number = self.phone_number.international()
        except PhoneNumberError as error:
            return f"{self.phone} (not a full number: it {error.reason})"
        return self.phone if number == self.phone else f"{self.phone} ({number})"

    def _callback_line(self, target: tzinfo | None, caller: tzinfo | None) -> str | None:
        if self.callback is None:
            return None
        theirs = f"{self.callback.describe(caller)}, the caller's time"
        if _zone_key(target) == _zone_key(caller):
            return theirs
        return f"{self.callback.describe(target)}\n= {theirs}"

    def _taken_at_line(self, target: tzinfo | None) -> str | None:
        if self.taken_at is None:
            return None
        return describe_moment(
            self.taken_at if target is None else self.taken_at.astimezone(target)
        )

    def to_dict(self) -> dict[str, object]:
        """The message as JSON-ready data (text, booleans, ``None`` and dicts), field by field.

        Times carry their offset and IANA zone ("2026-03-30T15:00:00-03:00[America/Sao_Paulo]"),
        zones their key and the urgency its value; :meth:`from_dict` reads it back exactly.

        Raises:
            ValidationError: if a time's zone is neither an IANA zone nor a fixed offset.
        """
        return cast(dict[str, object], unstructure(self))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, object], *, limits: DocumentLimits = DEFAULT_LIMITS
    ) -> "PhoneMessage":
        """The message :meth:`to_dict` gave ``data`` for; the field validators run.

        Args:
            data: the message's fields as JSON-ready data.
            limits: how large and deep ``data`` may be (see :mod:`callflow.documents`).

        Raises:
            ValidationError: naming the field ("callback.start"), for anything refused.
        """
        return structure(data, cls, field="message", limits=limits)

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON document."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, *, limits: DocumentLimits = DEFAULT_LIMITS) -> "PhoneMessage":
        """The message :meth:`to_json` gave ``text`` for.

        Args:
            text: the JSON document.
            limits: how large and deep it may be (see :mod:`callflow.documents`).

        Raises:
            ValidationError: naming ``json`` if ``text`` is not JSON or over the
                limits, else as :meth:`from_dict`.
        """
        return cls.from_dict(read_json(text, limits=limits), limits=limits)


def _zone_key(zone: tzinfo | None) -> object:
    """What tells two zones apart: the IANA key if any (offsets alone can coincide)."""
    return getattr(zone, "key", None) or zone


def check_message(message: PhoneMessage) -> tuple[RuleBreach, ...]:
    """The slip's departures from the message rules, one breach each, in slip order.

    - CF1001: one per required field missing (see :data:`MESSAGE_FIELDS`);
    - CF1002: the phone number is not a full, valid number with area code;
    - CF1003: the callback window is not given in the caller's time zone
      (judged only when both are there: a missing one is its CF1001);
    - CF1004: the key points were not read back.

    Raises:
        ValidationError: if ``message`` is not a PhoneMessage.
    """
    if not isinstance(message, PhoneMessage):
        raise ValidationError("message", message, "must be a PhoneMessage")
    labels = dict(MESSAGE_FIELDS)
    breaches = [
        RuleBreach("CF1001", f"The slip has no {labels[name]!r} ({name}).", name)
        for name in message.missing
    ]
    if message.phone is not None:
        try:
            parse_phone_number(message.phone, region=message.region)
        except PhoneNumberError as error:
            text = f"The phone number {message.phone!r} {error.reason}."
            breaches.append(RuleBreach("CF1002", text, "phone"))
    window, zone = message.callback, message.caller_zone
    if window is not None and zone is not None and _zone_key(window.zone) != zone.key:
        given = getattr(window.zone, "key", None) or window.start.tzname()
        text = f"The callback window is given in {given}, not in the caller's zone {zone.key}."
        breaches.append(RuleBreach("CF1003", text, "callback"))
    if not message.read_back:
        text = "The key points of the message were not read back to the caller."
        breaches.append(RuleBreach("CF1004", text, "read_back"))
    return tuple(breaches)
