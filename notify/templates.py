"""Readable messages: a title with the item and its state, a body a busy person can act on.

Dates are the office's calendar dates (`zone`), written out in English words
whatever the machine's locale ("Sun 7 Feb 2010").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from models.clock import as_utc

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EVIDENCE_MAX = 400


def fmt_date(day: date, *, year: bool = True) -> str:
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def local_today(now: datetime, zone: ZoneInfo) -> date:
    return as_utc(now).astimezone(zone).date()


@lru_cache(maxsize=4096)  # a sweep meets the same few hundred (due date, today) pairs
def due_words(due_end: date | None, today: date) -> tuple[str, str]:
    """(short, long) description of a due date as seen on `today`."""
    if due_end is None:
        return "no due date", "no due date"
    days = (due_end - today).days
    when = fmt_date(due_end)
    if days > 1:
        return f"due in {days} days", f"due in {days} days, by {when}"
    if days == 1:
        return "due tomorrow", f"due tomorrow, by {when}"
    if days == 0:
        return "due today", f"due today, {when}"
    late = _plural(-days, "day") + " overdue"
    return late, f"{late} (was due {when})"


def window_words(item) -> str | None:
    """The due window when it spans several days, e.g. 'window Mon 1 Feb – Sun 7 Feb 2010'."""
    start, end = item.due_start, item.due_end
    if start is None or end is None or start == end:
        return None
    return f"window {fmt_date(start, year=start.year != end.year)} – {fmt_date(end)}"


def _value(x) -> str:
    return str(getattr(x, "value", x))


def _words(x) -> str:
    """A status or kind for people: 'in progress', 'planned event'."""
    return _value(x).replace("_", " ")


def _title(kind: str, item, short: str, level: int | None, extra: dict) -> str:
    name = item.title
    if kind == "new-item":
        return f"New item: {name} — {short}"
    if kind == "triage":
        return f"Needs triage: {name} — {short}"
    if kind == "reminder":
        return f"Reminder: {name} — {short}"
    if kind == "overdue":
        label = f"Overdue (level {level})" if level else "Overdue"
        return f"{label}: {name} — {short}"
    if kind == "nudge":
        idle = extra.get("idle_days")
        return f"Nudge: {name} — " + (f"no update for {_plural(idle, 'day')}" if idle else short)
    if kind == "status-change":
        to, was = extra.get("to_status", item.status), extra.get("from_status")
        return f"Status: {name} — now {_words(to)}" + (f" (was {_words(was)})" if was else "")
    return f"{kind.capitalize()}: {name} — {short}"


def _hint(kind: str, item) -> str:
    show = f"followup show {item.id}"
    if _value(item.status) == "proposed":
        return (f"Item {item.id}: {show} | accept: followup update {item.id} --status open"
                f" | reject: followup update {item.id} --status rejected")
    return f"Item {item.id}: {show} | mark done: followup update {item.id} --status done"


def _people(item) -> str | None:
    parts = [f"{label}: {value}" for label, value in
             (("Owner", item.owner), ("counterpart", item.counterpart),
              ("requested by", item.requester)) if value]
    return " | ".join(parts) or None


def _evidence(text: str | None) -> str | None:
    if not text:
        return None
    quote = " ".join(text.split())
    if len(quote) > EVIDENCE_MAX:
        quote = quote[: EVIDENCE_MAX - 1].rstrip() + "…"
    return f'Evidence: "{quote}"'


@dataclass(frozen=True)
class Message:
    """One notification in the forms channels take: plain text, Markdown (chat), HTML (e-mail)."""

    title: str
    text: str
    markdown: str
    html: str


# Line styles: what each form does with a line (see _markdown and _html).
HEAD, PLAIN, QUOTE, HINT, LINK = "head", "plain", "quote", "hint", "link"


def _lines(kind: str, item, record_title: str | None, long: str,
           level: int | None, extra: dict, links: dict[str, str] | None) -> list[tuple[str, str]]:
    when = long
    details = [w for w in (window_words(item), f'"{item.due_text}"' if item.due_text else None) if w]
    if details:
        when += f" ({'; '.join(details)})"
    lines = [(HEAD, item.title),
             (PLAIN, f"Status: {_words(item.status)} | kind: {_words(item.kind)}"),
             (PLAIN, f"When: {when}")]
    if kind == "overdue" and level:
        lines.append((PLAIN, f"Escalation level {level}: please act or update the item."))
    if kind == "nudge" and extra.get("idle_days"):
        lines.append((PLAIN, f"No update for {_plural(extra['idle_days'], 'day')}: still on track?"))
    if kind == "status-change":
        was, now_ = extra.get("from_status", "?"), extra.get("to_status", item.status)
        change = f"{_words(was)} -> {_words(now_)}"
        by = f" by {extra['actor']}" if extra.get("actor") else ""
        lines.append((PLAIN, f"Changed{by}: {change}"
                      + (f" — {extra['note']}" if extra.get("note") else "")))
    people, evidence = _people(item), _evidence(item.evidence)
    if people:
        lines.append((PLAIN, people))
    if evidence:
        lines.append((QUOTE, evidence))
    if record_title:
        lines.append((PLAIN, f"Source: {record_title}"))
    # One-click links (mark done, snooze, open) come from the API when it is configured.
    for label, url in (links or {}).items():
        lines.append((LINK, f"{label}: {url}"))
    lines.append((HINT, _hint(kind, item)))
    return lines


def _markdown(lines: list[tuple[str, str]]) -> str:
    out = []
    for style, text in lines:
        if style == HEAD:
            out.append(f"**{_md_escape(text)}**")
        elif style == QUOTE:
            out.append("> " + _md_escape(text))
        elif style == LINK:
            label, url = text.split(": ", 1)
            out.append(f"[{_md_escape(label)}]({url})")
        elif style == HINT:
            out.append(" | ".join(_md_command(part.strip()) for part in text.split("|")))
        else:
            out.append(_md_escape(text))
    return "\n\n".join(out)


def _md_command(part: str) -> str:
    """'label: followup ...' with the command as code, so chat clients keep it copyable."""
    label, _, cmd = part.rpartition(": ")
    if not cmd.startswith("followup "):
        return _md_escape(part)
    return f"{_md_escape(label)}: `{cmd}`" if label else f"`{cmd}`"


# Item titles come from records: keep *, _ and friends from turning into formatting.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#"})


def _md_escape(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def _html(title: str, lines: list[tuple[str, str]]) -> str:
    out = [f"<h3>{escape(title)}</h3>"]
    for style, text in lines:
        if style == HEAD:
            out.append(f"<p><strong>{escape(text)}</strong></p>")
        elif style == QUOTE:
            out.append(f"<blockquote>{escape(text)}</blockquote>")
        elif style == LINK:
            label, url = text.split(": ", 1)
            out.append(f'<p><a href="{escape(url)}">{escape(label)}</a></p>')
        elif style == HINT:
            out.append(f"<p><small><code>{escape(text)}</code></small></p>")
        else:
            out.append(f"<p>{escape(text)}</p>")
    return "\n".join(out)


def render_message(*, kind: str, item, record_title: str | None = None, now: datetime,
                   zone: ZoneInfo, level: int | None = None, extra: dict | None = None,
                   links: dict[str, str] | None = None) -> Message:
    """A notification of `kind` about `item` (None only for a digest), in every form.

    `links` maps a label ("Mark done", "Snooze a week", "Open") to a URL; each form
    shows them as links.
    """
    extra = dict(extra or {})
    if item is None:
        title = f"Digest: {extra.get('title', 'follow-ups')}"
        body = extra.get("body") or "\n".join(extra.get("lines", [])) or "Nothing to report."
        lines = [(PLAIN, line) for line in body.splitlines()]
        return Message(title, body, _markdown(lines), _html(title, lines))
    short, long = due_words(item.due_end, local_today(now, zone))
    title = _title(kind, item, short, level, extra)
    lines = _lines(kind, item, record_title, long, level, extra, links)
    return Message(title, "\n".join(text for _, text in lines), _markdown(lines), _html(title, lines))


def message_title(*, kind: str, item, now: datetime, zone: ZoneInfo, level: int | None = None,
                  extra: dict | None = None) -> str:
    """The title alone: what the outbox shows of a message until the dispatcher words it."""
    short, _ = due_words(item.due_end, local_today(now, zone))
    return _title(kind, item, short, level, extra or {})


def render(*, kind: str, item, record_title: str | None = None, now: datetime, zone: ZoneInfo,
           level: int | None = None, extra: dict | None = None,
           links: dict[str, str] | None = None) -> tuple[str, str]:
    """(title, plain-text body) of a notification; see render_message for every form."""
    m = render_message(kind=kind, item=item, record_title=record_title, now=now, zone=zone,
                       level=level, extra=extra, links=links)
    return m.title, m.text
