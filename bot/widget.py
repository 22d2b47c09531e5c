"""What the website widget needs from the server: its fixed wording, the clinic's name and emergency number.

The widget (web/widget.js) has no wording of its own to keep in step: it asks the
Rasa server for this (``rasa_extensions/channels/web.py`` serves it) and keeps the
answer on the visitor's device. The summary card uses the same templates as the
text summary (``bot/summary.py``), so both say the same thing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.body_map import default_body_map
from bot.clinic import Clinic, default_clinic
from bot.knowledge import KNOWLEDGE_DIR, Knowledge, KnowledgeError, default_knowledge, read_texts_file

WIDGET_FILE = "widget.yml"
# The words the widget fills in itself, per entry; every other {word} is refused at load.
WIDGET_FIELDS = {"buttons_below": ("titles",), "body_map_chosen": ("names",), "print_heading": ("clinic_name", "date")}
CLINIC_FIELDS = ("clinic_name", "emergency_number")
# messages.yml entries the summary card shares with the text summary.
SHARED_MESSAGES = ("disclaimer", "summary_facts", "summary_pain_score", "summary_severity", "summary_duration",
                   "muscle_why")
REQUIRED = ("greeting", "launcher", "title", "new_chat", "new_chat_label", "close", "close_label",
            "conversation_label", "message_label", "send", "choices_label", "you_said", "assistant_said",
            "buttons_below", "opens_in_new_tab", "card_kicker", "card_title", "card_why", "card_muscles",
            "card_next_steps", "card_tell_therapist", "print", "print_heading", "status_connecting", "status_lost",
            "status_unreachable", "status_failed", "status_new_chat", "body_map_title", "body_map_label",
            "body_map_done", "body_map_clear", "body_map_none", "body_map_chosen")


@lru_cache(maxsize=1)
def widget_words(directory: Path = KNOWLEDGE_DIR) -> dict[str, str]:
    """widget.yml, checked: every entry present, text only, and only the {words} it may use."""
    raw = read_texts_file(WIDGET_FILE, REQUIRED, directory)
    for key, text in raw.items():
        allowed = {name: "x" for name in WIDGET_FIELDS.get(key, ()) + CLINIC_FIELDS}
        try:
            str(text).format(**allowed)
        except (KeyError, IndexError, ValueError) as error:
            raise KnowledgeError(f"{WIDGET_FILE}: {key}: unknown placeholder {error}") from error
    return {key: str(raw[key]) for key in raw}


def _with_clinic(text: str, clinic: Clinic) -> str:
    # Only the clinic's values: the widget fills the others ({facts}, {date}...) itself.
    return text.replace("{clinic_name}", clinic.name).replace("{emergency_number}", clinic.emergency_number)


def widget_settings(knowledge: Knowledge | None = None, clinic: Clinic | None = None) -> dict[str, Any]:
    knowledge, clinic = knowledge or default_knowledge(), clinic or default_clinic()
    words = {key: _with_clinic(text, clinic) for key, text in widget_words().items()}
    words.update({key: _with_clinic(" ".join(knowledge.messages[key].split()), clinic) for key in SHARED_MESSAGES})
    return {"clinic_name": clinic.name, "emergency_number": clinic.emergency_number, "words": words,
            "body_map": default_body_map().as_settings()}
