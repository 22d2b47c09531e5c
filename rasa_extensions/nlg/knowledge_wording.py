"""Rasa's templated responses, with the wording of ``bot/knowledge`` put in by the Rasa server itself.

The FAQ answers and the small-talk replies are plain responses (``utter_faq/<key>``,
``utter_goodbye``...) whose text in domain.yml is only ``{words}``. Filling them here
rather than in a custom action keeps every sentence in the knowledge files without a
call to the action server, which is sent the whole conversation each time: on the
benchmark's long conversation that call made turn 40 about a third slower than turn 5.
Named in ``endpoints*.yml`` as ``nlg: type: rasa_extensions.nlg.knowledge_wording.KnowledgeWording``.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.responses import WORDS, response_words


class KnowledgeWording(TemplatedNaturalLanguageGenerator):
    """Rasa's template generator; a response whose wording the knowledge holds gets it as ``{words}``."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: str, tracker: DialogueStateTracker, output_channel: str,
                       **kwargs: Any) -> dict[str, Any] | None:
        words = response_words(utter_action)
        if words is not None:
            kwargs[WORDS] = words
        return await super().generate(utter_action, tracker, output_channel, **kwargs)
