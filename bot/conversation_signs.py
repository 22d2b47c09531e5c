"""Warning signs that only the whole conversation shows: the context in one message, the sign in another.

"I'm 33 weeks pregnant" answers one question and "I've had a bit of bleeding" another;
neither message alone is the warning sign of pregnancy, together they are. A sign
marked ``across_messages: <caution>`` in ``knowledge/warning_sign_patterns.yml`` is
found once that caution was told in any message and one of the sign's feelings is in
any message, with the usual rules for denials and for whose it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.cautions import read_cautions
from bot.language import default_matcher


def signs_across_messages(texts: Iterable[str | None]) -> list[str]:
    """The signs the conversation as a whole reports, beyond those of each message."""
    said = [text for text in texts if text and not text.startswith("/")]
    matcher = default_matcher()
    across = [sign for sign in matcher.detector.signs if sign.across_messages]
    if not across:
        return []
    told = set(read_cautions(said))
    found = []
    for sign in across:
        if sign.across_messages in told and any(matcher.detector.feelings_alone(matcher.doc(text), sign.value)
                                                for text in said):
            found.append(sign.value)
    return found
