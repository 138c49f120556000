"""`followup import` and `followup export`: items in and out in bulk."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from models import InvalidInput

EXPORT_FORMATS = ("jsonl", "csv")
IMPORT_LIMIT = 2 * 1024**3  # an export of millions of tasks still fits


def import_(file: Annotated[Path, typer.Argument(help="JSON lines, or a `task export` file.")],
            from_: Annotated[str, typer.Option(
                "--from", help="jsonl (our items) or taskwarrior (`task export`).")] = "jsonl",
            strict: Annotated[bool, typer.Option(
                help="Any bad line aborts the import; nothing is written.")] = False,
            batch_size: Annotated[int, typer.Option(min=1, help="Items per transaction.")] = 5000
            ) -> None:
    """Import action items; good lines land, each bad one is reported with its line number."""
    from rich.console import Console
    from rich.progress import Progress

    from cli.main import _actor, _now
    from extraction import load_text
    from flows.deps import get_engine, get_settings
    from models.bulk import import_items
    from models.transfer import FORMATS

    if from_ not in FORMATS:
        raise InvalidInput(f"unknown import format {from_!r}; use one of: {', '.join(FORMATS)}")
    text = load_text(file, max_bytes=IMPORT_LIMIT)
    settings = get_settings()
    with Progress(transient=True, console=Console(stderr=True), disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(f"importing {file.name}", total=text.count("\n") + 1)
        report = import_items(engine=get_engine(settings), lines=text.splitlines, fmt=from_,
                              zone=settings.policy.zone, now=_now(None), actor=_actor(),
                              strict=strict, batch_size=batch_size,
                              progress=lambda n: bar.advance(task, n))
    notes = report.problems + [(n, f"skipped: {m}") for n, m in report.skipped]
    for number, message in sorted(notes):
        print(f"{file}:{number}: {message}", file=sys.stderr)
    if strict and report.problems:
        raise InvalidInput(f"{len(report.problems)} bad line(s) in {file}; nothing imported "
                           "(fix them, or import without --strict to take the good lines)")
    print(f"imported {report.imported} item(s) from {file}; {len(report.problems)} bad line(s), "
          f"{len(report.skipped)} skipped"
          + (f", {report.already} imported before (same uuid; left as they are)" if report.already else ""))
    if report.problems:
        raise typer.Exit(1)


def export(format: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv")] = "jsonl",
           output: Annotated[Optional[Path], typer.Option(
               "--output", "-o", help="Write here instead of standard output.")] = None) -> None:
    """Write every item (all statuses) as JSON lines or CSV."""
    from cli.render import item_row
    from flows.deps import get_engine
    from models import session_scope
    from models.bulk import iter_items

    if format not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {format!r}; use jsonl or csv")
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = None
        with session_scope(get_engine()) as session:
            for item in iter_items(session=session):
                row = item_row(item) | {"evidence": item.evidence,
                                        "created_at": item.created_at.isoformat(),
                                        "updated_at": item.updated_at.isoformat()}
                if format == "jsonl":
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    continue
                if writer is None:
                    writer = csv.DictWriter(out, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
    finally:
        if output:
            out.close()


def register(app: typer.Typer) -> None:
    app.command("import", epilog="Example: task export > tasks.json && "
                "followup import tasks.json --from taskwarrior")(import_)
    app.command("export", epilog="Example: followup export --format csv -o items.csv")(export)
