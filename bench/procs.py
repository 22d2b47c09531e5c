"""Child processes for the benchmark: start, time, measure and always stop them.

Every Rasa process runs in its own session (process group), so stopping it also
stops whatever it spawned; the registry below lets `run.py` stop all of them in
a `finally`, whatever went wrong in between.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"

# Quiet, offline Rasa, the same for every process of both bots.
BASE_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


def rasa_env(pythonpath: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """Environment for a Rasa process; a private cache dir makes a training start from scratch."""
    env = {**os.environ, **BASE_ENV, "PYTHONPATH": str(pythonpath)}
    if cache_dir is not None:
        # Rasa's training cache lives in ./.rasa/cache unless told otherwise; a shared
        # cache would turn "from scratch" into a restore.
        env["RASA_CACHE_DIRECTORY"] = str(cache_dir)
    return env


def free_port() -> int:
    """A loopback port that is free now (picked at run time, never a fixed one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Child:
    """A running process with its start time and log file."""

    name: str
    process: subprocess.Popen[bytes]
    started: float
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@dataclass
class Children:
    """Every process the benchmark started, so that all can be stopped at the end."""

    running: list[Child] = field(default_factory=list)

    def start(self, name: str, args: list[str], cwd: Path, env: dict[str, str], log: Path) -> Child:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as handle:
            started = time.monotonic()
            process = subprocess.Popen(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        child = Child(name, process, started, log)
        self.running.append(child)
        return child

    def stop(self, child: Child, grace_s: float = 20.0) -> None:
        """SIGTERM the child's whole process group, then SIGKILL what is left after the grace time."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(child.pid, sig)
            except ProcessLookupError:
                break
            try:
                child.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; make sure nothing else of its group survives it.
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        if child in self.running:
            self.running.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self.running)):
            self.stop(child)


def run_timed(children: Children, name: str, args: list[str], cwd: Path, env: dict[str, str], log: Path,
              timeout_s: float) -> float:
    """Run a command to completion and return its wall time; raise with the log tail if it fails."""
    child = children.start(name, args, cwd, env, log)
    try:
        code = child.process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"{name} did not finish within {timeout_s:.0f} s; log tail:\n{child.log_tail()}") from error
    finally:
        children.stop(child)
    elapsed = time.monotonic() - child.started
    if code != 0:
        raise RuntimeError(f"{name} exited with {code}; log tail:\n{child.log_tail()}")
    return elapsed


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def _tree(pid: int) -> set[int]:
    """A process and all its living descendants."""
    parents = _parents()
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory (VmRSS) and the sum of peaks (VmHWM) of a process and all its descendants, in MiB."""
    tree = _tree(pid)
    rss_kb = peak_kb = 0
    for member in tree:
        try:
            status = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kb += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak_kb += int(line.split()[1])
    return rss_kb / 1024, peak_kb / 1024


def machine_busy_jiffies() -> int:
    """CPU time (clock ticks) all cores spent not idle since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle


def tree_cpu_jiffies(pid: int) -> int:
    """CPU time (clock ticks, user + system) used so far by a process and its living descendants."""
    tree = _tree(pid)
    total = 0
    for member in tree:
        try:
            stat = Path(f"/proc/{member}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total
