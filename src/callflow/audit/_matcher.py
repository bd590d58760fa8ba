"""The phrase matcher of the language rules: each language's phrases compiled into one search.

Phrase data is read from the package's ``phrases/<language>.toml`` files (see
docs/language.md), merged with the configuration's extra phrases, and
compiled once per language and configuration:

- templates are expanded into literals (``"{i will|we will} try"``), and each
  phrase gets the language's equivalent forms (``"i will"`` and ``"i'll"``);
- phrases are folded as the text is: lower-case, accents taken off, curly
  quotes and apostrophes made straight, hyphens made spaces; an apostrophe
  is optional (``"didn't"`` also matches ``"didnt"``);
- each rule's phrases make one trie-factored ``re`` alternation (shared
  prefixes written once), and all rules together one more, which finds where
  any phrase begins.

A call's turns are normalised once (one ``str.lower`` and one
``str.translate``; the same length as the original text, so a hit's offsets
are the original's, except in the rare text whose length folding changes,
which keeps a map) and joined, then searched once: at each place a phrase
begins, each rule's own alternation is tried there, so overlapping phrases
of different rules are all found, and the search goes on from the next
character. Negation, quotation, exceptions and CF804's alternatives are
judged only at hits.

>>> rules = compiled("en")
>>> [(hit.code, hit.turn, hit.start, hit.end) for hit in rules.find(["I’ll TRY to fix it ASAP."])]
[('CF802', 0, 0, 8), ('CF803', 0, 19, 23)]
>>> rules.find(["I won't say it's impossible.", 'He said "call back later".'])
[]
"""

import bisect
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from itertools import product
from typing import Any, NamedTuple

from callflow.errors import ValidationError

__all__ = ["PHRASE_CODES", "Hit", "PhraseRules", "compiled", "expand", "fold"]

PHRASE_CODES = ("CF503", "CF801", "CF802", "CF803", "CF804", "CF805", "CF806", "CF807", "CF808")
"""The codes whose phrases the data files give, in the order they are tried."""

MAX_PHRASE_CHARS = 200
"""The longest phrase (template) the data or a configuration may give."""
MAX_VARIANTS = 1024
"""The most literals one template may expand to."""

# How many words before a hit, in its clause, may negate it.
_NEGATION_WINDOW = 4
_CLAUSE_END = re.compile(r"[.!?;:,\n\u2026\u2013\u2014]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# An apostrophe in a phrase: optional, or a space (the text's apostrophes are spaces).
_APOSTROPHE = "\x01"
_APOSTROPHES = "'’‘‛ʼ`´′"
_DOUBLE_QUOTES = '"“”„‟«»″'
_DOUBLE_QUOTE = re.compile(f"[{_DOUBLE_QUOTES}]")
# A single quote that is not an apostrophe inside a word.
_SINGLE_QUOTE = re.compile(r"(?<!\w)['’‘]|['’‘](?!\w)")
# The character that separates turns in the text searched: no phrase crosses it.
_SEPARATOR = "\x00 "


def _fold_table() -> dict[int, str]:
    """Lower-case characters to what phrases match: no accents, punctuation as spaces."""
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base
    table.update({ord(c): "o" for c in "øØ"})
    table.update({ord(c): "l" for c in "łŁ"})
    table.update({ord(c): "d" for c in "đĐ"})
    for code in range(0x80):
        char = chr(code)
        if not char.isalnum() and char != _APOSTROPHE:
            table[code] = " "
    spaces = "’‘‚‛′´ʼ“”„‟«»″‐‑‒–—―…¿¡·•\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    table.update({ord(c): " " for c in spaces})
    table.update(dict.fromkeys(range(0x2000, 0x200B), " "))
    return table


_FOLD = _fold_table()
_LATIN_FOLD = bytes(ord(_FOLD.get(code, chr(code))) for code in range(0x100))
# Characters outside Latin-1 that text often has, replaced (one for one) before the bytes fold.
_COMMON = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("…", "."))
_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """``text`` as phrases are matched: lower-case, no accents, punctuation as spaces.

    The result has the length of ``text`` unless lower-casing or accents written
    apart change it.

    >>> fold("Non è IMPOSSIBILE — l’ho già detto!")
    'non e impossibile   l ho gia detto '
    """
    return _normalised(text)[0]


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded, and the map of its offsets to the original's when their lengths differ."""
    lowered = text.lower()
    if len(lowered) == len(text):
        if lowered.isascii():
            return lowered.encode("ascii").translate(_LATIN_FOLD).decode("ascii"), None
        if _COMBINING.search(lowered) is None:
            for common, plain in _COMMON:
                if common in lowered:
                    lowered = lowered.replace(common, plain)
            try:
                latin = lowered.encode("latin-1")
            except UnicodeEncodeError:
                return lowered.translate(_FOLD), None
            return latin.translate(_LATIN_FOLD).decode("latin-1"), None
    # Rare: a character whose lower case is longer ("İ"), or accents written apart.
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFD", char.lower()):
            if "\u0300" <= piece <= "\u036f":
                continue
            out.append(piece.translate(_FOLD))
            offsets.append(index)
    offsets.append(len(text))
    return "".join(out), offsets


def expand(template: str) -> list[str]:
    """The literals a phrase template writes: ``{a|b}`` is one of ``a`` or ``b``; they nest.

    >>> expand("{i will|we'll} try{ to|}")
    ['i will try to', 'i will try', "we'll try to", "we'll try"]

    Raises:
        ValidationError: braces that do not pair, or more than :data:`MAX_VARIANTS` literals.
    """
    return _expand(template, 0, top=True)[0]


def _expand(template: str, index: int, *, top: bool) -> tuple[list[str], int]:
    """The literals from ``index`` to the end (top) or to the ``|``/``}`` that ends an option."""
    parts: list[list[str]] = []
    literal: list[str] = []
    size = len(template)
    while index < size:
        char = template[index]
        if char == "{":
            if literal:
                parts.append(["".join(literal)])
                literal = []
            options: list[str] = []
            index += 1
            while True:
                option, index = _expand(template, index, top=False)
                options.extend(option)
                if index >= size:
                    raise ValidationError("phrase", template, "must close every '{' with '}'")
                if template[index] == "}":
                    index += 1
                    break
                index += 1  # a "|"
            parts.append(options)
            continue
        if char in "|}":
            if top:
                raise ValidationError("phrase", template, f"has a {char!r} outside braces")
            break
        literal.append(char)
        index += 1
    if literal:
        parts.append(["".join(literal)])
    count = 1
    for part in parts:
        count *= len(part)
        if count > MAX_VARIANTS:
            reason = f"must expand to at most {MAX_VARIANTS} phrases"
            raise ValidationError("phrase", template, reason)
    return ["".join(chosen) for chosen in product(*parts)], index


def _phrase_key(phrase: str) -> str:
    """A literal phrase as the text is folded; its apostrophes marked, its spaces single."""
    marked = unicodedata.normalize("NFC", phrase)
    for apostrophe in _APOSTROPHES:
        marked = marked.replace(apostrophe, _APOSTROPHE)
    return " ".join(fold(marked).split())


def _with_equivalents(phrase: str, groups: Sequence[Sequence[str]]) -> set[str]:
    """``phrase`` and the phrases its equivalent forms make (each group's forms are one)."""
    found = {phrase}
    for group in groups:
        for form in group:
            pattern = re.compile(rf"(?<![\w\x01]){re.escape(form)}(?![\w\x01])")
            for known in list(found):
                if pattern.search(known):
                    found.update(pattern.sub(other, known) for other in group if other != form)
    return found


def _trie_pattern(phrases: Iterable[str]) -> str:
    """One alternation for ``phrases``, factored on their shared prefixes."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _atom(char: str) -> str:
    if char == " ":
        return " +"
    if char == _APOSTROPHE:
        return " ?"
    return re.escape(char)


def _emit(node: dict[str, Any]) -> str:
    # Iterative over long single-child runs; nesting only where the trie branches.
    run: list[str] = []
    while len(node) == 1 and "" not in node:
        ((char, child),) = node.items()
        run.append(_atom(char))
        node = child
    if not node or list(node) == [""]:
        return "".join(run)
    branches = [_atom(char) + _emit(child) for char, child in sorted(node.items()) if char]
    body = "|".join(branches)
    if "" in node:
        tail = f"(?:{body})?"
    elif len(branches) == 1:
        tail = body
    else:
        tail = f"(?:{body})"
    return "".join(run) + tail


def _bounded(body: str) -> "re.Pattern[str]":
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


class Hit(NamedTuple):
    """A phrase of a rule said in one of the texts searched.

    Attributes:
        code: the rule's code.
        turn: which text (turn) of those searched.
        start: where the words begin in that text, as given (not folded).
        end: where they end.
    """

    code: str
    turn: int
    start: int
    end: int


class PhraseRules:
    """One language's phrases, compiled; :func:`compiled` makes and caches them."""

    def __init__(
        self,
        language: str,
        phrases: Mapping[str, Iterable[str]],
        *,
        exceptions: Mapping[str, Iterable[str]],
        alternatives: Iterable[str],
        negators: Iterable[str],
    ) -> None:
        self.language = language
        self.phrases = {code: tuple(sorted(set(found))) for code, found in phrases.items() if found}
        self._rules = tuple(
            (code, _bounded(_trie_pattern(self.phrases[code])))
            for code in PHRASE_CODES
            if code in self.phrases
        )
        every = {phrase for found in self.phrases.values() for phrase in found}
        # A phrase begins after a space: the search skips to spaces (a literal prefix).
        self._any = re.compile(f" (?:{_trie_pattern(every)})(?!\\w)") if every else None
        self._exceptions = {
            code: _bounded(_trie_pattern(found)) for code, found in exceptions.items() if found
        }
        alternatives = tuple(alternatives)
        self._alternatives = _bounded(_trie_pattern(alternatives)) if alternatives else None
        negators = tuple(negators)
        self._negators = _bounded(_trie_pattern(negators)) if negators else None

    def find(self, texts: Sequence[str]) -> list[Hit]:
        """Each rule's phrases said in ``texts`` (a call's agent turns): one hit a rule a text.

        A hit is dropped when it is negated (a negator a few words before it
        in its clause), quoted, part of one of its rule's exceptions, or, for
        CF804, when the same text offers an alternative.
        """
        if self._any is None or not texts:
            return []
        normalised = [_normalised(text) for text in texts]
        joined = " " + _SEPARATOR.join([folded for folded, _ in normalised])
        search = self._any.search
        rules = self._rules
        found: list[tuple[str, int, int]] = []
        position = 0
        while (match := search(joined, position)) is not None:
            start = match.start() + 1
            for code, pattern in rules:
                said = pattern.match(joined, start)
                if said is not None:
                    found.append((code, start, said.end()))
            position = start
        if not found:
            return []
        bases = [1]
        for folded, _ in normalised:
            bases.append(bases[-1] + len(folded) + len(_SEPARATOR))
        hits: list[Hit] = []
        seen: set[tuple[str, int]] = set()
        judged: dict[int, _Judged] = {}
        for code, start, end in found:
            index = bisect.bisect_right(bases, start) - 1
            if (code, index) in seen:
                continue
            folded, offsets = normalised[index]
            start, end = start - bases[index], end - bases[index]
            turn = judged.get(index)
            if turn is None:
                turn = judged[index] = _Judged(texts[index], folded, self._alternatives)
            if self._excepted(code, folded, start, end) or (code == "CF804" and turn.offered):
                continue
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            if self._negated(texts[index], start) or turn.quoted(start, end):
                continue
            seen.add((code, index))
            hits.append(Hit(code, index, start, end))
        hits.sort(key=lambda hit: (hit.turn, hit.start))
        return hits

    def _excepted(self, code: str, folded: str, start: int, end: int) -> bool:
        """Whether an exception of the rule is said over the hit."""
        exceptions = self._exceptions.get(code)
        if exceptions is not None:
            low = max(0, start - MAX_PHRASE_CHARS)
            for said in exceptions.finditer(folded, low, end + MAX_PHRASE_CHARS):
                if said.start() < end and said.end() > start:
                    return True
        return False

    def _negated(self, text: str, start: int) -> bool:
        """Whether a negator is among the few words before ``start`` in its clause of ``text``."""
        if self._negators is None:
            return False
        low = max(0, start - 80)
        clause = _CLAUSE_END.split(text[low:start])[-1]
        words = [word.start() for word in _WORD.finditer(clause)][-_NEGATION_WINDOW:]
        if not words:
            return False
        window = _normalised(clause[words[0] :])[0]
        return self._negators.search(window) is not None


class _Judged:
    """What is judged of a text with hits once, however many hits it has: quotes, alternatives."""

    def __init__(self, text: str, folded: str, alternatives: "re.Pattern[str] | None") -> None:
        self._text = text
        self._doubles: list[int] | None = None
        self._singles: list[int] | None = None
        self.offered = alternatives is not None and alternatives.search(folded) is not None

    def quoted(self, start: int, end: int) -> bool:
        """Whether the words at ``start:end`` are inside quotation marks."""
        text = self._text
        if self._doubles is None:
            self._doubles = [m.start() for m in _DOUBLE_QUOTE.finditer(text)]
            self._singles = [m.start() for m in _SINGLE_QUOTE.finditer(text)]
        for marks in (self._doubles, self._singles or []):
            before = bisect.bisect_left(marks, start)
            if before % 2 == 1 and bisect.bisect_left(marks, end) < len(marks):
                return True
        return False


def _data(language: str) -> dict[str, Any]:
    path = resources.files("callflow.audit") / "phrases" / f"{language}.toml"
    with path.open("rb") as file:
        return tomllib.load(file)


def _literals(templates: Iterable[str], groups: Sequence[Sequence[str]]) -> set[str]:
    found: set[str] = set()
    for template in templates:
        for literal in expand(template):
            key = _phrase_key(literal)
            if key:
                found.update(_with_equivalents(key, groups))
    return found


@functools.lru_cache(maxsize=64)
def _compiled(language: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> PhraseRules:
    data = _data(language)
    groups = [[_phrase_key(form) for form in group] for group in data.get("equivalents", ())]
    phrases: dict[str, set[str]] = {}
    exceptions: dict[str, set[str]] = {}
    for code in PHRASE_CODES:
        table = data.get(code, {})
        phrases[code] = _literals(table.get("phrases", ()), groups)
        exceptions[code] = _literals(table.get("exceptions", ()), groups)
    for code, added in extra:
        phrases[code] |= _literals(added, groups)
    alternatives = _literals(data.get("CF804", {}).get("alternatives", ()), groups)
    negators = [_phrase_key(word) for word in data.get("negators", ())]
    return PhraseRules(
        language, phrases, exceptions=exceptions, alternatives=alternatives, negators=negators
    )


def compiled(language: str, extra: Mapping[str, Iterable[str]] | None = None) -> PhraseRules:
    """The compiled phrases of ``language``, with ``extra`` phrases by code (cached).

    Extra phrases of codes the phrase rules do not check are left out.
    """
    given = (extra or {}).items()
    chosen = tuple(sorted((code, tuple(found)) for code, found in given if code in PHRASE_CODES))
    return _compiled(language, chosen)
