"""Build rasa-sdk trackers and dispatchers the way the action server would.

Helpers reach the test modules through the ``h`` fixture, because conftest modules
cannot be imported reliably; whatever several modules share lives here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.assessment_form import ActionFinishAssessment
from bot.clinic import Clinic, load_clinic

REPO_ROOT = Path(__file__).resolve().parents[2]

# A quadratus lumborum picture: what the client said, and the slots the form filled.
QL_TEXT = "it hurts on the left side of my lower back when i lean over the sink, and it goes into spasm"
QL_SLOTS: Mapping[str, Any] = MappingProxyType({
    "consent": True, "red_flags": [], "pain_location": ["low_back_one_side"], "activities": ["lifting"],
    "pain_score": "4", "pain_duration": "3 weeks", "inflammation": "no", "requested_slot": None})


def user_event(text: str, intent: str = "describe_pain", entities: Iterable[dict[str, Any]] = (),
               channel: str = "rest", confidence: float = 0.95) -> dict[str, Any]:
    """A user event as Rasa stores it: the parse result travels with the text."""
    return {"event": "user", "text": text, "input_channel": channel,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": list(entities),
                           "text": text}}


def entity(text: str, phrase: str, kind: str, value: str, role: str | None = None) -> dict[str, Any]:
    """An extracted entity over ``phrase`` in ``text``, with the offsets the client's own words are cut from."""
    start = text.index(phrase)
    found = {"entity": kind, "value": value, "start": start, "end": start + len(phrase), "extractor": "DIETClassifier"}
    if role:
        found["role"] = role
    return found


def make_tracker(slots: Mapping[str, Any] | None = None, events: Iterable[dict[str, Any]] = (),
                 sender_id: str = "test-user", active_loop: str | None = None) -> Tracker:
    """A tracker whose latest message is the last user event (or empty)."""
    events = list(events)
    users = [e for e in events if e.get("event") == "user"]
    latest: dict[str, Any] = {"intent": {}, "entities": [], "text": None}
    if users:
        # Rasa sends the whole parse result of the last message as latest_message.
        latest = {**users[-1]["parse_data"], "text": users[-1]["text"]}
    return Tracker(sender_id=sender_id, slots=dict(slots or {}), latest_message=latest, events=events,
                   paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """The text of every message sent, in order (payload-only messages have none)."""
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def all_text(dispatcher: CollectingDispatcher) -> str:
    """Every text sent, as one string, for checks on what the client read at all."""
    return "\n".join(texts(dispatcher))


def slot_events(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The slots an action sets, by name (the last value wins, as in Rasa)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def finish(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Run action_finish_assessment as the action server would."""
    return ActionFinishAssessment().run(dispatcher, tracker, {})


def assessment_of(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The one assessment result an action stored in the ``assessment`` slot."""
    [result] = [value for name, value in slot_events(events).items() if name == "assessment"]
    return result


def payloads(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """The custom (JSON) payloads sent: what the web widget draws as a card."""
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """A fresh dispatcher per test, so each test sees only its own messages."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def shipped_clinic() -> Clinic:
    """The clinic.yml the repository ships, which has no contact details filled in."""
    return load_clinic(REPO_ROOT / "clinic.yml")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The Rasa domain as shipped: the actions, intents and form the assistant is trained with."""
    return yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def intents(domain: dict[str, Any]) -> set[str]:
    """The intents Rasa knows: a button payload naming any other is never understood."""
    return set(domain["intents"])


@pytest.fixture(scope="session")
def registry() -> dict[str, Callable[..., Any]]:
    """The actions the action server would register from the ``actions`` package."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


@pytest.fixture
def ql_events(h: SimpleNamespace) -> list[dict[str, Any]]:
    """One message that names a place, an activity and a symptom, with the client's own words."""
    t = QL_TEXT
    return [h.user_event(t, entities=[h.entity(t, "left side of my lower back", "pain_location", "low_back_one_side"),
                                      h.entity(t, "lean over the sink", "activity", "leaning_over"),
                                      h.entity(t, "spasm", "symptom", "spasm")])]


@pytest.fixture(scope="session")
def h() -> SimpleNamespace:
    """The helpers above, for test modules (conftest modules cannot be imported reliably)."""
    return SimpleNamespace(user_event=user_event, entity=entity, tracker=make_tracker, texts=texts,
                           all_text=all_text, slot_events=slot_events, finish=finish, assessment_of=assessment_of,
                           payloads=payloads, QL_TEXT=QL_TEXT, QL_SLOTS=QL_SLOTS)
