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

import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apprise
from apprise import NotifyFormat, NotifyType
from apprise.conversion import convert_between
from sqlalchemy.engine import Engine

from config import Policy
from config.settings import DispatchPolicy
from models import Notification, NotificationStatus as NS, session_scope
from models.clock import as_utc
from models.outbox import claim_due, delivered_targets_of, finish_notification, record_delivery
from notify.redact import describe_exception, one_line, redact, target_name, target_secrets

NOTIFY_TYPES = {"overdue": NotifyType.WARNING}  # everything else is INFO
# apprise's MQTT plugin shares one client per URL and connects lazily without a
# lock: one send at a time there.
SERIAL_SCHEMES = {"mqtt", "mqtts"}


@dataclass
class TargetResult:
    target: str  # privacy form of the URL
    ok: bool
    error: str | None = None  # redacted


@dataclass
class Outcome:
    notification_id: int
    key: str | None
    status: str  # sent, failed or dead
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error: str | None = None
    targets: list[TargetResult] = field(default_factory=list)


@dataclass
class DispatchReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # kept for callers; claiming in bulk means nothing is skipped
    outcomes: list[Outcome] = field(default_factory=list)


def backoff_delay(*, dispatch: DispatchPolicy, attempts: int, rng: random.Random) -> timedelta:
    """Delay before retry number `attempts`: doubling from backoff_seconds, capped, with jitter."""
    base = min(dispatch.backoff_max_seconds, dispatch.backoff_seconds * 2 ** max(attempts - 1, 0))
    jittered = base * (1 + rng.uniform(-dispatch.jitter, dispatch.jitter))
    return timedelta(seconds=max(0.0, min(dispatch.backoff_max_seconds, jittered)))


class _ThreadLogs(logging.Handler):
    """apprise reports why a send failed only in its log: collect it per worker thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self._by_thread: dict[int, list[str]] = {}

    def watch(self) -> list[str]:
        lines: list[str] = []
        self._by_thread[threading.get_ident()] = lines
        return lines

    def unwatch(self) -> None:
        self._by_thread.pop(threading.get_ident(), None)

    def emit(self, record: logging.LogRecord) -> None:
        lines = self._by_thread.get(record.thread)
        if lines is not None:
            lines.append(record.getMessage())


class _RedactLogs(logging.Filter):
    """Masks the targets' secrets in apprise's own log lines before any handler sees them."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


@dataclass
class _Channel:
    name: str  # privacy form, unique within the config
    target: object
    slots: threading.BoundedSemaphore
    timed_out: bool = False


class _Channels:
    """Every apprise target once, with a stable loggable name and its own send slots."""

    def __init__(self, apprise_obj: apprise.Apprise, per_channel: int) -> None:
        self.apprise_obj = apprise_obj
        self.by_id: dict[int, _Channel] = {}
        seen: dict[str, int] = {}
        # Config order is stable, so "#2" names the same URL in every run.
        for t in apprise_obj.find(tag=apprise.common.MATCH_ALL_TAG):
            name = target_name(t)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            limit = 1 if getattr(t, "secure_protocol", None) in SERIAL_SCHEMES or \
                getattr(t, "protocol", None) in SERIAL_SCHEMES else per_channel
            self.by_id[id(t)] = _Channel(name, t, threading.BoundedSemaphore(limit))

    def log_filter(self) -> _RedactLogs:
        return _RedactLogs([s for ch in self.by_id.values() for s in target_secrets(ch.target)])

    def matching(self, tags: list[str]) -> list[_Channel]:
        return [self.by_id[id(t)] for t in self.apprise_obj.find(tag=tags) if id(t) in self.by_id]


def _kwargs(target, n: Notification, notify_type: NotifyType) -> dict:
    """Title and body in the target's own format (HTML for e-mail, Markdown for chat)."""
    fmt, title = target.notify_format, n.title
    if fmt == NotifyFormat.HTML and n.body_html:
        body, body_format = n.body_html, NotifyFormat.HTML
    elif fmt == NotifyFormat.MARKDOWN and n.body_markdown:
        body, body_format = n.body_markdown, NotifyFormat.MARKDOWN
    else:  # what Apprise.notify() does: convert our plain text to the target's format
        body, body_format = convert_between(NotifyFormat.TEXT, fmt, content=n.body), fmt
    if target.title_maxlen <= 0:
        title = convert_between(NotifyFormat.TEXT, fmt, content=title)
    return {"body": body, "title": title, "notify_type": notify_type, "body_format": body_format}


class _Send:
    """One target's send in a daemon thread, so a hang can be abandoned."""

    def __init__(self, channel: _Channel, kwargs: dict, logs: _ThreadLogs) -> None:
        self.channel, self.kwargs, self.logs = channel, kwargs, logs
        self.ok, self.error = False, None
        self.lock = threading.Lock()
        self.abandoned = False
        self.started_at = 0.0
        self.started, self.done = threading.Event(), threading.Event()
        threading.Thread(target=self._run, daemon=True, name="followup-send").start()

    def _run(self) -> None:
        slots = self.channel.slots
        slots.acquire()
        try:
            with self.lock:
                if self.abandoned:  # gave up waiting for a slot: never send late
                    return
                self.started_at = time.monotonic()
                self.started.set()
            lines = self.logs.watch()
            try:
                self.ok = bool(self.channel.target.notify(**self.kwargs))
                if not self.ok:
                    self.error = one_line(lines[-1]) if lines else "the channel reported a failure"
            except Exception as exc:  # a plugin bug must not kill the dispatcher
                self.error = describe_exception(exc)
            finally:
                self.logs.unwatch()
        finally:
            slots.release()
            self.done.set()

    def wait(self, timeout: float) -> TargetResult:
        """The result, or a failure if no slot came free or no answer came within `timeout`."""
        name = self.channel.name
        if not self.started.wait(timeout):
            with self.lock:
                if not self.started.is_set():
                    self.abandoned = True
                    return TargetResult(name, False, f"channel busy: no free send slot within {timeout:g} s")
        if not self.done.wait(max(0.0, self.started_at + timeout - time.monotonic())):
            self.channel.timed_out = True
            return TargetResult(name, False, f"no answer within {timeout:g} s (timed out)")
        return TargetResult(name, self.ok, redact(self.error, target_secrets(self.channel.target)))


def dispatch_due(*, engine: Engine, apprise_obj: apprise.Apprise, policy: Policy, now: datetime,
                 limit: int = 100, rng: random.Random | None = None) -> DispatchReport:
    """Send up to `limit` due messages; each ends sent, failed (retry later) or dead."""
    at, rng = as_utc(now), rng or random.Random()
    dispatch = policy.dispatch
    token = uuid.uuid4().hex
    with session_scope(engine) as session:
        claimed = claim_due(session=session, now=at, limit=limit, token=token,
                            lease=timedelta(seconds=dispatch.lease_seconds))
        done = delivered_targets_of(session=session, notification_ids=[n.id for n in claimed])
    report = DispatchReport()
    if not claimed:
        return report
    channels = _Channels(apprise_obj, dispatch.per_channel)
    # Draw the jitter up front, in claim order: an injected rng gives the same delays
    # whatever order the workers finish in.
    retry_at = {n.id: at + backoff_delay(dispatch=dispatch, attempts=n.attempts + 1, rng=rng)
                for n in claimed}
    logs, masks = _ThreadLogs(), channels.log_filter()
    apprise_log = logging.getLogger(apprise.logger.name)
    apprise_log.addHandler(logs)
    apprise_log.addFilter(masks)
    try:
        with ThreadPoolExecutor(max_workers=min(dispatch.workers, len(claimed)),
                                thread_name_prefix="followup-dispatch") as pool:
            outcomes = list(pool.map(lambda n: _dispatch_one(
                engine=engine, channels=channels, dispatch=dispatch, n=n,
                done=done.get(n.id, set()), now=at, retry_at=retry_at[n.id], logs=logs), claimed))
    finally:
        apprise_log.removeHandler(logs)
        apprise_log.removeFilter(masks)
    for outcome in outcomes:
        report.outcomes.append(outcome)
        setattr(report, outcome.status, getattr(report, outcome.status) + 1)
    return report


def _dispatch_one(*, engine: Engine, channels: _Channels, dispatch: DispatchPolicy,
                  n: Notification, done: set[str], now: datetime,
                  retry_at: datetime, logs: _ThreadLogs) -> Outcome:
    tags = [t.strip() for t in (n.tags or "").split(",") if t.strip()] or ["default"]
    matched = channels.matching(tags)
    ntype = NOTIFY_TYPES.get(n.kind, NotifyType.INFO)
    results: list[TargetResult] = []
    sends: list[_Send] = []
    for ch in matched:
        if ch.name in done:
            continue
        if ch.timed_out:
            results.append(TargetResult(ch.name, False, "skipped: timed out earlier in this run"))
            continue
        sends.append(_Send(ch, _kwargs(ch.target, n, ntype), logs))
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


def channel_list(apprise_obj: apprise.Apprise) -> list[tuple[str, list[str], str]]:
    """(loggable name, tags, message format) of every configured target."""
    return [(ch.name, sorted(str(t) for t in ch.target.tags), getattr(ch.target.notify_format, "value", str(ch.target.notify_format)))
            for ch in _Channels(apprise_obj, 1).by_id.values()]


def probe_channels(apprise_obj: apprise.Apprise, *, tags: list[str] | None, timeout: float,
                   title: str, body: str) -> list[TargetResult]:
    """Send one test message straight to each target (with any of `tags`), outside the outbox."""
    channels = _Channels(apprise_obj, 1)
    chosen = channels.matching(tags) if tags else list(channels.by_id.values())
    n = Notification(key="probe", kind="test", title=title, body=body)
    logs, masks = _ThreadLogs(), channels.log_filter()
    apprise_log = logging.getLogger(apprise.logger.name)
    apprise_log.addHandler(logs)
    apprise_log.addFilter(masks)
    try:
        sends = [_Send(ch, _kwargs(ch.target, n, NotifyType.INFO), logs) for ch in chosen]
        return [s.wait(timeout) for s in sends]
    finally:
        apprise_log.removeHandler(logs)
        apprise_log.removeFilter(masks)
