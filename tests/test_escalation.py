"""Escalations, their checks (CF601, CF602, CF604), manager requests (CF605) and the policy."""

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from callflow.errors import ValidationError
from callflow.escalation import (
    Advice,
    Escalation,
    EscalationKind,
    EscalationPolicy,
    Situation,
    Target,
    TargetKind,
    Timeframe,
    TransferStyle,
    check_escalation,
    manager_request,
)
from callflow.records import RuleBreach

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NETWORK = Target("Network team")
MANAGER = Target("Desk manager", kind=TargetKind.MANAGEMENT)
COMPLETE = Escalation(
    NETWORK,
    "the switch in room 4 is down",
    ticket="INC-42",
    next_steps="a technician checks the switch",
    timeframe=timedelta(hours=4),
    read_back=True,
)


def rules_and_fields(breaches: tuple[RuleBreach, ...]) -> list[tuple[str, str | None]]:
    return [(breach.rule, breach.field) for breach in breaches]


class TestTarget:
    def test_defaults_to_a_team_with_no_tier(self) -> None:
        """A target is a team unless told otherwise."""
        assert (TargetKind.TEAM, None) == (NETWORK.kind, NETWORK.tier)

    def test_kind_accepts_its_value_as_text(self) -> None:
        """``kind`` takes a TargetKind member or its value."""
        assert TargetKind.VENDOR == Target("Acme Printers", kind="vendor").kind

    def test_a_tier_target_needs_its_tier(self) -> None:
        """A TIER target without a tier number is refused, naming ``tier``."""
        with pytest.raises(ValidationError, match="'tier' must be given") as caught:
            Target("Second level", kind=TargetKind.TIER)
        assert "tier" == caught.value.field

    @pytest.mark.parametrize(
        ("kwargs", "field", "match"),
        [
            ({"name": " "}, "name", "'name' must be non-empty text"),
            ({"name": "X", "kind": "boss"}, "kind", "'kind' must be 'team', 'tier', 'vendor'"),
            ({"name": "X", "tier": 0}, "tier", "'tier' must be a positive whole number"),
            ({"name": "X", "tier": True}, "tier", "'tier' must be a positive whole number"),
        ],
    )
    def test_bad_fields_are_named(self, kwargs: dict[str, object], field: str, match: str) -> None:
        """Each bad argument raises ValidationError naming its field."""
        with pytest.raises(ValidationError, match=match) as caught:
            Target(**kwargs)  # type: ignore[arg-type]
        assert field == caught.value.field


class TestEscalation:
    def test_defaults(self) -> None:
        """From tier 1, functional, cold, nothing told yet, not read back."""
        escalation = Escalation(NETWORK, "needs a switch engineer")
        assert (1, EscalationKind.FUNCTIONAL, TransferStyle.COLD, False) == (
            escalation.from_tier,
            escalation.kind,
            escalation.style,
            escalation.read_back,
        )
        assert (None, None, None, None) == (
            escalation.ticket,
            escalation.next_steps,
            escalation.timeframe,
            escalation.update_every,
        )

    def test_kind_follows_a_management_target(self) -> None:
        """Left out, ``kind`` is HIERARCHICAL for a MANAGEMENT target; the desk lets go."""
        escalation = Escalation(MANAGER, "the caller disputes the charge")
        assert (EscalationKind.HIERARCHICAL, False) == (
            escalation.kind,
            escalation.desk_keeps_ownership,
        )

    def test_functional_escalation_keeps_ownership(self) -> None:
        """The desk keeps ownership of a functional escalation."""
        assert COMPLETE.desk_keeps_ownership

    @pytest.mark.parametrize(
        ("to", "kind", "match"),
        [
            (NETWORK, EscalationKind.HIERARCHICAL, "'kind' must be FUNCTIONAL for 'Network team'"),
            (MANAGER, "functional", "'kind' must be HIERARCHICAL for 'Desk manager'"),
        ],
    )
    def test_kind_may_not_contradict_the_target(self, to: Target, kind: object, match: str) -> None:
        """Hierarchical goes to management and only there."""
        with pytest.raises(ValidationError, match=match) as caught:
            Escalation(to, "reason", kind=kind)
        assert "kind" == caught.value.field

    def test_style_and_kind_accept_their_values_as_text(self) -> None:
        """``style`` and ``kind`` take enum members or their values."""
        escalation = Escalation(NETWORK, "reason", kind="functional", style="warm")
        assert (EscalationKind.FUNCTIONAL, TransferStyle.WARM) == (
            escalation.kind,
            escalation.style,
        )

    @pytest.mark.parametrize(
        ("kwargs", "field", "match"),
        [
            ({"to": "Network team"}, "to", "'to' must be a Target"),
            ({"reason": ""}, "reason", "'reason' must be non-empty text"),
            ({"from_tier": 0}, "from_tier", "'from_tier' must be a positive whole number"),
            ({"style": "lukewarm"}, "style", "'style' must be 'warm' or 'cold'"),
            ({"ticket": " "}, "ticket", "'ticket' must be non-empty text"),
            ({"next_steps": 3}, "next_steps", "'next_steps' must be non-empty text"),
            ({"timeframe": datetime(2026, 3, 3)}, "timeframe", "must be a timezone-aware"),
            ({"timeframe": timedelta(0)}, "timeframe", "'timeframe' must be a positive timedelta"),
            ({"timeframe": -timedelta(hours=1)}, "timeframe", "must be a positive timedelta"),
            ({"timeframe": "  "}, "timeframe", "'timeframe' must be non-empty text"),
            ({"timeframe": 4}, "timeframe", "'timeframe' must be an aware datetime, a positive"),
            ({"update_every": timedelta(0)}, "update_every", "'update_every' must be a positive"),
            ({"update_every": 3600}, "update_every", "'update_every' must be a positive"),
            ({"read_back": "yes"}, "read_back", "'read_back' must be True or False"),
        ],
    )
    def test_bad_fields_are_named(self, kwargs: dict[str, object], field: str, match: str) -> None:
        """Each bad argument raises ValidationError naming its field and quoting the value."""
        arguments: dict[str, object] = {"to": NETWORK, "reason": "reason", **kwargs}
        with pytest.raises(ValidationError, match=match) as caught:
            Escalation(**arguments)  # type: ignore[arg-type]
        assert (field, kwargs[field]) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize(
        ("timeframe", "expected"),
        [
            (datetime(2026, 3, 3, 17, 0, tzinfo=UTC), datetime(2026, 3, 3, 17, 0, tzinfo=UTC)),
            (timedelta(hours=4), AT + timedelta(hours=4)),
            ("ASAP", None),
            (None, None),
        ],
    )
    def test_due_resolves_the_timeframe(
        self, timeframe: Timeframe, expected: datetime | None
    ) -> None:
        """A date is due as is, a duration from when it was given; text and nothing give None."""
        escalation = Escalation(NETWORK, "reason", timeframe=timeframe)
        assert expected == escalation.due(AT)

    def test_due_needs_an_aware_time(self) -> None:
        """``given_at`` must be timezone-aware."""
        with pytest.raises(ValidationError, match="'given_at' must be a timezone-aware") as caught:
            COMPLETE.due(datetime(2026, 3, 2, 9, 0))
        assert "given_at" == caught.value.field


class TestCheckEscalation:
    def test_a_complete_escalation_owes_nothing(self) -> None:
        """Ticket, next steps, a timeframe and a read-back: no breach."""
        assert () == check_escalation(COMPLETE)

    @pytest.mark.parametrize("field", ["ticket", "next_steps", "timeframe"])
    def test_cf601_for_each_missing_part(self, field: str) -> None:
        """Each missing part is one CF601 breach naming the field."""
        incomplete = attrs.evolve(COMPLETE, **{field: None})  # type: ignore[arg-type]
        assert [("CF601", field)] == rules_and_fields(check_escalation(incomplete))

    def test_cf601_messages_say_what_is_missing(self) -> None:
        """The messages name the target and the part missing, one sentence each."""
        messages = [b.message for b in check_escalation(Escalation(NETWORK, "reason"))][:3]
        assert [
            "The escalation to Network team gives the caller no ticket number.",
            "The escalation to Network team tells the caller no next steps.",
            "The escalation to Network team gives the caller neither a timeframe"
            " nor a promise of regular updates.",
        ] == messages

    def test_promised_updates_stand_in_for_a_timeframe(self) -> None:
        """CF604: when no timeframe can be given, promising updates satisfies CF601."""
        honest = attrs.evolve(COMPLETE, timeframe=None, update_every=timedelta(hours=2))
        assert () == check_escalation(honest)

    def test_cf602_when_not_read_back(self) -> None:
        """An escalation whose ticket was not read back is a CF602 breach on ``read_back``."""
        breaches = check_escalation(attrs.evolve(COMPLETE, read_back=False))
        assert [("CF602", "read_back")] == rules_and_fields(breaches)
        expected = (
            "The ticket was not read back to the caller before the escalation to Network team."
        )
        assert expected == breaches[0].message

    @pytest.mark.parametrize("said", ["ASAP", "as soon as possible", "2026-03-03"])
    def test_cf604_when_the_timeframe_is_text(self, said: str) -> None:
        """Text is never a timeframe, even text that looks like a date; the message quotes it."""
        breaches = check_escalation(attrs.evolve(COMPLETE, timeframe=said))
        assert [("CF604", "timeframe")] == rules_and_fields(breaches)
        assert f"The timeframe {said!r} given for the escalation" in breaches[0].message

    def test_cf604_even_with_promised_updates(self) -> None:
        """Promising updates does not excuse saying "ASAP"."""
        breaches = check_escalation(
            attrs.evolve(COMPLETE, timeframe="ASAP", update_every=timedelta(hours=1))
        )
        assert [("CF604", "timeframe")] == rules_and_fields(breaches)

    def test_a_date_is_not_cf604(self) -> None:
        """An aware datetime is a timeframe."""
        dated = attrs.evolve(COMPLETE, timeframe=datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
        assert () == check_escalation(dated)

    def test_refuses_what_is_not_an_escalation(self) -> None:
        """Checking anything else is a ValidationError naming ``escalation``."""
        with pytest.raises(ValidationError, match="'escalation' must be an Escalation") as caught:
            check_escalation("INC-42")  # type: ignore[arg-type]
        assert "escalation" == caught.value.field

    @given(st.data())
    def test_breaches_are_exactly_what_is_owed(self, data: st.DataObject) -> None:
        """For any escalation: CF601 per missing part, CF602 iff not read back, CF604 iff text."""
        escalation = data.draw(escalations())
        breaches = check_escalation(escalation)
        missing = [
            field
            for field, absent in (
                ("ticket", escalation.ticket is None),
                ("next_steps", escalation.next_steps is None),
                ("timeframe", escalation.timeframe is None and escalation.update_every is None),
            )
            if absent
        ]
        assert missing == [b.field for b in breaches if b.rule == "CF601"]
        assert (not escalation.read_back) == any(b.rule == "CF602" for b in breaches)
        assert isinstance(escalation.timeframe, str) == any(b.rule == "CF604" for b in breaches)


class TestManagerRequest:
    def test_is_a_hierarchical_escalation_to_management(self) -> None:
        """CF605: "I want your manager" is recorded as a hierarchical escalation."""
        request = manager_request("the caller wants a refund", from_tier=2)
        assert (EscalationKind.HIERARCHICAL, TargetKind.MANAGEMENT, 2) == (
            request.kind,
            request.to.kind,
            request.from_tier,
        )
        assert "the caller wants a refund" == request.reason

    def test_skips_nothing_the_caller_is_owed(self) -> None:
        """A manager request still owes a ticket, next steps, a timeframe and a read-back."""
        assert [
            ("CF601", "ticket"),
            ("CF601", "next_steps"),
            ("CF601", "timeframe"),
            ("CF602", "read_back"),
        ] == rules_and_fields(check_escalation(manager_request("unhappy")))

    def test_goes_to_the_given_manager(self) -> None:
        """``to`` names another manager."""
        assert MANAGER == manager_request("unhappy", to=MANAGER).to

    def test_refuses_a_target_that_is_not_management(self) -> None:
        """A manager request to a team is refused on ``kind``."""
        with pytest.raises(ValidationError, match="'kind' must be FUNCTIONAL") as caught:
            manager_request("unhappy", to=NETWORK)
        assert "kind" == caught.value.field


class TestPolicy:
    POLICY = EscalationPolicy()

    def test_a_calm_situation_needs_no_escalation(self) -> None:
        """One user, no time spent, no access needed, no manager asked for: no advice."""
        assert () == self.POLICY.advise(Situation())

    def test_cf401_several_users_go_to_the_major_incident_team(self) -> None:
        """Two users (the default threshold) make a major incident."""
        (advice,) = self.POLICY.advise(Situation(users_affected=2))
        assert ("CF401", "Major incident team", EscalationKind.FUNCTIONAL) == (
            advice.rule,
            advice.to.name,
            advice.kind,
        )
        assert "a problem affecting 2 users is a major incident" == advice.reason

    def test_cf401_threshold_is_configurable(self) -> None:
        """Below the threshold, no CF401."""
        policy = EscalationPolicy(major_incident_users=5)
        assert () == policy.advise(Situation(users_affected=4))
        assert ["CF401"] == [a.rule for a in policy.advise(Situation(users_affected=5))]

    def test_cf406_exactly_at_the_budget_is_fine(self) -> None:
        """Ten minutes of troubleshooting, undiagnosed, is still within the budget."""
        assert () == self.POLICY.advise(Situation(troubleshooting_time=timedelta(minutes=10)))

    def test_cf406_past_the_budget_with_no_diagnosis_goes_to_the_next_tier(self) -> None:
        """Past the budget with no diagnosis: go to the tier above."""
        situation = Situation(troubleshooting_time=timedelta(minutes=10, seconds=1), tier=2)
        (advice,) = self.POLICY.advise(situation)
        assert ("CF406", Target("Tier 3", kind=TargetKind.TIER, tier=3), 2) == (
            advice.rule,
            advice.to,
            advice.from_tier,
        )
        assert "troubleshooting ran 0:10:01, past the 0:10:00 budget" in advice.reason

    def test_cf406_not_once_diagnosed(self) -> None:
        """A diagnosis reached late needs no escalation for time."""
        situation = Situation(troubleshooting_time=timedelta(hours=1), diagnosed=True)
        assert () == self.POLICY.advise(situation)

    def test_cf406_access_the_tier_has_is_fine(self) -> None:
        """A fix within the tier's access rights needs no escalation."""
        policy = EscalationPolicy(tier_access={1: {"password-reset"}})
        assert () == policy.advise(Situation(access_needed={"password-reset"}))

    def test_cf406_access_beyond_the_tier_goes_where_the_access_is(self) -> None:
        """The lowest tier above that has every right needed is advised."""
        policy = EscalationPolicy(
            tier_access={1: {"password-reset"}, 2: {"vpn"}, 3: {"vpn", "domain-admin"}},
            tier_targets={3: Target("Infrastructure", tier=3)},
        )
        (advice,) = policy.advise(Situation(access_needed={"domain-admin", "password-reset"}))
        assert ("CF406", "Infrastructure") == (advice.rule, advice.to.name)
        expected = "the fix needs access tier 1 does not have: domain-admin"
        assert expected == advice.reason

    def test_cf406_access_no_tier_has_goes_to_the_next_tier(self) -> None:
        """With no tier known to have the rights, the next tier is advised."""
        (advice,) = self.POLICY.advise(Situation(access_needed={"root"}))
        assert ("CF406", "Tier 2") == (advice.rule, advice.to.name)

    def test_cf605_a_manager_request_is_routed_to_management(self) -> None:
        """A request for a manager goes to the policy's management, hierarchically."""
        policy = EscalationPolicy(management=MANAGER)
        (advice,) = policy.advise(Situation(manager_requested=True))
        assert ("CF605", MANAGER, EscalationKind.HIERARCHICAL) == (
            advice.rule,
            advice.to,
            advice.kind,
        )

    def test_advice_comes_in_rule_order(self) -> None:
        """Every reason at once: CF401, CF406 for time, CF406 for access, CF605."""
        situation = Situation(
            users_affected=40,
            troubleshooting_time=timedelta(minutes=30),
            access_needed={"root"},
            manager_requested=True,
        )
        assert ["CF401", "CF406", "CF406", "CF605"] == [
            a.rule for a in self.POLICY.advise(situation)
        ]

    def test_advice_becomes_an_escalation(self) -> None:
        """An advice gives the escalation it calls for, with what the caller was told."""
        (advice,) = self.POLICY.advise(Situation(manager_requested=True, tier=2))
        escalation = advice.escalation(
            ticket="INC-7", next_steps="the manager calls you", update_every=timedelta(days=1)
        )
        assert (EscalationKind.HIERARCHICAL, 2, "the caller asked for a manager") == (
            escalation.kind,
            escalation.from_tier,
            escalation.reason,
        )
        assert [("CF602", "read_back")] == rules_and_fields(check_escalation(escalation))

    def test_tier_targets(self) -> None:
        """Tiers are named "Tier N" unless the policy names them."""
        policy = EscalationPolicy(tier_targets={2: Target("Second level", kind="tier", tier=2)})
        assert ("Second level", "Tier 3") == (policy.next_tier(1).name, policy.next_tier(2).name)

    @pytest.mark.parametrize(
        ("kwargs", "field", "match"),
        [
            ({"major_incident_users": 1}, "major_incident_users", "at least 2"),
            ({"major_incident_team": "MIT"}, "major_incident_team", "must be a Target"),
            ({"major_incident_team": MANAGER}, "major_incident_team", "of kind TEAM, TIER"),
            ({"troubleshooting_budget": timedelta(0)}, "troubleshooting_budget", "positive"),
            ({"troubleshooting_budget": 600}, "troubleshooting_budget", "positive"),
            ({"tier_access": ["vpn"]}, "tier_access", "must map tier numbers"),
            ({"tier_access": {0: {"vpn"}}}, "tier_access", "keyed by tier numbers"),
            ({"tier_access": {1: "vpn"}}, "tier_access", "set of access rights"),
            ({"tier_access": {1: {""}}}, "tier_access", "set of access rights"),
            ({"tier_targets": {2: "Tier 2"}}, "tier_targets", "Target of that tier"),
            ({"tier_targets": {2: Target("T", tier=3)}}, "tier_targets", "of that tier"),
            ({"tier_targets": {2: MANAGER}}, "tier_targets", "non-management Target"),
            ({"tier_targets": "Tier 2"}, "tier_targets", "must map tier numbers"),
            ({"management": NETWORK}, "management", "of kind MANAGEMENT"),
        ],
    )
    def test_bad_policy_fields_are_named(
        self, kwargs: dict[str, object], field: str, match: str
    ) -> None:
        """Each bad threshold raises ValidationError naming its field."""
        with pytest.raises(ValidationError, match=match) as caught:
            EscalationPolicy(**kwargs)  # type: ignore[arg-type]
        assert field == caught.value.field

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"users_affected": 0}, "users_affected"),
            ({"troubleshooting_time": -timedelta(seconds=1)}, "troubleshooting_time"),
            ({"troubleshooting_time": 60}, "troubleshooting_time"),
            ({"diagnosed": 1}, "diagnosed"),
            ({"tier": 0}, "tier"),
            ({"access_needed": "vpn"}, "access_needed"),
            ({"manager_requested": None}, "manager_requested"),
        ],
    )
    def test_bad_situations_are_named(self, kwargs: dict[str, object], field: str) -> None:
        """Each bad fact raises ValidationError naming its field."""
        with pytest.raises(ValidationError) as caught:
            Situation(**kwargs)  # type: ignore[arg-type]
        assert field == caught.value.field

    def test_advise_refuses_what_is_not_a_situation(self) -> None:
        """advise() takes a Situation."""
        with pytest.raises(ValidationError, match="'situation' must be a Situation") as caught:
            self.POLICY.advise({"users_affected": 3})  # type: ignore[arg-type]
        assert "situation" == caught.value.field

    def test_advice_fields_are_checked(self) -> None:
        """A hand-made Advice is validated like the rest."""
        with pytest.raises(ValidationError, match="'to' must be a Target"):
            Advice("CF401", "MIT", EscalationKind.FUNCTIONAL, "major")  # type: ignore[arg-type]

    def test_policy_is_hashable(self) -> None:
        """A frozen policy can be a key, its mappings aside."""
        assert hash(EscalationPolicy()) == hash(EscalationPolicy())

    @given(
        users=st.integers(min_value=1, max_value=50),
        threshold=st.integers(min_value=2, max_value=50),
        seconds=st.integers(min_value=0, max_value=3600),
        budget=st.integers(min_value=1, max_value=3600),
        diagnosed=st.booleans(),
    )
    def test_advice_follows_the_thresholds(
        self, users: int, threshold: int, seconds: int, budget: int, diagnosed: bool
    ) -> None:
        """CF401 iff users >= threshold; CF406 iff past the budget with no diagnosis."""
        policy = EscalationPolicy(
            major_incident_users=threshold, troubleshooting_budget=timedelta(seconds=budget)
        )
        situation = Situation(
            users_affected=users,
            troubleshooting_time=timedelta(seconds=seconds),
            diagnosed=diagnosed,
        )
        rules = [advice.rule for advice in policy.advise(situation)]
        expected = ["CF401"] * (users >= threshold) + ["CF406"] * (
            seconds > budget and not diagnosed
        )
        assert expected == rules


def _texts() -> SearchStrategy[str]:
    return st.text(min_size=1, max_size=8).filter(str.strip)


def _timeframes() -> SearchStrategy[Timeframe]:
    return st.one_of(
        st.none(),
        _texts(),
        st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
        st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        ),
    )


def escalations() -> SearchStrategy[Escalation]:
    """Escalations to any kind of target, with any parts given or left out."""
    targets = st.builds(
        Target,
        name=_texts(),
        kind=st.sampled_from(TargetKind),
        tier=st.integers(min_value=1, max_value=4),
    )
    return st.builds(
        Escalation,
        to=targets,
        reason=_texts(),
        from_tier=st.integers(min_value=1, max_value=3),
        style=st.sampled_from(TransferStyle),
        ticket=st.none() | _texts(),
        next_steps=st.none() | _texts(),
        timeframe=_timeframes(),
        update_every=st.none() | st.timedeltas(min_value=timedelta(minutes=1)),
        read_back=st.booleans(),
    )
