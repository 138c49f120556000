"""find_due's cheap tests before its patterns never rule out a phrase a pattern matches."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest

from extraction.candidate import strip_due
from extraction.dates import PATTERNS, SCAN, Due, find_due

CORPUS = Path(__file__).parent / "corpus" / "records"

REF = date(2010, 3, 3)
# With IGNORECASE `re` matches these to "s", "i" and "k"; lower() maps only the Kelvin sign.
LOOKALIKE = str.maketrans({"s": "ſ", "i": "ı", "k": "\u212a"})


def _lookalike(text: str) -> str:
    """text with its lower-case words (the patterns' case-insensitive parts) in lookalike letters;
    capitalised words (months, weekdays: matched case-sensitively) stay as written."""
    return " ".join(w if w[:1].isupper() else w.translate(LOOKALIKE) for w in text.split(" "))


def test_long_s_soon() -> None:
    due = find_due("The ministry will send the parts ſoon.", REF)
    assert due is not None and due.text == "ſoon" and due.due_start is None


@pytest.mark.parametrize("phrase", [
    "send it soon", "send it shortly", "as soon as possible", "in the coming weeks", "reply within 2 weeks",
    "reply within six weeks", "at the earliest opportunity", "in due course", "report by mid 2010",
    "report in spring 2011", "report next week", "report by the end of the month", "report by tomorrow",
    "report in early May", "report by 15 March", "the second half of November 2010", "the first week of May",
    "the start of May", "send it this Friday", "at the start of next week", "the second quarter of 2010",
    "in the first half of 2010", "the following month",
])
def test_lookalike_letters_find_the_same_phrase_and_window(phrase: str) -> None:
    plain = find_due(phrase, REF)
    odd = find_due(_lookalike(phrase), REF)
    assert plain is not None and odd is not None, _lookalike(phrase)
    assert (odd.start, odd.end) == (plain.start, plain.end)
    assert odd.text == _lookalike(plain.text)
    assert (odd.due_start, odd.due_end) == (plain.due_start, plain.due_end)


def test_dotted_capital_i_is_an_i() -> None:
    # "İ".lower() is two characters, "i" and a combining dot: `re` matches it to "i" all the same.
    due = find_due("reply wİthin sİx weeks", REF)
    assert due is not None and (due.due_start, due.due_end) == (REF, date(2010, 4, 14))


def test_a_clause_of_other_words_has_no_due_phrase() -> None:
    assert find_due("the ſtaff will ſend the parts", REF) is None


def _scan(kind: str, s: str, lo: int, hi: int, ascii_: bool) -> list[tuple[tuple[int, int], dict]]:
    """Matches as find_due finds them with SCAN, spanned and grouped as PATTERNS' finditer gives them."""
    scan, out, end = SCAN[PATTERNS[kind].pattern][ascii_], [], lo
    while (m := scan.search(s, end, hi)) is not None:
        end = m.end("_m")
        out.append(((m.start(), end), {k: v for k, v in m.groupdict().items() if k != "_m"}))
    return out


def test_scan_opens_with_what_the_pattern_opens_with() -> None:
    # The class before each SCAN pattern must let through every character the pattern's own
    # opening (a case-insensitive lookahead) does, and no other: every code point is tried
    # (only ASCII for the ASCII form).
    every = "".join(map(chr, range(0x110000)))
    for kind, pat in PATTERNS.items():
        for ascii_, scan in enumerate(SCAN[pat.pattern]):
            body = scan.pattern.split("(?P<_m>", 1)[1][:-len("))[\\s\\S])")]
            assert pat.pattern.endswith(body), kind
            opening = re.compile(pat.pattern[:-len(body)] + r"[\s\S]")
            letters = re.compile(scan.pattern.split("(?<=", 1)[0], scan.flags)
            text = every[:128] if ascii_ else every
            assert opening.findall(text) == letters.findall(text), kind


def test_scan_finds_what_finditer_finds() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.iterdir())]
    texts.append(" ".join(_lookalike(t) for t in texts[:3]))
    texts.append("within 14 days of 20 July; as soon as possible, soon; the end of next week 2010-03-04..2010-03-09 "
                 "in the first week of May 2010 Q2 2011 by Friday in May, by 15-17 March 2010 before the June board")
    # What re.ASCII reads otherwise: "\x1c" is a blank only to Unicode \s, "é" a word character only to \w.
    texts += ["\x1c" + texts[-1].replace(" ", "\x1c "), texts[-1].replace(" i", "éi").replace("e ", "eé")]
    rnd = random.Random(7)
    for s in texts:
        for _ in range(40):
            lo = rnd.randrange(len(s))
            hi = min(len(s), lo + rnd.choice((60, 200, 2000)))
            for kind, pat in PATTERNS.items():
                want = [(m.span(), m.groupdict()) for m in pat.finditer(s, lo, hi)]
                assert _scan(kind, s, lo, hi, False) == want, (kind, s[lo:hi])
                if s[max(0, lo - 1):hi].isascii():
                    assert _scan(kind, s, lo, hi, True) == want, (kind, s[lo:hi])


@pytest.mark.parametrize(("phrase", "expected"), [
    ("send it sometime throughout the second remainder of May", "send it"),  # the longest lead: 6 words back
    ("send it (in May", "send it ("),  # a lead word that ends a word after a non-word character
    ("send its findings in May", "send its findings"),
    ("send the week of May", "send"),
    ("send the weekly of May", "send the weekly of"),
])
def test_strip_due_finds_the_whole_lead(phrase: str, expected: str) -> None:
    assert strip_due(phrase, Due(0, 0, "May", None, None)) == expected


def test_a_clause_after_a_word_character_outside_ascii() -> None:
    # s[lo - 1] is "é", a word character: "soon" does not start at a word's edge, though the
    # clause itself is ASCII (re.ASCII would see an edge there).
    assert find_due("Passéſoon", REF, 5) is None and find_due("Passésoon", REF, 5) is None
    assert find_due("Pass soon", REF, 5) is not None
