"""What the server keeps of conversations between messages has two limits, and is forgotten on request."""

from __future__ import annotations

import pytest

from rasa_extensions import recently_used
from rasa_extensions.recently_used import RecentlyUsed, forget_everywhere, when_forgotten


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_past_capacity_the_least_recently_stored_goes_first() -> None:
    kept: RecentlyUsed[str] = RecentlyUsed(capacity=2)
    kept.put("a", "A")
    kept.put("b", "B")
    kept.put("a", "A2")  # stored again: now the most recent
    kept.put("c", "C")
    assert list(kept) == ["a", "c"]
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A2", None, "C")
    assert len(kept) == 2


def test_reading_an_entry_does_not_keep_it_longer() -> None:
    """Only storing counts as use: a conversation read but not saved again is not fresher."""
    kept: RecentlyUsed[str] = RecentlyUsed(capacity=2)
    kept.put("a", "A")
    kept.put("b", "B")
    assert kept.get("a") == "A"
    kept.put("c", "C")
    assert "a" not in kept and "b" in kept and "c" in kept


def test_an_entry_idle_longer_than_idle_s_is_dropped() -> None:
    clock = Clock()
    kept: RecentlyUsed[str] = RecentlyUsed(capacity=10, idle_s=60, clock=clock)
    kept.put("a", "A")
    clock.now += 30
    kept.put("b", "B")
    clock.now += 30  # "a" is exactly 60 s old: still kept
    assert kept.get("a") == "A"
    clock.now += 0.5
    assert kept.get("a") is None and kept.get("b") == "B"
    clock.now += 30
    assert kept.pop("b") is None
    assert len(kept) == 0


def test_storing_again_restarts_the_idle_time() -> None:
    clock = Clock()
    kept: RecentlyUsed[str] = RecentlyUsed(capacity=10, idle_s=60, clock=clock)
    kept.put("a", "A")
    clock.now += 50
    kept.put("a", "A2")
    clock.now += 50
    assert kept.get("a") == "A2"


def test_pop_takes_the_entry_out() -> None:
    kept: RecentlyUsed[int] = RecentlyUsed()
    kept.put(("client-1", 3), 3)
    assert kept.pop(("client-1", 3)) == 3
    assert kept.pop(("client-1", 3)) is None and ("client-1", 3) not in kept


@pytest.fixture()
def no_forgetters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only this test's maps register: the process's own (warm conversations, states) are left out of it."""
    monkeypatch.setattr(recently_used, "_forgetters", [])


def test_forgetting_a_client_reaches_every_registered_map(no_forgetters: None) -> None:
    states: RecentlyUsed[str] = RecentlyUsed()
    warm: RecentlyUsed[str] = RecentlyUsed()
    for key, kept in ((("client-1", 1), states), (("client-2", 1), states), ("client-1", warm)):
        kept.put(key, "what they wrote")

    def forget_states(sender_id: str) -> None:
        for key in [key for key in states if key[0] == sender_id]:
            states.pop(key)

    when_forgotten(forget_states)
    when_forgotten(warm.pop)
    forget_everywhere("client-1")
    assert list(states) == [("client-2", 1)] and list(warm) == []


def test_registering_twice_forgets_once(no_forgetters: None) -> None:
    forgotten: list[str] = []
    when_forgotten(forgotten.append)
    when_forgotten(forgotten.append)
    forget_everywhere("client-1")
    assert forgotten == ["client-1"]

