"""What flows, the CLI and the API share: settings, the engine, policy and channels."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from config import Settings
from models.engine import ready_engine


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; tests change the environment)."""
    return Settings()


def engine_for(url: str) -> Engine:
    """One engine per database URL per process, its tables created on first use."""
    from flows import events

    events.install()  # item changes become Prefect events (when a server is set); idempotent
    return ready_engine(url)


def routing_for(settings: Settings):
    """The routing rules with people's own tags, zones and leads from the directory."""
    from notify import load_routing

    return load_routing(settings.routing_file, settings.directory_file)


def get_engine(settings: Settings | None = None) -> Engine:
    return engine_for((settings or get_settings()).db_url)
