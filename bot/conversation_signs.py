"""Warning signs that only the whole conversation shows: the context in one message, the sign in another.

"I'm 33 weeks pregnant" answers one question and "I've had a bit of bleeding" another;
neither message alone is the warning sign of pregnancy, together they are. A sign
marked ``across_messages: <caution>`` in ``knowledge/warning_sign_patterns.yml`` is
found once that caution was told in any message and one of the sign's feelings is in
any message, with the usual rules for denials and for whose it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.cautions import TEXTS_REMEMBERED, read_cautions
from bot.language import default_matcher


def signs_across_messages(texts: Iterable[str | None]) -> list[str]:
    """The signs the conversation as a whole reports, beyond those of each message."""
    said = [text for text in texts if text and not text.startswith("/")]
    matcher = default_matcher()
    across = [sign for sign in matcher.detector.signs if sign.across_messages]
    if not across:
        return []
    told = set(read_cautions(said))
    return [sign.value for sign in across
            if sign.across_messages in told and any(_feels(text, sign.value) for text in said)]


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _feels(text: str, sign: str) -> bool:
    """One of the sign's feelings in this message (cached: the same messages come back every turn)."""
    matcher = default_matcher()
    return matcher.detector.feelings_alone(matcher.doc(text), sign)
