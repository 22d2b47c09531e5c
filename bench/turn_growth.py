"""Where a late turn's extra time goes: one long conversation, in-process, timed part by part.

`run.py` measures turn 40 against turn 5 over HTTP; this loads the project's model in
this process (with its real action server and a fresh SQLite store) and times, for
turns 5, 10, 20, 30 and 40 of the benchmark's long conversation, the whole turn and
its parts: NLU, the policies (and within them the dialogue states), the action
server calls, and reading and saving the conversation. Not part of `make bench`:

    .venv/bin/python bench/turn_growth.py --model models/backpain.tar.gz [--rasa-own]

`--rasa-own` undoes levers 8 and 9 (Rasa's own dialogue states, no warm
conversations) to show what they changed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.conversations import PROJECT_LONG  # noqa: E402
from bench.procs import BIN, ROOT, Children, free_port, rasa_env  # noqa: E402
from bench.run import project_endpoints, wait_http  # noqa: E402

TURNS = (5, 10, 20, 30, 40)
PARTS = ("turn", "nlu", "policies", "states", "actions", "read", "save")
spent: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, part: str) -> None:
    """Add the time of every call of ``owner.name`` (sync or async) to ``spent[part]``."""
    original: Callable[..., Any] = getattr(owner, name)
    if asyncio.iscoroutinefunction(original):
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started
        setattr(owner, name, timed_async)
    else:
        def timed_sync(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started
        setattr(owner, name, timed_sync)


async def conversations(model: Path, endpoints: Path, repeats: int, rasa_own: bool) -> dict[int, dict[str, list]]:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import load_agent
    from rasa.core.processor import MessageProcessor
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.domain import Domain
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    import rasa_extensions  # noqa: F401  (the project's changes to Rasa, as the server runs them)
    from rasa_extensions import speedups
    from rasa_extensions.speedups import incremental_states

    speedups.install()  # the project's changes to Rasa, as the server runs them

    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    if rasa_own:
        Domain.states_for_tracker_history = incremental_states.rasa_own_states_for_tracker_history
    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
    ours = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's fail-safe wrapper
    store = type(ours)
    if rasa_own:
        ours.warm = _NeverWarm()
    for owner, name, part in ((MessageProcessor, "parse_message", "nlu"),
                              (MessageProcessor, "_predict_next_with_tracker", "policies"),
                              (Domain, "states_for_tracker_history", "states"),
                              (RemoteAction, "run", "actions"), (store, "retrieve", "read"), (store, "save", "save")):
        timed(owner, name, part)
    by_turn: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for repeat in range(repeats + 1):  # the first conversation warms up and is not counted
        sender = f"growth-{uuid.uuid4().hex[:12]}"
        for number, turn in enumerate(PROJECT_LONG, 1):
            spent.clear()
            started = time.perf_counter()
            await agent.handle_text(turn.text, sender_id=sender)
            spent["turn"] = time.perf_counter() - started
            if repeat and number in TURNS:
                for part in PARTS:
                    by_turn[number][part].append(spent[part] * 1000)
    return by_turn


class _NeverWarm:
    """Stands in for the warm conversations: every message reads the database, as in Rasa."""

    def take(self, *_: Any) -> None:
        return None

    def lend(self, *_: Any) -> None:
        return None

    def returned(self, *_: Any) -> None:
        return None

    def forget(self, *_: Any) -> None:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="this project's model (file or folder)")
    parser.add_argument("--repeats", type=int, default=5, help="long conversations timed (after one warm-up)")
    parser.add_argument("--rasa-own", action="store_true", help="without levers 8 and 9")
    args = parser.parse_args()
    children = Children()
    with tempfile.TemporaryDirectory(prefix="rasa-growth-") as folder:
        work = Path(folder)
        try:
            actions_port = free_port()
            actions = children.start("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                                       "--port", str(actions_port)],
                                     ROOT, rasa_env(ROOT), work / "actions.log")
            wait_http(f"http://127.0.0.1:{actions_port}/health", actions, 600)
            by_turn = asyncio.run(conversations(args.model.resolve(), project_endpoints(ROOT, work, actions_port),
                                                args.repeats, args.rasa_own))
        finally:
            children.stop_all()
    without = " (Rasa's own states and reads)" if args.rasa_own else ""
    print(f"medians over {args.repeats} conversations, ms{without}")
    print("turn " + "".join(f"{part:>10}" for part in PARTS))
    for number in TURNS:
        print(f"{number:>4} " + "".join(f"{statistics.median(by_turn[number][part]):>10.2f}" for part in PARTS))
    first, last = by_turn[TURNS[0]]["turn"], by_turn[TURNS[-1]]["turn"]
    print(f"turn {TURNS[-1]} / turn {TURNS[0]}: {statistics.median(last) / statistics.median(first):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
