"""One change to Rasa's internals: which attribute of which Rasa object is replaced, by what, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_ABSENT = object()


@dataclass
class Patch:
    name: str
    owner: Any  # a Rasa class or module
    attribute: str
    replacement: Any
    why: str
    original: Any = _ABSENT

    def apply(self) -> None:
        # The owner's own entry (a staticmethod or classmethod object, not what it binds to).
        self.original = vars(self.owner).get(self.attribute, _ABSENT)
        setattr(self.owner, self.attribute, self.replacement)

    def undo(self) -> None:
        if self.original is _ABSENT:
            delattr(self.owner, self.attribute)
        else:
            setattr(self.owner, self.attribute, self.original)

    def is_applied(self) -> bool:
        return vars(self.owner).get(self.attribute, _ABSENT) is self.replacement
