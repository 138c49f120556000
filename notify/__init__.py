"""Notifications: routing to apprise tags, message templates, the sweep, dispatch, redaction.

`channels` and `dispatch` import apprise (about 0.4 s with its plugin table), so
they load on first use of one of their names: `from notify import Routing` stays cheap.
"""

from __future__ import annotations

import importlib

from notify.redact import describe_exception, redact, target_name, target_secrets
from notify.routing import DEFAULT_TAG, KINDS, Routing, Rule, load_routing
from notify.sweep import (Notice, SweepReport, due_notices, queue_item_notices,
                          queue_status_change, run_sweep)
from notify.recipients import Recipients, load_recipients
from notify.templates import Message, due_words, fmt_date, render, render_message

_LAZY = {
    "load_apprise": "notify.channels",
    "format_block": "notify.channels",
    "dispatch_due": "notify.dispatch",
    "dispatch_backlog": "notify.dispatch",
    "backoff_delay": "notify.dispatch",
    "DispatchReport": "notify.dispatch",
    "Outcome": "notify.dispatch",
    "TargetResult": "notify.send",
}

__all__ = [
    "DEFAULT_TAG", "KINDS", "DispatchReport", "Message", "Notice", "Outcome", "Recipients",
    "Routing", "Rule", "load_recipients", "render_message",
    "SweepReport", "TargetResult", "backoff_delay", "describe_exception", "dispatch_backlog",
    "dispatch_due",
    "due_notices", "due_words", "fmt_date", "format_block", "load_apprise", "load_routing",
    "queue_item_notices", "queue_status_change", "redact", "render", "run_sweep",
    "target_name", "target_secrets",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'notify' has no attribute {name!r}")
