"""Recall gaps: asides and adverbs after 'will', lower-case acting subjects, all-capitals cables."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import extract
from tests.extraction_helpers import one


@pytest.mark.parametrize("sentence, title, owner, due", [
    ("Bob will, by 15 March, send the revised budget to the council.",
     "Send the revised budget to the council", "Bob", date(2010, 3, 15)),
    ("Alice will, subject to approval, publish the report by 30 April.", "Publish the report", "Alice",
     date(2010, 4, 30)),
    ("The contractor will then submit the final design by mid-April.", "Submit the final design", "contractor",
     date(2010, 4, 11)),
    ("The board will formally approve the budget on 20 March.", "Approve the budget", "board", date(2010, 3, 20)),
    ("Post will shortly provide a copy of the agreement.", "Provide a copy of the agreement", "Post", None),
])
def test_an_aside_or_adverb_between_will_and_its_verb(sentence, title, owner, due) -> None:
    assert one(sentence) == (title, owner, due)


def test_we_will_as_agreed() -> None:
    assert one("We will, as agreed, circulate the minutes to all members.")[0] == "Circulate the minutes to all members"


@pytest.mark.parametrize("sentence, title, owner, due", [
    ("The delegation will present its findings in May.", "Present its findings", "delegation", date(2010, 5, 1)),
    ("the working group will deliver the draft by 3 June", "Deliver the draft", "working group", date(2010, 6, 3)),
    ("The ministry will also send the updated list of contacts.", "Send the updated list of contacts", "ministry",
     None),
    ("In April, our team will prepare a summary of the discussion.", "Prepare a summary of the discussion",
     "our team", date(2010, 4, 1)),
    ("Officials said the secretariat will circulate the agenda by Friday.", "Circulate the agenda", "secretariat",
     date(2010, 3, 12)),
])
def test_a_lower_case_acting_subject(sentence, title, owner, due) -> None:
    assert one(sentence) == (title, owner, due)


@pytest.mark.parametrize("sentence", [
    "The report will include the figures.",
    "The new rules will apply from 1 May.",
    "The weather will improve next week.",
    "It will, however, take time.",
    "Bob will, as ever, not send the budget.",
    "The project will take two years.",
])
def test_things_and_refusals_promise_nothing(sentence) -> None:
    assert extract("Date: 7 March 2010\n\n" + sentence + "\n").items == []


@pytest.mark.parametrize("sentence, title, owner", [
    ("The delegation agreed to send a list of participants by 20 March.", "Send a list of participants", "delegation"),
    ("the working group is preparing a revised draft.", "Prepare a revised draft", "working group"),
    ("Members of the committee will review the draft by Friday.", "Review the draft", "Members of the committee"),
])
def test_the_acting_noun_phrase_owns_other_cues_too(sentence, title, owner) -> None:
    assert one(sentence)[:2] == (title, owner)


def test_two_sides_act_jointly_so_the_phrase_is_no_owner() -> None:
    assert one("The two sides will sign the agreement in June.")[1] != "two sides"


CABLE = """R 091103Z MAR 10
FM AMEMBASSY MOSCOW
TO SECSTATE WASHDC
SUBJECT: EXBS: NEXT STEPS WITH RUSSIAN CUSTOMS

1. POST WILL MEET WITH THE MINISTRY ON 12 MARCH.

2. THE MINISTRY ASKED POST FOR A DRAFT MOU BY 15 MARCH 2010. CBP WILL SEND THE
TRAINING SCHEDULE TO FCS BY THE END OF THE MONTH. SERGEI KONOVALENKO WILL
VISIT THE PORT IN EARLY APRIL. WE MAY SEND THE DRAFT IN MAY.

3. ACTION REQUEST: POST REQUESTS GUIDANCE ON THE DRAFT MOU BY 20 MARCH.
"""


def test_an_all_capitals_cable_reads_as_if_written_in_sentence_case() -> None:
    r = extract(CABLE)
    got = {(i.title, i.owner, i.due_start) for i in r.items}
    assert got == {
        ("Meet with the ministry", "Post", date(2010, 3, 12)),
        ("Consider a draft MOU", "Post", date(2010, 3, 15)),
        ("Send the training schedule to FCS", "CBP", date(2010, 3, 31)),
        ("Visit the port", "Sergei Konovalenko", date(2010, 4, 1)),
        ("Post requests guidance on the draft MOU", "Russian Customs (FCS)", date(2010, 3, 20)),
    }
    for i in r.items:  # evidence: the original capitals, at the reported span
        assert i.evidence == CABLE[i.evidence_start:i.evidence_end] and i.evidence.isupper()
    assert r.record.record_date == date(2010, 3, 9) and r.record.title.startswith("EXBS: NEXT STEPS")


def test_mixed_case_records_and_short_capitals_are_left_as_written() -> None:
    from extraction.caps import mostly_upper
    assert not mostly_upper("The Ministry asked Post for a draft MOU by 15 March. " * 100, 0, 5300)
    assert not mostly_upper("CLERK TO WRITE TO THE COUNTY COUNCIL. The meeting closed at nine.", 0, 63)
    assert mostly_upper(CABLE, 0, len(CABLE))


def test_capitals_give_what_the_sentence_cased_copy_gives() -> None:
    from extraction.caps import sentence_case
    from extraction.people import load_directory
    cased = sentence_case(CABLE, 0, len(CABLE), load_directory(None))
    assert len(cased) == len(CABLE) and "Post will meet with the ministry on 12 March." in cased

    def key(text: str) -> list[tuple[object, ...]]:
        return [(i.title, i.kind, i.owner, i.requester, i.due_start, i.due_end, i.evidence_start, i.evidence_end)
                for i in extract(text).items]
    assert key(CABLE) == key(cased)
