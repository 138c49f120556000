"""The flows people see in the Prefect UI: thin orchestration over tasks."""

from __future__ import annotations

from datetime import datetime

from prefect import flow
from prefect.artifacts import create_progress_artifact, update_progress_artifact

from flows.tasks import (extract_items, publish_action_items, publish_digest, publish_ingest_report,
                         read_record, send_due, store_record, sweep_items)
from models.clock import as_utc, utcnow

PROGRESS_FROM = 3  # records in one ingest before it shows a progress bar


@flow(name="ingest", log_prints=True)
def ingest(paths: list[str] | None = None, text: str | None = None, title: str | None = None,
           now: datetime | None = None) -> list[dict]:
    """Turn meeting records (files, or one text) into action items and queue their notices."""
    at = as_utc(now) if now else utcnow()
    todo: list[str | None] = list(paths or []) + ([None] if text is not None else [])
    progress = create_progress_artifact(0.0, key="ingest-progress",
                                        description=f"{len(todo)} records") \
        if len(todo) >= PROGRESS_FROM else None
    results, summaries = [], []
    for n, path in enumerate(todo, 1):
        body, source = (read_record(path), path) if path is not None else (text, "text")
        result = extract_items(body, source, title)
        results.append(result)
        summaries.append(store_record(result, at))
        if progress is not None:
            update_progress_artifact(progress, 100.0 * n / len(todo))
    publish_ingest_report(results, summaries)
    publish_action_items(at)
    return summaries


@flow(name="sweep")
def sweep(now: datetime | None = None) -> dict:
    """Queue due reminders, overdue escalations and stale-item nudges as of `now`."""
    at = as_utc(now) if now else utcnow()
    report = sweep_items(at)
    publish_action_items(at)
    return report


@flow(name="dispatch")
def dispatch(now: datetime | None = None, limit: int | None = None, seed: int | None = None) -> dict:
    """Send what the outbox holds through apprise (at most `limit`; None: all that is due);
    failures retry with backoff, then go dead."""
    return send_due(as_utc(now) if now else utcnow(), limit, seed)


@flow(name="notify")
def notify(item: str | None = None, now: datetime | None = None) -> dict:
    """Send at once what an item change queued (a status-change event triggers this)."""
    return send_due(as_utc(now) if now else utcnow(), 100, None)


@flow(name="digest")
def digest(now: datetime | None = None) -> str:
    """The weekly digest per owner, as the `weekly-digest` artifact."""
    return publish_digest(as_utc(now) if now else utcnow())


@flow(name="dashboard")
def dashboard(now: datetime | None = None) -> int:
    """Refresh the `action-items` table the dashboard shows."""
    return publish_action_items(as_utc(now) if now else utcnow())
