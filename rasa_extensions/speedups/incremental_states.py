"""Dialogue states computed once per event, not once per event per prediction.

Before each prediction, Rasa 3.6's rule and memoization policies turn the whole
conversation into a list of states (``Domain.states_for_tracker_history``): they
replay every event of the conversation onto an empty tracker and describe it at each
action. That runs five times a turn here, so a turn's cost grew with the length of
the conversation (at turn 40, 7 of its ms; bench/RESULTS.md).

A conversation only grows at its end, so this keeps, per conversation and per way of
asking, where the last replay stopped: the events already seen, the states already
made and the replayed tracker. A call whose conversation starts with exactly those
event objects replays only the new events. Anything else (a restart, a new session,
an undo, a form step that rewrites earlier history, a copied tracker) is computed
from the start, as Rasa does. The states handed out are copies, so callers that edit
them (Rasa's featurizers do) cannot change the kept ones; copies keep Rasa's sharing
of sub-states between neighbouring states, so the edits have the same effect.

What is kept is the client's conversation, in memory only, within the limits of
``recently_used`` (256 conversations, 15 minutes after the last use); a
conversation the client asks to forget is dropped at once (``forget``).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.recently_used import RecentlyUsed, when_forgotten
from rasa_extensions.speedups.patch import Patch

rasa_own_states_for_tracker_history = Domain.states_for_tracker_history
_RESETS_HISTORY = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)


@dataclass
class _Running:
    """The two values Rasa's loop carries from one action to the next when it hides rule-only turns."""

    last_ml_action: SubState | None = None
    turn_was_hidden: bool = False


@dataclass
class _Progress:
    """How far one conversation has been replayed, for one way of asking."""

    domain: Domain
    events: list[Event]  # the tracker's events that have been read
    loop_names: frozenset[str]  # the forms named in them (Rasa's undo rule depends on it)
    applied: list[Event]  # what Rasa's ``applied_events`` makes of them
    replay: DialogueStateTracker  # an empty tracker with ``applied`` replayed on it
    states: list[State]  # one per action in ``applied``, as Rasa makes them
    running: _Running


_kept: RecentlyUsed[_Progress] = RecentlyUsed()
_lock = threading.Lock()


def _frozen(value: Any) -> Hashable:
    """A hashable stand-in for the rule-only data (a dict of lists of names)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(_frozen(item) for item in value))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


def _loop_names(events: Sequence[Event]) -> frozenset[str]:
    return frozenset(event.name for event in events if isinstance(event, ActiveLoop) and event.name)


def _starts_with(events: Sequence[Event], prefix: Sequence[Event]) -> bool:
    """Whether ``events`` begins with the very objects of ``prefix`` (equal is not enough)."""
    return len(events) >= len(prefix) and all(new is old for new, old in zip(events, prefix, strict=False))


def _applied_after(progress: _Progress, tracker: DialogueStateTracker, events: list[Event]) -> list[Event] | None:
    """``tracker.applied_events()``, worked out from the new events only; None when that is not exact.

    Rasa's rule is a left fold over the events whose only outside input is the set of
    form names, so carrying on from the kept result is exact while that set is
    unchanged and the kept events come first, untouched.
    """
    seen = progress.events
    if not _starts_with(events, seen):
        return None
    new_events = events[len(seen):]
    if not new_events:
        return progress.applied
    if any(isinstance(event, _RESETS_HISTORY) for event in new_events):
        return None
    if _loop_names(new_events) - progress.loop_names:
        return None
    applied = list(progress.applied)
    for event in new_events:
        if (isinstance(event, ActionExecuted) and event.action_name in progress.loop_names
                and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    # None when a form step rewrote history that has already been replayed.
    return applied if _starts_with(applied, progress.applied) else None


class _Describer:
    """Rasa's per-action step of ``states_for_tracker_history``, with its two running values."""

    def __init__(self, domain: Domain, omit_unset_slots: bool, ignore_rule_only_turns: bool,
                 rule_only_data: dict[str, Any] | None) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data

    def state(self, tracker: DialogueStateTracker, hide_rule_turn: bool, running: _Running,
              previous: State | None) -> State | None:
        """The state of ``tracker``, or None for a rule-only turn; updates the running values."""
        domain = self.domain
        if self.ignore_rule_only_turns:
            if not running.turn_was_hidden:
                running.last_ml_action = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
                running.turn_was_hidden = hide_rule_turn
            if running.turn_was_hidden:
                return None
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if previous is not None:
                domain._substitute_rule_only_user_input(state, previous)
            if running.last_ml_action:
                state[PREVIOUS_ACTION] = running.last_ml_action
        return domain._clean_state(state)


def _replay(describer: _Describer, progress: _Progress, new_applied: list[Event]) -> None:
    for event in new_applied:
        if isinstance(event, ActionExecuted):
            state = describer.state(progress.replay, event.hide_rule_turn, progress.running,
                                    progress.states[-1] if progress.states else None)
            if state is not None:
                progress.states.append(state)
        progress.replay.update(event)


def _copies(states: list[State]) -> tuple[list[State], dict[int, Any]]:
    """Copies of the states in which sub-states shared in the originals are shared alike."""
    copied: dict[int, Any] = {}

    def sub(value: Any) -> Any:
        found = copied.get(id(value))
        if found is None:
            found = copied[id(value)] = dict(value)
        return found

    return [{kind: sub(value) for kind, value in state.items()} for state in states], copied


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """Same states as Rasa's, replaying only the events not seen before."""
    if tracker.is_rule_tracker:  # training data: each tracker is seen once
        return rasa_own_states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                   rule_only_data)
    key = (tracker.sender_id, omit_unset_slots, ignore_rule_only_turns, _frozen(rule_only_data))
    describer = _Describer(self, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    events = list(tracker.events)
    with _lock:
        progress = _kept.get(key)
        applied = None
        if progress is not None and progress.domain is self:
            applied = _applied_after(progress, tracker, events)
        if applied is None:
            progress = _Progress(self, [], _loop_names(events), [], tracker.init_copy(), [], _Running())
            applied = tracker.applied_events()
        _replay(describer, progress, applied[len(progress.applied):])
        progress.events, progress.applied = events, applied
        _kept.put(key, progress)
        return _handed_out(describer, progress)


def _handed_out(describer: _Describer, progress: _Progress) -> list[State]:
    """Copies of the kept states, then the state after the last event, made fresh each time."""
    states, copied = _copies(progress.states)
    last_ml_action = progress.running.last_ml_action
    ending = _Running(copied.get(id(last_ml_action), last_ml_action), progress.running.turn_was_hidden)
    final = describer.state(progress.replay, False, ending, states[-1] if states else None)
    if final is not None:
        # Parts taken from the handed-out states stay shared, as in Rasa; parts of the
        # replayed tracker are copied.
        handed_out = {id(value) for value in copied.values()}
        states.append({kind: value if id(value) in handed_out else dict(value) for kind, value in final.items()})
    return states


def forget(sender_id: str) -> None:
    """Drop everything kept about one conversation (the client asked to be forgotten)."""
    with _lock:
        for key in [key for key in _kept if key[0] == sender_id]:
            _kept.pop(key)


when_forgotten(forget)


def patch() -> Patch:
    return Patch("incremental_states", Domain, "states_for_tracker_history", states_for_tracker_history,
                 "dialogue states computed once per event")
