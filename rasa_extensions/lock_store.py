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
Select it in the endpoints file with ``type: rasa_extensions.lock_store.PatientRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class PatientWaiting(LockStore):
    """Waiting for a lock keeps the waiter's ticket alive (mixed into a concrete lock store)."""

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
                waiting.expires = max(waiting.expires, time.time() + LOCK_LIFETIME)
        lock.remove_expired_tickets()
        self.save_lock(lock)


class PatientRedisLockStore(PatientWaiting, RedisLockStore):
    """Rasa's Redis lock store (same settings), with waiting tickets kept alive."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa builds a lock store named by module path from the endpoint's settings object.
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        super().__init__(**settings)
