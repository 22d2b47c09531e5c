"""Pick the next steps that fit one result.

Emergency and urgent results get no massage ideas at all: the only next step is
the doctor, and the triage advice says so. Exercise ideas tied to muscles appear
only when one of those muscles is on the list.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge import Knowledge


def choose_suggestions(level: str, muscles: Iterable[str], knowledge: Knowledge,
                       conditions: Iterable[str] = ()) -> list[dict[str, str]]:
    muscles, conditions = set(muscles), set(conditions)
    chosen = []
    for suggestion in knowledge.suggestions:
        if level not in suggestion.levels:
            continue
        if suggestion.muscles and not muscles & set(suggestion.muscles):
            continue
        if suggestion.when and suggestion.when not in conditions:
            continue
        chosen.append({"id": suggestion.id, "text": suggestion.text})
    return chosen
