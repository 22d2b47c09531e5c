"""The clinic's own settings (name, contact details, emergency number).

Kept apart from the medical knowledge because every clinic changes these and
nothing else. ``CLINIC_CONFIG`` points at another file without editing the repo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import settings

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

    def contact_lines(self) -> list[str]:
        """Only the details the clinic filled in: we never invent a phone number."""
        lines = []
        if self.booking_url:
            lines.append(f"Book online: {self.booking_url}")
        if self.phone:
            lines.append(f"Phone: {self.phone}")
        if self.email:
            lines.append(f"Email: {self.email}")
        if self.opening_hours:
            lines.append(f"Opening hours: {self.opening_hours}")
        return lines


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
    values = {key: str(value).strip() for key, value in raw.items() if value not in (None, "")}
    return Clinic(**values)


@lru_cache(maxsize=1)
def default_clinic() -> Clinic:
    return load_clinic()
