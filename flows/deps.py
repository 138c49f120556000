"""What flows, the CLI and the API share: settings, the engine, policy and channels."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.engine import Engine

from config import Settings
from models import init_db, make_engine


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; tests change the environment)."""
    return Settings()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per database URL per process, its tables created on first use."""
    from flows import events

    events.install()  # item changes on this engine become Prefect events (when a server is set)
    engine = make_engine(url)
    init_db(engine)
    return engine


def get_engine(settings: Settings | None = None) -> Engine:
    return engine_for((settings or get_settings()).db_url)
