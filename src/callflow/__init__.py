"""callflow: a helpdesk phone call as a checked state machine.

The same model drives a live call (a step cannot be skipped) and audits a
recorded one (every departure from the procedure becomes a coded finding).
"""

from importlib.metadata import PackageNotFoundError, version

from callflow.book import (
    MemoryTicketBook,
    RepeatFailurePolicy,
    TicketBook,
    account,
    earlier_tickets,
    open_ticket,
    repeat_failure,
)
from callflow.calendars import AlwaysOpen, BusinessCalendar, Calendar
from callflow.call import Call, Channel, Mode, Party, VerificationMethod
from callflow.callbacks import CallbackHours, CallbackWindow, parse_callback_window
from callflow.clock import Clock, ManualClock, utc_now
from callflow.desk import Desk
from callflow.diagram import mermaid
from callflow.errors import (
    AccessDeniedError,
    CallbackWindowError,
    CallEndedError,
    CallflowError,
    ConcurrencyError,
    ConfigError,
    InvalidDefinitionError,
    InvalidTransitionError,
    NoFreeLineError,
    NotFoundError,
    PhoneNumberError,
    SnapshotError,
    StoreError,
    TicketTransitionError,
    TranscriptError,
    UnknownRuleError,
    ValidationError,
)
from callflow.escalation import (
    Escalation,
    EscalationKind,
    EscalationPolicy,
    Target,
    TargetKind,
    TransferStyle,
    check_escalation,
    manager_request,
)
from callflow.lifecycle import LIFECYCLE, TicketStatus, ticket_lifecycle
from callflow.measures import CallMeasures, Outcome
from callflow.messages import MESSAGE_FIELDS, PhoneMessage, check_message
from callflow.notes import Note, NoteKind, NoteTopic
from callflow.people import Agent, Caller
from callflow.phones import PhoneNumber, parse_phone_number
from callflow.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency
from callflow.promises import Promise, PromiseKind, PromiseLedger
from callflow.quality import QualityPolicy, check_ticket, review_escalation
from callflow.records import EventRecord, Finding, RuleBreach
from callflow.rules import RULES, Rule, Severity, rule
from callflow.screening import Screening
from callflow.sla import (
    DEFAULT_TARGETS,
    ClockKind,
    ClockReading,
    ClockState,
    ServiceTarget,
    SlaClock,
    SlaPolicy,
    TicketClocks,
)
from callflow.stages import HANDLING_STAGES, PROCEDURE, Stage
from callflow.table import Guard, StateKind, Transition, TransitionTable
from callflow.thresholds import Thresholds
from callflow.ticket import Ticket
from callflow.timeline import render_timeline
from callflow.workorders import WorkOrder

try:
    __version__ = version("callflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_MATRIX",
    "DEFAULT_TARGETS",
    "HANDLING_STAGES",
    "LIFECYCLE",
    "MESSAGE_FIELDS",
    "PROCEDURE",
    "RULES",
    "AccessDeniedError",
    "Agent",
    "AlwaysOpen",
    "BusinessCalendar",
    "Calendar",
    "Call",
    "CallEndedError",
    "CallMeasures",
    "CallbackHours",
    "CallbackWindow",
    "CallbackWindowError",
    "Caller",
    "CallflowError",
    "Channel",
    "Clock",
    "ClockKind",
    "ClockReading",
    "ClockState",
    "ConcurrencyError",
    "ConfigError",
    "Desk",
    "Escalation",
    "EscalationKind",
    "EscalationPolicy",
    "EventRecord",
    "Finding",
    "Guard",
    "Impact",
    "InvalidDefinitionError",
    "InvalidTransitionError",
    "ManualClock",
    "MemoryTicketBook",
    "Mode",
    "NoFreeLineError",
    "NotFoundError",
    "Note",
    "NoteKind",
    "NoteTopic",
    "Outcome",
    "Party",
    "PhoneMessage",
    "PhoneNumber",
    "PhoneNumberError",
    "Priority",
    "PriorityMatrix",
    "Promise",
    "PromiseKind",
    "PromiseLedger",
    "QualityPolicy",
    "RepeatFailurePolicy",
    "Rule",
    "RuleBreach",
    "Screening",
    "ServiceTarget",
    "Severity",
    "SlaClock",
    "SlaPolicy",
    "SnapshotError",
    "Stage",
    "StateKind",
    "StoreError",
    "Target",
    "TargetKind",
    "Thresholds",
    "Ticket",
    "TicketBook",
    "TicketClocks",
    "TicketStatus",
    "TicketTransitionError",
    "TranscriptError",
    "TransferStyle",
    "Transition",
    "TransitionTable",
    "UnknownRuleError",
    "Urgency",
    "ValidationError",
    "VerificationMethod",
    "WorkOrder",
    "__version__",
    "account",
    "check_escalation",
    "check_message",
    "check_ticket",
    "earlier_tickets",
    "manager_request",
    "mermaid",
    "open_ticket",
    "parse_callback_window",
    "parse_phone_number",
    "render_timeline",
    "repeat_failure",
    "review_escalation",
    "rule",
    "ticket_lifecycle",
    "utc_now",
]
