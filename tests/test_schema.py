"""Migrations: the shipped ones build exactly the models' schema, and a database from the
first release (tables made by create_all, no alembic) upgrades without losing data."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone

import pytest

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, Table, create_engine, insert, inspect, text
from sqlmodel import SQLModel, select
from sqlmodel.sql.sqltypes import UTCDateTime

from models import ActionItem, Notification, make_engine, session_scope
from models.schema import BASELINE, HEAD, MIGRATION_LOCK, current_revision, head_revision, upgrade
from test_cli import FOLLOWUP, run

T0 = datetime(2009, 10, 10, 10, 0, tzinfo=timezone.utc)
FIRST_RELEASE = ["meeting_record", "action_item", "action_event", "item_mention", "notification",
                 "delivery"]


def test_head_constant_is_alembics_head():
    assert HEAD == head_revision()


def test_migrations_build_exactly_the_models_schema(engine):
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == [], "a table or column changed without a migration: " + repr(diffs[:3])


def test_a_first_release_database_upgrades_and_keeps_its_items(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    # The first release's tables, as its create_all made them: the baseline, minus alembic.
    upgrade(engine, BASELINE)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert sorted(inspect(engine).get_table_names()) == sorted(FIRST_RELEASE)
    _write_as_the_first_release(engine)
    assert current_revision(engine) is None

    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", url)
    proc = run("db", "upgrade")
    assert proc.returncode == 0, proc.stderr
    assert f"schema at {HEAD}" in proc.stdout
    assert current_revision(engine) == HEAD
    with session_scope(engine) as s:
        assert [i.title for i in s.exec(select(ActionItem)).all()] == ["Hold the review"]
        assert s.exec(select(Notification.body)).all() == ["Hold the review, by Sunday"]
    assert "current" in run("db", "current").stdout
    assert upgrade(engine) == HEAD  # again: nothing to do, nothing breaks
    engine.dispose()


def _write_as_the_first_release(engine) -> None:
    """A record, an item and a sent message, in the first release's columns only (the ORM
    models have grown columns since, so they cannot write an old database)."""
    md = MetaData()

    def table(name, *stamps):
        return Table(name, md, *(Column(c, UTCDateTime()) for c in stamps), autoload_with=engine)

    with engine.begin() as conn:
        conn.execute(insert(table("meeting_record", "ingested_at")), {
            "id": 1, "title": "Cable", "text": "x", "content_hash": "h", "ingested_at": T0})
        conn.execute(insert(table("action_item", "created_at", "updated_at")), {
            "id": 1, "title": "Hold the review", "kind": "action", "status": "open", "version": 1,
            "record_id": 1, "confidence": 0.9, "created_at": T0, "updated_at": T0})
        conn.execute(insert(table("notification", "next_attempt_at", "created_at", "sent_at")), {
            "key": "new-item:1", "kind": "new-item", "item_id": 1, "tags": "default",
            "title": "New item", "body": "Hold the review, by Sunday", "status": "sent",
            "attempts": 1, "next_attempt_at": T0, "created_at": T0, "sent_at": T0})


def test_processes_meeting_an_empty_postgresql_database_migrate_it_one_at_a_time(request):
    """First use on several machines at once: each waits for the migration lock, none fails."""
    if not os.environ.get("FOLLOWUP_TEST_DATABASE_URL"):
        pytest.skip("needs FOLLOWUP_TEST_DATABASE_URL (a PostgreSQL server; .ci/run sets it)")
    from conftest import _admin

    url = request.getfixturevalue("postgres_url")
    _admin(url, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    engine = create_engine(url)
    holder = engine.connect()
    holder.begin()
    holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
    env = os.environ | {"FOLLOWUP_DATABASE_URL": url}
    procs = [subprocess.Popen([FOLLOWUP, "db", "upgrade"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 90
        waiting = 0
        while waiting < 2:  # both processes queue on the lock instead of migrating at once
            assert time.monotonic() < deadline, "the upgrades never waited for the lock"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            with engine.connect() as conn:
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar()
    finally:
        holder.rollback()  # let them go
        holder.close()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert f"schema at {HEAD}" in out
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_database_from_a_newer_release_is_refused_in_one_line(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", url)
    for args in (["list"], ["show", "1"], ["db", "upgrade"]):
        proc = run(*args)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("error: the database's schema is at revision 0999, newer")
    assert "newer than this followup" in run("db", "current").stdout
    assert current_revision(engine) == "0999"  # left as it was
    engine.dispose()
