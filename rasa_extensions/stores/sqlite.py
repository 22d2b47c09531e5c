"""How every SQLite connection to the conversations is set up (the tracker store and ``make forget-old``).

Write-ahead-log mode with ``synchronous=NORMAL``: a turn's write no longer waits for
two disk flushes; a committed turn survives the server being killed. No Rasa import,
so the retention command needs no TensorFlow.
"""

from __future__ import annotations

from typing import Any


def sqlite_settings(connection: Any, _: Any) -> None:
    """SQLAlchemy "connect" listener for every SQLite connection to the conversations."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A forgotten conversation is overwritten on disk, not just unlinked from the tree.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
