"""The body map: the widget's picture answer to "where does it hurt", and reading it back.

The widget (web/widget.js) draws the zones of ``knowledge/body_map.yml`` and sends
the keys of the chosen ones as ``/body_map{"zones": [...]}``. That is the only
shorthand with content the input guard lets through, and only when every key is a
zone of the map: it becomes the zones' names in words ("Right side of my lower back,
right buttock"), which every reader downstream (places, warning signs, the models)
reads exactly as typed text. A typed or forged payload therefore gains nothing a
client could not type, and can never clear the safety questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, default_knowledge, read_knowledge_file

BODY_MAP_FILE = "body_map.yml"
PAYLOAD_INTENT = "body_map"
SIDES = ("left", "right")
MIN_SIDE = 26  # figure units: about 28 CSS pixels on a 360-pixel-wide phone


@dataclass(frozen=True)
class Zone:
    """One place on the figure: a pain_location of the vocabulary, with its side if it has one."""

    key: str
    location: str
    side: str | None
    name: str
    shape: tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class BodyMap:
    view_box: tuple[int, int, int, int]
    figures: tuple[dict[str, Any], ...]
    zones: dict[str, Zone]

    def as_settings(self) -> dict[str, Any]:
        """What the widget needs to draw the map (served with its other settings)."""
        return {"view_box": list(self.view_box), "figures": [dict(figure) for figure in self.figures],
                "zones": [{"key": z.key, "location": z.location, "side": z.side, "name": z.name,
                           "shape": list(z.shape)} for z in self.zones.values()]}

    def words_for(self, keys: list[str]) -> str:
        """The chosen zones in words, in the map's own order, each once."""
        chosen = [zone.name for key, zone in self.zones.items() if key in keys]
        if not chosen:
            return ""
        return ", ".join([chosen[0], *(name[0].lower() + name[1:] for name in chosen[1:])])


def _zone(key: str, entry: Any, locations: set[str]) -> Zone:
    where = f"{BODY_MAP_FILE}: zones: {key}"
    if not isinstance(entry, dict) or not {"location", "name", "shape"} <= set(entry):
        raise KnowledgeError(f"{where}: needs location, name and shape")
    if entry["location"] not in locations:
        raise KnowledgeError(f"{where}: {entry['location']!r} is not a pain_location of the vocabulary")
    side = entry.get("side")
    if side is not None and side not in SIDES:
        raise KnowledgeError(f"{where}: side must be one of {SIDES}")
    shape = entry["shape"]
    if not (isinstance(shape, list) and len(shape) == 4 and all(isinstance(n, int) for n in shape)):
        raise KnowledgeError(f"{where}: shape is [x, y, width, height] in whole units")
    if min(shape[2:]) < MIN_SIDE:
        raise KnowledgeError(f"{where}: at least {MIN_SIDE} units wide and high, to be easy to tap")
    return Zone(key, entry["location"], side, str(entry["name"]).strip(), (shape[0], shape[1], shape[2], shape[3]))


def load_body_map(directory: Path = KNOWLEDGE_DIR, locations: set[str] | None = None) -> BodyMap:
    raw = read_knowledge_file(BODY_MAP_FILE, directory)
    if locations is None:
        locations = set(default_knowledge().vocabulary["pain_location"])
    zones = {str(key): _zone(str(key), entry, locations) for key, entry in (raw.get("zones") or {}).items()}
    if not zones:
        raise KnowledgeError(f"{BODY_MAP_FILE}: no zones")
    view_box = raw.get("view_box")
    if not (isinstance(view_box, list) and len(view_box) == 4):
        raise KnowledgeError(f"{BODY_MAP_FILE}: view_box is [x, y, width, height]")
    figures = tuple(raw.get("figures") or ())
    for figure in figures:
        if not isinstance(figure, dict) or not {"label", "label_at", "outline"} <= set(figure):
            raise KnowledgeError(f"{BODY_MAP_FILE}: each figure needs label, label_at and outline")
    return BodyMap((*map(int, view_box),), figures, zones)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def default_body_map() -> BodyMap:
    return load_body_map()


def payload_words(arguments: str, body_map: BodyMap | None = None) -> str | None:
    """The words for a ``/body_map{...}`` payload's arguments, or None if it is not a true map answer.

    True means: a JSON object with only ``zones``, a non-empty list of at most every zone,
    each a zone key of the map. Anything else is treated as typed shorthand.
    """
    body_map = body_map or default_body_map()
    try:
        data = json.loads(arguments)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"zones"}:
        return None
    keys = data["zones"]
    if not isinstance(keys, list) or not keys or len(keys) > len(body_map.zones):
        return None
    if not all(isinstance(key, str) and key in body_map.zones for key in keys):
        return None
    return body_map.words_for(keys)
