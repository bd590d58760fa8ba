"""JSON Schemas (draft 2020-12) of what :mod:`callflow.codec` writes, generated from the classes.

The schema is derived from the attrs fields and their annotations, the same
data the cattrs converter works from, so it cannot drift from the code; it
states the codec's own conventions (datetimes with their ``[IANA zone]``,
ISO 8601 durations, sets as lists, unknown keys refused...), which no generic
generator knows. :func:`schema_of` gives the whole document for one class;
:class:`SchemaBuilder` composes bigger documents (an envelope whose payload's
class is chosen by a tag) from the same pieces.

The output is canonical: keys sorted at every level, the same text in every
process (:func:`to_json`), so a committed schema shows its changes in a diff.
"""

import collections.abc
import copy
import enum
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import attrs
import cattrs

from callflow.codec import TAGGED_KINDS
from callflow.codec import converter as _codec_converter
from callflow.errors import ValidationError

__all__ = ["DIALECT", "SchemaBuilder", "schema_of", "to_json"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The ``$schema`` of every document: JSON Schema draft 2020-12."""

Schema = dict[str, Any]

# ECMA-262 and Python regexes alike: [0-9], not \d (Python's \d takes any script's
# digits); no newline anywhere, since Python's $ also matches before a final "\n".
_ONE_LINE = r"^(?!.*\n)"
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{6})?"
_OFFSET = r"[+-](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{6})?)?"
_ZONE = r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*"
DATETIME_PATTERN = f"{_ONE_LINE}{_DATE}T{_TIME}{_OFFSET}(?:\\[{_ZONE}\\])?$"
"""What ``datetime.isoformat()`` writes for an aware datetime, then its ``[zone]`` if it has one."""
DURATION_PATTERN = (
    f"{_ONE_LINE}(?!-?P$)(?!.*T$)-?P(?:[0-9]{{1,9}}D)?"
    r"(?:T(?:[0-9]{1,11}H)?(?:[0-9]{1,13}M)?(?:[0-9]{1,15}(?:\.[0-9]{1,6})?S)?)?$"
)
"""The ISO 8601 durations the codec reads; what it writes ("PT6S", "-P1DT2H") is among them."""
ZONE_PATTERN = f"{_ONE_LINE}{_ZONE}$"
"""An IANA time zone key such as ``Europe/Rome``."""

_ARRAYS = (list, tuple, collections.abc.Sequence, collections.abc.MutableSequence)
_SETS = (set, frozenset, collections.abc.Set, collections.abc.MutableSet)
_MAPPINGS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
_SCALARS = (str, int, float, bool, type(None))


class SchemaBuilder:
    """Builds schemas for annotations, collecting the attrs classes they name as ``$defs``.

    Every attrs class is described once, under ``$defs``, and referred to by
    ``{"$ref": "#/$defs/Name"}``. Two classes of the same name from different
    modules are both named by their full path (``callflow.escalation.Target``),
    whichever came first: the references handed out before the clash are
    updated in place, so call :meth:`defs` or :meth:`document` last.

    Args:
        converter: the cattrs converter whose output is described; its
            ``use_alias`` decides whether a private field ``_x`` is keyed
            ``"_x"`` (cattrs' default, and callflow's) or ``"x"``.
    """

    def __init__(self, *, converter: cattrs.Converter = _codec_converter) -> None:
        self._use_alias = bool(getattr(converter, "use_alias", False))
        self._defs: dict[type, Schema] = {}
        self._refs: dict[type, list[dict[str, str]]] = {}
        self._names: dict[type, str] = {}

    def schema(self, annotation: object, *, where: str | None = None) -> Schema:
        """The schema of values of type ``annotation`` as the codec writes them.

        Args:
            annotation: a class or a typing annotation (``tuple[Note, ...]``...).
            where: how an error names the place of ``annotation``; its repr by default.

        Raises:
            ValidationError: for an annotation the codec does not write as JSON.
        """
        return self._schema(annotation, where or _name(annotation))

    def ref(self, kind: type) -> dict[str, str]:
        """``{"$ref": ...}`` to attrs class ``kind``, which is added to the ``$defs``."""
        if not (isinstance(kind, type) and attrs.has(kind)):
            raise ValidationError("kind", kind, "is not an attrs class")
        reference = {"$ref": ""}
        self._refs.setdefault(kind, []).append(reference)
        if kind not in self._defs:
            self._defs[kind] = {}  # registered first: a class may refer to itself
            self._name_all(kind.__name__)
            self._defs[kind].update(self._object(kind))
        reference["$ref"] = f"#/$defs/{self._names[kind]}"
        return reference

    def tagged(
        self, tag: str, cases: Mapping[object, object], *, field: str | None = None
    ) -> Schema:
        """A union whose branch is chosen by the value of property ``tag``.

        Each branch is an ``if``/``then`` pinning ``tag`` with ``const``, so a
        validator reports the failure inside the chosen branch only.

        Args:
            tag: the property holding the discriminator (``"event"``).
            cases: each discriminator value and the type of its branch.
            field: where that type applies: the property ``field`` of the same
                object (an envelope's ``"payload"``), or, when ``None``, the
                object itself, whose own field ``tag`` holds the value.

        Returns:
            A schema to put in the object's ``allOf``. The object's own
            ``properties`` must still list ``tag`` and ``field`` when it
            refuses other keys.
        """
        if not cases:
            raise ValidationError("cases", cases, "must name at least one case")
        values = [_json_value(f"cases[{value!r}]", value) for value in cases]
        branches = []
        for value, kind in zip(values, cases.values(), strict=True):
            chosen = self._schema(kind, f"case {value!r}")
            then = chosen if field is None else {"properties": {field: chosen}}
            pinned = {"properties": {tag: {"const": value}}, "required": [tag]}
            branches.append({"if": pinned, "then": then})
        required = [tag] if field is None else sorted({tag, field})
        return {"properties": {tag: {"enum": values}}, "required": required, "allOf": branches}

    def refine(self, kind: type, extra: Schema) -> None:
        """Add ``extra`` to the ``allOf`` of attrs class ``kind``'s definition.

        For what the annotations cannot say, such as which payload class goes
        with which event (see :meth:`tagged`).
        """
        self.ref(kind)
        self._defs[kind].setdefault("allOf", []).append(extra)

    def defs(self) -> dict[str, Schema]:
        """The definitions collected so far, by name, in canonical form (a copy)."""
        defs: dict[str, Schema] = _canonical({self._names[k]: v for k, v in self._defs.items()})
        return defs

    def document(self, root: object, *, title: str | None = None) -> Schema:
        """A complete JSON Schema document for ``root``, with the ``$defs`` it needs."""
        document: Schema = {"$schema": DIALECT, **self.schema(root)}
        if title is not None:
            document["title"] = title
        if self._defs:
            document["$defs"] = self.defs()
        canonical: Schema = _canonical(document)
        return canonical

    def _name_all(self, short: str) -> None:
        """Name every class called ``short``: by that name alone, or all by their full path."""
        namesakes = [kind for kind in self._defs if kind.__name__ == short]
        if len(namesakes) == 1:
            self._names[namesakes[0]] = short
            return
        taken: set[str] = set()
        for kind in sorted(namesakes, key=_full_name):
            name = base = re.sub(r"[^A-Za-z0-9_.-]", "_", _full_name(kind))
            count = 1
            while name in taken:  # the same module and qualname twice: by their order then
                count += 1
                name = f"{base}-{count}"
            taken.add(name)
            self._names[kind] = name
            for reference in self._refs.get(kind, ()):
                reference["$ref"] = f"#/$defs/{name}"

    def _object(self, kind: type) -> Schema:
        try:
            hints = typing.get_type_hints(kind, include_extras=True)
        except Exception as error:  # NameError, TypeError: annotations Python cannot resolve
            reason = f"has annotations that cannot be resolved ({error})"
            raise ValidationError(kind.__qualname__, kind, reason) from None
        properties: Schema = {}
        required = []
        for field in attrs.fields(kind):
            if not field.init:  # cattrs neither writes nor reads these
                continue
            key = field.alias if self._use_alias else field.name
            where = f"{kind.__qualname__}.{field.name}"
            annotation = hints.get(field.name, field.type)
            if annotation is None:
                raise ValidationError(where, None, "has no type annotation to describe")
            properties[key] = self._schema(annotation, where)
            if field.default is attrs.NOTHING:
                required.append(key)
        body: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            body["required"] = sorted(required)
        return body

    def _schema(self, annotation: object, where: str) -> Schema:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if annotation is Any or annotation is object:
            return {}
        if annotation is None or annotation is type(None):
            return {"type": "null"}
        if origin is typing.Annotated:
            return self._schema(args[0], where)
        if isinstance(annotation, typing.NewType):
            return self._schema(annotation.__supertype__, where)
        if origin is typing.Literal:
            values = [_json_value(where, value) for value in args]
            return {"const": values[0]} if len(values) == 1 else {"enum": values}
        if origin is typing.Union or origin is types.UnionType:
            return self._union(args, where)
        if isinstance(annotation, type) and origin is None:
            return self._class(annotation, where)
        if origin is tuple and args and args[-1] is not Ellipsis:
            each = [self._schema(arg, where) for arg in args]
            return {"type": "array", "prefixItems": each, "items": False, "minItems": len(each)}
        if origin is tuple and not args:  # tuple[()]
            return {"type": "array", "maxItems": 0}
        if origin in _ARRAYS or origin in _SETS:
            items = self._schema(args[0], where) if args else {}
            unique = {"uniqueItems": True} if origin in _SETS else {}
            return {"type": "array", "items": items, **unique}
        if origin in _MAPPINGS and len(args) == 2:
            return self._mapping(args[0], args[1], where)
        raise _unsupported(where, annotation)

    def _class(self, kind: type, where: str) -> Schema:
        if attrs.has(kind):
            return self.ref(kind)
        if issubclass(kind, enum.Enum):
            values = [_json_value(where, member.value) for member in kind]
            return {"enum": values}
        if issubclass(kind, bool):
            return {"type": "boolean"}
        if issubclass(kind, datetime):  # before date: a datetime is a date
            return {"type": "string", "pattern": DATETIME_PATTERN}
        if issubclass(kind, date):
            return {"type": "string", "format": "date", "pattern": f"{_ONE_LINE}{_DATE}$"}
        if issubclass(kind, timedelta):
            return {"type": "string", "pattern": DURATION_PATTERN}
        if issubclass(kind, tzinfo):
            return {"type": "string", "pattern": ZONE_PATTERN}
        simple = {str: "string", int: "integer", float: "number"}
        for base, name in simple.items():
            if issubclass(kind, base):
                return {"type": name}
        if issubclass(kind, _SETS):
            return {"type": "array", "uniqueItems": True}
        if issubclass(kind, (list, tuple)):
            return {"type": "array"}
        if issubclass(kind, dict):
            return self._mapping(str, object, where)
        raise _unsupported(where, kind)

    def _union(self, members: Iterable[object], where: str) -> Schema:
        members = tuple(members)
        tagged = [member for member in members if member in TAGGED_KINDS]
        branches: list[Schema] = []
        for member in members:
            branch = self._schema(member, where)
            if len(tagged) >= 2 and member in TAGGED_KINDS:
                # The codec writes these tagged ({"duration": "PT4H"}): bare, they would
                # all be text (see callflow.codec).
                tag = TAGGED_KINDS[typing.cast(type, member)]
                properties = {tag: branch}
                branch = {
                    "type": "object",
                    "properties": properties,
                    "required": [tag],
                    "additionalProperties": False,
                }
            if branch not in branches:
                branches.append(branch)
        return branches[0] if len(branches) == 1 else {"anyOf": branches}

    def _mapping(self, key: object, value: object, where: str) -> Schema:
        body: Schema = {"type": "object", "additionalProperties": self._schema(value, where)}
        if key is str:
            return body
        names = self._schema(key, where)
        if set(names) == {"enum"} and all(isinstance(name, str) for name in names["enum"]):
            return {**body, "propertyNames": names}
        if names == {"const": names.get("const")} and isinstance(names["const"], str):
            return {**body, "propertyNames": names}
        # The codec writes other keys as they are: JSON would make them text, never read back.
        raise _unsupported(where, key, "as the keys of a mapping (they must be text)")


def schema_of(kind: object, *, title: str | None = None) -> Schema:
    """The JSON Schema (2020-12) of what :func:`callflow.codec.unstructure` writes for ``kind``.

    Args:
        kind: an attrs class, or any annotation the codec writes (``tuple[Note, ...]``).
        title: the document's ``title``, if it should have one.

    Raises:
        ValidationError: naming the class and field whose type has no JSON form.

    >>> from callflow.people import Caller
    >>> schema = schema_of(Caller, title="A caller")
    >>> schema["$ref"], schema["title"]
    ('#/$defs/Caller', 'A caller')
    >>> print(to_json(schema["$defs"]["Caller"]), end="")
    {
      "additionalProperties": false,
      "properties": {
        "name": {
          "type": "string"
        },
        "user_id": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "required": [
        "name"
      ],
      "type": "object"
    }
    """
    return SchemaBuilder().document(kind, title=title)


def to_json(document: object) -> str:
    """``document`` as canonical JSON text: sorted keys, two-space indents, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _canonical(value: Any) -> Any:
    """A deep copy of ``value`` with every mapping's keys in sorted order."""
    if isinstance(value, Mapping):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return copy.deepcopy(value)


def _json_value(where: str, value: object) -> object:
    """``value`` as the codec writes it, if it is a JSON scalar: an enum by its value."""
    written = value.value if isinstance(value, enum.Enum) else value
    if type(written) not in _SCALARS:
        raise _unsupported(where, value, "as a JSON scalar (text, number, flag or null)")
    return written


def _full_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _name(annotation: object) -> str:
    return annotation.__qualname__ if isinstance(annotation, type) else repr(annotation)


def _unsupported(where: str, annotation: object, how: str = "as JSON") -> ValidationError:
    reason = f"has no JSON Schema: the codec does not write {_name(annotation)} {how}"
    return ValidationError(where, annotation, reason)
