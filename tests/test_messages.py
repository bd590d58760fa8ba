"""Phone message slips (CF1001-CF1004): fields, checks, the rendered slip and JSON."""

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import attrs
import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from callflow.callbacks import CallbackWindow
from callflow.errors import CallbackWindowError, PhoneNumberError, ValidationError
from callflow.messages import MESSAGE_FIELDS, PhoneMessage, check_message
from callflow.priority import Urgency
from callflow.records import RuleBreach

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
ROME = ZoneInfo("Europe/Rome")
TAKEN_AT = datetime(2026, 3, 30, 10, 5, tzinfo=SAO_PAULO)
WINDOW = CallbackWindow(
    datetime(2026, 3, 30, 15, 0, tzinfo=SAO_PAULO),
    datetime(2026, 3, 30, 18, 0, tzinfo=SAO_PAULO),
    "after 3pm",
)
REQUIRED = [name for name, _ in MESSAGE_FIELDS]
ZONE_KEYS = ("America/Sao_Paulo", "Europe/Rome", "Europe/London", "Asia/Kolkata", "UTC")


def a_message(**changes: object) -> PhoneMessage:
    """A complete slip, read back, with a valid number: it breaks no rule."""
    fields: dict[str, object] = {
        "caller_name": "Ana Souza",
        "for_whom": "Maria Rossi",
        "organisation": "Acme Brasil",
        "phone": "+55 11 3456-7890",
        "text": "The label printer in the warehouse jams again.",
        "urgency": Urgency.HIGH,
        "callback": WINDOW,
        "caller_zone": SAO_PAULO,
        "taken_at": TAKEN_AT,
        "taken_by": "Bill",
        "read_back": True,
        "recipient_zone": ROME,
        **changes,
    }
    return PhoneMessage(**fields)  # type: ignore[arg-type]


def rules(message: PhoneMessage) -> list[tuple[str, str | None]]:
    return [(breach.rule, breach.field) for breach in check_message(message)]


# -- a strategy for any valid message ---------------------------------------------------

texts = st.text(min_size=1, max_size=30).filter(str.strip)
iana_zones = st.sampled_from(ZONE_KEYS).map(ZoneInfo)
any_zones: SearchStrategy[tzinfo] = st.one_of(
    iana_zones,
    st.just(UTC),
    st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes))),
)
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)
moments = st.builds(lambda instant, zone: instant.astimezone(zone), instants, any_zones)
windows = st.builds(
    lambda start, length, zone, text: CallbackWindow(
        start.astimezone(zone), (start + length).astimezone(zone), text
    ),
    instants,
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)),
    any_zones,
    st.none() | texts,
)


def phone_messages() -> SearchStrategy[PhoneMessage]:
    """Any valid PhoneMessage: every field missing or not, in any zone, any text."""
    return st.builds(
        PhoneMessage,
        caller_name=st.none() | texts,
        for_whom=st.none() | texts,
        organisation=st.none() | texts,
        phone=st.none() | texts | st.sampled_from(["+39 06 1234 5678", "020 7946 0958"]),
        text=st.none() | texts,
        urgency=st.none() | st.sampled_from(Urgency),
        callback=st.none() | windows,
        caller_zone=st.none() | iana_zones,
        taken_at=st.none() | moments,
        taken_by=st.none() | texts,
        read_back=st.booleans(),
        region=st.none() | st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
        recipient_zone=st.none() | iana_zones,
    )


class TestCheckMessage:
    def test_a_complete_message_breaks_no_rule(self) -> None:
        """Every field, a valid number, the window in the caller's zone, read back: ()."""
        assert () == check_message(a_message())

    @pytest.mark.parametrize("name", REQUIRED)
    def test_each_missing_field_is_exactly_one_cf1001(self, name: str) -> None:
        """Removing one required field gives one CF1001 for that field, and nothing else."""
        assert [("CF1001", name)] == rules(a_message(**{name: None}))

    def test_missing_fields_come_in_slip_order(self) -> None:
        """An empty slip has one CF1001 per required field, in slip order, then CF1004."""
        expected = [("CF1001", name) for name in REQUIRED] + [("CF1004", "read_back")]
        assert expected == rules(PhoneMessage())

    def test_cf1001_names_the_label(self) -> None:
        """The breach says which line of the slip is empty."""
        expected = RuleBreach("CF1001", "The slip has no 'For' (for_whom).", "for_whom")
        assert (expected,) == check_message(a_message(for_whom=None))

    @pytest.mark.parametrize(
        ("phone", "region"),
        [("555 0123", "GB"), ("1-800-FLOWERS", "US"), ("020 7946 0958", None), ("12", "IT")],
    )
    def test_cf1002_a_number_that_is_not_full_and_valid(self, phone: str, region: str) -> None:
        """A number without area code, with letters, or unreadable without a region: CF1002."""
        assert [("CF1002", "phone")] == rules(a_message(phone=phone, region=region))

    def test_cf1002_carries_the_reason(self) -> None:
        """The breach says what is wrong with the number."""
        (breach,) = check_message(a_message(phone="555 0123", region="GB"))
        assert "The phone number '555 0123' has no area code" in breach.message

    @pytest.mark.parametrize(
        ("phone", "region"),
        [("020 7946 0958", "GB"), ("06 1234 5678", "IT"), ("+1 415 555 0132", None)],
    )
    def test_no_cf1002_for_a_full_number(self, phone: str, region: str | None) -> None:
        """A national number read in its region, or an international one: no CF1002."""
        assert [] == rules(a_message(phone=phone, region=region))

    @pytest.mark.parametrize(
        "zone",
        [ROME, UTC, timezone(timedelta(hours=-3)), ZoneInfo("America/Argentina/Buenos_Aires")],
    )
    def test_cf1003_a_window_not_in_the_callers_zone(self, zone: tzinfo) -> None:
        """Same instants in another zone, even one with the same offset (-03:00): CF1003."""
        assert [("CF1003", "callback")] == rules(a_message(callback=WINDOW.in_zone(zone)))

    def test_cf1003_names_both_zones(self) -> None:
        """The breach says which zone the window is in and which it should be in."""
        (breach,) = check_message(a_message(callback=WINDOW.in_zone(ROME)))
        expected = (
            "The callback window is given in Europe/Rome,"
            " not in the caller's zone America/Sao_Paulo."
        )
        assert expected == breach.message

    def test_no_cf1003_without_a_callers_zone(self) -> None:
        """With no caller's zone, only its CF1001 is reported, wherever the window is."""
        message = a_message(caller_zone=None, callback=WINDOW.in_zone(ROME))
        assert [("CF1001", "caller_zone")] == rules(message)

    def test_cf1004_not_read_back(self) -> None:
        """Key points not read back: CF1004, and only that."""
        assert [("CF1004", "read_back")] == rules(a_message(read_back=False))

    def test_only_a_message_is_checked(self) -> None:
        """Anything else is refused by name."""
        with pytest.raises(ValidationError, match="'message' must be a PhoneMessage"):
            check_message({"caller_name": "Ana"})  # type: ignore[arg-type]

    @given(phone_messages())
    def test_cf1001_is_exactly_the_missing_fields(self, message: PhoneMessage) -> None:
        """For any message, the CF1001 breaches are its missing fields, in slip order."""
        found = [breach.field for breach in check_message(message) if breach.rule == "CF1001"]
        assert list(message.missing) == found


class TestFields:
    def test_urgency_takes_its_value(self) -> None:
        """ "high" is Urgency.HIGH."""
        assert Urgency.HIGH == a_message(urgency="high").urgency

    def test_zones_take_their_iana_key(self) -> None:
        """Zones given by key become ZoneInfo."""
        message = a_message(caller_zone="America/Sao_Paulo", recipient_zone="Europe/Rome")
        assert (SAO_PAULO, ROME) == (message.caller_zone, message.recipient_zone)

    def test_callback_text_is_read_against_the_call(self) -> None:
        """Callback text is read at ``taken_at`` in ``caller_zone``, into the caller's zone."""
        message = a_message(callback="after 3pm")
        assert WINDOW == message.callback

    def test_callback_text_needs_the_time_and_zone_of_the_call(self) -> None:
        """Without ``taken_at`` or ``caller_zone`` callback text cannot be read: it says so."""
        with pytest.raises(ValidationError, match="needs taken_at and caller_zone") as caught:
            a_message(callback="after 3pm", caller_zone=None)
        assert ("callback", "after 3pm") == (caught.value.field, caught.value.value)

    def test_unreadable_callback_text_is_refused(self) -> None:
        """Text that cannot be read with certainty is refused, never guessed."""
        with pytest.raises(CallbackWindowError, match="'callback' cannot read 'whenever'"):
            a_message(callback="whenever")

    @pytest.mark.parametrize(
        ("name", "value", "reason"),
        [
            ("caller_name", "", "must be non-empty text"),
            ("phone", 3551234, "must be non-empty text"),
            ("urgency", "urgent", "must be 'high', 'medium' or 'low'"),
            ("caller_zone", "Mars/Olympus_Mons", "must be a tzinfo or an IANA time zone name"),
            ("caller_zone", timezone(timedelta(hours=-3)), "must be an IANA time zone"),
            ("recipient_zone", UTC, "must be an IANA time zone"),
            ("taken_at", datetime(2026, 3, 30, 10, 5), "must be a timezone-aware datetime"),
            ("taken_at", datetime(2026, 3, 29, 2, 30, tzinfo=ROME), "does not exist"),
            ("read_back", "yes", "must be True or False"),
            ("region", "XX", "must be a region code such as 'GB'"),
            ("callback", 15, "must be a CallbackWindow or the text typed for it"),
        ],
    )
    def test_bad_values_are_refused_by_name(self, name: str, value: object, reason: str) -> None:
        """Each bad value raises ValidationError naming the field and quoting the value."""
        with pytest.raises(ValidationError, match=reason) as caught:
            a_message(**{name: value})
        assert (name, value) == (caught.value.field, caught.value.value)

    def test_missing_lists_empty_fields_in_slip_order(self) -> None:
        """``missing`` names the required fields that are None, in slip order."""
        assert ("organisation", "taken_by") == a_message(taken_by=None, organisation=None).missing

    def test_phone_number_is_read_in_the_region(self) -> None:
        """``phone_number`` reads the written number in ``region``."""
        assert "+442079460958" == a_message(phone="020 7946 0958", region="GB").phone_number.e164

    def test_phone_number_of_a_message_without_one(self) -> None:
        """No number: PhoneNumberError."""
        with pytest.raises(PhoneNumberError, match="'phone' is missing"):
            a_message(phone=None).phone_number  # noqa: B018


class TestSlip:
    def test_the_whole_slip(self) -> None:
        """The recipient in Rome reads the callback in Rome time and in the caller's time."""
        expected = "\n".join(
            [
                "PHONE MESSAGE",
                "Caller:             Ana Souza",
                "For:                Maria Rossi",
                "Organisation:       Acme Brasil",
                "Phone:              +55 11 3456-7890",
                "Message:            The label printer in the warehouse jams again.",
                "Urgency:            high",
                "Call back:          Mon 30 Mar 2026 20:00–23:00 (Europe/Rome)",
                "                    = Mon 30 Mar 2026 15:00–18:00 (America/Sao_Paulo),"
                " the caller's time",
                "Caller's time zone: America/Sao_Paulo",
                "Taken at:           Mon 30 Mar 2026 15:05 (Europe/Rome)",
                "Taken by:           Bill",
                "Read back:          yes",
            ]
        )
        assert expected == a_message().slip()

    def test_missing_fields_show_a_dash(self) -> None:
        """A missing field keeps its line, with "—"."""
        slip = a_message(organisation=None, urgency=None).slip()
        assert ["Organisation:       —", "Urgency:            —"] == [
            line for line in slip.splitlines() if line.endswith("—")
        ]

    def test_zone_overrides_the_recipients(self) -> None:
        """``slip(zone)`` shows times in ``zone``; the caller's time is shown once if the same."""
        lines = a_message().slip("America/Sao_Paulo").splitlines()
        assert [
            "Call back:          Mon 30 Mar 2026 15:00–18:00 (America/Sao_Paulo),"
            " the caller's time",
            "Caller's time zone: America/Sao_Paulo",
            "Taken at:           Mon 30 Mar 2026 10:05 (America/Sao_Paulo)",
        ] == lines[7:10]

    def test_without_a_recipient_zone_times_are_the_callers(self) -> None:
        """With no recipient zone the slip is in the caller's zone."""
        assert a_message(recipient_zone=None).slip() == a_message().slip(SAO_PAULO)

    def test_the_phone_line_shows_the_full_number_or_the_problem(self) -> None:
        """A national number is shown with its international form; a bad one with the reason."""
        good = a_message(phone="020 7946 0958", region="GB").slip().splitlines()[4]
        bad = a_message(phone="555 0123", region="GB").slip().splitlines()[4]
        assert (
            "Phone:              020 7946 0958 (+44 20 7946 0958)",
            "Phone:              555 0123 (not a full number: it has no area code: it could only"
            " be dialled locally; write it with its area code)",
        ) == (good, bad)

    @given(phone_messages(), st.none() | iana_zones)
    def test_the_slip_always_has_every_label(
        self, message: PhoneMessage, zone: tzinfo | None
    ) -> None:
        """Whatever is filled in, every label of the slip is there, in slip order."""
        labels = [label for _, label in MESSAGE_FIELDS] + ["Read back"]
        slip = message.slip(zone)
        starts = [line.split(":")[0] for line in slip.splitlines() if not line.startswith(" ")]
        assert ["PHONE MESSAGE", *labels] == [
            start for start in starts if start in ["PHONE MESSAGE", *labels]
        ]


class TestJson:
    def test_to_dict_is_json_ready(self) -> None:
        """Times carry offset and zone, zones their key, the urgency its value."""
        assert {
            "caller_name": "Ana Souza",
            "for_whom": "Maria Rossi",
            "organisation": "Acme Brasil",
            "phone": "+55 11 3456-7890",
            "text": "The label printer in the warehouse jams again.",
            "urgency": "high",
            "callback": {
                "start": "2026-03-30T15:00:00-03:00[America/Sao_Paulo]",
                "end": "2026-03-30T18:00:00-03:00[America/Sao_Paulo]",
                "text": "after 3pm",
            },
            "caller_zone": "America/Sao_Paulo",
            "taken_at": "2026-03-30T10:05:00-03:00[America/Sao_Paulo]",
            "taken_by": "Bill",
            "read_back": True,
            "region": None,
            "recipient_zone": "Europe/Rome",
        } == a_message().to_dict()

    @given(phone_messages())
    def test_dict_round_trip_is_exact(self, message: PhoneMessage) -> None:
        """from_dict(to_dict()) is the same message, down to each time's zone."""
        back = PhoneMessage.from_dict(message.to_dict())
        assert (message, message.to_dict()) == (back, back.to_dict())

    @given(phone_messages())
    def test_json_round_trip_is_exact(self, message: PhoneMessage) -> None:
        """from_json(to_json()) is the same message; the JSON is plain JSON."""
        text = message.to_json()
        back = PhoneMessage.from_json(text)
        assert (message, json.loads(text)) == (back, back.to_dict())

    def test_same_instant_other_zone_is_not_lost(self) -> None:
        """A window in Rome reads back in Rome, not as a bare offset."""
        message = a_message(callback=WINDOW.in_zone(ROME))
        assert ROME == PhoneMessage.from_dict(message.to_dict()).callback.zone  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("changes", "field", "reason"),
        [
            ({"caller_name": 3}, "caller_name", "must be text"),
            ({"caller_name": " "}, "caller_name", "must be non-empty text"),
            ({"urgency": "urgent"}, "urgency", "must be 'high', 'medium' or 'low'"),
            ({"read_back": "yes"}, "read_back", "must be True or False"),
            ({"caller_zone": "Mars/Olympus_Mons"}, "caller_zone", "IANA time zone"),
            ({"taken_at": "2026-03-30T10:05:00"}, "taken_at", "must be an aware date and time"),
            ({"taken_at": "yesterday"}, "taken_at", "must be an aware date and time"),
            ({"taken_at": "2026-03-30T10:05:00+01:00[America/Sao_Paulo]"}, "taken_at", "offset"),
            ({"callback": "after 3pm"}, "callback", "must be a mapping of CallbackWindow's fields"),
            ({"callback": {"end": "2026-03-30T18:00:00-03:00"}}, "callback.start", "is required"),
            (
                {
                    "callback": {
                        "start": "2026-03-30T19:00:00-03:00",
                        "end": "2026-03-30T18:00:00-03:00",
                    }
                },
                "callback.end",
                "must be after the start",
            ),
            ({"colour": "red"}, "colour", "is not a field of PhoneMessage"),
            ({"region": "XX"}, "region", "must be a region code"),
        ],
    )
    def test_bad_data_is_refused_by_field(
        self, changes: dict[str, object], field: str, reason: str
    ) -> None:
        """Bad data raises ValidationError naming the field by its path; nothing is coerced."""
        data = {**a_message().to_dict(), **changes}
        with pytest.raises(ValidationError, match=reason) as caught:
            PhoneMessage.from_dict(data)
        assert field == caught.value.field

    def test_not_a_mapping(self) -> None:
        """Data that is not a mapping is refused as a whole."""
        with pytest.raises(ValidationError, match="'message' must be a mapping of PhoneMessage's"):
            PhoneMessage.from_dict(["Ana Souza"])  # type: ignore[arg-type]

    def test_not_json(self) -> None:
        """Text that is not JSON is refused on ``json``."""
        with pytest.raises(ValidationError, match="'json' is not a JSON document"):
            PhoneMessage.from_json("{caller_name: Ana}")

    def test_a_time_in_a_zone_json_cannot_name_is_refused(self) -> None:
        """A tzinfo with neither IANA key nor fixed offset would not read back: refused."""
        from dateutil import tz

        message = a_message(taken_at=datetime(2026, 3, 30, 10, 5, tzinfo=tz.tzlocal()))
        with pytest.raises(ValidationError, match="must have an IANA zone or a fixed offset"):
            message.to_dict()

    def test_evolve_keeps_it_valid(self) -> None:
        """A message is a frozen value: changes go through attrs.evolve and its checks."""
        with pytest.raises(ValidationError):
            attrs.evolve(a_message(), read_back="no")  # type: ignore[arg-type]
