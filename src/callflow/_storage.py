"""What every call store shares: the checks of its arguments, and rows to and from a call.

A stored call is its header (:func:`callflow.snapshot.call_header`) and one
row per event record (:func:`callflow.snapshot.record_document`), each kept
as JSON text. A save turns only the records after the version the caller
loaded into rows; a load reads the rows back, bounded by the store's
:class:`~callflow.documents.DocumentLimits`, and replays them.
"""

import json
from collections.abc import Sequence
from typing import Any

from callflow.book import TicketBook
from callflow.call import Call
from callflow.clock import Clock
from callflow.documents import DocumentLimits, read_json
from callflow.errors import SnapshotError, ValidationError
from callflow.promises import PromiseLedger
from callflow.snapshot import call_header, record_document, restore_call
from callflow.validators import check_text

__all__ = [
    "MAX_PAGE",
    "check_after",
    "check_call",
    "check_expected",
    "check_limit",
    "check_optional_version",
    "dump",
    "joint",
    "new_rows",
    "not_the_stored_call",
    "rebuild",
    "row_field",
]

MAX_PAGE = 1_000
"""The most call identifiers one ``list()`` returns."""


def dump(document: object) -> str:
    """``document`` as compact JSON text, keys sorted: the same value always gives the same text."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True, allow_nan=False)


def check_call(call: object) -> str:
    """The identifier of ``call``, which a store needs to keep it."""
    if not isinstance(call, Call):
        raise ValidationError("call", call, "must be a Call")
    if call.call_id is None:
        raise ValidationError("call.call_id", None, "must be set for the call to be stored")
    return call.call_id


def check_expected(call: Call, expected_version: object) -> int:
    """``expected_version``: a version the call has reached (0 for a call never saved)."""
    if type(expected_version) is not int or not 0 <= expected_version <= len(call.history):
        reason = f"must be the version the call was loaded at, 0 to {len(call.history)}"
        raise ValidationError("expected_version", expected_version, reason)
    return expected_version


def check_optional_version(expected_version: object) -> int | None:
    if expected_version is not None and (type(expected_version) is not int or expected_version < 1):
        reason = "must be the version the call was loaded at (1 or more), or None"
        raise ValidationError("expected_version", expected_version, reason)
    return expected_version


def check_after(after: object) -> str | None:
    if after is not None:
        check_text("after", after)
    return after  # type: ignore[return-value]  # checked just above


def check_limit(limit: object) -> int:
    if type(limit) is not int or not 1 <= limit <= MAX_PAGE:
        raise ValidationError("limit", limit, f"must be a whole number from 1 to {MAX_PAGE:,}")
    return limit


def new_rows(call: Call, expected_version: int) -> tuple[str, list[tuple[int, str]]]:
    """The call's header and its records from ``expected_version`` on, as JSON text."""
    header = dump(call_header(call))
    history = call.history
    rows = [
        (seq, dump(record_document(history[seq]))) for seq in range(expected_version, len(history))
    ]
    return header, rows


def joint(call: Call, expected_version: int) -> str | None:
    """The row the store must hold at ``expected_version - 1`` for the save to go on from it.

    A save appends to the history it was loaded from: checking the last
    stored record (one row, whatever the history's length) refuses another
    call saved under the same id, which would graft its records onto this
    one's.
    """
    if expected_version == 0:
        return None
    return dump(record_document(call.history[expected_version - 1]))


def not_the_stored_call(call_id: str, expected_version: int) -> ValidationError:
    index = expected_version - 1
    reason = (
        f"is not the history stored under {call_id!r}: save the call loaded from the store,"
        f" which goes on from that record"
    )
    return ValidationError(f"call.history[{index}]", call_id, reason)


def row_field(call_id: str, path: str = "") -> str:
    """Where a stored value is: ``calls['C-1']`` followed by its path in the call."""
    return f"calls[{call_id!r}]{path}"


def rebuild(
    call_id: str,
    header: object,
    rows: Sequence[tuple[object, object]],
    version: object,
    *,
    clock: Clock | None,
    book: TicketBook | None,
    promises: PromiseLedger | None,
    limits: DocumentLimits,
) -> Call:
    """The call stored as ``header`` and ``rows`` (``(seq, JSON text)``, in order).

    Raises:
        SnapshotError: naming the call and the row, for anything stored that
            cannot be read back (not JSON, a row missing, a record refused).
    """
    if type(version) is not int or version < 1:
        raise SnapshotError(row_field(call_id, ".version"), version, "must be 1 or more")
    if len(rows) != version or any(seq != index for index, (seq, _) in enumerate(rows)):
        found = [seq for seq, _ in rows]
        reason = f"must be numbered 0 to {version - 1}, one row each"
        raise SnapshotError(row_field(call_id, ".history"), found, reason)
    header_data = _read(call_id, ".header", header, limits)
    records = [_read(call_id, f".history[{seq}]", text, limits) for seq, text in rows]
    return restore_call(
        header_data,
        records,
        clock=clock,
        book=book,
        promises=promises,
        limits=limits,
        where=row_field(call_id),
    )


def _read(call_id: str, path: str, text: object, limits: DocumentLimits) -> Any:
    field = row_field(call_id, path)
    if not isinstance(text, str):
        raise SnapshotError(field, text, "must be JSON text")
    try:
        return read_json(text, limits=limits, field=field)
    except ValidationError as error:
        raise SnapshotError(error.field, error.value, error.reason) from None
