"""Auditing recorded calls: transcripts, the executable rulebook and the audit engine.

The core (``callflow``) never imports this package.
"""

from callflow.audit.config import LANGUAGES, AuditConfig, load_config
from callflow.audit.engine import AuditContext, AuditReport, audit
from callflow.audit.rulebook import RULEBOOK, Check, Looks, Rulebook, RuleEntry, Section

__all__ = [
    "LANGUAGES",
    "RULEBOOK",
    "AuditConfig",
    "AuditContext",
    "AuditReport",
    "Check",
    "Looks",
    "RuleEntry",
    "Rulebook",
    "Section",
    "audit",
    "load_config",
]
