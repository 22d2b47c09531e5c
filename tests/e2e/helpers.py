"""Reading the REST channel's replies in end-to-end tests."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.e2e.conftest import Servers


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def assessment(replies: list[dict[str, Any]]) -> dict[str, Any] | None:
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and "assessment" in custom:
            return custom["assessment"]
    return None


def new_sender() -> str:
    return f"client-{uuid.uuid4().hex}"


def screened(servers: Servers, opening: str = "hi, my lower back hurts on the left when i lift boxes") -> str:
    """A new client who consented and is now being asked about warning signs."""
    sender = new_sender()
    servers.say(sender, opening)
    screening = servers.say(sender, "yes")
    assert "bladder" in texts(screening).lower(), "precondition: the screening question is asked"
    return sender
