"""Transcripts read from files and streams: JSON Lines (one call a line), or a JSON document.

A bad line never stops a JSON Lines run unless asked to: it is reported as a
:class:`~callflow.errors.TranscriptError` naming its line, and the run goes
on with the next. Each line is bounded by the reader's
:class:`~callflow.documents.DocumentLimits` before it is parsed (a file's
line is read no further than its limit allows); the only loops are over the
input itself.
"""

import inspect
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, Final, TypeAlias

from callflow.audit._documents import ROOT
from callflow.audit.transcript import Transcript
from callflow.documents import DEFAULT_LIMITS, DocumentLimits
from callflow.errors import TranscriptError

__all__ = ["OnError", "Source", "iter_transcripts", "load_transcripts", "read_jsonl"]

Source: TypeAlias = str | os.PathLike[str] | Iterable[str] | Iterable[bytes]
"""Where transcripts are read from: a file's path (``str`` or ``pathlib.Path``), or
its lines: an open text or binary file, ``sys.stdin``, a list of strings..."""
OnError: TypeAlias = Callable[[TranscriptError], object]
"""What is called with each bad line's error (``errors.append``, a logger...)."""

_SHOWN: Final = 32
_Line: TypeAlias = tuple[int, str | TranscriptError]
"""A line's number (from 1) and its text, or why it could not be read as text."""


def _check(on_error: object, limits: object) -> DocumentLimits:
    """The readers' arguments, checked before anything is read."""
    if on_error is not None:
        reason = "must be None or a callable taking the error as its one argument"
        if not callable(on_error):
            raise TranscriptError("on_error", on_error, reason)
        try:
            signature = inspect.signature(on_error)
        except (TypeError, ValueError):  # a callable Python cannot describe: trusted
            signature = None
        if signature is not None:
            try:
                signature.bind(None)
            except TypeError:
                raise TranscriptError("on_error", on_error, reason) from None
    if not isinstance(limits, DocumentLimits):
        raise TranscriptError("limits", limits, "must be a DocumentLimits")
    return limits


def _is_path(source: object) -> bool:
    return isinstance(source, str | os.PathLike)


def _refuse_source(source: object) -> None:
    if _is_path(source):
        return
    if isinstance(source, bytes | bytearray | memoryview | Mapping) or not isinstance(
        source, Iterable
    ):
        reason = "must be a file's path, or an iterable of lines (an open file, a list of text)"
        raise TranscriptError("source", source, reason)


def _unreadable(source: object, error: BaseException, doing: str) -> TranscriptError:
    try:
        said = f": {error}" if str(error) else ""
    except Exception:  # an exception whose __str__ raises
        said = ""
    reason = f"cannot be {doing} ({type(error).__name__}{said})"
    return TranscriptError("source", source, reason)


def _open(path: str | os.PathLike[str]) -> IO[bytes]:
    try:
        return open(path, "rb")  # closed by the callers' ``with``
    except (OSError, ValueError, TypeError) as error:  # ValueError: a NUL in the path
        raise _unreadable(path, error, "opened") from None


def _decoded(raw: object, number: int) -> str | TranscriptError:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes | bytearray):
        try:
            return bytes(raw).decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            value = bytes(raw[:_SHOWN])
            return TranscriptError(ROOT, value, f"is not UTF-8 text ({error.reason})")
    return TranscriptError(ROOT, raw, "must be a line of text")


def _file_lines(path: str | os.PathLike[str], limits: DocumentLimits) -> Iterator[_Line]:
    """The lines of the file at ``path``, none read past the limit (UTF-8: 4 bytes a character)."""
    bound = limits.max_chars * 4 + 2
    with _open(path) as handle:
        number = 0
        while True:
            try:
                raw = handle.readline(bound)
                if not raw:
                    return
                number += 1
                if len(raw) < bound or raw.endswith(b"\n"):
                    yield number, _decoded(raw, number)
                    continue
                shown_part = raw[:_SHOWN] + b"..."
                while raw and not raw.endswith(b"\n"):  # the rest of the line, left unread
                    raw = handle.readline(bound)
            except OSError as error:
                raise _unreadable(path, error, "read") from error
            reason = f"must be a JSON document {limits.describe()}"
            yield number, TranscriptError(ROOT, shown_part, reason)


def _given_lines(source: Iterable[object]) -> Iterator[_Line]:
    try:
        iterator = iter(source)
    except Exception as error:
        raise _unreadable(source, error, "read") from None
    number = 0
    while True:
        try:
            raw = next(iterator)
        except StopIteration:
            return
        except Exception as error:  # the caller's stream failed: a decoding error, I/O...
            raise _unreadable(source, error, "read") from error
        number += 1
        yield number, _decoded(raw, number)


def _lines(source: Source, limits: DocumentLimits) -> Iterator[_Line]:
    return _file_lines(source, limits) if _is_path(source) else _given_lines(source)  # type: ignore[arg-type]


def _on_line(error: TranscriptError, line: int) -> TranscriptError:
    """``error``, now naming the line it was found on."""
    return TranscriptError(error.field, error.value, error.reason, call_id=error.call_id, line=line)


def _read_lines(
    lines: Iterable[_Line], on_error: OnError | None, limits: DocumentLimits
) -> Iterator[Transcript]:
    for number, line in lines:
        if isinstance(line, str) and not line.strip():
            continue  # blank lines are skipped (a file's last newline gives one)
        try:
            if isinstance(line, TranscriptError):
                raise line
            transcript = Transcript.from_json(line.rstrip("\r\n"), limits=limits)
        except TranscriptError as error:
            located = _on_line(error, number)
            if on_error is None:
                raise located from None
            on_error(located)
            continue
        yield transcript


def iter_transcripts(
    source: Source, *, on_error: OnError | None = None, limits: DocumentLimits = DEFAULT_LIMITS
) -> Iterator[Transcript]:
    """The transcripts of a JSON Lines input, one call a line, read as they are needed.

    Blank lines are skipped; every line counts in the numbering (from 1).

    Args:
        source: a file's path (``str`` or ``os.PathLike``), read as UTF-8; or
            its lines, as text or bytes (an open file, ``sys.stdin``, a list).
        on_error: called with the :class:`~callflow.errors.TranscriptError` of
            each bad line (its ``line`` set), which is then skipped. Without
            it, the first bad line raises its error, after the good lines
            before it were given.
        limits: how long a line may be, and how large and deep its document.

    Raises:
        TranscriptError: for a bad line when there is no ``on_error``; for a
            source that cannot be opened or read (always, with
            ``field == "source"``); for bad arguments, at once.
    """
    limits = _check(on_error, limits)
    _refuse_source(source)
    return _read_lines(_lines(source, limits), on_error, limits)


def read_jsonl(
    source: Source, *, limits: DocumentLimits = DEFAULT_LIMITS
) -> tuple[list[Transcript], list[TranscriptError]]:
    """Every transcript of a JSON Lines input, and the errors of its bad lines, in order.

    The same reading as :func:`iter_transcripts` with an ``on_error`` that
    collects: bad lines never stop the run.

    Raises:
        TranscriptError: only for a source that cannot be opened or read.
    """
    errors: list[TranscriptError] = []
    transcripts = list(iter_transcripts(source, on_error=errors.append, limits=limits))
    return transcripts, errors


def load_transcripts(
    source: Source, *, on_error: OnError | None = None, limits: DocumentLimits = DEFAULT_LIMITS
) -> list[Transcript]:
    """The transcripts of a file or stream, JSON Lines or JSON, whichever it holds.

    The input is one of:

    - a JSON array of transcripts (its first character, after white space,
      is ``[``); an item's error names it by its index (``[2].turns[0].text``);
    - JSON Lines: its first non-blank line is a whole JSON value by itself;
    - otherwise, one JSON object: a single transcript, however laid out.

    Unlike :func:`iter_transcripts`, the input is read whole first. The
    limits apply to each transcript (a whole array is as large as the input).

    Args:
        source, on_error, limits: as for :func:`iter_transcripts`; a bad
            transcript is reported to ``on_error`` (or raises without it).
    """
    limits = _check(on_error, limits)
    _refuse_source(source)
    if isinstance(source, str | os.PathLike):
        lines = list(_whole_file(source))
    else:
        lines = list(_given_lines(source))
    first = next((text for _, text in lines if not isinstance(text, str) or text.strip()), None)
    if first is None:
        return []
    if isinstance(first, str) and not first.lstrip().startswith("[") and _parses(first):
        return list(_read_lines(lines, on_error, limits))
    return _read_document(lines, on_error, limits)


def _whole_file(path: str | os.PathLike[str]) -> Iterator[_Line]:
    """The lines of a whole file, read at once (the document reader needs it all)."""
    with _open(path) as handle:
        try:
            data = handle.read()
        except OSError as error:
            raise _unreadable(path, error, "read") from error
    for index, raw in enumerate(data.split(b"\n")):
        yield index + 1, _decoded(raw + b"\n", index + 1)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _report(error: TranscriptError, on_error: OnError | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


def _read_document(
    lines: list[_Line], on_error: OnError | None, limits: DocumentLimits
) -> list[Transcript]:
    for number, text in lines:
        if isinstance(text, TranscriptError):
            _report(_on_line(text, number), on_error)
            return []
    text = "".join(str(text) for _, text in lines)
    if not text.lstrip().startswith("["):
        try:
            return [Transcript.from_json(text, limits=limits)]
        except TranscriptError as error:
            _report(error, on_error)
            return []
    try:
        items: Any = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        reason = f"is not a JSON document ({type(error).__name__}: {error})"
        _report(TranscriptError(ROOT, text[:_SHOWN], reason), on_error)
        return []
    if type(items) is not list:  # pragma: no cover - text starting with "[" parses as a list
        items = [items]
    transcripts = []
    for index, item in enumerate(items):
        try:
            transcripts.append(Transcript.from_dict(item, limits=limits))
        except TranscriptError as error:
            field = f"[{index}]" if error.field == ROOT else f"[{index}].{error.field}"
            _report(
                TranscriptError(field, error.value, error.reason, call_id=error.call_id), on_error
            )
    return transcripts


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")
