"""Tables and JSON for the terminal."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from cli import plain

if TYPE_CHECKING:  # rich and the models load only where a command needs them: `list` uses neither
    from rich.console import Console
    from rich.table import Table

    from models import ActionEvent, ActionItem, ActionItemCreate, ItemMention, MeetingRecord, Notification


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    # Piped output (CI, `| less`) gets a wide page instead of rich's 80 columns.
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 160, highlight=False)


def due_window(start: date | None, end: date | None, text: str | None = None) -> str:
    if end is None and start is None:
        return f"({text})" if text else "-"
    if start is None or start == end:
        return f"by {end.isoformat()}"
    return f"{start.isoformat()}..{end.isoformat()}"


# The fields item_row and items_table read: `list` fetches only these.
ROW_FIELDS = ("id", "title", "kind", "status", "requester", "owner", "counterpart", "due_text",
              "due_start", "due_end", "confidence", "version", "record_id")


def item_row(item: ActionItem) -> dict:
    return {
        "id": item.id, "title": item.title, "kind": getattr(item.kind, "value", item.kind),
        "status": getattr(item.status, "value", item.status), "requester": item.requester,
        "owner": item.owner, "counterpart": item.counterpart, "due_text": item.due_text,
        "due_start": item.due_start.isoformat() if item.due_start else None,
        "due_end": item.due_end.isoformat() if item.due_end else None,
        "confidence": round(item.confidence, 2), "version": item.version,
        "record_id": item.record_id,
    }


ITEM_COLUMNS = ("ID", "Title", "Kind", "Owner", "Counterpart", "Due", "Status")


def items_table(items: list[ActionItem], title: str | None = None) -> str:
    """The `followup list` table as plain text (print it, not through rich: titles may hold [])."""
    rows = ((str(it.id), it.title, getattr(it.kind, "value", it.kind), it.owner or "-",
             it.counterpart or "-", due_window(it.due_start, it.due_end, it.due_text),
             getattr(it.status, "value", it.status)) for it in items)
    return plain.table(ITEM_COLUMNS, rows, title)


def item_detail(item: ActionItem, history: list[ActionEvent],
                mentions: list[tuple[ItemMention, MeetingRecord]]) -> str:
    """`followup show` as plain text: a label column, then the evidence and history tables."""
    row = item_row(item)
    head = [(label, str(row[key]) if row[key] is not None else "-")
            for label, key in (("Title", "title"), ("Kind", "kind"), ("Status", "status"),
                               ("Requester", "requester"), ("Owner", "owner"),
                               ("Counterpart", "counterpart"), ("Confidence", "confidence"),
                               ("Version", "version"))]
    head.append(("Due", due_window(item.due_start, item.due_end, item.due_text)
                 + (f"  ({item.due_text})" if item.due_text and item.due_end else "")))
    parts = [f"Action item {item.id}", "\n".join(f"{label:<13}{value}" for label, value in head)]
    if mentions:
        ev = []
        for m, rec in mentions:
            when = f" ({rec.record_date})" if rec.record_date else ""
            span = f" [chars {m.evidence_start}-{m.evidence_end}]" if m.evidence_start is not None else ""
            quote = " ".join((m.evidence or "").split())  # a quote's line breaks would break the table
            ev.append((f"#{rec.id} {rec.title}{when}", f"\u201c{quote}\u201d{span}"))
        parts.append(plain.table(("Record", "Quote"), ev, "Evidence"))
    hist = []
    for e in history:
        change = f"{e.from_status or ''} -> {e.to_status}" if e.to_status else (e.changes or "")
        hist.append((e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.kind, change, e.note or ""))
    parts.append(plain.table(("When (UTC)", "Who", "What", "Change", "Note"), hist, "History"))
    return "\n\n".join(parts)


def notifications_table(rows: list[Notification], title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in ("ID", "Kind", "Item", "Tags", "Status", "Tries", "Title", "Last error / why skipped"):
        table.add_column(name, overflow="fold")
    for n in rows:
        table.add_row(str(n.id), n.kind, str(n.item_id or "-"), n.tags, n.status, str(n.attempts),
                      n.title, n.last_error or "")
    return table


def deliveries_table(rows, title: str | None = None) -> Table:
    """One message's result per apprise target (targets are stored in privacy form)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in ("Target", "Status", "Tries", "Sent at", "Last error"):
        table.add_column(name, overflow="fold")
    for d in rows:
        table.add_row(d.target, d.status, str(d.attempts),
                      d.sent_at.isoformat(timespec="seconds") if d.sent_at else "", d.last_error or "")
    return table


def dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


CANDIDATE_KEYS = ("title", "kind", "evidence", "evidence_start", "evidence_end", "requester", "owner",
                  "counterpart", "due_text", "due_start", "due_end", "confidence")


def candidate_dict(item: ActionItemCreate) -> dict:
    """The `extract --format json` shape of one item: ISO dates or null."""
    data = item.model_dump(include=set(CANDIDATE_KEYS), mode="json")
    return {k: data.get(k) for k in CANDIDATE_KEYS}


def extraction_table(items: list[ActionItemCreate], title: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in ("Title", "Kind", "Owner", "Counterpart", "Due", "Conf.", "Evidence"):
        table.add_column(name, overflow="fold")
    for it in items:
        table.add_row(it.title, getattr(it.kind, "value", it.kind), it.owner or "-",
                      it.counterpart or "-", due_window(it.due_start, it.due_end, it.due_text),
                      f"{it.confidence:.2f}", " ".join((it.evidence or "").split()))
    return table
