"""Custom actions: thin rasa-sdk adapters around the engine in ``bot/``."""
