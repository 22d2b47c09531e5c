"""Build rasa-sdk trackers and dispatchers the way the action server would."""

from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.clinic import load_clinic

REPO_ROOT = Path(__file__).resolve().parents[2]


def user_event(text, intent="describe_pain", entities=(), channel="rest", confidence=0.95):
    return {"event": "user", "text": text, "input_channel": channel,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": list(entities),
                           "text": text}}


def entity(text, phrase, kind, value, role=None):
    start = text.index(phrase)
    found = {"entity": kind, "value": value, "start": start, "end": start + len(phrase), "extractor": "DIETClassifier"}
    if role:
        found["role"] = role
    return found


def make_tracker(slots=None, events=(), sender_id="test-user", active_loop=None):
    """A tracker whose latest message is the last user event (or empty)."""
    events = list(events)
    users = [e for e in events if e.get("event") == "user"]
    latest = {"intent": {}, "entities": [], "text": None}
    if users:
        # Rasa sends the whole parse result of the last message as latest_message.
        latest = {**users[-1]["parse_data"], "text": users[-1]["text"]}
    return Tracker(sender_id=sender_id, slots=dict(slots or {}), latest_message=latest, events=events,
                   paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def shipped_clinic():
    return load_clinic(REPO_ROOT / "clinic.yml")


def texts(dispatcher):
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def all_text(dispatcher):
    return "\n".join(texts(dispatcher))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture(scope="session")
def h():
    """The helpers above, for test modules (conftest modules cannot be imported reliably)."""
    from types import SimpleNamespace

    return SimpleNamespace(user_event=user_event, entity=entity, tracker=make_tracker, texts=texts,
                           all_text=all_text, slot_events=slot_events)
