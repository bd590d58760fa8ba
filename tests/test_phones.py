"""Phone numbers on message slips (CF1002): full, valid numbers with their area code."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.errors import PhoneNumberError, ValidationError
from callflow.phones import PhoneNumber, check_region, parse_phone_number

FIXED_LINE = phonenumbers.PhoneNumberType.FIXED_LINE
REGIONS = ("IT", "GB", "US", "BR", "DE", "JP", "IN", "AU", "FR")


def example(region: str, style: int) -> str:
    """phonenumbers' own valid example fixed-line number for ``region``, formatted in ``style``."""
    number = phonenumbers.example_number_for_type(region, FIXED_LINE)
    assert number is not None
    return phonenumbers.format_number(number, style)


class TestInternationalNumbers:
    @pytest.mark.parametrize(
        ("text", "e164", "region"),
        [
            ("+1 415 555 0132", "+14155550132", "US"),
            ("+55 11 3456-7890", "+551134567890", "BR"),
            ("+39 06 1234 5678", "+390612345678", "IT"),
            ("+44 20 7946 0958", "+442079460958", "GB"),
            ("+44 (0) 20 7946 0958", "+442079460958", "GB"),
            ("+81 3-1234-5678", "+81312345678", "JP"),
            ("+49 30 123456", "+4930123456", "DE"),
            ("+800 1234 5678", "+80012345678", "001"),
        ],
    )
    @pytest.mark.parametrize("default", [None, "GB", "IT", "US"])
    def test_pass_whatever_the_default_region(
        self, text: str, e164: str, region: str, default: str | None
    ) -> None:
        """A number written with its +country code is read as such, whatever the default."""
        assert PhoneNumber(e164, region) == parse_phone_number(text, region=default)

    @pytest.mark.parametrize("region", REGIONS)
    def test_example_numbers_of_every_country(self, region: str) -> None:
        """phonenumbers' example number of a country, written internationally, is accepted."""
        text = example(region, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        assert text == parse_phone_number(text).international()

    def test_a_leading_00_without_a_region_is_the_international_prefix(self) -> None:
        """Without a default region, 0039 is +39 (the prefix most of the world dials)."""
        assert "+390612345678" == parse_phone_number("0039 06 1234 5678").e164

    def test_with_a_region_its_own_international_prefix_applies(self) -> None:
        """From the US the international prefix is 011, so 011 39 is +39 and 0039 is refused."""
        assert "+390612345678" == parse_phone_number("011 39 06 1234 5678", region="US").e164
        with pytest.raises(PhoneNumberError, match="too long for a number in US"):
            parse_phone_number("0039 06 1234 5678", region="US")


class TestNationalNumbers:
    @pytest.mark.parametrize("region", REGIONS)
    def test_read_in_their_region(self, region: str) -> None:
        """A country's example number written nationally is read in that region."""
        national = example(region, phonenumbers.PhoneNumberFormat.NATIONAL)
        expected = example(region, phonenumbers.PhoneNumberFormat.E164)
        assert expected == parse_phone_number(national, region=region).e164

    def test_region_codes_are_read_in_any_case(self) -> None:
        """'gb' is GB: region codes are ISO codes, whatever their case."""
        assert "GB" == parse_phone_number("020 7946 0958", region="gb").region

    def test_formats(self) -> None:
        """international() and national() use phonenumbers' formats; str() is international."""
        number = parse_phone_number("06 1234 5678", region="IT")
        assert ("+39 06 1234 5678", "06 1234 5678", "+39 06 1234 5678") == (
            number.international(),
            number.national(),
            str(number),
        )


class TestExtensions:
    @pytest.mark.parametrize(
        "text", ["+1 415 555 0132 ext. 12", "+1 415 555 0132 x12", "+1 415 555 0132 #12"]
    )
    def test_an_extension_phonenumbers_recognises_is_kept(self, text: str) -> None:
        """'ext.', 'x' and '#' mark an extension: its letters are not a vanity number."""
        number = parse_phone_number(text)
        assert ("12", "+1 415-555-0132 ext. 12") == (number.extension, number.international())

    def test_the_number_itself_is_the_same(self) -> None:
        """The extension is not part of the E.164 number."""
        assert "+442079460958" == parse_phone_number("020 7946 0958 ext. 7", region="GB").e164

    @pytest.mark.parametrize(
        "text",
        [
            "+44 20 7946 0958 ext. 12",
            "+44 20 7946 0958 x12",
            "+44 20 7946 0958 #12",
            "+44 20 7946 0958 extension 12",
            "+44 20 7946 0958 anexo 12",
            "+44 20 7946 0958;ext=12",
            "+44 20 7946 0958,,12",
            "+44 20 7946 0958x12",
        ],
    )
    def test_every_marker_phonenumbers_knows(self, text: str) -> None:
        """Labels in words (English, Spanish, RFC 3966) or signs all mark an extension."""
        number = parse_phone_number(text)
        assert ("+442079460958", "12") == (number.e164, number.extension)

    @pytest.mark.parametrize(
        ("text", "region"),
        [
            ("1-800-FLOWERS x12", None),
            ("1-800-FLOWERS x12", "US"),
            ("+1 800 FLOWERS ext. 12", None),
            ("+1 800 FLOWERSx12", None),  # word and marker as one: only the number read tells
            ("0800 FLOWERS ext. 5", "GB"),
            ("0800 FLOWERS #5", "GB"),
            ("+1 415 555 0132 AB x12", None),
            ("+1 415 555 0132 a x12", None),
            ("+1 415 555 0132 é x12", None),
            ("+39 02 1234 5678 İ ext. 1", None),  # a letter phonenumbers passes over
            ("Tel +1 415 555 0132 x12", None),
        ],
    )
    def test_letters_before_an_extension_are_refused(self, text: str, region: str | None) -> None:
        """Only the extension's marker may be letters: a vanity word before it is not converted."""
        with pytest.raises(PhoneNumberError) as caught:
            parse_phone_number(text, region=region)
        assert (
            f"'phone' has letters; write the number in digits (letters are not converted)"
            f" (got {text!r})"
        ) == str(caught.value)

    @given(
        st.sampled_from(REGIONS),
        st.sampled_from([" ext. ", " x", " #", " extension ", ";ext=", ",,"]),
        st.from_regex(r"[1-9][0-9]{0,5}", fullmatch=True),
        st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=8),
    )
    def test_a_word_before_any_marker_is_refused(
        self, region: str, marker: str, extension: str, word: str
    ) -> None:
        """With a word between number and marker, the number has letters; without, it is kept."""
        number = example(region, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        kept = parse_phone_number(number + marker + extension)
        with pytest.raises(PhoneNumberError, match="has letters"):
            parse_phone_number(f"{number} {word}{marker}{extension}")
        assert extension == kept.extension


NO_AREA_CODE = "has no area code: it could only be dialled locally; write it with its area code"
LETTERS = "has letters; write the number in digits (letters are not converted)"


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "region", "reason"),
        [
            ("555 0123", "GB", NO_AREA_CODE),
            ("555-0123", "US", NO_AREA_CODE),
            ("+49 30 1", None, NO_AREA_CODE),
            ("1-800-FLOWERS", "US", LETTERS),
            ("Tel +44 20 7946 0958", None, LETTERS),
            ("call me", "GB", LETTERS),
            ("12", "GB", "is too short for a number in GB: is the area code missing?"),
            ("06 123", "IT", "is too short for a number in IT: is the area code missing?"),
            ("+44 12", None, "is too short for a number in +44: is the area code missing?"),
            ("+33 1 23", None, "is too short for a number in +33: is the area code missing?"),
            ("+44 1", None, "is too short to be a phone number"),
            ("0039 1", None, "is too short to be a phone number"),
            ("+44 20 7946 0958 1234", None, "is too long for a number in +44"),
            ("020 7946 09581", "GB", "is too long for a number in GB"),
            ("020 7946 0958123456789", "GB", "is too long to be a phone number"),
            ("+44 123456789012345678", None, "is too long to be a phone number"),
            (
                "(415) 555-0132",
                "GB",
                "is not a valid number in GB; if it is from another country,"
                " write it with its +country code",
            ),
            ("020 7946 0958", None, "needs its +country code, or a default region to read it in"),
            (
                "+999 1234 5678",
                None,
                "has no known country code after its '+' (or international prefix)",
            ),
            (
                "011 999 1234 5678",
                "US",
                "has no known country code after its '+' (or international prefix)",
            ),
            (
                "+1 200 555 0132",
                None,
                "is not a valid number for country code +1: check the digits",
            ),
            (
                "+44 20 7946 095",
                None,
                "is not a valid number for country code +44: check the digits",
            ),
            ("+1", None, "is not a phone number"),
            ("--", "GB", "is not a phone number"),
            ("", "GB", "must be non-empty text"),
            ("  ", None, "must be non-empty text"),
        ],
    )
    def test_with_the_reason(self, text: str, region: str | None, reason: str) -> None:
        """Each refusal is a PhoneNumberError naming the field and the text, saying why."""
        with pytest.raises(PhoneNumberError) as caught:
            parse_phone_number(text, region=region)
        assert ("phone", text, f"'phone' {reason} (got {text!r})") == (
            caught.value.field,
            caught.value.value,
            str(caught.value),
        )

    def test_a_number_of_another_region_is_told_to_use_its_country_code(self) -> None:
        """A US number read in GB: the reason names GB and says to write the +country code."""
        with pytest.raises(PhoneNumberError) as caught:
            parse_phone_number("(415) 555-0132", region="GB")
        assert "in GB; if it is from another country, write it with its +country code" in str(
            caught.value
        )

    def test_the_field_is_named_as_given(self) -> None:
        """``field`` names where the number came from."""
        with pytest.raises(PhoneNumberError, match=r"'contact\.phone' is too short"):
            parse_phone_number("12", region="GB", field="contact.phone")

    @pytest.mark.parametrize("region", ["XX", "GBR", "", "UK", 44])
    def test_an_unknown_region_is_a_region_error(self, region: object) -> None:
        """An unknown region is refused on ``region``, with an example of a region code."""
        with pytest.raises(ValidationError) as caught:
            parse_phone_number("+44 20 7946 0958", region=region)  # type: ignore[arg-type]
        expected = (
            f"'region' must be a region code such as 'GB' or 'IT' (ISO 3166) (got {region!r})"
        )
        assert ("region", region, False, expected) == (
            caught.value.field,
            caught.value.value,
            isinstance(caught.value, PhoneNumberError),
            str(caught.value),
        )

    @given(st.text(max_size=40), st.sampled_from([None, "GB", "IT", "US", "BR"]))
    def test_never_anything_but_a_number_or_a_phone_number_error(
        self, text: str, region: str | None
    ) -> None:
        """Whatever is written, the answer is a valid number or a PhoneNumberError."""
        try:
            number = parse_phone_number(text, region=region)
        except PhoneNumberError as error:
            outcome = (error.field, error.value)
        else:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(number.e164))
            outcome = ("phone", text) if valid else ("invalid", number.e164)
        assert ("phone", text) == outcome


class TestPhoneNumberValue:
    @pytest.mark.parametrize(
        "e164", ["06 1234 5678", "+39 06 1234 5678", "+4420794609", 390612345678, None]
    )
    def test_e164_must_be_a_valid_number(self, e164: object) -> None:
        """A PhoneNumber is only ever a valid number in E.164 form: no spaces, no int."""
        with pytest.raises(ValidationError) as caught:
            PhoneNumber(e164, "IT")  # type: ignore[arg-type]
        expected = f"'e164' must be a valid number in E.164 form ('+390612345678') (got {e164!r})"
        assert (e164, expected) == (caught.value.value, str(caught.value))

    def test_region_must_be_the_numbers(self) -> None:
        """The region is the one the number belongs to."""
        with pytest.raises(ValidationError) as caught:
            PhoneNumber("+390612345678", "GB")
        expected = "'region' must be 'IT' for +390612345678 (got 'GB')"
        assert ("GB", expected) == (caught.value.value, str(caught.value))

    @pytest.mark.parametrize("extension", ["12a", "", "١٢", 12])
    def test_extension_must_be_digits(self, extension: object) -> None:
        """An extension is ASCII digits only."""
        with pytest.raises(ValidationError) as caught:
            PhoneNumber("+390612345678", "IT", extension)  # type: ignore[arg-type]
        expected = f"'extension' must be None or digits (got {extension!r})"
        assert (extension, expected) == (caught.value.value, str(caught.value))

    def test_national_applies_the_national_prefix(self) -> None:
        """A British number nationally starts with its trunk prefix 0, which E.164 drops."""
        number = PhoneNumber("+442079460958", "GB")
        assert ("020 7946 0958", "+44 20 7946 0958") == (number.national(), number.international())

    def test_check_region(self) -> None:
        """check_region upper-cases a known code."""
        assert "IT" == check_region("region", "it")
