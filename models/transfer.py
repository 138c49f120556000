"""Reading import files: our JSON lines and Taskwarrior's `task export`, line by line.

Pure parsing, no database: each line becomes an ImportRow or an InvalidInput
that names what is wrong, so a caller can report every bad line by number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from models.errors import InvalidInput, check_window
from models.status import Kind, Status, parse_status

FORMATS = ("jsonl", "taskwarrior")

# Our columns an import line may set; anything else on the line is kept as `extra`.
TEXT_FIELDS = ("requester", "owner", "counterpart", "due_text", "evidence")

# Taskwarrior's statuses; `waiting` there means "hidden until a date", not
# "waiting on a counterpart", so it maps to open and the date is kept.
TASKWARRIOR_STATUS = {"pending": Status.open, "waiting": Status.open,
                      "completed": Status.done, "deleted": Status.cancelled}
TASKWARRIOR_MAPPED = {"description", "status", "due", "scheduled", "entry", "modified",
                      "annotations", "start", "owner", "requester", "counterpart"}


@dataclass
class ImportRow:
    """One item to create: its column values, comments, and what had no column."""

    values: dict
    comments: list[tuple[datetime | None, str]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    source_key: str | None = None  # identity in the system it came from (Taskwarrior's uuid)


class Skipped(Exception):
    """A line that is fine but holds no item (a Taskwarrior recurrence template)."""


def _text(obj: dict, name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text, not {type(value).__name__}")
    return value.strip() or None


def _day(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} {value!r} is not a real date; use YYYY-MM-DD") from None


def _moment(value, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{name} {value!r} is not an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# What parse_item maps onto columns, and what export writes that an import renews
# (id, version, record_id); every other key is kept in the created event.
ITEM_KEYS = frozenset({"title", "kind", "status", "due_start", "due_end", "confidence",
                       "created_at", "updated_at", *TEXT_FIELDS, "id", "version", "record_id"})


def parse_item(obj: dict) -> ImportRow:
    """A line of our own format: the `extract` item schema plus status and dates."""
    title = _text(obj, "title")
    if not title:
        raise InvalidInput("title is missing")
    values: dict = {"title": title}
    for name in TEXT_FIELDS:
        values[name] = _text(obj, name)
    kind = obj.get("kind") or Kind.action.value
    try:
        values["kind"] = Kind(kind)
    except ValueError:
        raise InvalidInput(f"unknown kind {kind!r}; use one of: "
                           + ", ".join(k.value for k in Kind)) from None
    values["status"] = parse_status(str(obj.get("status") or Status.open.value))
    values["due_start"] = _day(obj.get("due_start"), "due_start")
    values["due_end"] = _day(obj.get("due_end"), "due_end")
    if values["due_end"] is None and values["due_start"] is not None:
        values["due_end"] = values["due_start"]  # a start alone is a one-day window
    check_window(values["due_start"], values["due_end"])
    confidence = obj.get("confidence", 1.0)
    if not isinstance(confidence, (int, float)) or isinstance(confidence, bool) \
            or not 0 <= confidence <= 1:
        raise InvalidInput(f"confidence {confidence!r} must be a number from 0 to 1")
    values["confidence"] = float(confidence)
    values["created_at"] = _moment(obj.get("created_at"), "created_at")
    values["updated_at"] = _moment(obj.get("updated_at"), "updated_at")
    return ImportRow(values=values, extra={k: v for k, v in obj.items() if k not in ITEM_KEYS})


def _tw_moment(value, name: str) -> datetime | None:
    """Taskwarrior's UTC stamps look like 20100207T000000Z."""
    if value in (None, ""):
        return None
    v = str(value)
    # Sliced by hand: strptime was a third of a 100,000-task import.
    if len(v) == 16 and v[8] == "T" and v[15] == "Z" and v[:8].isdigit() and v[9:15].isdigit():
        try:
            return datetime(int(v[:4]), int(v[4:6]), int(v[6:8]), int(v[9:11]), int(v[11:13]),
                            int(v[13:15]), tzinfo=timezone.utc)
        except ValueError:
            raise InvalidInput(f"{name} {value!r} is not a real date-time") from None
    return _moment(value, name)


def parse_taskwarrior(obj: dict, zone: ZoneInfo) -> ImportRow:
    """A task from `task export`; its dates become days in the office time zone."""
    status = obj.get("status", "pending")
    if status == "recurring":
        raise Skipped("a recurrence template; its pending instances are imported")
    if status not in TASKWARRIOR_STATUS:
        raise InvalidInput(f"unknown Taskwarrior status {status!r}")
    title = _text(obj, "description")
    if not title:
        raise InvalidInput("description is missing")
    target = TASKWARRIOR_STATUS[status]
    if target is Status.open and obj.get("start"):
        target = Status.in_progress  # `task start` was run on it
    due = _tw_moment(obj.get("due"), "due")
    scheduled = _tw_moment(obj.get("scheduled"), "scheduled")
    end = due.astimezone(zone).date() if due else None
    start = scheduled.astimezone(zone).date() if scheduled else None
    extra = {k: v for k, v in obj.items() if k not in TASKWARRIOR_MAPPED}
    if start and (end is None or start > end):
        extra["scheduled"], start = obj["scheduled"], None  # no window to put it in
    tags = obj.get("tags") or []
    kinds = [t for t in tags if t in Kind.__members__]
    values = {"title": title, "kind": Kind(kinds[0]) if kinds else Kind.action, "status": target,
              "due_start": start, "due_end": end, "confidence": 1.0,
              "created_at": _tw_moment(obj.get("entry"), "entry"),
              "updated_at": _tw_moment(obj.get("modified"), "modified")}
    for name in TEXT_FIELDS:
        values[name] = _text(obj, name)
    comments = [(_tw_moment(a.get("entry"), "annotation entry"), str(a.get("description", "")))
                for a in obj.get("annotations") or [] if isinstance(a, dict)]
    uuid = obj.get("uuid")
    return ImportRow(values=values, comments=comments, extra=extra,
                     source_key=f"taskwarrior:{uuid}" if isinstance(uuid, str) and uuid else None)


def read_rows(lines: Iterable[str], *, fmt: str, zone: ZoneInfo
              ) -> Iterator[tuple[int, ImportRow | InvalidInput | Skipped]]:
    """(line number, row or problem) for every item in the file.

    Accepts one JSON object per line, and also `task export`'s array (one
    object a line between brackets, or the whole array on one line).
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown import format {fmt!r}; use one of: {', '.join(FORMATS)}")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, InvalidInput(f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        for obj in data if isinstance(data, list) else [data]:
            if not isinstance(obj, dict):
                yield number, InvalidInput("expected a JSON object")
                continue
            try:
                yield number, (parse_item(obj) if fmt == "jsonl" else parse_taskwarrior(obj, zone))
            except (InvalidInput, Skipped) as problem:
                yield number, problem
