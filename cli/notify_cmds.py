"""`followup channels` and the outbox commands behind `followup notifications`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import typer

from models import InvalidInput

STATUSES = ("pending", "sending", "sent", "failed", "dead", "skipped")


def outbox_command(*, status: str | None, retry: int | None, retry_dead: bool,
                   notification_id: int | None, now: datetime) -> None:
    # Imported here, not at the top: every command loads this module to register
    # `channels`, and `list` should not pay for the outbox and rich.
    from cli import render
    from flows.deps import get_engine
    from models import outbox, session_scope

    if status and status not in STATUSES:
        raise InvalidInput(f"unknown notification status {status!r}; use {', '.join(STATUSES)}")
    with session_scope(get_engine()) as session:
        if retry is not None:
            n = outbox.requeue_notification(session=session, notification_id=retry, now=now)
            print(f"notification {n.id} queued again; `followup dispatch` sends it")
            return
        if retry_dead:
            ids = outbox.requeue_dead(session=session, now=now)
            print(f"{len(ids)} dead notification(s) queued again" +
                  (f": {', '.join(map(str, ids))}" if ids else ""))
            return
        if notification_id is not None:
            n = outbox.get_notification(session=session, notification_id=notification_id)
            deliveries = outbox.list_deliveries(session=session, notification_id=notification_id)
            out = render.console()
            out.print(render.notifications_table([n], f"notification {n.id} ({n.key})"))
            out.print(f"{n.title}\n\n{n.body or '(worded when it is sent)'}\n")
            out.print(render.deliveries_table(deliveries, f"{len(deliveries)} target(s) tried"))
            return
        rows = outbox.list_notifications(session=session, status=status)
    render.console().print(render.notifications_table(rows, f"{len(rows)} notification(s)"))


def channels(tag: Annotated[Optional[list[str]], typer.Option(
                 help="Only targets with this apprise tag (repeatable).")] = None,
             test: Annotated[bool, typer.Option(
                 "--test", help="Send a test message to each target and show the result.")] = False
             ) -> None:
    """The apprise targets in FOLLOWUP_APPRISE_CONFIG (secrets masked), their tags and format."""
    from flows.deps import get_settings
    from notify.channels import load_apprise
    from notify.send import channel_list, probe_channels

    settings = get_settings()
    apprise_obj = load_apprise(settings.apprise_config)
    if not test:
        rows = [r for r in channel_list(apprise_obj) if not tag or set(tag) & set(r[1])]
        for name, tags, fmt in rows:
            print(f"{name}\n    tags: {', '.join(tags) or '(none)'}; format: {fmt}")
        if not rows:
            raise InvalidInput(f"no target in {settings.apprise_config} has tag {' or '.join(tag or [])}")
        return
    results = probe_channels(apprise_obj, tags=tag, timeout=settings.policy.dispatch.timeout_seconds,
                             title="followup: test message",
                             body="This channel works: followup notifications will arrive here.")
    if not results:
        raise InvalidInput(f"no target in {settings.apprise_config} has tag {' or '.join(tag or [])}")
    for r in results:
        print(f"{'ok    ' if r.ok else 'FAILED'} {r.target}" + (f"\n       {r.error}" if r.error else ""))
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(epilog="Examples: followup channels; followup channels --tag office --test")(channels)
