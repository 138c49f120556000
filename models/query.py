"""What the item filters and sorts mean, as SQLAlchemy core on any `action_item` table.

One definition for the ORM (models.items, on ActionItem's table) and for `followup list`
(on ITEMS below), which reads with SQLAlchemy core alone: importing SQLModel and
building our pydantic models cost more than the whole list query.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, DateTime, Enum, Float, Integer, MetaData, String, Table, func

from models.errors import InvalidInput
from models.status import ACTIVE, Kind, Status

# The action_item columns (models.tables), typed alike so that values bind and read the
# same (a PostgreSQL enum, dates on SQLite); tests compare it with ActionItem's table.
ITEMS = Table(
    "action_item", MetaData(),
    Column("id", Integer, primary_key=True), Column("title", String),
    Column("kind", Enum(Kind, name="kind")), Column("status", Enum(Status, name="status")),
    Column("requester", String), Column("owner", String), Column("counterpart", String),
    Column("due_text", String), Column("due_start", Date), Column("due_end", Date),
    Column("evidence", String), Column("confidence", Float), Column("version", Integer),
    Column("record_id", Integer), Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)))

# Sort keys the list accepts (column names); undated items go last whichever way they sort.
SORTS = {"due": "due_end", "updated": "updated_at", "created": "created_at", "id": "id",
         "title": "title", "status": "status", "owner": "owner"}


def item_filters(c, *, status: list[Status] | None = None, owner: str | None = None,
                 overdue_on: date | None = None, kind: str | None = None,
                 counterpart: str | None = None, due_before: date | None = None,
                 due_after: date | None = None, text: str | None = None) -> list:
    """WHERE clauses on the columns `c` (a table's `.c`); no filter, no clause."""
    where = []
    if status:
        where.append(c.status.in_([s.value for s in status]))
    if owner:
        where.append(func.lower(c.owner).contains(owner.lower()))
    if counterpart:
        where.append(func.lower(c.counterpart).contains(counterpart.lower()))
    if kind:
        where.append(c.kind == kind)
    if overdue_on is not None:  # open and past the end of its due window
        where += [c.status.in_([s.value for s in ACTIVE]), c.due_end < overdue_on]
    if due_before is not None:
        where.append(c.due_end <= due_before)
    if due_after is not None:
        where.append(c.due_end >= due_after)
    if text:
        needle = text.lower()
        where.append(func.lower(c.title).contains(needle)
                     | func.lower(func.coalesce(c.evidence, "")).contains(needle)
                     | func.lower(func.coalesce(c.due_text, "")).contains(needle))
    return where


def item_order(c, sort: str = "due") -> list:
    """ORDER BY for `sort`, a key of SORTS ('-key' descending), then id."""
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)} (prefix - to reverse)")
    column = c[SORTS[key]]
    return [column.is_(None), column.desc() if sort.startswith("-") else column, c.id]
