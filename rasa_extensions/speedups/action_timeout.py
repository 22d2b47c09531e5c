"""Give up on a custom action after ``ACTION_TIMEOUT_S`` (3 s), not Rasa's five minutes.

Rasa 3.6 reads the module constant ``DEFAULT_REQUEST_TIMEOUT`` for every custom
action call and has no setting for it; its 300 s would leave a client looking at a
silent chat for minutes when the action server hangs. After the timeout the
channel sends the "briefly unavailable" notice (``channels/never_silent.py``).
"""

from __future__ import annotations

import rasa.core.actions.action as rasa_actions

from bot import settings
from rasa_extensions.speedups.patch import Patch


def patch() -> Patch:
    return Patch("action_timeout", rasa_actions, "DEFAULT_REQUEST_TIMEOUT", settings.action_timeout_s(),
                 f"custom actions time out after {settings.action_timeout_s():g} s instead of 300 s")
