"""bot/cautions.py: what the therapist must know, from the client's own words, with the signs' rules of scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cautions import default_cautions, read_cautions, treatment_cautions
from bot.knowledge import KnowledgeError
from bot.treatment import read_treatment


@pytest.mark.parametrize("text,caution", [
    ("I'm 20 weeks pregnant and my lower back aches when I stand", "pregnancy"),
    ("we're expecting in march so I'm a bit wary", "pregnancy"),
    ("I had knee surgery three weeks ago", "recent_surgery"),
    ("I'm on warfarin for my heart", "blood_thinners"),
    ("im on eliquis", "blood_thinners"),
    ("I bruise really easily", "blood_thinners"),
    ("I have osteoporosis", "osteoporosis"),
    ("I broke my hip ten years ago", "osteoporosis"),
    ("there's a rash right where it hurts", "skin_at_site"),
])
def test_each_caution_is_heard_in_everyday_words(text: str, caution: str) -> None:
    assert read_cautions([text]) == [caution]


@pytest.mark.parametrize("text", [
    "I'm not pregnant", "my wife is pregnant", "no surgery, no blood thinners", "I had an operation years ago",
    "the burning pain is bad", "my mum has osteoporosis", "",
])
def test_denials_other_people_and_the_long_past_are_not_cautions(text: str) -> None:
    assert read_cautions([text]) == []


def test_every_message_counts_and_the_order_is_the_files() -> None:
    said = ["there's a rash where it hurts", "hi", None, "/affirm", "and I'm pregnant"]
    assert read_cautions(said) == ["pregnancy", "skin_at_site"]


def test_every_caution_has_words_a_client_reads_and_a_source() -> None:
    for caution in default_cautions().values():
        assert caution.tell and caution.label and (caution.phrases or caution.from_treatment)


def test_lasting_soreness_after_a_session_is_a_caution_read_by_the_treatment_reader() -> None:
    assert treatment_cautions(read_treatment(["still sore three days after my massage"])) == ["post_session_soreness"]
    assert treatment_cautions(read_treatment(["a bit sore the day after my massage"])) == []
    assert "post_session_soreness" not in read_cautions(["still sore three days after my massage"])


def test_a_caution_must_say_its_phrases_or_its_treatment_fact(tmp_path: Path) -> None:
    entry = "cautions:\n  x:\n    label: x\n    tell: x\n    source: x\n"
    for extra, error in (("", "phrases must be"), ("    from_treatment: mood\n", "from_treatment must be one of")):
        (tmp_path / "cautions.yml").write_text(entry + extra)
        with pytest.raises(KnowledgeError, match=error):
            default_cautions.__wrapped__(tmp_path)


def test_a_caution_without_its_wording_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "cautions.yml").write_text("cautions:\n  pregnancy:\n    label: pregnancy\n    phrases: [pregnant]\n")
    default_cautions.cache_clear()
    try:
        with pytest.raises(KnowledgeError, match="cautions.yml: pregnancy: missing tell, source"):
            default_cautions(tmp_path)
    finally:
        default_cautions.cache_clear()
