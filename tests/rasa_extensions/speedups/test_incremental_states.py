"""Kept, incrementally replayed states equal Rasa's own, event after event.

Each conversation is grown one event at a time, as a live tracker grows; after every
event each way of asking the policies use is compared with Rasa's computation from
scratch, and the states handed out are then edited the way Rasa's featurizers edit
them, so a kept state that leaked would show up in the next comparison.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.recently_used import IDLE_S, RecentlyUsed
from rasa_extensions.speedups import incremental_states

ROOT = Path(__file__).resolve().parents[3]
FORM = "assessment_form"
ASKS = [  # (how the policies ask) omit_unset_slots, ignore_rule_only_turns, rule_only_data
    (False, False, None),
    (False, True, {"rule_only_slots": ["requested_slot"], "rule_only_loops": []}),
    (True, True, {"rule_only_slots": [], "rule_only_loops": [FORM]}),
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def said(intent: str, text: str, entities: list[dict] | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, entities or [])


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def form_turn(slot: str, value: object, asked: str, intent: str = "inform") -> list[Event]:
    """A client answers a form question: the form runs again, fills the slot, asks the next one."""
    return [said(intent, f"answer {value}"), ActionExecuted(FORM), SlotSet(slot, value),
            SlotSet("requested_slot", asked), BotUttered(f"question about {asked}"), ActiveLoop(FORM), listen()]


def assessment() -> list[Event]:
    """A live assessment: form start, happy-path steps, an FAQ detour (unhappy path), the result, FAQs."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted(), listen(), said("greet", "hi"),
                           ActionExecuted(FORM), ActiveLoop(FORM), SlotSet("requested_slot", "consent"),
                           BotUttered("may we start?"), listen()]
    events += form_turn("consent", True, "red_flags", "affirm")
    events += form_turn("red_flags", [], "pain_location", "deny")
    events += [said("faq/sessions", "how many sessions"), ActionExecuted("utter_faq", hide_rule_turn=True),
               BotUttered("about four"), ActionExecuted(FORM, hide_rule_turn=True),
               SlotSet("requested_slot", "pain_location"), BotUttered("where?"), listen()]
    events += form_turn("pain_location", "lower back", "pain_score")
    events += [said("inform", "6"), ActionExecuted(FORM), SlotSet("pain_score", 6.0), ActiveLoop(None),
               SlotSet("requested_slot", None), ActionExecuted("action_finish_assessment"), BotUttered("result"),
               listen()]
    for question in range(6):
        events += [said("faq/x", f"question {question}"), ActionExecuted("utter_faq"), BotUttered("answer"),
                   listen()]
    return events


def history_rewrites() -> list[Event]:
    """Undo, rewind, restart and a new session in the middle of a conversation."""
    events = assessment()[:30]
    events += [said("affirm", "yes"), ActionExecuted("utter_faq"), ActionReverted(), listen()]
    events += [said("deny", "no"), UserUtteranceReverted(), said("greet", "hello again"),
               ActionExecuted("utter_greet"), listen()]
    events += [said("restart", "/restart"), ActionExecuted("action_restart"), Restarted(), listen()]
    events += assessment()[:20]
    events += [ActionExecuted("action_session_start"), SessionStarted(), listen(), said("greet", "hi")]
    return events


def grow(events: list[Event], sender: str, domain: Domain) -> Iterator[DialogueStateTracker]:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
        yield tracker


def edit_like_rasa(states: list[dict]) -> None:
    """What Rasa's featurizer does to the states it is given (it edits them in place)."""
    featurizer = MaxHistoryTrackerFeaturizer(max_history=4)
    featurizer._choose_last_user_input([states], use_text_for_last_user_input=True)


def own(domain: Domain, tracker: DialogueStateTracker, omit: bool, ignore: bool, rule_only: dict | None) -> list:
    rasas = incremental_states.rasa_own_states_for_tracker_history
    return rasas(domain, tracker, omit, ignore, copy.deepcopy(rule_only))


@pytest.mark.parametrize("conversation", [assessment, history_rewrites])
def test_states_equal_rasas_after_every_event(domain, conversation):
    events = conversation()
    for tracker in grow(events, f"grown-{conversation.__name__}", domain):
        for omit, ignore, rule_only in ASKS:
            expected = own(domain, tracker, omit, ignore, rule_only)
            got = domain.states_for_tracker_history(tracker, omit, ignore, rule_only)
            assert got == expected, f"after {len(tracker.events)} events, asked {omit, ignore, rule_only}"
            edit_like_rasa(got)


def test_the_change_is_in_use_and_kept_states_are_reused(domain):
    assert Domain.states_for_tracker_history is incremental_states.states_for_tracker_history
    tracker = DialogueStateTracker("reuse", domain.slots)
    for event in assessment():
        tracker.update(event)
    domain.states_for_tracker_history(tracker)
    kept = incremental_states._kept.get(("reuse", False, False, None))
    replay = kept.replay
    tracker.update(said("faq/x", "one more"))
    tracker.update(ActionExecuted("utter_faq"))
    assert domain.states_for_tracker_history(tracker) == own(domain, tracker, False, False, None)
    assert incremental_states._kept.get(("reuse", False, False, None)).replay is replay  # carried on, not redone


def test_a_copied_tracker_is_computed_afresh_and_right(domain):
    tracker = DialogueStateTracker("copied", domain.slots)
    for event in assessment():
        tracker.update(event)
    domain.states_for_tracker_history(tracker)
    twin = tracker.copy()
    twin.update(said("greet", "hi again"))
    assert domain.states_for_tracker_history(twin) == own(domain, twin, False, False, None)
    assert domain.states_for_tracker_history(tracker) == own(domain, tracker, False, False, None)


def test_rule_trackers_from_training_are_not_kept(domain):
    tracker = DialogueStateTracker("a rule", domain.slots, is_rule_tracker=True)
    for event in assessment()[:12]:
        tracker.update(event)
    assert domain.states_for_tracker_history(tracker) == own(domain, tracker, False, False, None)
    assert not [key for key in incremental_states._kept if key[0] == "a rule"]


def test_forgetting_drops_the_conversation(domain):
    tracker = DialogueStateTracker("forget-me", domain.slots)
    for event in assessment()[:10]:
        tracker.update(event)
    for omit, ignore, rule_only in ASKS:
        domain.states_for_tracker_history(tracker, omit, ignore, rule_only)
    assert [key for key in incremental_states._kept if key[0] == "forget-me"]
    incremental_states.forget("forget-me")
    assert not [key for key in incremental_states._kept if key[0] == "forget-me"]


def test_at_most_the_set_number_of_conversations_is_kept(domain, monkeypatch):
    monkeypatch.setattr(incremental_states, "_kept", RecentlyUsed(capacity=3))
    for number in range(6):
        tracker = DialogueStateTracker(f"many-{number}", domain.slots)
        tracker.update(said("greet", "hi"))
        domain.states_for_tracker_history(tracker)
    assert len(incremental_states._kept) <= 3
    assert ("many-5", False, False, None) in incremental_states._kept


def test_conversations_idle_for_too_long_are_dropped(domain, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(incremental_states, "_kept", RecentlyUsed(clock=lambda: now[0]))
    for sender, after in (("idle", IDLE_S + 1), ("active", 0)):
        tracker = DialogueStateTracker(sender, domain.slots)
        tracker.update(said("greet", "hi"))
        domain.states_for_tracker_history(tracker)
        now[0] += after
    assert ("idle", False, False, None) not in incremental_states._kept
    assert ("active", False, False, None) in incremental_states._kept
