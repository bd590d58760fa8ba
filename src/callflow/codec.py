"""callflow's attrs value objects to and from JSON-ready data, with cattrs.

:data:`converter` is a cattrs JSON converter with a few strict rules, so that
what it writes reads back *exactly* and bad data is refused rather than
coerced:

- an aware datetime is written in ISO 8601 with its offset, followed by its
  IANA zone in brackets when it has one (RFC 9557): it reads back in that same
  zone. A naive datetime is refused;
- a time zone is written as its IANA key (``"Europe/Rome"``);
- a duration (``timedelta``) is written in ISO 8601 (``"PT6S"``, ``"P3DT4H"``,
  ``"-PT0.5S"``), exactly to the microsecond;
- a value that may be text, a datetime or a duration (an escalation's
  timeframe) is written tagged, ``{"duration": "PT4H"}``, ``{"datetime": ...}``
  or ``{"text": "by Friday"}``: as bare text the three would read back alike;
- a set is written as a list in sorted order, so that the same value always
  gives the same JSON;
- an enum member is written as its value;
- text must be text, whole numbers whole numbers (not ``"2"``, ``2.9`` or
  ``true``) and flags ``true``/``false``: nothing is converted;
- a key the class does not have is refused, and a class's own validators run.

Value objects such as :class:`~callflow.messages.PhoneMessage` and
:class:`~callflow.callbacks.CallbackWindow` need no hooks of their own: these
cover their fields.

:func:`structure` turns every cattrs error into a callflow
:class:`~callflow.errors.ValidationError` naming the field by its path:

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> unstructure(datetime(2026, 3, 30, 15, 0, tzinfo=ZoneInfo("America/Sao_Paulo")))
'2026-03-30T15:00:00-03:00[America/Sao_Paulo]'
>>> structure("2026-03-30T15:00:00", datetime)
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'data' must be an aware date and time: ISO 8601 with \
its offset, optionally its [IANA zone] (got '2026-03-30T15:00:00')
"""

import enum
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from json.encoder import encode_basestring_ascii
from types import UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    StructureHandlerNotFoundError,
)
from cattrs.preconf.json import make_converter

from callflow.clock import to_zone
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, check_document
from callflow.errors import ValidationError
from callflow.validators import check_flag, to_member

__all__ = ["converter", "iana_zone", "structure", "unstructure"]

T = TypeVar("T")
_DATETIME = "must be an aware date and time: ISO 8601 with its offset, optionally its [IANA zone]"


def iana_zone(field: str, value: object) -> ZoneInfo:
    """Return ``value`` as an IANA time zone: a ``ZoneInfo`` with its key, or that key.

    A fixed offset is refused: it knows nothing of daylight saving, and a
    caller's zone must say what the caller's clock will read next month too.

    Raises:
        ValidationError: naming ``field``, if ``value`` is not such a zone.
    """
    zone = to_zone(field, value)
    if not isinstance(zone, ZoneInfo) or not zone.key:
        raise ValidationError(field, value, "must be an IANA time zone such as 'Europe/Rome'")
    return zone


def _write_datetime(moment: datetime) -> str:
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return f"{moment.isoformat()}[{key}]"
    if isinstance(moment.tzinfo, timezone):
        return moment.isoformat()
    # Any other tzinfo (naive, dateutil's, pytz's) would not read back as it was.
    raise ValidationError("datetime", moment, "must have an IANA zone or a fixed offset")


def _read_datetime(value: object, _: type) -> datetime:
    text, key = value, ""
    if isinstance(value, str) and value.endswith("]") and "[" in value:
        text, _sep, key = value[:-1].partition("[")
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise ValidationError("datetime", value, _DATETIME)
    if not key:
        return moment
    zone = iana_zone("datetime", key)
    # The same wall time in the zone, with the fold whose offset was written: a time
    # in the repeated hour (fold=1), even one in a skipped hour (PEP 495 gives it the
    # offset before the change), reads back as the very datetime that was written.
    for fold in (0, 1):
        local = moment.replace(tzinfo=zone, fold=fold)
        if local.utcoffset() == moment.utcoffset():
            return local
    raise ValidationError("datetime", value, f"has an offset that {key} does not have then")


_DURATION = re.compile(
    r"(-?)P(?:(\d{1,9})D)?(?:T(?:(\d{1,11})H)?(?:(\d{1,13})M)?(?:(\d{1,15})(?:\.(\d{1,6}))?S)?)?",
    re.ASCII,  # \d: the digits 0-9 only, not every script's (int() reads those too)
)
_DURATION_REASON = "must be an ISO 8601 duration such as 'PT30S' or 'P1DT2H'"


def _write_duration(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    day = f"{delta.days}D" if delta.days else ""
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or delta.microseconds or not (day or clock):
        fraction = f".{delta.microseconds:06d}".rstrip("0") if delta.microseconds else ""
        clock += f"{seconds}{fraction}S"
    return f"{sign}P{day}T{clock}" if clock else f"{sign}P{day}"


def _read_duration(value: object, _: type) -> timedelta:
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None or value in ("P", "-P") or str(value).endswith("T"):
        raise ValidationError("duration", value, _DURATION_REASON)
    sign, days, hours, minutes, seconds, fraction = match.groups()
    try:
        delta = timedelta(
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "").ljust(6, "0")),
        )
    except OverflowError:
        raise ValidationError("duration", value, "is longer than Python can hold") from None
    return -delta if sign else delta


def _write_set(items: frozenset[object] | set[object]) -> list[Any]:
    written = [converter.unstructure(item) for item in items]
    # Sorted by their JSON text: one order for any mix of kinds, the same in every process.
    if all(
        type(item) is str for item in written
    ):  # the common case: text, quoted as JSON quotes it
        return sorted(written, key=encode_basestring_ascii)
    return sorted(written, key=lambda item: json.dumps(item, sort_keys=True))


def _is_set(kind: object) -> bool:
    origin = get_origin(kind) or kind
    return isinstance(origin, type) and issubclass(origin, (set, frozenset))


def _read_int(value: object, _: type) -> int:
    if type(value) is not int:  # not "2", not 2.9, not True
        raise ValidationError("number", value, "must be a whole number")
    return value


def _read_float(value: object, _: type) -> float:
    if type(value) is int:
        return float(value)
    if type(value) is not float:  # not "2.5", not True
        raise ValidationError("number", value, "must be a number")
    return value


def _read_text(value: object, _: type) -> str:
    # Only the type is checked here: whether blank text is acceptable is the class's call.
    if not isinstance(value, str):
        raise ValidationError("text", value, "must be text")
    return value


def _write_zone(zone: tzinfo) -> str:
    return iana_zone("zone", zone).key


TAGGED_KINDS: Mapping[type, str] = {datetime: "datetime", timedelta: "duration", str: "text"}
"""The kinds written as text, and the tag each is written with in a union of two or more."""


def _textual_members(kind: object) -> tuple[type, ...]:
    if get_origin(kind) not in (Union, UnionType):
        return ()
    return tuple(member for member in get_args(kind) if member in TAGGED_KINDS)


def _is_textual_union(kind: object) -> bool:
    """A union of which two members or more are written as text: it is written tagged."""
    return len(_textual_members(kind)) >= 2


def _write_tagged(value: object) -> Any:
    if value is None:
        return None
    for kind, tag in TAGGED_KINDS.items():
        if type(value) is kind or (kind is datetime and isinstance(value, datetime)):
            return {tag: converter.unstructure(value, unstructure_as=kind)}
    return converter.unstructure(value)


def _read_tagged(value: object, kind: object) -> object:
    members = _textual_members(kind)
    if value is None and type(None) in get_args(kind):
        return None
    tags = {TAGGED_KINDS[member]: member for member in members}
    if not isinstance(value, Mapping) or len(value) != 1 or next(iter(value)) not in tags:
        shapes = " or ".join(f'{{"{tag}": ...}}' for tag in tags)
        raise ValidationError("value", value, f"must be tagged with its kind: {shapes}")
    ((tag, inner),) = value.items()
    try:
        return converter.structure(inner, tags[tag])
    except ValidationError as error:
        raise ValidationError(tag, error.value, error.reason) from None


def _is_literal(kind: object) -> bool:
    return get_origin(kind) is Literal


def _read_literal(value: object, kind: object) -> object:
    choices = get_args(kind)
    # Compared by type and value: True is not 1, and no foreign __eq__ runs.
    if not any(type(value) is type(choice) and value == choice for choice in choices):
        options = ", ".join(repr(choice) for choice in choices)
        raise ValidationError("value", value, f"must be one of {options}")
    return value


def _is_enum(kind: object) -> bool:
    return isinstance(kind, type) and issubclass(kind, enum.Enum)


def _is_zone(kind: object) -> bool:
    return isinstance(kind, type) and issubclass(kind, tzinfo)


def _attrs_hook(kind: type[T]) -> Callable[[object, type], T]:
    """cattrs' own structuring of attrs class ``kind``, after checking it was given a mapping."""
    structure_fields = converter.gen_structure_attrs_fromdict(kind)

    def structure_mapping(value: object, _: type) -> T:
        if not isinstance(value, Mapping):
            raise ValidationError("data", value, f"must be a mapping of {kind.__name__}'s fields")
        return structure_fields(value, kind)

    return structure_mapping


converter = make_converter(forbid_extra_keys=True)
"""The cattrs converter behind :func:`structure` and :func:`unstructure`."""
converter.register_unstructure_hook(datetime, _write_datetime)
converter.register_structure_hook(datetime, _read_datetime)
converter.register_unstructure_hook_func(_is_zone, _write_zone)
converter.register_structure_hook_func(_is_zone, lambda value, _: iana_zone("zone", value))
converter.register_structure_hook_func(_is_enum, lambda value, kind: to_member(kind, "", value))
converter.register_unstructure_hook(timedelta, _write_duration)
converter.register_structure_hook(timedelta, _read_duration)
converter.register_unstructure_hook_func(_is_set, _write_set)
converter.register_structure_hook_func(_is_literal, _read_literal)
converter.register_unstructure_hook_func(_is_textual_union, _write_tagged)
converter.register_structure_hook_func(_is_textual_union, _read_tagged)
converter.register_structure_hook(str, _read_text)
converter.register_structure_hook(int, _read_int)
converter.register_structure_hook(float, _read_float)
converter.register_structure_hook(bool, lambda value, _: check_flag("flag", value))
converter.register_structure_hook_factory(attrs.has, _attrs_hook)


def unstructure(value: object) -> Any:
    """``value`` as JSON-ready data: dicts, lists, text, numbers, booleans and ``None``.

    Raises:
        ValidationError: for a datetime whose zone cannot be written exactly, or
            a value nested deeper than Python can walk.
    """
    try:
        return converter.unstructure(value)
    except RecursionError:  # cattrs walks nested data by recursion: a guard, not a bug
        raise ValidationError("value", value, "is nested too deeply to be written") from None


def _located(error: BaseException, path: tuple[str, ...]) -> ValidationError:
    """The first error inside cattrs' ``error``, as a ValidationError naming its field's path."""
    noted = False
    while isinstance(error, BaseValidationError) and error.exceptions:
        error = error.exceptions[0]
        notes = getattr(error, "__notes__", ())
        names = tuple(note.name for note in notes if isinstance(note, AttributeValidationNote))
        path, noted = path + names, bool(names)
    if isinstance(error, ForbiddenExtraKeysError):
        extra = sorted(error.extra_fields, key=str)
        name = error.cl.__name__
        return ValidationError(".".join((*path, extra[0])), extra[0], f"is not a field of {name}")
    if isinstance(error, KeyError):  # a key the class has no default for
        return ValidationError(".".join(path), None, "is required: the data has no such key")
    if isinstance(error, ValidationError):
        # A hook's error is noted with its attribute; a class validator names its own field.
        field = ".".join(path if noted else (*path, error.field))
        return type(error)(field, error.value, error.reason)
    return ValidationError(".".join(path), None, f"cannot be read: {error}")


def structure(
    data: object, kind: type[T], *, field: str = "data", limits: DocumentLimits = DEFAULT_LIMITS
) -> T:
    """Build a ``kind`` from JSON-ready ``data``; the class's own validators run too.

    Args:
        data: what :func:`unstructure` gave (or the same, read from JSON); it is
            checked first with :func:`~callflow.documents.check_document`.
        kind: the class to build.
        field: the name errors give ``data`` itself; fields inside it are named
            by their path below it ("callback.start").
        limits: how large and deep ``data`` may be.

    Raises:
        ValidationError: naming the field, for anything refused.
    """
    check_document(data, limits=limits, field=field)
    return _structure_checked(data, kind, field=field)


def _structure_checked(data: object, kind: type[T], *, field: str = "data") -> T:
    """:func:`structure` for data already checked with :func:`~callflow.documents.check_document`.

    For the parts of a document its reader has checked whole once (a
    snapshot's records): the size and depth walk is not done again.
    """
    given: object = kind  # checked, not trusted: a class, or an alias such as list[str]
    if not isinstance(given, type) and get_origin(given) is None:
        raise ValidationError("kind", given, "is not a kind of value callflow reads")
    try:
        return converter.structure(data, kind)
    except BaseValidationError as error:
        raise _located(error, ()) from error
    except ValidationError as error:  # a hook's, for a lone value: it is ``data`` itself
        raise type(error)(field, error.value, error.reason) from error
    except StructureHandlerNotFoundError:
        raise ValidationError("kind", kind, "is not a kind of value callflow reads") from None
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError, NameError) as error:
        # NameError: a class whose annotations name a type cattrs cannot resolve.
        # cattrs' own hooks for plain types (int("x")...) raise built-ins for a lone value.
        reason = f"cannot be read as {getattr(kind, '__name__', kind)} ({error})"
        raise ValidationError(field, data, reason) from None


# -- compiled readers of plain data ----------------------------------------------

REFUSED: Any = object()
"""What a :func:`plain_reader` returns for data it does not read: the codec says why."""

_NONE = type(None)
_NATIVE_TYPES = (str, bool, int)


def _native_check(kind: object, name: str) -> str | None:
    """Python source checking ``name`` is a value of JSON-native ``kind``, as the codec reads it.

    ``str``, ``bool`` and ``int`` (not ``True`` for a number), each optional,
    and a ``Literal`` of text; ``None`` for any other kind.
    """
    if kind in _NATIVE_TYPES:
        return f"type({name}) is {kind.__name__}"
    if get_origin(kind) in (Union, UnionType):
        members = get_args(kind)
        if len(members) == 2 and _NONE in members:
            (inner,) = (member for member in members if member is not _NONE)
            if inner in _NATIVE_TYPES:
                return f"({name} is None or type({name}) is {inner.__name__})"
        return None
    if _is_literal(kind) and all(type(choice) is str for choice in get_args(kind)):
        return f"(type({name}) is str and {name} in {frozenset(get_args(kind))!r})"
    return None


def plain_reader(kind: type[T]) -> Callable[[object], T]:
    """A compiled reader of attrs class ``kind`` from plain JSON data: fast, never more lenient.

    It reads a mapping with exactly ``kind``'s fields, each JSON-native
    (text, a flag, a whole number, optional, a Literal) and checked inline,
    or, for any other kind (an attrs class, an enum, a duration...), read by
    the codec's own hook; the class's validators run. For data it does not
    read that way (a key missing or unknown, a value refused) it returns
    :data:`REFUSED`, for :func:`structure` to read again and say what is
    wrong: whatever it reads, the codec reads the same.
    """
    fields = attrs.fields(kind)  # type: ignore[arg-type]  # an attrs class, as its caller knows
    if any(not field.init or field.alias != field.name for field in fields):
        return lambda data: _codec_read(data, kind)
    names = [field.name for field in fields]
    scope: dict[str, Any] = {"cls": kind, "REFUSED": REFUSED}
    checks, reads = [], []
    for index, field in enumerate(fields):
        value = f"v{index}"
        check = _native_check(field.type, value)
        if check is not None:
            checks.append(check)
            continue
        if attrs.has(field.type):
            scope[f"read{index}"] = plain_reader(field.type)
            reads.append(f"        {value} = read{index}({value})")
            reads.append(f"        if {value} is REFUSED:\n            return REFUSED")
        else:
            scope[f"hook{index}"] = converter.get_structure_hook(field.type)
            scope[f"kind{index}"] = field.type
            reads.append(f"        {value} = hook{index}({value}, kind{index})")
    arguments = ", ".join(f"{name}=v{index}" for index, name in enumerate(names))
    lines = [
        "def read(data):",
        f"    if type(data) is not dict or len(data) != {len(names)}:",
        "        return REFUSED",
    ]
    if names:
        values = "".join(f"v{index}, " for index in range(len(names)))
        keys = "".join(f"data[{name!r}], " for name in names)
        lines += [
            "    try:",
            f"        {values} = {keys}",
            "    except KeyError:",
            "        return REFUSED",
        ]
    if checks:
        lines += [f"    if not ({' and '.join(checks)}):", "        return REFUSED"]
    lines += ["    try:", *reads, f"        return cls({arguments})", "    except Exception:"]
    lines += ["        return REFUSED"]
    exec("\n".join(lines), scope)  # source built above from the class's own field names
    reader: Callable[[object], T] = scope["read"]
    return reader


def _codec_read(data: object, kind: type[T]) -> T:
    try:
        return converter.structure(data, kind)
    except Exception:  # the codec reads it again, saying why
        return REFUSED  # type: ignore[no-any-return]


def plain_writer(
    kind: type, write_as: Callable[[object, Any], Any]
) -> Callable[[Any], dict[str, Any]]:
    """A compiled writer of attrs class ``kind``'s fields as JSON-ready data, field by field.

    A JSON-native field (text, a flag, a whole number, optional, a Literal)
    holding a JSON-native value is written as it is, which is what the codec
    does with it; any other is written by ``write_as(value, the field's type)``.
    """
    fields = attrs.fields(kind)
    scope: dict[str, Any] = {"write_as": write_as, "NATIVE": _NATIVE_VALUES}
    items = []
    for index, field in enumerate(fields):
        scope[f"kind{index}"] = field.type
        written = f"write_as(v{index}, kind{index})"
        if _native_check(field.type, "v") is not None:
            written = f"v{index} if type(v{index}) in NATIVE else {written}"
        items.append((f"    v{index} = instance.{field.name}", f"{field.name!r}: {written}"))
    lines = ["def write(instance):", *(line for line, _ in items)]
    lines.append(f"    return {{{', '.join(item for _, item in items)}}}")
    exec("\n".join(lines), scope)  # source built above from the class's own field names
    writer: Callable[[Any], dict[str, Any]] = scope["write"]
    return writer


_NATIVE_VALUES = frozenset({str, bool, int, _NONE})
