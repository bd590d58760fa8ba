"""Promises and the promise ledger (CF607): due times, keeping, lateness, breaches."""

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.errors import NotFoundError, ValidationError
from callflow.promises import Promise, PromiseKind, PromiseLedger

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
CALLBACK = PromiseKind.CALLBACK
UPDATE = PromiseKind.STATUS_UPDATE


def a_promise(**changes: object) -> Promise:
    fields: dict[str, object] = {
        "id": "P1",
        "kind": CALLBACK,
        "to": "Ana Souza",
        "what": "call back about the printer",
        "made_at": AT,
        "due": AT + HOUR,
        **changes,
    }
    return Promise(**fields)  # type: ignore[arg-type]


def a_ledger() -> PromiseLedger:
    """Three promises: Ana's callback due at 10:00, Bo's update at 11:00, Ana's update at 9:30."""
    ledger = PromiseLedger()
    ledger.promise(CALLBACK, "Ana Souza", "call back about the printer", made_at=AT, due=HOUR)
    ledger.promise(
        UPDATE, "Bo Lin", "status of the VPN ticket", made_at=AT, due=2 * HOUR, ticket="INC-7"
    )
    ledger.promise(
        "status_update",
        "Ana Souza",
        "news from the vendor",
        made_at=AT,
        due=AT + timedelta(minutes=30),
        made_by="Bill",
        ticket="INC-9",
    )
    return ledger


class TestPromise:
    def test_open_promise_is_overdue_only_after_its_due_time(self) -> None:
        """Exactly at the due time is on time; a moment later it is overdue and late."""
        promise = a_promise()
        assert (False, False, False) == (
            promise.kept,
            promise.overdue(AT + HOUR),
            promise.late(AT + HOUR),
        )
        later = AT + HOUR + timedelta(seconds=1)
        assert (True, True) == (promise.overdue(later), promise.late(later))

    def test_kept_on_time_is_never_late(self) -> None:
        """A promise kept by its due time is neither overdue nor late, however late ``now`` is."""
        promise = a_promise(kept_at=AT + HOUR)
        now = AT + 10 * HOUR
        assert (True, False, False) == (promise.kept, promise.overdue(now), promise.late(now))

    def test_kept_after_due_is_late_but_not_overdue(self) -> None:
        """A promise kept after its due time was late; it is no longer overdue."""
        promise = a_promise(kept_at=AT + 2 * HOUR)
        now = AT + 3 * HOUR
        assert (False, True) == (promise.overdue(now), promise.late(now))

    def test_kind_accepts_its_value(self) -> None:
        """``kind`` takes a PromiseKind or its value."""
        assert UPDATE == a_promise(kind="status_update").kind

    def test_times_compare_across_time_zones(self) -> None:
        """Due times in other zones compare as instants."""
        lisbon_plus_two = timezone(timedelta(hours=2))
        promise = a_promise(due=datetime(2026, 3, 2, 12, 0, tzinfo=lisbon_plus_two))  # 10:00 UTC
        assert (False, True) == (
            promise.overdue(AT + HOUR),
            promise.overdue(AT + HOUR + timedelta(minutes=1)),
        )

    @pytest.mark.parametrize(
        ("changes", "field", "match"),
        [
            ({"id": ""}, "id", "'id' must be non-empty text"),
            ({"kind": "email"}, "kind", "'kind' must be 'callback' or 'status_update'"),
            ({"to": None}, "to", "'to' must be non-empty text"),
            ({"what": " "}, "what", "'what' must be non-empty text"),
            ({"made_at": datetime(2026, 3, 2, 9, 0)}, "made_at", "must be a timezone-aware"),
            ({"due": datetime(2026, 3, 2, 10, 0)}, "due", "'due' must be a timezone-aware"),
            ({"due": AT - HOUR}, "due", "'due' must not be before the promise was made"),
            ({"due": HOUR}, "due", "'due' must be a timezone-aware"),
            ({"made_by": ""}, "made_by", "'made_by' must be non-empty text"),
            ({"ticket": 42}, "ticket", "'ticket' must be non-empty text"),
            ({"kept_at": AT - HOUR}, "kept_at", "'kept_at' must not be before"),
            ({"kept_at": "now"}, "kept_at", "'kept_at' must be a timezone-aware"),
        ],
    )
    def test_bad_fields_are_named(self, changes: dict[str, object], field: str, match: str) -> None:
        """Each bad field raises ValidationError naming it and quoting the value."""
        with pytest.raises(ValidationError, match=match) as caught:
            a_promise(**changes)
        assert (field, changes[field]) == (caught.value.field, caught.value.value)

    def test_now_must_be_aware(self) -> None:
        """``now`` is checked, never compared naively."""
        with pytest.raises(ValidationError, match="'now' must be a timezone-aware") as caught:
            a_promise().overdue(datetime(2026, 3, 2, 11, 0))
        assert "now" == caught.value.field


class TestLedger:
    def test_ids_run_in_order(self) -> None:
        """Promises get ids P1, P2, P3 in the order made; iteration keeps that order."""
        ledger = a_ledger()
        assert (3, ["P1", "P2", "P3"]) == (len(ledger), [p.id for p in ledger])

    def test_a_duration_is_counted_from_when_it_was_made(self) -> None:
        """``due`` as a timedelta is relative to ``made_at``."""
        assert AT + 2 * HOUR == a_ledger().get("P2").due

    def test_promise_keeps_what_it_was_given(self) -> None:
        """Every argument ends up on the promise."""
        expected = Promise(
            "P3",
            UPDATE,
            "Ana Souza",
            "news from the vendor",
            AT,
            AT + timedelta(minutes=30),
            made_by="Bill",
            ticket="INC-9",
        )
        assert expected == a_ledger().get("P3")

    def test_a_refused_promise_uses_no_id(self) -> None:
        """A promise refused for a bad argument is not recorded and takes no id."""
        ledger = PromiseLedger()
        with pytest.raises(ValidationError, match="'due' must not be a negative duration"):
            ledger.promise(CALLBACK, "Ana", "call back", made_at=AT, due=-HOUR)
        with pytest.raises(ValidationError) as caught:
            ledger.promise(CALLBACK, "Ana", "call back", made_at=AT, due=AT - HOUR)
        assert "due" == caught.value.field
        with pytest.raises(ValidationError) as caught:
            ledger.promise(CALLBACK, "Ana", "call back", made_at=AT.replace(tzinfo=None), due=HOUR)
        assert "made_at" == caught.value.field
        assert "P1" == ledger.promise(CALLBACK, "Ana", "call back", made_at=AT, due=HOUR).id

    def test_keep_marks_the_promise_kept(self) -> None:
        """keep() returns the promise kept, and the ledger holds that version."""
        ledger = a_ledger()
        kept = ledger.keep("P2", AT + HOUR)
        assert attrs.evolve(ledger.get("P2"), kept_at=None) == attrs.evolve(kept, kept_at=None)
        assert (AT + HOUR, kept) == (kept.kept_at, ledger.get("P2"))
        assert ["P1", "P3"] == [p.id for p in ledger.open()]

    def test_keep_an_unknown_promise(self) -> None:
        """An unknown id raises NotFoundError carrying the kind and the key."""
        with pytest.raises(NotFoundError, match="no promise 'P9'") as caught:
            a_ledger().keep("P9", AT)
        assert ("promise", "P9") == (caught.value.kind, caught.value.key)

    def test_keep_twice_is_refused(self) -> None:
        """A promise is kept once; the second keep names ``promise_id``."""
        ledger = a_ledger()
        ledger.keep("P1", AT + HOUR)
        with pytest.raises(ValidationError, match="'promise_id' names a promise kept already"):
            ledger.keep("P1", AT + 2 * HOUR)
        assert AT + HOUR == ledger.get("P1").kept_at

    def test_keep_before_it_was_made_is_refused(self) -> None:
        """``at`` may not come before the promise was made."""
        with pytest.raises(ValidationError, match="'at' must not be before") as caught:
            a_ledger().keep("P1", AT - timedelta(minutes=1))
        assert "at" == caught.value.field

    def test_get_checks_its_key(self) -> None:
        """get() names ``promise_id`` for a non-text id, NotFoundError for an unknown one."""
        ledger = a_ledger()
        with pytest.raises(ValidationError) as caught:
            ledger.get(["P1"])  # type: ignore[arg-type]
        assert "promise_id" == caught.value.field
        with pytest.raises(NotFoundError):
            ledger.get("p1")

    def test_overdue_lists_the_most_overdue_first(self) -> None:
        """Open promises past due, earliest due first; exactly-due ones are not yet overdue."""
        ledger = a_ledger()
        assert ["P3"] == [p.id for p in ledger.overdue(AT + HOUR)]
        assert ["P3", "P1"] == [p.id for p in ledger.overdue(AT + HOUR + timedelta(seconds=1))]
        ledger.keep("P3", AT + 2 * HOUR)
        assert ["P1", "P2"] == [p.id for p in ledger.overdue(AT + 3 * HOUR)]

    def test_cf607_nothing_due_yet_is_no_breach(self) -> None:
        """Before anything falls due, and for promises kept on time, there is no breach."""
        ledger = a_ledger()
        assert () == ledger.breaches(AT + timedelta(minutes=30))
        ledger.keep("P3", AT + timedelta(minutes=30))
        ledger.keep("P1", AT + HOUR)
        assert () == ledger.breaches(AT + timedelta(minutes=90))

    def test_cf607_overdue_and_kept_late_are_breaches(self) -> None:
        """One CF607 per promise still open past due or kept late, in the order made."""
        ledger = a_ledger()
        ledger.keep("P3", AT + HOUR)
        breaches = ledger.breaches(AT + 90 * MINUTE)
        assert [("CF607", "due"), ("CF607", "due")] == [(b.rule, b.field) for b in breaches]
        assert [
            "Promise P1 to Ana Souza (call back about the printer) was due at"
            " 2026-03-02T10:00:00+00:00 and is still open at 2026-03-02T10:30:00+00:00.",
            "Promise P3 to Ana Souza (news from the vendor) was due at"
            " 2026-03-02T09:30:00+00:00 and was kept late, at 2026-03-02T10:00:00+00:00.",
        ] == [b.message for b in breaches]

    def test_for_ticket_and_for_party(self) -> None:
        """Promises are found by the ticket they concern and by whom they were made to."""
        ledger = a_ledger()
        assert (["P2"], [], ["P1", "P3"]) == (
            [p.id for p in ledger.for_ticket("INC-7")],
            [p.id for p in ledger.for_ticket("INC-1")],
            [p.id for p in ledger.for_party("Ana Souza")],
        )

    def test_callers_to_call_proactively(self) -> None:
        """Everyone with an overdue promise, once each, the longest waiting first."""
        ledger = a_ledger()
        assert () == ledger.callers_to_call(AT)
        assert ("Ana Souza", "Bo Lin") == ledger.callers_to_call(AT + 3 * HOUR)
        ledger.keep("P3", AT + 3 * HOUR)
        ledger.keep("P1", AT + 3 * HOUR)
        assert ("Bo Lin",) == ledger.callers_to_call(AT + 3 * HOUR)

    def test_repr_counts(self) -> None:
        """The repr says how many promises there are and how many are open."""
        ledger = a_ledger()
        ledger.keep("P1", AT)
        assert "<PromiseLedger promises=3 open=2>" == repr(ledger)

    @given(
        plan=st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=240),  # minutes until due
                st.none() | st.integers(min_value=0, max_value=480),  # minutes until kept
            ),
            max_size=12,
        ),
        times=st.lists(st.integers(min_value=-60, max_value=600), min_size=2, max_size=5),
    )
    def test_overdue_is_exactly_the_open_promises_past_due(
        self, plan: list[tuple[int, int | None]], times: list[int]
    ) -> None:
        """overdue(now): the unkept promises due before now, sorted by due, growing with now."""
        ledger = PromiseLedger()
        for due, kept in plan:
            made = ledger.promise(CALLBACK, "Ana", "call back", made_at=AT, due=due * MINUTE)
            if kept is not None:
                ledger.keep(made.id, AT + kept * MINUTE)
        previous: set[str] = set()
        for minutes in sorted(times):
            now = AT + minutes * MINUTE
            overdue = ledger.overdue(now)
            expected = {p.id for p in ledger if p.kept_at is None and p.due < now}
            assert expected == {p.id for p in overdue}
            assert sorted(p.due for p in overdue) == [p.due for p in overdue]
            assert previous <= expected
            previous = expected
            kept_late = [p for p in ledger if p.kept_at is not None and p.kept_at > p.due]
            assert len(overdue) + len(kept_late) == len(ledger.breaches(now))
