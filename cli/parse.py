"""Turning command-line strings into values, with errors that say what to fix."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models import InvalidInput


def parse_date(value: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a date; use YYYY-MM-DD") from None


def parse_window(value: str) -> tuple[date | None, date | None]:
    """'2010-02-07' (a day) or '2010-02-01..2010-02-07'; 'none' clears the due date."""
    text = value.strip()
    if text.lower() in ("none", "null", "-"):
        return None, None
    if ".." in text:
        start_s, end_s = text.split("..", 1)
        start, end = parse_date(start_s, "due start"), parse_date(end_s, "due end")
        if start > end:
            raise InvalidInput(f"due window {value!r} ends before it starts")
        return start, end
    day = parse_date(text, "due date")
    return day, day


def parse_now(value: str | None, zone: ZoneInfo) -> datetime | None:
    """An ISO date or date-time; without an offset it is read in the office zone."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"--now {value!r} is not a date-time; use e.g. 2010-02-01T09:00 or 2010-02-01T09:00+03:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
