"""Find the part of a record worth reading, and cut it into sentences.

Nothing here edits the text. We build `flat`, a copy of the same length in which
line breaks, tabs and masked regions (a capture banner) are spaces, and work on
that; every offset therefore indexes the original string, so evidence is always
`text[start:end]` even though cables are hard-wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from extraction.wordtrie import has

# A web capture's crawl banner ("TODAY IS FRIDAY, DECEMBER 14, 2018, 7:09:00 PM"):
# the date of the capture, never of the record.
BANNER = re.compile(
    r"^[ \t]*(?:TODAY IS\b|(?:Captured|Retrieved|Accessed|Archived|Crawled|Downloaded|Saved)"
    r"(?: (?:on|at|from))?\b[^\n]{0,80}\d{4})[^\n]*$",
    re.MULTILINE,
)

# Site chrome that ends the record: a copyright line, then unrelated headlines.
FOOTER = re.compile(
    r"^[ \t]*(?:©|\(c\)[ \t]|Copyright\b|All rights reserved|World Headlines\b|"
    r"Related (?:stories|articles|news|headlines)\b|Latest headlines\b|Share this\b|"
    r"Subscribe to\b|Back to top\b)",
    re.MULTILINE | re.IGNORECASE,
)

PARA_BREAK = re.compile(r"\n[ \t\r]*\n")

# A line that starts a new unit even inside a wrapped paragraph: a bullet, a
# checkbox, a label such as "ACTION:", "TODO:", "Action item:", a Markdown
# heading, a chat log's "<nick>" or "#info" line, or a scribe's "Name:" line.
LINE_START = re.compile(
    r"[ \t]*(?:[-*+•][ \t]|\d{1,2}[.)][ \t]|\(\w\)[ \t]|\[[ xX]?\][ \t]|#[a-z]+\b|<[\w.|-]{1,30}>[ \t]|"
    r"#{1,6}[ \t]|[A-Z][\w.-]{0,30}:[ \t]|"
    r"(?:\[[A-Z]+\][ \t]*)?(?:ACTION|Action|AI|TODO|To-?do|RESOLVED|Resolved|RESOLUTION|"
    r"Resolution|DECISION|Decision|NEXT STEPS?|Next steps?)\b[^\n:]{0,20}:|ACTION[ \t]|[A-Z][A-Z.&' ]{1,40} TO [A-Z]{3,}\b)"
)

# Lines that are one action each: "ACTION: ...", "AI: ...", "TODO ...", "#action ...", "- [ ] ...".
LABEL_LINE = re.compile(r"[ \t]*(?:[-*+] +\[[ xX]?\]|#action\b|(?:ACTION|Action|AI|TODO|To-?do|RESOLUTION|Resolution)"
                        r"\b[^\n:]{0,20}:|ACTION[ \t]|[A-Z][A-Z.&' ]{1,40} TO [A-Z]{3,}\b)")

# Numbered-paragraph markers ("1.", "(a)", "A.") are not part of a sentence.
MARKER = re.compile(r"[ \t]*(?:\d{1,2}[.)]|\(\w{1,3}\))[ \t]+")
NONBLANK = re.compile(r"\S")  # str.strip() and `re` agree on what is blank

ABBREVIATIONS = frozenset(
    "mr ms mrs dr st prof amb gen col lt sr jr no nos vs etc e.g i.e approx dept est fig inc ltd"
    " co corp gov sen rep jan feb mar apr jun jul aug sep sept oct nov dec mt ft op cf al ca".split()
)
SENT_END = re.compile(r"[.!?][.!?]*[\"'”’)\]]*(?= |$)")
FULL_STOP = re.compile(r"\.[.!?]*[\"'”’)\]]*(?= |$)")  # SENT_END where a text holds no "!" or "?"
INITIALS = re.compile(r"(?:\w\.)+\w")  # "U.S", "e.g": compiled once, it runs at every full stop
MAX_SENTENCE = 1500  # longer runs (one giant line) are cut: rules stay linear in the text size


class Sentence(NamedTuple):
    """A tuple, not a frozen dataclass: one is built per sentence, and frozen __init__ is slow."""

    start: int  # offsets into the original text
    end: int
    text: str  # flat[start:end]: the sentence with line breaks as spaces
    para: int  # index of its paragraph
    line_start: bool  # begins a line (bullets and labels are only read there)


class Cleaned(NamedTuple):
    """A tuple, not a frozen dataclass, for the same reason as Sentence: one is built per record."""

    text: str
    flat: str
    start: int  # where the record proper begins (after a capture banner)
    end: int  # where site boilerplate begins
    banner: tuple[int, int] | None


def clean(text: str) -> Cleaned:
    """Locate banner and footer; build the flat copy used by every later step."""
    flat = _flatten(text)
    start, banner = 0, None
    # A banner counts only with nothing but blanks above it, so it can only be on the first line that
    # is not blank: one match there, not BANNER's "^" tried at each of the first 400 positions.
    first_content = NONBLANK.search(text)
    if first_content and first_content.start() < 400:
        m = BANNER.match(text, text.rfind("\n", 0, first_content.start()) + 1, min(len(text), 400))
        if m:
            banner = (m.start(), m.end())
            start = m.end()
            flat = flat[: m.start()] + " " * (m.end() - m.start()) + flat[m.end():]
            first_content = NONBLANK.search(text, start)
    end = len(text)
    body_from = first_content.end() if first_content else start
    for fm in FOOTER.finditer(text, body_from) if has(text[body_from:], FOOTER_WORDS, fold=True) else ():
        # The first lines are a title, never chrome; a footer needs body above it.
        if len(text[start: fm.start()].strip()) > 200:
            end = fm.start()
            break
    return Cleaned(text=text, flat=flat, start=start, end=end, banner=banner)


# Every FOOTER match holds one of these, lower-cased. Its "^" makes `re` try every position of the
# record; most records hold none of them, and a few scans of the lower-cased text cost far less.
FOOTER_WORDS = ("©", "(c)", "copyright", "all rights reserved", "world headlines", "related ", "latest headlines",
                "share this", "subscribe to", "back to top")


_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " ", "\u00a0": " "})
_FLATTEN_ASCII = bytes.maketrans(b"\n\r\t\f\v", b"     ")


def _flatten(text: str) -> str:
    """text with line breaks, tabs and no-break spaces as spaces; bytes.translate is about
    three times faster than str.translate on the ASCII text most records are."""
    if text.isascii():
        return text.encode("ascii").translate(_FLATTEN_ASCII).decode("ascii")
    return text.translate(_FLATTEN)


def paragraphs(c: Cleaned) -> list[tuple[int, int]]:
    """Spans of the paragraphs between start and end (blank lines separate them)."""
    spans, pos = [], c.start
    for m in PARA_BREAK.finditer(c.text, c.start, c.end):
        a, b = m.span()
        spans.append((pos, a))
        pos = b
    spans.append((pos, c.end))
    flat, nonblank = c.flat, NONBLANK.search  # a search, not a stripped copy of every paragraph
    # str.isspace() is re's idea of a blank too: a paragraph that opens with a non-blank needs no search.
    return [(a, b) for a, b in spans if a < b and not flat[a].isspace() or nonblank(flat, a, b)]


def sentences(c: Cleaned) -> Iterator[Sentence]:
    """Every sentence of the body, in order, with spans in the original text.

    Yielded one at a time: callers read them in order, so a list of tens of thousands of
    tuples on a large record would be held for nothing. One loop with few calls (each costs
    about as much as a dozen plain steps): this runs for every sentence of every record.
    """
    text, flat, start, end, _ = c
    # Every candidate sentence end of the body in one pass, not one pass per unit: units begin
    # and end at blanks, so no match crosses their edges and each unit takes its own in turn.
    # Without "!" and "?" every match opens with ".", which `re` finds far faster than a class.
    stops = SENT_END if flat.find("!", start, end) >= 0 or flat.find("?", start, end) >= 0 else FULL_STOP
    ends = [m.span() for m in stops.finditer(flat, start, end)]
    ends.append((len(flat), len(flat)))  # a sentinel past every unit
    k = 0
    # text[ls:le] is the line of the latest sentence that does not follow a line break: sentences
    # come in text order, so the line is found by moving forward, never by searching back from each
    # sentence (quadratic on a record that is one long line). `opens`: _line_opening of that line.
    ls, le, opens = 0, text.find("\n"), None
    le = len(text) if le < 0 else le
    for pi, (a, b) in enumerate(paragraphs(c)):
        if text.find("\n", a, b) < 0:  # most paragraphs are one line: one unit
            units: list[tuple[int, int]] | tuple[tuple[int, int]] = ((_unmarked(flat, a, b), b),)
        else:
            units = _units(c, a, b)
        for pos, ub in units:
            while ends[k][0] < pos:
                k += 1  # the full stop of a list marker ("1.") cut off the unit
            while pos < ub:
                p, q = ends[k]
                if p < ub:
                    k += 1
                    # Within a unit a stop is followed by a space (SENT_END looks for one): with nothing
                    # after that space it ends the unit, a boundary either way.
                    if q + 1 < ub and flat[p] == "." and not _is_boundary(flat, p, q, ub):
                        continue
                    sb = q  # a stop, never a space, ends the sentence
                else:
                    q = sb = ub
                    while sb > pos and flat[sb - 1] == " ":
                        sb -= 1
                sa = pos
                while sa < sb and flat[sa] == " ":  # as str.strip(" "), without a call for most sentences
                    sa += 1
                pos = q
                if sa == sb:
                    continue
                for sa, sb, st in ((sa, sb, flat[sa:sb]),) if sb - sa <= MAX_SENTENCE else _pieces(flat, sa, sb):
                    if sa == 0 or text[sa - 1] == "\n":
                        at_start = True  # most sentences: no need to know the line
                    else:
                        if sa > le:  # on a later line
                            ls, le, opens = text.rfind("\n", le, sa) + 1, text.find("\n", sa), None
                            le = len(text) if le < 0 else le
                        if opens is None:
                            opens = _line_opening(text, ls, le)
                        at_start = sa <= opens[0] or sa == opens[1]
                    yield _new(Sentence, (sa, sb, st, pi, at_start))


_new = tuple.__new__  # Sentence(...) runs a Python-level __new__; this is the same tuple, built in C


def _line_opening(text: str, ls: int, le: int) -> tuple[int, int]:
    """(first non-blank, end of a list marker) of the line text[ls:le]: a sentence begins the line
    if only blanks or a marker ("1.", "(a)") come before it."""
    first = text[ls:ls + 1]
    if ls < le and not first.isspace():
        nb = ls  # most lines open with a word: no search (str.isspace() and `re` agree on blanks)
    else:
        m = NONBLANK.search(text, ls, le)
        nb = m.start() if m else le
    # A marker opens with a blank, a digit or "(" (isdigit() takes in every \d).
    mk = MARKER.match(text, ls, le) if first in " \t(" or first.isdigit() else None
    return nb, (mk.end() if mk else -1)


def _unmarked(flat: str, a: int, b: int) -> int:
    """Where the unit flat[a:b] starts once a paragraph number ("1.", "(a)") is cut off."""
    # A marker opens with a blank, a digit or "(": a unit opening with a letter skips the pattern.
    m = None if flat[a:a + 1].isalpha() else MARKER.match(flat, a, b)
    return m.end() if m else a


def _units(c: Cleaned, a: int, b: int) -> list[tuple[int, int]]:
    """Split a paragraph of several lines where a line starts a bullet or label; strip paragraph numbers."""
    text, flat = c.text, c.flat
    line_start, label_line = LINE_START.match, LABEL_LINE.match
    lines = text[a:b].split("\n")  # one call, not a find per line: this runs at every line of every record
    # A line opening with a capital starts a unit only if it holds a colon, " TO " or "ACTION" (see
    # _may_start); most paragraphs hold none of them, and then such lines are not read further.
    caps = text.find(":", a, b) >= 0 or text.find(" TO ", a, b) >= 0 or text.find("ACTION", a, b) >= 0
    labelled = label_line(text, a, b) is not None
    cuts = [a]
    line = text[text.rfind("\n", 0, a) + 1:a + len(lines[0])]  # all of the first line, for the heading test
    nxt = a + len(lines[0]) + 1  # where the line after it starts
    for following in islice(lines, 1, None):
        first = following[:1]
        # Read on the line itself: no LINE_START match runs past a line break.
        starts = _may_start(following, 0, caps) and line_start(text, nxt, b) is not None
        # An action line ends at its line break unless the next line is indented (wrapped).
        if starts or labelled and text[nxt:nxt + 1] not in (" ", "\t") or \
                first.isupper() and line[-1:] not in HEADING_STOPS and _is_heading(line):
            cuts.append(nxt)
        # Every LABEL_LINE match is a LINE_START match too, so most lines skip the second pattern.
        labelled = starts and label_line(text, nxt, b) is not None
        line = following
        nxt += len(following) + 1
    cuts.append(b)
    return [(_unmarked(flat, ua, ub), ub) for ua, ub in zip(cuts, islice(cuts, 1, None))]


def _may_start(text: str, i: int, caps: bool = True) -> bool:
    """False where LINE_START (and so LABEL_LINE) cannot match at text[i]: no alternative opens with
    a lower-case letter, and those that open with a capital hold a colon in their first 32 characters,
    " TO " in their first 46 or open with "ACTION". Exact: neither pattern ignores case.
    caps=False: the paragraph holds none of those three, so no line opening with a capital can match."""
    first = text[i:i + 1]
    if "a" <= first <= "z":
        return False
    return not "A" <= first <= "Z" or caps and (text.find(":", i, i + 32) >= 0 or text.find(" TO ", i, i + 46) >= 0
                                                or text.startswith("ACTION", i))


HEADING_STOPS = ".,;:!?"  # a line ending with one of these is no heading (a blank after it is not an end)


def _is_heading(line: str) -> bool:
    """A short unpunctuated line ("Annual meeting"): with a capitalised line below it, a unit of its own."""
    line = line.strip()
    return 0 < len(line) < 40 and line[-1] not in HEADING_STOPS


def _pieces(flat: str, sa: int, sb: int) -> list[tuple[int, int, str]]:
    """The sentence flat[sa:sb], longer than MAX_SENTENCE (one giant line), in pieces of that size at most."""
    out = []
    while sb - sa > MAX_SENTENCE:
        cut = flat.rfind(" ", sa, sa + MAX_SENTENCE)
        cut = cut if cut > sa else sa + MAX_SENTENCE
        out.append((sa, cut, flat[sa:cut]))
        sa = cut
        while sa < sb and flat[sa] == " ":
            sa += 1
    if sb > sa:
        out.append((sa, sb, flat[sa:sb]))
    return out


def _is_boundary(flat: str, p: int, q: int, b: int) -> bool:
    """Does the full stop at flat[p:q], with more of the unit flat[:b] after it, end a sentence?"""
    nxt = q
    while nxt < b and flat[nxt] == " ":
        nxt += 1
    if nxt >= b:
        return True
    # The word before the stop: letters, digits, "." and apostrophes. Most are plain words after a
    # space, read with one rfind instead of a step per character.
    w = flat.rfind(" ", p - 32 if p > 32 else 0, p) + 1
    if not (w and flat[w:p].isalnum()):
        w = p
        while w > 0 and (flat[w - 1].isalnum() or flat[w - 1] in ".'’"):
            w -= 1
    word = flat[w:p].lower().strip(".")
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word and INITIALS.fullmatch(word):
        return False  # Mr. / St. / initials / U.S. (INITIALS needs a "." inside the word)
    ch = flat[nxt]
    return ch.isupper() or ch.isdigit() or ch in "\"'“‘([-*•#@"
