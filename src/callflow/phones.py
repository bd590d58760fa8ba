"""Phone numbers as written on a message slip, read with Google's libphonenumber rules (CF1002).

A slip needs a *full* number: one that can be dialled from anywhere, with its
area code. :func:`parse_phone_number` reads what was written with the
``phonenumbers`` library (per-country lengths and area codes, never a
home-made pattern) and refuses, with a reason, anything that is not such a
number:

>>> parse_phone_number("06 1234 5678", region="IT")
PhoneNumber(e164='+390612345678', region='IT', extension=None)
>>> print(parse_phone_number("+1 415 555 0132"))
+1 415-555-0132
>>> parse_phone_number("555 0123", region="GB")
Traceback (most recent call last):
...
callflow.errors.PhoneNumberError: 'phone' has no area code: it could only be dialled \
locally; write it with its area code (got '555 0123')

Conventions:

- A number written with its ``+country code`` is read as such whatever the
  default region. Without a region, a leading ``00`` is read as ``+`` (the
  international prefix of most of the world); with a region, that region's
  own international prefix applies (``00`` from Italy, ``011`` from the US).
- A national number needs a default region to be read in.
- Letters are refused: ``phonenumbers`` would turn ``1-800-FLOWERS`` into
  digits, which is a guess the slip should not make. The one exception is the
  marker of an extension that ``phonenumbers`` recognises (``ext. 12``,
  ``x12``, ``#12``): the extension is kept in :attr:`PhoneNumber.extension`,
  and letters before its marker are still refused (``1-800-FLOWERS x12``).
- Region codes are ISO 3166 codes (``"GB"``, ``"IT"``), read case-insensitively.
"""

import re
from typing import Any

import attrs
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from callflow.errors import PhoneNumberError, ValidationError
from callflow.validators import non_empty_text

__all__ = ["PhoneNumber", "check_region", "parse_phone_number"]

_TOO_SHORT = (NumberParseException.TOO_SHORT_AFTER_IDD, NumberParseException.TOO_SHORT_NSN)
_NATIONAL = phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
_ANY_LINE = phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE


def check_region(field: str, value: object) -> str:
    """Return ``value`` as an upper-case region code known to ``phonenumbers`` (``"GB"``).

    Raises:
        ValidationError: naming ``field``, if it is not such a code.
    """
    if isinstance(value, str) and value.upper() in phonenumbers.SUPPORTED_REGIONS:
        return value.upper()
    raise ValidationError(field, value, "must be a region code such as 'GB' or 'IT' (ISO 3166)")


def _e164(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    try:
        number = phonenumbers.parse(value, None) if isinstance(value, str) else None
    except NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or value != _format_e164(number):
        raise ValidationError(
            "e164", value, "must be a valid number in E.164 form ('+390612345678')"
        )


def _extension(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValidationError("extension", value, "must be None or digits")


def _format_e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@attrs.frozen
class PhoneNumber:
    """A full, valid phone number, ready to dial from anywhere.

    Attributes:
        e164: the number in E.164 form: ``+``, country code, national number.
        region: the region the number belongs to (``"IT"``; ``"001"`` for
            non-geographic numbers such as +800 freephone).
        extension: the extension's digits, if one was written.
    """

    e164: str = attrs.field(validator=_e164)
    region: str = attrs.field(validator=non_empty_text())
    extension: str | None = attrs.field(default=None, validator=_extension)

    def __attrs_post_init__(self) -> None:
        actual = phonenumbers.region_code_for_number(self._number())
        if self.region != actual:
            raise ValidationError("region", self.region, f"must be {actual!r} for {self.e164}")

    def _number(self) -> phonenumbers.PhoneNumber:
        number = phonenumbers.parse(self.e164, None)
        number.extension = self.extension
        return number

    def international(self) -> str:
        """The number as dialled from abroad: ``"+39 06 1234 5678"``."""
        return phonenumbers.format_number(self._number(), PhoneNumberFormat.INTERNATIONAL)

    def national(self) -> str:
        """The number as dialled within its own country: ``"06 1234 5678"``."""
        return phonenumbers.format_number(self._number(), PhoneNumberFormat.NATIONAL)

    def __str__(self) -> str:
        return self.international()


# A number spelled in letters, to try an ending on: phonenumbers reads what
# follows it as an extension only if it is one, because any letter left over
# joins the number (as a digit) and changes it.
_SPELLED = "+1 800 FLOWERS"
_SPELLED_E164 = "+18003569377"


_WORD = re.compile(r"[^\W\d_]+")
"""A run of letters, in any script."""


def _reads_as(ending: str, extension: str) -> bool:
    """Whether ``phonenumbers`` reads ``ending`` as the extension ``extension`` and nothing more."""
    try:
        number = phonenumbers.parse(_SPELLED + ending, None)
    except NumberParseException:
        return False
    return number.extension == extension and _format_e164(number) == _SPELLED_E164


def _is_extension(ending: str, extension: str) -> bool:
    """Whether ``ending`` is the extension ``extension``: read as it, every word in it needed.

    phonenumbers passes over letters it does not know (an "İ" before " ext. 1"):
    a word it reads the ending as well without is no part of the marker, and
    belongs to the number, whose letters are refused.
    """
    if not _reads_as(ending, extension):
        return False
    return not any(
        _reads_as(ending[: word.start()] + ending[word.end() :], extension)
        for word in _WORD.finditer(ending)
    )


def _number_part(text: str, extension: str | None) -> str:
    """``text`` without the extension ``phonenumbers`` found at its end (marker and digits).

    The extension is the longest ending of ``text`` that ``phonenumbers`` reads
    as that extension alone (``" ext. 12"``, ``" x12"``, ``";ext=12"``...): an
    ending that takes in any of the number's digits or letters is no extension.
    """
    if extension:
        for cut in range(len(text)):
            if _is_extension(text[cut:], extension):
                return text[:cut]
    return text


def _has_letters(text: str) -> bool:
    return any(character.isalpha() for character in text)


def _parse_reason(error: NumberParseException, text: str, region: str | None) -> str:
    """Why ``phonenumbers`` could not read ``text`` at all, in the slip's words."""
    if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        if region is None and "+" not in text:
            return "needs its +country code, or a default region to read it in"
        return "has no known country code after its '+' (or international prefix)"
    if error.error_type in _TOO_SHORT:
        return "is too short to be a phone number"
    if error.error_type == NumberParseException.TOO_LONG:
        return "is too long to be a phone number"
    return "is not a phone number"


def _invalid_reason(number: phonenumbers.PhoneNumber, region: str | None) -> str:
    """Why a number ``phonenumbers`` could read is not a full, valid number."""
    national = number.country_code_source == _NATIONAL
    where = region if national else f"+{number.country_code}"
    result = phonenumbers.is_possible_number_with_reason(number)
    if result == ValidationResult.IS_POSSIBLE:
        # Possible in general, but maybe only as a short local number: the
        # fixed-line and mobile lengths tell a missing area code apart.
        result = phonenumbers.is_possible_number_for_type_with_reason(number, _ANY_LINE)
    if result == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return "has no area code: it could only be dialled locally; write it with its area code"
    if result == ValidationResult.TOO_SHORT:
        return f"is too short for a number in {where}: is the area code missing?"
    if result == ValidationResult.TOO_LONG:
        return f"is too long for a number in {where}"
    if result == ValidationResult.INVALID_COUNTRY_CODE:
        return f"has an unknown country code +{number.country_code}"
    if result == ValidationResult.INVALID_LENGTH:
        return f"has a number of digits that no number in {where} has"
    if national:
        return (
            f"is not a valid number in {region}; if it is from another country,"
            " write it with its +country code"
        )
    return f"is not a valid number for country code {where}: check the digits"


def parse_phone_number(
    text: str, *, region: str | None = None, field: str = "phone"
) -> PhoneNumber:
    """Read a phone number as written, and return it if it is a full, valid number.

    Args:
        text: the number as written: ``"+44 20 7946 0958"``, ``"020 7946 0958"``,
            ``"0039 06 1234 5678"``, with an optional extension (``"x12"``).
        region: the region to read a national number in (``"GB"``); ``None``
            if only international numbers are acceptable.
        field: the name errors give the number (the field it came from).

    Raises:
        PhoneNumberError: naming ``field`` and ``text``, with the reason: letters,
            no country code or default region, no area code, too short, too
            long, or not a valid number in the default region.
        ValidationError: naming ``region``, if it is not a known region code.
    """
    if region is not None:
        region = check_region("region", region)
    if not isinstance(text, str) or not text.strip():
        raise PhoneNumberError(field, text, "must be non-empty text")
    readable = text.strip()
    if region is None and readable.startswith("00"):
        readable = "+" + readable[2:]  # 00 is the international prefix of most countries
    try:
        number = phonenumbers.parse(readable, region, keep_raw_input=True)
    except NumberParseException as error:
        if _has_letters(text):
            number = None
        else:
            raise PhoneNumberError(field, text, _parse_reason(error, text, region)) from None
    if number is None or _has_letters(_number_part(readable, number.extension)):
        reason = "has letters; write the number in digits (letters are not converted)"
        raise PhoneNumberError(field, text, reason)
    region_code = phonenumbers.region_code_for_number(number)
    if not phonenumbers.is_valid_number(number) or region_code is None:
        raise PhoneNumberError(field, text, _invalid_reason(number, region))
    return PhoneNumber(_format_e164(number), region_code, number.extension or None)
