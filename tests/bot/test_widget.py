"""The widget's wording and the clinic's emergency number, as the server hands them to web/widget.js."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.body_map import default_body_map
from bot.clinic import Clinic
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, default_knowledge
from bot.widget import REQUIRED, SHARED_MESSAGES, widget_settings, widget_words

CLINIC = Clinic(name="Sunrise Bodywork", emergency_number="000")


def test_every_entry_the_widget_uses_is_there_with_the_clinics_details() -> None:
    settings = widget_settings(clinic=CLINIC)
    assert settings["clinic_name"] == "Sunrise Bodywork" and settings["emergency_number"] == "000"
    words = settings["words"]
    assert set(REQUIRED) <= set(words)
    assert "call 000" in words["status_unreachable"] and "call 000" in words["status_failed"]
    assert "Sunrise Bodywork" in words["status_failed"]
    assert not any("{emergency_number}" in text or "{clinic_name}" in text for text in words.values())


def test_the_card_shares_the_text_summarys_templates() -> None:
    words = widget_settings(clinic=CLINIC)["words"]
    messages = default_knowledge().messages
    for key in SHARED_MESSAGES:
        assert words[key] == " ".join(messages[key].split()).replace("{emergency_number}", "000") \
            .replace("{clinic_name}", "Sunrise Bodywork")
    assert "{facts}" in words["summary_facts"] and "{why}" in words["muscle_why"]


def test_the_widgets_own_fields_are_left_for_it_to_fill() -> None:
    words = widget_settings(clinic=CLINIC)["words"]
    assert "{titles}" in words["buttons_below"]
    assert "{date}" in words["print_heading"] and "Sunrise Bodywork" in words["print_heading"]


def copy_with(tmp_path: Path, **changes: object) -> Path:
    source = yaml.safe_load((KNOWLEDGE_DIR / "widget.yml").read_text(encoding="utf-8"))
    source.update(changes)
    (tmp_path / "widget.yml").write_text(yaml.safe_dump(source), encoding="utf-8")
    return tmp_path


def test_a_missing_entry_is_named(tmp_path: Path) -> None:
    directory = copy_with(tmp_path, send="")
    with pytest.raises(KnowledgeError, match="missing send"):
        widget_words.__wrapped__(directory)


def test_a_placeholder_the_widget_cannot_fill_is_refused(tmp_path: Path) -> None:
    directory = copy_with(tmp_path, status_lost="Lost. Call {emergency_numbr}.")
    with pytest.raises(KnowledgeError, match="status_lost"):
        widget_words.__wrapped__(directory)


def test_the_widget_gets_the_body_map_and_its_words() -> None:
    settings = widget_settings()
    assert settings["body_map"] == default_body_map().as_settings()
    assert "{names}" in settings["words"]["body_map_chosen"]
