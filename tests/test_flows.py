"""The flows, run for real under one Prefect test server, on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import ActionItem, Notification, Status

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2010, 2, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def flows_env(prefect_harness, db_url):
    from flows import flows

    return flows


def test_ingest_sweep_dispatch_on_the_seed_cable(flows_env, engine, seeds, capsys):
    cable = str(seeds / "002_e34cec0141987b43.txt")
    [summary] = flows_env.ingest(paths=[cable], now=datetime(2009, 10, 10, 10, tzinfo=timezone.utc))
    assert summary["new_record"] and summary["record_date"] == date(2009, 10, 9)
    assert len(summary["created"]) >= 5 and summary["notifications"] == len(summary["created"])

    [again] = flows_env.ingest(paths=[cable], now=NOW)
    assert not again["new_record"] and again["created"] == []

    with Session(engine) as s:
        review = s.exec(select(ActionItem).where(ActionItem.due_end == date(2010, 2, 7))).one()
    assert review.status == Status.open and review.due_start == date(2010, 2, 1)

    swept = flows_env.sweep(now=NOW)
    assert swept["by_kind"].get("reminder") == 1
    assert flows_env.sweep(now=NOW)["queued"] == 0

    sent = flows_env.dispatch(now=NOW, seed=1)
    assert sent["failed"] == 0 and sent["dead"] == 0 and sent["sent"] >= 6
    printed = capsys.readouterr().out
    assert review.title in printed
    with Session(engine) as s:
        statuses = {n.status for n in s.exec(select(Notification)).all()}
    assert statuses == {"sent"}
    assert flows_env.dispatch(now=NOW, seed=1)["sent"] == 0


def test_ingest_text_parameter(flows_env, engine):
    [s] = flows_env.ingest(text="ACTION: Alice to circulate the minutes by 2010-03-01.\n",
                           title="Stand-up", now=NOW)
    assert s["new_record"] and len(s["created"]) == 1
    with Session(engine) as session:
        item = session.get(ActionItem, s["created"][0])
    assert item.due_end == date(2010, 3, 1)


def test_make_demo_shows_the_items_and_the_messages(tmp_path):
    """`followup demo` end to end in its own process, with a fresh Prefect home."""
    env = os.environ | {"FOLLOWUP_DATA_DIR": str(tmp_path / "data"),
                        "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "200"}
    env.pop("FOLLOWUP_DATABASE_URL", None)
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run([str(Path(sys.executable).parent / "followup"), "demo"],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for needle in ("MOU", "IVP", "NII", "Program Review", "2010-02-01..2010-02-07",
                   "Dispatch", "[REMINDER]", "queues 0"):
        assert needle in out, needle
    assert "/act/" not in out  # links signed at a 2010 date would be dead on arrival
    assert (tmp_path / "data" / "demo" / "followup.db").is_file()
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("own", "seen"), [(None, "120"), ("45", "45")])
def test_prefects_temporary_server_gets_time_to_start_unless_the_user_says(own, seen):
    """Prefect waits 20 s for its temporary server by default, which a busy 2-core machine has exceeded."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"}
    if own:
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = own
    code = ("import flows; from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as S; "
            "print(S.value())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == seen
