"""Sending one message to apprise targets: one thread per target, bounded per channel,
cut off by a timeout, each result redacted. Used by dispatch and `followup channels --test`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import apprise
from apprise import NotifyFormat, NotifyType
from apprise.conversion import convert_between

from models import Notification
from notify.redact import describe_exception, one_line, redact, target_name, target_secrets

# apprise's MQTT plugin shares one client per URL and connects lazily without a
# lock: one send at a time there.
SERIAL_SCHEMES = {"mqtt", "mqtts"}


@dataclass
class TargetResult:
    target: str  # privacy form of the URL
    ok: bool
    error: str | None = None  # redacted


class ThreadLogs(logging.Handler):
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
    secrets: list[str]  # what to mask in its errors and apprise's log lines
    timed_out: bool = False


class Channels:
    """Every apprise target once, with a stable loggable name and its own send slots."""

    def __init__(self, apprise_obj: apprise.Apprise, per_channel: int,
                 min_interval: float | None = None) -> None:
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
            if min_interval is not None:
                t.request_rate_per_sec = min_interval  # apprise's pause between two sends
            self.by_id[id(t)] = _Channel(name, t, threading.BoundedSemaphore(limit),
                                         target_secrets(t))

    def log_filter(self) -> _RedactLogs:
        return _RedactLogs([s for ch in self.by_id.values() for s in ch.secrets])

    def matching(self, tags: list[str]) -> list[_Channel]:
        return [self.by_id[id(t)] for t in self.apprise_obj.find(tag=tags) if id(t) in self.by_id]


def message_kwargs(target, n: Notification, notify_type: NotifyType) -> dict:
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


class Send:
    """One target's send in a daemon thread, so a hang can be abandoned."""

    def __init__(self, channel: _Channel, kwargs: dict, logs: ThreadLogs) -> None:
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
        return TargetResult(name, self.ok, redact(self.error, self.channel.secrets))


@contextmanager
def watching_apprise(channels: Channels) -> Iterator[ThreadLogs]:
    """Collect apprise's log lines per send thread, with every target's secrets masked."""
    logs, masks = ThreadLogs(), channels.log_filter()
    log = logging.getLogger(apprise.logger.name)
    log.addHandler(logs)
    log.addFilter(masks)
    try:
        yield logs
    finally:
        log.removeHandler(logs)
        log.removeFilter(masks)


def channel_list(apprise_obj: apprise.Apprise) -> list[tuple[str, list[str], str]]:
    """(loggable name, tags, message format) of every configured target."""
    out = []
    for ch in Channels(apprise_obj, 1).by_id.values():
        fmt = ch.target.notify_format
        out.append((ch.name, sorted(str(t) for t in ch.target.tags), getattr(fmt, "value", str(fmt))))
    return out


def probe_channels(apprise_obj: apprise.Apprise, *, tags: list[str] | None, timeout: float,
                   title: str, body: str) -> list[TargetResult]:
    """Send one test message straight to each target (with any of `tags`), outside the outbox."""
    channels = Channels(apprise_obj, 1)
    chosen = channels.matching(tags) if tags else list(channels.by_id.values())
    n = Notification(key="probe", kind="test", title=title, body=body)
    with watching_apprise(channels) as logs:
        sends = [Send(ch, message_kwargs(ch.target, n, NotifyType.INFO), logs) for ch in chosen]
        return [s.wait(timeout) for s in sends]
