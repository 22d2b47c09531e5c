"""Redis lock store whose waiting messages outlive the locks of a crashed server.

Rasa serialises a conversation's messages with tickets that expire after
``TICKET_LOCK_LIFETIME`` (60 s). When a Rasa server dies while handling a message,
its ticket stays in Redis until it expires, and a message for that conversation
arriving at another server waits. But the waiting message's own ticket was issued
only moments later with the same lifetime, so in Rasa 3.6 it usually expires in
the same second as the dead one, and the client gets an error after a minute's
wait instead of an answer (measured: tests/e2e/test_production.py).

Here a waiting message renews its own ticket every time it checks the lock, so only
the tickets of messages nobody is waiting on any more (a dead server's) expire.

The lifetime is a setting of its own (``lock_lifetime``, default 30 s): it must be
longer than the slowest message (about 10 s under heavy load here) and well below
the 60 s after which the web server (Sanic, without Rasa's HTTP API) cancels a
request, or a client waiting behind a crashed server's lock would be cut off.
Select it in the endpoints file with ``type: rasa_extensions.lock_store.PatientRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_LOCK_LIFETIME_S = 30.0


class PatientWaiting(LockStore):
    """Waiting for a lock keeps the waiter's ticket alive (mixed into a concrete lock store)."""

    lifetime = DEFAULT_LOCK_LIFETIME_S

    def lock(self, conversation_id: str, lock_lifetime: float | None = None,
             wait_time_in_seconds: float = 1) -> AbstractAsyncContextManager[TicketLock]:
        # Rasa's processor never passes a lifetime; the store's own setting applies.
        return super().lock(conversation_id, lock_lifetime or self.lifetime, wait_time_in_seconds)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.keep_waiting(conversation_id, ticket)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def keep_waiting(self, conversation_id: str, ticket: int) -> None:
        lock = self.get_lock(conversation_id)
        if lock is None:
            return
        for waiting in lock.tickets:
            if waiting.number == ticket:
                waiting.expires = max(waiting.expires, time.time() + self.lifetime)
        lock.remove_expired_tickets()
        self.save_lock(lock)


class PatientRedisLockStore(PatientWaiting, RedisLockStore):
    """Rasa's Redis lock store (same settings), with waiting tickets kept alive."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa builds a lock store named by module path from the endpoint's settings object.
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        self.lifetime = float(settings.pop("lock_lifetime", DEFAULT_LOCK_LIFETIME_S))
        super().__init__(**settings)
