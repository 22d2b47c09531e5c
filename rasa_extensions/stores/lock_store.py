"""Redis lock store whose tickets are issued atomically and whose waiting messages outlive a crashed server's locks.

Two faults of Rasa 3.6's Redis lock store, both measured in
``tests/e2e/test_production.py``:

- **Two messages could both get the first ticket.** Rasa issues a ticket by reading
  the lock from Redis, adding a ticket in Python and writing the lock back. When two
  servers do that for the same conversation at the same moment (a client's burst
  reaching both replicas), both read "no lock", both write a lock holding ticket 0,
  and both messages are processed at once: the second save then drops events of the
  first (a client's opening message vanished from the stored conversation). Here
  every change to a lock (issuing, renewing, returning a ticket) is one Redis
  transaction (``WATCH``/``MULTI``/``EXEC``), retried when another server changed
  the lock in between; an emptied lock is deleted in the same transaction.
- **A waiting message failed when a crashed server's ticket expired.** Rasa
  serialises a conversation's messages with tickets that expire after 60 s. When a
  Rasa server dies while handling a message, its ticket stays in Redis until it
  expires, and a message arriving at another server waits. But the waiting message's
  own ticket was issued moments later with the same lifetime, so it usually expires
  in the same second as the dead one, and the client gets an error after a minute's
  wait. Here a waiting message renews its own ticket every time it checks the lock,
  so only the tickets of messages nobody is waiting on any more (a dead server's)
  expire.

The lifetime is a setting of its own (``lock_lifetime``, default 30 s): it must be
longer than the slowest message (about 10 s under heavy load here) and well below
the 60 s after which the web server (Sanic, without Rasa's HTTP API) cancels a
request, or a client waiting behind a crashed server's lock would be cut off.
Select it in the endpoints file with ``type: rasa_extensions.stores.lock_store.PatientRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_LOCK_LIFETIME_S = 30.0

Value = TypeVar("Value")
# Given the stored lock (None when there is none), change it in place and return
# (the lock to store, or None to leave the store as it is; a value for the caller).
LockChange = Callable[[TicketLock | None], tuple[TicketLock | None, Value]]


class PatientWaiting(LockStore):
    """Every change to a lock goes through ``change_lock``; waiting keeps the waiter's ticket alive.

    Mixed into a concrete lock store. ``change_lock`` here is the plain read-change-write
    (enough inside one process, where nothing runs between the read and the write); the
    Redis store makes it one transaction.
    """

    lifetime = DEFAULT_LOCK_LIFETIME_S

    def change_lock(self, conversation_id: str, change: LockChange[Value]) -> Value:
        lock, value = change(self.get_lock(conversation_id))
        if lock is not None:
            if lock.tickets:
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
        return value

    def lock(self, conversation_id: str, lock_lifetime: float | None = None,
             wait_time_in_seconds: float = 1) -> AbstractAsyncContextManager[TicketLock]:
        # Rasa's processor never passes a lifetime; the store's own setting applies.
        return super().lock(conversation_id, lock_lifetime or self.lifetime, wait_time_in_seconds)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = DEFAULT_LOCK_LIFETIME_S) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self.change_lock(conversation_id, issue)
        except Exception as error:  # Rasa's contract: any failure to get a ticket is a LockError
            raise LockError(f"Error while acquiring lock ({type(error).__name__}).") from error

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
        """Renew the waiter's own ticket and drop the expired ones (a dead server's)."""
        def renew(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                for waiting in lock.tickets:
                    if waiting.number == ticket:
                        waiting.expires = max(waiting.expires, time.time() + self.lifetime)
                lock.remove_expired_tickets()
            return lock, None

        self.change_lock(conversation_id, renew)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self.change_lock(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def hand_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self.change_lock(conversation_id, hand_back)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Returning the ticket deletes the lock when nobody else holds one, in the same change.
        self.finish_serving(conversation_id, ticket_number)


class PatientRedisLockStore(PatientWaiting, RedisLockStore):
    """Rasa's Redis lock store (same settings), with atomic changes and waiting tickets kept alive."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        # Rasa builds a lock store named by module path from the endpoint's settings object.
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        self.lifetime = float(settings.pop("lock_lifetime", DEFAULT_LOCK_LIFETIME_S))
        super().__init__(**settings)

    def change_lock(self, conversation_id: str, change: LockChange[Value]) -> Value:
        """Read, change and write the lock in one transaction, again from the start if someone changed it meanwhile."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Value:
            stored = pipe.get(key)  # the key is watched: an EXEC after another write fails and retries
            lock, value = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock is not None:
                if lock.tickets:
                    pipe.set(key, lock.dumps())
                else:
                    pipe.delete(key)
            return value

        return self.red.transaction(attempt, key, value_from_callable=True)
