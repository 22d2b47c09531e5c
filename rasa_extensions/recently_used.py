"""A small in-memory map for what the server keeps about conversations between messages.

Both kinds of it (``warm_conversations``, ``incremental_states``) hold what clients
wrote, so both need the same two limits: at most ``capacity`` entries, the least
recently stored dropped first, and none kept longer than ``idle_s`` after it was
last stored.

A client who asks to be forgotten must be forgotten by every such map too: each
registers how (``when_forgotten``), and the tracker store calls
``forget_everywhere`` when it deletes the conversation, without knowing who keeps
what (a speedup may keep states, or not run at all).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

CAPACITY = 256
IDLE_S = 15 * 60

V = TypeVar("V")

_forgetters: list[Callable[[str], None]] = []


def when_forgotten(forget: Callable[[str], None]) -> None:
    """Register what drops everything one conversation (by sender id) left in memory."""
    if forget not in _forgetters:
        _forgetters.append(forget)


def forget_everywhere(sender_id: str) -> None:
    for forget in list(_forgetters):
        forget(sender_id)


class RecentlyUsed(Generic[V]):
    def __init__(self, capacity: int = CAPACITY, idle_s: float = IDLE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.idle_s, self.clock = capacity, idle_s, clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def put(self, key: Hashable, value: V) -> None:
        self._entries[key] = (self.clock(), value)
        self._entries.move_to_end(key)
        self._drop_old()

    def get(self, key: Hashable) -> V | None:
        self._drop_old()
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def pop(self, key: Hashable) -> V | None:
        self._drop_old()
        entry = self._entries.pop(key, None)
        return None if entry is None else entry[1]

    def _drop_old(self) -> None:
        oldest_kept = self.clock() - self.idle_s
        while self._entries and (len(self._entries) > self.capacity
                                 or next(iter(self._entries.values()))[0] < oldest_kept):
            self._entries.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[Hashable]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
