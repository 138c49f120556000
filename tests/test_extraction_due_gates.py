"""find_due's cheap tests before its patterns never rule out a phrase a pattern matches."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.dates import find_due

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
