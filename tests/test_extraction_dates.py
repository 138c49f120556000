"""Due phrases resolved to windows against the record date, and the record's own date."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import extract
from extraction.dates import find_due

REF = date(2010, 3, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "due_text", "start", "end"),
    [
        ("send it by 2010-03-10", "by 2010-03-10", date(2010, 3, 10), date(2010, 3, 10)),
        ("review 2010-03-08..2010-03-12", "2010-03-08..2010-03-12", date(2010, 3, 8), date(2010, 3, 12)),
        ("by 15 March 2010", "by 15 March 2010", date(2010, 3, 15), date(2010, 3, 15)),
        ("by March 15, 2010", "by March 15, 2010", date(2010, 3, 15), date(2010, 3, 15)),
        ("on 8-10 February 2011", "8-10 February 2011", date(2011, 2, 8), date(2011, 2, 10)),
        ("in March 2010", "March 2010", date(2010, 3, 1), date(2010, 3, 31)),
        ("in early April", "early April", date(2010, 4, 1), date(2010, 4, 10)),
        ("by mid-April", "by mid-April", date(2010, 4, 11), date(2010, 4, 20)),
        ("in late April 2010", "late April 2010", date(2010, 4, 21), date(2010, 4, 30)),
        ("deliver in early 2010", "early 2010", date(2010, 1, 1), date(2010, 4, 30)),
        ("in mid 2010", "mid 2010", date(2010, 5, 1), date(2010, 8, 31)),
        ("in late 2010", "late 2010", date(2010, 9, 1), date(2010, 12, 31)),
        ("the first week of February 2010", "the first week of February 2010", date(2010, 2, 1), date(2010, 2, 7)),
        ("the second week of May 2010", "the second week of May 2010", date(2010, 5, 8), date(2010, 5, 14)),
        ("the last week of February 2010", "the last week of February 2010", date(2010, 2, 22), date(2010, 2, 28)),
        ("by the end of the month", "by the end of the month", date(2010, 3, 31), date(2010, 3, 31)),
        ("next week", "next week", date(2010, 3, 8), date(2010, 3, 14)),
        ("by Friday", "by Friday", date(2010, 3, 5), date(2010, 3, 5)),
        ("within 14 days of 20 July", "within 14 days of 20 July", date(2010, 7, 20), date(2010, 8, 3)),
        ("within two weeks", "within two weeks", date(2010, 3, 3), date(2010, 3, 17)),
        ("before the September meeting", "before the September meeting", date(2010, 9, 1), date(2010, 9, 30)),
        ("in Q2 2010", "Q2 2010", date(2010, 4, 1), date(2010, 6, 30)),
        ("the second half of November 2010", "the second half of November 2010", date(2010, 11, 16),
         date(2010, 11, 30)),
        ("in the first half of April", "the first half of April", date(2010, 4, 1), date(2010, 4, 15)),
        ("the postmortem for the outage of March 1", None, None, None),  # which outage, not when
        ("answer the letter of 2 March by 9 March", "by 9 March", date(2010, 3, 9), date(2010, 3, 9)),
        ("visit the US in the near future", "in the near future", None, None),
        ("as soon as possible", "as soon as possible", None, None),
    ],
)
def test_due_phrase(phrase: str, due_text: str | None, start: date | None, end: date | None) -> None:
    due = find_due(phrase, REF)
    if due_text is None:
        assert due is None
        return
    assert due is not None
    assert (due.text, due.due_start, due.due_end) == (due_text, start, end)
    assert phrase[due.start:due.end] == due_text


def test_year_less_dates_look_ahead_from_the_record_date() -> None:
    assert find_due("by 25 January", date(2009, 10, 9)).due_start == date(2010, 1, 25)
    assert find_due("by 25 September", date(2009, 10, 9)).due_start == date(2009, 9, 25)  # just missed
    assert find_due("by 25 January", None).due_start is None  # no record date: kept as text only


def test_no_due_phrase_and_verbs_that_look_like_months() -> None:
    assert find_due("We may send it when ready.", REF) is None
    assert find_due("", REF) is None
    # No such day: no crash, and the month is still a fair reading.
    assert find_due("31 February 2010", REF).due_end == date(2010, 2, 28)


def test_a_dated_phrase_beats_a_vague_one_and_a_past_year() -> None:
    due = find_due("soon, and by 15 March 2010 at the latest; last held in 2007", REF)
    assert due.due_start == date(2010, 3, 15)


def test_due_resolved_against_the_record_date_inside_extract() -> None:
    text = "Date: 2010-03-03\n\nACTION: Alice to send the draft by the end of the month\n"
    (item,) = extract(text).items
    assert (item.due_text, item.due_start, item.due_end) == ("by the end of the month", date(2010, 3, 31),
                                                             date(2010, 3, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R 201400Z JAN 10\nSUBJECT: X\n\nText on 5 March 2009.", date(2010, 1, 20)),
        ("---\ntitle: x\ndate: 2011-05-02\n---\nMinutes of 3 June 2011", date(2011, 5, 2)),
        ("Board minutes\nDate: 12 March 2010\n\nPresent: all", date(2010, 3, 12)),
        ("Minutes of the meeting held on March 4, 2010\n\nNotes.", date(2010, 3, 4)),
        ("On September 15-17, 2009 a seminar took place.", date(2009, 9, 17)),
        ("No date anywhere in here.", None),
        ("TODAY IS FRIDAY, DECEMBER 14, 2018, 7:09:00 PM\nA seminar took place.", None),
        ("TODAY IS FRIDAY, DECEMBER 14, 2018, 7:09:00 PM\nOn 3 May 2009 a seminar took place.", date(2009, 5, 3)),
    ],
)
def test_record_date(text: str, expected: date | None) -> None:
    assert extract(text).record.record_date == expected


@pytest.mark.parametrize(
    ("phrase", "due_text"),
    [
        ("send the legend of this year", None),  # which legend, not when: nor "end of this year"
        ("send the figures of next year to the board", None),  # "<noun> of <time>" names which one
        ("send it at the start of next week", "next week"),  # a part of the time is still when
        ("send it ahead of 5 May", "ahead of 5 May"),
        ("send the pyramid plan amid May 2010", "May 2010"),  # not "mid May 2010"
        ("bathe first week of May 2010", "first week of May 2010"),
        ("nightfall 2010", None),
        ("ahead of the May boardroom talks", None),
        ("before the May meetings", "before the May meetings"),  # the plural is part of the phrase, not cut
        ("annext Monday", "Monday"),
        ("send the plan within May", "May"),  # the due text starts at a word's edge; "in" is left out anyway
    ],
)
def test_a_due_phrase_starts_and_ends_at_word_edges(phrase: str, due_text: str | None) -> None:
    due = find_due(phrase, REF)
    assert (due.text if due else None) == due_text


def test_a_title_keeps_a_word_that_starts_with_the_due_text() -> None:
    text = "Date: 2010-03-03\n\nNotes\n\nACTION: Bob to meet the team at Mayfield in May.\n"
    (item,) = extract(text).items
    assert (item.title, item.due_text) == ("Meet the team at Mayfield", "May")


def test_a_time_that_says_which_one_stays_in_the_title() -> None:
    text = "Date: 2010-03-03\n\nWe will send the legend of this year to CBP.\n"
    (item,) = extract(text).items
    assert (item.title, item.due_text) == ("Send the legend of this year to CBP", None)


@pytest.mark.parametrize(
    ("sentence", "title", "due_text"),
    [
        ("Karim will draft the Q1 2027 summary by Friday.", "Draft the Q1 2027 summary", "by Friday"),
        ("Elif will share the figures for the first quarter of 2027 by Friday.",
         "Share the figures for the first quarter of 2027", "by Friday"),
        ("Bob will send the spring 2027 catalogue before 5 March.", "Send the spring 2027 catalogue", "before 5 March"),
    ],
)
def test_a_time_with_by_or_before_is_the_deadline_not_one_that_names_a_thing(sentence: str, title: str,
                                                                            due_text: str) -> None:
    (item,) = extract("Date: 2027-01-12\n\n" + sentence + "\n").items
    assert (item.title, item.due_text) == (title, due_text)


def test_a_plural_meeting_is_left_out_of_the_title_whole() -> None:
    text = "Date: 2010-03-03\n\nPriya will circulate the minutes before the May meetings.\n"
    (item,) = extract(text).items
    assert (item.title, item.due_text) == ("Circulate the minutes", "before the May meetings")
    assert (item.due_start, item.due_end) == (date(2010, 5, 1), date(2010, 5, 31))


def test_every_due_pattern_lists_the_words_it_needs() -> None:
    # find_due gives up on a clause with none of these words and no digit: a pattern left out would never run.
    from extraction.dates import NEEDS, PATTERNS

    assert set(NEEDS) == set(PATTERNS)
    assert all(NEEDS.values())


@pytest.mark.parametrize(
    ("phrase", "due_text", "expected"),
    [
        ("send the report sometime during early May 2010 after the meeting", "early May 2010", "send the report"),
        ("review the plan by Friday within 2 weeks of receipt", "2 weeks", "review the plan by Friday"),
        ("draft the note in May and share it in May", "May", "draft the note and share it in May"),  # twice
        ("agree the text.", "next week", "agree the text"),
        ("agree\n the   text in  Q2 2011 ,", "Q2 2011", "agree the text"),
        ("meet the team at Mayfield in May", "May", "meet the team at Mayfield"),  # not the "May" of "Mayfield"
        ("meet at Mayfield", "May", "meet at Mayfield"),  # only inside a word: nothing to take
        ("send it to LaMay in May", "May", "send it to LaMay"),  # nor the end of "LaMay"
        ("send it at the start of next week", "next week", "send it"),  # no dangling "at the start of"
        ("send the report on the evening of 5 May", "5 May", "send the report"),
        ("send the report due Friday", "Friday", "send the report"),  # weekday leaves "due" out of the due text
        ("work through May", "May", "work"),
        ("send it in the first week of May 2021", "May 2021", "send it"),  # the week past, the month due
        ("chair it as of 1 March", "1 March", "chair it"),
        ("send it by Friday at the latest", "by Friday", "send it"),
    ],
)
def test_strip_due_takes_the_due_words_with_their_lead_and_tail(phrase: str, due_text: str, expected: str) -> None:
    from extraction.candidate import strip_due
    from extraction.dates import Due

    assert strip_due(phrase, Due(0, 0, due_text, None, None)) == expected


def test_strip_due_one_pattern_agrees_with_a_pattern_per_due_text() -> None:
    # strip_due runs one compiled pattern around a hole where the due text was; the pattern built
    # for each due text is the reference it must agree with, lead and tail words included.
    import random

    from extraction.candidate import _strip_words, strip_due
    from extraction.dates import Due

    words = ("in on at for during from within later earlier sometime of after the its receipt approval "
             "May 2010 next week by 15 March soon Mayin x-y \ue000 through due start end as latest .for ,of (in").split()
    rnd = random.Random(4)
    for _ in range(6000):
        p = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9)))
        ws = p.split() or ["May"]
        i = rnd.randrange(len(ws))
        text = " ".join(ws[i:i + rnd.randint(1, 3)]) if rnd.random() < 0.7 else rnd.choice(words)
        assert strip_due(p, Due(0, 0, text, None, None)) == _strip_words(p, text), (p, text)
