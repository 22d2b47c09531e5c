"""The assessment's questions, worded from ``knowledge/questions.yml``.

Questions mention the clinic, the emergency number and the warning signs, so
they are rendered here from the same data the engine uses rather than written
as fixed responses in the Rasa domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.clinic import Clinic, default_clinic
from bot.knowledge import KNOWLEDGE_DIR, Knowledge, KnowledgeError, default_knowledge, read_knowledge_file
from bot.screening import CONFIRM, default_screening

ASSESSMENT_SLOTS = ("consent", "red_flags", "pain_location", "activities", "symptoms", "pain_score",
                    "pain_duration", "inflammation", "treatment", "intake")
# The questions of the sending (actions/handoff.py); the read-back is worded by its own action.
SENDING_SLOTS = ("contact_name", "contact_way")


# Terminal chat (rasa shell) cuts the line that carries buttons at the screen's width.
MAX_PROMPT_LENGTH = 70


@dataclass(frozen=True)
class Question:
    text: str
    buttons: tuple[tuple[str, str], ...]  # (title, intent)
    prompt: str = ""  # the short line sent with the buttons, after the text


@lru_cache(maxsize=1)
def _raw(directory: Path = KNOWLEDGE_DIR) -> dict:
    data = read_knowledge_file("questions.yml", directory)
    questions = data.get("questions") or {}
    missing = [slot for slot in (*ASSESSMENT_SLOTS, *SENDING_SLOTS) if not (questions.get(slot) or {}).get("text")]
    if missing:
        raise KnowledgeError(f"questions.yml: no question for {', '.join(missing)}")
    for slot, entry in questions.items():
        prompt = str(entry.get("prompt") or "")
        if entry.get("buttons") and not 0 < len(prompt) <= MAX_PROMPT_LENGTH:
            raise KnowledgeError(f"questions.yml: {slot} has buttons, so it needs a prompt of 1 to "
                                 f"{MAX_PROMPT_LENGTH} characters")
    if len(str((data.get("replies") or {}).get("choose_next") or "")) > MAX_PROMPT_LENGTH:
        raise KnowledgeError(f"questions.yml: replies.choose_next is longer than {MAX_PROMPT_LENGTH} characters")
    for key in REQUIRED_REPLIES:
        if not (data.get("replies") or {}).get(key):
            raise KnowledgeError(f"questions.yml: replies.{key} is missing")
    return data


REQUIRED_REPLIES = ("no_consent", "start_over", "misunderstood", "misunderstood_again", "input_empty",
                    "input_no_words", "input_other_language", "input_too_long", "input_shorthand",
                    "actions_unavailable", "choose_next", "screening_unclear",
                    "result_lead", "anything_else", "noted_not_sure", "urgent_then_emergency_check",
                    "consent_assumed", "screening_by_group", "check_sign",
                    "possible_warning_go_on", "possible_warning", "possible_warning_again", "contact_intro",
                    "contact_unknown",
                    "contact_emergency", "no_result_yet", "forgotten", "goodbye", "you_are_welcome", "not_a_person",
                    "out_of_scope")


def fill(text: str, knowledge: Knowledge, clinic: Clinic, **values: str) -> str:
    """Fill a knowledge text's {placeholders}: the clinic's details, lists drawn from the other files, and
    ``values`` of this conversation (the name a client gave, read back before sending)."""
    disclaimer = " ".join(knowledge.messages["disclaimer"].split())
    red_flag_list = "\n".join(f"{group.heading}:\n" + "\n".join(f"- {knowledge.red_flags[member].ask}"
                                                                 for member in group.members)
                              for group in default_screening().groups)
    emergency_signs = "; ".join(flag.ask for flag in knowledge.red_flags.values() if flag.level == "emergency")
    doctor_first_list = "\n".join(f"- {reason}" for reason in knowledge.doctor_first["reasons"].values())
    return text.format(**values, clinic_name=clinic.name, emergency_number=clinic.emergency_number,
                       clinic_phone=clinic.phone,
                       emergency_signs=emergency_signs, doctor_first_list=doctor_first_list,
                       disclaimer=disclaimer.format(emergency_number=clinic.emergency_number,
                                                    clinic_name=clinic.name),
                       red_flag_list=red_flag_list)


FIRST, AGAIN, LAST = "first", "again", "last"


def question(slot: str, knowledge: Knowledge | None = None, clinic: Clinic | None = None,
             variant: str = FIRST) -> Question:
    """The question for ``slot``: as first asked, said ``again`` after an answer that could not be read,
    or the ``last`` time, with its own buttons (after that the answer is recorded as "not sure")."""
    entry = _raw()["questions"][slot]
    knowledge, clinic = knowledge or default_knowledge(), clinic or default_clinic()
    if variant == AGAIN and entry.get("again"):
        return Question(fill(entry["again"], knowledge, clinic), (), "")
    if variant == LAST and entry.get("last"):
        buttons = tuple((button["title"], button["payload"]) for button in entry.get("last_buttons") or [])
        return Question(fill(entry["last"], knowledge, clinic), buttons, "")
    text = fill(entry["text"], knowledge, clinic)
    buttons = tuple((button["title"], button["payload"]) for button in entry.get("buttons") or [])
    return Question(text, buttons, str(entry.get("prompt") or ""))


def read_back(name: str, contact: str, contact_label: str) -> Question:
    """The last question before sending: the client's details exactly as typed."""
    entry = _raw()["questions"]["contact_confirmed"]
    text = fill(entry["text"], default_knowledge(), default_clinic(), name=name, contact=contact,
                contact_label=contact_label)
    return Question(text, tuple((b["title"], b["payload"]) for b in entry.get("buttons") or []),
                    str(entry.get("prompt") or ""))


def screening_question(step: str, knowledge: Knowledge | None = None, clinic: Clinic | None = None) -> Question:
    """A follow-up of the safety check: the confirmation, or one group's yes/no question."""
    screening = default_screening()
    knowledge, clinic = knowledge or default_knowledge(), clinic or default_clinic()
    if step == CONFIRM:
        return Question(fill(screening.confirm_text, knowledge, clinic), screening.confirm_buttons,
                        screening.confirm_prompt)
    group = screening.group_for_step(step)
    return Question(fill(group.ask, knowledge, clinic), screening.group_buttons, group.prompt)


def reply_buttons(key: str) -> tuple[tuple[str, str], ...]:
    """The (title, intent) buttons sent with a fixed reply."""
    return tuple((button["title"], button["payload"]) for button in (_raw().get("reply_buttons") or {}).get(key) or [])


def reply_keys() -> frozenset[str]:
    """The keys of questions.yml's fixed replies."""
    return frozenset(_raw()["replies"])


def reply(key: str, knowledge: Knowledge | None = None, clinic: Clinic | None = None, **values: str) -> str:
    """A fixed reply from questions.yml, with the clinic's details (and any ``values``) filled in."""
    return " ".join(fill(_raw()["replies"][key], knowledge or default_knowledge(), clinic or default_clinic(),
                         **values).split())
