"""The SQL store: forgetting, and a database failure that is neither hidden nor logged with client text."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.tracker_store import ConversationStoreUnavailable, ForgetfulSQLTrackerStore

SECRET = "my name is Quentin Marlowe and my bladder"


@pytest.fixture()
def store(tmp_path: Path) -> ForgetfulSQLTrackerStore:
    return ForgetfulSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))


def conversation(*events: object) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("client-1", [UserUttered(SECRET), *events])


def test_conversations_are_kept_and_forgotten_on_request(store: ForgetfulSQLTrackerStore) -> None:
    asyncio.run(store.save(conversation()))
    assert asyncio.run(store.retrieve("client-1")) is not None
    asyncio.run(store.save(conversation(ActionExecuted("action_forget_me"))))
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from events")).scalar() == 0


def test_a_broken_database_is_reported_past_rasas_fail_safe_without_client_text(
        store: ForgetfulSQLTrackerStore, caplog: pytest.LogCaptureFixture) -> None:
    asyncio.run(store.save(conversation()))
    with store.engine.begin() as connection:
        connection.execute(sa.text("drop table events"))
    fail_safe = FailSafeTrackerStore(store)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(ConversationStoreUnavailable):
            asyncio.run(fail_safe.retrieve("client-1"))
        with pytest.raises(ConversationStoreUnavailable):
            asyncio.run(fail_safe.save(conversation()))
    assert "OperationalError" in caplog.text
    assert "Quentin" not in caplog.text and "INSERT" not in caplog.text


def test_pooled_connections_are_checked_before_use(store: ForgetfulSQLTrackerStore) -> None:
    assert store.engine.pool._pre_ping


def test_sqlite_keeps_its_connection_and_writes_ahead(store: ForgetfulSQLTrackerStore, tmp_path: Path) -> None:
    opened = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    for _ in range(3):
        asyncio.run(store.save(conversation()))
        assert asyncio.run(store.retrieve("client-1")) is not None
    assert len(opened) <= 1
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("pragma secure_delete")).scalar() == 1
    with sqlite3.connect(tmp_path / "c.db") as other:
        assert other.execute("pragma journal_mode").fetchone()[0] == "wal"
        # What one connection committed, another process reads at once.
        assert other.execute("select count(*) from events").fetchone()[0] > 0


def test_conversations_read_back_exactly_as_rasa_reads_them(store: ForgetfulSQLTrackerStore) -> None:
    store.domain = Domain.from_yaml("slots:\n  pain_score:\n    type: text\n    mappings: [{type: custom}]")
    first = [ActionExecuted("action_session_start"), SessionStarted(), UserUttered("hi", {"name": "greet"}),
             SlotSet("pain_score", "6"), ActionExecuted("action_listen")]
    second = [ActionExecuted("action_session_start"), SessionStarted(), UserUttered("again", {"name": "greet"})]
    tracker = DialogueStateTracker.from_events("client-2", first, store.domain.slots)
    asyncio.run(store.save(tracker))
    for event in second:
        event.timestamp = time.time() + 1
        tracker.update(event)
    asyncio.run(store.save(tracker))
    for everything in (False, True):
        ours = asyncio.run(store._retrieve("client-2", everything))
        rasas = asyncio.run(SQLTrackerStore._retrieve(store, "client-2", everything))
        assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]
        assert ours.current_slot_values() == rasas.current_slot_values()
        said = [e.text for e in ours.events if isinstance(e, UserUttered)]
        assert said == (["hi", "again"] if everything else ["again"])
    assert asyncio.run(store.retrieve("nobody")) is None
