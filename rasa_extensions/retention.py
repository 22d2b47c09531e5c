"""Delete conversations nobody has touched for a number of days (default 30).

Client conversations are health data, so the clinic keeps them no longer than it
needs to. A conversation counts from its latest event: one still going on is kept
whole, one idle past the limit goes entirely. Works on whatever SQL tracker store
the endpoints file names (SQLite by default, PostgreSQL in production).

    python -m rasa_extensions.retention [--days 30] [--endpoints endpoints.yml] [--dry-run]

``RETENTION_DAYS`` sets the default number of days. Run it daily (cron, a systemd
timer or a Kubernetes CronJob); ``make forget-old`` runs it once.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.utils.endpoints import read_endpoint_config

from bot import settings
from rasa_extensions.stores.sqlite import sqlite_settings

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Purge:
    conversations: int
    events: int


def tracker_store_url(endpoints: Path) -> sa.engine.URL:
    """The database the tracker store writes to, from the same settings Rasa reads."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None:
        raise SystemExit(f"{endpoints} names no tracker_store: nothing is stored, nothing to delete.")
    settings: dict[str, Any] = config.kwargs
    dialect = settings.get("dialect", "sqlite")
    if dialect == "sqlite":
        return sa.engine.URL.create("sqlite", database=settings.get("db", "rasa.db"))
    return sa.engine.URL.create(dialect, username=settings.get("username"), password=settings.get("password"),
                                host=config.url, port=settings.get("port"), database=settings.get("db", "rasa"),
                                query=settings.get("query") or {})


def purge_idle_conversations(engine: sa.engine.Engine, days: float, now: float | None = None,
                             dry_run: bool = False) -> Purge:
    """Delete every event of each conversation whose latest event is older than ``days``."""
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    idle = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
            .having(sa.func.max(events.c.timestamp) < cutoff))
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(idle)]
        if not senders or dry_run:
            count = connection.execute(sa.select(sa.func.count()).select_from(events)
                                       .where(events.c.sender_id.in_(senders))).scalar() if senders else 0
            return Purge(len(senders), int(count or 0))
        deleted = connection.execute(events.delete().where(events.c.sender_id.in_(senders))).rowcount
    return Purge(len(senders), deleted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=settings.retention_days(),
                        help="delete conversations idle for longer than this (default: RETENTION_DAYS or 30)")
    parser.add_argument("--endpoints", type=Path, default=settings.endpoints_file())
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days must be more than 0")
    engine = sa.create_engine(tracker_store_url(args.endpoints))
    if engine.url.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", sqlite_settings)
    try:
        purge = purge_idle_conversations(engine, args.days, dry_run=args.dry_run)
    except sa.exc.NoSuchTableError:
        print("No conversations are stored yet.")
        return 0
    finally:
        engine.dispose()
    verb = "Would delete" if args.dry_run else "Deleted"
    print(f"{verb} {purge.conversations} conversation(s) idle for more than {args.days:g} days "
          f"({purge.events} events).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
