"""Find an event's class by its type name in a table, not by walking every Event subclass.

Rasa 3.6 rebuilds a conversation from its stored events on every message, and for
each event it lists all subclasses of ``Event`` (recursively, checking each for
abstract methods) to find the one class with that type name. The cost grows with
the conversation: measured here, a third of a turn's time at turn 40. The table
gives the same answer (the first class in Rasa's own order wins); a name it does
not know, such as an event class imported later, is looked up Rasa's way and the
table is rebuilt first.
"""

from __future__ import annotations

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from rasa_extensions.speedups.patch import Patch

rasa_own_resolve = Event.resolve_by_type
_classes_by_name: dict[str, type[Event]] = {}


def _refresh() -> None:
    _classes_by_name.clear()
    for cls in all_subclasses(Event):
        _classes_by_name.setdefault(cls.type_name, cls)


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _classes_by_name.get(type_name)
    if found is None:
        _refresh()
        found = _classes_by_name.get(type_name)
    return found if found is not None else rasa_own_resolve(type_name, default)


def patch() -> Patch:
    return Patch("event_types", Event, "resolve_by_type", staticmethod(resolve_by_type),
                 "stored events find their class in a table")
