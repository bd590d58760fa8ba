"""The people on a call: the help desk agent and the caller."""

import attrs

from callflow.validators import non_empty_text, optional_non_empty_text

__all__ = ["Agent", "Caller"]


@attrs.frozen
class Agent:
    """The help desk agent who answers, with the organisation they answer for.

    >>> Agent(name="Bill", organisation="ACME Corp")
    Agent(name='Bill', organisation='ACME Corp')
    """

    name: str = attrs.field(validator=non_empty_text())
    organisation: str = attrs.field(validator=non_empty_text())


@attrs.frozen
class Caller:
    """The person calling: their name and, once given, their user or employee ID.

    >>> Caller(name="Ana Souza", user_id="E1234")
    Caller(name='Ana Souza', user_id='E1234')
    """

    name: str = attrs.field(validator=non_empty_text())
    user_id: str | None = attrs.field(default=None, validator=optional_non_empty_text())
