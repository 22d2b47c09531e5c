"""The body map's zones: real places of the vocabulary, read back as typed words, forged payloads refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.body_map import MIN_SIDE, default_body_map, load_body_map, payload_words
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, default_knowledge
from bot.language import default_matcher

MAP = default_body_map()


@pytest.mark.parametrize("key", sorted(MAP.zones))
def test_every_zone_name_reads_back_as_its_own_place(key: str) -> None:
    zone = MAP.zones[key]
    found = {(m.entity, m.value) for m in default_matcher().find(zone.name)}
    assert found == {("pain_location", zone.location)}, (zone.name, found)


def test_every_place_of_the_vocabulary_is_on_the_map_with_both_sides_where_it_has_sides() -> None:
    locations = {zone.location for zone in MAP.zones.values()}
    assert locations == set(default_knowledge().vocabulary["pain_location"])
    for location in locations:
        sides = sorted(zone.side or "" for zone in MAP.zones.values() if zone.location == location)
        assert sides in (["left", "right"], [""], ["", "left", "right"]), (location, sides)


def test_zones_are_big_enough_to_tap_and_inside_the_figure_without_overlapping() -> None:
    x0, y0, width, height = MAP.view_box
    shapes = [zone.shape for zone in MAP.zones.values()]
    for x, y, w, h in shapes:
        assert min(w, h) >= MIN_SIDE
        assert x0 <= x and y0 <= y and x + w <= x0 + width and y + h <= y0 + height
    for i, (ax, ay, aw, ah) in enumerate(shapes):
        for bx, by, bw, bh in shapes[i + 1:]:
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, "zones overlap"


def test_a_true_payload_becomes_the_names_in_the_maps_order() -> None:
    words = payload_words(json.dumps({"zones": ["buttock_right", "low_back_right", "buttock_right"]}))
    assert words == "Right side of my lower back, right buttock"
    found = [m.value for m in default_matcher().find(words)]
    assert found == ["low_back_one_side", "buttock"]


@pytest.mark.parametrize("arguments", [
    "", "{}", "[]", '{"zones": []}', '{"zones": "buttock_left"}', '{"zones": ["kidney"]}',
    '{"zones": ["buttock_left"], "red_flags": "none"}', '{"zones": [1]}', "{not json",
    json.dumps({"zones": ["buttock_left"] * 100}),
])
def test_anything_else_is_not_a_map_answer(arguments: str) -> None:
    assert payload_words(arguments) is None


def test_a_zone_with_a_place_the_vocabulary_lacks_is_refused(tmp_path: Path) -> None:
    text = (KNOWLEDGE_DIR / "body_map.yml").read_text().replace("location: sacrum", "location: kidney")
    (tmp_path / "body_map.yml").write_text(text)
    with pytest.raises(KnowledgeError, match="kidney"):
        load_body_map(tmp_path)


def test_a_zone_too_small_to_tap_is_refused(tmp_path: Path) -> None:
    text = (KNOWLEDGE_DIR / "body_map.yml").read_text().replace("shape: [66, 80, 28, 30]", "shape: [66, 80, 10, 30]")
    (tmp_path / "body_map.yml").write_text(text)
    with pytest.raises(KnowledgeError, match="tap"):
        load_body_map(tmp_path)


def test_the_widget_gets_every_zone_to_draw() -> None:
    settings = MAP.as_settings()
    assert [zone["key"] for zone in settings["zones"]] == list(MAP.zones)
    assert len(settings["view_box"]) == 4 and settings["figures"]
