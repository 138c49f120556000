"""Shared fixtures: a real SQLite file per test, seeds from ../shared, one Prefect harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import flows  # noqa: F401  sets no-telemetry and the ephemeral start-up wait before Prefect is imported

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def seeds_dir() -> Path:
    """../shared/seeds, or a skip (a failure where FOLLOWUP_REQUIRE_SEEDS=1, as in CI)."""
    if not SEEDS.is_dir():
        msg = f"seed records not found at {SEEDS}"
        if os.environ.get("FOLLOWUP_REQUIRE_SEEDS") == "1" or os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return SEEDS


@pytest.fixture
def seeds() -> Path:
    return seeds_dir()


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("FOLLOWUP_TEST_DATABASE_URL") else ["sqlite"]


def _admin(url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A database of this run's own beside FOLLOWUP_TEST_DATABASE_URL's, dropped at the end,
    so two test runs on one server (two checkouts, a developer and CI) cannot collide."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    base = make_url(os.environ["FOLLOWUP_TEST_DATABASE_URL"])
    name = f"{base.database}_run{os.getpid()}"
    try:
        _admin(base.render_as_string(hide_password=False), f'DROP DATABASE IF EXISTS "{name}"')
        _admin(base.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        msg = f"PostgreSQL at FOLLOWUP_TEST_DATABASE_URL unreachable: {str(exc.orig).strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    url = base.set(database=name).render_as_string(hide_password=False)
    yield url
    from flows.deps import engine_for

    engine_for(url).dispose()  # its pooled connections would keep the database in use
    _admin(base.render_as_string(hide_password=False), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_postgres(url: str) -> str:
    """`url` with an empty schema, then migrated."""
    from flows.deps import engine_for
    from models import init_db

    _admin(url, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    # Engines cached by earlier tests for this URL must find the tables again.
    init_db(engine_for(url))
    return url


@pytest.fixture(params=_backends())
def db_url(request, tmp_path, monkeypatch) -> str:
    """A fresh database (a SQLite file, or the PostgreSQL test database emptied), also what
    Settings (and so flows and the CLI) will use."""
    if request.param == "postgresql":
        url = _fresh_postgres(request.getfixturevalue("postgres_url"))
    else:
        url = f"sqlite:///{tmp_path / 'followup.db'}"
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", url)
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    return url


@pytest.fixture
def sqlite_engine(tmp_path):
    """A migrated SQLite file of this test's own, for tests that run on SQLite only."""
    from models import init_db, make_engine

    eng = make_engine(f"sqlite:///{tmp_path}/t.db")
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(db_url):
    from models import init_db, make_engine

    eng = make_engine(db_url)
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the session, flow heartbeats off (they cost ~1 s a flow)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
