"""Dates: due phrases resolved to a window against the record date (recorddate.py finds that date).

Our own regular expressions, no dateparser: they are fast, deterministic and
cover the phrasing of cables and minutes ("the first week of February 2010",
"early 2010", "by 15 March", "next week"). Every pattern is linear: no nested
quantifiers, bounded repeats.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from extraction.wordtrie import opening

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9
_WORDS = sorted(_MONTH_NAMES, key=len, reverse=True)
# Case-sensitive on purpose: "May" and "MAY" are months, "may" is a verb.
MONTH = "(?:" + "|".join(w.capitalize() for w in _WORDS) + "|" + "|".join(w.upper() for w in _WORDS) + r")\.?(?![\w])"
WEEKDAYS = [d for d in calendar.day_name]
ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
       "last": 5, "final": 5}
NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
       "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14, "thirty": 30}
SUF = r"(?:st|nd|rd|th)?"


def _p(pattern: str, first: str) -> re.Pattern[str]:
    """`first`: every letter a match can open with (wordtrie.opening)."""
    return re.compile(opening(first) + pattern)


PATTERNS: dict[str, re.Pattern[str]] = {
    "iso": _p(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b(?: ?(?:\.\.|–|—|to) ?"
              r"(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})\b)?", r"\d"),
    "dmy": _p(rf"\b(?P<d>\d{{1,2}}){SUF}(?: ?(?:-|–|to|and) ?(?P<d2>\d{{1,2}}){SUF})? +(?:of +)?"
              rf"(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", r"\d"),
    "mdy": _p(rf"(?<![\w-])(?P<mon>{MONTH}) +(?P<d>\d{{1,2}}){SUF}(?![\d:])(?: ?(?:-|–|to|through) ?"
              rf"(?:(?P<mon2>{MONTH}) +)?(?P<d2>\d{{1,2}}){SUF}(?![\d:]))?(?:,? +(?P<y>\d{{4}})\b)?", "jfmasond"),
    "week": _p(rf"(?i:the +)?(?P<ord>(?i:first|second|third|fourth|last|final|1st|2nd|3rd|4th)) +"
               rf"(?i:week) +(?i:of|in) +(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", "tfsl1-4"),
    "part_month": _p(rf"(?P<part>(?i:early|mid|late|(?:the +)?(?:beginning|start|middle|end|first +half|"
                     rf"second +half) +of)) ?-?"
                     rf" ?(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", "emltbsf"),
    "month": _p(rf"(?<![\w-])(?P<mon>{MONTH}),? +(?P<y>\d{{4}})\b", "jfmasond"),
    "bare_month": _p(rf"(?P<prep>(?i:in|by|before|until|during|through)) +(?P<mon>{MONTH})(?! *,? *\d)", "ibudt"),
    "part_year": _p(r"(?P<part>(?i:early|mid|late|(?:the +)?(?:beginning|start|middle|end|first +half|"
                    r"second +half|first +quarter|second +quarter|third +quarter|fourth +quarter) +of))"
                    r" ?-? ?(?P<y>(?:19|20)\d{2})\b", "emltbsf"),
    "quarter": _p(r"\bQ(?P<q>[1-4]) ?(?P<y>(?:19|20)\d{2})\b", "q"),
    "season": _p(r"(?P<season>(?i:spring|summer|autumn|fall|winter)) +(?:of +)?(?P<y>(?:19|20)\d{2})\b", "safw"),
    "year": _p(r"(?P<prep>(?i:in|by|during|before)) +(?P<y>(?:19|20)\d{2})\b(?! ?[-/–])", "ibd"),
    "end_rel": _p(r"(?i:(?:the +)?end +of +(?P<which>the|this|next) +(?P<unit>week|month|year))\b", "te"),
    "rel": _p(r"(?i:\b(?P<which>next|this|the +following|the +coming) +(?P<unit>week|month|year))\b", "nt"),
    "day_rel": _p(r"(?i:\b(?P<rel>today|tomorrow))\b", "t"),
    "weekday": _p(r"(?P<prep>(?i:by|on|before|until|next|this|due)) +(?P<wd>" + "|".join(WEEKDAYS) + r")\b", "bountd"),
    "within": _p(r"(?i:\bwithin +(?P<n>\d{1,3}|" + "|".join(NUM) + r") +(?P<u>days?|weeks?|months?))\b", "w"),
    "meeting": _p(rf"(?i:before|by|ahead +of) +the +(?P<mon>{MONTH}) +(?i:meeting|session|board|council)", "ba"),
    "vague": _p(r"(?i:\b(?:in +the +near +future|as +soon +as +possible|ASAP|soon|shortly|in +due +course|"
                r"at +a +later +date|in +the +coming +(?:days|weeks|months)|at +the +earliest +opportunity))\b", "ias"),
}
DIGIT = re.compile(r"\d")
_MON3 = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Lower-case words a pattern cannot match without ("#": a digit): `in` tests cost far less than patterns.
NEEDS: dict[str, tuple[str, ...]] = {
    "iso": ("#",), "dmy": ("#",), "mdy": ("#",), "week": ("week",), "part_month": _MON3, "month": ("#",),
    "bare_month": _MON3, "part_year": ("#",), "quarter": ("#",), "season": ("#",), "year": ("#",),
    "end_rel": ("end",), "rel": ("week", "month", "year"), "day_rel": ("today", "tomorrow"), "weekday": ("day",),
    "within": ("within",), "meeting": ("meeting", "session", "board", "council"),
    "vague": ("future", "soon", "possible", "asap", "shortly", "course", "later", "coming", "earliest"),
}
NEED_WORDS = frozenset(w for need in NEEDS.values() for w in need if w != "#")
# Case-sensitive tokens a pattern's match must contain; one short search per clause rules out
# most patterns where the word tests above cannot ("may" the verb, "dec" in "decided").
TOKENS = {"month": re.compile("|".join(w.capitalize() for w in _MON3) + "|" + "|".join(w.upper() for w in _MON3)),
          "year": re.compile(r"(?:19|20)\d\d"), "iso": re.compile(r"\d{4}-\d\d-\d\d")}
NEEDS_TOKEN = {"iso": "iso", **dict.fromkeys(("part_year", "quarter", "season", "year"), "year"),
               **dict.fromkeys(("dmy", "mdy", "week", "part_month", "month", "bare_month", "meeting"), "month")}
# And a word the case-insensitive part of a pattern needs (tested only on ASCII, where lower() is exact).
_PARTS = ("early", "mid", "late", "beginning", "start", "middle", "end", "half")
NEEDS_PART = {"part_month": _PARTS, "part_year": (*_PARTS, "quarter"),
              "season": ("spring", "summer", "autumn", "fall", "winter")}
# (kind, pattern, words, token, part words) in PATTERNS order: one tuple per step of the loop.
PLAN = [(k, p, NEEDS.get(k), NEEDS_TOKEN.get(k), NEEDS_PART.get(k)) for k, p in PATTERNS.items()]
_PLANS: dict[frozenset[str], list[tuple[str, re.Pattern[str], str | None, tuple[str, ...] | None]]] = {}


def _plan(present: frozenset[str]) -> list[tuple[str, re.Pattern[str], str | None, tuple[str, ...] | None]]:
    """The steps of PLAN whose words are present: clauses share a few word sets, so this is a lookup."""
    steps = _PLANS.get(present)
    if steps is None:
        if len(_PLANS) > 4096:  # bounded: odd text can give many word sets
            _PLANS.clear()
        steps = _PLANS[present] = [(k, p, token, part) for k, p, need, token, part in PLAN
                                   if not (need and present.isdisjoint(need))]
    return steps


QUICK_WORDS = (*_MON3, "week", "month", "year", "today", "tomorrow", "soon", "asap", "shortly", "future",
               "due course", "later", "coming", "opportunity", "spring", "summer", "autumn", "fall", "winter",
               "day")
ANCHOR = re.compile(r" +(?i:of|from|after) +")
REFERENCE = re.compile(r"(?i:\b(?:outage|incident|meeting|letter|e-?mail|call|report|minutes|visit|session|"
                       r"decision|order|message|attack|storm|accident|note)s? +(?:of|on|from|dated) +(?:the +)?)$")
REFERENCE_NOUNS = ("outage", "incident", "meeting", "letter", "mail", "call", "report", "minutes", "visit",
                   "session", "decision", "order", "message", "attack", "storm", "accident", "note")
PREFIX = re.compile(r"(?i:\b(?:by|before|no +later +than|not +later +than|until|till|ahead +of)) +$")


@dataclass(frozen=True)
class Due:
    start: int  # span of the phrase in the searched string
    end: int
    text: str
    due_start: date | None
    due_end: date | None


def _is_reference(s: str, lo: int, hi: int) -> bool:
    """REFERENCE in s[lo:hi], searched only when a noun it needs is there (lower() is exact on ASCII)."""
    low = s[lo:hi].lower()
    if low.isascii() and not any(map(low.__contains__, REFERENCE_NOUNS)):
        return False
    return REFERENCE.search(s, lo, hi) is not None


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def month_number(name: str) -> int:
    return _MONTH_NAMES[name.rstrip(".").lower()]


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
            n = ORD[g["ord"].lower()]
            lo = last - 6 if n == 5 else 7 * (n - 1) + 1
            return date(y, m, lo), date(y, m, min(lo + 6, last))
        if kind == "part_month":
            part = g["part"].lower()
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
            s = g["season"].lower()
            lo = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}.get(s)
            return (date(y, lo, 1), month_end(y, lo + 2)) if lo else (date(y, 12, 1), month_end(y + 1, 2))
        if kind == "year":
            return date(y, 1, 1), date(y, 12, 31)
        part = " ".join(g["part"].lower().split())
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
        d = ref + timedelta(days=1 if g["rel"].lower() == "tomorrow" else 0)
        return d, d
    if kind == "weekday":
        wd = WEEKDAYS.index(g["wd"])
        ahead = (wd - ref.weekday()) % 7
        if g["prep"].lower() != "this":
            ahead = ahead or 7
        d = ref + timedelta(days=ahead)
        return d, d
    if kind == "within":
        n = int(g["n"]) if g["n"].isdigit() else NUM[g["n"].lower()]
        u = g["u"].lower()
        days = n if u.startswith("day") else 7 * n if u.startswith("week") else 30 * n
        return ref, ref + timedelta(days=days)
    unit = g["unit"].lower()
    nxt = g["which"].lower() != "this" and g["which"].lower() != "the"
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


def find_due(s: str, ref: date | None, lo: int = 0, hi: int | None = None) -> Due | None:
    """The due phrase in s[lo:hi] and its window; vague phrases come back without dates.

    A dated phrase beats a vague one; among dated ones the first that is not in
    the past ("last held in 2007" is background), then the earliest and longest.
    """
    hi = len(s) if hi is None else hi
    low = s[lo:hi].lower()
    present = set(filter(low.__contains__, NEED_WORDS))  # filter/map: no Python frame per word
    if DIGIT.search(s, lo, hi):
        present.add("#")
    if not present and not any(map(low.__contains__, QUICK_WORDS)):
        return None  # most clauses name no time at all: skip the full pattern set
    found: list[tuple[int, int, str, tuple[date, date] | None]] = []
    tokens: dict[str, bool] = {}
    ascii_text = low.isascii()
    for kind, pat, token, part in _plan(frozenset(present)):
        if part and ascii_text and not any(map(low.__contains__, part)):
            continue
        if kind == "quarter" and s.find("Q", lo, hi) < 0:
            continue  # "Q1 2010": the one pattern whose literal no word test above covers
        if token:
            if token not in tokens:
                tokens[token] = TOKENS[token].search(s, lo, hi) is not None
            if not tokens[token]:
                continue
        for m in pat.finditer(s, lo, hi):
            g = m.groupdict()
            # Leave "in"/"on" out of due_text; PREFIX below puts "by"/"before" back in.
            a = m.start("mon") if kind == "bare_month" else m.start("y") if kind == "year" else m.start()
            if kind == "weekday" and g["prep"].lower() not in ("next", "this"):
                a = m.start("wd")
            if kind != "vague" and _is_reference(s, max(lo, a - 40), a):
                continue  # "the outage of November 14": which one, not when
            try:
                window = None if kind == "vague" else resolve_window(kind, g, ref)
            except (ValueError, KeyError):
                continue  # "31 February": not a date
            if kind != "vague" and window is None and ref is not None:
                continue
            if kind == "within" and window is not None:  # "within 14 days of 20 July": from that day
                of = ANCHOR.match(s, m.end(), hi)
                anchor = find_due(s, ref, of.end(), min(hi, of.end() + 40)) if of else None
                if anchor and of and anchor.start == of.end() and anchor.due_start:
                    window = (anchor.due_start, anchor.due_start + (window[1] - window[0]))
                    found.append((a, anchor.end, kind, window))
                    continue
            found.append((a, m.end(), kind, window))
    if not found:
        return None

    def rank(f: tuple[int, int, str, tuple[date, date] | None]) -> tuple:
        past = f[3] is not None and ref is not None and f[3][1] < ref
        return (f[3] is None, past, f[0], -(f[1] - f[0]))

    a, b, _kind, window = min(found, key=rank)
    while b > a and s[b - 1] in " ,.":
        b -= 1
    p = PREFIX.search(s, max(lo, a - 20), a)
    if p:
        a = p.start()
    return Due(a, b, " ".join(s[a:b].split()), window[0] if window else None, window[1] if window else None)
