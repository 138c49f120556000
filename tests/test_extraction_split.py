"""The shortcuts in sentence splitting and record dating must give what the patterns give.

Each shortcut stands before a pattern (LINE_START, SENT_END, HEADER, DTG, the ISO token) or a
character loop; random text made of the patterns' own pieces checks it against the pattern.
"""

from __future__ import annotations

import random

from extraction.clean import LINE_START, clean, sentences, _may_start
from extraction.dates import TOKENS
from extraction.recorddate import DTG, HEADER, _dtg_from, _has_opening, _headers, record_date
from extraction.title import SUBJECT, _subject

LINE_PIECES = ("ACTION", "Action", "AI", "TODO", "To-do", "RESOLVED", "NEXT STEPS", "CLERK", " TO ", "TO", "WRITE",
               ":", " ", "\t", "- ", "1. ", "(a) ", "[ ] ", "#info", "<bob> ", "## ", "x", "Bob", "bob", "é", "ſ")


def _lines(n: int, seed: int):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(LINE_PIECES) for _ in range(rnd.randint(1, 10)))


def test_may_start_lets_every_line_start_through() -> None:
    seen = 0
    for line in _lines(30_000, 5):
        if LINE_START.match(line):
            seen += 1
            assert _may_start(line, 0), line
    assert seen > 1000


def _split(text: str) -> list[tuple[int, int, str, bool]]:
    return [(s.start, s.end, s.text, s.line_start) for s in sentences(clean(text))]


def test_a_text_without_bangs_splits_as_one_with_them() -> None:
    # Without "!" or "?" sentences() looks for full stops only; the sentences before a final "!" must not change.
    rnd = random.Random(3)
    words = ("Mr.", "U.S.", "e.g.", "St.", "word", "Word", "(a)", "1.", "\n", "\n\n", " ", "ACTION:", "- ", "x.", "O'Neil.",
             '"Done."', "Annual meeting\n", "end.)", "A.")
    for _ in range(3000):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 30)))
        plain = _split(text)
        assert _split(text + "\n\nLast!")[:len(plain)] == plain, text


def test_line_starts_and_abbreviations() -> None:
    text = "Intro line\n1. Mr. Smith met the U.S. team. They agreed.\n   (b) Dr. Who left. e.g. this one.\nEnd."
    got = [(s.text, s.line_start) for s in sentences(clean(text))]
    assert got == [("Intro line", True), ("Mr. Smith met the U.S. team.", True), ("They agreed.", False),
                   ("Dr. Who left. e.g. this one.", True), ("End.", True)]


def test_a_one_line_record_is_read_in_linear_time() -> None:
    text = "The delegation will present its findings in May. " * 20_000
    assert sum(1 for _ in sentences(clean(text))) == 20_000


DATE_PIECES = ("Date:", "date :", "Sent:", "Meeting date:", "ſent:", "Present:", "AI:", ":", " ", "\t", "\n", "x", "x" * 90,
               "12 May 2010", "091103Z OCT 09", "091163Z OCT 09", "Alvarez ", "3Z ", "2010-05-12", "-05-12", "٢٠١٠-٠٥-١٢", "7")


def _dates(n: int, seed: int):
    rnd = random.Random(seed)
    for _ in range(n):
        t = "".join(rnd.choice(DATE_PIECES) + rnd.choice(("", " ", "\n")) for _ in range(rnd.randint(1, 25)))
        a = rnd.randint(0, len(t))
        yield t, a, rnd.randint(a, len(t))


def test_date_shortcuts_find_what_the_patterns_find() -> None:
    seen = {"header": 0, "dtg": 0, "iso": 0}
    for t, a, b in _dates(20_000, 9):
        want = [m.span() for m in HEADER.finditer(t, a, b)]
        seen["header"] += bool(want)
        assert [m.span() for m in _headers(t, a, b)] == want, (t, a, b)
        flat = t.replace("\n", " ")
        m = DTG.search(flat, a, b)
        seen["dtg"] += m is not None
        at = _dtg_from(flat, a, b)
        assert m is None or at >= 0, (t, a, b)
        assert m is None or DTG.search(flat, at, b).span() == m.span(), (t, a, b)
        iso = TOKENS["iso"].search(flat, a, b) is not None
        seen["iso"] += iso
        assert _has_opening("iso", flat, a, b) == iso, (t, a, b)
    assert min(seen.values()) > 200, seen


def test_record_date_reads_headers_and_date_time_groups() -> None:
    for text, want in (("Notes\nPresent: Ann\nDate: 12 May 2010\n", "2010-05-12"),
                       ("CABLE\nR 091103Z OCT 09\nMeeting of 3 May 2008", "2009-10-09"),
                       ("CABLE\nR 091163Z OCT 09\nMeeting of 3 May 2008", "2008-05-03"),
                       ("Notes by Alvarez on 2011-02-03 and 4 May 2012", "2011-02-03")):
        c = clean(text)
        assert str(record_date(text, c.flat, c.start, c.end)) == want, text


def test_subject_lines_are_found_as_the_pattern_finds_them() -> None:
    rnd = random.Random(6)
    pieces = ("SUBJECT:", "SUBJ :", "Subject:", "Re:", "Title:", "subject:", " ", "\t", "\n", "x", ":", "Date:", "S", "y" * 90)
    hits = 0
    for _ in range(20_000):
        t = "".join(rnd.choice(pieces) + rnd.choice(("", " ", "\n")) for _ in range(rnd.randint(1, 15)))
        a = rnd.randint(0, len(t))
        b = rnd.randint(a, len(t))
        want, got = SUBJECT.search(t, a, b), _subject(t, a, b)
        hits += want is not None
        assert (want and want.span("v")) == (got and got.span("v")), (t, a, b)
    assert hits > 500
