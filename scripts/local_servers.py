"""Starting the real servers on loopback, shared by the end-to-end tests and the client evaluation.

Both run the action server and the Rasa server on free ports with a throwaway
SQLite file, so they never touch a developer's running assistant.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Until ``url`` answers; a process that dies or a timeout raises with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early; log {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s; log {log}:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def endpoints_text(actions_port: int, database: Path) -> str:
    """endpoints.yml pointed at this action server and this SQLite file."""
    return ((ROOT / "endpoints.yml").read_text()
            .replace("localhost:5055", f"localhost:{actions_port}")
            .replace('"conversations.db"', json.dumps(str(database))))
