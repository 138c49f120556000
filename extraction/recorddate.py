"""The record's own date: front matter, a cable's date-time group, a Date: header, else the first full date."""

from __future__ import annotations

import re
from datetime import date

from extraction.dates import DIGIT, PATTERNS, TOKENS
from extraction.windows import month_number, resolve_window

DTG = re.compile(r"\b(?P<d>[0-3]\d)(?P<h>[0-2]\d)(?P<mi>[0-5]\d)Z +(?P<mon>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|"
                 r"OCT|NOV|DEC) +(?P<y>\d{2})\b", re.IGNORECASE)
FRONT = re.compile(r"\A[ ]*---[ ]*\n(?P<body>(?:[^\n]*\n){0,40}?)---[ ]*(?:\n|\Z)")
HEADER = re.compile(r"^[ \t]*(?:date|dated|meeting date|sent|issued|published)[ \t]*:[ \t]*(?P<v>[^\n]{1,80})$",
                    re.IGNORECASE | re.MULTILINE)
FULL = ("dmy", "mdy", "iso")  # the earliest match wins, and no two kinds can start at one place
# What a match of each kind opens with: a digit (dmy), a month's first three letters as MONTH writes
# them (mdy), a whole ISO date (iso). Once a date is found at P, a kind with no opening before P
# cannot give an earlier one and is not searched: scanning the head for a kind that is absent
# was most of the cost on records without a Date: header.
OPENS = {"dmy": DIGIT, "mdy": TOKENS["month"], "iso": TOKENS["iso"]}
OPEN_LEN = {"dmy": 1, "mdy": 3, "iso": 10}


def first_full_date(s: str, lo: int = 0, hi: int | None = None) -> date | None:
    """The first date in s[lo:hi] that states its year; a range gives its last day."""
    hi = len(s) if hi is None else hi
    best: tuple[int, date] | None = None
    for kind in FULL:
        if best is not None and not OPENS[kind].search(s, lo, min(hi, best[0] + OPEN_LEN[kind] - 1)):
            continue
        for m in PATTERNS[kind].finditer(s, lo, hi):
            if best is not None and m.start() >= best[0]:
                break  # cannot be earlier than the one found
            g = m.groupdict()
            if not g.get("y"):
                continue
            try:
                window = resolve_window(kind, g, None)
            except ValueError:
                continue
            if window:
                best = (m.start(), window[1])
            break
    return best[1] if best else None


def record_date(text: str, flat: str, start: int, end: int) -> date | None:
    """Front matter, a cable's date-time group, a Date: header, else the first full date.

    Only the record proper (start..end) is read, so a capture banner above it or
    a site footer below it never dates the record.
    """
    head_end = min(end, start + 3000)
    fm = FRONT.match(text)
    if fm:
        for line in fm.group("body").splitlines():
            if line.lower().startswith("date:"):
                d = first_full_date(line.replace("\t", " "))
                if d:
                    return d
    # Every DTG match holds "Z " or "z " (no other character folds to z): two scans at memchr speed
    # rule out most records instead of trying the pattern at every position of the head.
    dtg = flat.find("Z ", start, head_end) >= 0 or flat.find("z ", start, head_end) >= 0
    m = DTG.search(flat, start, head_end) if dtg else None
    if m:
        y = int(m["y"])
        try:
            return date(2000 + y if y < 70 else 1900 + y, month_number(m["mon"].lower()), int(m["d"]))
        except ValueError:
            pass
    for h in HEADER.finditer(text, start, head_end):
        d = first_full_date(flat, h.start("v"), h.end("v"))
        if d:
            return d
    return first_full_date(flat, start, head_end)
