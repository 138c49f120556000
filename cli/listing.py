"""`followup list` against the database, with SQLAlchemy core alone.

Both ways in use it: the Typer command (cli.main) and the console script's quick
path (cli.entry), which reaches it without importing Typer, SQLModel or Prefect.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from cli import parse, render
from config.settings import Settings
from models.clock import utcnow
from models.engine import ready_engine
from models.errors import InvalidInput
from models.query import ITEMS, item_filters, item_order
from models.status import OPEN_LIKE, Status, parse_kind



def check_format(value: str) -> str:
    if value not in ("table", "json"):
        raise InvalidInput(f"unknown format {value!r}; use table or json")
    return value


def now_from(value: str | None, settings: Settings) -> datetime:
    """--now (office time zone unless it has an offset), else the clock."""
    return parse.parse_now(value, settings.policy.zone) if value else utcnow()


def list_text(*, settings: Settings, statuses: list[Status], all_: bool, owner: str | None,
              kind: str | None, overdue: bool, count: bool, limit: int | None, fmt: str,
              now: str | None) -> str:
    """What `followup list` prints: a count, a table or JSON."""
    if not statuses and not all_:
        statuses = list(OPEN_LIKE)
    overdue_on = now_from(now, settings).astimezone(settings.policy.zone).date() if overdue else None
    where = item_filters(ITEMS.c, status=statuses, owner=owner,
                         kind=parse_kind(kind).value if kind else None, overdue_on=overdue_on)
    with ready_engine(settings.db_url).connect() as conn:
        if count:
            return str(conn.execute(select(func.count()).select_from(ITEMS).where(*where)).scalar_one())
        stmt = select(*[ITEMS.c[name] for name in render.ROW_FIELDS]).where(*where)
        rows = conn.execute(stmt.order_by(*item_order(ITEMS.c)).limit(limit)).all()
    if fmt == "json":
        return render.dumps([render.item_row(r) for r in rows])
    return render.items_table(rows, f"{len(rows)} action item(s)")
