"""The `followup` command as a user runs it: real processes, a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models import ActionEvent, ActionItem, ActionItemCreate, MeetingRecord, RecordCreate, session_scope
from models import items
from models import records

FOLLOWUP = str(Path(sys.executable).parent / "followup")
T0 = datetime(2009, 10, 10, 10, 0, tzinfo=timezone.utc)


def run(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = os.environ | {"COLUMNS": "200"} | (env_extra or {})
    return subprocess.run([FOLLOWUP, *args], capture_output=True, text=True, env=env, timeout=120)


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.fixture
def tracked(engine):
    """Two items: one open with a due window, one proposed."""
    with session_scope(engine) as s:
        res = records.ingest_record(
            session=s, record_in=RecordCreate(title="Cable", text="x", record_date=date(2009, 10, 9)),
            items_in=[ActionItemCreate(title="Hold the Program Review", kind="planned_event",
                                       owner="EXBS", due_start=date(2010, 2, 1),
                                       due_end=date(2010, 2, 7), evidence="Plans are underway.",
                                       evidence_start=0, evidence_end=19, confidence=0.9),
                      ActionItemCreate(title="Consider an MOU", kind="request", owner="US CBP",
                                       confidence=0.5)],
            now=T0, auto_accept=0.75)
    return [i.id for i in res.created]


def _counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (MeetingRecord, ActionItem, ActionEvent))


@pytest.mark.parametrize("make,needle", [
    (lambda p: p / "missing.txt", "not found"),
    (lambda p: p, "directory"),
    (lambda p: (p / "empty.txt").write_text("  \n") and p / "empty.txt", "empty"),
    (lambda p: (p / "bin.txt").write_bytes(b"\x00\x01\x02abc") and p / "bin.txt", "binary"),
    (lambda p: (p / "latin.txt").write_bytes("caf\xe9 notes".encode("latin-1")) and p / "latin.txt", "UTF-8"),
])
def test_bad_record_files_are_one_line_errors_and_write_nothing(tmp_path, engine, make, needle):
    bad = make(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("ACTION: Alice to send the agenda by 2010-03-01.\n")
    one_line_error(run("ingest", str(good), str(bad)), needle)
    assert _counts(engine) == (0, 0, 0)
    one_line_error(run("extract", str(bad)), needle)


def test_update_errors(tracked, engine):
    open_id, proposed_id = tracked
    before = _counts(engine)
    one_line_error(run("update", str(open_id), "--status", "finished"), "unknown status", "in_progress")
    one_line_error(run("update", str(proposed_id), "--status", "done"), "allowed: open, rejected")
    one_line_error(run("update", "999", "--status", "done"), "no action item with id 999")
    one_line_error(run("update", str(open_id), "--due", "2010-02-30"), "YYYY-MM-DD")
    one_line_error(run("update", str(open_id), "--status", "done", "--if-version", "7"), "changed since")
    assert _counts(engine) == before


def test_update_moves_status_and_show_has_the_history(tracked, engine):
    open_id, _ = tracked
    proc = run("update", str(open_id), "--status", "waiting", "--note", "asked MFA for dates",
               "--now", "2010-01-05T10:00", env_extra={"FOLLOWUP_ACTOR": "kc"})
    assert proc.returncode == 0, proc.stderr
    assert f"item {open_id}: waiting (version 2)" in proc.stdout
    shown = json.loads(run("show", str(open_id), "--format", "json").stdout)
    assert shown["status"] == "waiting"
    assert [(h["kind"], h["actor"], h["note"]) for h in shown["history"]][-1] == (
        "status-changed", "kc", "asked MFA for dates")
    assert shown["mentions"][0]["evidence"] == "Plans are underway."
    table = run("show", str(open_id)).stdout
    assert "History" in table and "open -> waiting" in table


def test_list_filters_counts_and_stays_away_from_prefect(tracked):
    assert run("list", "--count").stdout.strip() == "2"
    assert run("list", "--status", "open", "--count").stdout.strip() == "1"
    assert run("list", "--owner", "cbp", "--count").stdout.strip() == "1"
    assert run("list", "--overdue", "--now", "2010-02-08T09:00", "--count").stdout.strip() == "1"
    assert run("list", "--overdue", "--now", "2010-02-07T09:00", "--count").stdout.strip() == "0"
    rows = json.loads(run("list", "--format", "json").stdout)
    assert [r["title"] for r in rows] == ["Hold the Program Review", "Consider an MOU"]
    probe = ("import sys; from cli.main import app\n"
             "try: app(['list', '--count'], prog_name='followup')\n"
             "except SystemExit: pass\n"
             "print('prefect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False", out


def test_extract_json_on_the_seed_cable(seeds):
    proc = run("extract", str(seeds / "002_e34cec0141987b43.txt"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["record"]["date"] == "2009-10-09"
    assert set(data["action_items"][0]) == {"title", "kind", "evidence", "evidence_start", "evidence_end",
                                            "requester", "owner",
                                            "counterpart", "due_text", "due_start", "due_end",
                                            "confidence"}
    review = [i for i in data["action_items"] if "February 2010" in (i["evidence"] or "")]
    assert [(i["due_start"], i["due_end"]) for i in review] == [("2010-02-01", "2010-02-07")]


def test_unknown_format_and_empty_update_are_refused(tracked):
    one_line_error(run("list", "--format", "xml"), "table or json")
    one_line_error(run("update", str(tracked[0])), "nothing to change")


def test_bad_policy_file_is_one_line(tmp_path, tracked):
    bad = tmp_path / "policy.yaml"
    bad.write_text("timezone: Mars/Olympus\n")
    one_line_error(run("list", "--overdue", env_extra={"FOLLOWUP_POLICY_FILE": str(bad)}),
                   "unknown time zone", str(bad))


def test_list_rows_of_columns_read_like_the_items(tracked, engine):
    """`list` fetches plain rows, not ORM objects: the same JSON and table either way."""
    from cli import render

    with session_scope(engine) as s:
        full = items.list_items(session=s, status=[], sort="-due")
        rows = items.list_items(session=s, status=[], sort="-due", columns=render.ROW_FIELDS)
    assert [render.item_row(r) for r in rows] == [render.item_row(i) for i in full]
    assert render.items_table(rows, "t") == render.items_table(full, "t")
    assert "2010-02-01..2010-02-07" in render.items_table(rows) and len(rows) == 2


def test_list_and_show_load_only_what_they_print_with(tracked):
    """No rich, apprise, alembic or notify code for a read: each costs `list` time."""
    probe = ("import sys; from cli.main import app\n"
             f"for argv in (['list'], ['list', '--overdue', '--count'], ['show', '{tracked[0]}']):\n"
             "    try: app(argv, prog_name='followup')\n"
             "    except SystemExit: pass\n"
             "print(sorted({m.split('.')[0] for m in sys.modules}\n"
             "             & {'rich', 'apprise', 'alembic', 'notify', 'prefect', 'httpx'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]", out
    assert "Hold the Program Review" in out.stdout and "History" in out.stdout
