"""The configurable numbers behind callflow's rules (DOMAIN.md gives the defaults)."""

from datetime import timedelta

import attrs

from callflow.errors import ValidationError
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
        check_in_every: how long after a hold (or the last check-in) the next
            check-in with the held caller is due (CF504).
        max_hold_silence: the longest a held caller may wait without a
            check-in; a longer gap is a CF504 finding. Not shorter than
            ``check_in_every``.

    >>> Thresholds(max_rings=3).max_rings
    3
    >>> Thresholds(check_in_every=timedelta(seconds=50))
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'check_in_every' must not be longer than max_hold_silence, \
0:00:40 (got datetime.timedelta(seconds=50))
    """

    ring_cadence: timedelta = attrs.field(default=timedelta(seconds=6), validator=duration())
    max_rings: int = attrs.field(default=2, validator=positive_int())
    quality: QualityPolicy = attrs.field(
        factory=QualityPolicy, validator=instance_of(QualityPolicy)
    )
    check_in_every: timedelta = attrs.field(default=timedelta(seconds=30), validator=duration())
    max_hold_silence: timedelta = attrs.field(default=timedelta(seconds=40), validator=duration())

    def __attrs_post_init__(self) -> None:
        if self.check_in_every > self.max_hold_silence:
            raise ValidationError(
                "check_in_every",
                self.check_in_every,
                f"must not be longer than max_hold_silence, {self.max_hold_silence}",
            )
