"""Due windows: the dates a matched due phrase names, against the record date (dates.py finds the phrase)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTH_NAMES["sept"] = 9
WEEKDAYS = [d for d in calendar.day_name]
ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
       "last": 5, "final": 5}
NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
       "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14, "thirty": 30}


@lru_cache(maxsize=1024)  # a record names a few months over and over; monthrange is not cheap
def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


# The letters `re`'s IGNORECASE matches to ASCII ones in a pattern's words, which lower() leaves
# ("ſ", "ı") or makes two ("İ"): "the ſecond half of 2010" is the second half, not the end of 2010.
RE_FOLDS = {"\u017f": "s", "\u0131": "i", "\u0130": "i", "\u212a": "k"}  # dates.py's scan classes use it too
_FOLD = str.maketrans(RE_FOLDS)


def fold(t: str) -> str:
    """t lower-cased as `re` folds the case of its ASCII letters."""
    return t.lower() if t.isascii() else t.translate(_FOLD).lower()


def month_number(name: str) -> int:
    return MONTH_NAMES[name.rstrip(".").lower()]


def _year(g: dict, ref: date | None, m: int, d: int | None = None) -> int | None:
    """The stated year, or the one that puts a year-less date near or after the record date.

    Follow-ups look ahead: "by 25 January" in an October record is next January.
    A day keeps 30 days of slack (a deadline just missed is still this year's);
    a whole month ("before the September meeting") rolls on once it has ended.
    """
    if g.get("y"):
        return int(g["y"])
    if ref is None:
        return None
    y = ref.year
    try:
        if d is None:
            if month_end(y, m) < ref:
                y += 1
        elif date(y, m, d) < ref - timedelta(days=30):
            y += 1
    except ValueError:
        return None
    return y


def resolve_window(kind: str, g: dict, ref: date | None) -> tuple[date, date] | None:
    """The window a matched phrase names, or None when it cannot be placed."""
    if kind == "iso":
        a = date(int(g["y"]), int(g["m"]), int(g["d"]))
        b = date(int(g["y2"]), int(g["m2"]), int(g["d2"])) if g.get("y2") else a
        return a, b
    if kind in ("dmy", "mdy"):
        m = month_number(g["mon"])
        m2 = month_number(g["mon2"]) if g.get("mon2") else m
        y = _year(g, ref, m, int(g["d"]))
        if y is None:
            return None
        a = date(y, m, int(g["d"]))
        b = date(y, m2, int(g["d2"])) if g.get("d2") else a
        return (a, b) if b >= a else None
    if kind in ("week", "part_month", "month", "bare_month", "meeting"):
        m = month_number(g["mon"])
        y = _year(g, ref, m)
        if y is None:
            return None
        last = month_end(y, m).day
        if kind == "week":
            n = ORD[fold(g["ord"])]
            lo = last - 6 if n == 5 else 7 * (n - 1) + 1
            return date(y, m, lo), date(y, m, min(lo + 6, last))
        if kind == "part_month":
            part = fold(g["part"])
            if "end" in part:
                return date(y, m, last), date(y, m, last)
            if "half" in part:
                return (date(y, m, 1), date(y, m, 15)) if "first" in part else (date(y, m, 16), date(y, m, last))
            lo, hi = (1, 10) if part.startswith(("early", "the beginning", "beginning", "the start", "start")) else (
                (11, 20) if part.startswith(("mid", "the middle", "middle")) else (21, last))
            return date(y, m, lo), date(y, m, hi)
        return date(y, m, 1), date(y, m, last)
    if kind in ("part_year", "quarter", "season", "year"):
        y = int(g["y"])
        if kind == "quarter":
            q = int(g["q"])
            return date(y, 3 * q - 2, 1), month_end(y, 3 * q)
        if kind == "season":
            s = fold(g["season"])
            lo = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}.get(s)
            return (date(y, lo, 1), month_end(y, lo + 2)) if lo else (date(y, 12, 1), month_end(y + 1, 2))
        if kind == "year":
            return date(y, 1, 1), date(y, 12, 31)
        part = " ".join(fold(g["part"]).split())
        for key, (m1, m2) in (("early", (1, 4)), ("beginning", (1, 4)), ("start", (1, 4)), ("mid", (5, 8)),
                              ("middle", (5, 8)), ("late", (9, 12)), ("first half", (1, 6)),
                              ("second half", (7, 12)), ("first quarter", (1, 3)), ("second quarter", (4, 6)),
                              ("third quarter", (7, 9)), ("fourth quarter", (10, 12))):
            if key in part:
                return date(y, m1, 1), month_end(y, m2)
        return date(y, 12, 31), date(y, 12, 31)  # the end of 2010
    if ref is None:
        return None
    return _relative(kind, g, ref)


def _relative(kind: str, g: dict, ref: date) -> tuple[date, date] | None:
    monday = ref - timedelta(days=ref.weekday())
    if kind == "day_rel":
        d = ref + timedelta(days=1 if fold(g["rel"]) == "tomorrow" else 0)
        return d, d
    if kind == "weekday":
        wd = WEEKDAYS.index(g["wd"])
        ahead = (wd - ref.weekday()) % 7
        if fold(g["prep"]) != "this":
            ahead = ahead or 7
        d = ref + timedelta(days=ahead)
        return d, d
    if kind == "within":
        n = int(g["n"]) if g["n"].isdigit() else NUM[fold(g["n"])]
        u = fold(g["u"])
        days = n if u.startswith("day") else 7 * n if u.startswith("week") else 30 * n
        return ref, ref + timedelta(days=days)
    unit = fold(g["unit"])
    nxt = fold(g["which"]) not in ("this", "the")
    if unit == "week":
        lo = monday + timedelta(days=7 if nxt else 0)
        if kind == "end_rel":
            return lo + timedelta(days=4), lo + timedelta(days=4)  # Friday: the working week ends
        return lo, lo + timedelta(days=6)
    if unit == "month":
        y, m = (ref.year + (ref.month == 12), ref.month % 12 + 1) if nxt else (ref.year, ref.month)
        end = month_end(y, m)
        return (end, end) if kind == "end_rel" else (date(y, m, 1), end)
    y = ref.year + (1 if nxt else 0)
    return (date(y, 12, 31), date(y, 12, 31)) if kind == "end_rel" else (date(y, 1, 1), date(y, 12, 31))
