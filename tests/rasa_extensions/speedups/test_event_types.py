"""Event classes found by table answer exactly as Rasa's search through every subclass."""

import pytest
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.utils.common import all_subclasses

from rasa_extensions.speedups import event_types


def test_installed_it_uses_the_table():
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("type_name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_every_event_type_resolves_to_rasas_class(type_name):
    assert event_types.resolve_by_type(type_name) is event_types.rasa_own_resolve(type_name)


def test_unknown_names_behave_as_in_rasa():
    assert event_types.resolve_by_type("topic") is None
    assert event_types.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="no_such_event"):
        event_types.resolve_by_type("no_such_event")


def test_an_event_class_imported_later_is_found():
    event_types.resolve_by_type("user")

    class LateEvent(ActionExecuted):
        type_name = "late_event_for_this_test"

    assert event_types.resolve_by_type("late_event_for_this_test") is LateEvent


def test_a_stored_conversation_is_rebuilt_with_the_same_events():
    stored = [UserUttered("hi", {"name": "greet"}).as_dict(), ActionExecuted("utter_greet").as_dict()]
    events = [Event.from_parameters(item) for item in stored]
    assert [type(event) for event in events] == [UserUttered, ActionExecuted]
    assert events[0].text == "hi" and events[1].action_name == "utter_greet"
