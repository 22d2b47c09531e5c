"""The conversations a server has just answered, kept in memory for the client's next message.

Rasa rebuilds a conversation from the database on every message: it reads every
event of the session, makes an object of each and replays them all, so a message
at turn 40 cost 2 to 3 ms more than one at turn 10 for this alone. A client who is
chatting sends the next message to the same server a few seconds later, and the
conversation is then exactly the one saved at the end of the last message.

``WarmConversations`` holds that saved conversation with the database's fingerprint
of it (how many events the sender has, the highest id and the latest time) taken
inside the transaction that wrote it. The store (``tracker_store``) hands it out
only when the database still shows that fingerprint, so a message answered by
another server, a conversation forgotten or deleted by the retention job, or a
message whose turn failed before it was saved all lead back to the database. A
conversation is lent to one message at a time: handing it out removes it, and only
its own save puts it back.

What is kept is the client's conversation, in memory only, within the limits of
``recently_used`` (256 conversations, 15 minutes after the last message; a
conversation handed out and never saved back, too).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.recently_used import RecentlyUsed


@dataclass
class Lent:
    """A conversation handed out by the store, and how many of its events the database holds."""

    tracker: DialogueStateTracker
    stored: int


@dataclass
class _Warm(Lent):
    fingerprint: Hashable


class WarmConversations:
    def __init__(self, **limits: object) -> None:
        """``limits``: ``RecentlyUsed``'s capacity, idle_s and clock."""
        self._warm: RecentlyUsed[_Warm] = RecentlyUsed(**limits)
        self._lent: RecentlyUsed[Lent] = RecentlyUsed(**limits)

    def take(self, sender_id: str, fingerprint: Callable[[], Hashable]) -> DialogueStateTracker | None:
        """The kept conversation if the database still matches it; it is no longer kept either way."""
        warm = self._warm.pop(sender_id)
        if warm is None or len(warm.tracker.events) != warm.stored or fingerprint() != warm.fingerprint:
            return None
        return warm.tracker

    def lend(self, sender_id: str, tracker: DialogueStateTracker) -> None:
        """Note a conversation handed out, with every one of its events in the database."""
        self._lent.put(sender_id, Lent(tracker, len(tracker.events)))

    def returned(self, sender_id: str, tracker: DialogueStateTracker) -> Lent | None:
        """The loan of this very conversation, if it was handed out by the store and not since replaced."""
        lent = self._lent.pop(sender_id)
        return lent if lent is not None and lent.tracker is tracker else None

    def keep(self, sender_id: str, tracker: DialogueStateTracker, fingerprint: Hashable) -> None:
        self._warm.put(sender_id, _Warm(tracker, len(tracker.events), fingerprint))

    def forget(self, sender_id: str) -> None:
        self._warm.pop(sender_id)
        self._lent.pop(sender_id)

    def __len__(self) -> int:
        return len(self._warm)
