"""Rules on small records: explicit action lines, prose cues, past events, boilerplate, people."""

from __future__ import annotations

from datetime import date

import pytest

from extraction import extract, load_directory
from extraction.clean import clean, sentences
from models import InvalidInput, Kind

MINUTES = """Project board minutes
Date: 2010-03-03

ACTION: Alice to send the draft by 2010-03-10
Action item: Bob will book the room for the review next week.
TODO: update the budget sheet by the end of the month
- [ ] @carol circulate the notes by Friday
- [x] @dave fix the printer
AI: Eve: confirm the venue by 15 March 2010
CLERK TO WRITE TO THE HIGHWAYS DEPARTMENT ABOUT THE POTHOLES.

Next steps:
- Frank to call the vendor in the near future
- Gina: review the contract by March 2010
"""


def items_of(text: str) -> dict[str, object]:
    return {i.title: i for i in extract(text).items}


def test_explicit_lines() -> None:
    got = items_of(MINUTES)
    expected = {
        "Send the draft": ("Alice", date(2010, 3, 10), date(2010, 3, 10)),
        "Book the room for the review": ("Bob", date(2010, 3, 8), date(2010, 3, 14)),
        "Update the budget sheet": (None, date(2010, 3, 31), date(2010, 3, 31)),
        "Circulate the notes": ("carol", date(2010, 3, 5), date(2010, 3, 5)),
        "Confirm the venue": ("Eve", date(2010, 3, 15), date(2010, 3, 15)),
        "Write to the highways department about the potholes": ("Clerk", None, None),
        "Call the vendor": ("Frank", None, None),
        "Review the contract": ("Gina", date(2010, 3, 1), date(2010, 3, 31)),
    }
    assert set(got) == set(expected)  # the done checkbox "- [x]" is not an item
    for title, (owner, start, end) in expected.items():
        item = got[title]
        assert (item.owner, item.due_start, item.due_end) == (owner, start, end), title
        assert item.kind == Kind.action and item.confidence >= 0.85
    assert got["Call the vendor"].due_text == "in the near future"


@pytest.mark.parametrize(
    ("sentence", "kind", "title", "owner", "requester"),
    [
        ("The Ministry agreed to share the inspection statistics by late March.", Kind.commitment,
         "Share the inspection statistics", "Ministry", None),
        ("Bob will draft the terms of reference in mid-April.", Kind.commitment,
         "Draft the terms of reference", "Bob", None),
        ("Ms. Jones asked the Secretariat to prepare a briefing note by 20 March 2010.", Kind.request,
         "Prepare a briefing note", "Secretariat", "Jones"),
        ("Plans are underway to hold a workshop in the second week of May 2010.", Kind.planned_event,
         "Hold a workshop", None, None),
        ("It was agreed that the Secretariat will circulate the revised text within 14 days of 5 March.",
         Kind.decision_followup, "Circulate the revised text", "Secretariat", None),
        ("The next meeting will be held in early June 2010.", Kind.planned_event, "Hold the next meeting",
         None, None),
        ("The committee decided to publish the report before the September meeting.", Kind.decision_followup,
         "Publish the report", None, None),
        ("Mr. Konovalenko asked CBP for a copy of the inspection manual.", Kind.request,
         "Provide a copy of the inspection manual", "CBP", "Sergei Konovalenko"),
        ("The US side will send the list of participants next week.", Kind.commitment,
         "Send the list of participants", None, None),
        ("The Georgian side would like a study visit to a US port later this year; we said we would consider it.",
         Kind.request, "Arrange a study visit to a US port", None, None),
        ("We agreed to review the plan within two weeks of receipt.", Kind.commitment, "Review the plan", None, None),
    ],
)
def test_prose_cues(sentence: str, kind: Kind, title: str, owner: str | None, requester: str | None) -> None:
    (item,) = extract(f"Notes\nDate: 2010-03-03\n\n{sentence}\n").items
    assert (item.kind, item.title, item.requester) == (kind, title, requester)
    if owner:
        assert item.owner == owner
    assert item.evidence in sentence and len(item.evidence) > len(sentence) / 2


@pytest.mark.parametrize(
    "text",
    [
        "The seminar was held on 12 February 2010 in Moscow.",
        "Meetings were held with the regional offices.",
        "The delegation visited Moscow on September 11-23 and met Russian officials.",
        "The MOU was signed last year and the review took place in March.",
        "Participants expressed interest in the processes of supply chain security.",
        "The agreement will enter into force next year.",
        "CBP will not organize the course.",
        "He had planned to deliver the course in early 2010.",
        '"We will keep our borders safe," the minister said.',
        "FM AMEMBASSY MOSCOW TO SECSTATE WASHDC",
    ],
)
def test_past_events_background_and_negations_are_not_items(text: str) -> None:
    assert extract(f"Report\n\n{text}\n").items == []


def test_site_footer_and_headlines_yield_nothing() -> None:
    body = "Weekly report\n\n" + "Nothing new to report this week; the office was quiet. " * 5
    tail = "\n\n© Some News Site\n\nWorld Headlines\n\nMinisters will meet next week to agree a budget.\n"
    assert extract(body + tail).items == []
    assert len(extract(body + "\n\nCBP will send the list of participants next week.\n").items) == 1


def test_capture_banner_is_masked() -> None:
    text = "TODAY IS FRIDAY, DECEMBER 14, 2018, 7:09:00 PM\nSeminar report\n\nThe seminar took place.\n"
    c = clean(text)
    assert c.banner == (0, text.index("\n")) and text[c.start:].startswith("\nSeminar")
    assert extract(text).record.title == "Seminar report"


def test_sentences_keep_original_spans_across_hard_wraps() -> None:
    text = "1. Mr. Smith met Ms. Jones in St.\nPetersburg. They\nagreed to\nmeet again.\n\n2. Next one."
    spans = [text[s.start:s.end] for s in sentences(clean(text))]
    assert spans == ["Mr. Smith met Ms. Jones in St.\nPetersburg.", "They\nagreed to\nmeet again.", "Next one."]


def test_a_response_assigns_the_request_instead_of_adding_an_item() -> None:
    text = ("Visit report\nDate: 2009-10-09\n\nMs. Kitova asked CBP to help arrange a study tour of US ports. "
            "EXBS responded positively, asking for follow-up through the Russian Embassy in Washington.\n")
    (item,) = extract(text).items
    assert (item.requester, item.owner) == ("Elena Kitova", "EXBS")
    assert item.counterpart == "Rosgranitsa (via Russian Embassy in Washington)"


def test_directory_aliases_resolve_to_one_name() -> None:
    d = load_directory()
    assert {d.normalise(n) for n in ("CBP", "US Customs and Border Protection",
                                     "Bureau of Customs and Border Protection")} == {"CBP"}
    assert {d.normalise(n) for n in ("FCS", "Federal Customs Service", "Russian Customs")} == {"Russian Customs (FCS)"}
    assert {d.normalise(n) for n in ("Sergey Konovalenko", "Mr. Sergei Konovalenko", "KONOVALENKO")} == {
        "Sergei Konovalenko"}
    assert d.org_of("Sergei Konovalenko") == "Russian Customs (FCS)"
    assert d.normalise("Acme Widgets Ltd") == "Acme Widgets Ltd"  # unknown: kept as written


def test_directory_from_another_path(tmp_path) -> None:
    path = tmp_path / "dir.yaml"
    path.write_text("organisations:\n  - name: Widget Board\n    aliases: [WB]\npeople: []\n", encoding="utf-8")
    (item,) = extract("Notes\n\nWB will publish the rules by 2010-05-01.\n", directory=path).items
    assert item.owner == "Widget Board"
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisations: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="bad.yaml"):
        load_directory(bad)


def test_empty_and_odd_text_give_an_empty_result() -> None:
    for text in ("", "   \n\n", "." * 5000, "ACTION:", "- [ ]"):
        result = extract(text)
        assert result.items == [] and result.record.title


# Our own small records in the styles issue 3 lists; each line tests one reading.
STYLES = """Steering group minutes
Date: 2023-06-15

ACTION 2023-05/1 (Ada) publish the licence guidance - done.
ACTION 2023-05/3 (Chen) fix the broken links - ongoing.
RESOLUTION: publish the survey results next week
AI: Omar - get a second quote by 20 June
Post requests that ISN/ECC approve the travel funds by June 30, 2023.

Annual meeting
The annual meeting is scheduled for 18 September 2023.
"""
IRC = """Date: 2022-03-07
<tanya> the mirror rsync finished
<tanya> I will renew the certificates once DNS is live
#action tanya renew the TLS certificates by April 1
#info the build farm upgrade was completed on 2022-03-04
#action dave investigate the failed restore test
"""


def test_minutes_styles() -> None:
    got = {i.title: i for i in extract(STYLES).items}
    assert set(got) == {"Fix the broken links", "Publish the survey results", "Get a second quote",
                        "Approve the travel funds", "Hold the annual meeting"}
    assert got["Fix the broken links"].owner == "Chen"
    assert got["Publish the survey results"].kind == Kind.decision_followup
    assert got["Get a second quote"].owner == "Omar"
    req = got["Approve the travel funds"]
    assert (req.kind, req.owner, req.requester, req.due_end) == (Kind.request, "ISN/ECC", "Post", date(2023, 6, 30))
    assert got["Hold the annual meeting"].evidence.startswith("The annual meeting")  # not the heading above


def test_chat_log_actions_and_the_discussion_before_them() -> None:
    got = extract(IRC).items
    assert [(i.title, i.owner, i.due_end) for i in got] == [
        ("Renew the TLS certificates", "tanya", date(2022, 4, 1)),
        ("Investigate the failed restore test", "dave", None)]


@pytest.mark.parametrize(
    ("text", "title", "owner", "due_end"),
    [
        ("Date: 2017-07-20\n\nThe report was received. RESOLVED that the Town Clerk implement the two "
         "recommendations within 14 days of 20 July.", "Implement the two recommendations", "Town Clerk",
         date(2017, 8, 3)),
        ("Date: 2017-07-20\n\nRESOLVED that a grant of 500 pounds be awarded to the youth club.",
         "Award a grant of 500 pounds to the youth club", None, None),
        ("Date: 2022-04-11\n\nOfficials said the commission will meet in Tallinn on 6 June 2022.",
         "Hold a meeting of the commission", None, date(2022, 6, 6)),
        ("From: Nadia Hossain\nDate: 14 October 2019\n\nThey asked us to share the survey data. "
         "I promised to send it by 25 October.", "Share the survey data", "Nadia Hossain", date(2019, 10, 25)),
        ("Date: 2021-02-04\n\nConstruction of the first station is expected to begin in the spring of 2022.",
         "Begin construction of the first station", None, date(2022, 5, 31)),
        ("Date: 2024-03-06\n\nThe board decided to accept the Halvorsen bid. Ben Osei will sign the "
         "contract by the end of the month.", "Sign the contract", "Ben Osei", date(2024, 3, 31)),
    ],
)
def test_decisions_meetings_and_follow_ups_named_twice(text: str, title: str, owner: str | None,
                                                       due_end: date | None) -> None:
    [item] = extract(text).items
    assert (item.title, item.owner, item.due_end) == (title, owner, due_end)


@pytest.mark.parametrize(
    ("sentence", "title", "owner"),
    [
        ("Bob will meet the team at Mayfield in May.", "Meet the team at Mayfield", "Bob"),
        ("CBP hosted the visit. We will meet the team at Mayfield in May.", "Meet the team at Mayfield", "CBP"),
        ("Ms Okafor will meet with the minister in May.", "Meet with the minister", "Okafor"),
        ("The council will meet the residents in May.", "Hold a meeting of the council with the residents", None),
        ("The two sides will meet again in May.", "Hold a meeting of the two sides", None),
        ("Bob and Ana will meet on 3 May.", "Hold a meeting of Bob and Ana", None),  # a name keeps its capital
        ("They will meet in May.", "Hold a meeting", None),  # not "of they"
    ],
)
def test_meet_with_an_object_is_the_subject_meeting_it(sentence: str, title: str, owner: str | None) -> None:
    # "will meet" once always made "a meeting of <subject>": "Hold a meeting of bob", "... of we".
    [item] = extract("Date: 2027-01-12\n\n" + sentence).items
    assert (item.kind.value, item.title, item.owner) == ("planned_event", title, owner)
    assert item.due_start is not None and item.due_start.month == 5


@pytest.mark.parametrize(
    ("sentence", "kind", "title", "owner"),
    [
        ("The Minister is scheduled to visit the border post on 3 May.", "planned_event", "Visit the border post",
         "Minister"),
        ("Bob is expected to send the report by 3 May.", "action", "Send the report", "Bob"),  # was "Hold Bob"
        ("The seminar is scheduled to take place on 3 May.", "planned_event", "Hold the seminar", None),
        ("Construction is expected to begin on 3 May.", "action", "Begin construction", None),
    ],
)
def test_scheduled_to_act_is_the_subject_acting(sentence: str, kind: str, title: str, owner: str | None) -> None:
    [item] = extract("Date: 2027-01-12\n\n" + sentence).items
    assert (item.kind.value, item.title, item.owner) == (kind, title, owner)


def test_two_people_two_items_even_when_adjacent() -> None:
    text = ("Date: 2024-04-02\n\nIt was agreed that Bruno would contact the council about the land. "
            "Carmen will apply for the planting grant by 15 April.")
    assert [i.owner for i in extract(text).items] == ["Bruno", "Carmen"]
