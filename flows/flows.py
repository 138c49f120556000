"""The flows people see in the Prefect UI: thin orchestration over tasks."""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.tasks import extract_items, read_record, send_due, store_record, sweep_items
from models.clock import as_utc, utcnow


@flow(name="ingest", log_prints=True)
def ingest(paths: list[str] | None = None, text: str | None = None, title: str | None = None,
           now: datetime | None = None) -> list[dict]:
    """Turn meeting records (files, or one text) into action items and queue their notices."""
    at = as_utc(now) if now else utcnow()
    sources: list[tuple[str, str | None]] = [(read_record(p), p) for p in paths or []]
    if text is not None:
        sources.append((text, "text"))
    summaries = []
    for body, source in sources:
        result = extract_items(body, source, title)
        summaries.append(store_record(result, at))
    return summaries


@flow(name="sweep")
def sweep(now: datetime | None = None) -> dict:
    """Queue due reminders, overdue escalations and stale-item nudges as of `now`."""
    return sweep_items(as_utc(now) if now else utcnow())


@flow(name="dispatch")
def dispatch(now: datetime | None = None, limit: int = 100, seed: int | None = None) -> dict:
    """Send what the outbox holds through apprise; failures retry with backoff, then go dead."""
    return send_due(as_utc(now) if now else utcnow(), limit, seed)
