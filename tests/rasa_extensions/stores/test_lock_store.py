"""A message waiting behind a crashed server's lock gets its turn instead of an error."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockError, RedisLockStore

from rasa_extensions.stores.lock_store import PatientRedisLockStore, PatientWaiting

ROOT = Path(__file__).resolve().parents[3]


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

    config = EndpointConfig(url="redis.internal", type="rasa_extensions.stores.lock_store.PatientRedisLockStore",
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


# --- against a real Redis server: two servers issuing tickets for one conversation at the same moment -------------

@pytest.fixture(scope="module")
def redis_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A throwaway Redis on loopback, started (and installed when missing) by scripts/services.sh."""
    folder = tmp_path_factory.mktemp("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services = [str(ROOT / "scripts" / "services.sh")]
    subprocess.run([*services, "start", str(folder), "redis"], check=True, capture_output=True, timeout=900,
                   env={**os.environ, "REDIS_PORT": str(port)})
    pairs = (line.split("=", 1) for line in (folder / "env").read_text().splitlines() if "=" in line)
    env = {key: value for key, value in pairs}
    try:
        yield {"host": env["REDIS_HOST"], "port": int(env["REDIS_PORT"]), "password": env["REDIS_PASSWORD"],
               "db": int(env["REDIS_DB"]), "key_prefix": "locktest"}
    finally:
        subprocess.run([*services, "stop", str(folder), "redis"], capture_output=True, timeout=120)


def fresh_conversation() -> str:
    return f"client{uuid.uuid4().hex}"


def test_rasas_redis_store_can_give_two_servers_the_same_ticket(redis_settings: dict[str, Any]) -> None:
    # Why the store is replaced: server a reads "no lock", server b issues its ticket, a writes its lock.
    a, b = RedisLockStore(**redis_settings), RedisLockStore(**redis_settings)
    conversation = fresh_conversation()
    lock = a.get_or_create_lock(conversation)
    b_ticket = b.issue_ticket(conversation)
    a_ticket = lock.issue_ticket(60)
    a.save_lock(lock)
    assert a_ticket == b_ticket == 0


def test_a_ticket_issued_meanwhile_makes_the_change_start_again(redis_settings: dict[str, Any]) -> None:
    a, b = PatientRedisLockStore(**redis_settings), PatientRedisLockStore(**redis_settings)
    conversation = fresh_conversation()
    interrupted = []
    issue_for_a = a.change_lock

    def change_with_b_in_between(conversation_id: str, change: Any) -> Any:
        def interleaved(lock: Any) -> Any:
            if not interrupted:  # the same interleaving as above, once
                interrupted.append(b.issue_ticket(conversation_id))
            return change(lock)
        return issue_for_a(conversation_id, interleaved)

    a.change_lock = change_with_b_in_between  # type: ignore[method-assign]
    a_ticket = a.issue_ticket(conversation)
    assert interrupted == [0]
    assert a_ticket == 1
    assert [ticket.number for ticket in a.get_lock(conversation).tickets] == [0, 1]


def test_returning_the_last_ticket_deletes_the_lock(redis_settings: dict[str, Any]) -> None:
    store = PatientRedisLockStore(**redis_settings)
    conversation = fresh_conversation()
    first, second = store.issue_ticket(conversation), store.issue_ticket(conversation)
    store.cleanup(conversation, first)
    assert [ticket.number for ticket in store.get_lock(conversation).tickets] == [second]
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None
    assert not store.red.exists(store.key_prefix + conversation)


def test_a_waiter_renews_its_ticket_in_redis(redis_settings: dict[str, Any]) -> None:
    store = PatientRedisLockStore(**redis_settings, lock_lifetime=5)
    conversation = fresh_conversation()
    store.issue_ticket(conversation, lock_lifetime=0.2)  # a dead server's, about to expire
    waiting = store.issue_ticket(conversation, lock_lifetime=0.2)
    time.sleep(0.3)
    store.keep_waiting(conversation, waiting)
    tickets = store.get_lock(conversation).tickets
    assert [ticket.number for ticket in tickets] == [waiting]
    assert tickets[0].expires > time.time() + 4


def test_messages_of_one_conversation_on_two_servers_never_overlap(redis_settings: dict[str, Any]) -> None:
    """Two servers (two stores, two threads with their own event loops), many conversations, bursts at once."""
    servers = [PatientRedisLockStore(**redis_settings) for _ in range(2)]
    conversations = [fresh_conversation() for _ in range(30)]
    holding: dict[str, int] = {conversation: 0 for conversation in conversations}
    overlaps: list[str] = []
    served: list[str] = []
    guard = threading.Lock()
    start = threading.Barrier(2)

    def server(store: PatientRedisLockStore) -> None:
        async def message(conversation: str) -> None:
            async with store.lock(conversation, wait_time_in_seconds=0.01):
                with guard:
                    holding[conversation] += 1
                    if holding[conversation] > 1:
                        overlaps.append(conversation)
                await asyncio.sleep(0.005)
                with guard:
                    holding[conversation] -= 1
                    served.append(conversation)

        async def burst() -> None:
            start.wait()
            await asyncio.gather(*(message(conversation) for conversation in conversations for _ in range(2)))

        asyncio.run(burst())

    threads = [threading.Thread(target=server, args=(store,)) for store in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(served) == 4 * len(conversations)
    assert not overlaps
    assert all(servers[0].get_lock(conversation) is None for conversation in conversations)
