"""The plain text table behind `followup list`: aligned, folded, nothing interpreted."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from cli import plain, render


def test_columns_line_up_under_a_rule_with_no_trailing_blanks() -> None:
    out = plain.table(("ID", "Name"), [("1", "a"), ("1234", "bb")], title="2 rows").splitlines()
    assert out == ["2 rows", "ID    Name", "----  ----", "1     a", "1234  bb"]


def test_a_long_cell_folds_at_word_breaks_and_other_columns_keep_their_place() -> None:
    out = plain.table(("Title", "Due"), [("one two three four", "x")], max_width=9).splitlines()
    assert out[2:] == ["one two    x", "three", "four"]
    assert all(len(line.split("  ")[0]) <= 9 for line in out)


def test_markup_and_newlines_are_printed_as_given() -> None:
    out = plain.table(("A", "B"), [("[bold]x[/bold]", "line1\nline2")]).splitlines()
    assert out[2:] == ["[bold]x[/bold]  line1", "                line2"]


def test_items_table_keeps_the_list_columns() -> None:
    item = SimpleNamespace(id=7, title="Hold the Program Review [draft]", kind="action", owner=None,
                           counterpart="MFA", due_start=date(2010, 2, 1), due_end=date(2010, 2, 7),
                           due_text="February", status=SimpleNamespace(value="open"))
    out = render.items_table([item], "1 action item(s)").splitlines()
    assert out[0] == "1 action item(s)"
    assert out[1].split() == ["ID", "Title", "Kind", "Owner", "Counterpart", "Due", "Status"]
    assert out[3] == ("7   Hold the Program Review [draft]  action  -      MFA          "
                      "2010-02-01..2010-02-07  open")


def test_show_is_plain_text_with_its_evidence_and_history() -> None:
    item = SimpleNamespace(id=4, title="Consider an MOU", kind="request", status="waiting", requester=None,
                           owner="CBP", counterpart=None, due_text=None, due_start=None, due_end=None,
                           confidence=0.5, version=2, record_id=1)
    mention = SimpleNamespace(evidence="asked for\n  an MOU", evidence_start=3, evidence_end=20)
    record = SimpleNamespace(id=1, title="Cable", record_date=date(2009, 10, 9))
    event = SimpleNamespace(at=datetime(2010, 1, 5, 10, 0), actor="kc", kind="status-changed",
                            from_status="open", to_status="waiting", changes=None, note=None)
    out = render.item_detail(item, [event], [(mention, record)]).splitlines()
    assert out[0] == "Action item 4"
    assert "Requester    -" in out and "Due          -" in out
    assert "#1 Cable (2009-10-09)  \u201casked for an MOU\u201d [chars 3-20]" in out
    assert out[-1] == "2010-01-05 10:00  kc   status-changed  open -> waiting"
    assert not [line for line in out if line != line.rstrip()]
