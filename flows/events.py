"""Every item change becomes a Prefect event (`followup.action-item.*`), after it is committed.

The audit rows (`ActionEvent`) are the system of record; events are the view
the Prefect UI shows and what automations trigger on. One hook on SQLAlchemy
sessions turns each newly committed audit row into an event, so the CLI, the
flows and the API all emit without calling anything. Nothing is emitted, and
Prefect is not even imported, unless a Prefect API is configured: without one,
Prefect 3.8 starts a temporary server to receive the event and then loses it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys

from sqlalchemy import event as sa_event
from sqlmodel import Session, col, select

from models import ActionEvent, ActionItem, MeetingRecord
from models.bulk import EVENT_HOOKS

log = logging.getLogger(__name__)
PENDING = "followup_pending_events"
PREFIX = "followup.action-item"
DUE_FIELDS = {"due_start", "due_end", "due_text"}
# audit kind -> event name; an `updated` row that touches the due window is `due-changed`.
NAMES = {"created": "created", "status-changed": "status-changed", "linked": "linked",
         "reminded": "reminded", "escalated": "escalated", "nudged": "nudged",
         "updated": "updated"}


def api_configured() -> bool:
    """True when events have a server to go to (PREFECT_API_URL, or a test harness's)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" not in sys.modules:  # never import Prefect just to find out
        return False
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def event_name(kind: str, changes: dict | None) -> str | None:
    name = NAMES.get(kind)
    if name == "updated" and changes and DUE_FIELDS & set(changes):
        name = "due-changed"
    return f"{PREFIX}.{name}" if name else None


def owner_resource_id(owner: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "unknown"
    return f"followup.owner.{slug}"


def build_event(audit: dict, item: ActionItem | None, record: MeetingRecord | None) -> dict | None:
    """The keyword arguments of `emit_event` for one audit row (a plain function tests call)."""
    name = event_name(audit["kind"], audit["changes"])
    if name is None:
        return None
    title = item.title if item else f"action item {audit['item_id']}"
    related = []
    if record is not None:
        related.append({"prefect.resource.id": f"followup.meeting-record.{record.id}",
                        "prefect.resource.role": "record", "prefect.resource.name": record.title})
    if item is not None and item.owner:
        related.append({"prefect.resource.id": owner_resource_id(item.owner),
                        "prefect.resource.role": "owner", "prefect.resource.name": item.owner})
    if audit["kind"] in ("status-changed", "created"):
        old, new = audit["from_status"], audit["to_status"]
    elif audit["changes"]:
        old = {k: v[0] for k, v in audit["changes"].items()}
        new = {k: v[1] for k, v in audit["changes"].items()}
    else:
        old = new = None
    payload = {"item_id": audit["item_id"], "actor": audit["actor"], "at": audit["at"],
               "old": old, "new": new, "note": audit["note"]}
    # `occurred` stays the real time: a simulated `now` (2010) would fall outside
    # the UI's event feed and Prefect's retention; the simulated time is in `at`.
    return dict(event=name, resource={"prefect.resource.id": f"{PREFIX}.{audit['item_id']}",
                                      "prefect.resource.name": title},
                related=related, payload=payload)


def _audit_dict(ev) -> dict:
    """An audit row (an ActionEvent, or a row dict written by models.bulk.insert_events)."""
    get = ev.get if isinstance(ev, dict) else lambda name: getattr(ev, name)
    changes = get("changes")
    return {"item_id": get("item_id"), "kind": get("kind"), "actor": get("actor"),
            "at": get("at").isoformat(), "from_status": get("from_status"),
            "to_status": get("to_status"), "note": get("note"),
            "changes": json.loads(changes) if changes else None}


def _after_flush(session, _ctx) -> None:
    new = [o for o in session.new if isinstance(o, ActionEvent)]
    if new and api_configured():  # as for bulk rows: with no API they would be dropped at commit
        session.info.setdefault(PENDING, []).extend(_audit_dict(o) for o in new)


def _after_bulk_events(session, rows: list[dict]) -> None:
    """The sweep writes its audit rows without ORM objects; they become events all the same."""
    # With no API they would be dropped at commit: holding 28,000 of them grew the sweep's memory.
    if api_configured():
        session.info.setdefault(PENDING, []).extend(_audit_dict(r) for r in rows)


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not api_configured():
        return
    try:
        emit_all(pending, session.get_bind())
    except Exception as exc:  # an event feed problem must never undo or fail a change
        log.warning("could not emit %d item event(s): %s", len(pending), type(exc).__name__)


def emit_all(audits: list[dict], bind) -> int:
    """Look up titles, records and owners once, then emit one event per audit row."""
    from prefect.events import emit_event

    ids = {a["item_id"] for a in audits}
    with Session(bind) as s:
        items = {i.id: i for i in s.exec(select(ActionItem).where(col(ActionItem.id).in_(ids)))}
        rec_ids = {i.record_id for i in items.values() if i.record_id is not None}
        records = {r.id: r for r in s.exec(select(MeetingRecord).where(col(MeetingRecord.id).in_(rec_ids)))}
    sent = 0
    for a in audits:
        item = items.get(a["item_id"])
        kwargs = build_event(a, item, records.get(item.record_id) if item else None)
        if kwargs is not None:
            emit_event(**kwargs)
            sent += 1
    return sent


def install() -> None:
    """Hook every SQLAlchemy session once per process (cheap; idempotent)."""
    from sqlalchemy.orm import Session as OrmSession

    if not sa_event.contains(OrmSession, "after_commit", _after_commit):
        sa_event.listen(OrmSession, "after_flush", _after_flush)
        sa_event.listen(OrmSession, "after_rollback", _after_rollback)
        sa_event.listen(OrmSession, "after_commit", _after_commit)
    if _after_bulk_events not in EVENT_HOOKS:
        EVENT_HOOKS.append(_after_bulk_events)
