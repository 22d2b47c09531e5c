"""How long and how many conversations are kept warm, and when one is handed out."""

from __future__ import annotations

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.stores.warm_conversations import WarmConversations


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("hi")])


def test_kept_only_while_the_database_shows_the_same_fingerprint() -> None:
    warm = WarmConversations()
    kept = tracker("a")
    warm.keep("a", kept, (3, 7, 1.5))
    assert warm.take("a", lambda: (4, 8, 2.0)) is None
    warm.keep("a", kept, (3, 7, 1.5))
    assert warm.take("a", lambda: (3, 7, 1.5)) is kept
    assert warm.take("a", lambda: (3, 7, 1.5)) is None  # handed out once


def test_changed_in_memory_after_saving_is_not_handed_out() -> None:
    warm = WarmConversations()
    kept = tracker("a")
    warm.keep("a", kept, 1)
    kept.update(UserUttered("unsaved"))
    assert warm.take("a", lambda: 1) is None


def test_idle_conversations_are_dropped() -> None:
    clock = Clock()
    warm = WarmConversations(idle_s=60, clock=clock)
    warm.keep("old", tracker("old"), 1)
    clock.now = 50
    warm.keep("recent", tracker("recent"), 1)
    clock.now = 100
    assert warm.take("old", lambda: 1) is None
    assert warm.take("recent", lambda: 1) is not None


def test_a_conversation_handed_out_and_never_saved_back_is_dropped_when_idle() -> None:
    clock = Clock()
    warm = WarmConversations(idle_s=60, clock=clock)
    lent = tracker("a")
    warm.lend("a", lent)
    clock.now = 61
    warm.lend("b", tracker("b"))
    assert warm.returned("a", lent) is None


def test_at_most_the_capacity_is_kept_least_recent_first_out() -> None:
    warm = WarmConversations(capacity=2)
    for sender in ("a", "b", "c"):
        warm.keep(sender, tracker(sender), 1)
    assert len(warm) == 2
    assert warm.take("a", lambda: 1) is None and warm.take("c", lambda: 1) is not None


def test_a_loan_is_returned_only_by_the_same_conversation() -> None:
    warm = WarmConversations()
    lent = tracker("a")
    warm.lend("a", lent)
    assert warm.returned("a", tracker("a")) is None
    warm.lend("a", lent)
    assert warm.returned("a", lent).stored == 1
    warm.lend("a", lent)
    warm.forget("a")
    assert warm.returned("a", lent) is None
