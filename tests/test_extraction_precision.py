"""Precision: asides between a subject and its modal, and words a record in capitals loses."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import extract


def one(sentence: str) -> tuple[str, str | None, date | None]:
    items = extract("Date: 7 March 2010\n\n" + sentence + "\n").items
    assert len(items) == 1, [i.title for i in items]
    return items[0].title, items[0].owner, items[0].due_start


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
