"""Where a message's time goes: NLU parse vs the whole turn, per turn of the benchmark conversations.

`run.py` says how this bot compares; this says why. Each bot runs once more, alone,
with `--enable-api` on loopback, so `POST /model/parse` times the NLU pipeline by
itself; the rest of a turn is dialogue management, custom actions (an HTTP call to
the action server each) and the tracker store. Not part of `make bench`:

    .venv/bin/python bench/breakdown.py --model <project model> --starter-dir <rasa init folder>

(`run.py --keep` prints both paths at the end.)
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.conversations import PROJECT, STARTER, Target  # noqa: E402
from bench.load import new_session, say, webhook  # noqa: E402
from bench.procs import BIN, ROOT, Children, free_port, rasa_env  # noqa: E402
from bench.run import cold_start, newest_model, project_endpoints, snapshot_project, wait_http  # noqa: E402


async def parse_ms(port: int, text: str, repeats: int) -> tuple[float, str]:
    """Median time of /model/parse for one text, and the intent it gives."""
    times, intent = [], ""
    async with aiohttp.ClientSession() as session:
        for _ in range(repeats):
            started = time.perf_counter()
            async with session.post(f"http://127.0.0.1:{port}/model/parse", json={"text": text}) as response:
                body = await response.json()
            times.append((time.perf_counter() - started) * 1000)
            intent = body.get("intent", {}).get("name", "")
    return statistics.median(times), intent


async def turn_ms(port: int, target: Target, repeats: int) -> list[float]:
    """Median webhook time of each turn over `repeats` whole conversations."""
    per_turn: list[list[float]] = [[] for _ in target.conversation]
    async with new_session(1) as session:
        for _ in range(repeats):
            sender = f"breakdown-{uuid.uuid4().hex[:12]}"
            for index, turn in enumerate(target.conversation):
                reply = await say(session, webhook(port), sender, turn)
                per_turn[index].append(reply.latency_s * 1000)
    return [statistics.median(values) for values in per_turn]


def action_validation_ms(repeats: int = 20) -> float:
    """What Rasa spends checking one action server response against its JSON schema.

    Rasa 3.6 calls `jsonschema.validate` on every custom action's response, which
    checks the schema itself each time; a profile of the server under load puts about
    a third of its CPU there for this bot, whose form calls the action server twice a turn.
    """
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    response = {"events": [{"event": "slot", "name": "pain_score", "value": 6}], "responses": [{"text": "?"}]}
    jsonschema.validate(response, schema)
    started = time.perf_counter()
    for _ in range(repeats):
        jsonschema.validate(response, schema)
    return (time.perf_counter() - started) / repeats * 1000


def measure(port: int, target: Target, repeats: int) -> list[str]:
    turns = asyncio.run(turn_ms(port, target, repeats))
    lines = [f"{target.name}: {'turn':<52} {'whole turn':>10} {'parse':>7}  intent"]
    parse_total = 0.0
    for number, (turn, whole) in enumerate(zip(target.conversation, turns, strict=True), 1):
        parse, intent = asyncio.run(parse_ms(port, turn.text, repeats))
        parse_total += parse
        lines.append(f"  {number:>2} {turn.text[:48]:<49} {whole:>8.1f} ms {parse:>5.1f} ms  {intent}")
    lines.append(f"  sum: whole turns {sum(turns):.0f} ms, parse {parse_total:.0f} ms "
                 f"({100 * parse_total / sum(turns):.0f}%)")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="this project's model (file or folder)")
    parser.add_argument("--starter-dir", type=Path, required=True, help="a `rasa init` folder with models/")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rasa-breakdown-"))
    children = Children()
    lines: list[str] = []
    try:
        project = snapshot_project(work / "project")
        actions_port, port = free_port(), free_port()
        actions = children.start("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                                   "--port", str(actions_port)],
                                 project, rasa_env(project), work / "actions.log")
        wait_http(f"http://127.0.0.1:{actions_port}/health", actions, 600)
        rasa = children.start("project Rasa server",
                              [str(BIN / "rasa"), "run", "--model", str(args.model.resolve()), "--enable-api",
                               "--interface", "127.0.0.1", "--port", str(port),
                               "--endpoints", str(project_endpoints(project, work, actions_port))],
                              project, rasa_env(project), work / "rasa.log")
        cold_start(rasa, port, PROJECT)
        lines += measure(port, PROJECT, args.repeats)
        children.stop(rasa)
        children.stop(actions)

        starter = args.starter_dir.resolve()
        port = free_port()
        rasa = children.start("starter Rasa server",
                              [str(BIN / "rasa"), "run", "--model", str(newest_model(starter / "models")),
                               "--enable-api", "--interface", "127.0.0.1", "--port", str(port)],
                              starter, rasa_env(ROOT), work / "starter.log")
        cold_start(rasa, port, STARTER)
        lines += measure(port, STARTER, args.repeats)
    finally:
        children.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    lines.append(f"Rasa's JSON-schema check of one action server response: {action_validation_ms():.1f} ms")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
