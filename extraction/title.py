"""A record's title: its SUBJECT line, else the first line of the record proper that is not a header."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extraction.clean import Cleaned
from extraction.wordtrie import colon_lines

SUBJECT = re.compile(r"^[ \t]*(?:SUBJECT|SUBJ|Subject|Re|RE|Title)[ \t]*:[ \t]*(?P<v>\S[^\n]{0,300})$", re.MULTILINE)
# Header and routing lines that say nothing about what the record is.
NOT_TITLE = re.compile(r"[ \t]*(?:---|(?:date|dated|from|to|cc|sent|time|location|attendees|present|apologies|"
                       r"classification)[ \t]*:|(?:press|news|media) +release\b|for +immediate +release\b|(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)\b|"
                       r"(?-i:[A-Z] \d{6}Z [A-Z]{3} \d{2}\b|(?:FM|TO|INFO|DE) [A-Z]))", re.IGNORECASE)
TITLE_LEAD = re.compile(r"^\s*(?:#{1,6} +|#startmeeting +|title: +)")  # a heading mark, not part of the title


def record_title(c: Cleaned) -> str:
    """The SUBJECT line or front matter title, else the first line of the record proper."""
    m = _subject(c.text, c.start, min(c.end, c.start + 3000))
    if m:
        return _squash(m["v"])
    for line in _lines(c.text, c.start, c.end):
        line = TITLE_LEAD.sub("", line)
        if line and not line.isspace() and not NOT_TITLE.match(line):
            return _squash(line)
    return "Untitled record"


def _subject(text: str, a: int, b: int) -> re.Match[str] | None:
    """SUBJECT.search(text, a, b), tried only on lines that can hold a subject (it is case-sensitive)."""
    return next(colon_lines(SUBJECT, text, a, b, " \tSRT"), None)


def _lines(text: str, a: int, b: int) -> Iterator[str]:
    """text[a:b].splitlines(), a few KB at a time: the title is nearly always on the first lines,
    and a megabyte record would otherwise be cut into all its lines for one of them."""
    size = 2048
    while b - a > size:
        chunk = text[a:a + size].splitlines(keepends=True)
        if len(chunk) < 2:
            size *= 2  # one line longer than the chunk
            continue
        for line in chunk[:-1]:  # the last may go on past the chunk
            yield line.splitlines()[0]
            a += len(line)
    yield from text[a:b].splitlines()


def _squash(s: str, limit: int = 200) -> str:
    """" ".join(s.split())[:limit], without splitting the whole of a long line: squashing a
    prefix gives a prefix of the squashed whole (a word cut short is a prefix of the word)."""
    n = 4 * limit
    while n < len(s):
        head = " ".join(s[:n].split())
        if len(head) >= limit:
            return head[:limit]
        n *= 4
    return " ".join(s.split())[:limit]
