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

from rasa_extensions.stores.tracker_store import ConversationStoreUnavailable, ForgetfulSQLTrackerStore

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


# The conversation kept warm between two messages of a client (rasa_extensions/stores/warm_conversations.py).

SLOTS = "slots:\n  pain_score:\n    type: text\n    mappings: [{type: custom}]"


def a_turn(tracker: DialogueStateTracker, text: str) -> None:
    """What the processor does with a conversation during one message."""
    for event in (UserUttered(text, {"name": "inform"}), SlotSet("pain_score", text),
                  ActionExecuted("utter_thanks"), ActionExecuted("action_listen")):
        tracker.update(event)


def started(store: ForgetfulSQLTrackerStore, sender: str) -> DialogueStateTracker:
    """A conversation with its first message saved, then read back as the next message does."""
    store.domain = Domain.from_yaml(SLOTS)
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        store.domain.slots)
    a_turn(tracker, "first")
    asyncio.run(store.save(tracker))
    return asyncio.run(store.retrieve(sender))


def from_database(store: ForgetfulSQLTrackerStore, sender: str) -> list[dict]:
    tracker = asyncio.run(SQLTrackerStore._retrieve(store, sender, False))
    return [event.as_dict() for event in tracker.events]


def test_the_next_message_gets_the_saved_conversation_itself_equal_to_the_database(
        store: ForgetfulSQLTrackerStore) -> None:
    tracker = started(store, "warm")
    for text in ("second", "third"):
        a_turn(tracker, text)
        asyncio.run(store.save(tracker))
        again = asyncio.run(store.retrieve("warm"))
        assert again is tracker
        assert [event.as_dict() for event in again.events] == from_database(store, "warm")
        assert again.get_slot("pain_score") == text


def test_rows_written_for_a_warm_conversation_are_the_rows_rasa_writes(store: ForgetfulSQLTrackerStore,
                                                                        tmp_path: Path) -> None:
    rasas = SQLTrackerStore(Domain.from_yaml(SLOTS), dialect="sqlite", db=str(tmp_path / "rasa.db"))
    ours = started(store, "rows")
    asyncio.run(rasas.save(DialogueStateTracker.from_events("rows", list(ours.events), rasas.domain.slots)))
    theirs = asyncio.run(rasas.retrieve("rows"))
    turn = [UserUttered("second", {"name": "inform"}), SlotSet("pain_score", "2"), ActionExecuted("action_listen")]
    for event in turn:
        ours.update(event)
        theirs.update(event)
    asyncio.run(store.save(ours))
    asyncio.run(rasas.save(theirs))
    assert asyncio.run(store.retrieve("rows")) is ours  # written by the warm path
    query = sa.text("select sender_id, type_name, timestamp, intent_name, action_name, data from events order by id")
    with store.engine.connect() as our_rows, rasas.engine.connect() as their_rows:
        written = our_rows.execute(query).all()[-len(turn):]
        assert written == their_rows.execute(query).all()[-len(turn):]
        assert [row.type_name for row in written] == ["user", "slot", "action"]


def test_a_message_answered_by_another_server_is_read_from_the_database(store: ForgetfulSQLTrackerStore,
                                                                        tmp_path: Path) -> None:
    tracker = started(store, "two-servers")
    a_turn(tracker, "second")
    asyncio.run(store.save(tracker))
    other = ForgetfulSQLTrackerStore(store.domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    elsewhere = asyncio.run(other.retrieve("two-servers"))
    a_turn(elsewhere, "answered elsewhere")
    asyncio.run(other.save(elsewhere))
    here = asyncio.run(store.retrieve("two-servers"))
    assert here is not tracker
    assert here.get_slot("pain_score") == "answered elsewhere"
    assert [event.as_dict() for event in here.events] == from_database(store, "two-servers")


def test_a_turn_that_failed_before_saving_leaves_nothing_behind(store: ForgetfulSQLTrackerStore) -> None:
    tracker = started(store, "failed")
    a_turn(tracker, "never saved")
    again = asyncio.run(store.retrieve("failed"))
    assert again is not tracker and again.get_slot("pain_score") == "first"
    # Saved afterwards by the failed turn all the same, it is written but not kept warm.
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("failed")) is not tracker


def test_a_conversation_is_lent_to_one_message_at_a_time(store: ForgetfulSQLTrackerStore) -> None:
    tracker = started(store, "lent")
    a_turn(tracker, "second")
    asyncio.run(store.save(tracker))
    first_reader = asyncio.run(store.retrieve("lent"))
    second_reader = asyncio.run(store.retrieve("lent"))
    assert first_reader is tracker and second_reader is not tracker
    assert [e.as_dict() for e in second_reader.events] == [e.as_dict() for e in first_reader.events]


def test_a_forgotten_conversation_is_not_kept_in_memory(store: ForgetfulSQLTrackerStore) -> None:
    tracker = started(store, "forget")
    a_turn(tracker, "second")
    asyncio.run(store.save(tracker))
    tracker = asyncio.run(store.retrieve("forget"))
    tracker.update(ActionExecuted("action_forget_me"))
    asyncio.run(store.save(tracker))
    assert len(store.warm) == 0
    assert asyncio.run(store.retrieve("forget")) is None


def test_a_new_session_is_read_back_from_the_database(store: ForgetfulSQLTrackerStore) -> None:
    tracker = started(store, "session")
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        event.timestamp = time.time() + 1
        tracker.update(event)
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("session"))
    assert again is not tracker
    assert [event.as_dict() for event in again.events] == from_database(store, "session")
