"""The back-pain self-assessment engine: plain Python, no Rasa.

Knowledge a therapist edits lives in ``bot/knowledge/*.yml``; the clinic's own
settings in ``clinic.yml`` at the repository root.
"""
