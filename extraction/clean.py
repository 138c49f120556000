"""Find the part of a record worth reading, and cut it into sentences.

Nothing here edits the text. We build `flat`, a copy of the same length in which
line breaks, tabs and masked regions (a capture banner) are spaces, and work on
that; every offset therefore indexes the original string, so evidence is always
`text[start:end]` even though cables are hard-wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    m = BANNER.search(text, 0, min(len(text), 400))
    if m and not text[: m.start()].strip():
        banner = (m.start(), m.end())
        start = m.end()
        flat = flat[: m.start()] + " " * (m.end() - m.start()) + flat[m.end():]
    end = len(text)
    first_content = NONBLANK.search(text, start)
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
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, c.end))
    nonblank = NONBLANK.search  # a search, not a stripped copy of every paragraph
    return [(a, b) for a, b in spans if nonblank(c.flat, a, b)]


def sentences(c: Cleaned) -> Iterator[Sentence]:
    """Every sentence of the body, in order, with spans in the original text.

    Yielded one at a time: callers read them in order, so a list of tens of thousands of
    tuples on a large record would be held for nothing.
    """
    text, flat = c.text, c.flat
    # Every candidate sentence end of the body in one pass, not one pass per unit: units begin
    # and end at blanks, so no match crosses their edges and each unit takes its own in turn.
    ends = [m.span() for m in SENT_END.finditer(flat, c.start, c.end)]
    ends.append((len(flat), len(flat)))  # a sentinel past every unit
    k = 0
    # The line of the current sentence is text[ls:le]; sentences come in text order, so the
    # line is found by moving forward, never by searching back from each sentence (quadratic
    # on a record that is one long line). `opens`: where a sentence may start and begin it.
    ls, le, opens = 0, _line_end(text, 0), None
    for pi, (a, b) in enumerate(paragraphs(c)):
        for ua, ub in _units(c, a, b):
            k, pieces = _split(flat, ua, ub, ends, k)
            for sa, sb, st in pieces:
                if sa > le:  # on a later line
                    ls, le, opens = text.rfind("\n", le, sa) + 1, _line_end(text, sa), None
                if sa != ls and opens is None:
                    opens = _line_opening(text, ls, le)
                yield Sentence(sa, sb, st, pi, sa == ls or sa <= opens[0] or sa == opens[1])


def _line_end(text: str, i: int) -> int:
    """Where the line holding text[i] ends: its line break, or the end of the text."""
    nl = text.find("\n", i)
    return len(text) if nl < 0 else nl


def _line_opening(text: str, ls: int, le: int) -> tuple[int, int]:
    """(first non-blank, end of a list marker) of the line text[ls:le]: a sentence begins the line
    if only blanks or a marker ("1.", "(a)") come before it."""
    m = NONBLANK.search(text, ls, le)
    mk = MARKER.match(text, ls, le)
    return (m.start() if m else le), (mk.end() if mk else -1)


def _units(c: Cleaned, a: int, b: int) -> list[tuple[int, int]]:
    """Split a paragraph where a line starts a bullet or label; strip paragraph numbers."""
    text, flat = c.text, c.flat
    find, line_start, label_line = text.find, LINE_START.match, LABEL_LINE.match  # run at every line
    cuts = [a]
    labelled = label_line(text, a, b) is not None
    pos = find("\n", a, b)
    while pos != -1:
        nxt = pos + 1
        starts = line_start(text, nxt, b) is not None
        # An action line ends at its line break unless the next line is indented (wrapped).
        if starts or labelled and text[nxt:nxt + 1] not in (" ", "\t") or _after_heading(text, pos, b):
            cuts.append(nxt)
        # Every LABEL_LINE match is a LINE_START match too, so most lines skip the second pattern.
        labelled = starts and label_line(text, nxt, b) is not None
        pos = find("\n", nxt, b)
    cuts.append(b)
    units = []
    for ua, ub in zip(cuts, cuts[1:], strict=False):
        # A marker opens with a blank, a digit or "(": a unit opening with a letter skips the pattern.
        m = None if flat[ua:ua + 1].isalpha() else MARKER.match(flat, ua, ub)
        units.append((m.end() if m else ua, ub))
    return units


def _after_heading(text: str, nl: int, b: int) -> bool:
    """The line ending at nl is a short unpunctuated heading ("Annual meeting") above a capitalised line."""
    if not (nl + 1 < b and text[nl + 1:nl + 2].isupper()):
        return False  # the cheap half first: most lines are not followed by a capital
    begin = text.rfind("\n", 0, nl) + 1
    line = text[begin:nl].strip()
    return 0 < len(line) < 40 and line[-1] not in ".,;:!?"


def _split(flat: str, a: int, b: int, ends: list[tuple[int, int]], k: int) -> tuple[int, list[tuple[int, int, str]]]:
    """Sentence spans in flat[a:b], trimmed of surrounding spaces, with their text.

    ends[k:] are the SENT_END spans from flat[a:] on; returns the index of the first one
    past b, with the spans.
    """
    while ends[k][0] < a:
        k += 1  # the full stop of a list marker ("1.") cut off the unit
    out: list[tuple[int, int, str]] = []
    pos = a
    while ends[k][0] < b:
        p, q = ends[k]
        k += 1
        if _is_boundary(flat, p, q, b):
            _add(out, flat, pos, q)
            pos = q
    _add(out, flat, pos, b)
    return k, out


def _add(out: list[tuple[int, int, str]], flat: str, a: int, b: int) -> None:
    """Append flat[a:b] trimmed of spaces, if anything is left, in pieces of MAX_SENTENCE at most."""
    span = flat[a:b]
    t = span.strip(" ")  # str.strip, not a loop per space: this runs for every sentence
    if not t:
        return
    sa = a + span.find(t[0])  # t opens at the first character that is not a space
    sb = sa + len(t)
    if sb - sa <= MAX_SENTENCE:
        out.append((sa, sb, t))
        return
    while sb - sa > MAX_SENTENCE:  # one giant "sentence": cut it into bounded pieces
        cut = flat.rfind(" ", sa, sa + MAX_SENTENCE)
        cut = cut if cut > sa else sa + MAX_SENTENCE
        out.append((sa, cut, flat[sa:cut]))
        sa = cut
        while sa < sb and flat[sa] == " ":
            sa += 1
    if sb > sa:
        out.append((sa, sb, flat[sa:sb]))


def _is_boundary(flat: str, p: int, q: int, b: int) -> bool:
    """Does the punctuation at flat[p:q] end a sentence?

    At the end of the unit (only blanks after it) the answer changes nothing, as the sentence
    ends there either way: True, without reading the word before it (most full stops).
    """
    if flat[p] != ".":
        return True
    nxt = q
    while nxt < b and flat[nxt] == " ":
        nxt += 1
    if nxt >= b:
        return True
    w = p
    while w > 0 and (flat[w - 1].isalnum() or flat[w - 1] in ".'’"):
        w -= 1
    word = flat[w:p].lower().strip(".")
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or INITIALS.fullmatch(word):
        return False  # Mr. / St. / initials / U.S.
    ch = flat[nxt]
    return ch.isupper() or ch.isdigit() or ch in "\"'“‘([-*•#@"
