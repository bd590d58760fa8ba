"""The ticket book: keeping tickets, earlier cases (CF403), lemons (CF404), accounts (CF606)."""

import re
from collections.abc import Callable, Sequence
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


class AnsweringBook(MemoryTicketBook):
    """A custom book whose selections answer what it is told to, whatever it is asked."""

    __slots__ = ("answer", "numbers")

    def __init__(self, answer: object = (), numbers: Sequence[object] = ()) -> None:
        super().__init__()
        self.answer = answer
        self.numbers = list(numbers)

    def new_number(self) -> str:
        return self.numbers.pop(0) if self.numbers else super().new_number()  # type: ignore[return-value]

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        return self.answer  # type: ignore[return-value]

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        return self.answer  # type: ignore[return-value]


def reading(book: TicketBook) -> dict[str, Callable[[], object]]:
    """Each reader of a book, by the book method it reads through."""
    return {
        "book.tickets_of_caller()": lambda: earlier_tickets(book, user_id="E1234"),
        "book.tickets_of_unit()": lambda: earlier_tickets(book, asset_tag=PRINTER),
    }


class TestWhatACustomBookReturns:
    """What a book's selections return is checked, then filtered to what was asked."""

    @pytest.mark.parametrize("answer", ["T-1", b"T-1", 7, None, iter(()), {"T-1"}.__iter__()])
    @pytest.mark.parametrize("method", ["book.tickets_of_caller()", "book.tickets_of_unit()"])
    def test_what_is_not_a_sequence(self, method: str, answer: object) -> None:
        with pytest.raises(ValidationError) as caught:
            reading(AnsweringBook(answer))[method]()
        assert (method, answer, "must return a sequence of tickets") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize("method", ["book.tickets_of_caller()", "book.tickets_of_unit()"])
    def test_what_is_not_a_ticket(self, method: str) -> None:
        first = ticket_at(START, asset_tag=PRINTER)
        with pytest.raises(ValidationError) as caught:
            reading(AnsweringBook([first, "T-2"]))[method]()
        assert (method, "T-2", "must return tickets only") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_a_set_of_tickets_is_a_sequence_enough(self) -> None:
        first = ticket_at(START, "T-1", asset_tag=PRINTER)
        second = ticket_at(START + DAY, "T-2", asset_tag=PRINTER)
        book = AnsweringBook({second, first})
        assert (first, second) == earlier_tickets(book, user_id="E1234")
        assert (first, second) == earlier_tickets(book, asset_tag=PRINTER)

    def test_each_reader_keeps_only_what_was_asked(self) -> None:
        ana_printer = ticket_at(START, "T-1", asset_tag=PRINTER)
        bo_printer = ticket_at(START + DAY, "T-2", BO, asset_tag=PRINTER)
        ana_laptop = ticket_at(START + 2 * DAY, "T-3", asset_tag="LAP-0007")
        no_id = ticket_at(START + 3 * DAY, "T-4", Caller("Ana Souza"), asset_tag=None)
        book = AnsweringBook([no_id, ana_laptop, bo_printer, ana_printer])
        assert (ana_printer, ana_laptop) == earlier_tickets(book, user_id="E1234")
        assert (ana_printer, bo_printer) == earlier_tickets(book, asset_tag=PRINTER)
        assert (bo_printer,) == earlier_tickets(book, user_id="E5678")


class TestEarlierTicketsInDetail:
    def test_the_ticket_before_which_need_not_be_in_the_book(self) -> None:
        """A ticket not kept yet leaves out nothing but what came after it."""
        desk = Desk()
        first = desk.log(0)
        second = desk.log(1)
        desk.log(3)
        fresh = ticket_at(START + 2 * DAY, "T-9", asset_tag=PRINTER)
        assert (first, second) == earlier_tickets(desk.book, user_id="E1234", before=fresh)

    def test_a_ticket_logged_with_the_one_before_which_counts(self) -> None:
        """Logged at the same moment is not after it."""
        desk = Desk()
        first = desk.log(0)
        same_time = desk.log(0)
        assert (first,) == earlier_tickets(desk.book, user_id="E1234", before=same_time)
        assert (same_time,) == earlier_tickets(desk.book, asset_tag=PRINTER, before=first)

    def test_each_ticket_once_oldest_first_whatever_the_book_order(self) -> None:
        early = ticket_at(START, "T-1", asset_tag=PRINTER)
        late = ticket_at(START + DAY, "T-2", asset_tag=PRINTER)
        book = AnsweringBook([late, early, late])
        assert (early, late) == earlier_tickets(book, user_id="E1234", asset_tag=PRINTER)

    @pytest.mark.parametrize(
        ("arguments", "field", "value", "reason"),
        [
            ({"user_id": ""}, "user_id", "", "must be non-empty text"),
            ({"user_id": 1234}, "user_id", 1234, "must be non-empty text"),
            ({"asset_tag": " "}, "asset_tag", " ", "must be non-empty text"),
            ({"asset_tag": 42}, "asset_tag", 42, "must be non-empty text"),
            ({"before": "T-1"}, "before", "T-1", "must be a Ticket or None"),
        ],
    )
    def test_each_argument_is_named(
        self, arguments: dict[str, object], field: str, value: object, reason: str
    ) -> None:
        """Checked by earlier_tickets itself, whatever the book checks (this one checks nothing)."""
        with pytest.raises(ValidationError) as caught:
            earlier_tickets(AnsweringBook(), **arguments)  # type: ignore[arg-type]
        assert (field, value, reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize(
        "reader",
        [
            lambda book: earlier_tickets(book),
            lambda book: repeat_failure(book, ticket_at(START)),
            lambda book: open_ticket(book, ANA),
            lambda book: account(book, Call(agent=Agent("Bill", "ACME Corp"))),
        ],
    )
    @pytest.mark.parametrize("book", [None, {"T-1": "ticket"}, [], "book"])
    def test_what_is_not_a_book(self, reader: Callable[[object], object], book: object) -> None:
        with pytest.raises(ValidationError) as caught:
            reader(book)
        assert ("book", book, "must be a TicketBook (see callflow.MemoryTicketBook)") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )


class TestSelectionsOfTheMemoryBook:
    @pytest.mark.parametrize("value", ["", "  ", None, 1234])
    def test_what_is_not_a_user_id_or_an_asset_tag(self, value: object) -> None:
        book = MemoryTicketBook()
        for field, select in (
            ("user_id", book.tickets_of_caller),
            ("asset_tag", book.tickets_of_unit),
        ):
            with pytest.raises(ValidationError) as caught:
                select(value)  # type: ignore[arg-type]
            assert (field, value, "must be non-empty text") == (
                caught.value.field,
                caught.value.value,
                caught.value.reason,
            )

    def test_a_selection_is_a_tuple_of_matches_only(self) -> None:
        book = MemoryTicketBook()
        no_tag = ticket_at(START, "T-1", Caller("Ana Souza"))
        book.add(no_tag)
        assert ((), ()) == (book.tickets_of_caller("E1234"), book.tickets_of_unit(PRINTER))
        tagged = ticket_at(START + DAY, "T-2", asset_tag=PRINTER)
        book.add(tagged)
        assert ((tagged,), (tagged,)) == (
            book.tickets_of_caller("E1234"),
            book.tickets_of_unit(PRINTER),
        )


class TestOpenTicketInDetail:
    @pytest.mark.parametrize("number", ["", "   ", None, 7])
    def test_a_book_that_gives_no_number(self, number: object) -> None:
        book = AnsweringBook(numbers=[number])
        with pytest.raises(ValidationError) as caught:
            open_ticket(book, ANA)
        assert ("book.new_number()", number, "must be non-empty text") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert 0 == len(book)

    def test_the_number_the_book_gives_is_the_tickets(self) -> None:
        book = AnsweringBook(numbers=["INC-42"])
        ticket = open_ticket(book, ANA, description="Printer jams")
        assert ("INC-42", ANA, "Printer jams", ticket) == (
            ticket.number,
            ticket.caller,
            ticket.description,
            book.get("INC-42"),
        )


class TestRepeatFailureInDetail:
    @pytest.mark.parametrize(
        ("arguments", "field", "reason"),
        [
            ({"ticket": "T-1"}, "ticket", "must be a Ticket"),
            ({"policy": 3}, "policy", "must be a RepeatFailurePolicy or None"),
            ({"policy": {"tickets": 3}}, "policy", "must be a RepeatFailurePolicy or None"),
        ],
    )
    def test_each_argument_is_named(
        self, arguments: dict[str, object], field: str, reason: str
    ) -> None:
        given: dict[str, object] = {"ticket": ticket_at(START), **arguments}
        with pytest.raises(ValidationError) as caught:
            repeat_failure(MemoryTicketBook(), **given)  # type: ignore[arg-type]
        assert (field, arguments[field], reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_the_ticket_already_in_the_book_counts_once(self) -> None:
        policy = RepeatFailurePolicy(tickets=3)
        desk = Desk()
        desk.log(0)
        second = desk.log(1)
        assert repeat_failure(desk.book, second, policy) is None
        policy = RepeatFailurePolicy(tickets=2)
        breach = repeat_failure(desk.book, second, policy)
        assert breach is not None
        assert "has 2 'hardware' tickets within 90 days (T-000001, T-000002)" in breach.message

    def test_the_message_names_the_ticket_category_as_written_and_lists_oldest_first(
        self,
    ) -> None:
        early = ticket_at(START, "T-1", asset_tag=PRINTER, category="hardware")
        middle = ticket_at(START + DAY, "T-2", BO, asset_tag=PRINTER, category="HARDWARE")
        checked = ticket_at(START + 2 * DAY, "T-3", asset_tag=PRINTER, category="Hardware")
        book = AnsweringBook([checked, middle, early])
        breach = repeat_failure(book, checked)
        assert breach == RuleBreach(
            "CF404",
            "unit PRN-0042 has 3 'Hardware' tickets within 90 days (T-1, T-2, T-3):"
            " a repeat failure to report.",
            "asset_tag",
        )

    def test_tickets_without_a_category_or_of_another_unit_do_not_count(self) -> None:
        """A custom book's wider answer is filtered: another unit, no category, do not count."""
        uncategorised = ticket_at(START, "T-1", asset_tag=PRINTER)
        elsewhere = ticket_at(START + HOUR, "T-2", asset_tag="PRN-0043", category="hardware")
        checked = ticket_at(START + DAY, "T-3", asset_tag=PRINTER, category="hardware")
        book = AnsweringBook([uncategorised, elsewhere, checked])
        assert repeat_failure(book, checked, RepeatFailurePolicy(tickets=2)) is None

    def test_a_ticket_at_the_same_moment_counts(self) -> None:
        desk = Desk()
        desk.log(5)
        desk.log(5)
        breach = repeat_failure(desk.book, desk.log(5))
        assert breach is not None
        assert "(T-000001, T-000002, T-000003)" in breach.message

    def test_a_window_reaching_to_the_earliest_time(self) -> None:
        """A window as long as the time since the earliest counts from there, not overflowing."""
        from callflow.clock import EARLIEST

        first = ticket_at(EARLIEST, "T-1", asset_tag=PRINTER, category="hardware")
        checked = ticket_at(START, "T-2", asset_tag=PRINTER, category="hardware")
        book = AnsweringBook([first, checked])
        whole = RepeatFailurePolicy(tickets=2, window=START - EARLIEST)
        breach = repeat_failure(book, checked, whole)
        assert breach is not None
        assert "(T-1, T-2)" in breach.message
        shorter = RepeatFailurePolicy(
            tickets=2, window=START - EARLIEST - timedelta(microseconds=1)
        )
        assert repeat_failure(book, checked, shorter) is None

    @pytest.mark.parametrize(
        ("window", "words"),
        [
            (timedelta(days=1), "1 day"),
            (timedelta(days=2), "2 days"),
            (timedelta(hours=1), "1 hour"),
            (timedelta(hours=25), "25 hours"),
            (timedelta(days=1, minutes=30), "1 day, 0:30:00"),
            (timedelta(minutes=90), "1:30:00"),
        ],
    )
    def test_the_window_in_words(self, window: timedelta, words: str) -> None:
        first = ticket_at(START, "T-1", asset_tag=PRINTER, category="hardware")
        checked = ticket_at(START, "T-2", asset_tag=PRINTER, category="hardware")
        breach = repeat_failure(AnsweringBook([first]), checked, RepeatFailurePolicy(2, window))
        assert breach is not None
        assert f"has 2 'hardware' tickets within {words} (T-1, T-2):" in breach.message


class TestAccountInDetail:
    def call(self, caller: Caller | None, *, verified: bool = True) -> Call:
        call = Call(agent=Agent("Bill", "ACME Corp"), clock=ManualClock(START))
        call.answer()
        if caller is not None:
            call.identify(caller, verified=verified)
        return call

    def test_the_callers_own_user_id_may_be_named(self) -> None:
        own = ticket_at(START, "T-1")
        theirs = ticket_at(START, "T-2", BO)
        book = AnsweringBook([own, theirs])
        expected = Account(ANA, (own,), ())
        assert expected == account(book, self.call(ANA), user_id="E1234")

    @pytest.mark.parametrize(
        ("caller", "verified", "user_id", "resource", "reason"),
        [
            (
                ANA,
                False,
                None,
                "the account of E1234",
                "the caller's identity has not been verified (CF205)",
            ),
            (
                ANA,
                False,
                "E5678",
                "the account of E5678",
                "the caller's identity has not been verified (CF205)",
            ),
            (
                None,
                False,
                "E5678",
                "the account of E5678",
                "the caller's identity has not been verified (CF205)",
            ),
            (
                Caller("Ana Souza"),
                True,
                None,
                "the account of a caller",
                "the verified caller gave no user or employee ID",
            ),
            (
                ANA,
                True,
                "E5678",
                "the account of E5678",
                "the verified caller is 'E1234'; a caller gets only their own",
            ),
        ],
    )
    def test_each_refusal_names_the_account_and_why(
        self,
        caller: Caller | None,
        verified: bool,
        user_id: str | None,
        resource: str,
        reason: str,
    ) -> None:
        with pytest.raises(AccessDeniedError) as caught:
            account(
                AnsweringBook([ticket_at(START)]), self.call(caller, verified=verified), user_id
            )
        assert (resource, reason) == (caught.value.resource, caught.value.reason)

    @pytest.mark.parametrize("user_id", ["", "  ", 1234])
    def test_a_user_id_that_is_not_text(self, user_id: object) -> None:
        with pytest.raises(ValidationError) as caught:
            account(MemoryTicketBook(), self.call(ANA), user_id)  # type: ignore[arg-type]
        assert ("user_id", user_id, "must be non-empty text") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_what_is_not_a_call(self) -> None:
        with pytest.raises(ValidationError) as caught:
            account(MemoryTicketBook(), "call")  # type: ignore[arg-type]
        assert ("call", "call", "must be the Call asking for the account") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_the_work_orders_of_each_own_ticket_in_order(self) -> None:
        desk = Desk()
        first, second = desk.log(0), desk.log(1)
        others = desk.log(2, caller=BO)
        orders = (dispatch(first, "WO-1"), dispatch(second, "WO-2"))
        dispatch(others, "WO-3")
        assert Account(ANA, (first, second), orders) == account(desk.book, self.call(ANA))
