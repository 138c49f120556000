"""`followup demo`: the whole loop on the example records, at simulated times."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path

from config import DEFAULTS_DIR
from flows.deps import get_engine, get_settings, routing_for
from models import ActionItemUpdate, InvalidInput, Status, session_scope
from models import items as item_ops
from models import outbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "records"
SWEEP_AT = datetime(2010, 2, 1, 9, 0)  # a Monday: some items due within the week, one late


def _say(text: str) -> None:
    print(f"\n== {text}")


def run_demo(records_dir: Path | None = None) -> None:
    from cli import render
    from extraction import extract, load_text
    from flows.flows import dispatch, ingest, sweep
    from flows.ops import change_item

    folder = records_dir or EXAMPLES
    files = sorted(p for p in folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise InvalidInput(f"no example records (*.txt) in {folder}")
    base = get_settings()
    db = base.data_dir / "demo" / "followup.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    # The demo has its own database and always prints to the terminal, whatever
    # channels this machine is configured for: it must never message real people.
    os.environ["FOLLOWUP_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["FOLLOWUP_APPRISE_CONFIG"] = str(DEFAULTS_DIR / "apprise.yaml")
    os.environ["FOLLOWUP_ROUTING_FILE"] = str(DEFAULTS_DIR / "routing.yaml")
    # Links signed at a simulated 2010 date have long expired, and no API runs here.
    os.environ["FOLLOWUP_LINKS"] = "false"
    settings = get_settings()
    zone = settings.policy.zone
    out = render.console()

    for path in files:
        record = extract(load_text(path), source=str(path)).record
        day = record.record_date or SWEEP_AT.date()
        at = datetime.combine(day + timedelta(days=1), time(10, 0), zone)
        _say(f"{at:%Y-%m-%d}: ingest {path.name}")
        for s in ingest(paths=[str(path)], now=at):
            print(f"record {s['record_id']} {s['title']!r} dated {s['record_date']}: "
                  f"{len(s['created'])} new item(s), {len(s['linked'])} linked to known ones")

    engine = get_engine(settings)
    with session_scope(engine) as session:
        rows = item_ops.list_items(session=session)
    _say("Action items found")
    print(render.items_table(rows))

    mou = next((i for i in rows if "mou" in i.title.lower()), None)
    if mou is not None:
        at = datetime(2010, 1, 21, 11, 0, tzinfo=zone)
        _say(f"{at:%Y-%m-%d}: the owner reports progress on item {mou.id}")
        with session_scope(engine) as session:
            if Status(mou.status) == Status.proposed:
                change_item(session=session, item_id=mou.id, now=at, actor="k.chaisson",
                            status=Status.open, note="accepted at triage",
                            routing=routing_for(settings), policy=settings.policy)
            item = change_item(session=session, item_id=mou.id, now=at, actor="k.chaisson",
                               status=Status.in_progress, note="draft MOU text asked of CBP counsel",
                               item_in=ActionItemUpdate(), routing=routing_for(settings),
                               policy=settings.policy)
            print(f"followup update {item.id} --status in_progress --note '...': now version {item.version}")

    now = SWEEP_AT.replace(tzinfo=zone)
    _say(f"{now:%Y-%m-%d %H:%M %Z}: reminder sweep")
    r = sweep(now=now)
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(r["by_kind"].items())) or "nothing"
    print(f"swept {r['scanned']} item(s), queued {kinds}")

    _say("Dispatch: the terminal channel prints each message (one-click links are left out here;"
         " with the API running, reminders carry mark-done, snooze and acknowledge links)")
    d = dispatch(now=now, seed=0)
    _say(f"sent {d['sent']}, failed {d['failed']}, dead {d['dead']}, skipped {d['skipped']}")
    with session_scope(engine) as session:
        out.print(render.notifications_table(outbox.list_notifications(session=session),
                                             "Notification outbox"))
    again = sweep(now=now)
    print(f"A second sweep at the same moment queues {again['queued']} (idempotency keys hold).")
    print(f"\nDemo database: {db}\nLook around: FOLLOWUP_DATABASE_URL=sqlite:///{db} followup list")
