"""Migrations: the shipped ones build exactly the models' schema, and a database from the
first release (tables made by create_all, no alembic) upgrades without losing data."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from models import ActionItem, ActionItemCreate, RecordCreate, make_engine, session_scope
from models import items as item_ops
from models.schema import HEAD, current_revision, head_revision, upgrade
from test_cli import run

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
    meta = SQLModel.metadata
    meta.create_all(engine, tables=[meta.tables[name] for name in FIRST_RELEASE])
    with session_scope(engine) as s:
        item_ops.ingest_record(session=s, record_in=RecordCreate(title="Cable", text="x"),
                               items_in=[ActionItemCreate(title="Hold the review")], now=T0)
    assert current_revision(engine) is None

    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", url)
    proc = run("db", "upgrade")
    assert proc.returncode == 0, proc.stderr
    assert f"schema at {HEAD}" in proc.stdout
    assert current_revision(engine) == HEAD
    with session_scope(engine) as s:
        assert [i.title for i in s.exec(select(ActionItem)).all()] == ["Hold the review"]
    assert "current" in run("db", "current").stdout
    assert upgrade(engine) == HEAD  # again: nothing to do, nothing breaks
    engine.dispose()
