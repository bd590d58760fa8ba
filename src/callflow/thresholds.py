"""The configurable numbers behind callflow's rules (DOMAIN.md gives the defaults)."""

from datetime import timedelta

import attrs

from callflow.quality import QualityPolicy
from callflow.validators import duration, instance_of, positive_int

__all__ = ["Thresholds"]


@attrs.frozen
class Thresholds:
    """Limits the rules check against.

    Args:
        ring_cadence: how long one ring lasts, to count rings from the wait (CF101).
        max_rings: answer by this ring at the latest (CF101).
        quality: what the call's ticket must meet before it is escalated (CF603).

    >>> Thresholds(max_rings=3).max_rings
    3
    """

    ring_cadence: timedelta = attrs.field(default=timedelta(seconds=6), validator=duration())
    max_rings: int = attrs.field(default=2, validator=positive_int())
    quality: QualityPolicy = attrs.field(
        factory=QualityPolicy, validator=instance_of(QualityPolicy)
    )
