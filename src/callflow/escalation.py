"""Escalations: handing a ticket on to more skill or to management, and when to.

An :class:`Escalation` says where a ticket goes and what the caller was told.
:func:`check_escalation` lists what it still owes the caller (CF601, CF602,
CF604); an :class:`EscalationPolicy` says when a call should be escalated
(CF401, CF406) and where a request for a manager goes (CF605):

>>> from datetime import timedelta
>>> escalation = Escalation(
...     Target("Network team"),
...     "the switch in room 4 is down",
...     ticket="INC-42",
...     next_steps="a technician checks the switch",
...     timeframe=timedelta(hours=4),
... )
>>> [(breach.rule, breach.field) for breach in check_escalation(escalation)]
[('CF602', 'read_back')]
"""

import enum
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from callflow.clock import check_aware, shift
from callflow.errors import ValidationError
from callflow.records import RuleBreach
from callflow.validators import (
    check_duration,
    check_positive_int,
    check_text,
    duration,
    field_name,
    flag,
    instance_of,
    non_empty_text,
    optional_non_empty_text,
    positive_int,
    to_member,
)

__all__ = [
    "Advice",
    "Escalation",
    "EscalationKind",
    "EscalationPolicy",
    "Situation",
    "Target",
    "TargetKind",
    "Timeframe",
    "TransferStyle",
    "check_escalation",
    "manager_request",
]

_ZERO = timedelta()

Timeframe = datetime | timedelta | str | None
"""When the caller was told to expect the work: a date, a duration, the words said, or none."""


class EscalationKind(enum.Enum):
    """Where an escalation goes: to more skill, or up the hierarchy."""

    FUNCTIONAL = "functional"
    """To more skill (a team, a higher tier, a vendor); the desk keeps ownership."""
    HIERARCHICAL = "hierarchical"
    """To management."""


class TransferStyle(enum.Enum):
    """How the caller is handed on."""

    WARM = "warm"
    """The caller stays connected while the receiver is briefed."""
    COLD = "cold"
    """The caller is not handed on live."""


class TargetKind(enum.Enum):
    """What an escalation target is."""

    TEAM = "team"
    TIER = "tier"
    VENDOR = "vendor"
    MANAGEMENT = "management"


def _target_kind(value: object) -> TargetKind:
    return to_member(TargetKind, "kind", value)


def _escalation_kind(value: object) -> EscalationKind:
    return to_member(EscalationKind, "kind", value)


def _transfer_style(value: object) -> TransferStyle:
    return to_member(TransferStyle, "style", value)


@attrs.frozen
class Target:
    """Where an escalation goes: a team, a tier, a vendor or management.

    A ``TIER`` target gives its tier number; any other kind may give one.

    >>> Target("Tier 2", kind="tier", tier=2)
    Target(name='Tier 2', kind=<TargetKind.TIER: 'tier'>, tier=2)
    """

    name: str = attrs.field(validator=non_empty_text())
    kind: TargetKind = attrs.field(default=TargetKind.TEAM, converter=_target_kind)
    tier: int | None = attrs.field(default=None, validator=positive_int(optional=True))

    def __attrs_post_init__(self) -> None:
        if self.kind is TargetKind.TIER and self.tier is None:
            raise ValidationError("tier", None, "must be given for a target of kind TIER")


def _kind_for(to: object) -> EscalationKind:
    management = getattr(to, "kind", None) is TargetKind.MANAGEMENT
    return EscalationKind.HIERARCHICAL if management else EscalationKind.FUNCTIONAL


def _default_kind(self: "Escalation") -> EscalationKind:
    # Defaults are made before validators run: `to` may not be a Target yet.
    return _kind_for(self.to)


def _kind_fits_target(
    instance: "Escalation | Advice", attribute: "attrs.Attribute[Any]", value: EscalationKind
) -> None:
    # Validators run in field order, after `to`'s own: `to` is a Target here.
    expected = _kind_for(instance.to)
    if value is not expected:
        to = instance.to
        reason = f"must be {expected.name} for {to.name!r}, a target of kind {to.kind.name}"
        raise ValidationError("kind", value, reason)


def _timeframe(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        check_aware("timeframe", value)
    elif isinstance(value, timedelta):
        check_duration("timeframe", value)
    elif isinstance(value, str):
        check_text("timeframe", value)
    else:
        reason = "must be an aware datetime, a positive timedelta, or the words said, as text"
        raise ValidationError("timeframe", value, reason)


@attrs.frozen
class Escalation:
    """A ticket handed on, and what the caller was told about it.

    Args:
        to: where the ticket goes.
        reason: why it goes there.
        from_tier: the tier that hands it on.
        kind: ``HIERARCHICAL`` for a ``MANAGEMENT`` target, ``FUNCTIONAL`` for any
            other; it follows ``to`` when left out, and may not contradict it.
        style: how the caller is handed on (a warm transfer keeps them connected).
        ticket: the ticket number given to the caller.
        next_steps: what happens next, as told to the caller.
        timeframe: when to expect it: an aware datetime or a positive duration.
            Text is accepted only to record what an agent actually said on a
            recorded call ("ASAP"); it is never read as a time (CF604).
        update_every: when no timeframe can be given, how often the caller was
            promised an update (CF604: say so and promise updates).
        read_back: whether the ticket was read back to the caller (CF602).
    """

    to: Target = attrs.field(validator=instance_of(Target))
    reason: str = attrs.field(validator=non_empty_text())
    from_tier: int = attrs.field(default=1, validator=positive_int(), kw_only=True)
    kind: EscalationKind = attrs.field(
        default=attrs.Factory(_default_kind, takes_self=True),
        converter=_escalation_kind,
        validator=_kind_fits_target,
        kw_only=True,
    )
    style: TransferStyle = attrs.field(
        default=TransferStyle.COLD, converter=_transfer_style, kw_only=True
    )
    ticket: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True
    )
    next_steps: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True
    )
    timeframe: Timeframe = attrs.field(default=None, validator=_timeframe, kw_only=True)
    update_every: timedelta | None = attrs.field(
        default=None, validator=duration(optional=True), kw_only=True
    )
    read_back: bool = attrs.field(default=False, validator=flag(), kw_only=True)

    @property
    def desk_keeps_ownership(self) -> bool:
        """Whether the desk still owns the ticket: it does after a functional escalation."""
        return self.kind is EscalationKind.FUNCTIONAL

    def due(self, given_at: datetime) -> datetime | None:
        """When the work is due, for a timeframe given at ``given_at``.

        A datetime is returned as is, a duration is counted from ``given_at``;
        text and no timeframe give ``None``.

        Raises:
            ValidationError: a duration that takes the due time past
                :data:`~callflow.clock.LATEST`.
        """
        given_at = check_aware("given_at", given_at)
        if isinstance(self.timeframe, datetime):
            return self.timeframe
        if isinstance(self.timeframe, timedelta):
            return shift("timeframe", given_at, self.timeframe)
        return None


def check_escalation(escalation: Escalation) -> tuple[RuleBreach, ...]:
    """What an escalation still owes the caller, as breaches of CF601, CF602 and CF604.

    CF601: one breach per missing ticket number, next steps or timeframe (a
    promise of regular updates stands in for a timeframe that cannot be given).
    CF602: the ticket was not read back. CF604: the timeframe is text, not a
    date or a duration. Ticket quality (CF603) is the ticket's own check.
    """
    if not isinstance(escalation, Escalation):
        raise ValidationError("escalation", escalation, "must be an Escalation")
    target = f"escalation to {escalation.to.name}"
    breaches: list[RuleBreach] = []
    if escalation.ticket is None:
        message = f"The {target} gives the caller no ticket number."
        breaches.append(RuleBreach("CF601", message, "ticket"))
    if escalation.next_steps is None:
        message = f"The {target} tells the caller no next steps."
        breaches.append(RuleBreach("CF601", message, "next_steps"))
    if escalation.timeframe is None and escalation.update_every is None:
        message = (
            f"The {target} gives the caller neither a timeframe nor a promise of regular updates."
        )
        breaches.append(RuleBreach("CF601", message, "timeframe"))
    if not escalation.read_back:
        message = f"The ticket was not read back to the caller before the {target}."
        breaches.append(RuleBreach("CF602", message, "read_back"))
    if isinstance(escalation.timeframe, str):
        message = (
            f"The timeframe {escalation.timeframe!r} given for the {target}"
            " is neither a date nor a duration."
        )
        breaches.append(RuleBreach("CF604", message, "timeframe"))
    return tuple(breaches)


_MANAGER = Target("Service desk manager", kind=TargetKind.MANAGEMENT)
_MAJOR_INCIDENT_TEAM = Target("Major incident team")


def manager_request(reason: str, *, to: Target = _MANAGER, from_tier: int = 1) -> Escalation:
    """Record a caller's "I want your manager" as a hierarchical escalation (CF605).

    The request is an escalation like any other: the call goes on through the
    procedure, and the caller is still owed a ticket number, next steps, a
    timeframe and a read-back (:func:`check_escalation`).

    >>> request = manager_request("the caller is unhappy with the wait")
    >>> request.kind, request.to.name
    (<EscalationKind.HIERARCHICAL: 'hierarchical'>, 'Service desk manager')
    """
    return Escalation(to, reason, from_tier=from_tier, kind=EscalationKind.HIERARCHICAL)


def _rights(field: str, value: object) -> frozenset[str]:
    # A collection, not any iterable: an endless generator must not hang the check.
    if isinstance(value, str) or not isinstance(value, Collection):
        raise ValidationError(field, value, "must be a set of access rights, as text")
    for right in value:  # checked before hashing: a list inside is refused, not a TypeError
        if not isinstance(right, str) or not right.strip():
            raise ValidationError(field, value, "must be a set of access rights, as text")
    return frozenset(value)


def _tier_key(field: str, mapping: object, tier: object) -> int:
    if isinstance(tier, bool) or not isinstance(tier, int) or tier < 1:
        raise ValidationError(field, mapping, "must be keyed by tier numbers (1, 2...)")
    return tier


def _tier_access(value: object) -> Mapping[int, frozenset[str]]:
    if not isinstance(value, Mapping):
        raise ValidationError("tier_access", value, "must map tier numbers to access rights")
    return MappingProxyType(
        {
            _tier_key("tier_access", value, tier): _rights("tier_access", rights)
            for tier, rights in value.items()
        }
    )


def _tier_targets(value: object) -> Mapping[int, Target]:
    if not isinstance(value, Mapping):
        raise ValidationError("tier_targets", value, "must map tier numbers to targets")
    targets: dict[int, Target] = {}
    for tier, target in value.items():
        number = _tier_key("tier_targets", value, tier)
        fits = isinstance(target, Target) and target.kind is not TargetKind.MANAGEMENT
        if not fits or target.tier not in (None, number):
            reason = "must map each tier number to a non-management Target of that tier"
            raise ValidationError("tier_targets", value, reason)
        targets[number] = target
    return MappingProxyType(targets)


def _access_needed(value: object) -> frozenset[str]:
    return _rights("access_needed", value)


def _management(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Target) or value.kind is not TargetKind.MANAGEMENT:
        raise ValidationError("management", value, "must be a Target of kind MANAGEMENT")


def _skill(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Target) or value.kind is TargetKind.MANAGEMENT:
        reason = "must be a Target of kind TEAM, TIER or VENDOR"
        raise ValidationError(field_name(attribute), value, reason)


def _several(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValidationError(field_name(attribute), value, "must be a whole number of at least 2")


@attrs.frozen(kw_only=True)
class Situation:
    """What an agent knows when deciding whether to escalate.

    Args:
        users_affected: how many users the problem affects.
        troubleshooting_time: how long troubleshooting has run so far.
        diagnosed: whether a diagnosis has been reached.
        tier: the agent's tier.
        access_needed: the access rights the fix needs.
        manager_requested: whether the caller asked for a manager.
    """

    users_affected: int = attrs.field(default=1, validator=positive_int())
    troubleshooting_time: timedelta = attrs.field(default=_ZERO, validator=duration(zero=True))
    diagnosed: bool = attrs.field(default=False, validator=flag())
    tier: int = attrs.field(default=1, validator=positive_int())
    access_needed: frozenset[str] = attrs.field(default=frozenset(), converter=_access_needed)
    manager_requested: bool = attrs.field(default=False, validator=flag())


@attrs.frozen
class Advice:
    """A reason to escalate, with the rule behind it and where to go.

    Attributes:
        rule: the rule code (CF401, CF406 or CF605).
        to: where to escalate.
        kind: functional or hierarchical.
        reason: why, as the escalation's reason.
        from_tier: the tier that would hand the ticket on.
    """

    rule: str = attrs.field(validator=non_empty_text())
    to: Target = attrs.field(validator=instance_of(Target))
    kind: EscalationKind = attrs.field(converter=_escalation_kind, validator=_kind_fits_target)
    reason: str = attrs.field(validator=non_empty_text())
    from_tier: int = attrs.field(default=1, validator=positive_int())

    def escalation(
        self,
        *,
        style: TransferStyle = TransferStyle.COLD,
        ticket: str | None = None,
        next_steps: str | None = None,
        timeframe: Timeframe = None,
        update_every: timedelta | None = None,
        read_back: bool = False,
    ) -> Escalation:
        """The escalation this advice calls for, with whatever the caller was told."""
        return Escalation(
            self.to,
            self.reason,
            from_tier=self.from_tier,
            kind=self.kind,
            style=style,
            ticket=ticket,
            next_steps=next_steps,
            timeframe=timeframe,
            update_every=update_every,
            read_back=read_back,
        )


@attrs.frozen(kw_only=True)
class EscalationPolicy:
    """When to escalate, and where to (every threshold is configurable).

    Args:
        major_incident_users: a problem affecting this many users or more goes
            to ``major_incident_team`` (CF401).
        major_incident_team: where major incidents go.
        troubleshooting_budget: troubleshooting past this with no diagnosis
            calls for the next tier (CF406); exactly at it is still fine.
        tier_access: the access rights each tier has (a tier not named has none). A
            fix needing rights the agent's tier lacks goes to the lowest tier above
            that has all of them, else to the next tier (CF406).
        tier_targets: the target that stands for each tier (default: "Tier N").
        management: where requests for a manager are routed (CF605).
    """

    major_incident_users: int = attrs.field(default=2, validator=_several)
    major_incident_team: Target = attrs.field(default=_MAJOR_INCIDENT_TEAM, validator=_skill)
    troubleshooting_budget: timedelta = attrs.field(
        default=timedelta(minutes=10), validator=duration()
    )
    tier_access: Mapping[int, frozenset[str]] = attrs.field(
        factory=dict, converter=_tier_access, hash=False
    )
    tier_targets: Mapping[int, Target] = attrs.field(
        factory=dict, converter=_tier_targets, hash=False
    )
    management: Target = attrs.field(default=_MANAGER, validator=_management)

    def tier_target(self, tier: int) -> Target:
        """The target that stands for ``tier``."""
        tier = check_positive_int("tier", tier)
        return self.tier_targets.get(tier) or Target(
            f"Tier {tier}", kind=TargetKind.TIER, tier=tier
        )

    def next_tier(self, tier: int) -> Target:
        """The target of the tier above ``tier``."""
        return self.tier_target(check_positive_int("tier", tier) + 1)

    def advise(self, situation: Situation) -> tuple[Advice, ...]:
        """Every reason the policy sees to escalate, in rule order (none: carry on)."""
        if not isinstance(situation, Situation):
            raise ValidationError("situation", situation, "must be a Situation")
        tier = situation.tier
        advice: list[Advice] = []
        functional = EscalationKind.FUNCTIONAL
        if situation.users_affected >= self.major_incident_users:
            reason = f"a problem affecting {situation.users_affected} users is a major incident"
            advice.append(Advice("CF401", self.major_incident_team, functional, reason, tier))
        over = situation.troubleshooting_time > self.troubleshooting_budget
        if over and not situation.diagnosed:
            reason = (
                f"troubleshooting ran {situation.troubleshooting_time}, past the"
                f" {self.troubleshooting_budget} budget, with no diagnosis"
            )
            advice.append(Advice("CF406", self.next_tier(tier), functional, reason, tier))
        missing = situation.access_needed - self.tier_access.get(tier, frozenset())
        if missing:
            reason = f"the fix needs access tier {tier} does not have: {', '.join(sorted(missing))}"
            advice.append(Advice("CF406", self._tier_with(missing, tier), functional, reason, tier))
        if situation.manager_requested:
            reason = "the caller asked for a manager"
            hierarchical = EscalationKind.HIERARCHICAL
            advice.append(Advice("CF605", self.management, hierarchical, reason, tier))
        return tuple(advice)

    def _tier_with(self, rights: frozenset[str], above: int) -> Target:
        """The lowest tier above ``above`` that has all of ``rights``, else the next tier."""
        for tier in sorted(self.tier_access):
            if tier > above and rights <= self.tier_access[tier]:
                return self.tier_target(tier)
        return self.next_tier(above)
