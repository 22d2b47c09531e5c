"""Every SQLite connection to the conversations writes ahead, flushes once per turn and overwrites what it deletes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from rasa_extensions.stores.sqlite import sqlite_settings

SECRET = "Quentin Marlowe cannot control his bladder"
PRAGMAS = ("journal_mode", "synchronous", "secure_delete")


def sqlite_as_some_builds_ship_it(connection: Any, _: Any) -> None:
    """Builds differ (this one turns secure_delete on by default); start every connection from the plain defaults."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA secure_delete=OFF")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def engine(path: Path, with_settings: bool = True) -> sa.engine.Engine:
    """An engine as the tracker store and `make forget-old` set one up: the settings as a "connect" listener."""
    created = sa.create_engine(f"sqlite:///{path}")
    sa.event.listen(created, "connect", sqlite_as_some_builds_ship_it)
    if with_settings:
        sa.event.listen(created, "connect", sqlite_settings)
    return created


def pragmas(connection: sa.engine.Connection) -> tuple[Any, ...]:
    return tuple(connection.execute(sa.text(f"PRAGMA {name}")).scalar() for name in PRAGMAS)


def test_every_connection_writes_ahead_with_normal_sync_and_secure_delete(tmp_path: Path) -> None:
    store = engine(tmp_path / "conversations.db")
    with store.connect() as first, store.connect() as second:  # two pooled connections, each set up on connect
        assert pragmas(first) == pragmas(second) == ("wal", 1, 1)


def test_without_the_settings_the_connection_keeps_sqlites_defaults(tmp_path: Path) -> None:
    """The control for the test above: the values come from the listener, not from this machine's SQLite."""
    with engine(tmp_path / "conversations.db", with_settings=False).connect() as connection:
        assert pragmas(connection) == ("delete", 2, 0)


def test_the_database_file_stays_in_wal_mode_for_every_other_reader(tmp_path: Path) -> None:
    """WAL is a property of the file: the retention command and sqlite3 itself see it, and read without waiting."""
    path = tmp_path / "conversations.db"
    store = engine(path)
    with store.begin() as connection:
        connection.execute(sa.text("create table events (id integer primary key, data text)"))
        connection.execute(sa.text("insert into events (data) values ('a turn')"))
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert other.execute("select data from events").fetchall() == [("a turn",)]
    store.dispose()


@pytest.mark.parametrize(("with_settings", "left_on_disk"), [(True, False), (False, True)])
def test_a_deleted_conversation_is_overwritten_on_disk(tmp_path: Path, with_settings: bool,
                                                       left_on_disk: bool) -> None:
    """A client who asked to be forgotten must not stay readable in the file's free pages."""
    path = tmp_path / "conversations.db"
    store = engine(path, with_settings)
    with store.begin() as connection:
        connection.execute(sa.text("create table events (id integer primary key, data text)"))
        connection.execute(sa.text("insert into events (data) values (:data)"), [{"data": SECRET},
                                                                                 {"data": "another client " * 20}])
    with store.begin() as connection:
        connection.execute(sa.text("delete from events where data = :data"), {"data": SECRET})
    store.dispose()  # the last connection closing checkpoints the write-ahead log into the file
    files = list(tmp_path.glob("conversations.db*"))
    assert any(SECRET.encode() in file.read_bytes() for file in files) == left_on_disk
