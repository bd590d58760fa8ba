"""How much open time a business calendar holds, a block of weeks at a time (private).

A :class:`~callflow.calendars.BusinessCalendar` opens on a weekly pattern of
local hours, read in a time zone, less holidays. Most local weeks hold exactly
the pattern's open time, its *base*. The others deviate from it:

* a week with holidays on days the calendar opens loses those days' hours;
* a week where a change of the zone's UTC offset (daylight saving) touches an
  opening period can gain or lose real time: its total is taken from its
  actual opening periods.

:class:`WeekTotals` keeps, for each block of :data:`BLOCK_WEEKS` weeks (built
the first time a query reaches it), the weeks that deviate, in order, with
prefix sums of their deviations, and the totals of consecutive blocks added
up. The open time of a span of weeks, and the week in which a duration runs
out, then cost a few bisections, not a walk over every week; building the
blocks a query reaches costs, once, in proportion to their years and their
holidays. All amounts are whole microseconds (``int``), so the sums are exact.

Offset changes are found by sampling the zone's offset every
:data:`SAMPLE_STEP` of local time and bisecting where two samples differ: two
changes closer together than that could go unnoticed. The tz database's
closest pair is four days apart (Africa/Freetown, 1939), and the calendar's own
handling of skipped times (``dateutil.tz.resolve_imaginary``) already assumes
no two changes within a day.
"""

import itertools
import operator
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from callflow.errors import ValidationError

__all__ = [
    "BLOCK_WEEKS",
    "FIRST_WEEK",
    "LAST_WEEK",
    "SAMPLE_STEP",
    "AskedHolidays",
    "FixedHolidays",
    "HolidayLookup",
    "WeekTotals",
    "ZoneChanges",
    "micros",
    "monday_of",
    "week_of",
    "zone_changes",
]

_ONE_MICROSECOND = timedelta(microseconds=1)
DAY = 86_400_000_000
"""A day, in microseconds."""
WEEK = 7 * DAY
"""A week, in microseconds."""
BLOCK_WEEKS = 256
"""Weeks per block of the index (about five years): what one first query past the cache builds."""
SAMPLE_STEP = timedelta(days=2)
"""How far apart, in local time, the zone's UTC offset is sampled to find its changes."""
_PRECISION = timedelta(minutes=1)
"""How closely a change is located: what it disturbs is widened by as much, so nothing is lost."""
_MARGIN = timedelta(days=4)
"""Sampled either side of a block, so a change just outside it that reaches into it is seen."""

# date(1, 1, 1) is a Monday: local week n starts n weeks after it.
_EPOCH = datetime(1, 1, 1)


def week_of(day: date) -> int:
    """The number of the local week (Monday to Sunday) ``day`` falls in."""
    return (day.toordinal() - 1) // 7


def monday_of(week: int) -> date:
    """The Monday that starts local week ``week``."""
    return date.fromordinal(week * 7 + 1)


def micros(delta: timedelta) -> int:
    """``delta`` in whole microseconds."""
    return delta // _ONE_MICROSECOND


FIRST_WEEK = week_of(date(1, 12, 31))
"""The first local week a calendar knows: EARLIEST (0002-01-01 UTC) read 23:59 behind UTC."""
LAST_WEEK = week_of(date(9999, 1, 1))
"""The last local week a calendar knows: LATEST (9998-12-31 UTC) read 23:59 ahead of UTC."""
# The days of the known weeks, as ordinals: a container is never asked about others.
_FIRST_DAY = FIRST_WEEK * 7 + 1
_END_DAY = (LAST_WEEK + 1) * 7 + 1
# Local times a sample may be taken at (µs since 0001-01-01): a little around the known weeks.
_SAMPLED_FROM = FIRST_WEEK * WEEK - micros(_MARGIN)
_SAMPLED_TO = (LAST_WEEK + 1) * WEEK + micros(_MARGIN)


def _local_micros(local: datetime) -> int:
    return micros(local - _EPOCH)


# -- offset changes of a zone ------------------------------------------------------------

_CYCLE = 20_871 * WEEK
"""400 Gregorian years (146,097 days, a whole number of weeks): dates and weekdays repeat."""
_RULED_FROM = _local_micros(datetime(2200, 1, 1))
"""From when a ZoneInfo's offsets repeat every :data:`_CYCLE` (local µs since 0001-01-01).

After the last transition listed in its tz database file (2087 at the latest
today, for Africa/Casablanca), a ZoneInfo follows the file's POSIX TZ rule: a
change on a given weekday of a month, or day of the year, at a local time, every
year. Such a rule gives the same offsets 400 years later, so the changes of one
cycle from 2200 are sampled once and those of any later time copied from it.
"""
_CYCLE_SLACK = 2 * DAY
"""How far outside a span a copied change is still looked for: as sampling may locate it."""


class Change(NamedTuple):
    """A change of a zone's UTC offset, as the local times it can disturb.

    The local times from ``start`` to ``end`` (microseconds since 0001-01-01,
    naive local time) are the change's size either side of where it happens,
    as closely as it was located: they hold the skipped or repeated times
    whichever convention the tzinfo has for them.
    """

    start: int
    end: int
    size: int
    """The size of the change (the hour of daylight saving), in microseconds."""


OffsetReader = Callable[[datetime], timedelta]


def _offset_reader(zone: tzinfo) -> OffsetReader:
    """A function giving ``zone``'s UTC offset at a naive local time (the first one if repeated)."""
    if isinstance(zone, ZoneInfo | timezone):
        # Both read the wall time of a naive datetime as it is: the fast way, no copies.
        return zone.utcoffset  # type: ignore[return-value]

    def read(local: datetime) -> timedelta:
        # Other tzinfos (pytz...) may treat naive times differently: ask as the calendar does.
        offset = local.replace(tzinfo=zone).utcoffset()
        if offset is None:
            raise TypeError("utcoffset() gave None")
        return offset

    return read


# Zones the tz database defines as one offset for all time, besides Etc/*: nothing to sample.
_FIXED_NAMES = frozenset(
    {"GMT", "GMT+0", "GMT-0", "GMT0", "Greenwich", "UCT", "UTC", "Universal", "Zulu"}
)


def _is_fixed(zone: tzinfo) -> bool:
    """Whether ``zone`` is known never to change its offset (UTC, Etc/GMT+5, a fixed timezone)."""
    if isinstance(zone, timezone):
        return True
    key = zone.key if isinstance(zone, ZoneInfo) else None
    return key is not None and (key in _FIXED_NAMES or key.startswith("Etc/"))


class ZoneChanges:
    """The UTC-offset changes of one zone, found a block of weeks at a time and kept.

    Args:
        zone: any ``tzinfo``; one that fails to give an offset is refused with
            ``ValidationError`` naming ``zone``.
    """

    __slots__ = ("_blocks", "_cycle", "_fixed", "_gains", "_read", "_ruled", "_zone")

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone
        self._read = _offset_reader(zone)
        self._fixed = _is_fixed(zone)
        self._ruled = type(zone) is ZoneInfo
        # One cycle's changes, and where each happens: set once, as one value, for threads.
        self._cycle: tuple[tuple[Change, ...], tuple[int, ...]] | None = None
        self._blocks: dict[int, tuple[Change, ...]] = {}
        self._gains: dict[int, int] = {}

    def in_block(self, block: int) -> tuple[Change, ...]:
        """The changes that may disturb the local weeks of ``block`` (and a few days around)."""
        found = self._blocks.get(block)
        if found is None:
            if self._fixed:
                return ()
            found = self._blocks[block] = self._find(block)
        return found

    def gain_bound(self, block: int) -> int:
        """An upper bound of the open time the changes of ``block`` can add (µs), for any hours.

        A change adds at most its size to the period it falls in, and may make a
        period of one week overlap one of the next: twice its size, summed.
        """
        gain = self._gains.get(block)
        if gain is None:
            gain = self._gains[block] = 2 * sum(change.size for change in self.in_block(block))
        return gain

    def _find(self, block: int) -> tuple[Change, ...]:
        try:
            return self._sample(block)
        except Exception as exc:  # a foreign tzinfo's own failure, at some date
            raise ValidationError(
                "zone",
                self._zone,
                f"could not give its UTC offsets in the weeks from"
                f" {monday_of(max(block * BLOCK_WEEKS, FIRST_WEEK))} ({exc!r})",
            ) from exc

    def _sample(self, block: int) -> tuple[Change, ...]:
        first = block * BLOCK_WEEKS * WEEK
        # Clipped in microseconds first: the last block reaches past datetime.max.
        start = max(first - micros(_MARGIN), _SAMPLED_FROM)
        end = min(first + BLOCK_WEEKS * WEEK + micros(_MARGIN), _SAMPLED_TO)
        if self._ruled and start >= _RULED_FROM + _CYCLE:
            return self._repeated(start, end)
        return self._sample_span(
            _EPOCH + timedelta(microseconds=start), _EPOCH + timedelta(microseconds=end)
        )

    def _repeated(self, start: int, end: int) -> tuple[Change, ...]:
        """The changes in local ``[start, end]`` (µs), as those of the cycle, whole cycles on."""
        if self._cycle is None:
            span = self._sample_span(
                _EPOCH + timedelta(microseconds=_RULED_FROM - micros(_MARGIN)),
                _EPOCH + timedelta(microseconds=_RULED_FROM + _CYCLE + micros(_MARGIN)),
            )
            # Each change once: by where it happens (its start plus its size), in the cycle.
            kept = tuple(
                change
                for change in span
                if _RULED_FROM <= change.start + change.size < _RULED_FROM + _CYCLE
            )
            self._cycle = (kept, tuple(change.start + change.size for change in kept))
        changes, at = self._cycle
        found: list[Change] = []
        for cycles in range((start - _RULED_FROM) // _CYCLE, (end - _RULED_FROM) // _CYCLE + 1):
            shift = cycles * _CYCLE
            first = bisect_left(at, start - shift - _CYCLE_SLACK)
            last = bisect_left(at, end - shift + _CYCLE_SLACK)
            found.extend(
                Change(change.start + shift, change.end + shift, change.size)
                for change in changes[first:last]
            )
        return tuple(found)

    def _sample_span(self, start: datetime, end: datetime) -> tuple[Change, ...]:
        """The changes between local times ``start`` and ``end``, sampled and bisected."""
        count = (end - start) // SAMPLE_STEP
        # accumulate() and map() loop in C: about 0.1 µs a sample.
        steps = itertools.accumulate(
            itertools.repeat(SAMPLE_STEP, count), operator.add, initial=start
        )
        offsets = list(map(self._read, itertools.chain(steps, (end,))))
        if offsets.count(offsets[0]) == len(offsets):
            return ()  # most blocks of most zones: one offset all along
        changed = itertools.compress(
            itertools.count(), map(operator.ne, offsets, itertools.islice(offsets, 1, None))
        )
        return tuple(
            self._locate(
                start + i * SAMPLE_STEP,
                min(start + (i + 1) * SAMPLE_STEP, end),
                offsets[i],
                offsets[i + 1],
            )
            for i in changed
        )

    def _locate(self, low: datetime, high: datetime, before: timedelta, after: timedelta) -> Change:
        """The change between two samples, found to :data:`_PRECISION` by bisection."""
        while high - low > _PRECISION:
            middle = low + (high - low) // 2
            if self._read(middle) == before:
                low = middle
            else:
                high = middle
        # The change happens in (low, high]: what it disturbs lies within its size of there.
        size = abs(micros(after - before))
        return Change(_local_micros(low) - size, _local_micros(high) + size, size)


_ZONES: dict[tzinfo, ZoneChanges] = {}
_CACHED_ZONES = 64


def zone_changes(zone: tzinfo) -> ZoneChanges:
    """The (shared) offset changes of ``zone``: calendars in one zone sample it once."""
    try:
        known = _ZONES.get(zone)
    except TypeError:  # an unhashable tzinfo: it keeps its own
        return ZoneChanges(zone)
    if known is None:
        known = ZoneChanges(zone)
        if len(_ZONES) < _CACHED_ZONES:
            _ZONES[zone] = known
    return known


# -- holidays --------------------------------------------------------------------------------


class HolidayLookup(Protocol):
    """Which days a calendar's openings are cancelled on."""

    def closes(self, day: date) -> bool:
        """Whether ``day`` (a day the calendar opens on) is a holiday."""

    def ordinals(self, first: int, end: int) -> Sequence[int]:
        """The holidays on open weekdays from ordinal ``first`` to ``end`` (excluded), in order."""


class FixedHolidays:
    """A finite set of holidays, indexed once in date order."""

    __slots__ = ("_days", "_ordinals")

    def __init__(self, days: frozenset[date], open_weekdays: Container[int]) -> None:
        self._days = days
        self._ordinals = tuple(
            sorted(day.toordinal() for day in days if day.weekday() in open_weekdays)
        )

    def closes(self, day: date) -> bool:
        """Whether ``day`` is one of the holidays."""
        return day in self._days

    def ordinals(self, first: int, end: int) -> Sequence[int]:
        """The holidays on open weekdays in ``[first, end)``, by bisection."""
        found = self._ordinals
        return found[bisect_left(found, first) : bisect_left(found, end)]


class AskedHolidays:
    """Any ``Container[date]`` (such as ``holidays.IT()``), asked once per date, a year at a time.

    Only the days the calendar opens on are asked about. The answers are kept,
    so a change to the container after a year was asked about goes unseen.
    """

    __slots__ = ("_container", "_open_weekdays", "_years")

    def __init__(self, container: Container[date], open_weekdays: Container[int]) -> None:
        self._container = container
        self._open_weekdays = open_weekdays
        self._years: dict[int, tuple[tuple[int, ...], frozenset[int]]] = {}

    def closes(self, day: date) -> bool:
        """Whether the container holds ``day`` (a day the calendar opens on)."""
        return day.toordinal() in self._year(day.year)[1]

    def ordinals(self, first: int, end: int) -> Sequence[int]:
        """The holidays on open weekdays in ``[first, end)``, a year of answers at a time."""
        years = range(date.fromordinal(first).year, date.fromordinal(end - 1).year + 1)
        return [
            ordinal for year in years for ordinal in self._year(year)[0] if first <= ordinal < end
        ]

    def _year(self, year: int) -> tuple[tuple[int, ...], frozenset[int]]:
        known = self._years.get(year)
        if known is None:
            days = range(
                max(date(year, 1, 1).toordinal(), _FIRST_DAY),
                min(date(year, 12, 31).toordinal() + 1, _END_DAY),
            )
            ordinals = tuple(
                ordinal
                for ordinal in days
                if (ordinal - 1) % 7 in self._open_weekdays
                and self._asks(date.fromordinal(ordinal))
            )
            known = self._years[year] = (ordinals, frozenset(ordinals))
        return known

    def _asks(self, day: date) -> bool:
        try:
            return day in self._container
        except Exception as exc:  # the container's own failure: name it, not a bare error
            raise ValidationError(
                "holidays",
                day,
                f"could not be looked up in the holidays container {type(self._container).__name__}"
                f" ({exc!r})",
            ) from exc


# -- the index ---------------------------------------------------------------------------------


class _Block(NamedTuple):
    """A block of weeks: those that deviate from the base, in order, with prefix sums."""

    first: int
    end: int
    """The block's weeks are ``first`` to ``end`` (excluded)."""
    weeks: tuple[int, ...]
    sums: tuple[int, ...]
    """``sums[i]``: the deviations of ``weeks[:i]`` added up (µs); one more entry than weeks."""
    total: int
    """The open time of all its weeks (µs)."""

    def open_before(self, week: int, base: int) -> int:
        """The open time of the block's weeks before ``week`` (µs)."""
        return base * (week - self.first) + self.sums[bisect_left(self.weeks, week)]


_LAST_BLOCK = LAST_WEEK // BLOCK_WEEKS
_UNCOPIED = frozenset({"_lock", "_run"})


def _new_run() -> tuple[threading.RLock, tuple[int, list[int]]]:
    """A lock, and a run that covers nothing (the first query starts one).

    A calendar is shared: its run is extended by one thread at a time. The lock
    is re-entrant because building a block may ask the caller's holidays
    container, which might in turn ask the calendar.
    """
    return threading.RLock(), (_LAST_BLOCK + 1, [0])


class WeekTotals:
    """The open time of a business calendar's local weeks: a base and deviations, by block.

    Besides the blocks, it keeps a *run*: the open time of consecutive blocks
    added up from a first one, extended as queries reach further. Inside it,
    the open time of any span of weeks, and where a duration runs out, are two
    bisections; a query starting outside it starts a new run.

    Args:
        pattern: the week's opening intervals as ``(start, end)`` microseconds
            from Monday 00:00 local, in order (``end`` up to a week).
        holidays: which days the openings are cancelled on.
        changes: the zone's offset changes.
        run_total: the actual open time (µs) of the intervals ``first``..``last``
            (positions in ``pattern``) of a week, ``run_total(week, first, last)``,
            from their opening periods (holidays closed), a DST squeeze counted
            from ``first`` on.
    """

    __slots__ = (
        "_blocks",
        "_changes",
        "_day_open",
        "_holidays",
        "_lock",
        "_pattern",
        "_run",
        "_run_total",
        "_starts",
        "_stops",
        "base",
    )

    def __init__(
        self,
        pattern: Sequence[tuple[int, int]],
        holidays: HolidayLookup,
        changes: ZoneChanges,
        run_total: Callable[[int, int, int], int],
    ) -> None:
        self._pattern = tuple(pattern)
        self._starts = tuple(start for start, _ in self._pattern)
        self._stops = tuple(stop for _, stop in self._pattern)
        self._holidays = holidays
        self._changes = changes
        self._run_total = run_total
        self._blocks: dict[int, _Block] = {}
        self._lock, self._run = _new_run()
        day_open = [0] * 7
        for start, end in self._pattern:
            day_open[start // DAY] += end - start
        self._day_open = tuple(day_open)
        self.base = sum(day_open)
        """The open time of a week without holidays or offset changes (µs)."""

    def __getstate__(self) -> dict[str, object]:
        # A lock cannot be pickled (or deep-copied): the copy gets its own, and an empty run.
        return {name: getattr(self, name) for name in self.__slots__ if name not in _UNCOPIED}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._lock, self._run = _new_run()

    def open_time(self, first: int, end: int) -> int:
        """The open time of the weeks from ``first`` to ``end`` (``first <= end <= LAST_WEEK``)."""
        with self._lock:
            self._cover(first // BLOCK_WEEKS, end // BLOCK_WEEKS)
            return self._open_before(end) - self._open_before(first)

    def spend(self, week: int, left: int) -> tuple[int, int] | None:
        """Where ``left`` µs of open time, counted from the start of ``week``, run out.

        Returns:
            ``(landing, rest)``: the week the last of it falls in, and how much of
            it is left at that week's start (``0 < rest``); ``None`` if it does not
            run out by the end of :data:`LAST_WEEK`.
        """
        if week > LAST_WEEK:
            return None
        if left > self.base * (LAST_WEEK + 1 - week) and left > self._upper_bound(week):
            return None  # refused at once, without building every block on the way
        with self._lock:
            self._cover(week // BLOCK_WEEKS, week // BLOCK_WEEKS)
            goal = self._open_before(week) + left  # counted from the run's first week
            first, sums = self._run
            while sums[-1] < goal:
                if first + len(sums) - 1 > _LAST_BLOCK:
                    return None
                sums.append(sums[-1] + self._block(first + len(sums) - 1).total)
            reached = bisect_left(sums, goal)  # blocks first .. first + reached - 1 hold it
            return self._land(self._block(first + reached - 1), goal - sums[reached - 1])

    def _cover(self, first: int, last: int) -> None:
        """Make the run cover blocks ``first`` to ``last`` (lock held).

        A run is extended from its end; one that starts after ``first``, or ends
        well before it, is replaced: it would build blocks nobody asked about.
        """
        start, sums = self._run
        if not start <= first <= start + len(sums) - 1:
            start, sums = first, [0]
            self._run = (start, sums)
        while start + len(sums) - 1 <= last:
            sums.append(sums[-1] + self._block(start + len(sums) - 1).total)

    def _open_before(self, week: int) -> int:
        """The open time from the run's first week to ``week`` (lock held; the run covers it)."""
        block = week // BLOCK_WEEKS
        start, sums = self._run
        return sums[block - start] + self._block(block).open_before(week, self.base)

    def _upper_bound(self, week: int) -> int:
        """At least the open time from ``week`` to the end; exact enough to refuse at once."""
        weeks = LAST_WEEK + 1 - week
        # Holidays only take time away: without them, only offset changes add any.
        return self.base * weeks + sum(
            self._changes.gain_bound(block) for block in range(week // BLOCK_WEEKS, _LAST_BLOCK + 1)
        )

    def _land(self, block: _Block, left: int) -> tuple[int, int]:
        """The week of ``block`` by whose end ``left`` (counted from its first week) runs out."""
        below, above = block.first, block.end
        # The weeks before below hold less than left; those before above, enough.
        while above - below > 1:
            middle = (below + above) // 2
            if block.open_before(middle, self.base) < left:
                below = middle
            else:
                above = middle
        return below, left - block.open_before(below, self.base)

    def _block(self, block: int) -> _Block:
        known = self._blocks.get(block)
        if known is None:
            known = self._blocks[block] = self._build(block)
        return known

    def _build(self, block: int) -> _Block:
        first = max(block * BLOCK_WEEKS, FIRST_WEEK)
        end = min((block + 1) * BLOCK_WEEKS, LAST_WEEK + 1)
        deviations: dict[int, int] = {}
        for ordinal in self._holidays.ordinals(first * 7 + 1, end * 7 + 1):
            week, weekday = divmod(ordinal - 1, 7)
            deviations[week] = deviations.get(week, 0) - self._day_open[weekday]
        for week, (first_run, last_run) in self._disturbed(block, first, end).items():
            # The intervals near a change: their periods say what they hold, in
            # place of their nominal hours (holidays aside: counted above).
            monday = monday_of(week)
            nominal = sum(
                stop - start
                for start, stop in self._pattern[first_run : last_run + 1]
                if not self._holidays.closes(monday + timedelta(days=start // DAY))
            )
            actual = self._run_total(week, first_run, last_run)
            deviations[week] = deviations.get(week, 0) + actual - nominal
        weeks = tuple(sorted(week for week, deviation in deviations.items() if deviation))
        sums = tuple(itertools.accumulate((deviations[week] for week in weeks), initial=0))
        return _Block(first, end, weeks, sums, self.base * (end - first) + sums[-1])

    def _disturbed(self, block: int, first: int, end: int) -> dict[int, tuple[int, int]]:
        """The weeks in ``[first, end)`` whose opening intervals an offset change touches.

        An interval touches a change if it overlaps the change's window, or opens
        at most the change's size after it: a close among the skipped times is
        moved forward by the size, and squeezes an interval opening before that.
        The window itself need not reach so far: where it ends depends on the
        tzinfo. A ZoneInfo reads a skipped wall time with the offset from before
        the change (PEP 495, fold=0), so the change is located at the end of the
        skipped times and its window reaches a size past them; ``dateutil``'s
        ``tzfile`` reads it with the offset from after, so the change is located
        at their start and its window ends with them.

        Returns:
            For each such week, the run of its intervals to recompute: from the
            first to the last that touches a change (positions in the pattern).
            Any other interval keeps one offset from its opening to its close,
            so it holds its nominal hours; and no squeeze joins it to an
            interval of the run: it closes before the window or opens after
            every close the change moves.
        """
        touched: dict[int, tuple[int, int]] = {}
        for change in self._changes.in_block(block):
            reach = change.end + change.size  # past any close it moves, wherever it was located
            for week in range(
                max(change.start // WEEK - 1, first), min(reach // WEEK, end - 1) + 1
            ):
                monday = week * WEEK
                # The intervals are in order and do not overlap: those touching
                # [start, reach] are the ones from the first ending at or after
                # its start to the last opening at or before its reach.
                low = bisect_left(self._stops, change.start - monday)
                high = bisect_right(self._starts, reach - monday) - 1
                if low <= high:
                    known = touched.get(week, (low, high))
                    touched[week] = (min(known[0], low), max(known[1], high))
        return touched
