"""Events and artifacts the Prefect UI shows, under the real Prefect test server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from models import ActionItemUpdate, Status, session_scope

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2010, 2, 1, 9, 0, tzinfo=timezone.utc)
TEXT = "ACTION: Alice to circulate the minutes by 2010-02-05.\n"


@pytest.fixture
def flows_env(prefect_harness, db_url):
    """The flows, and events from here on only: item ids restart with each test's database."""
    global SINCE
    from flows import flows

    SINCE = datetime.now(timezone.utc).isoformat()  # a filter, not a behaviour under test
    return flows


SINCE = "2000-01-01T00:00:00+00:00"


def _post(path: str, body: dict) -> list | dict:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.request("POST", path, json=body).json()


def _events(resource_id: str, want: set[str]) -> list[dict]:
    """The events stored about one resource, once all of `want` are there.

    The server persists events in batches (every 5 s), so this polls, up to 60 s.
    """
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all()
    deadline = time.monotonic() + 60
    while True:
        got = _post("/events/filter", {"filter": {"resource": {"id": [resource_id]},
                                                  "occurred": {"since": SINCE}}, "limit": 50})
        events = got["events"]
        if want <= {e["event"] for e in events} or time.monotonic() > deadline:
            return events
        threading.Event().wait(0.2)


def _latest_artifact(key: str) -> dict:
    [art] = _post("/artifacts/latest/filter", {"artifacts": {"key": {"any_": [key]}}})
    return art


def _change(item_id: int, **kw):
    from config import Settings
    from flows.deps import get_engine
    from flows.ops import change_item
    from notify import load_routing

    settings = Settings()
    with session_scope(get_engine(settings)) as session:
        return change_item(session=session, item_id=item_id, now=NOW, actor="alice",
                           routing=load_routing(settings.routing_file), policy=settings.policy, **kw)


def test_ingest_emits_created_and_publishes_report_and_table(flows_env):
    [s] = flows_env.ingest(text=TEXT, title="Stand-up", now=NOW)
    [item_id] = s["created"]
    [ev] = _events(f"followup.action-item.{item_id}", {"followup.action-item.created"})
    assert ev["event"] == "followup.action-item.created"
    assert ev["resource"]["prefect.resource.name"] == "Circulate the minutes"
    roles = {r["prefect.resource.role"]: r["prefect.resource.id"] for r in ev["related"]}
    assert roles["record"] == f"followup.meeting-record.{s['record_id']}"
    assert roles["owner"] == "followup.owner.alice" and "flow-run" in roles
    assert ev["payload"]["new"] == "open" and ev["payload"]["at"].startswith("2010-02-01")

    report = _latest_artifact("ingest-report")
    assert report["type"] == "markdown"
    assert "Circulate the minutes" in report["data"] and "ACTION: Alice" in report["data"]
    table = _latest_artifact("action-items")
    assert table["type"] == "table" and "Circulate the minutes" in table["data"]
    assert '"days_left": 4' in table["data"] and '"source_record": "Stand-up"' in table["data"]


WANT = {f"followup.action-item.{n}" for n in ("created", "status-changed", "due-changed")}


def test_status_and_due_changes_carry_old_and_new_values(flows_env):
    [s] = flows_env.ingest(text=TEXT.replace("minutes", "agenda"), title="Stand-up 2", now=NOW)
    [item_id] = s["created"]
    _change(item_id, status=Status.in_progress, note="started")
    _change(item_id, item_in=ActionItemUpdate(due_start=None, due_end=datetime(2010, 2, 9).date()))
    with pytest.raises(Exception):  # an illegal move is rolled back: no event for it
        _change(item_id, status=Status.rejected)
    got = _events(f"followup.action-item.{item_id}", WANT)
    evs = {e["event"]: e for e in got}
    assert set(evs) == WANT and len(got) == 3
    moved = evs["followup.action-item.status-changed"]["payload"]
    assert (moved["old"], moved["new"], moved["note"]) == ("open", "in_progress", "started")
    due = evs["followup.action-item.due-changed"]["payload"]
    assert due["old"]["due_end"] == "2010-02-05" and due["new"]["due_end"] == "2010-02-09"


def test_sweep_emits_reminded_and_refreshes_the_table(flows_env):
    [s] = flows_env.ingest(text=TEXT.replace("minutes", "budget"), title="Stand-up 3", now=NOW)
    [item_id] = s["created"]
    swept = flows_env.sweep(now=NOW)
    assert swept["by_kind"].get("reminder", 0) >= 1
    reminded = {"followup.action-item.reminded"}
    names = [e["event"] for e in _events(f"followup.action-item.{item_id}", reminded)]
    assert "followup.action-item.reminded" in names
    again = flows_env.sweep(now=NOW)  # nothing new: no second reminder, no second event
    assert again["queued"] == 0
    assert [e["event"] for e in _events(f"followup.action-item.{item_id}", reminded)].count(
        "followup.action-item.reminded") == 1
    assert "Circulate the budget" in _latest_artifact("action-items")["data"]


def test_digest_and_dashboard_flows(flows_env):
    [s] = flows_env.ingest(text=TEXT.replace("minutes", "survey"), title="Stand-up 4", now=NOW)
    [item_id] = s["created"]
    _change(item_id, status=Status.done)
    text = flows_env.digest(now=NOW)
    assert "## Alice" in text and "**Done this week**" in text and "Circulate the survey" in text
    assert _latest_artifact("weekly-digest")["data"] == text
    assert flows_env.dashboard(now=NOW) >= 0


def test_many_records_show_progress(flows_env):
    texts = [TEXT.replace("minutes", f"note {n}") for n in range(3)]
    paths = []
    for n, t in enumerate(texts):
        p = Path(os.environ["FOLLOWUP_DATA_DIR"]).parent / f"r{n}.txt"
        p.write_text(t, encoding="utf-8")
        paths.append(str(p))
    assert len(flows_env.ingest(paths=paths, now=NOW)) == 3
    progress = _latest_artifact("ingest-progress")
    assert progress["type"] == "progress" and float(progress["data"]) == 100.0


def test_without_a_prefect_api_nothing_is_emitted_and_prefect_is_not_imported(db_url, tmp_path):
    """`update` with no PREFECT_API_URL: the change is stored, Prefect never loads."""
    code = (
        "import sys\n"
        "from cli.main import app\n"
        "from datetime import datetime, timezone\n"
        "from flows.deps import get_engine\n"
        "from models import session_scope, ActionItemCreate\n"
        "from models import items as ops\n"
        "with session_scope(get_engine()) as s:\n"
        "    i = ops.create_item(session=s, item_in=ActionItemCreate(title='t'), record_id=None,\n"
        "                        now=datetime(2010, 1, 1, tzinfo=timezone.utc), actor='x')\n"
        "for argv in (['update', '1', '--status', 'open'], ['list'], ['show', '1']):\n"
        "    try:\n"
        "        app(argv)\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'prefect'], 'prefect imported'\n"
        "print('OK')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("OK"), proc.stderr[-2000:]
    assert not (tmp_path / "prefect").exists()  # no temporary server was started


def test_event_names_and_resources_from_audit_rows():
    from flows.events import build_event, owner_resource_id
    from models import ActionItem, MeetingRecord

    audit = {"item_id": 7, "kind": "updated", "actor": "bob", "at": "2010-01-01T00:00:00+00:00",
             "from_status": None, "to_status": None, "note": None,
             "changes": {"owner": ["CBP", "MFA"]}}
    item = ActionItem(id=7, title="Send the list", owner="Office of Field Ops", record_id=3,
                      created_at=NOW, updated_at=NOW)
    record = MeetingRecord(id=3, title="Cable", text="x", content_hash="h", ingested_at=NOW)
    ev = build_event(audit, item, record)
    assert ev["event"] == "followup.action-item.updated"
    assert ev["payload"]["old"] == {"owner": "CBP"} and ev["payload"]["new"] == {"owner": "MFA"}
    assert ev["resource"] == {"prefect.resource.id": "followup.action-item.7",
                              "prefect.resource.name": "Send the list"}
    assert [r["prefect.resource.id"] for r in ev["related"]] == [
        "followup.meeting-record.3", "followup.owner.office-of-field-ops"]
    audit["changes"] = {"due_end": ["2010-02-01", "2010-02-08"], "owner": ["a", "b"]}
    assert build_event(audit, item, record)["event"] == "followup.action-item.due-changed"
    assert build_event(audit | {"kind": "mystery"}, item, record) is None
    assert build_event(audit, None, None)["related"] == []  # an item deleted since: still named
    assert owner_resource_id("  ") == "followup.owner.unknown"
