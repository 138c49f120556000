"""Bulk import and export: many items a statement, one transaction a batch."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import column, insert, select as sa_select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.clock import as_utc
from models.db import session_scope
from models.errors import InvalidInput
from models.tables import ActionEvent, ActionItem
from models.transfer import ImportRow, Skipped, read_rows

ITEM_DEFAULTS = {"kind": None, "requester": None, "owner": None, "counterpart": None,
                 "due_text": None, "due_start": None, "due_end": None, "evidence": None,
                 "evidence_start": None, "evidence_end": None, "confidence": 1.0, "source_key": None}


@dataclass
class ImportReport:
    imported: int = 0
    already: int = 0  # imported before (same source key, e.g. Taskwarrior uuid): left as they are
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def insert_rows(*, session: Session, rows: list[ImportRow], now: datetime, actor: str,
                source: str) -> list[int]:
    """Create items with their `created` (and comment) events; returns the new ids."""
    if not rows:
        return []
    at = as_utc(now)
    values = []
    for row in rows:
        created = row.values.get("created_at") or at
        values.append(ITEM_DEFAULTS | row.values | {
            "source_key": row.source_key, "created_at": as_utc(created),
            "updated_at": as_utc(row.values.get("updated_at") or created),
            "version": 1, "record_id": None})
    table = ActionItem.__table__
    if session.get_bind().dialect.name == "postgresql":
        # Ids drawn first and given explicitly, so rows and ids pair up without relying
        # on RETURNING order; the rows then go as one JSON parameter (see unnest_rows).
        ids = list(session.execute(text(
            "SELECT nextval(pg_get_serial_sequence('action_item', 'id')) FROM generate_series(1, :n)"),
            {"n": len(values)}).scalars())
        for v, item_id in zip(values, ids):
            v["id"] = item_id
        session.execute(insert(table).from_select(list(values[0]), unnest_rows(table, values)))
    else:
        ids = list(session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                   values).scalars())
    events = []
    for item_id, row, v in zip(ids, rows, values):
        events.append({"item_id": item_id, "at": v["created_at"], "actor": actor, "kind": "created",
                       "from_status": None, "to_status": v["status"].value,
                       "note": f"imported from {source}",
                       "changes": json.dumps({"imported": row.extra}, default=str)
                       if row.extra else None})
        events.extend({"item_id": item_id, "at": as_utc(when or v["created_at"]), "actor": actor,
                       "kind": "comment", "from_status": None, "to_status": None, "note": text,
                       "changes": None} for when, text in row.comments)
    # No Prefect event per imported item: an import of 100,000 would flood the event feed.
    insert_events(session=session, events=events, emit=False)
    return ids


def unseen_rows(*, session: Session, rows: list[ImportRow]) -> list[ImportRow]:
    """The rows whose source key no item has yet (the first of any repeated in `rows`)."""
    keys = {r.source_key for r in rows if r.source_key}
    known = set(session.exec(select(ActionItem.source_key)
                             .where(col(ActionItem.source_key).in_(keys))).all()) if keys else set()
    fresh = []
    for r in rows:
        if r.source_key:
            if r.source_key in known:
                continue
            known.add(r.source_key)
        fresh.append(r)
    return fresh


def import_items(*, engine: Engine, lines: Callable[[], Iterable[str]], fmt: str, zone: ZoneInfo,
                 now: datetime, actor: str, strict: bool = False, batch_size: int = 5000,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import every good line, one transaction a batch; report each bad line by number.

    With `strict`, a first pass reads the whole file and any bad line stops the
    import before anything is written.
    """
    report = ImportReport()
    if strict:
        for number, row in read_rows(lines(), fmt=fmt, zone=zone):
            if isinstance(row, InvalidInput):
                report.problems.append((number, str(row)))
        if report.problems:
            return report
    batch: list[ImportRow] = []

    def flush() -> None:
        with session_scope(engine) as session:
            fresh = unseen_rows(session=session, rows=batch)
            insert_rows(session=session, rows=fresh, now=now, actor=actor, source=fmt)
        report.imported += len(fresh)
        report.already += len(batch) - len(fresh)
        if progress:
            progress(len(batch))
        batch.clear()

    for number, row in read_rows(lines(), fmt=fmt, zone=zone):
        if isinstance(row, Skipped):
            report.skipped.append((number, str(row)))
        elif isinstance(row, InvalidInput):
            report.problems.append((number, str(row)))
        else:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    return report


def iter_items(*, session: Session, batch_size: int = 1000) -> Iterator[ActionItem]:
    """Every item in id order, fetched a batch at a time (export of any size)."""
    stmt = select(ActionItem).order_by(ActionItem.id).execution_options(yield_per=batch_size)
    yield from session.exec(stmt)


def insert_events(*, session: Session, events: list[dict], emit: bool = True) -> None:
    """Audit events (ActionEvent fields as plain dicts) in one statement, no ORM objects;
    `emit` tells the EVENT_HOOKS (flows/events.py: Prefect events) about them."""
    if not events:
        return
    fields = {"from_status": None, "to_status": None, "note": None, "changes": None}
    rows = [fields | e for e in events]
    table = ActionEvent.__table__
    if session.get_bind().dialect.name == "postgresql":
        session.execute(insert(table).from_select(list(rows[0]), unnest_rows(table, rows)))
    else:
        session.execute(insert(table), rows)
    # A core insert skips the ORM's flush hooks: tell whoever follows audit rows (flows/events.py).
    for hook in EVENT_HOOKS if emit else ():
        hook(session, rows)


# Called with (session, rows) after insert_events writes rows; flows/events.py registers one.
EVENT_HOOKS: list[Callable[[Session, list[dict]], None]] = []


def unnest_rows(table, rows: list[dict]):
    """PostgreSQL: SELECT the rows back out of one JSON parameter, typed by the table's row type.

    A many-row VALUES statement makes psycopg parse a query as long as the data;
    arrays keep the statement short but psycopg quotes every string element with
    regular expressions in Python. One JSON text (json.dumps is C) costs neither,
    and json_populate_recordset converts each field to its column's type.
    """
    names = list(rows[0])
    payload = json.dumps([{n: r[n] for n in names} for r in rows], default=_json_value)
    source = text(f"json_populate_recordset(NULL::{table.name}, CAST(:rows_json AS json)) AS r")
    return sa_select(*(column(n) for n in names)).select_from(source.bindparams(rows_json=payload))


def _json_value(value):
    """Dates and times as ISO text (aware datetimes keep their offset); enums by value."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return getattr(value, "value", str(value))
