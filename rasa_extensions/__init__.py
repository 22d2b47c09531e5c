"""Rasa plug-ins (NLU components, channels, tracker store). Thin: the logic lives in ``bot/``.

Importing the package also makes Rasa check action-server replies with a validator
built once (``action_validation``): the same check, without its per-call cost.
"""

from rasa_extensions import action_validation

action_validation.apply()
