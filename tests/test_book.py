"""The ticket book: keeping tickets, earlier cases (CF403), lemons (CF404), accounts (CF606)."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from callflow import (
    AccessDeniedError,
    Agent,
    Call,
    Caller,
    Escalation,
    ManualClock,
    MemoryTicketBook,
    NotFoundError,
    RepeatFailurePolicy,
    RuleBreach,
    Target,
    Ticket,
    TicketBook,
    ValidationError,
    WorkOrder,
    account,
    earlier_tickets,
    open_ticket,
    repeat_failure,
)
from callflow.book import Account
from callflow.promises import PromiseKind

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
ANA = Caller("Ana Souza", user_id="E1234")
BO = Caller("Bo Lin", user_id="E5678")
PRINTER = "PRN-0042"


def ticket_at(
    when: datetime,
    number: str = "T-1",
    caller: Caller = ANA,
    **fields: object,
) -> Ticket:
    """A ticket logged at ``when`` on its own clock."""
    return Ticket(number, caller, clock=ManualClock(when), **fields)  # type: ignore[arg-type]


class Desk:
    """A book and one clock to log tickets on, day by day."""

    def __init__(self) -> None:
        self.book = MemoryTicketBook()
        self.clock = ManualClock(START)

    def log(
        self,
        day: float,
        *,
        caller: Caller = ANA,
        asset_tag: str | None = PRINTER,
        category: str | None = "hardware",
    ) -> Ticket:
        self.clock.set(START + day * DAY)
        return open_ticket(
            self.book,
            caller,
            clock=self.clock,
            description="The printer jams",
            category=category,
            asset_tag=asset_tag,
        )


def dispatch(ticket: Ticket, number: str) -> WorkOrder:
    """Escalate ``ticket`` and dispatch a work order for it."""
    ticket.open()
    ticket.escalate(
        Escalation(
            Target("Desk-side support"),
            "a site visit is needed",
            ticket=ticket.number,
            next_steps="a technician visits",
            timeframe=DAY,
            read_back=True,
        )
    )
    order = WorkOrder(
        number=number,
        ticket=ticket.number,
        supervisor="Dana",
        technician="Luis",
        instructions="Replace the roller",
        dispatched_at=ticket.updated_at,
    )
    ticket.dispatch(order)
    return order


class TestMemoryTicketBook:
    def test_is_a_ticket_book(self) -> None:
        """MemoryTicketBook satisfies the TicketBook protocol."""
        assert isinstance(MemoryTicketBook(), TicketBook)

    def test_numbers_count_up_from_one(self) -> None:
        """Numbers are the prefix and a six-digit count."""
        book = MemoryTicketBook()
        assert ["T-000001", "T-000002"] == [book.new_number(), book.new_number()]
        assert "INC-000001" == MemoryTicketBook(prefix="INC-").new_number()

    def test_a_number_already_kept_is_skipped(self) -> None:
        """A ticket added under a number the book would give next is not given it again."""
        book = MemoryTicketBook()
        book.add(ticket_at(START, "T-000001"))
        assert "T-000002" == book.new_number()

    @pytest.mark.parametrize("prefix", ["", "  ", None])
    def test_prefix_must_be_text(self, prefix: object) -> None:
        """The prefix is non-empty text."""
        with pytest.raises(ValidationError, match="'prefix' must be non-empty text") as caught:
            MemoryTicketBook(prefix=prefix)  # type: ignore[arg-type]
        assert ("prefix", prefix) == (caught.value.field, caught.value.value)

    def test_add_and_get(self) -> None:
        """A ticket added is got back by its number, the same object."""
        book = MemoryTicketBook()
        ticket = ticket_at(START)
        book.add(ticket)
        assert (ticket, 1, [ticket]) == (book.get("T-1"), len(book), list(book))

    def test_a_duplicate_number_is_refused(self) -> None:
        """A second ticket under a number already kept is refused; the first stays."""
        book = MemoryTicketBook()
        first = ticket_at(START)
        book.add(first)
        with pytest.raises(
            ValidationError, match=re.escape("'ticket.number' is already in the book")
        ) as caught:
            book.add(ticket_at(START + HOUR))
        assert ("ticket.number", "T-1") == (caught.value.field, caught.value.value)
        assert (first, 1) == (book.get("T-1"), len(book))

    def test_only_tickets_are_kept(self) -> None:
        """Adding anything but a Ticket is a ValidationError."""
        with pytest.raises(ValidationError, match="'ticket' must be a Ticket") as caught:
            MemoryTicketBook().add("T-1")  # type: ignore[arg-type]
        assert ("ticket", "T-1") == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("number", ["T-404", "", ["T-1"]])
    def test_an_unknown_number_is_not_found(self, number: object) -> None:
        """Getting a number not kept (or not a number at all) is NotFoundError, a LookupError."""
        book = MemoryTicketBook()
        book.add(ticket_at(START))
        with pytest.raises(NotFoundError, match=re.escape(f"no ticket {number!r}")) as caught:
            book.get(number)  # type: ignore[arg-type]
        assert ("ticket", number) == (caught.value.kind, caught.value.key)
        assert isinstance(caught.value, LookupError)

    def test_tickets_of_caller_and_unit_are_theirs_oldest_first(self) -> None:
        """Each selection holds only the matching tickets, by creation time, not by adding order."""
        book = MemoryTicketBook()
        late = ticket_at(START + 5 * DAY, "T-1", asset_tag=PRINTER)
        other = ticket_at(START + 2 * DAY, "T-2", BO, asset_tag="LAP-0007")
        early = ticket_at(START + DAY, "T-3", asset_tag="LAP-0007")
        bo_printer = ticket_at(START + 3 * DAY, "T-4", BO, asset_tag=PRINTER)
        for ticket in (late, other, early, bo_printer):
            book.add(ticket)
        assert (early, late) == tuple(book.tickets_of_caller("E1234"))
        assert (other, bo_printer) == tuple(book.tickets_of_caller("E5678"))
        assert (bo_printer, late) == tuple(book.tickets_of_unit(PRINTER))
        assert (early, other) == tuple(book.tickets_of_unit("LAP-0007"))
        assert ((), ()) == (
            tuple(book.tickets_of_caller("E0000")),
            tuple(book.tickets_of_unit("X")),
        )

    def test_overdue_promises_across_tickets(self) -> None:
        """The book lists every overdue promise of every ticket, the most overdue first."""
        desk = Desk()
        first = desk.log(0)
        second = desk.log(1)
        second_promise = second.promise(PromiseKind.CALLBACK, "call back", HOUR)
        desk.clock.set(START + 1 * DAY + 10 * HOUR)
        first_promise = first.promise(PromiseKind.STATUS_UPDATE, "update", 30 * HOUR)
        kept = second.promise(PromiseKind.CALLBACK, "kept", HOUR)
        second.keep_promise(kept.id)
        now = START + 4 * DAY
        assert (second_promise, first_promise) == desk.book.overdue(now)
        assert () == desk.book.overdue(START + DAY + HOUR)

    def test_overdue_needs_an_aware_time(self) -> None:
        """``now`` must be timezone-aware."""
        with pytest.raises(ValidationError, match="'now' must be a timezone-aware") as caught:
            MemoryTicketBook().overdue(datetime(2026, 3, 2, 9, 0))
        assert "now" == caught.value.field

    def test_repr(self) -> None:
        """The repr says how many tickets are kept."""
        desk = Desk()
        desk.log(0)
        desk.log(1)
        assert "<MemoryTicketBook 2 tickets>" == repr(desk.book)


class TestOpenTicket:
    def test_logs_under_the_next_number_and_keeps_it(self) -> None:
        """open_ticket numbers the ticket, passes the fields on and keeps it."""
        book = MemoryTicketBook(prefix="INC-")
        clock = ManualClock(START)
        first = open_ticket(book, ANA, clock=clock, category="hardware", created_by="Bill")
        second = open_ticket(book, BO, clock=clock)
        assert ("INC-000001", ANA, "hardware", "Bill", START) == (
            first.number,
            first.caller,
            first.category,
            first.created_by,
            first.created_at,
        )
        assert (first, second) == (book.get("INC-000001"), book.get("INC-000002"))

    def test_bad_fields_keep_nothing(self) -> None:
        """A ticket that cannot be built is not kept."""
        book = MemoryTicketBook()
        with pytest.raises(ValidationError, match="'impact'"):
            open_ticket(book, ANA, impact="huge")
        assert 0 == len(book)


class TestEarlierTickets:
    def test_by_caller_by_unit_and_both(self) -> None:
        """A caller's and a unit's tickets come oldest first, each once."""
        desk = Desk()
        ana_printer = desk.log(0)
        bo_printer = desk.log(1, caller=BO)
        ana_laptop = desk.log(2, asset_tag="LAP-0007")
        desk.log(3, caller=BO, asset_tag="LAP-0009")
        book = desk.book
        assert (ana_printer, ana_laptop) == earlier_tickets(book, user_id="E1234")
        assert (ana_printer, bo_printer) == earlier_tickets(book, asset_tag=PRINTER)
        assert (ana_printer, bo_printer, ana_laptop) == earlier_tickets(
            book, user_id="E1234", asset_tag=PRINTER
        )
        assert () == earlier_tickets(book)

    def test_before_leaves_out_the_ticket_and_later_ones(self) -> None:
        """Given the ticket being worked, only the cases logged before it come back."""
        desk = Desk()
        first = desk.log(0)
        second = desk.log(1)
        third = desk.log(2)
        desk.log(3)
        assert (first, second) == earlier_tickets(desk.book, user_id="E1234", before=third)
        assert () == earlier_tickets(desk.book, asset_tag=PRINTER, before=first)


class TestRepeatFailure:
    def test_the_third_ticket_within_the_window_flags_the_unit(self) -> None:
        """CF404: three hardware tickets on one unit within 90 days make a lemon."""
        desk = Desk()
        desk.log(0)
        desk.log(30)
        third = desk.log(60)
        expected = RuleBreach(
            "CF404",
            "unit PRN-0042 has 3 'hardware' tickets within 90 days"
            " (T-000001, T-000002, T-000003): a repeat failure to report.",
            "asset_tag",
        )
        assert expected == repeat_failure(desk.book, third)

    def test_two_tickets_are_not_enough(self) -> None:
        """Below the threshold nothing is flagged."""
        desk = Desk()
        desk.log(0)
        assert repeat_failure(desk.book, desk.log(1)) is None

    def test_later_tickets_do_not_count_for_an_earlier_one(self) -> None:
        """Only tickets logged up to the one checked count."""
        desk = Desk()
        first = desk.log(0)
        desk.log(1)
        desk.log(2)
        assert repeat_failure(desk.book, first) is None

    def test_tickets_outside_the_window_do_not_count(self) -> None:
        """A ticket more than 90 days before the one checked is forgotten."""
        desk = Desk()
        desk.log(0)
        desk.log(50)
        assert repeat_failure(desk.book, desk.log(90 + 1e-6)) is None

    def test_the_window_edge_counts(self) -> None:
        """A ticket exactly 90 days before the one checked still counts."""
        desk = Desk()
        desk.log(0)
        desk.log(50)
        breach = repeat_failure(desk.book, desk.log(90))
        assert breach is not None
        assert "CF404" == breach.rule

    @pytest.mark.parametrize(
        ("caller", "asset_tag", "category"),
        [
            (ANA, PRINTER, "network"),
            (ANA, "PRN-0043", "hardware"),
            (BO, "PRN-0043", "hardware"),
        ],
    )
    def test_another_category_or_unit_does_not_count(
        self, caller: Caller, asset_tag: str, category: str
    ) -> None:
        """Only tickets of the same unit and category count, whoever called."""
        desk = Desk()
        desk.log(0)
        desk.log(1, caller=caller, asset_tag=asset_tag, category=category)
        assert repeat_failure(desk.book, desk.log(2)) is None

    def test_another_caller_on_the_same_unit_counts(self) -> None:
        """The unit is the lemon, whoever reports it."""
        desk = Desk()
        desk.log(0, caller=BO)
        desk.log(1, caller=BO)
        assert repeat_failure(desk.book, desk.log(2)) is not None

    def test_category_compares_without_case(self) -> None:
        """'Hardware' and 'hardware' are one category."""
        desk = Desk()
        desk.log(0, category="Hardware")
        desk.log(1, category="HARDWARE")
        assert repeat_failure(desk.book, desk.log(2)) is not None

    def test_a_ticket_not_yet_kept_counts_itself(self) -> None:
        """The ticket checked counts even before it is added to the book."""
        desk = Desk()
        desk.log(0)
        desk.log(1)
        fresh = ticket_at(START + 2 * DAY, "T-9", asset_tag=PRINTER, category="hardware")
        breach = repeat_failure(desk.book, fresh)
        assert breach is not None
        assert "(T-000001, T-000002, T-9)" in breach.message

    @pytest.mark.parametrize(("asset_tag", "category"), [(None, "hardware"), (PRINTER, None)])
    def test_no_unit_or_no_category_is_never_flagged(
        self, asset_tag: str | None, category: str | None
    ) -> None:
        """Without an asset tag or a category there is nothing to compare."""
        desk = Desk()
        desk.log(0)
        desk.log(1)
        last = desk.log(2, asset_tag=asset_tag, category=category)
        assert repeat_failure(desk.book, last) is None

    def test_the_policy_is_configurable(self) -> None:
        """A desk can flag two tickets within a week."""
        policy = RepeatFailurePolicy(tickets=2, window=timedelta(days=7))
        desk = Desk()
        desk.log(0)
        second = desk.log(7)
        third = desk.log(14 + 1e-6)
        breach = repeat_failure(desk.book, second, policy)
        assert breach is not None
        assert "has 2 'hardware' tickets within 7 days (T-000001, T-000002)" in breach.message
        assert repeat_failure(desk.book, third, policy) is None

    def test_a_window_in_hours_is_told_in_hours(self) -> None:
        """A window shorter than a day is not reported as '0 days'."""
        policy = RepeatFailurePolicy(tickets=2, window=timedelta(hours=36))
        desk = Desk()
        desk.log(0)
        breach = repeat_failure(desk.book, desk.log(1))
        assert breach is None
        breach = repeat_failure(desk.book, desk.log(1.5), policy)
        assert breach is not None
        assert "tickets within 36 hours (" in breach.message

    def test_policy_defaults(self) -> None:
        """Three tickets within 90 days by default."""
        assert (3, timedelta(days=90)) == attrs.astuple(RepeatFailurePolicy())

    @pytest.mark.parametrize(
        ("field", "value", "match"),
        [
            ("tickets", 0, "must be a positive whole number"),
            ("tickets", -2, "must be a positive whole number"),
            ("tickets", True, "must be a positive whole number"),
            ("tickets", 1.5, "must be a positive whole number"),
            ("window", timedelta(), "must be a positive timedelta"),
            ("window", -DAY, "must be a positive timedelta"),
            ("window", 90, "must be a positive timedelta"),
        ],
    )
    def test_policy_validation(self, field: str, value: object, match: str) -> None:
        """Each bad policy field raises ValidationError naming it."""
        with pytest.raises(ValidationError, match=f"'{field}' {match}") as caught:
            RepeatFailurePolicy(**{field: value})  # type: ignore[arg-type]
        assert (field, value) == (caught.value.field, caught.value.value)


@attrs.frozen
class Asking:
    """Not a call, but it says who the caller is and whether they were verified."""

    caller: Caller | None
    caller_verified: object


class LeakyBook:
    """A custom book whose caller selection wrongly returns every ticket."""

    def __init__(self, tickets: Sequence[Ticket]) -> None:
        self.tickets = list(tickets)

    def add(self, ticket: Ticket) -> None:
        self.tickets.append(ticket)

    def get(self, number: str) -> Ticket:
        for ticket in self.tickets:
            if ticket.number == number:
                return ticket
        raise NotFoundError("ticket", number)

    def new_number(self) -> str:
        return f"L-{len(self.tickets) + 1}"

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        return list(self.tickets)

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        return [ticket for ticket in self.tickets if ticket.asset_tag == asset_tag]


class TestAccount:
    def desk(self) -> tuple[Desk, list[Ticket], list[WorkOrder]]:
        """Ana has two tickets, one dispatched; Bo has one, dispatched."""
        desk = Desk()
        ana_first = desk.log(0)
        bo_ticket = desk.log(1, caller=BO)
        ana_second = desk.log(2, asset_tag="LAP-0007")
        ana_order = dispatch(ana_first, "WO-1")
        bo_order = dispatch(bo_ticket, "WO-2")
        return desk, [ana_first, ana_second, bo_ticket], [ana_order, bo_order]

    def verified_call(self, caller: Caller = ANA) -> Call:
        call = Call(agent=Agent("Bill", "ACME Corp"), clock=ManualClock(START))
        call.answer()
        call.identify(caller, verified=True)
        return call

    def test_a_verified_caller_gets_their_own_tickets_and_work_orders(self) -> None:
        """CF606: all their tickets, oldest first, and the work orders dispatched from them."""
        desk, (first, second, _), (ana_order, _) = self.desk()
        expected = Account(ANA, (first, second), (ana_order,))
        assert expected == account(desk.book, self.verified_call())
        assert expected == account(desk.book, self.verified_call(), user_id="E1234")

    @pytest.mark.parametrize("verified", [True, "no", 1])
    def test_only_a_real_call_may_ask(self, verified: object) -> None:
        """An object that merely says its caller is verified (even "no", truthy) gets nothing."""
        desk, _, _ = self.desk()
        asking = Asking(BO, verified)
        with pytest.raises(ValidationError, match="'call' must be the Call asking") as caught:
            account(desk.book, asking)  # type: ignore[arg-type]
        assert ("call", asking) == (caught.value.field, caught.value.value)

    def test_a_caller_with_no_tickets_gets_an_empty_account(self) -> None:
        """A verified caller the book does not know gets an empty account, not someone else's."""
        desk, _, _ = self.desk()
        cy = Caller("Cy Dee", user_id="E9999")
        assert Account(cy, (), ()) == account(desk.book, self.verified_call(cy))

    def test_an_unverified_caller_is_denied(self) -> None:
        """A caller identified but not verified gets nothing (CF205)."""
        desk, _, _ = self.desk()
        call = Call(agent=Agent("Bill", "ACME Corp"), clock=ManualClock(START))
        call.answer()
        call.identify(ANA)
        with pytest.raises(
            AccessDeniedError,
            match=re.escape(
                "access to the account of E1234 denied:"
                " the caller's identity has not been verified (CF205)"
            ),
        ) as caught:
            account(desk.book, call)
        assert ("the account of E1234", "the caller's identity has not been verified (CF205)") == (
            caught.value.resource,
            caught.value.reason,
        )
        assert not isinstance(caught.value, OSError)  # an `except OSError` must not swallow it

    def test_an_unidentified_caller_is_denied(self) -> None:
        """A call with no caller at all gets nothing."""
        desk, _, _ = self.desk()
        call = Call(agent=Agent("Bill", "ACME Corp"), clock=ManualClock(START))
        call.answer()
        with pytest.raises(AccessDeniedError, match="has not been verified") as caught:
            account(desk.book, call)
        assert "the account of a caller" == caught.value.resource

    def test_a_caller_without_a_user_id_is_denied(self) -> None:
        """A verified caller who gave no user ID cannot be matched to tickets."""
        desk, _, _ = self.desk()
        with pytest.raises(AccessDeniedError, match="gave no user or employee ID") as caught:
            account(desk.book, self.verified_call(Caller("Ana Souza")))
        assert "the verified caller gave no user or employee ID" == caught.value.reason

    def test_someone_else_s_account_is_denied(self) -> None:
        """A verified caller asking for another caller's account gets nothing."""
        desk, _, _ = self.desk()
        with pytest.raises(
            AccessDeniedError,
            match=re.escape(
                "access to the account of E5678 denied: the verified caller is 'E1234';"
                " a caller gets only their own"
            ),
        ) as caught:
            account(desk.book, self.verified_call(), user_id="E5678")
        assert "the account of E5678" == caught.value.resource

    def test_a_leaky_book_does_not_leak(self) -> None:
        """A custom book returning other callers' tickets still gives only the caller's own."""
        _, (first, second, bo_ticket), (ana_order, _) = self.desk()
        leaky = LeakyBook([bo_ticket, first, second])
        assert isinstance(leaky, TicketBook)
        assert bo_ticket in leaky.tickets_of_caller("E1234")
        own = account(leaky, self.verified_call())
        assert Account(ANA, (first, second), (ana_order,)) == own
