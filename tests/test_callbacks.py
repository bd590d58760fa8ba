"""Callback windows (CF1003): read from English text, in the caller's zone, never guessed."""

import re
from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.callbacks import CallbackHours, CallbackWindow, parse_callback_window
from callflow.errors import CallbackWindowError, ValidationError

LONDON = ZoneInfo("Europe/London")
ROME = ZoneInfo("Europe/Rome")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
AT = datetime(2026, 3, 4, 10, 20, tzinfo=LONDON)  # a Wednesday, mid-morning
WORDS = (
    *("after", "before", "between", "and", "at", "on", "to", "-", "tomorrow", "today", "friday"),
    *("morning", "this", "3pm", "3", "14:00", "9:30am", "noon", "5", "March", "2026-03-05"),
    *("any", "time", "whenever", "/", "the"),
)
"""Words the parser knows and some it does not, for the property test."""


def london(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall time in London in March 2026 (no clock change before the 29th)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def window(text: str, at: datetime = AT, zone: str = "Europe/London") -> tuple[datetime, datetime]:
    found = parse_callback_window(text, at=at, zone=zone)
    return found.start, found.end


class TestAcceptedForms:
    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("after 3pm", london(4, 15), london(4, 18)),
            ("after 15:00", london(4, 15), london(4, 18)),
            ("before noon", AT, london(4, 12)),
            ("until 5pm", AT, london(4, 17)),
            ("by 5pm", AT, london(4, 17)),
            ("at 3:30pm", london(4, 15, 30), london(4, 16)),
            ("between 14:00 and 16:00", london(4, 14), london(4, 16)),
            ("between 2 and 4pm", london(4, 14), london(4, 16)),
            ("from 2pm to 4pm", london(4, 14), london(4, 16)),
            ("from 2pm", london(4, 14), london(4, 18)),
            ("2-4pm", london(4, 14), london(4, 16)),
            ("14:00-16:00", london(4, 14), london(4, 16)),
            ("3 P.M.", london(4, 15), london(4, 15, 30)),
            ("morning", AT, london(4, 12)),
            ("this afternoon", london(4, 12), london(4, 17)),
            ("in the evening", london(4, 17), london(4, 20)),
            ("tomorrow morning", london(5, 9), london(5, 12)),
            ("tomorrow after 10am", london(5, 10), london(5, 18)),
            ("after 3pm tomorrow", london(5, 15), london(5, 18)),
            ("Tomorrow,  after 2 pm", london(5, 14), london(5, 18)),
            ("tomorrow", london(5, 9), london(5, 18)),
            ("today", AT, london(4, 18)),
            ("any time", AT, london(4, 18)),
            ("anytime today", AT, london(4, 18)),
            ("monday morning", london(9, 9), london(9, 12)),
            ("on friday after 2pm", london(6, 14), london(6, 18)),
            ("tomorrow between 9 and 11am", london(5, 9), london(5, 11)),
            ("noon", london(4, 12), london(4, 12, 30)),
            ("midday", london(4, 12), london(4, 12, 30)),
            ("5 March after 2pm", london(5, 14), london(5, 18)),
            ("5th of March", london(5, 9), london(5, 18)),
            ("March 5th 2026 before 11:00", london(5, 9), london(5, 11)),
            ("2026-03-05 morning", london(5, 9), london(5, 12)),
        ],
    )
    def test_reads_as(self, text: str, start: datetime, end: datetime) -> None:
        """Each accepted form gives its window on Wednesday 4 March 2026, 10:20 in London."""
        assert (start, end) == window(text)

    def test_a_weekday_is_the_next_one_strictly_after_today(self) -> None:
        """On a Wednesday, "wednesday" is next week's; "today" names today."""
        assert (london(11, 9), london(11, 18)) == window("wednesday")

    def test_the_window_is_in_the_callers_zone(self) -> None:
        """Start and end carry the caller's ZoneInfo, whatever zone ``at`` was given in."""
        found = parse_callback_window("after 3pm", at=AT.astimezone(UTC), zone="Europe/London")
        assert (LONDON, LONDON) == (found.start.tzinfo, found.end.tzinfo)

    def test_today_is_the_callers_date(self) -> None:
        """At 23:30 UTC it is already tomorrow in Tokyo: "today" is Tokyo's date."""
        at = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
        found = parse_callback_window("today", at=at, zone="Asia/Tokyo")
        assert datetime(2026, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")) == found.start

    def test_the_text_is_kept(self) -> None:
        """The window remembers what was typed."""
        assert "after 3pm" == parse_callback_window("after 3pm", at=AT, zone=LONDON).text


class TestConventions:
    def test_a_window_partly_past_starts_at_the_call_in_the_callers_zone(self) -> None:
        """ "this afternoon" at 14:05 UTC, for a caller in Rome, starts at 15:05 Rome time."""
        at = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
        found = parse_callback_window("this afternoon", at=at, zone="Europe/Rome")
        assert (datetime(2026, 3, 4, 15, 5, tzinfo=ROME), ROME) == (found.start, found.start.tzinfo)

    def test_after_a_time_past_the_days_end_runs_to_midnight(self) -> None:
        """ "after 7pm" with the day ending at 18:00 is the rest of that day, to midnight."""
        assert (london(4, 19), london(5, 0)) == window("after 7pm")

    def test_before_a_time_before_the_days_start_runs_from_midnight(self) -> None:
        """ "tomorrow before 8am" with the day starting at 9:00 starts at midnight."""
        assert (london(5, 0), london(5, 8)) == window("tomorrow before 8am")

    def test_the_hours_are_configurable(self) -> None:
        """A day, "morning" and "at T" follow the CallbackHours given."""
        hours = CallbackHours(
            day_start=time(8),
            day_end=time(20),
            morning=(time(7), time(11)),
            at_length=timedelta(hours=1),
        )
        read = [
            parse_callback_window(text, at=AT, zone=LONDON, hours=hours)
            for text in ("tomorrow", "tomorrow morning", "at 3pm")
        ]
        assert [
            (london(5, 8), london(5, 20)),
            (london(5, 7), london(5, 11)),
            (london(4, 15), london(4, 16)),
        ] == [(found.start, found.end) for found in read]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"day_start": time(18), "day_end": time(9)}, "day_start, day_end"),
            ({"morning": (time(12), time(9))}, "morning"),
            ({"evening": (time(17),)}, "evening"),
            ({"afternoon": (time(12), time(17, tzinfo=UTC))}, "afternoon"),
            ({"at_length": timedelta()}, "at_length"),
        ],
    )
    def test_bad_hours_are_refused(self, changes: dict[str, object], field: str) -> None:
        """Each convention must be a real span of local times; the field is named."""
        with pytest.raises(ValidationError) as caught:
            CallbackHours(**changes)  # type: ignore[arg-type]
        assert field == caught.value.field


class TestAcrossTimeZones:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (27, "Fri 27 Mar 2026 19:00–22:00 (Europe/Rome)"),
            (30, "Mon 30 Mar 2026 20:00–23:00 (Europe/Rome)"),
        ],
    )
    def test_sao_paulo_afternoon_in_rome_across_europes_clock_change(
        self, day: int, expected: str
    ) -> None:
        """Europe moves to summer time on 29 March 2026: 3pm in São Paulo is 19:00, then 20:00."""
        at = datetime(2026, 3, day, 9, 0, tzinfo=SAO_PAULO)
        found = parse_callback_window("after 3pm", at=at, zone="America/Sao_Paulo")
        assert expected == found.describe("Europe/Rome")

    def test_a_window_read_before_the_change_for_a_day_after_it(self) -> None:
        """Read on Friday for Monday, the window is Monday's São Paulo time, shown in Rome."""
        at = datetime(2026, 3, 27, 9, 0, tzinfo=SAO_PAULO)
        found = parse_callback_window("monday after 3pm", at=at, zone=SAO_PAULO)
        assert "Mon 30 Mar 2026 20:00–23:00 (Europe/Rome)" == found.describe(ROME)

    def test_a_time_skipped_by_the_clock_change_moves_forward_by_the_gap(self) -> None:
        """At 02:00 on 29 March Rome's clocks jump to 03:00: "2:30am" that night is 03:30."""
        at = datetime(2026, 3, 28, 12, 0, tzinfo=ROME)
        found = parse_callback_window("tomorrow at 2:30am", at=at, zone=ROME)
        assert (
            datetime(2026, 3, 29, 3, 30, tzinfo=ROME),
            datetime(2026, 3, 29, 4, 0, tzinfo=ROME),
        ) == (
            found.start,
            found.end,
        )

    def test_a_repeated_hour_is_read_narrowly(self) -> None:
        """On 25 October 2026 Rome's 02:00-03:00 happens twice: "after 2:30am" starts at the
        second 02:30 (+01:00), "before 2:30am" ends at the first (+02:00)."""
        at = datetime(2026, 10, 24, 12, 0, tzinfo=ROME)
        after = parse_callback_window("tomorrow after 2:30am", at=at, zone=ROME)
        before = parse_callback_window("tomorrow before 2:30am", at=at, zone=ROME)
        assert ("2026-10-25T02:30:00+01:00", "2026-10-25T02:30:00+02:00") == (
            after.start.isoformat(),
            before.end.isoformat(),
        )


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("whenever", "cannot read 'whenever'"),
            ("soonish", "cannot read 'soonish'"),
            ("after 3", "'3' could be morning or evening: write 3pm or 15:00"),
            ("at 3:30", "'3:30' could be morning or evening"),
            ("3/4 morning", "a numeric date such as '3/4' is ambiguous"),
            ("3.30pm", "write times with a colon"),
            ("after the meeting", "expected a time after 'after', not 'the'"),
            ("between 11 and 1pm", "'11' to '1pm' is ambiguous"),
            ("next monday", "'next monday' is ambiguous"),
            ("after 13pm", "'13pm' is not a time: write 13:00"),
            ("at 15", "'15' is not a time: write 15:00"),
            ("31 February", "'31 february' is not a date"),
            ("early morning", "cannot read 'early'"),
            ("between 2pm", "expected 'and' and a second time"),
            ("at 2pm to 4pm", "'at' takes one time, not two"),
            ("tomorrow tomorrow", "cannot read 'tomorrow'"),
            ("on", "expected a day after 'on'"),
            ("in the night", "expected morning, afternoon or evening, not 'night'"),
        ],
    )
    def test_unreadable_text_is_refused_with_examples(self, text: str, reason: str) -> None:
        """Nothing is guessed: the error says what could not be read and shows accepted forms."""
        with pytest.raises(CallbackWindowError) as caught:
            parse_callback_window(text, at=AT, zone=LONDON)
        error = caught.value
        assert ("callback", text, True, True) == (
            error.field,
            error.value,
            reason in error.reason,
            "write it like 'after 3pm'" in error.reason,
        )

    @pytest.mark.parametrize("text", ["", "   ", None])
    def test_no_text(self, text: str) -> None:
        """Text with nothing in it is refused: it does not say when to call back."""
        with pytest.raises(CallbackWindowError, match="'callback' must say when to call back"):
            parse_callback_window(text, at=AT, zone=LONDON)

    @pytest.mark.parametrize("text", ["at 9am", "2 March", "before 10am", "this morning"])
    def test_a_window_already_over_is_refused_not_moved(self, text: str) -> None:
        """A window over at the time of the call is an error: it never rolls to another day."""
        expected = "is already over at the time of the call, Wed 4 Mar 2026 12:20 (Europe/London)"
        with pytest.raises(CallbackWindowError, match=re.escape(expected)):
            parse_callback_window(text, at=datetime(2026, 3, 4, 12, 20, tzinfo=LONDON), zone=LONDON)

    def test_an_empty_window_is_refused(self) -> None:
        """A window ending before it starts is refused."""
        with pytest.raises(CallbackWindowError, match="is empty: it ends before it starts"):
            parse_callback_window("between 4pm and 2pm", at=AT, zone=LONDON)

    def test_at_and_zone_are_checked(self) -> None:
        """A naive ``at`` and an unknown zone are refused, by name."""
        with pytest.raises(ValidationError, match="'at' must be a timezone-aware"):
            parse_callback_window("today", at=datetime(2026, 3, 4, 10), zone=LONDON)
        with pytest.raises(ValidationError, match="'zone' must be a tzinfo or an IANA"):
            parse_callback_window("today", at=AT, zone="Mars/Olympus_Mons")

    @given(st.lists(st.sampled_from(WORDS), max_size=6))
    def test_any_text_gives_a_window_after_the_call_or_an_error(self, words: list[str]) -> None:
        """Whatever words come, the result is a window in the caller's zone, not starting
        before the call and not empty, or a CallbackWindowError."""
        try:
            found = parse_callback_window(" ".join(words), at=AT, zone=LONDON)
        except CallbackWindowError:
            return
        assert (True, True, LONDON) == (found.start >= AT, found.end > found.start, found.zone)


class TestCallbackWindow:
    def test_contains_its_start_but_not_its_end(self) -> None:
        """A window is [start, end)."""
        found = CallbackWindow(london(4, 15), london(4, 18))
        assert (False, True, True, False) == (
            found.contains(london(4, 14, 59)),
            found.contains(london(4, 15)),
            found.contains(london(4, 17, 59)),
            found.contains(london(4, 18)),
        )

    def test_contains_compares_instants(self) -> None:
        """A moment in another zone is compared as an instant."""
        assert CallbackWindow(london(4, 15), london(4, 18)).contains(
            datetime(2026, 3, 4, 16, 30, tzinfo=ROME)
        )

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (london(4, 15), london(4, 18), "Wed 4 Mar 2026 15:00–18:00 (Europe/London)"),
            (london(4, 19), london(5, 0), "Wed 4 Mar 2026 19:00–24:00 (Europe/London)"),
            (
                london(4, 23),
                london(5, 1),
                "Wed 4 Mar 2026 23:00 – Thu 5 Mar 2026 01:00 (Europe/London)",
            ),
            (
                london(4, 15).astimezone(UTC),
                london(4, 18).astimezone(UTC),
                "Wed 4 Mar 2026 15:00–18:00 (UTC)",
            ),
        ],
    )
    def test_describe(self, start: datetime, end: datetime, expected: str) -> None:
        """One date for a window within a day, "24:00" for midnight, both dates across days."""
        assert expected == CallbackWindow(start, end).describe()

    @pytest.mark.parametrize(
        ("start", "end", "field", "reason"),
        [
            (datetime(2026, 3, 4, 15), london(4, 18), "start", "must be a timezone-aware"),
            (london(4, 15), london(4, 15), "end", "must be after the start"),
            (london(4, 15), "18:00", "end", "must be a timezone-aware"),
            (
                datetime(2026, 3, 29, 2, 30, tzinfo=ROME),
                datetime(2026, 3, 29, 5, tzinfo=ROME),
                "start",
                "does not exist",
            ),
        ],
    )
    def test_bad_bounds_are_refused(
        self, start: object, end: object, field: str, reason: str
    ) -> None:
        """Bounds are aware, real (not skipped by a clock change) and in order."""
        with pytest.raises(ValidationError, match=reason) as caught:
            CallbackWindow(start, end)  # type: ignore[arg-type]
        assert field == caught.value.field

    @given(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
        st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)),
        st.sampled_from(
            ["Europe/Rome", "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe"]
        ),
    )
    def test_in_zone_keeps_the_instants(
        self, start: datetime, length: timedelta, zone: str
    ) -> None:
        """Showing a window in another zone changes the wall times, never the instants."""
        original = CallbackWindow(start.replace(tzinfo=UTC), (start + length).replace(tzinfo=UTC))
        moved = original.in_zone(zone)
        # Compared in UTC: an aware time in a zone's repeated hour never equals another zone's
        # (PEP 495), even at the same instant (00:00 UTC = 02:00 fold 0 in Rome, 2000-10-29).
        instants = (moved.start.astimezone(UTC), moved.end.astimezone(UTC), str(moved.zone))
        assert (original.start, original.end, zone) == instants

    def test_in_zone_takes_a_tzinfo(self) -> None:
        """A fixed offset works too, and is named by its offset."""
        found = CallbackWindow(london(4, 15), london(4, 18)).in_zone(timezone(timedelta(hours=2)))
        assert "Wed 4 Mar 2026 17:00–20:00 (UTC+02:00)" == found.describe()
