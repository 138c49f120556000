"""Shared fixtures: a real SQLite file per test, seeds from ../shared, one Prefect harness."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

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


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh SQLite file, also what Settings (and so flows and the CLI) will use."""
    url = f"sqlite:///{tmp_path / 'followup.db'}"
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", url)
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    return url


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

    with prefect_test_harness(server_startup_timeout=60):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
