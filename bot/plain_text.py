"""How the assistant reads on channels that show only plain text (SMS, WhatsApp).

Such channels cannot show buttons, so the options become a numbered list, and a
client may answer with the number ("2") or with the option's words ("not now").
They also cap the length of one message, so long replies are cut at paragraph
breaks rather than mid-sentence, and never into more pieces than needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Twilio refuses SMS and WhatsApp bodies over 1,600 characters.
TWILIO_MAX_LENGTH = 1600

_CHOICE_NUMBER = re.compile(r"^(?:option|number|no\.?|#)?\s*(\d{1,2})\s*[.)]?$")
_NOT_A_WORD = re.compile(r"[^\w\s]")


def numbered_options(text: str, buttons: Sequence[Mapping[str, Any]]) -> str:
    """The question followed by its options, one per line, numbered from 1."""
    titles = [str(button.get("title", "")).strip() for button in buttons]
    lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1) if title]
    if not lines:
        return text
    return f"{text.rstrip()}\n\nReply with a number or in your own words:\n" + "\n".join(lines)


def _words(text: str) -> str:
    return " ".join(_NOT_A_WORD.sub(" ", text.casefold()).split())


def chosen_payload(answer: str, buttons: Sequence[Mapping[str, Any]]) -> str | None:
    """The payload of the option the client picked, or None when the answer is not a pick.

    A pick is the option's number or its full title, ignoring case and punctuation.
    Anything else ("not really, it's my hip") goes to the language model untouched,
    so a client who answers in a sentence is understood as on any other channel.
    """
    if not buttons:
        return None
    cleaned = answer.strip().casefold()
    number = _CHOICE_NUMBER.match(cleaned)
    if number:
        index = int(number.group(1)) - 1
        return str(buttons[index]["payload"]) if 0 <= index < len(buttons) else None
    said = _words(cleaned)
    if not said:
        return None
    for button in buttons:
        if _words(str(button.get("title", ""))) == said:
            return str(button["payload"])
    return None


def split_message(text: str, limit: int) -> list[str]:
    """Cut ``text`` into as few pieces of at most ``limit`` characters as possible.

    Breaks prefer paragraph ends, then line ends, then spaces; a single word longer
    than the limit (a pasted link) is cut where it must be.
    """
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return pieces
