"""Simulated clients talking to a Rasa server over the REST channel.

Closed loop: each client sends its next message only after the reply to the last
one arrived, as a person in a chat window does, so the latency of every message
is what a client would wait and messages per second is what the server sustains.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.conversations import Turn

REQUEST_TIMEOUT_S = 180.0


@dataclass
class Reply:
    ok: bool  # HTTP 200 and at least one message back
    right: bool  # ok and the expected fragment is in the reply
    latency_s: float
    text: str


@dataclass
class RoundResult:
    """Every message of one round at one concurrency level."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    wrong: int = 0
    messages: int = 0
    wall_s: float = 0.0
    wrong_examples: list[str] = field(default_factory=list)


def webhook(port: int) -> str:
    return f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def reply_text(messages: list[dict[str, Any]]) -> str:
    """The texts of a REST reply, plus custom payloads, so a check can see either."""
    parts = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]))
        if message.get("custom") is not None:
            parts.append(json.dumps(message["custom"]))
    return "\n".join(parts)


async def say(session: aiohttp.ClientSession, url: str, sender: str, turn: Turn) -> Reply:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": turn.text}) as response:
            status = response.status
            body = await response.json(content_type=None) if status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError, ValueError) as error:
        return Reply(False, False, time.perf_counter() - started, f"{type(error).__name__}: {error}")
    latency = time.perf_counter() - started
    if status != 200 or not isinstance(body, list) or not body:
        return Reply(False, False, latency, f"HTTP {status}: {str(body)[:200]}")
    text = reply_text(body)
    right = turn.expect is None or turn.expect in text.lower()
    return Reply(True, right, latency, text)


def new_session(clients: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=max(clients, 1) + 4)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))


async def _client(session: aiohttp.ClientSession, url: str, label: str, conversations: int,
                  script: tuple[Turn, ...], result: RoundResult) -> None:
    for _ in range(conversations):
        sender = f"bench-{label}-{uuid.uuid4().hex[:12]}"
        for turn in script:
            reply = await say(session, url, sender, turn)
            result.messages += 1
            result.latencies_s.append(reply.latency_s)
            if not reply.ok:
                result.errors += 1
                if len(result.wrong_examples) < 5:
                    result.wrong_examples.append(f"{turn.text!r} -> {reply.text[:200]}")
            elif not reply.right:
                result.wrong += 1
                if len(result.wrong_examples) < 5:
                    result.wrong_examples.append(f"{turn.text!r} (want {turn.expect!r}) -> {reply.text[:200]!r}")


def conversations_per_client(clients: int, min_conversations: int) -> int:
    """Enough conversations per client that a round has at least `min_conversations` in all.

    One client holding a single 9-turn conversation gives 9 samples, too few for a p95.
    """
    return max(1, math.ceil(min_conversations / clients))


async def run_round(port: int, clients: int, script: tuple[Turn, ...], min_conversations: int,
                    label: str) -> RoundResult:
    """All `clients` start together and each holds its conversations one after another."""
    result = RoundResult()
    per_client = conversations_per_client(clients, min_conversations)
    url = webhook(port)
    async with new_session(clients) as session:
        started = time.perf_counter()
        await asyncio.gather(*(_client(session, url, f"{label}-{index}", per_client, script, result)
                               for index in range(clients)))
        result.wall_s = time.perf_counter() - started
    return result


async def run_long(port: int, script: tuple[Turn, ...], label: str) -> tuple[list[float], list[str]]:
    """One long conversation alone; returns the latency of each turn and the wrong replies."""
    latencies: list[float] = []
    wrong: list[str] = []
    sender = f"bench-long-{label}-{uuid.uuid4().hex[:12]}"
    async with new_session(1) as session:
        for number, turn in enumerate(script, 1):
            reply = await say(session, webhook(port), sender, turn)
            latencies.append(reply.latency_s)
            if not reply.right:
                wrong.append(f"turn {number} {turn.text!r} (want {turn.expect!r}) -> {reply.text[:200]!r}")
    return latencies, wrong


async def first_right_reply(port: int, turn: Turn, started: float, timeout_s: float, alive: Any) -> float:
    """Seconds from `started` (a time.monotonic()) until `turn` gets its right answer; polls every 0.25 s.

    A fresh sender each try, so a half-loaded server's failed turn cannot spoil the next one.
    """
    deadline = started + timeout_s
    async with new_session(1) as session:
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError("the server exited before it answered")
            reply = await say(session, webhook(port), f"bench-cold-{uuid.uuid4().hex[:12]}", turn)
            if reply.right:
                return time.monotonic() - started
            await asyncio.sleep(0.25)
    raise RuntimeError(f"no right reply to {turn.text!r} within {timeout_s:.0f} s")
