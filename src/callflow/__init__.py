"""callflow: a helpdesk phone call as a checked state machine.

The same model drives a live call (a step cannot be skipped) and audits a
recorded one (every departure from the procedure becomes a coded finding).
"""

from importlib.metadata import PackageNotFoundError, version

from callflow.call import Call, Mode, Party
from callflow.clock import Clock, ManualClock, utc_now
from callflow.diagram import mermaid
from callflow.errors import (
    CallEndedError,
    CallflowError,
    InvalidDefinitionError,
    InvalidTransitionError,
    UnknownRuleError,
    ValidationError,
)
from callflow.measures import CallMeasures, Outcome
from callflow.people import Agent, Caller
from callflow.records import EventRecord, Finding
from callflow.rules import RULES, Rule, Severity, rule
from callflow.stages import HANDLING_STAGES, PROCEDURE, Stage
from callflow.table import Guard, StateKind, Transition, TransitionTable
from callflow.thresholds import Thresholds
from callflow.timeline import render_timeline

try:
    __version__ = version("callflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "HANDLING_STAGES",
    "PROCEDURE",
    "RULES",
    "Agent",
    "Call",
    "CallEndedError",
    "CallMeasures",
    "Caller",
    "CallflowError",
    "Clock",
    "EventRecord",
    "Finding",
    "Guard",
    "InvalidDefinitionError",
    "InvalidTransitionError",
    "ManualClock",
    "Mode",
    "Outcome",
    "Party",
    "Rule",
    "Severity",
    "Stage",
    "StateKind",
    "Thresholds",
    "Transition",
    "TransitionTable",
    "UnknownRuleError",
    "ValidationError",
    "__version__",
    "mermaid",
    "render_timeline",
    "rule",
    "utc_now",
]
