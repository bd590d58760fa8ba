"""The rulebook's checks of a recorded call's events.

Each check is registered in :data:`~callflow.audit.rulebook.RULEBOOK` with
the codes it may emit. The procedure's own rules (order, guards, the data
each event brings, hold timing, the closing) are judged by the call itself
while the transcript's events replay, exactly as in a live call; the checks
here read what replay leaves: the call's findings and its history.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from callflow.audit import _catalogue  # noqa: F401  (codes are described before checks)
from callflow.audit.rulebook import RULEBOOK
from callflow.errors import ValidationError
from callflow.records import Finding

if TYPE_CHECKING:  # the engine imports this module
    from callflow.audit.engine import AuditContext

__all__ = ["PROCEDURE_CODES", "procedure", "troubleshooting_budget"]

PROCEDURE_CODES = (
    "CF001",
    "CF002",
    "CF101",
    "CF205",
    "CF403",
    "CF405",
    "CF502",
    "CF503",
    "CF504",
    "CF505",
    "CF506",
    "CF601",
    "CF602",
    "CF603",
    "CF604",
    "CF605",
    "CF701",
    "CF702",
    "CF705",
    "CF706",
    "CF1001",
    "CF1002",
    "CF1003",
    "CF1004",
)
"""The codes a call in audit mode finds on its own while its events replay."""

# Events that end troubleshooting without a diagnosis being due any more.
_LEAVES_TROUBLESHOOTING = frozenset(
    {"diagnose", "inform", "fulfil", "assign", "transfer", "request_manager", "follow_up"}
)


def _check_context(context: object) -> None:
    from callflow.audit.engine import AuditContext  # the engine imports this module

    if type(context) is not AuditContext:
        raise ValidationError("context", context, "must be a callflow.audit.AuditContext")


@RULEBOOK.check("procedure", *PROCEDURE_CODES)
def procedure(context: "AuditContext") -> Iterator[Finding]:
    """The findings the call made while the transcript's events replayed through the procedure."""
    _check_context(context)
    if context.call is not None:
        yield from context.call.findings


@RULEBOOK.check("troubleshooting budget", "CF406")
def troubleshooting_budget(context: "AuditContext") -> Iterator[Finding]:
    """Troubleshooting ran past its budget with no diagnosis and no escalation (CF406).

    The clock starts at the first troubleshooting step and stops at the
    diagnosis, an answer, a request fulfilled, an assignment, a transfer or a manager request.
    One finding, at the first event past the budget (or the last event).
    """
    _check_context(context)
    call = context.call
    if call is None:
        return
    started = None
    budget = context.config.troubleshooting_budget
    for index, record in enumerate(call.history):
        if started is None:
            if record.event == "troubleshoot":
                started = record.at
            continue
        if record.event in _LEAVES_TROUBLESHOOTING and record.at - started <= budget:
            return
        if record.at - started > budget:
            yield Finding(
                "CF406",
                f"troubleshooting ran {record.at - started} with no diagnosis or escalation,"
                f" past its {budget} budget",
                index,
                record.event,
                record.from_stage,
            )
            return
