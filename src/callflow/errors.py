"""callflow's exception hierarchy.

Every error callflow raises derives from :class:`CallflowError` and from the
built-in exception it resembles, so ``except ValueError`` keeps working for
callers that do not know callflow. Each carries the data that caused it as
attributes, and its message is one sentence naming them.
"""

import reprlib
from collections.abc import Sequence

__all__ = [
    "AccessDeniedError",
    "CallEndedError",
    "CallbackWindowError",
    "CallflowError",
    "ConcurrencyError",
    "ConfigError",
    "InvalidDefinitionError",
    "InvalidTransitionError",
    "NoFreeLineError",
    "NotFoundError",
    "PhoneNumberError",
    "SnapshotError",
    "StoreError",
    "TicketTransitionError",
    "TranscriptError",
    "UnknownRuleError",
    "ValidationError",
]


class CallflowError(Exception):
    """Base class of every error raised by callflow."""


class ValidationError(CallflowError, ValueError):
    """A value given to callflow is not acceptable.

    Attributes:
        field: the name of the argument or attribute that was refused.
        value: the refused value, as given.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{shown(field)} {reason} (got {shown(value)})")


class SnapshotError(ValidationError):
    """A snapshot (a call, a ticket... as JSON) cannot be restored; nothing was created.

    :attr:`field` is the path of the bad value inside the document, such as
    ``call.history[3].payload.step``.
    """


class ConfigError(ValidationError):
    """An audit configuration (a Python object or a TOML table) has a bad setting.

    :attr:`field` is the setting's key path, such as ``thresholds.max-rings``.
    """


class TranscriptError(ValidationError):
    """A transcript (a recorded call, as JSON) cannot be read; nothing was made of it.

    :attr:`field` is the path of the bad value inside the transcript, such as
    ``turns[3].speaker``; the message names the call and the line too, when
    they are known.

    Attributes:
        call_id: the transcript's ``call_id``, when the document gives one as text.
        line: the number of its line in a JSON Lines input (from 1), when read from one.
    """

    def __init__(
        self,
        field: str,
        value: object,
        reason: str,
        *,
        call_id: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(field, value, reason)
        self.call_id = call_id
        self.line = line
        where = []
        if line is not None:
            where.append(f"line {line}")
        if call_id is not None:
            where.append(f"call {shown(call_id)}")
        if where:
            self.args = (f"{', '.join(where)}: {self.args[0]}",)


class PhoneNumberError(ValidationError):
    """A phone number is not a full, valid number with its area code (CF1002)."""


class CallbackWindowError(ValidationError):
    """A callback window typed by a person could not be read as times, or is already over.

    callflow never guesses: text it cannot read with certainty is refused.
    """


class NoFreeLineError(CallflowError, RuntimeError):
    """A call rang on a desk whose lines are all taken.

    Attributes:
        lines: how many lines the desk has.
    """

    def __init__(self, lines: int) -> None:
        self.lines = lines
        super().__init__(f"all {lines} lines of the desk are taken; the call cannot ring")


class InvalidDefinitionError(CallflowError, ValueError):
    """A transition table is malformed.

    Attributes:
        state: the offending state (or ``None`` when the fault is not one state's).
    """

    def __init__(self, state: object, reason: str) -> None:
        self.state = state
        self.reason = reason
        where = "" if state is None else f"state {_state_name(state)}: "
        super().__init__(f"invalid transition table: {where}{reason}")


class InvalidTransitionError(CallflowError, ValueError):
    """An event was refused; the call it was sent to is unchanged.

    Attributes:
        event: the refused event's name.
        stage: the stage the call was in (and still is).
        allowed: the events the call accepts now.
        rule: the code of the rule whose guard refused the event, or ``None``
            when the event is simply not part of the procedure at this stage.
    """

    def __init__(
        self,
        event: str,
        stage: object,
        allowed: Sequence[str],
        rule: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.event = event
        self.stage = stage
        self.allowed = tuple(allowed)
        self.rule = rule
        if reason is None:
            reason = "it is not part of the procedure at this stage"
        because = f" ({rule})" if rule else ""
        options = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(
            f"event {shown(event)} refused in stage {_state_name(stage)}: {reason}{because};"
            f" allowed now: {options}"
        )


class CallEndedError(InvalidTransitionError):
    """An event was sent to a call that has already ended or been abandoned."""

    def __init__(self, event: str, stage: object) -> None:
        super().__init__(event, stage, (), reason="the call is over")


class TicketTransitionError(CallflowError, ValueError):
    """A ticket refused a status change; the ticket is unchanged.

    Attributes:
        event: the refused event's name (``"resolve"``, ``"escalate"``...).
        status: the status the ticket was in (and still is).
        missing: what the change needs and did not get, one phrase per item;
            empty when the change is not allowed from this status at all.
        allowed: the events the ticket's lifecycle allows from this status.
        rules: the rule codes behind the missing items, where rules name them.
    """

    def __init__(
        self,
        event: str,
        status: object,
        allowed: Sequence[str],
        missing: Sequence[str] = (),
        rules: Sequence[str] = (),
    ) -> None:
        self.event = event
        self.status = status
        self.allowed = tuple(allowed)
        self.missing = tuple(missing)
        self.rules = tuple(rules)
        if self.missing:
            reason = "it requires " + "; ".join(self.missing)
        else:
            reason = "the lifecycle does not allow it from this status"
        because = f" ({', '.join(self.rules)})" if self.rules else ""
        options = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(
            f"ticket event {shown(event)} refused in status {_state_name(status)}:"
            f" {reason}{because}; allowed from this status: {options}"
        )


class UnknownRuleError(CallflowError, LookupError):
    """A rule code that callflow does not define was looked up.

    Attributes:
        code: the code that was asked for.
    """

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(f"unknown rule code {shown(code)}; see callflow.rules.RULES")


class NotFoundError(CallflowError, LookupError):
    """Something looked up by its key (a ticket number...) does not exist.

    Attributes:
        kind: what was looked for ("ticket", "work order"...).
        key: the key it was looked for by.
    """

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {shown(key)}")


class AccessDeniedError(CallflowError):
    """Data was asked for by someone not entitled to it; nothing was returned.

    It derives from :class:`CallflowError` alone: the built-in it resembles,
    ``PermissionError``, is an ``OSError``, and an ``except OSError`` around
    file or network I/O must not swallow a refused request for someone
    else's records.

    Attributes:
        resource: what was asked for.
        reason: why it was refused.
    """

    def __init__(self, resource: str, reason: str) -> None:
        self.resource = resource
        self.reason = reason
        super().__init__(f"access to {resource} denied: {reason}")


class ConcurrencyError(CallflowError, RuntimeError):
    """A save found the stored call changed since it was loaded; nothing was written.

    Another worker saved events of the same call first: load the call again,
    fire the event again, save again.

    Attributes:
        call_id: the call's identifier.
        expected: the version (number of stored events) the saver expected.
        actual: the version the store has, or ``None`` when it has no such call.
    """

    def __init__(self, call_id: str, expected: int, actual: int | None) -> None:
        self.call_id = call_id
        self.expected = expected
        self.actual = actual
        found = "no such call" if actual is None else f"version {actual}"
        super().__init__(
            f"call {shown(call_id)} was saved by someone else: expected version {expected},"
            f" the store has {found}"
        )


class StoreError(CallflowError, RuntimeError):
    """A call store or ticket book could not read or write its database; nothing was written.

    The database stayed locked past the store's timeout, the file is not a
    database, the server went away... The driver's own error is chained as
    the cause (``raise ... from``); the message never shows a database URL,
    which may hold a password.

    Attributes:
        store: what the store is (its class and file, never its URL).
        reason: what the database said.
    """

    def __init__(self, store: str, reason: str) -> None:
        self.store = store
        self.reason = reason
        super().__init__(f"{store} could not use its database: {reason}")


def _state_name(state: object) -> str:
    name = getattr(state, "name", None)
    return name if isinstance(name, str) else shown(state)


_LONGEST = 2_000
"""The longest value an error message shows in full; a longer one is abbreviated."""
_BRIEF = reprlib.Repr()  # Python 3.11's takes no arguments: its limits are set below
_BRIEF.maxlevel = 4
_BRIEF.maxdict = _BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxset = _BRIEF.maxfrozenset = 8
_BRIEF.maxstring = _BRIEF.maxlong = _BRIEF.maxother = 200


def shown(value: object) -> str:
    """``repr(value)`` for an error message, whatever the value.

    An error must be raised even about a value that cannot be printed: one
    nested deeper than Python recurses, an int too long to write, an object
    whose ``__repr__`` raises. Those, and values whose repr is very long, are
    abbreviated (``reprlib``) or named by their type.

    >>> shown("E1234")
    "'E1234'"
    >>> shown(10**5000)
    '<int of 16610 bits>'
    """
    try:
        text = repr(value)
    except Exception:  # RecursionError, ValueError (int digits), a raising __repr__
        text = None
    if text is not None and len(text) <= _LONGEST:
        return text
    if isinstance(value, int):
        return f"<int of {value.bit_length()} bits>"
    try:
        return _BRIEF.repr(value)
    except Exception:
        return f"<{type(value).__name__} object>"
