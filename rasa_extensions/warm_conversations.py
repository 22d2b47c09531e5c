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

What is kept is the client's conversation, in memory only: at most ``capacity``
conversations, each for at most ``idle_s`` seconds after its last message (a
conversation handed out and never saved back, too).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from rasa.shared.core.trackers import DialogueStateTracker

CAPACITY = 256
IDLE_S = 15 * 60


@dataclass
class Lent:
    """A conversation handed out by the store, and how many of its events the database holds."""

    tracker: DialogueStateTracker
    stored: int
    since: float = 0.0


@dataclass
class _Warm:
    tracker: DialogueStateTracker
    stored: int
    fingerprint: Hashable
    since: float


class WarmConversations:
    def __init__(self, capacity: int = CAPACITY, idle_s: float = IDLE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.idle_s, self.clock = capacity, idle_s, clock
        self._warm: OrderedDict[str, _Warm] = OrderedDict()
        self._lent: OrderedDict[str, Lent] = OrderedDict()

    def take(self, sender_id: str, fingerprint: Callable[[], Hashable]) -> DialogueStateTracker | None:
        """The kept conversation if the database still matches it; it is no longer kept either way."""
        self._drop_idle()
        warm = self._warm.pop(sender_id, None)
        if warm is None or len(warm.tracker.events) != warm.stored or fingerprint() != warm.fingerprint:
            return None
        return warm.tracker

    def lend(self, sender_id: str, tracker: DialogueStateTracker) -> None:
        """Note a conversation handed out, with every one of its events in the database."""
        self._drop_idle()
        self._lent[sender_id] = Lent(tracker, len(tracker.events), self.clock())
        self._lent.move_to_end(sender_id)
        while len(self._lent) > self.capacity:
            self._lent.popitem(last=False)

    def returned(self, sender_id: str, tracker: DialogueStateTracker) -> Lent | None:
        """The loan of this very conversation, if it was handed out by the store and not since replaced."""
        lent = self._lent.pop(sender_id, None)
        return lent if lent is not None and lent.tracker is tracker else None

    def keep(self, sender_id: str, tracker: DialogueStateTracker, fingerprint: Hashable) -> None:
        self._drop_idle()
        self._warm[sender_id] = _Warm(tracker, len(tracker.events), fingerprint, self.clock())
        self._warm.move_to_end(sender_id)
        while len(self._warm) > self.capacity:
            self._warm.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._warm.pop(sender_id, None)
        self._lent.pop(sender_id, None)

    def _drop_idle(self) -> None:
        oldest_kept = self.clock() - self.idle_s
        for held in (self._warm, self._lent):
            while held and next(iter(held.values())).since < oldest_kept:
                held.popitem(last=False)

    def __len__(self) -> int:
        return len(self._warm)
