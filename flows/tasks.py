"""Prefect tasks: each does one I/O step with retries; the logic lives elsewhere."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from config import ConfigError
from extraction import ExtractionResult, load_text
from flows import ops
from flows import report as views  # artifact contents; `report` is a common local name here
from flows.deps import get_engine, get_settings, routing_for
from flows.links import links_for
from models import FollowupError, session_scope
from notify import dispatch_backlog, load_apprise, run_sweep


def _transient(task, task_run, state) -> bool:
    """Retry only what may pass: never bad input or bad configuration."""
    exc = state.result(raise_on_failure=False)
    return not isinstance(exc, (FollowupError, ConfigError))


# Database and channel steps can hit a locked SQLite file or a restarting
# PostgreSQL; a few spaced retries ride that out.
PROBLEMS_SHOWN = 100  # per dispatch run's result; the outbox keeps every message's error
IO = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2),
          retry_jitter_factor=0.5, retry_condition_fn=_transient, cache_policy=NO_CACHE)


@task(name="read-record", **IO)
def read_record(path: str) -> str:
    return load_text(path, max_bytes=get_settings().max_record_bytes)


@task(name="extract-items", cache_policy=NO_CACHE)
def extract_items(text: str, source: str | None, title: str | None) -> ExtractionResult:
    result, note = ops.extract_text(text, settings=get_settings(), source=source, title=title)
    if note:
        get_run_logger().warning("%s: %s", source or "record", note)
    return result


@task(name="store-record", **IO)
def store_record(result: ExtractionResult, now: datetime) -> dict:
    settings = get_settings()
    routing = routing_for(settings)
    with session_scope(get_engine(settings)) as session:
        summary = ops.store_extraction(session=session, result=result, now=now,
                                       policy=settings.policy, routing=routing)
    return asdict(summary)


@task(name="sweep-items", **IO)
def sweep_items(now: datetime) -> dict:
    settings = get_settings()
    routing = routing_for(settings)
    with session_scope(get_engine(settings)) as session:
        report = run_sweep(session=session, policy=settings.policy, routing=routing, now=now)
        return {"scanned": report.scanned, "queued": report.queued_count,
                "already_queued": report.skipped_existing, "by_kind": report.by_kind}


@task(name="send-due-notifications", **IO)
def send_due(now: datetime, limit: int | None, seed: int | None) -> dict:
    settings = get_settings()
    channels = load_apprise(settings.apprise_config)
    result = dispatch_backlog(engine=get_engine(settings), apprise_obj=channels,
                          policy=settings.policy, now=now, limit=limit, rng=random.Random(seed),
                          routing=routing_for(settings),
                          links_for=links_for(settings, now) if settings.links else None)
    # What went wrong, per message (errors are redacted: no secret reaches the flow's result).
    problems = [f"notification {o.notification_id} ({o.key}) {o.status}: {o.error}"
                for o in result.outcomes if o.status in ("failed", "dead")]
    if len(problems) > PROBLEMS_SHOWN:  # a channel down during a big backlog: say how many
        problems = problems[:PROBLEMS_SHOWN] + [f"... and {len(problems) - PROBLEMS_SHOWN} more"]
    return {"sent": result.sent, "failed": result.failed, "dead": result.dead,
            "skipped": result.skipped, "problems": problems}


@task(name="publish-action-items", **IO)
def publish_action_items(now: datetime) -> int:
    """Refresh the `action-items` table artifact; returns how many rows it shows."""
    from prefect.artifacts import create_table_artifact

    settings = get_settings()
    with session_scope(get_engine(settings)) as session:
        rows, total = views.action_items_table(session=session, now=now, zone=settings.policy.zone)
    create_table_artifact(table=rows, key="action-items",
                          description=views.table_description(len(rows), total, _api_url()))
    return len(rows)


@task(name="publish-ingest-report", **IO)
def publish_ingest_report(results: list[ExtractionResult], summaries: list[dict]) -> None:
    from prefect.artifacts import create_markdown_artifact

    create_markdown_artifact(markdown=views.ingest_report(results, summaries), key="ingest-report",
                             description=f"{len(summaries)} record(s) ingested")


@task(name="publish-weekly-digest", **IO)
def publish_digest(now: datetime) -> str:
    from prefect.artifacts import create_markdown_artifact

    settings = get_settings()
    with session_scope(get_engine(settings)) as session:
        text = views.weekly_digest(session=session, now=now, zone=settings.policy.zone)
    create_markdown_artifact(markdown=text, key="weekly-digest", description="per owner")
    return text


def _api_url() -> str | None:
    """Where the rest of a long table lives: the HTTP API, when one is configured."""
    import os

    return os.environ.get("FOLLOWUP_API_URL")
