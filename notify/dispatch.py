"""Outbox -> apprise, once per target: claim, send with a timeout, record, finish.

Guarantees, and their limits:
- A run claims its messages (one UPDATE, committed) before sending anything, so
  a second dispatcher skips them; a dispatcher that dies loses its claims when
  the lease lapses.
- Each target's result is committed as soon as it is known, so after a crash
  (even SIGKILL) only the sends that were in flight go out again; a retry goes
  only to targets that have not had the message.
- Messages are sent `dispatch.workers` at a time, and at most
  `dispatch.per_channel` sends are in flight per channel: a slow channel slows
  only itself and cannot take every thread.
- A target that does not answer within `timeout_seconds` counts as failed and is
  not called again in the same run. Its thread is abandoned, not killed: if it
  completes late, that target may get the message twice. At-least-once, for timeouts.
"""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apprise
from apprise import NotifyType
from sqlalchemy.engine import Engine

from config import Policy
from config.settings import DispatchPolicy
from models import Notification, NotificationStatus as NS, session_scope
from models.clock import as_utc
from models.outbox import claim_due, delivered_targets_of, finish_notification, record_delivery
from notify.redact import one_line
from notify.routing import Routing
from notify.send import Channels, Send, TargetResult, ThreadLogs, message_kwargs, watching_apprise
from notify.stale import skip_stale
from notify.wording import LinksFor, word_claimed

NOTIFY_TYPES = {"overdue": NotifyType.WARNING}  # everything else is INFO


@dataclass
class Outcome:
    notification_id: int
    key: str | None
    status: str  # sent, failed, dead or skipped (no longer applied: `error` says why)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error: str | None = None
    targets: list[TargetResult] = field(default_factory=list)


@dataclass
class DispatchReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def backoff_delay(*, dispatch: DispatchPolicy, attempts: int, rng: random.Random) -> timedelta:
    """Delay before retry number `attempts`: doubling from backoff_seconds, capped, with jitter."""
    base = min(dispatch.backoff_max_seconds, dispatch.backoff_seconds * 2 ** max(attempts - 1, 0))
    jittered = base * (1 + rng.uniform(-dispatch.jitter, dispatch.jitter))
    return timedelta(seconds=max(0.0, min(dispatch.backoff_max_seconds, jittered)))


def dispatch_due(*, limit: int = 100, **kwargs) -> DispatchReport:
    """Send up to `limit` due messages (one claim); each ends sent, failed (retry later),
    dead or skipped (notify/stale.py). `kwargs` are dispatch_backlog's."""
    return dispatch_backlog(limit=limit, batch=limit, **kwargs)


def dispatch_backlog(*, engine: Engine, apprise_obj: apprise.Apprise, policy: Policy,
                     now: datetime, limit: int | None = None, batch: int = 100,
                     rng: random.Random | None = None, routing: Routing | None = None,
                     links_for: LinksFor | None = None) -> DispatchReport:
    """Send due messages `batch` at a time until none is due or `limit` have been tried.

    Claiming a batch at a time lets several dispatchers share a large backlog (a
    first sweep over a big office) and keeps memory flat. Messages not worded yet
    are worded as of `now` (owners' zones from `routing`, one-click links from
    `links_for`) in the transaction that claims them; those that no longer apply (a
    reminder for an item closed or rescheduled since) are skipped there instead. A
    target that timed out is not called again in the run.
    """
    at, rng = as_utc(now), rng or random.Random()
    channels = Channels(apprise_obj, policy.dispatch.per_channel, policy.dispatch.min_interval_seconds)
    total = DispatchReport()
    with watching_apprise(channels) as logs:
        while limit is None or len(total.outcomes) < limit:
            size = batch if limit is None else min(batch, limit - len(total.outcomes))
            outcomes = _claim_and_send(engine=engine, channels=channels, logs=logs, policy=policy,
                                       now=at, limit=size, rng=rng, routing=routing,
                                       links_for=links_for)
            for outcome in outcomes:
                total.outcomes.append(outcome)
                setattr(total, outcome.status, getattr(total, outcome.status) + 1)
            # Stop only when a claim finds nothing: a short one may just mean another
            # dispatcher took part of the batch a moment ago.
            if not outcomes:
                break
    return total


def _claim_and_send(*, engine: Engine, channels: Channels, logs: ThreadLogs, policy: Policy,
                    now: datetime, limit: int, rng: random.Random, routing: Routing | None,
                    links_for: LinksFor | None) -> list[Outcome]:
    dispatch = policy.dispatch
    with session_scope(engine) as session:
        claimed = claim_due(session=session, now=now, limit=limit, token=uuid.uuid4().hex,
                            lease=timedelta(seconds=dispatch.lease_seconds))
        skipped = skip_stale(session=session, notifications=claimed)
        outcomes = [Outcome(n.id, n.key, NS.skipped, n.attempts, error=skipped[n.id])
                    for n in claimed if n.id in skipped]
        claimed = [n for n in claimed if n.id not in skipped]
        word_claimed(session=session, notifications=claimed, now=now, office=policy.zone,
                     routing=routing, links_for=links_for)
        done = delivered_targets_of(session=session, notification_ids=[n.id for n in claimed])
    if not claimed:
        return outcomes
    # Draw the jitter up front, in claim order: an injected rng gives the same delays
    # whatever order the workers finish in.
    retry_at = {n.id: now + backoff_delay(dispatch=dispatch, attempts=n.attempts + 1, rng=rng)
                for n in claimed}
    with ThreadPoolExecutor(max_workers=min(dispatch.workers, len(claimed)),
                            thread_name_prefix="followup-dispatch") as pool:
        return outcomes + list(pool.map(lambda n: _dispatch_one(
            engine=engine, channels=channels, dispatch=dispatch, n=n,
            done=done.get(n.id, set()), now=now, retry_at=retry_at[n.id], logs=logs), claimed))


def _dispatch_one(*, engine: Engine, channels: Channels, dispatch: DispatchPolicy,
                  n: Notification, done: set[str], now: datetime,
                  retry_at: datetime, logs: ThreadLogs) -> Outcome:
    tags = [t.strip() for t in (n.tags or "").split(",") if t.strip()] or ["default"]
    matched = channels.matching(tags)
    ntype = NOTIFY_TYPES.get(n.kind, NotifyType.INFO)
    results: list[TargetResult] = []
    sends: list[Send] = []
    for ch in matched:
        if ch.name in done:
            continue
        if ch.timed_out:
            results.append(TargetResult(ch.name, False, "skipped: timed out earlier in this run"))
            continue
        sends.append(Send(ch, message_kwargs(ch.target, n, ntype), logs))
    # Record each target as soon as it answers: a crash now re-sends only what was in
    # flight. The last answer is recorded with the message's own result, in one commit.
    for i, send in enumerate(sends):
        r = send.wait(dispatch.timeout_seconds)
        results.append(r)
        if i < len(sends) - 1:
            with session_scope(engine) as session:
                record_delivery(session=session, notification_id=n.id, target=r.target,
                                ok=r.ok, error=r.error, now=now)
    unrecorded = results[-1:] if sends else []
    unrecorded += [r for r in results if r.error and r.error.startswith("skipped")]
    failures = [r for r in results if not r.ok]
    if not matched:
        # Treated like a failing channel (retry, then dead): the config may be fixed meanwhile.
        error = f"no channel has tag {' or '.join(tags)}"
    else:
        error = "; ".join(f"{r.target}: {r.error}" for r in failures) or None
    ok = bool(matched) and not failures
    last_try = n.attempts + 1 >= dispatch.max_attempts
    with session_scope(engine) as session:
        for r in unrecorded:
            record_delivery(session=session, notification_id=n.id, target=r.target, ok=r.ok,
                            error=r.error, now=now)
        f = finish_notification(session=session, notification_id=n.id, ok=ok,
                                error=one_line(error, 1000) if error else None, now=now,
                                retry_at=None if ok or last_try else retry_at)
        return Outcome(n.id, n.key, f.status, f.attempts,
                       f.next_attempt_at if f.status == NS.failed else None, f.last_error,
                       sorted(results, key=lambda r: [c.name for c in matched].index(r.target)))


