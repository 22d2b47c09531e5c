"""The client's name and how the clinic should reach them, read from what they type.

Only what the clinic needs to call or write back: a name (as the client gives it, with
"my name is" and the like taken off) and one phone number or e-mail address, checked
for form. Nothing here is logged: these are health-record details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NAME_LENGTH = 60
PHONE, EMAIL = "phone", "email"

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
# A phone number as people type it: digits with spaces, dots, dashes, brackets, an optional "+".
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,22}\d")
_NAME_LEAD = re.compile(r"^\W*(?:(?:hi|hello|hey|ok|okay|sure|yes|yeah|yep)[\s,!.]+)*(?:(?:my name is|my name's|"
                        r"name is|name's|names|i am|i'm|im|it's|its|this is|call me|it is|just)\s+)+",
                        re.IGNORECASE)
_NAME_TAIL = re.compile(r"[\s,.!]*(?:thanks|thank you|ta|please|cheers)?[\s,.!]*$", re.IGNORECASE)
_NAME_CHARACTERS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[\s'’.-])*$")


@dataclass(frozen=True)
class Contact:
    kind: str  # PHONE or EMAIL
    value: str

    def as_slot(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}


def read_name(text: str | None) -> str | None:
    """"my name's Sam Jones" -> "Sam Jones"; None when it does not read as a name."""
    name = _NAME_TAIL.sub("", _NAME_LEAD.sub("", (text or "").strip()))
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME_CHARACTERS.match(name) or len(name.split()) > 5:
        return None
    return name


def read_contact(text: str | None) -> Contact | None:
    """An e-mail address or a phone number (7 to 15 digits) in the message; None when there is neither."""
    text = text or ""
    email = _EMAIL.search(text)
    if email:
        return Contact(EMAIL, email.group(0))
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 7 <= len(digits) <= 15:
            return Contact(PHONE, " ".join(match.group(0).split()))
    return None


def contact_from_slot(value: object) -> Contact | None:
    if isinstance(value, dict) and value.get("kind") in (PHONE, EMAIL) and isinstance(value.get("value"), str):
        return Contact(value["kind"], value["value"])
    return None
