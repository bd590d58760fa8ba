"""How an audit is configured, like a linter: which codes, which limits, which extra phrases.

A configuration is a plain :class:`AuditConfig`, built in Python or read
from TOML: the ``[tool.callflow]`` table of a ``pyproject.toml``, or a file
of its own with the same keys at the top level::

    [tool.callflow]
    select = ["CF"]             # code prefixes to report (default: every code)
    ignore = ["CF706", "CF2"]   # code prefixes not to report
    troubleshooting-budget = 900          # seconds before CF406
    [tool.callflow.thresholds]
    max-rings = 3
    ring-cadence = 5            # seconds
    check-in-every = 30         # seconds
    max-hold-silence = 45       # seconds
    [tool.callflow.phrases.pt]
    CF802 = ["vou ver se consigo"]
    [tool.callflow.scorecard]   # see callflow.audit.scorecard
    pass-mark = 85
    fail-outright = ["CF205", "CF706"]
    warning-cost = 0.5
    [tool.callflow.scorecard.weights]
    greeting = 25
    language = 0

A code is reported when the longest prefix that matches it is in ``select``
(on a tie, ``ignore`` wins), as in ruff: ``select = ["CF"]`` with
``ignore = ["CF7"]`` and ``select = ["CF706"]`` reports CF706 but no other CF7xx.

>>> config = AuditConfig(ignore=("CF7",), select=("CF", "CF706"))
>>> config.reports("CF706"), config.reports("CF702"), config.reports("CF205")
(True, False, True)
>>> AuditConfig(select=("XX",))
Traceback (most recent call last):
...
callflow.errors.ConfigError: 'select[0]' must be a rule code or a prefix of one, \
such as 'CF2' or 'CF205' (got 'XX')
"""

import tomllib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from callflow.audit._matcher import MAX_PHRASE_CHARS, expand
from callflow.audit.scorecard import Scorecard
from callflow.errors import ConfigError, ValidationError
from callflow.rules import RULES
from callflow.thresholds import Thresholds

__all__ = ["LANGUAGES", "AuditConfig", "load_config"]

LANGUAGES = ("en", "pt", "es", "it", "fr")
"""The languages callflow audits."""

_DEFAULT_BUDGET = timedelta(minutes=10)
# A configuration file is small: refuse anything that is plainly not one.
_MAX_CONFIG_BYTES = 1 << 20


def _prefixes(field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ConfigError(field, value, "must be a list of rule codes or prefixes")
    found: list[str] = []
    for index, item in enumerate(value):
        if len(found) >= len(RULES) * 2:
            raise ConfigError(field, value, "must not name more prefixes than there are codes")
        if (
            type(item) is not str
            or not any(code.startswith(item) for code in RULES)
            or len(item) < 2
            or not item.startswith("CF")
        ):
            reason = "must be a rule code or a prefix of one, such as 'CF2' or 'CF205'"
            raise ConfigError(f"{field}[{index}]", item, reason)
        found.append(item)
    return tuple(found)


def _select(value: object) -> tuple[str, ...]:
    return _prefixes("select", value)


def _ignore(value: object) -> tuple[str, ...]:
    return _prefixes("ignore", value)


def _phrases(value: object) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    if not isinstance(value, Mapping):
        raise ConfigError("phrases", value, "must map languages to tables of codes and phrases")
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for language, codes in value.items():
        if language not in LANGUAGES:
            raise ConfigError("phrases", language, f"must be keyed by a language of {LANGUAGES}")
        if not isinstance(codes, Mapping):
            raise ConfigError(f"phrases.{language}", codes, "must map rule codes to phrases")
        table[language] = {}
        for code, phrases in codes.items():
            where = f"phrases.{language}.{code}"
            if type(code) is not str or code not in RULES:
                raise ConfigError(f"phrases.{language}", code, "must be keyed by rule codes")
            if isinstance(phrases, str) or not isinstance(phrases, Iterable):
                raise ConfigError(where, phrases, "must be a list of phrases")
            listed = tuple(phrases)
            for index, phrase in enumerate(listed):
                if type(phrase) is not str or not phrase.strip():
                    raise ConfigError(f"{where}[{index}]", phrase, "must be non-empty text")
                if len(phrase) > MAX_PHRASE_CHARS:
                    reason = f"must be at most {MAX_PHRASE_CHARS} characters"
                    raise ConfigError(f"{where}[{index}]", phrase, reason)
                try:
                    expand(phrase)
                except ValidationError as error:
                    raise ConfigError(f"{where}[{index}]", phrase, error.reason) from None
            table[language][code] = listed
    return table


def _budget(value: object) -> timedelta:
    if type(value) is not timedelta or value <= timedelta(0):
        raise ConfigError("troubleshooting_budget", value, "must be a positive timedelta")
    return value


def _scorecard(value: object) -> Scorecard:
    if type(value) is not Scorecard:
        raise ConfigError("scorecard", value, "must be a callflow.audit.Scorecard")
    return value


def _thresholds(value: object) -> Thresholds:
    if type(value) is not Thresholds:
        raise ConfigError("thresholds", value, "must be a callflow Thresholds")
    return value


@attrs.frozen
class AuditConfig:
    """What an audit reports and the limits its rules check against.

    Args:
        select: code prefixes to report (default: every code).
        ignore: code prefixes not to report.
        thresholds: the limits of the procedure's rules (rings, hold check-ins...).
        troubleshooting_budget: how long troubleshooting may run with no
            diagnosis before escalation is due (CF406).
        phrases: extra phrases per language and code, for the rules that
            read the agent's words.
        scorecard: how a call is scored (:class:`~callflow.audit.Scorecard`):
            section weights, items that fail a call outright, pass mark.
    """

    select: tuple[str, ...] = attrs.field(default=("CF",), converter=_select)
    ignore: tuple[str, ...] = attrs.field(default=(), converter=_ignore)
    thresholds: Thresholds = attrs.field(factory=Thresholds, converter=_thresholds)
    troubleshooting_budget: timedelta = attrs.field(default=_DEFAULT_BUDGET, converter=_budget)
    phrases: Mapping[str, Mapping[str, tuple[str, ...]]] = attrs.field(
        factory=dict, converter=_phrases, eq=False
    )
    scorecard: Scorecard = attrs.field(factory=Scorecard, converter=_scorecard)

    def reports(self, code: str) -> bool:
        """Whether a finding with ``code`` is reported under this configuration."""
        if type(code) is not str:
            raise ConfigError("code", code, "must be a rule code, as text")
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen > dropped

    @classmethod
    def from_mapping(cls, table: Mapping[str, object], *, where: str = "") -> "AuditConfig":
        """The configuration that a TOML table (``[tool.callflow]``'s keys) gives.

        Raises:
            ConfigError: an unknown key or a bad value, named by its key path.
        """
        if type(where) is not str:
            raise ConfigError("where", where, "must be text: where the table comes from")
        if not isinstance(table, Mapping):
            raise ConfigError(where or "config", table, "must be a table of settings")
        prefix = f"{where}." if where else ""
        known = {"select", "ignore", "thresholds", "troubleshooting-budget", "phrases", "scorecard"}
        for key in table:
            if key not in known:
                raise ConfigError(
                    f"{prefix}{key}", table[key], f"is not a setting; known: {sorted(known)}"
                )
        arguments: dict[str, Any] = {}
        try:
            if "select" in table:
                arguments["select"] = table["select"]
            if "ignore" in table:
                arguments["ignore"] = table["ignore"]
            if "phrases" in table:
                arguments["phrases"] = table["phrases"]
            if "troubleshooting-budget" in table:
                arguments["troubleshooting_budget"] = _seconds(
                    "troubleshooting-budget", table["troubleshooting-budget"]
                )
            if "thresholds" in table:
                arguments["thresholds"] = _read_thresholds(table["thresholds"])
            if "scorecard" in table:
                arguments["scorecard"] = Scorecard.from_mapping(table["scorecard"])  # type: ignore[arg-type]
            return cls(**arguments)
        except ValidationError as error:
            raise ConfigError(f"{prefix}{error.field}", error.value, error.reason) from None


_THRESHOLD_KEYS = {
    "max-rings": ("max_rings", None),
    "ring-cadence": ("ring_cadence", "seconds"),
    "check-in-every": ("check_in_every", "seconds"),
    "max-hold-silence": ("max_hold_silence", "seconds"),
}


def _seconds(field: str, value: object) -> timedelta:
    if type(value) not in (int, float) or not 0 < value <= 86_400:  # type: ignore[operator]
        raise ConfigError(field, value, "must be a number of seconds, more than 0, at most a day")
    return timedelta(seconds=value)  # type: ignore[arg-type]


def _read_thresholds(table: object) -> Thresholds:
    if not isinstance(table, Mapping):
        raise ConfigError("thresholds", table, "must be a table of limits")
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _THRESHOLD_KEYS:
            known = sorted(_THRESHOLD_KEYS)
            raise ConfigError(f"thresholds.{key}", value, f"is not a limit; known: {known}")
        name, unit = _THRESHOLD_KEYS[key]
        arguments[name] = _seconds(f"thresholds.{key}", value) if unit else value
    try:
        return Thresholds(**arguments)
    except ValidationError as error:
        key = next(k for k, (n, _) in _THRESHOLD_KEYS.items() if n == error.field)
        raise ConfigError(f"thresholds.{key}", table.get(key), error.reason) from None


def load_config(path: str | Path) -> AuditConfig:
    """Read a configuration file: a ``pyproject.toml`` (its ``[tool.callflow]``) or a TOML file.

    A ``pyproject.toml`` without a ``[tool.callflow]`` table gives the defaults.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or has a bad setting
            (named by its key path and the file).
    """
    if not isinstance(path, (str, Path)) or not str(path):
        raise ConfigError("path", path, "must be the path of a TOML file")
    file = Path(path)
    try:
        data = file.read_bytes()
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise ConfigError("path", str(path), f"cannot be read: {reason}") from None
    if len(data) > _MAX_CONFIG_BYTES:
        raise ConfigError(
            "path", str(path), f"is over {_MAX_CONFIG_BYTES} bytes: not a configuration"
        )
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError("path", str(path), f"is not valid TOML: {error}") from None
    if file.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("callflow", {}) if isinstance(tool, dict) else {}
        return AuditConfig.from_mapping(table, where=f"{file}: tool.callflow")
    return AuditConfig.from_mapping(document, where=str(file))
