"""A later record about a known follow-up: linked, moved dates recorded, 'done' proposed, never closed."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from config import Settings
from extraction import extract, load_text
from extraction.linking import Known, plan_links
from flows.ops import store_extraction
from models import ActionItemCreate, session_scope
from models import items
from notify import load_routing

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "records"
T0 = datetime(2010, 3, 2, 9, 0, tzinfo=timezone.utc)
REVIEW = Known(1, "Hold the Program Review with an export licensing exchange",
               "Plans are underway to hold the combined event in February 2010.")
MOU = Known(2, "Consider an MOU between US and Russian Customs", "the wish for an MOU between the two services")
COURSE = Known(3, "Deliver a maintenance course for the technicians", None)

# Our own words, in the style of the example cables.
MOVED = """R 151200Z JAN 10
SUBJECT: EXBS RUSSIA: UPDATE

1. At the MFA's request the Program Review has been moved to February 8-10, 2010.

2. The weather in Moscow was cold.
"""
DONE = """R 011200Z MAR 10
SUBJECT: EXBS RUSSIA: FEBRUARY

1. The MOU between US and Russian Customs was signed in Moscow on February 26.
"""


def test_a_moved_date_is_a_report_with_the_new_window() -> None:
    plan = plan_links(MOVED, extract(MOVED).items, [REVIEW, MOU, COURSE])
    assert plan.matches == {}
    [rep] = plan.reports
    assert rep.item_id == 1 and not rep.done
    assert (rep.due_start, rep.due_end) == (date(2010, 2, 8), date(2010, 2, 10))
    assert MOVED[rep.start:rep.end] == rep.evidence and "moved" in rep.evidence


def test_a_report_of_it_done_is_a_done_report_only_for_that_item() -> None:
    plan = plan_links(DONE, extract(DONE).items, [REVIEW, MOU, COURSE])
    assert [(r.item_id, r.done, r.due_start) for r in plan.reports] == [(2, True, None)]


def test_an_extracted_item_about_a_known_one_is_matched_to_it() -> None:
    new = ActionItemCreate(title="Hold the Program Review", evidence="The Program Review is now planned for May.")
    other = ActionItemCreate(title="Send the visa list to the Embassy", evidence="Send the visa list.")
    plan = plan_links("x", [other, new], [REVIEW, MOU, COURSE])
    assert plan.matches == {1: 1}


def test_unrelated_records_link_to_nothing() -> None:
    text = "Date: 2010-03-01\n\nThe garden committee will repaint the shed by May 1, 2010.\n"
    plan = plan_links(text, extract(text).items, [REVIEW, MOU, COURSE])
    assert plan.matches == {} and plan.reports == []


def _store(session, text: str, source: str):
    settings = Settings()
    return store_extraction(session=session, result=extract(text, source=source), now=T0,
                            policy=settings.policy, routing=load_routing(settings.routing_file))


def test_reports_update_the_item_and_propose_done_without_closing(engine) -> None:
    with session_scope(engine) as s:
        first = _store(s, load_text(EXAMPLES / "2009-10-09-exbs-cable.txt"), "cable")
    with session_scope(engine) as s:
        review = next(i for i in map(lambda i: items.get_item(session=s, item_id=i), first.created)
                      if "Program Review" in i.title)
        status_before = review.status
        moved = _store(s, MOVED, "moved")
        assert moved.created == [] and review.id in moved.linked
        item = items.get_item(session=s, item_id=review.id)
        assert (item.due_start, item.due_end) == (date(2010, 2, 8), date(2010, 2, 10))
        history = items.item_history(session=s, item_id=review.id)
        assert [e.kind for e in history][-2:] == ["linked", "updated"]
        assert "2010-02-10" in history[-1].changes
    done_text = MOVED.replace("has been moved to February 8-10, 2010", "was held on February 8-10, 2010")
    done_text = done_text.replace("151200Z JAN 10", "011200Z MAR 10")
    with session_scope(engine) as s:
        done = _store(s, done_text, "done")
        assert done.done_proposed == [review.id]
        item = items.get_item(session=s, item_id=review.id)
        assert item.status == status_before  # proposed for review, not closed
        last = items.item_history(session=s, item_id=review.id)[-1]
        assert last.kind == "done-proposed" and "was held" in last.note and last.to_status is None
        assert len(items.item_mentions(session=s, item_id=review.id)) == 3
    with session_scope(engine) as s:
        again = _store(s, done_text, "done again")
        assert not again.new_record and again.linked == [] and again.done_proposed == []
        assert len(items.item_mentions(session=s, item_id=review.id)) == 3


def test_the_follow_up_report_links_instead_of_duplicating(engine) -> None:
    with session_scope(engine) as s:
        first = _store(s, load_text(EXAMPLES / "2009-10-09-exbs-cable.txt"), "cable")
        later = _store(s, load_text(EXAMPLES / "2010-01-20-exbs-followup-report.txt"), "report")
        assert set(later.linked) <= set(first.created) and len(later.linked) == 2
        titles = [items.get_item(session=s, item_id=i).title for i in later.created]
        assert not any("Program Review" in t or "NII" in t for t in titles)


def test_a_sent_draft_is_progress_not_done(engine) -> None:
    text = "R 011200Z FEB 10\nSUBJECT: UPDATE\n\n1. The draft MOU between US and Russian Customs was sent to the FCS.\n"
    plan = plan_links(text, extract(text).items, [REVIEW, MOU, COURSE])
    assert [(r.item_id, r.done, r.progress) for r in plan.reports] == [(2, False, True)]
    with session_scope(engine) as s:
        first = _store(s, load_text(EXAMPLES / "2009-10-09-exbs-cable.txt"), "cable")
        mou = next(i for i in first.created if "MOU" in items.get_item(session=s, item_id=i).title)
        later = _store(s, text, "progress")
        assert later.linked == [mou] and later.done_proposed == []
        last = items.item_history(session=s, item_id=mou)[-1]
        assert last.kind == "progress-reported" and "was sent" in last.note


def test_a_generic_title_in_another_record_is_a_new_item(engine) -> None:
    a = "Date: 2017-07-20\n\nKelby committee. The next meeting will be held on 14 September 2017.\n"
    b = "Date: 2023-06-15\n\nGarden group. The next meeting will be held on 3 July 2023.\n"
    with session_scope(engine) as s:
        first, second = _store(s, a, "a"), _store(s, b, "b")
        assert len(first.created) == 1 and len(second.created) == 1 and second.linked == []
        assert items.get_item(session=s, item_id=first.created[0]).due_end == date(2017, 9, 14)
