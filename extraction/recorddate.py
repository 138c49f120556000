"""The record's own date: front matter, a cable's date-time group, a Date: header, else the first full date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from extraction.dates import DIGIT, PATTERNS, TOKENS
from extraction.windows import month_number, resolve_window
from extraction.wordtrie import colon_lines

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
# TOKENS["iso"] without its year: it opens with a literal, which `re` looks for at C speed, where a
# pattern that opens with \d is tried at every position (most of what a head without dates cost).
ISO_TAIL = re.compile(r"-\d\d-\d\d")


def _has_opening(kind: str, s: str, lo: int, hi: int) -> bool:
    """Does s[lo:hi] hold the opening of a `kind` match (OPENS[kind].search(s, lo, hi))?"""
    if kind != "iso":
        return OPENS[kind].search(s, lo, hi) is not None
    m = ISO_TAIL.search(s, lo + 4, hi)
    while m:
        if s[m.start() - 4:m.start()].isdecimal():  # \d is what isdecimal() accepts
            return True
        m = ISO_TAIL.search(s, m.start() + 1, hi)
    return False


def first_full_date(s: str, lo: int = 0, hi: int | None = None) -> date | None:
    """The first date in s[lo:hi] that states its year; a range gives its last day."""
    hi = len(s) if hi is None else hi
    best: tuple[int, date] | None = None
    for kind in FULL:
        if not _has_opening(kind, s, lo, hi if best is None else min(hi, best[0] + OPEN_LEN[kind] - 1)):
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
    at = _dtg_from(flat, start, head_end)
    m = DTG.search(flat, at, head_end) if at >= 0 else None
    if m:
        y = int(m["y"])
        try:
            return date(2000 + y if y < 70 else 1900 + y, month_number(m["mon"].lower()), int(m["d"]))
        except ValueError:
            pass
    for h in _headers(text, start, head_end):
        d = first_full_date(flat, h.start("v"), h.end("v"))
        if d:
            return d
    return first_full_date(flat, start, head_end)


def _dtg_from(flat: str, a: int, b: int) -> int:
    """Where a DTG match in flat[a:b] may start first, -1 if nowhere. Every match holds "Z " or
    "z " (no other character folds to z) after six digits that read as a day, hour and minute;
    found at memchr speed, where DTG.search tries every position of the head."""
    first = -1
    for z in ("Z ", "z "):
        i = flat.find(z, a + 6, b)
        while i >= 0 and (first < 0 or i - 6 < first):
            digits = flat[i - 6:i]
            if digits.isdecimal() and digits[0] in "0123" and digits[2] in "012" and digits[4] in "012345":
                first = i - 6  # \d is what isdecimal() accepts
                break
            i = flat.find(z, i + 1, b)
    return first


def _headers(text: str, a: int, b: int) -> Iterator[re.Match[str]]:
    """HEADER.finditer(text, a, b), tried only on lines that can hold a header."""
    return colon_lines(HEADER, text, a, b, HEADER_FIRST)


HEADER_FIRST = " \tdDsSiIpPmM"  # what a HEADER match opens with ("ſ" folds to "s": outside ASCII the pattern decides)
