"""Ticket books for tests: custom books that answer what a test tells them to."""

from callflow import MemoryTicketBook, Ticket


class AnsweringBook(MemoryTicketBook):
    """A book whose get() answers what it is told to: any ticket, or anything at all."""

    __slots__ = ("answer",)

    def __init__(self, answer: object) -> None:
        super().__init__()
        self.answer = answer

    def get(self, number: str) -> Ticket:
        return self.answer  # type: ignore[return-value]
