"""Rasa plug-ins (NLU components, channels, tracker store). Thin: the logic lives in ``bot/``.

Importing the package also makes Rasa check action-server replies with a validator
built once (``action_validation``), load its TensorFlow models without a training
step (``model_loading``) and find stored events' classes in a table (``event_types``):
the same checks, predictions and conversations, without their cost.
"""

from rasa_extensions import action_validation, event_types, model_loading

action_validation.apply()
event_types.apply()
model_loading.apply()
