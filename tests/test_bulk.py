"""Bulk import (our JSON lines, Taskwarrior) and export, through the real command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from models import ActionEvent, ActionItem, Status, session_scope
from models.bulk import import_items
from models.transfer import read_rows
from test_cli import run

NOW = datetime(2010, 1, 20, 9, 0, tzinfo=timezone.utc)
MOSCOW = ZoneInfo("Europe/Moscow")


def items_in(engine) -> list[ActionItem]:
    with session_scope(engine) as s:
        return list(s.exec(select(ActionItem).order_by(ActionItem.id)).all())


def lines(*objs) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o) for o in objs]


def test_good_lines_land_and_each_bad_line_is_reported_by_number(engine, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines(
        {"title": "Send the MOU draft", "kind": "request", "owner": "CBP", "status": "in_progress",
         "due_start": "2010-02-01", "due_end": "2010-02-07"},
        "{not json",
        {"title": "Impossible date", "due_end": "2010-02-30"},
        {"title": "Unknown status", "status": "parked"},
        {"title": "Hold the review", "kind": "planned_event", "due_end": "2010-02-07"},
    )) + "\n", encoding="utf-8")
    proc = run("import", str(path))
    assert proc.returncode == 1
    assert "imported 2 item(s)" in proc.stdout
    errors = proc.stderr.strip().splitlines()
    assert [e.split(":")[1] for e in errors] == ["2", "3", "4"], errors
    assert "2010-02-30" in errors[1] and "parked" in errors[2]
    assert "Traceback" not in proc.stderr
    got = items_in(engine)
    assert [(i.title, i.status, i.due_start, i.due_end) for i in got] == [
        ("Send the MOU draft", Status.in_progress, date(2010, 2, 1), date(2010, 2, 7)),
        ("Hold the review", Status.open, None, date(2010, 2, 7))]


def test_strict_writes_nothing_when_any_line_is_bad(engine, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines({"title": "Fine"}, {"title": ""})), encoding="utf-8")
    proc = run("import", str(path), "--strict")
    assert proc.returncode == 1
    assert f"{path}:2: title is missing" in proc.stderr
    assert "nothing imported" in proc.stderr
    assert items_in(engine) == []


def test_taskwarrior_export_maps_onto_our_fields(engine):
    export = [
        "[",
        json.dumps({"id": 1, "description": "Send the MOU draft", "status": "pending",
                    "entry": "20091010T080000Z", "modified": "20091012T080000Z",
                    "scheduled": "20100131T210000Z", "due": "20100206T210000Z",
                    "project": "russia", "tags": ["request", "mou"], "uuid": "u1",
                    "annotations": [{"entry": "20091011T090000Z",
                                     "description": "asked counsel"}]}) + ",",
        json.dumps({"id": 2, "description": "Redesign the course", "status": "pending",
                    "start": "20091015T080000Z", "uuid": "u2"}) + ",",
        json.dumps({"description": "Review held", "status": "completed", "uuid": "u3"}) + ",",
        json.dumps({"description": "Weekly call", "status": "recurring", "uuid": "u4"}),
        "]",
    ]
    report = import_items(engine=engine, lines=lambda: export, fmt="taskwarrior", zone=MOSCOW,
                          now=NOW, actor="tester")
    assert report.imported == 3 and report.problems == []
    assert [n for n, _ in report.skipped] == [5]
    mou, course, review = items_in(engine)
    # 21:00 UTC is the next day in Moscow: dates are days in the office zone.
    assert (mou.due_start, mou.due_end) == (date(2010, 2, 1), date(2010, 2, 7))
    assert mou.kind == "request" and mou.status == Status.open
    assert mou.created_at == datetime(2009, 10, 10, 8, 0, tzinfo=timezone.utc)
    assert course.status == Status.in_progress and review.status == Status.done
    with session_scope(engine) as s:
        events = s.exec(select(ActionEvent).where(ActionEvent.item_id == mou.id)
                        .order_by(ActionEvent.id)).all()
    assert [e.kind for e in events] == ["created", "comment"]
    assert events[1].note == "asked counsel"
    kept = json.loads(events[0].changes)["imported"]
    assert kept["project"] == "russia" and kept["uuid"] == "u1" and kept["tags"] == ["request", "mou"]


def test_importing_the_same_taskwarrior_export_again_adds_nothing(engine):
    tasks = [json.dumps({"description": f"Task {n}", "status": "pending", "uuid": f"u{n}"})
             for n in range(7)]
    tasks.append(json.dumps({"description": "Task 0 again", "status": "pending", "uuid": "u0"}))
    first = import_items(engine=engine, lines=lambda: tasks, fmt="taskwarrior", zone=MOSCOW,
                         now=NOW, actor="tester", batch_size=3)
    assert (first.imported, first.already) == (7, 1)  # the repeated uuid, within one file
    again = import_items(engine=engine, lines=lambda: tasks + [json.dumps(
        {"description": "Task 7", "status": "pending", "uuid": "u7"})], fmt="taskwarrior",
        zone=MOSCOW, now=NOW, actor="tester", batch_size=3)
    assert (again.imported, again.already) == (1, 8)
    titles = [i.title for i in items_in(engine)]
    assert titles == [f"Task {n}" for n in range(8)]  # the first line with a uuid wins


def test_batches_commit_separately_and_count_every_item(engine):
    rows = [json.dumps({"title": f"item {n}"}) for n in range(23)]
    seen = []
    report = import_items(engine=engine, lines=lambda: rows, fmt="jsonl", zone=MOSCOW, now=NOW,
                          actor="t", batch_size=5, progress=seen.append)
    assert report.imported == 23 and seen == [5, 5, 5, 5, 3]
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(ActionEvent)).one() == 23


def test_a_whole_array_on_one_line_is_read_too():
    rows = list(read_rows([json.dumps([{"description": "a"}, {"description": "b"}])],
                          fmt="taskwarrior", zone=MOSCOW))
    assert [(n, r.values["title"]) for n, r in rows] == [(1, "a"), (1, "b")]


def test_export_round_trips_through_import(engine, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines(
        {"title": "Send the MOU draft", "kind": "request", "owner": "CBP", "status": "waiting",
         "due_start": "2010-02-01", "due_end": "2010-02-07", "evidence": "asked, \"soon\""},
        {"title": "Hold the review, in Moscow"})), encoding="utf-8")
    assert run("import", str(src)).returncode == 0
    out = run("export", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    exported = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(e["title"], e["status"], e["due_end"]) for e in exported] == [
        ("Send the MOU draft", "waiting", "2010-02-07"), ("Hold the review, in Moscow", "open", None)]
    again = tmp_path / "again.jsonl"
    again.write_text(out.stdout, encoding="utf-8")
    assert run("import", str(again)).returncode == 0
    assert [i.title for i in items_in(engine)][2:] == [e["title"] for e in exported]
    table = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert len(table) == 4 and table[0]["evidence"] == 'asked, "soon"'


def test_bad_import_and_export_arguments_are_one_line_errors(engine, tmp_path):
    from test_cli import one_line_error

    one_line_error(run("import", str(tmp_path / "nope.json")), "file not found")
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    one_line_error(run("import", str(bad), "--from", "todoist"), "unknown import format")
    one_line_error(run("export", "--format", "xml"), "unknown export format")
