"""What the corpus converters share: the transcript document, phrase cues and the command line.

A converter reads one record of a corpus and builds a transcript document
(plain JSON-ready dicts, the format ``callflow.audit.Transcript.from_dict``
reads): the turns as the source has them, and the events of the call
procedure the source's own fields say happened, each at a time in seconds
from the start of the call. See ``README.md`` for each mapping and why.
"""

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "ANYTHING_ELSE",
    "DONE",
    "FAREWELL",
    "REPO",
    "SHARED_CORPORA",
    "TranscriptBuilder",
    "is_speech",
    "run",
]

REPO = Path(__file__).resolve().parents[2]
"""The repository's root (examples/corpora/ is two levels down)."""
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
"""Where the corpora are by default: ``../shared/corpora`` from the repository's root."""

# The agent asks whether there is anything else (CF702): the phrase, in any of its
# usual English forms ("anything else", "anymore help", "anything further").
ANYTHING_ELSE = re.compile(
    r"\banything\s+(?:else|more|further)\b|\bany\s*more\s+help\b", re.IGNORECASE
)
# The agent reports an action as done: "has been sent", "I have scheduled", "you're all
# set". English's perfect and resultative forms, for a source whose labels miss the act.
DONE = re.compile(
    r"\b(?:has|have)\s+(?:now\s+|just\s+|already\s+)?been\s+(?:[a-z]+ed|sent|paid|done|made|set|taken|given)\b"
    r"|\bi(?:'ve|\s+have)\s+(?:now\s+|just\s+|already\s+)?(?:[a-z]+ed|sent|paid|done|made|set|taken|given)\b"
    r"|\b(?:you're|you\s+are|it's|it\s+is)\s+all\s+(?:set|done)\b",
    re.IGNORECASE,
)
# The agent takes leave: the closing formulas of English service talk.
FAREWELL = re.compile(
    r"\bhave\s+a\s+(?:nice|great|good|wonderful|lovely)\s+(?:day|night|one|evening|weekend)\b"
    r"|\bgood\s*bye\b|\bbye\b|\btake\s+care\b",
    re.IGNORECASE,
)
# What speech recognition and transcribers put for what is not speech: [noise], <unk>...
_NOT_SPEECH = re.compile(r"\[[^\]]*\]|<[^>]*>")


def is_speech(text: str) -> bool:
    """Whether a turn holds words, not only tags such as ``[noise]`` or ``<unk>``."""
    return any(character.isalnum() for character in _NOT_SPEECH.sub(" ", text))


class TranscriptBuilder:
    """A transcript document, built turn by turn and event by event.

    Each event remembers the turn it was read from (``None`` for the call's
    own events, such as the hang-up), so a test or a reviewer can go back
    from an event to the words behind it (:meth:`sources`).
    """

    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []
        self._events: list[tuple[float, int, dict[str, Any], int | None]] = []

    def turn(self, speaker: str, text: str, start: float | None, end: float | None) -> int:
        """Add a turn, verbatim; return its index."""
        self.turns.append({"speaker": speaker, "text": text, "start": start, "end": end})
        return len(self.turns) - 1

    def event(self, name: str, at: float, turn: int | None = None, **arguments: Any) -> None:
        """Add an event of the call procedure at ``at`` seconds, read from turn ``turn``.

        ``arguments`` are the keyword arguments of the event's ``Call`` method,
        written beside ``event``, ``at`` and ``turn`` (the turn it was read
        from, when there is one), as ``callflow.audit``'s transcript reads them.
        """
        document: dict[str, Any] = {"event": name, "at": float(at)}
        if turn is not None:
            document["turn"] = turn  # where the audit places this event's findings
        document.update(arguments)
        self._events.append((float(at), len(self._events), document, turn))

    def _ordered(self) -> list[tuple[float, int, dict[str, Any], int | None]]:
        # By time, and in the order they were read at the same time: turns may
        # overlap on a phone line, but a replay goes forward in time.
        return sorted(self._events, key=lambda item: (item[0], item[1]))

    def events(self) -> list[dict[str, Any]]:
        """The events, in the order of their times (read order among equal times)."""
        return [dict(document) for _, _, document, _ in self._ordered()]

    def sources(self) -> list[int | None]:
        """For each event of :meth:`events`, the index of the turn it was read from."""
        return [turn for _, _, _, turn in self._ordered()]

    def document(self, **fields: Any) -> dict[str, Any]:
        """The transcript: ``fields`` (call_id, channel...) with the turns and the events.

        The keys come in the order of the transcript format: ``context`` last.
        """
        context = fields.pop("context")
        turns = [dict(turn) for turn in self.turns]
        return {**fields, "turns": turns, "events": self.events(), "context": context}


def following(turns: list[dict[str, Any]], index: int, speaker: str) -> Iterator[int]:
    """The indexes of ``speaker``'s turns right after ``index``, up to another party's words.

    Another party's turns without words (``[noise]``) do not end the run.
    """
    for later in range(index + 1, len(turns)):
        if turns[later]["speaker"] == speaker:
            yield later
        elif is_speech(turns[later]["text"]):
            return


def joined(texts: Iterable[str]) -> str | None:
    """Turns' words as one text (tags such as ``[noise]`` dropped), or ``None`` if none."""
    words = " ".join(" ".join(_NOT_SPEECH.sub(" ", text).split()) for text in texts).strip()
    return " ".join(words.split()) or None


def run(
    argv: list[str] | None,
    *,
    description: str,
    default: Path,
    records: Callable[[Path], Iterable[dict[str, Any]]],
) -> int:
    """The converters' command line: read a corpus file, write one transcript a line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("corpus", nargs="?", type=Path, default=default, help=f"default: {default}")
    parser.add_argument(
        "-o", "--output", type=Path, help="the JSON Lines file to write (default: stdout)"
    )
    arguments = parser.parse_args(argv)
    if arguments.output is None:
        _write(records(arguments.corpus), sys.stdout)
    else:
        with arguments.output.open("w", encoding="utf-8") as out:
            _write(records(arguments.corpus), out)
    return 0


def _write(transcripts: Iterable[dict[str, Any]], out: TextIO) -> None:
    for transcript in transcripts:
        out.write(json.dumps(transcript, ensure_ascii=False) + "\n")
