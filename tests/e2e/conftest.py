"""Start the real action server and Rasa server for end-to-end tests.

Each test session gets its own ports, SQLite file and log files, so the suite
never touches a developer's running bot or its conversations.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.local_servers import endpoints_text, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 300


class Servers:
    """The running pair, with a way to talk to Rasa and to restart it."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.rasa_port, self.actions_port = free_port(), free_port()
        # The demo page's port (the `web` fixture): Rasa allows that origin with --cors, as serve.sh does.
        self.web_port = free_port()
        self.db = workdir / "conversations.db"
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(endpoints_text(self.actions_port, self.db))
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                    "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                    # Browsers may call Rasa only from the demo page's origin (rasa_extensions/channels/web.py).
                    "CORS_ORIGINS": f"http://localhost:{self.web_port}"}
        # Channels file; a test module may point it at another (messaging apps).
        self.credentials = ROOT / "credentials.yml"
        # More `rasa run` options, e.g. the HTTP API with its token.
        self.rasa_args: list[str] = []
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None
        self.rasa_starts = 0

    def _start(self, args: list[str], log: Path) -> subprocess.Popen:
        handle = log.open("a")
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        self.actions = self._start([str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                    "--port", str(self.actions_port)], log)
        wait_for(f"http://localhost:{self.actions_port}/health", self.actions, log, START_TIMEOUT_S)

    def start_rasa(self) -> None:
        self.rasa_starts += 1
        log = self.workdir / "rasa.log"
        self.rasa = self._start([str(BIN / "rasa"), "run", "--model", str(ROOT / "models"),
                                 "--endpoints", str(self.endpoints), "--credentials", str(self.credentials),
                                 "--port", str(self.rasa_port), "--cors", f"http://localhost:{self.web_port}",
                                 *self.rasa_args], log)
        wait_for(f"http://localhost:{self.rasa_port}/", self.rasa, log, START_TIMEOUT_S)
        # "/" answers before the model is ready; a real message proves the whole chain.
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if self.say(f"warmup-{uuid.uuid4().hex}", "hello"):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        raise RuntimeError("Rasa never replied")

    def stop(self, process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
        if process and process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"http://localhost:{self.rasa_port}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.workdir.glob("*.log"))


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not (ROOT / "models").is_dir() or not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model: run `make train` (make test does it) first")
    running = Servers(tmp_path_factory.mktemp("e2e"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop(running.rasa)
        running.stop(running.actions)


@pytest.fixture(scope="session")
def web(servers: Servers) -> Iterator[str]:
    """The demo clinic page (scripts/web_server.py) pointed at the test Rasa server; yields its URL."""
    log = servers.workdir / "web.log"
    env = {**servers.env, "WEB_PORT": str(servers.web_port), "RASA_URL": f"http://localhost:{servers.rasa_port}"}
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "web_server.py")], cwd=ROOT, env=env,
                               stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://localhost:{servers.web_port}/"
        wait_for(url, process, log, timeout=30)
        yield url
    finally:
        servers.stop(process)
