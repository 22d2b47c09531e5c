"""Whether an answer to the safety check really says "none of these".

The language model sorts every message into some intent, so nonsense can come
out as a "no". Before a client is screened clear of every warning sign, their own
words must say so: at least one of ``all_clear_words`` in ``red_flags.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_knowledge_file

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def all_clear_words(directory: Path = KNOWLEDGE_DIR) -> frozenset[str]:
    words = read_knowledge_file("red_flags.yml", directory).get("all_clear_words")
    if not words:
        raise KnowledgeError("red_flags.yml: 'all_clear_words' is missing or empty")
    if not all(isinstance(word, str) for word in words):
        # YAML reads a bare no as false: the word must be quoted.
        raise KnowledgeError('red_flags.yml: every all_clear_words entry must be text (write "no" in quotes)')
    return frozenset(str(word).casefold() for word in words)


def says_none_apply(text: str | None) -> bool:
    """True when the client's words deny the warning signs, not merely when a model guessed so."""
    for word in _WORD.findall((text or "").casefold()):
        word = word.replace("’", "'")
        if word in all_clear_words() or word.endswith("n't"):
            return True
    return False


# --- The screening in groups -------------------------------------------------------

CONFIRM = "confirm"
GROUP_PREFIX = "group:"
# One group asked on its own because a message came near one of its signs ("my bum goes tingly when
# I drive"): a yes or "not sure" is that group's advice, a no goes back to where the check was.
CHECK_PREFIX = "check:"


@dataclass(frozen=True)
class ScreeningGroup:
    id: str
    level: str
    heading: str
    ask: str
    reason: str
    members: tuple[str, ...]
    prompt: str


@dataclass(frozen=True)
class Screening:
    groups: tuple[ScreeningGroup, ...]
    confirm_text: str
    confirm_prompt: str
    confirm_buttons: tuple[tuple[str, str], ...]
    group_buttons: tuple[tuple[str, str], ...]

    def group(self, group_id: str) -> ScreeningGroup:
        return next(group for group in self.groups if group.id == group_id)

    def group_of(self, sign: str) -> ScreeningGroup:
        """The group a warning sign is asked in (every sign is in exactly one, checked at load)."""
        return next(group for group in self.groups if sign in group.members)

    def group_for_step(self, step: str) -> ScreeningGroup:
        """The group a "group:" or "check:" step asks."""
        return self.group(step.split(":", 1)[1])


def _buttons(entries: list[dict[str, str]] | None, where: str) -> tuple[tuple[str, str], ...]:
    if not entries or not all(isinstance(e, dict) and e.get("title") and e.get("payload") for e in entries):
        raise KnowledgeError(f"screening.yml: {where} needs buttons, each with a title and a payload")
    return tuple((str(e["title"]), str(e["payload"])) for e in entries)


@lru_cache(maxsize=1)
def default_screening(directory: Path = KNOWLEDGE_DIR) -> Screening:
    """The groups of screening.yml, checked against red_flags.yml: every sign in exactly one group."""
    from bot.knowledge import default_knowledge

    raw = read_knowledge_file("screening.yml", directory)
    flags = default_knowledge().red_flags
    groups = []
    for group_id, entry in (raw.get("groups") or {}).items():
        missing = [key for key in ("level", "heading", "ask", "prompt", "reason", "members") if not entry.get(key)]
        if missing:
            raise KnowledgeError(f"screening.yml: groups.{group_id}: missing {', '.join(missing)}")
        unknown = [m for m in entry["members"] if m not in flags]
        if unknown:
            raise KnowledgeError(f"screening.yml: groups.{group_id}: unknown warning signs {', '.join(unknown)}")
        groups.append(ScreeningGroup(group_id, entry["level"], entry["heading"], " ".join(entry["ask"].split()),
                                     " ".join(entry["reason"].split()), tuple(entry["members"]), entry["prompt"]))
    placed = [member for group in groups for member in group.members]
    if sorted(placed) != sorted(flags):
        raise KnowledgeError("screening.yml: every warning sign of red_flags.yml must be in exactly one group")
    confirm = raw.get("confirm") or {}
    if not confirm.get("text") or not confirm.get("prompt"):
        raise KnowledgeError("screening.yml: confirm needs a text and a prompt")
    return Screening(tuple(groups), " ".join(confirm["text"].split()), confirm["prompt"],
                     _buttons(confirm.get("buttons"), "confirm"), _buttons(raw.get("group_buttons"), "group_buttons"))


@dataclass(frozen=True)
class ScreeningStep:
    """What one answer to the safety screening does.

    ``flags``: warning signs named; ``groups``: groups answered "yes" (or "not sure");
    ``clear``: screened clear of every sign; ``next_step``: the screening question to ask
    next (None: the first one), when the screening is not over.
    """

    flags: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    clear: bool = False
    next_step: str | None = None
    understood: bool = True

    @property
    def done(self) -> bool:
        return bool(self.flags or self.groups or self.clear)


def screening_step(step: str | None, kind: str, flags: tuple[str, ...], failed_before: int,
                   screening: Screening) -> ScreeningStep:
    """The next move of the screening after an answer of ``kind`` to question ``step``.

    Kinds come from ``bot.answers.read_screening``: "signs", "clear", "hedged", "yes",
    "unsure", "unclear". Named signs always win. Nothing but a plain "no" (or a
    second hedge) ever clears; whatever is uncertain is asked one group at a time,
    and an uncertain answer to a group counts as that group's "yes".
    """
    if flags:
        return ScreeningStep(flags=flags)
    first_group = GROUP_PREFIX + screening.groups[0].id
    if step is None or step == CONFIRM:
        if kind == "clear" or (step == CONFIRM and kind == "hedged"):
            return ScreeningStep(clear=True)
        if kind == "hedged":
            return ScreeningStep(next_step=CONFIRM)
        if kind in ("yes", "unsure") or step == CONFIRM or failed_before >= 1:
            return ScreeningStep(next_step=first_group, understood=kind != "unclear")
        return ScreeningStep(next_step=step, understood=False)
    group_id = step.split(":", 1)[1]
    if kind in ("yes", "unsure") or (kind == "unclear" and failed_before >= 1):
        return ScreeningStep(groups=(group_id,))
    if step.startswith(CHECK_PREFIX) and kind in ("clear", "hedged"):
        return ScreeningStep(clear=True)
    if kind in ("clear", "hedged"):
        ids = [group.id for group in screening.groups]
        position = ids.index(group_id) if group_id in ids else len(ids) - 1
        if position + 1 < len(ids):
            return ScreeningStep(next_step=GROUP_PREFIX + ids[position + 1])
        return ScreeningStep(clear=True)
    return ScreeningStep(next_step=step, understood=False)
