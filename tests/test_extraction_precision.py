"""Precision: asides between a subject and its modal, and words a record in capitals loses."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import extract
from tests.extraction_helpers import one


@pytest.mark.parametrize("sentence, title, owner, due", [
    ("The delegation, which arrived on Monday, will present its findings in May.",
     "Present its findings", "delegation", date(2010, 5, 1)),
    ("The panel, who met on Tuesday, will draft the plan in June.", "Draft the plan", "panel", date(2010, 6, 1)),
    ("The secretariat (which opened on 2 March) will publish the agenda by 20 April.",
     "Publish the agenda", "secretariat", date(2010, 4, 20)),
    ("Bob, as agreed on Friday, will send the budget by 30 April.", "Send the budget", "Bob", date(2010, 4, 30)),
    ("Carol, who chairs the board since January, will circulate the minutes.", "Circulate the minutes", "Carol",
     None),
])
def test_an_aside_between_subject_and_modal_is_skipped(sentence, title, owner, due) -> None:
    assert one(sentence) == (title, owner, due)


def caps_titles(text: str) -> list[str]:
    return [i.title for i in extract(text.upper()).items]


def test_capitals_keep_nationality_adjectives_us_and_odd_acronyms() -> None:
    text = ("R 091103Z MAR 10\nSUBJECT: next steps\n\n1. Post will set up cooperation with the Russian\n"
            "customs school by 20 March. Post will arrange an IVP for the head of the agency in April.\n"
            "2. Post will consider an MOU between US and the ministry by 31 March. Post will send the list to us by 9 April.\n")
    assert caps_titles(text) == ["Set up cooperation with the Russian customs school", "Arrange an IVP for the "
                                 "head of the agency", "Consider an MOU between US and the ministry",
                                 "Send the list to us"]


def test_capitals_keep_what_the_record_writes_in_mixed_case() -> None:
    from extraction.caps import sentence_case
    from extraction.people import load_directory
    body = "POST WILL MEET THE MAYOR OF LOWELL ON 12 MARCH. DIDN'T SHE SAY SO, ETC.\n" * 20
    text = "Notes kept by the office of Lowell.\n" + body
    cased = sentence_case(text, 36, len(text), load_directory(None))
    assert len(cased) == len(text) and "Post will meet the mayor of Lowell on 12 March. Didn't she say so, etc." in cased
