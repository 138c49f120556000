"""Dates: due phrases found in a clause; windows.py resolves them against the record date
(recorddate.py finds that date).

Our own regular expressions, no dateparser: they are fast, deterministic and
cover the phrasing of cables and minutes ("the first week of February 2010",
"early 2010", "by 15 March", "next week"). Every pattern is linear: no nested
quantifiers, bounded repeats.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date

from extraction.windows import MONTH_NAMES, NUM, RE_FOLDS, WEEKDAYS, fold, resolve_window
from extraction.wordtrie import has, is_word, opening

_WORDS = sorted(MONTH_NAMES, key=len, reverse=True)
# Case-sensitive on purpose: "May" and "MAY" are months, "may" is a verb.
MONTH = "(?:" + "|".join(w.capitalize() for w in _WORDS) + "|" + "|".join(w.upper() for w in _WORDS) + r")\.?(?![\w])"
SUF = r"(?:st|nd|rd|th)?"


# What IGNORECASE matches to an ASCII letter besides its two cases (tests check every code point).
_FOLDS = {c: "".join(k for k, v in RE_FOLDS.items() if v == c) for c in dict.fromkeys(RE_FOLDS.values())}
# A pattern's text -> the forms find_due searches with: (any text, ASCII text).
SCAN: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _p(pattern: str, first: str, fold: bool = True) -> re.Pattern[str]:
    """`first`: every letter a match can open with (wordtrie.opening); fold=False when the
    pattern opens case-sensitively (a month name is capitalised), so fewer places are tried.

    SCAN gets the same pattern behind a class of those letters: `re` skips to them at C speed
    only when a pattern opens with a class of uncased characters, not with a lookahead. The
    match spans group "_m" (m.end() is one past its start): search on from m.end("_m").
    Its ASCII form (re.ASCII: no Unicode tables for case, digits, word characters) gives the same matches
    wherever s[lo - 1:hi] is ASCII: no pattern looks further back than one character."""
    compiled = re.compile((opening(first) if fold else f"(?=[{first}])") + pattern)
    scan, ascii_, every = "(?<=(?=(?P<_m>" + pattern + "))[\\s\\S])", first, first
    if fold:  # each letter in both cases, and what else IGNORECASE matches to it
        ascii_ = re.sub(r"(?<!\\)[a-z]", lambda c: c[0] + c[0].upper(), first)
        every = re.sub(r"(?<!\\)[a-z]", lambda c: c[0] + c[0].upper() + _FOLDS.get(c[0], ""), first)
    SCAN[compiled.pattern] = (re.compile(f"[{every}]" + scan), re.compile(f"[{ascii_}]" + scan, re.ASCII))
    return compiled


# A match starts at a word's edge ((?<!\w) or \b): "legend of this year" holds no "end of this year",
# "amid May" no "mid May". bare_month, year and weekday leave their preposition out of the due text.
PATTERNS: dict[str, re.Pattern[str]] = {
    "iso": _p(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b(?: ?(?:\.\.|–|—|to) ?"
              r"(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})\b)?", r"\d"),
    "dmy": _p(rf"\b(?P<d>\d{{1,2}}){SUF}(?: ?(?:-|–|to|and) ?(?P<d2>\d{{1,2}}){SUF})? +(?:of +)?"
              rf"(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", r"\d"),
    "mdy": _p(rf"(?<![\w-])(?P<mon>{MONTH}) +(?P<d>\d{{1,2}}){SUF}(?![\d:])(?: ?(?:-|–|to|through) ?"
              rf"(?:(?P<mon2>{MONTH}) +)?(?P<d2>\d{{1,2}}){SUF}(?![\d:]))?(?:,? +(?P<y>\d{{4}})\b)?",
              "JFMASOND", fold=False),
    "week": _p(rf"(?<!\w)(?i:the +)?(?P<ord>(?i:first|second|third|fourth|last|final|1st|2nd|3rd|4th)) +"
               rf"(?i:week) +(?i:of|in) +(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", "tfsl1-4"),
    "part_month": _p(rf"(?<!\w)(?P<part>(?i:early|mid|late|(?:the +)?(?:beginning|start|middle|end|first +half|"
                     rf"second +half) +of)) ?-?"
                     rf" ?(?P<mon>{MONTH})(?:,? +(?P<y>\d{{4}})\b)?", "emltbsf"),
    "month": _p(rf"(?<![\w-])(?P<mon>{MONTH}),? +(?P<y>\d{{4}})\b", "JFMASOND", fold=False),
    "bare_month": _p(rf"(?P<prep>(?i:in|by|before|until|during|through)) +(?P<mon>{MONTH})(?! *,? *\d)", "ibudt"),
    "part_year": _p(r"(?<!\w)(?P<part>(?i:early|mid|late|(?:the +)?(?:beginning|start|middle|end|first +half|"
                    r"second +half|first +quarter|second +quarter|third +quarter|fourth +quarter) +of))"
                    r" ?-? ?(?P<y>(?:19|20)\d{2})\b", "emltbsf"),
    "quarter": _p(r"\bQ(?P<q>[1-4]) ?(?P<y>(?:19|20)\d{2})\b", "q"),
    "season": _p(r"(?<!\w)(?P<season>(?i:spring|summer|autumn|fall|winter)) +(?:of +)?(?P<y>(?:19|20)\d{2})\b", "safw"),
    "year": _p(r"(?P<prep>(?i:in|by|during|before)) +(?P<y>(?:19|20)\d{2})\b(?! ?[-/–])", "ibd"),
    "end_rel": _p(r"(?<!\w)(?i:(?:the +)?end +of +(?P<which>the|this|next) +(?P<unit>week|month|year))\b", "te"),
    "rel": _p(r"(?i:\b(?P<which>next|this|the +following|the +coming) +(?P<unit>week|month|year))\b", "nt"),
    "day_rel": _p(r"(?i:\b(?P<rel>today|tomorrow))\b", "t"),
    "weekday": _p(r"(?P<prep>(?i:by|on|before|until|next|this|due)) +(?P<wd>" + "|".join(WEEKDAYS) + r")\b", "bountd"),
    "within": _p(r"(?i:\bwithin +(?P<n>\d{1,3}|" + "|".join(NUM) + r") +(?P<u>days?|weeks?|months?))\b", "w"),
    "meeting": _p(rf"(?<!\w)(?i:before|by|ahead +of) +the +(?P<mon>{MONTH}) +(?i:meeting|session|board|council)"
                  r"[sS]?\b", "ba"),  # the due text ends at the word's edge: "meetings", never "boardroom"
    "vague": _p(r"(?i:\b(?:in +the +near +future|as +soon +as +possible|ASAP|soon|shortly|in +due +course|"
                r"at +a +later +date|in +the +coming +(?:days|weeks|months)|at +the +earliest +opportunity))\b", "ias"),
}
DIGIT = re.compile(r"\d")
_MON3 = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Lower-case words a pattern cannot match without ("#": a digit, "@": a TOKENS["month"]): `in` tests
# cost far less than patterns. Every pattern has an entry: find_due gives up at once on a clause with
# none of these.
NEEDS: dict[str, tuple[str, ...]] = {
    "iso": ("#",), "dmy": ("#",), "mdy": ("#",), "week": ("week",), "part_month": ("@",), "month": ("#",),
    "bare_month": ("@",), "part_year": ("#",), "quarter": ("#",), "season": ("#",), "year": ("#",),
    "end_rel": ("end",), "rel": ("week", "month", "year"), "day_rel": ("today", "tomorrow"), "weekday": ("day",),
    "within": ("within",), "meeting": ("meeting", "session", "board", "council"),
    "vague": ("future", "soon", "possible", "asap", "shortly", "course", "later", "coming", "earliest"),
}
NEED_WORDS = frozenset(w for need in NEEDS.values() for w in need if w not in "#@")
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
PLAN = [(k, SCAN[p.pattern], NEEDS.get(k), NEEDS_TOKEN.get(k), NEEDS_PART.get(k)) for k, p in PATTERNS.items()]
Step = tuple[str, tuple[re.Pattern[str], re.Pattern[str]], str | None, tuple[str, ...] | None]


@lru_cache(maxsize=4096)  # clauses share a few word sets; bounded, as odd text can give many
def _plan(words: frozenset[str], digit: bool, month: bool) -> list[Step]:
    """The steps of PLAN whose words (or "#", a digit; "@", a month) are present."""
    present = words | {"#"} if digit else words
    present = present | {"@"} if month else present
    return [(k, p, token, part) for k, p, need, token, part in PLAN
            if not (need and present.isdisjoint(need))]


ANCHOR = re.compile(r" +(?i:of|from|after) +")
REFERENCE = re.compile(r"(?i:\b(?:outage|incident|meeting|letter|e-?mail|call|report|minutes|visit|session|"
                       r"decision|order|message|attack|storm|accident|note)s? +(?:of|on|from|dated) +(?:the +)?)$")
REFERENCE_NOUNS = ("outage", "incident", "meeting", "letter", "mail", "call", "report", "minutes", "visit",
                   "session", "decision", "order", "message", "attack", "storm", "accident", "note")
REFERENCE_TAILS = ("of", "on", "from", "dated", "the")  # the words before its final blanks
# "<noun> of <time>" names which one ("the legend of this year", "the figures of next year"), not when it is
# due; these nouns before "of" are the exceptions, where the time is when ("the start of next week", "ahead of").
OF_TIME = frozenset(("ahead", "as", "because", "instead", "out", "start", "beginning", "middle", "end", "course",
                     "rest", "remainder", "half", "quarter", "part", "week", "weeks", "weekend", "month", "months",
                     "year", "day", "days", "morning", "afternoon", "evening", "night", "eve", "spring", "summer",
                     "autumn", "fall", "winter", "first", "second", "third", "fourth", "last", "final"))
PREFIX = re.compile(r"(?i:\b(?:by|before|no +later +than|not +later +than|until|till|ahead +of)) +$")


PREFIX_WORDS = ("by", "before", "than", "until", "till", "ahead")  # every PREFIX match holds one


@dataclass(frozen=True)
class Due:
    start: int  # span of the phrase in the searched string
    end: int
    text: str
    due_start: date | None
    due_end: date | None


def _is_reference(s: str, lo: int, hi: int) -> bool:
    """Does s[lo:hi] end as a reference does: "<noun> of " (not an OF_TIME noun), or REFERENCE,
    searched only where it can end and a noun it needs is there (lower() is exact on ASCII)."""
    low = fold(s[lo:hi])
    t = low.rstrip()
    if t.endswith("of") and t[-3:-2].isspace():
        noun = t[:-2].split()[-1:]
        if noun and noun[0].isalpha() and noun[0] not in OF_TIME:
            return True
    if low.isascii() and not (low.rstrip(" \n").endswith(REFERENCE_TAILS)
                              and any(map(low.__contains__, REFERENCE_NOUNS))):
        return False
    return REFERENCE.search(s, lo, hi) is not None


def _prefix(s: str, lo: int, a: int) -> re.Match[str] | None:
    """PREFIX right before a, searched only where one of its words is."""
    return PREFIX.search(s, lo, a) if has(s[lo:a], PREFIX_WORDS, fold=True) else None


def find_due(s: str, ref: date | None, lo: int = 0, hi: int | None = None) -> Due | None:
    """The due phrase in s[lo:hi] and its window; vague phrases come back without dates.

    A dated phrase beats a vague one; among dated ones the first that is not in
    the past ("last held in 2007" is background), then the earliest and longest.
    """
    hi = len(s) if hi is None else hi
    clause = s[lo:hi]
    low = clause.lower()
    # lower() is how `re` folds case only on ASCII ("ſoon" matches "soon"): elsewhere every word is present.
    ascii_text = clause.isascii()
    words = frozenset(filter(low.__contains__, NEED_WORDS)) if ascii_text else NEED_WORDS  # filter: no frame per word
    digit = DIGIT.search(s, lo, hi) is not None
    # One search for a month's three letters as MONTH writes them, not twelve `in` tests for them.
    month = TOKENS["month"].search(s, lo, hi) is not None
    if not words and not digit and not month:
        return None  # most clauses name no time at all, and every pattern needs a word, a digit or a month
    found: list[tuple[int, int, str, tuple[date, date] | None]] = []
    tokens = {"month": month}
    scan = ascii_text and (lo == 0 or s[lo - 1].isascii())  # which of SCAN's forms
    for kind, pats, token, part in _plan(words, digit, month):
        if part and ascii_text and not any(map(low.__contains__, part)):
            continue
        if kind == "quarter" and s.find("Q", lo, hi) < 0:
            continue  # "Q1 2010": the one pattern whose literal no word test above covers
        if token:
            if token not in tokens:
                tokens[token] = TOKENS[token].search(s, lo, hi) is not None
            if not tokens[token]:
                continue
        end = lo
        pat = pats[scan]
        while (m := pat.search(s, end, hi)) is not None:  # as finditer would with PATTERNS[kind]
            end = m.end("_m")
            g = m.groupdict()
            # Leave "in"/"on" out of due_text; PREFIX below puts "by"/"before" back in.
            a = m.start("mon") if kind == "bare_month" else m.start("y") if kind == "year" else m.start()
            # "...this Friday" stuck to a word: the weekday alone
            if kind == "weekday" and (fold(g["prep"]) not in ("next", "this") or a > 0 and is_word(s[a - 1])):
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
                of = ANCHOR.match(s, end, hi)
                anchor = find_due(s, ref, of.end(), min(hi, of.end() + 40)) if of else None
                if anchor and of and anchor.start == of.end() and anchor.due_start:
                    window = (anchor.due_start, anchor.due_start + (window[1] - window[0]))
                    found.append((a, anchor.end, kind, window))
                    continue
            found.append((a, end, kind, window))
    if not found:
        return None

    def rank(f: tuple[int, int, str, tuple[date, date] | None]) -> tuple:
        past = f[3] is not None and ref is not None and f[3][1] < ref
        # "draft the Q1 2027 summary by Friday": a time with "by" or "before" is the deadline; one
        # without may only say which summary. Asked only when there is a choice (it costs a search).
        loose = len(found) > 1 and f[2] != "meeting" and _prefix(s, max(lo, f[0] - 20), f[0]) is None
        return (f[3] is None, past, loose, f[0], -(f[1] - f[0]))

    a, b, _kind, window = found[0] if len(found) == 1 else min(found, key=rank)
    while b > a and s[b - 1] in " ,.":
        b -= 1
    p = _prefix(s, max(lo, a - 20), a)
    if p:
        a = p.start()
    return Due(a, b, " ".join(s[a:b].split()), window[0] if window else None, window[1] if window else None)
