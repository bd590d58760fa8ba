"""The configurable numbers behind callflow's rules (DOMAIN.md gives the defaults)."""

from datetime import timedelta

import attrs

from callflow.errors import ValidationError
from callflow.quality import QualityPolicy
from callflow.validators import check_positive_int, field_name, instance_of

__all__ = ["Thresholds"]


def _positive_duration(
    instance: object, attribute: "attrs.Attribute[timedelta]", value: object
) -> None:
    if not isinstance(value, timedelta) or value <= timedelta():
        raise ValidationError(field_name(attribute), value, "must be a positive timedelta")


def _positive_int(instance: object, attribute: "attrs.Attribute[int]", value: object) -> None:
    check_positive_int(field_name(attribute), value)


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

    ring_cadence: timedelta = attrs.field(
        default=timedelta(seconds=6), validator=_positive_duration
    )
    max_rings: int = attrs.field(default=2, validator=_positive_int)
    quality: QualityPolicy = attrs.field(
        factory=QualityPolicy, validator=instance_of(QualityPolicy)
    )
