"""Benchmark this assistant against Rasa's own starter bot (`rasa init`), issue #6.

One run trains both bots from scratch, starts their servers, drives them over the
REST channel with 1, 10 and 50 concurrent clients holding real multi-turn
conversations, and prints latency, throughput, memory, cold start and training
figures, ending with this bot's ratios to the starter bot and which targets are met.

The two bots are measured on the same machine in the same run, and their load
rounds are interleaved, so that whatever else the machine does falls on both
alike: only the ratios are meant to carry over to another machine.

Run it with `make bench` (or `.venv/bin/python bench/run.py --help`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    # `python bench/run.py` puts bench/ on sys.path, not the repo root.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report  # noqa: E402
from bench.conversations import PROJECT, STARTER, Target  # noqa: E402
from bench.load import first_right_reply, run_long, run_round  # noqa: E402
from bench.procs import (  # noqa: E402
    BIN,
    ROOT,
    Child,
    Children,
    free_port,
    machine_busy_jiffies,
    rasa_env,
    run_timed,
    tree_cpu_jiffies,
    tree_memory_mb,
)

PROJECT_FILES = ("domain.yml", "config.yml", "data", "endpoints.yml", "credentials.yml", "actions", "bot",
                 "rasa_extensions", "clinic.yml")
RESULTS = ROOT / "bench" / "results"
TRAIN_TIMEOUT_S = 1800.0
START_TIMEOUT_S = 600.0
LONG_TURNS = (5, 40)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Turns that send the very same texts early and late in the long conversations (see conversations.py).
SAME_TEXT_TURNS = {"project": (10, 40), "starter": (5, 40)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients, comma separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per level and bot, interleaved")
    parser.add_argument("--min-conversations", type=int, default=10,
                        help="conversations per round at least (one client holds several in turn)")
    parser.add_argument("--long-samples", type=int, default=5, help="long conversations per bot")
    parser.add_argument("--skip-train", action="store_true",
                        help="reuse trained models (--model and --starter-dir) instead of training")
    parser.add_argument("--model", type=Path, help="this project's model (file or folder), with --skip-train")
    parser.add_argument("--starter-dir", type=Path,
                        help="a `rasa init` folder with a trained models/, with --skip-train")
    parser.add_argument("--workdir", type=Path, help="work folder (a new temporary folder if not given)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (models, logs) afterwards")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.txt", help="where the report is written")
    args = parser.parse_args(argv)
    args.levels = [int(level) for level in args.levels.split(",") if level.strip()]
    if args.skip_train and not (args.model and args.starter_dir):
        parser.error("--skip-train needs --model and --starter-dir")
    return args


def say_line(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)


# --- Preparation and training ------------------------------------------------------------------------------


def snapshot_project(dest: Path) -> Path:
    """Copy the project's Rasa files, so a colleague's edit during the run changes nothing measured."""
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db-journal")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    return dest


def scaffold_starter(children: Children, work: Path) -> Path:
    """`rasa init --no-prompt` writes the starter project, then trains it; stop it once the files are written.

    The benchmark times its own `rasa train` from scratch, so the training that init starts
    would only cost three untimed minutes.
    """
    starter = work / "starter"
    starter.mkdir()  # with --no-prompt, rasa init refuses a folder that does not exist
    log = work / "logs" / "starter-init.log"
    child = children.start("rasa init", [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(starter)],
                           work, rasa_env(ROOT, work / "cache-init"), log)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if "Finished creating project structure" in child.log_tail(100_000) or not child.alive():
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"rasa init did not create the project; log tail:\n{child.log_tail()}")
    finally:
        children.stop(child)
    if not (starter / "config.yml").is_file() or not (starter / "data" / "nlu.yml").is_file():
        raise RuntimeError(f"rasa init left no project in {starter}; log tail:\n{child.log_tail()}")
    for leftover in (starter / "models", starter / ".rasa", work / "cache-init"):
        shutil.rmtree(leftover, ignore_errors=True)
    return starter


def newest_model(folder: Path) -> Path:
    models = sorted(folder.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise RuntimeError(f"no model in {folder}")
    return models[-1]


def train(children: Children, name: str, project: Path, pythonpath: Path, out: Path, cache: Path,
          log: Path) -> float:
    args = [str(BIN / "rasa"), "train", "--out", str(out)]
    return run_timed(children, name, args, project, rasa_env(pythonpath, cache), log, TRAIN_TIMEOUT_S)


def retrain(children: Children, figures: report.TargetFigures, project: Path, pythonpath: Path, out: Path,
            cache: Path, logs: Path, calls: int) -> None:
    """Call `rasa train` again with nothing changed and record what the training cache spared.

    Rasa 3 always packs a new model file; "skipped" means every component came from the cache.
    """
    for number in range(2, calls + 2):
        ordinal = report.ORDINALS.get(number, str(number))
        say_line(f"{figures.name}: rasa train, {ordinal} call, nothing changed")
        log = logs / f"{figures.name}-train-{ordinal}.log"
        seconds = train(children, f"{figures.name} {ordinal} train", project, pythonpath, out, cache, log)
        text = log.read_text(errors="replace")
        trained = re.findall(r"Starting to train component '([^']+)'", text)
        figures.retrains.append(report.Retrain(seconds, trained, text.count("Restored component")))
        say_line(f"  {figures.retrains[-1].describe()}")


def train_both(children: Children, work: Path, project: Path, figures: dict[str, report.TargetFigures]
               ) -> tuple[Path, Path]:
    """Both bots from scratch (empty training caches), then again to see the cache skip the work."""
    logs = work / "logs"
    say_line("starter bot: rasa init")
    starter = scaffold_starter(children, work)
    say_line("starter bot: rasa train from scratch")
    figures["starter"].train_s = train(children, "starter train", starter, ROOT, starter / "models",
                                       work / "cache-starter", logs / "starter-train.log")
    say_line(f"  {figures['starter'].train_s:.0f} s")
    retrain(children, figures["starter"], starter, ROOT, starter / "models", work / "cache-starter", logs, 1)

    out = work / "project-models"
    say_line("project: rasa train from scratch")
    figures["project"].train_s = train(children, "project train", project, project, out, work / "cache-project",
                                       logs / "project-train.log")
    say_line(f"  {figures['project'].train_s:.0f} s")
    # A third call shows the steady state when the second one still trains something.
    retrain(children, figures["project"], project, project, out, work / "cache-project", logs, 2)
    return newest_model(out), newest_model(starter / "models")


# --- Servers -----------------------------------------------------------------------------------------------


def wait_http(url: str, child: Child, timeout_s: float) -> float:
    """Seconds from the child's start until `url` answers 200."""
    deadline = child.started + timeout_s
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited; log tail:\n{child.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - child.started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s; log tail:\n{child.log_tail()}")


def cold_start(child: Child, port: int, target: Target) -> float:
    try:
        return asyncio.run(first_right_reply(port, target.hello, child.started, START_TIMEOUT_S, child.alive))
    except RuntimeError as error:
        raise RuntimeError(f"{child.name}: {error}; log tail:\n{child.log_tail()}") from error


def project_endpoints(project: Path, work: Path, actions_port: int) -> Path:
    """The project's endpoints with the action server on its free port and a fresh SQLite file."""
    text = (project / "endpoints.yml").read_text()
    for needle in ("localhost:5055", '"conversations.db"'):
        if needle not in text:
            raise RuntimeError(f"endpoints.yml no longer contains {needle}: update bench/run.py")
    path = work / "project-endpoints.yml"
    path.write_text(text.replace("localhost:5055", f"localhost:{actions_port}")
                    .replace('"conversations.db"', json.dumps(str(work / "conversations.db"))))
    return path


def start_servers(children: Children, work: Path, project: Path, project_model: Path, starter_dir: Path,
                  starter_model: Path, figures: dict[str, report.TargetFigures]) -> dict[str, tuple[Child, int]]:
    """One server at a time, so each cold start has the machine to itself."""
    logs = work / "logs"
    actions_port, project_port, starter_port = free_port(), free_port(), free_port()
    say_line("project: action server")
    actions = children.start("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                               "--port", str(actions_port)],
                             project, rasa_env(project), logs / "project-actions.log")
    figures["project"].actions_start_s = wait_http(f"http://127.0.0.1:{actions_port}/health", actions,
                                                   START_TIMEOUT_S)
    say_line(f"  ready after {figures['project'].actions_start_s:.1f} s")

    say_line("project: Rasa server cold start")
    endpoints = project_endpoints(project, work, actions_port)
    rasa = children.start("project Rasa server",
                          [str(BIN / "rasa"), "run", "--model", str(project_model), "--endpoints", str(endpoints),
                           "--credentials", str(project / "credentials.yml"), "--port", str(project_port),
                           "--interface", "127.0.0.1"],
                          project, rasa_env(project), logs / "project-rasa.log")
    figures["project"].cold_start_s = cold_start(rasa, project_port, PROJECT)
    say_line(f"  {figures['project'].cold_start_s:.1f} s")

    say_line("starter bot: Rasa server cold start (its default endpoints: in-memory tracker store)")
    starter = children.start("starter Rasa server",
                             [str(BIN / "rasa"), "run", "--model", str(starter_model), "--port", str(starter_port),
                              "--interface", "127.0.0.1"],
                             starter_dir, rasa_env(ROOT), logs / "starter-rasa.log")
    figures["starter"].cold_start_s = cold_start(starter, starter_port, STARTER)
    say_line(f"  {figures['starter'].cold_start_s:.1f} s")
    return {"project": (rasa, project_port), "starter": (starter, starter_port), "actions": (actions, actions_port)}


# --- Load --------------------------------------------------------------------------------------------------


def our_cpu_jiffies(servers: dict[str, tuple[Child, int]]) -> int:
    """CPU ticks used so far by the benchmark, its finished children (trainings) and its running servers."""
    own = os.times()
    spent = own.user + own.system + own.children_user + own.children_system
    return round(spent * CLOCK_TICKS) + sum(tree_cpu_jiffies(child.pid) for child, _ in servers.values())


def cpu_mark(servers: dict[str, tuple[Child, int]]) -> tuple[float, int, int]:
    return time.monotonic(), machine_busy_jiffies(), our_cpu_jiffies(servers)


def others_cores(mark: tuple[float, int, int], servers: dict[str, tuple[Child, int]]) -> str:
    """How many cores other processes kept busy since `mark`: on a shared machine, the main source of noise."""
    started, busy, ours = mark
    capacity = (time.monotonic() - started) * CLOCK_TICKS
    others = (machine_busy_jiffies() - busy) - (our_cpu_jiffies(servers) - ours)
    return f"other processes used {others / capacity:.2f} of {os.cpu_count()} cores ({capacity / CLOCK_TICKS:.0f} s)"


def drive(servers: dict[str, tuple[Child, int]], args: argparse.Namespace,
          figures: dict[str, report.TargetFigures]) -> str:
    """Warm-up, the interleaved load rounds, then the long conversations; returns others' CPU use meanwhile."""
    targets = {"project": PROJECT, "starter": STARTER}
    say_line("warm-up: one conversation each (not counted)")
    for name, target in targets.items():
        asyncio.run(run_round(servers[name][1], 1, target.conversation, 1, f"warm-{name}"))
    mark = cpu_mark(servers)

    for clients in args.levels:
        for round_index in range(args.rounds):
            # A round for one bot, then the same for the other, first one first and then the other.
            order = ["project", "starter"] if round_index % 2 == 0 else ["starter", "project"]
            for name in order:
                result = asyncio.run(run_round(servers[name][1], clients, targets[name].conversation,
                                               args.min_conversations, f"{name}-n{clients}-r{round_index}"))
                stats = figures[name].levels.setdefault(clients, report.LevelStats(clients))
                stats.rounds.append(result)
                say_line(f"  {name:<7} N={clients:<3} round {round_index + 1}: {result.messages} msgs in "
                         f"{result.wall_s:.1f} s ({result.messages / result.wall_s:.1f}/s), "
                         f"p50 {report.percentile(result.latencies_s, 0.5) * 1000:.0f} ms, "
                         f"{result.errors} errors, {result.wrong} wrong")
                for example in result.wrong_examples[:2]:
                    say_line(f"    e.g. {example}")

    say_line("long conversations, one at a time")
    for sample in range(args.long_samples):
        for name in (["project", "starter"] if sample % 2 == 0 else ["starter", "project"]):
            latencies, wrong = asyncio.run(run_long(servers[name][1], targets[name].long_conversation, name))
            figures[name].long.samples.append(latencies)
            figures[name].long.wrong += len(wrong)
            for example in wrong[:2]:
                say_line(f"  {name} long conversation, wrong reply: {example}")

    return others_cores(mark, servers)


def measure_memory(servers: dict[str, tuple[Child, int]], figures: dict[str, report.TargetFigures]) -> None:
    for name in ("project", "starter"):
        figures[name].rasa_rss_mb, figures[name].rasa_peak_mb = tree_memory_mb(servers[name][0].pid)
    figures["project"].actions_rss_mb, figures["project"].actions_peak_mb = tree_memory_mb(servers["actions"][0].pid)


# --- Report ------------------------------------------------------------------------------------------------


def git_state() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *PROJECT_FILES], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes to the bot's files" if dirty else "")


def render(figures: dict[str, report.TargetFigures], args: argparse.Namespace, started: dt.datetime,
           load_before: str, load_after: str, noise: list[str]) -> str:
    targets = [figures["project"], figures["starter"]]
    lines = [
        "Benchmark: this assistant ('project') vs Rasa's starter bot ('starter', rasa init), issue #6",
        f"run {started:%Y-%m-%d %H:%M} to {dt.datetime.now():%H:%M}; commit {git_state()}",
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}; load average before {load_before}, after {load_after}",
        "; ".join(noise),
        f"levels {args.levels}, {args.rounds} interleaved rounds per level, at least {args.min_conversations} "
        f"conversations per round; project conversation {len(PROJECT.conversation)} turns, "
        f"starter {len(STARTER.conversation)} turns",
        "",
        "Latency per message and throughput (closed loop: each client waits for the reply before its next message)",
        *report.level_table(targets),
        "",
        "Training, start-up and memory",
        *report.resource_lines(targets),
        "",
        f"Long conversation: turn {LONG_TURNS[1]} vs turn {LONG_TURNS[0]} (one client, no other benchmark traffic)",
        *report.long_lines(targets, LONG_TURNS, SAME_TEXT_TURNS),
        "",
        "This bot / starter bot, and the targets",
    ]
    lines += [verdict.line() for verdict in report.verdicts(figures["project"], figures["starter"], LONG_TURNS,
                                                          SAME_TEXT_TURNS["project"])]
    return "\n".join(lines) + "\n"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# --- Main --------------------------------------------------------------------------------------------------


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = dt.datetime.now()
    load_before = loadavg()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="rasa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    say_line(f"work folder {work}")
    children = Children()
    figures = {name: report.TargetFigures(name) for name in ("project", "starter")}
    noise: list[str] = []
    ok = False
    try:
        project = snapshot_project(work / "project")
        if args.skip_train:
            project_model = args.model.resolve()
            starter_dir = args.starter_dir.resolve()
            starter_model = newest_model(starter_dir / "models")
        else:
            mark = cpu_mark({})
            project_model, starter_model = train_both(children, work, project, figures)
            noise.append(f"while training, {others_cores(mark, {})}")
            starter_dir = work / "starter"
        servers = start_servers(children, work, project, project_model, starter_dir, starter_model, figures)
        noise.append(f"during the load phase, {drive(servers, args, figures)}")
        measure_memory(servers, figures)
        text = render(figures, args, started, load_before, loadavg(), noise)
        print("\n" + text, end="", flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        say_line(f"written to {args.out}")
        ok = True
        # The servers' logs explain errors and wrong replies; the work folder (models) goes away.
        kept_logs = args.out.parent / "logs"
        shutil.rmtree(kept_logs, ignore_errors=True)
        shutil.copytree(work / "logs", kept_logs)
        say_line(f"server and training logs copied to {kept_logs}")
    finally:
        children.stop_all()
        if ok and not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            say_line(f"work folder kept: {work} (logs in {work / 'logs'})")
            if not args.skip_train and (work / "project-models").is_dir():
                say_line(f"  reuse: --skip-train --model {work / 'project-models'} --starter-dir {work / 'starter'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
