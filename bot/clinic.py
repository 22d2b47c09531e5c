"""The clinic's own settings (name, contact details, emergency number).

Kept apart from the medical knowledge because every clinic changes these and
nothing else. ``CLINIC_CONFIG`` points at another file without editing the repo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import settings
from bot.knowledge import default_knowledge

CONTACT_FIELDS = ("booking_url", "phone", "email", "opening_hours")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"
DEFAULT_EMERGENCY_NUMBER = "911"


@dataclass(frozen=True)
class Clinic:
    name: str = "the clinic"
    booking_url: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER

    def contact_lines(self, templates: Mapping[str, str] | None = None) -> list[str]:
        """Only the details the clinic filled in (we never invent a phone number), each worded by
        its ``contact_<field>`` template of messages.yml."""
        templates = templates if templates is not None else default_knowledge().messages
        return [templates[f"contact_{field}"].format(value=getattr(self, field))
                for field in CONTACT_FIELDS if getattr(self, field)]


def load_clinic(path: Path | str | None = None) -> Clinic:
    """Read the clinic file; missing or empty values fall back to safe defaults."""
    path = Path(path or settings.clinic_config() or DEFAULT_PATH)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of settings")
    known = set(Clinic.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"{path}: unknown settings {', '.join(sorted(unknown))} (valid: {', '.join(sorted(known))})")
    # YAML reads an unquoted 000 as the number 0 and 01234 as octal: a clinic could show the wrong
    # emergency number. Only text is accepted, so the mistake is refused at start-up instead.
    not_text = sorted(key for key, value in raw.items() if value is not None and not isinstance(value, str))
    if not_text:
        raise ValueError(f"{path}: put {', '.join(not_text)} in quotes, e.g. emergency_number: \"000\" "
                         "(without quotes YAML may read a number or a yes/no and change it)")
    values = {key: value.strip() for key, value in raw.items() if value not in (None, "")}
    return Clinic(**values)


@lru_cache(maxsize=1)
def default_clinic() -> Clinic:
    return load_clinic()
