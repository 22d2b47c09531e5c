"""Retention: idle conversations go whole, live ones stay whole (SQLite here; PostgreSQL in e2e)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.retention import main, purge_idle_conversations, tracker_store_url

DAY = 86_400
NOW = time.time()


def store_conversation(store: SQLTrackerStore, sender: str, *ages_days: float) -> None:
    events = []
    for age in ages_days:
        events += [UserUttered("my back hurts", timestamp=NOW - age * DAY),
                   BotUttered("Where does it hurt?", timestamp=NOW - age * DAY + 1)]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def senders(db: Path) -> dict[str, int]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("select sender_id, count(*) from events group by sender_id")).all()
    engine.dispose()
    return dict(rows)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "conversations.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    store_conversation(store, "old", 45, 40)
    store_conversation(store, "old-but-came-back", 60, 2)
    store_conversation(store, "recent", 3)
    store_conversation(store, "just-over", 30.1)
    store.engine.dispose()
    return path


def test_idle_conversations_are_deleted_whole_and_live_ones_kept_whole(db: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{db}")
    purge = purge_idle_conversations(engine, days=30, now=NOW)
    engine.dispose()
    assert (purge.conversations, purge.events) == (2, 6)
    assert senders(db) == {"old-but-came-back": 4, "recent": 2}


def test_dry_run_counts_and_deletes_nothing(db: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{db}")
    purge = purge_idle_conversations(engine, days=30, now=NOW, dry_run=True)
    engine.dispose()
    assert (purge.conversations, purge.events) == (2, 6)
    assert len(senders(db)) == 4


def test_command_reads_the_tracker_store_from_the_endpoints_file(db: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n")
    assert main(["--endpoints", str(endpoints), "--days", "10"]) == 0
    assert "Deleted 2 conversation(s)" in capsys.readouterr().out
    assert set(senders(db)) == {"old-but-came-back", "recent"}


def test_postgres_settings_become_a_postgres_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db.internal\n  port: 5433\n"
                         "  db: rasa\n  username: rasa\n  password: ${DB_PASSWORD}\n")
    url = tracker_store_url(endpoints)
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql", "db.internal", 5433, "rasa", "rasa", "s3cret")


def test_days_must_be_positive() -> None:
    with pytest.raises(SystemExit):
        main(["--days", "0"])
