"""Time helpers: callers pass `now`; timestamps are aware and in UTC."""

from __future__ import annotations

from datetime import datetime, timezone


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive input is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def utcnow() -> datetime:
    """The real clock, for the edges (CLI, API) only."""
    return datetime.now(timezone.utc)
