"""What the dashboard shows, as plain data: the open-items table, ingest reports, the digest.

No Prefect here: the flows publish these as artifacts; tests call them directly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from extraction import ExtractionResult
from models import ACTIVE, OPEN_LIKE, ActionEvent, ActionItem, Status
from models import items as item_ops
from models import records as record_ops
from models.clock import as_utc

TABLE_ROWS = 300  # a keyed artifact also travels as an event: keep it to hundreds of rows
DIGEST_HORIZON_DAYS = 14


def _window(item) -> str:
    if item.due_end is None:
        return item.due_text or "-"
    if item.due_start is None or item.due_start == item.due_end:
        return f"by {item.due_end}"
    return f"{item.due_start}..{item.due_end}"


def _md(text: str | None) -> str:
    """One table cell: no pipes or line breaks to break the markdown table."""
    return (text or "-").replace("|", "\\|").replace("\n", " ")


def action_items_table(*, session: Session, now: datetime, zone: ZoneInfo,
                       limit: int = TABLE_ROWS) -> tuple[list[dict], int]:
    """Rows for the `action-items` artifact (soonest due first) and how many are open in all."""
    today = as_utc(now).astimezone(zone).date()
    total = item_ops.count_items(session=session, status=OPEN_LIKE)
    items = item_ops.list_items(session=session, status=OPEN_LIKE, limit=limit)
    titles = record_ops.record_titles(session=session, ids=(i.record_id for i in items))
    rows = [{"id": i.id, "title": i.title, "kind": i.kind.value if hasattr(i.kind, "value") else i.kind,
             "owner": i.owner or "-", "counterpart": i.counterpart or "-",
             "status": getattr(i.status, "value", i.status), "due": _window(i),
             "days_left": (i.due_end - today).days if i.due_end else None,
             "source_record": titles.get(i.record_id, "-")} for i in items]
    return rows, total


def table_description(shown: int, total: int, api_url: str | None) -> str:
    more = ""
    if total > shown:
        where = f"{api_url.rstrip('/')}/items?status=open" if api_url else "`followup list --all`"
        more = f" The other {total - shown} are at {where}."
    return f"{total} open or proposed action item(s), soonest due first; {shown} shown.{more}"


def ingest_report(results: list[ExtractionResult], summaries: list[dict]) -> str:
    """Markdown: per record, every extracted item with its evidence quote and confidence."""
    out = ["# Ingest report", ""]
    for result, s in zip(results, summaries):
        rec = result.record
        state = "new record" if s["new_record"] else "already ingested; nothing stored"
        out += [f"## {_md(rec.title)}", "",
                f"Record {s['record_id']} ({rec.record_date or 'undated'}), source `{s['source']}`: "
                f"{state}; {len(s['created'])} new item(s), {len(s['linked'])} linked.", ""]
        if not result.items:
            out += ["No follow-ups found.", ""]
            continue
        out += ["| title | kind | owner | due | confidence | evidence |",
                "| --- | --- | --- | --- | --- | --- |"]
        for it in result.items:
            kind = getattr(it.kind, "value", it.kind)
            out.append(f"| {_md(it.title)} | {kind} | {_md(it.owner)} | {_md(_window(it))} | "
                       f"{it.confidence:.2f} | \u201c{_md(it.evidence)}\u201d |")
        out.append("")
    return "\n".join(out)


def weekly_digest(*, session: Session, now: datetime, zone: ZoneInfo) -> str:
    """Markdown, per owner: overdue, due in the next 14 days, done this week, waiting."""
    at = as_utc(now)
    today = at.astimezone(zone).date()
    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    week_ago = at - timedelta(days=7)
    sections: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    active = session.exec(select(ActionItem).where(col(ActionItem.status).in_([s.value for s in ACTIVE]))
                          .order_by(col(ActionItem.due_end).is_(None), ActionItem.due_end, ActionItem.id))
    for it in active:
        who = it.owner or "(no owner)"
        line = f"{_md(it.title)} ({_window(it)})"
        if it.status == Status.waiting:
            sections[who]["Waiting on counterparts"].append(f"{line}, waiting on {_md(it.counterpart)}")
        elif it.due_end is not None and it.due_end < today:
            sections[who]["Overdue"].append(f"{line}, {(today - it.due_end).days} day(s) late")
        elif it.due_end is not None and it.due_end <= horizon:
            sections[who]["Due in the next 14 days"].append(line)
    done = session.exec(select(ActionItem).join(ActionEvent, ActionEvent.item_id == ActionItem.id)
                        .where(ActionEvent.kind == "status-changed", ActionEvent.to_status == "done",
                               ActionEvent.at > week_ago, ActionEvent.at <= at,
                               ActionItem.status == Status.done).distinct())
    for it in done:
        sections[it.owner or "(no owner)"]["Done this week"].append(_md(it.title))
    out = [f"# Weekly digest, week of {today - timedelta(days=today.weekday())}", ""]
    if not sections:
        return "\n".join(out + ["Nothing overdue, due soon, done or waiting."])
    order = ("Overdue", "Due in the next 14 days", "Done this week", "Waiting on counterparts")
    for who in sorted(sections):
        out += [f"## {_md(who)}", ""]
        for name in order:
            lines = sections[who].get(name)
            if lines:
                out += [f"**{name}**", ""] + [f"- {x}" for x in lines] + [""]
    return "\n".join(out)
