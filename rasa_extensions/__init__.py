"""Rasa plug-ins (NLU components, channels, tracker store). Thin: the logic lives in ``bot/``.

Importing the package also makes Rasa check action-server replies with a validator
built once (``action_validation``), load its TensorFlow models without a training
step (``model_loading``), find stored events' classes in a table (``event_types``),
keep its connection to the action server open (``kept_connections``) and describe
a conversation's history once per event, not once per prediction
(``incremental_states``): the same checks, predictions, conversations and calls,
without their cost.
"""

from rasa_extensions import action_validation, event_types, incremental_states, kept_connections, model_loading

action_validation.apply()
event_types.apply()
incremental_states.apply()
kept_connections.apply()
model_loading.apply()
