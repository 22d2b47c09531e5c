"""Rasa plug-ins (NLU component, tracker store). Thin: the logic lives in ``bot/``."""
