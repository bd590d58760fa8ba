"""Hold and transfer etiquette (CF502-CF506): what an agent owes a caller they hold or pass on.

These checks read the data of one event (a hold, a check-in, a resume, a
transfer) and return the rules it departs from, as
:class:`~callflow.records.RuleBreach` values; the call refuses them in strict mode
and records them in audit mode. Two etiquette departures are not judged
here because they are soft (recorded in both modes, never refused): a held
caller's silence over the limit (CF504), which judges time already passed,
and a transfer without the direct number (CF506), which the seed asks for
only "where appropriate". ``docs/holds.md`` has the table.

>>> [breach.rule for breach in hold_breaches(None, asked_permission=True, words="Hang on")]
['CF502', 'CF503']
>>> resume_breaches(thanked=True, apologised=False)
()
"""

import re

from callflow.records import RuleBreach
from callflow.validators import check_flag, check_optional_text, check_text

__all__ = [
    "HOLD_ON_PHRASES",
    "check_in_breaches",
    "hold_breaches",
    "resume_breaches",
    "transfer_breaches",
]

HOLD_ON_PHRASES: tuple[str, ...] = ("hold on", "hang on")
"""What an agent must not say when holding a caller (CF503): say "please hold" or "please wait".

Seed 001 quotes them in English in every language's version, so they are
matched in English here; the language checks look for them in the other
languages of a transcript.
"""

# "Hold on to your receipt" is not a hold: a phrase followed by "to" is not matched.
_HOLD_ON = re.compile(
    r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in HOLD_ON_PHRASES) + r")\b"
    r"(?!\s+to\b)",
    re.IGNORECASE,
)


def hold_breaches(
    reason: str | None, *, asked_permission: bool, words: str | None = None
) -> tuple[RuleBreach, ...]:
    """What a hold departs from: no reason or no permission asked (CF502), "hold on" (CF503).

    Args:
        reason: why the caller is held, as the agent explained it.
        asked_permission: whether the agent asked the caller before holding them.
        words: what the agent said, when known.
    """
    reason = check_optional_text("reason", reason)
    check_flag("asked_permission", asked_permission)
    words = check_optional_text("words", words)
    found: list[RuleBreach] = []
    if reason is None:
        found.append(RuleBreach("CF502", "the caller was held without being told why", "reason"))
    if not asked_permission:
        found.append(
            RuleBreach("CF502", "the caller was held without being asked first", "asked_permission")
        )
    if words is not None and (said := _HOLD_ON.search(words)) is not None:
        found.append(
            RuleBreach(
                "CF503",
                f"the agent said {said.group(0)!r}: say 'please hold' or 'please wait'",
                "words",
            )
        )
    return tuple(found)


def check_in_breaches(*, offered_to_continue: bool) -> tuple[RuleBreach, ...]:
    """A check-in must give the held caller the choice to keep holding (CF504)."""
    if check_flag("offered_to_continue", offered_to_continue):
        return ()
    message = "the check-in did not offer the caller the choice to keep holding"
    return (RuleBreach("CF504", message, "offered_to_continue"),)


def resume_breaches(*, thanked: bool, apologised: bool) -> tuple[RuleBreach, ...]:
    """After a hold the agent thanks the caller, and does not apologise for the delay (CF505)."""
    check_flag("thanked", thanked)
    check_flag("apologised", apologised)
    found: list[RuleBreach] = []
    if not thanked:
        found.append(RuleBreach("CF505", "the caller was not thanked for holding", "thanked"))
    if apologised:
        found.append(
            RuleBreach(
                "CF505",
                "the agent apologised for the delay: thank the caller for holding instead",
                "apologised",
            )
        )
    return tuple(found)


def transfer_breaches(to: str, *, announced: bool, reason: str | None) -> tuple[RuleBreach, ...]:
    """The hard parts of CF506: the receiver hears who is calling, and why, before the transfer.

    The direct number for the caller is judged apart, as a soft finding.
    """
    to = check_text("to", to)
    check_flag("announced", announced)
    reason = check_optional_text("reason", reason)
    found: list[RuleBreach] = []
    if not announced:
        found.append(
            RuleBreach(
                "CF506",
                f"the call was not pre-announced to {to} with the caller's name and details",
                "announced",
            )
        )
    if reason is None:
        found.append(RuleBreach("CF506", f"{to} was not told why the call is theirs", "reason"))
    return tuple(found)
