"""Figures, ratios and targets: turning raw measurements into the printed report.

Kept apart from the process and load code so the verdicts (what "met" means) can
be read in one place.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.load import RoundResult

TRAIN_LIMIT_S = 600.0
RSS_LIMIT_RATIO = 1.2
LONG_LIMIT_RATIO = 1.2
ORDINALS = {2: "second", 3: "third"}


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolation percentile (numpy's default), without numpy in the bench process."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LevelStats:
    """All rounds of one target at one concurrency level, merged."""

    clients: int
    rounds: list[RoundResult] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        return [value * 1000 for one in self.rounds for value in one.latencies_s]

    @property
    def messages(self) -> int:
        return sum(one.messages for one in self.rounds)

    @property
    def errors(self) -> int:
        return sum(one.errors for one in self.rounds)

    @property
    def wrong(self) -> int:
        return sum(one.wrong for one in self.rounds)

    @property
    def per_second(self) -> float:
        wall = sum(one.wall_s for one in self.rounds)
        return self.messages / wall if wall else float("nan")

    @property
    def round_rates(self) -> list[float]:
        return [one.messages / one.wall_s for one in self.rounds if one.wall_s]

    def p(self, fraction: float) -> float:
        return percentile(self.latencies_ms, fraction)


@dataclass
class LongStats:
    """Per-turn latencies of several long conversations held one at a time."""

    samples: list[list[float]] = field(default_factory=list)
    wrong: int = 0

    def around(self, turn: int, width: int = 1) -> float:
        """Median latency (ms) of turns turn-width..turn+width (1-based) over all samples."""
        values = [sample[index] * 1000 for sample in self.samples
                  for index in range(turn - 1 - width, turn + width) if 0 <= index < len(sample)]
        return statistics.median(values) if values else float("nan")


@dataclass
class Retrain:
    """A `rasa train` call after the first, with nothing changed."""

    seconds: float
    trained: list[str]  # components trained again instead of restored from the cache
    restored: int

    @property
    def skipped(self) -> bool:
        return not self.trained

    def describe(self) -> str:
        what = "skipped" if self.skipped else "RETRAINED " + ", ".join(self.trained)
        return f"{what} in {self.seconds:.1f} s ({len(self.trained)} components trained, {self.restored} restored)"


@dataclass
class TargetFigures:
    name: str
    levels: dict[int, LevelStats] = field(default_factory=dict)
    long: LongStats = field(default_factory=LongStats)
    train_s: float | None = None
    retrains: list[Retrain] = field(default_factory=list)
    cold_start_s: float | None = None
    rasa_rss_mb: float | None = None
    rasa_peak_mb: float | None = None
    actions_rss_mb: float | None = None
    actions_peak_mb: float | None = None
    actions_start_s: float | None = None

    @property
    def total_rss_mb(self) -> float | None:
        if self.rasa_rss_mb is None:
            return None
        return self.rasa_rss_mb + (self.actions_rss_mb or 0.0)


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


@dataclass
class Verdict:
    label: str
    ratio: float | None
    rule: str
    met: bool | None
    detail: str

    def line(self) -> str:
        state = "n/a" if self.met is None else ("met" if self.met else "NOT MET")
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}"
        return f"  {self.label:<38} {ratio:>6}  ({self.rule:<16}) {state:<8} {self.detail}"


def verdicts(ours: TargetFigures, ref: TargetFigures, long_turns: tuple[int, int],
             same_text_turns: tuple[int, int] | None = None) -> list[Verdict]:
    """The targets of issue #6, each as this bot / starter bot (or an absolute limit)."""
    found: list[Verdict] = []

    def at_most(label: str, a: float | None, b: float | None, limit: float, unit: str) -> None:
        ratio = _ratio(a, b)
        found.append(Verdict(label, ratio, f"ratio <= {limit:.2f}", None if ratio is None else ratio <= limit,
                             f"{_num(a)} vs {_num(b)} {unit}"))

    def at_least(label: str, a: float | None, b: float | None, limit: float, unit: str) -> None:
        ratio = _ratio(a, b)
        found.append(Verdict(label, ratio, f"ratio >= {limit:.2f}", None if ratio is None else ratio >= limit,
                             f"{_num(a)} vs {_num(b)} {unit}"))

    for clients in (1, 10):
        mine, theirs = ours.levels.get(clients), ref.levels.get(clients)
        if mine and theirs:
            at_most(f"p50 latency, {clients} client(s)", mine.p(0.5), theirs.p(0.5), 1.0, "ms")
            at_most(f"p95 latency, {clients} client(s)", mine.p(0.95), theirs.p(0.95), 1.0, "ms")
    for clients in (10, 50):
        mine, theirs = ours.levels.get(clients), ref.levels.get(clients)
        if mine and theirs:
            at_least(f"messages/s, {clients} clients", mine.per_second, theirs.per_second, 1.0, "msg/s")
    at_most("cold start", ours.cold_start_s, ref.cold_start_s, 1.0, "s")
    at_most("RSS, Rasa server", ours.rasa_rss_mb, ref.rasa_rss_mb, RSS_LIMIT_RATIO, "MiB")
    at_most("RSS, Rasa + action server (info)", ours.total_rss_mb, ref.total_rss_mb, RSS_LIMIT_RATIO, "MiB")
    if ours.long.samples:
        early, late = long_turns
        at_most(f"turn {late} / turn {early} latency", ours.long.around(late), ours.long.around(early),
                LONG_LIMIT_RATIO, "ms")
        if same_text_turns and same_text_turns != long_turns:
            # Turn 5 of an assessment is a form turn and turn 40 an FAQ: the same texts compare like with like.
            first, second = same_text_turns
            at_most(f"turn {second} / turn {first}, same texts (info)", ours.long.around(second),
                    ours.long.around(first), LONG_LIMIT_RATIO, "ms")
    if ours.train_s is not None:
        found.append(Verdict("train from scratch", None, f"< {TRAIN_LIMIT_S:.0f} s", ours.train_s < TRAIN_LIMIT_S,
                             f"{ours.train_s:.0f} s (starter {_num(ref.train_s, 0)} s)"))
    for number, retrain in enumerate(ours.retrains, 2):
        found.append(Verdict(f"{ORDINALS.get(number, number)} train skipped (info)", None, "all from cache",
                             retrain.skipped, retrain.describe()))
    return found


def level_table(targets: list[TargetFigures]) -> list[str]:
    lines = [f"  {'target':<8} {'N':>3} {'msgs':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>7} "
             f"{'errors':>6} {'wrong':>5}  msg/s per round"]
    clients_seen = sorted({clients for target in targets for clients in target.levels})
    for clients in clients_seen:
        for target in targets:
            stats = target.levels.get(clients)
            if not stats:
                continue
            rates = " ".join(f"{rate:.1f}" for rate in stats.round_rates)
            lines.append(f"  {target.name:<8} {clients:>3} {stats.messages:>6} {stats.p(0.5):>8.0f} "
                         f"{stats.p(0.95):>8.0f} {stats.p(0.99):>8.0f} {stats.per_second:>7.2f} "
                         f"{stats.errors:>6} {stats.wrong:>5}  [{rates}]")
    return lines


def resource_lines(targets: list[TargetFigures]) -> list[str]:
    lines = []
    for target in targets:
        lines.append(f"  {target.name}: train from scratch {_num(target.train_s, 0)} s")
        for number, retrain in enumerate(target.retrains, 2):
            lines.append(f"  {target.name}: {ORDINALS.get(number, number)} train, nothing changed: "
                         f"{retrain.describe()}")
        lines.append(f"  {target.name}: cold start (process start -> first right reply to 'hi') "
                     f"{_num(target.cold_start_s)} s"
                     + (f"; action server ready after {_num(target.actions_start_s)} s (started before Rasa)"
                        if target.actions_start_s is not None else ""))
        lines.append(f"  {target.name}: RSS after the run: Rasa server {_num(target.rasa_rss_mb, 0)} MiB "
                     f"(peak {_num(target.rasa_peak_mb, 0)})"
                     + (f", action server {_num(target.actions_rss_mb, 0)} MiB (peak {_num(target.actions_peak_mb, 0)})"
                        if target.actions_rss_mb is not None else ", no action server"))
    return lines


def long_lines(targets: list[TargetFigures], long_turns: tuple[int, int],
               same_text_turns: dict[str, tuple[int, int]]) -> list[str]:
    early, late = long_turns
    lines = []
    for target in targets:
        if not target.long.samples:
            continue
        a, b = target.long.around(early), target.long.around(late)
        lines.append(f"  {target.name}: median of turns {early - 1}-{early + 1}: {a:.0f} ms; "
                     f"turns {late - 1}-{late + 1}: {b:.0f} ms; ratio {b / a:.2f} "
                     f"({len(target.long.samples)} conversations of {len(target.long.samples[0])} turns, "
                     f"{target.long.wrong} wrong replies)")
        if target.name in same_text_turns:
            first, second = same_text_turns[target.name]
            c, d = target.long.around(first), target.long.around(second)
            lines.append(f"  {target.name}: same texts at turns {first - 1}-{first + 1} vs {second - 1}-{second + 1}: "
                         f"{c:.0f} ms vs {d:.0f} ms, ratio {d / c:.2f}")
    return lines
