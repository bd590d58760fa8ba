"""Reading the words of a callback window, in order: every word must be understood.

The private half of :mod:`callflow.callbacks`: it turns text into a day and
a span of local times, and refuses any word it cannot read with certainty;
:func:`callflow.callbacks.parse_callback_window` makes the window of them.
"""

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil import parser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from callflow.errors import CallbackWindowError

if TYPE_CHECKING:  # the hours are only read here; importing them would be circular
    from callflow.callbacks import CallbackHours

__all__ = [
    "DAY_NAMES",
    "FORMS",
    "MONTH_NAMES",
    "PERIODS",
    "Reader",
    "Span",
    "read_day",
    "read_span",
]

_DAY = timedelta(days=1)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip
_WEEKDAYS = {  # a weekday by its name or any prefix of three letters or more: "thu", "thurs"
    name[:length]: weekday
    for name, weekday in zip(DAY_NAMES, (MO, TU, WE, TH, FR, SA, SU), strict=True)
    for length in range(3, len(name) + 1)
}
_MONTHS = {*MONTH_NAMES, *(name[:3] for name in MONTH_NAMES), "sept"}
FORMS = "'after 3pm', 'tomorrow morning', 'between 2 and 4pm', 'friday before noon', '5 March'"
_TOKEN = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2}|\d{4}(?!\d)|\d{1,2}(?:st|nd|rd|th)\b"
    r"|\d{1,2}(?::\d{2})?(?![\d:])(?:\s*[ap]m\b)?|[a-z]+|-|,|\S)"
)
_CLOCK = re.compile(r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?(?P<meridiem>[ap]m)?")
_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")
_NOON = ("noon", "midday")
PERIODS = ("morning", "afternoon", "evening")
_PHRASES = ((r"any\s+time|all\s+day", "anytime"), (r"in\s+the", "this"))

Span = tuple[time | None, time | None, bool]
"""A window on an unknown day: start, end (``None``: the hours' default), and whether a point."""


class Reader:
    """The words of a callback text, read in order; every one must be understood."""

    def __init__(self, text: str, field: str, today: date) -> None:
        self.text, self.field, self.today = text, field, today
        self.base = datetime.combine(today, time())  # dateutil fills what a fragment omits
        normal = re.sub(r"([ap])\.m\.?", r"\1m", text.lower()).replace("–", "-").replace("—", "-")
        for phrase, word in _PHRASES:  # two-word forms read as one word
            normal = re.sub(rf"\b{phrase}\b", word, normal)
        if re.search(r"\d\s*/\s*\d", normal):
            raise self.error("a numeric date such as '3/4' is ambiguous: write '4 March'")
        if re.search(r"\d\.\d", normal):
            raise self.error("write times with a colon ('3:30pm', '15:30')")
        found = ("".join(token.split()) for token in _TOKEN.findall(normal))  # "3 pm": "3pm"
        self.tokens: list[str] = [token for token in found if token != ","]
        self.index = 0

    def error(self, reason: str) -> CallbackWindowError:
        return CallbackWindowError(self.field, self.text, f"{reason}; write it like {FORMS}")

    def expected(self, what: str) -> CallbackWindowError:
        found = self.peek()
        return self.error(f"expected {what}" + (f", not {found!r}" if found else ""))

    def peek(self, ahead: int = 0) -> str:
        at = self.index + ahead
        return self.tokens[at] if at < len(self.tokens) else ""

    def take(self, *words: str) -> str:
        """The next token, consumed, if it is one of ``words``; else ``""``."""
        token = self.peek()
        self.index += bool(token and token in words)
        return token if token and token in words else ""

    def term(self, after: str) -> str:
        """A time word, which must come next."""
        if not _is_time(self.peek()):
            raise self.expected(f"a time after {after!r}" if after else "a time")
        self.index += 1
        return self.tokens[self.index - 1]

    def clock(self, term: str, shared: str | None = None) -> time:
        """The time ``term`` names; a bare hour takes ``shared`` ("2" in "2-4pm") or is refused."""
        match = _CLOCK.fullmatch("12:00" if term in _NOON else term)
        assert match is not None  # terms are time words
        hour, minute = match["hour"], match["minute"] or "00"
        # Only a two-digit hour with minutes ("09:30", "15:00") is a 24-hour time:
        # any other hour without am/pm could be morning or evening.
        clock_24 = match["minute"] is not None and len(hour) == 2
        meridiem = match["meridiem"] or (None if clock_24 else shared)
        number = int(hour)
        if (meridiem or not clock_24) and not 1 <= number <= 12:
            raise self.error(f"{term!r} is not a time: write {number:02d}:{minute}")
        if meridiem is None and not clock_24:
            pm = f"{number % 12 + 12}:{minute}"
            raise self.error(f"{term!r} could be morning or evening: write {term}pm or {pm}")
        try:
            moment: datetime = parser.parse(f"{hour}:{minute}{meridiem or ''}", default=self.base)
        except ValueError:
            raise self.error(f"{term!r} is not a time") from None
        return moment.time()

    def clocks(self, first: str, second: str) -> tuple[time, time]:
        """Two times; a bare one takes the other's am/pm ("between 2 and 4pm")."""
        first_m, second_m = _meridiem(first), _meridiem(second)
        start, end = self.clock(first, second_m), self.clock(second, first_m)
        if bool(first_m) != bool(second_m) and start >= end:
            raise self.error(f"{first!r} to {second!r} is ambiguous: give both their am/pm")
        return start, end


def _is_time(token: str) -> bool:
    return token in _NOON or _CLOCK.fullmatch(token) is not None


def _meridiem(term: str) -> str | None:
    match = _CLOCK.fullmatch(term)
    return match["meridiem"] if match else None


def read_day(reader: Reader) -> date | None:
    """A day, if one comes next: today, tomorrow, a weekday or a date with its month named."""
    today = reader.today
    if reader.take("today"):
        return today
    if reader.take("tomorrow"):
        return today + _DAY
    on, word = reader.take("on"), reader.peek()
    if word in ("this", "next") and reader.peek(1) in _WEEKDAYS:
        raise reader.error(f"'{word} {reader.peek(1)}' is ambiguous: write the weekday alone")
    if word in _WEEKDAYS:  # the next such day, strictly after today
        reader.index += 1
        return today + relativedelta(days=1, weekday=_WEEKDAYS[word](+1))
    start, of = reader.index, int(reader.peek(1) == "of")  # "5th of March"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        reader.index += 1
    elif _NUMBER.fullmatch(word) and reader.peek(1 + of) in _MONTHS:
        reader.index += 2 + of
    elif word in _MONTHS and _NUMBER.fullmatch(reader.peek(1)):
        reader.index += 2
    if reader.index == start:
        if on:
            raise reader.expected("a day after 'on'")
        return None
    reader.index += bool(re.fullmatch(r"\d{4}", reader.peek()))  # its year
    fragment = " ".join(reader.tokens[start : reader.index])
    try:
        day: datetime = parser.parse(fragment, default=reader.base)
    except ValueError:
        raise reader.error(f"{fragment!r} is not a date") from None
    return day.date()


def read_span(reader: Reader, hours: "CallbackHours") -> Span | None:
    """A part of the day or a time span, if one comes next."""
    if reader.take("anytime"):
        return None, None, False
    if reader.take("this") and reader.peek() not in PERIODS:
        raise reader.expected("morning, afternoon or evening")
    if period := reader.take(*PERIODS):
        start, end = getattr(hours, period)
        return start, end, False
    word = reader.take("after", "from", "before", "until", "till", "by", "between", "at")
    if not word and not _is_time(reader.peek()):
        return None
    first = reader.term(word)
    if reader.take("and") if word == "between" else reader.take("-", "to", "until", "till"):
        if word not in ("between", "from", ""):
            raise reader.error(f"'{word}' takes one time, not two")
        return (*reader.clocks(first, reader.term("")), False)
    if word == "between":
        raise reader.expected("'and' and a second time after 'between'")
    if word in ("before", "until", "till", "by"):
        return None, reader.clock(first), False
    return reader.clock(first), None, word in ("at", "")
