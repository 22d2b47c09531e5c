"""A message waiting behind a crashed server's lock gets its turn instead of an error."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockError

from rasa_extensions.lock_store import PatientRedisLockStore, PatientWaiting


class PatientMemoryLockStore(PatientWaiting, InMemoryLockStore):
    pass


def wait_behind_a_dead_holder(store: InMemoryLockStore) -> float:
    """A holder that never releases (its server died), and a waiter whose ticket would expire first."""
    store.issue_ticket("client", lock_lifetime=1.0)  # the dead server's ticket
    waiting = store.issue_ticket("client", lock_lifetime=0.5)

    async def acquire() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(store._acquire_lock("client", waiting, wait_time_in_seconds=0.1), timeout=4)
        return loop.time() - started

    return asyncio.run(acquire())


def test_rasas_own_store_never_serves_the_waiting_message() -> None:
    # Its ticket expires with (or before) the dead one: an error, or a wait that never ends.
    with pytest.raises((LockError, asyncio.TimeoutError)):
        wait_behind_a_dead_holder(InMemoryLockStore())


def test_the_patient_store_waits_until_the_dead_ticket_expires() -> None:
    waited = wait_behind_a_dead_holder(PatientMemoryLockStore())
    assert 0.8 <= waited < 3


def test_the_redis_store_is_the_patient_kind() -> None:
    assert issubclass(PatientRedisLockStore, PatientWaiting)


def test_built_from_the_endpoints_file_settings() -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="redis.internal", type="rasa_extensions.lock_store.PatientRedisLockStore",
                            port=6380, db=2, key_prefix="backpain", socket_timeout=3, lock_lifetime=25)
    store = LockStore.create(config)
    assert isinstance(store, PatientRedisLockStore)
    assert store.lifetime == 25
    assert store.red.connection_pool.connection_kwargs["host"] == "redis.internal"
    assert store.red.connection_pool.connection_kwargs["port"] == 6380


def test_tickets_get_the_stores_lifetime() -> None:
    store = PatientMemoryLockStore()
    store.lifetime = 7

    async def hold() -> float:
        async with store.lock("client") as lock:
            return lock.tickets[0].expires - time.time()

    assert 6 < asyncio.run(hold()) <= 7
