"""What the SQLAlchemy stores share: the engine, and creating their tables once."""

import functools
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from callflow.errors import StoreError, ValidationError

__all__ = ["engine_of", "ensure_tables", "translated"]

P = ParamSpec("P")
R = TypeVar("R")


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """``method`` of a SQL store or book, its database errors raised as StoreError.

    The driver's error is chained as the cause; the message is the driver's
    first line (SQLAlchemy's own text adds the statement and its parameters).
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as error:
            cause = getattr(error, "orig", None) or error
            lines = str(cause).strip().splitlines() or [""]
            # The store's class, not its repr: __init__ may fail before it has one.
            store = type(args[0]).__name__ if args else "the store"
            raise StoreError(store, f"{type(cause).__name__}: {lines[0]}") from error

    return wrapper


_ATTEMPTS = 5
"""How often a worker tries to create the tables while others may be creating them too."""
_LOCK_KEY = 0x63616C6C666C6F77
"""The advisory lock ("callflow" in ASCII) held while creating tables on PostgreSQL."""


def engine_of(url_or_engine: object) -> tuple[Engine, bool]:
    """The engine for ``url_or_engine``, and whether it was made here (and is ours to dispose)."""
    if isinstance(url_or_engine, Engine):
        return url_or_engine, False
    if not isinstance(url_or_engine, str | URL):
        raise ValidationError("url_or_engine", url_or_engine, "must be a database URL or Engine")
    try:
        url = make_url(url_or_engine)
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError):
        # The URL is not shown: it may hold a password.
        raise ValidationError(
            "url_or_engine", "<URL not shown>", "must be a database URL SQLAlchemy can use"
        ) from None
    if engine.dialect.name == "sqlite" and url.database not in (None, "", ":memory:"):
        event.listen(engine, "connect", _wal)
    return engine, True


def _wal(connection: Any, _record: object) -> None:
    """A file SQLite database in WAL mode: loads do not wait for saves."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def ensure_tables(engine: Engine, metadata: MetaData, name: str, version: int) -> None:
    """Create the tables of ``metadata`` that do not exist, and check their schema version.

    Several workers may start at once on a new database: on PostgreSQL an
    advisory lock lets one create the tables; elsewhere a worker that lost
    the race tries once more, and then finds them.
    """
    schema = Table(
        "callflow_schema",
        metadata,
        Column("name", String, primary_key=True),
        Column("version", Integer, nullable=False),
        extend_existing=True,
    )
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(CAST(:key AS bigint))"),
                        {"key": _LOCK_KEY},
                    )
                metadata.create_all(conn)
                found = conn.execute(select(schema.c.version).where(schema.c.name == name))
                stored = found.scalar()
                if stored is None:
                    conn.execute(insert(schema).values(name=name, version=version))
                    stored = version
            break
        except SQLAlchemyError:
            # Another worker was creating the same tables or row: each step may lose
            # a race once (the table, then the row); a new attempt finds them made.
            if attempt == _ATTEMPTS:
                raise
            time.sleep(0.01 * attempt)
    if stored != version:
        reason = f"must be {version}, the version this callflow reads and writes"
        raise ValidationError("callflow_schema.version", stored, reason)
