"""The `followup` command. Domain errors become one clean line and exit 1."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

import flows  # noqa: F401  (sets the no-telemetry variables before anything imports Prefect)
from cli import bulk, db, listing, notify_cmds, parse, render, up
from flows.deps import get_engine, get_settings, routing_for
from models import ActionItemUpdate, InvalidInput, parse_status, session_scope
from models import items as item_ops
from models.clock import utcnow

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Turn meeting records into tracked follow-up action items.")

NowOpt = Annotated[Optional[str], typer.Option(
    "--now", help="Pretend it is this ISO date-time (office time zone unless an offset is given).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json")]
ApiOpt = Annotated[Optional[str], typer.Option(
    "--api", envvar="FOLLOWUP_API_URL", help="Use this followup API (token from FOLLOWUP_API_TOKEN).")]


def _actor() -> str:
    return os.environ.get("FOLLOWUP_ACTOR") or getpass.getuser()


def _now(value: str | None, settings=None):
    # Settings (which read the policy file) only for a --now to read in the office zone.
    return listing.now_from(value, settings or get_settings()) if value else utcnow()


_format = listing.check_format


def _files(paths: list[Path]) -> list[str]:
    """Check every file before anything is written: all are ingested or none."""
    from extraction import load_text

    limit = get_settings().max_record_bytes
    for p in paths:
        load_text(p, max_bytes=limit)
    return [str(p) for p in paths]


@app.command(epilog="Example: followup ingest minutes/2010-01-20.txt cables/*.txt")
def ingest(files: Annotated[list[Path], typer.Argument(help="Record files (UTF-8 text).")],
           now: NowOpt = None) -> None:
    """Extract action items from meeting records and track them (runs the ingest flow)."""
    paths = _files(files)
    from flows.flows import ingest as ingest_flow

    for s in ingest_flow(paths=paths, now=_now(now)):
        when = f" ({s['record_date']})" if s["record_date"] else ""
        if not s["new_record"]:
            print(f"{s['source']}: already ingested as record {s['record_id']}; nothing new")
            continue
        print(f"{s['source']}: record {s['record_id']} {s['title']!r}{when}: "
              f"{len(s['created'])} new item(s), {len(s['linked'])} linked to known items"
              + "".join(f"; item {i} reported done: confirm with `followup update {i} --status done`"
                        for i in s.get("done_proposed", [])))


@app.command(epilog="Example: followup extract cable.txt --format json")
def extract(file: Annotated[Path, typer.Argument(help="A record file (UTF-8 text).")],
            format: FormatOpt = "table",
            rules: Annotated[bool, typer.Option("--rules", help="Use the rules even if FOLLOWUP_LLM_URL is set.")]
            = False) -> None:
    """Show the action items a record holds, without storing anything."""
    from extraction import load_text
    from flows.ops import extract_text

    fmt = _format(format)
    settings = get_settings()
    result, note = extract_text(load_text(file, max_bytes=settings.max_record_bytes), settings=settings,
                                source=str(file), use_model=not rules)
    if note:
        print(f"note: {note}", file=sys.stderr)
    rec = result.record
    if fmt == "json":
        items = [render.candidate_dict(i) for i in result.items]
        print(render.dumps({"record": {"title": rec.title, "date": rec.record_date,
                                       "source": rec.source}, "action_items": items}))
        return
    when = rec.record_date.isoformat() if rec.record_date else "undated"
    render.console().print(render.extraction_table(result.items, f"{rec.title} ({when})"))


@app.command("list", epilog="Example: followup list --status open --owner CBP --overdue")
def list_(status: Annotated[Optional[list[str]], typer.Option(
              "--status", "-s", help="Only this status (repeatable).")] = None,
          owner: Annotated[Optional[str], typer.Option(help="Owner contains this text.")] = None,
          kind: Annotated[Optional[str], typer.Option(help="Only this kind.")] = None,
          overdue: Annotated[bool, typer.Option(help="Only open items past their due date.")] = False,
          all_: Annotated[bool, typer.Option("--all", help="Include closed items.")] = False,
          count: Annotated[bool, typer.Option(help="Print only how many match.")] = False,
          limit: Annotated[Optional[int], typer.Option(min=1, help="At most this many.")] = None,
          format: FormatOpt = "table", now: NowOpt = None, api: ApiOpt = None) -> None:
    """List action items (open and proposed ones unless --status or --all)."""
    fmt = _format(format)
    statuses = [parse_status(s) for s in status or []]
    if api:
        from cli import remote

        remote.refuse_now(now)
        return remote.list_items(api, fmt=fmt, count=count, status=[s.value for s in statuses],
                                 all=all_, owner=owner, kind=kind, overdue=overdue, limit=limit)
    print(listing.list_text(settings=get_settings(), statuses=statuses, all_=all_, owner=owner,
                            kind=kind, overdue=overdue, count=count, limit=limit, fmt=fmt, now=now))


@app.command(epilog="Example: followup show 4")
def show(item_id: Annotated[int, typer.Argument(help="Item id.")], format: FormatOpt = "table",
         api: ApiOpt = None) -> None:
    """One item with its evidence, every record that mentions it, and its history."""
    fmt = _format(format)
    if api:
        from cli import remote

        return remote.show_item(api, item_id, fmt=fmt)
    with session_scope(get_engine()) as session:
        item = item_ops.get_item(session=session, item_id=item_id)
        history = item_ops.item_history(session=session, item_id=item_id)
        mentions = item_ops.item_mentions(session=session, item_id=item_id)
    if fmt == "json":
        data = render.item_row(item) | {
            "evidence": item.evidence,
            "mentions": [{"record_id": r.id, "record_title": r.title, "evidence": m.evidence,
                          "evidence_start": m.evidence_start, "evidence_end": m.evidence_end}
                         for m, r in mentions],
            "history": [e.model_dump() for e in history]}
        print(render.dumps(data))
        return
    print(render.item_detail(item, history, mentions))


@app.command(epilog="Example: followup update 4 --status in_progress --note 'draft sent to MFA'")
def update(item_id: Annotated[int, typer.Argument(help="Item id.")],
           status: Annotated[Optional[str], typer.Option("--status", "-s", help="New status.")] = None,
           note: Annotated[Optional[str], typer.Option(help="Why; kept in the history.")] = None,
           owner: Annotated[Optional[str], typer.Option(help="New owner.")] = None,
           title: Annotated[Optional[str], typer.Option(help="New title.")] = None,
           due: Annotated[Optional[str], typer.Option(
               help="YYYY-MM-DD, START..END, or 'none' to clear.")] = None,
           if_version: Annotated[Optional[int], typer.Option(
               help="Refuse if the item's version is no longer this.")] = None,
           now: NowOpt = None, api: ApiOpt = None) -> None:
    """Change an item's status or fields; every change is kept in its history."""
    new_status = parse_status(status) if status else None
    fields: dict = {}
    if owner is not None:
        fields["owner"] = owner
    if title is not None:
        fields["title"] = title
    if due is not None:
        fields["due_start"], fields["due_end"] = parse.parse_window(due)
    if new_status is None and not fields and note is None:
        raise InvalidInput("nothing to change; give --status, --note, --owner, --title or --due")
    if api:
        from cli import remote

        remote.refuse_now(now)
        changes = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in fields.items()}
        changes |= {"status": new_status.value} if new_status else {}
        return remote.update_item(api, item_id, changes | ({"note": note} if note else {}),
                                  if_version=if_version)
    settings = get_settings()
    from flows.ops import change_item

    routing = routing_for(settings)
    with session_scope(get_engine(settings)) as session:
        item = change_item(session=session, item_id=item_id, now=_now(now), actor=_actor(),
                           status=new_status, note=note, item_in=ActionItemUpdate(**fields),
                           expected_version=if_version, routing=routing, policy=settings.policy)
        print(f"item {item.id}: {render.item_row(item)['status']} (version {item.version})")


@app.command(epilog="Example: followup sweep --now 2010-02-01T09:00")
def sweep(now: NowOpt = None) -> None:
    """Queue due reminders, overdue escalations and nudges (runs the sweep flow)."""
    from flows.flows import sweep as sweep_flow

    r = sweep_flow(now=_now(now))
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(r["by_kind"].items())) or "nothing new"
    print(f"swept {r['scanned']} item(s): queued {kinds}; {r['already_queued']} already queued before")


@app.command(epilog="Example: followup dispatch --limit 50")
def dispatch(now: NowOpt = None,
             limit: Annotated[Optional[int], typer.Option(
                 min=1, help="At most this many messages (default: every one that is due).")] = None
             ) -> None:
    """Send queued notifications through the configured apprise channels."""
    from flows.flows import dispatch as dispatch_flow

    r = dispatch_flow(now=_now(now), limit=limit)
    print(f"sent {r['sent']}, failed {r['failed']} (will retry), dead {r['dead']}, "
          f"skipped {r['skipped']} (no longer applied: item closed or rescheduled)")
    for line in r.get("problems", [])[:10]:
        print(f"  {line}")


@app.command(epilog="Examples: followup notifications --dead; followup notifications --retry-dead; "
                     "followup notifications --id 12")
def notifications(status: Annotated[Optional[str], typer.Option(
                      help="pending, sending, sent, failed, dead or skipped")] = None,
                  dead: Annotated[bool, typer.Option(help="Only dead messages.")] = False,
                  retry: Annotated[Optional[int], typer.Option(
                      help="Give this dead, failed or skipped message a fresh start.")] = None,
                  retry_dead: Annotated[bool, typer.Option(
                      help="Give every dead message a fresh start (after fixing a channel).")] = False,
                  id_: Annotated[Optional[int], typer.Option(
                      "--id", help="One message: its text and its result at each target.")] = None,
                  now: NowOpt = None) -> None:
    """The notification outbox: what was sent, what failed, what gave up, what no longer applied."""
    from cli.notify_cmds import outbox_command

    outbox_command(status="dead" if dead else status, retry=retry, retry_dead=retry_dead,
                   notification_id=id_, now=_now(now))


@app.command(epilog="Example: followup demo")
def demo(records: Annotated[Optional[Path], typer.Option(help="Folder of example records.")] = None) -> None:
    """Ingest the example records into a fresh demo database, sweep, and send."""
    from cli.demo import run_demo

    run_demo(records)


bulk.register(app)
app.add_typer(db.app, name="db")
notify_cmds.register(app)
up.register(app)
from cli import api_cmd  # noqa: E402  (issue 6: api, token, link)

api_cmd.register(app)


def run() -> None:
    """Every command through Typer (cli.entry.run, the console script, answers `list` itself)."""
    from cli.entry import user_errors

    with user_errors():
        up.use_running_stack(get_settings().data_dir)  # flows and events go to a running `followup up`
        app(prog_name="followup")
