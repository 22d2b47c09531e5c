"""Reading the REST channel's replies in end-to-end tests."""

from __future__ import annotations

import uuid
from typing import Any


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
