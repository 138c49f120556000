"""`followup list` through the console script's quick path (cli.entry) and through Typer:
the same output, errors and exit codes, on SQLite and PostgreSQL (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cli.entry import list_options
from models import ActionItemCreate, RecordCreate, Status, session_scope
from models import items
from models import records

FOLLOWUP = str(Path(sys.executable).parent / "followup")
TYPER = "import sys; from cli.main import run; sys.argv[0] = 'followup'; run()"
T0 = datetime(2009, 10, 10, 10, 0, tzinfo=timezone.utc)


def both(*args: str, env_extra: dict | None = None) -> tuple[subprocess.CompletedProcess, ...]:
    env = os.environ | (env_extra or {})
    return tuple(subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
                 for cmd in ([FOLLOWUP, *args], [sys.executable, "-c", TYPER, *args]))


@pytest.fixture
def several(engine):
    """Open, proposed, waiting and done items, dated and undated, owners that differ in case."""
    specs = [("Hold the Program Review", "planned_event", "EXBS", date(2010, 2, 1), date(2010, 2, 7), "open"),
             ("Consider an MOU", "request", "US CBP", None, None, "proposed"),
             ("Send the draft | with [brackets]", "action", "cbp", date(2010, 1, 5), date(2010, 1, 5), "waiting"),
             ("Close the old file", "commitment", "EXBS", date(2009, 12, 1), date(2009, 12, 1), "done")]
    with session_scope(engine) as s:
        rec = records.ingest_record(session=s, record_in=RecordCreate(title="Cable", text="x"),
                                  items_in=[], now=T0).record
        for title, kind, owner, start, end, status in specs:
            items.create_item(session=s, item_in=ActionItemCreate(
                title=title, kind=kind, owner=owner, due_start=start, due_end=end, confidence=0.8),
                record_id=rec.id, now=T0, actor="t", status=Status(status))


@pytest.mark.parametrize("args", [
    [], ["--count"], ["--all"], ["--all", "--format", "json"], ["-f", "json", "--limit", "2"],
    ["--status", "open", "-s", "waiting"], ["--owner", "cbp"], ["--owner=CBP", "--count"],
    ["--kind", "request"], ["--overdue", "--now", "2010-02-08T09:00"],
    ["--overdue", "--count", "--now", "2010-01-06"], ["--overdue", "--no-overdue", "--all", "--no-count"],
    ["--limit=1", "--status=done"], ["--help"],
])
def test_quick_path_prints_what_typer_prints(several, args):
    quick, typer = both("list", *args)
    assert quick.returncode == typer.returncode == 0, (quick.stderr, typer.stderr)
    assert quick.stdout == typer.stdout and quick.stderr == typer.stderr
    assert quick.stdout.strip()


@pytest.mark.parametrize("args", [
    ["--format", "xml"], ["--status", "finished"], ["--overdue", "--now", "yesterday"],
    ["--limit", "0"], ["--limit", "many"], ["--owner"], ["--bogus"], ["-s=open"], ["--kind", "xyz"],
])
def test_bad_list_options_fail_alike(several, args):
    quick, typer = both("list", *args)
    assert quick.returncode == typer.returncode != 0
    assert (quick.stdout, quick.stderr) == (typer.stdout, typer.stderr)
    assert "Traceback" not in quick.stderr


def test_a_bad_setting_is_one_line_naming_the_variable(several):
    for proc in both("list", env_extra={"FOLLOWUP_MAX_RECORD_MB": "abc"}):
        assert proc.returncode == 1 and proc.stderr.startswith("error: FOLLOWUP_MAX_RECORD_MB: ")
        assert len(proc.stderr.splitlines()) == 1


def test_a_reader_that_stops_early_gets_no_traceback(several):
    """`followup list | head`: exit 1 and nothing on stderr, either way."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader: the first write fails with EPIPE
    try:
        procs = [subprocess.run(cmd, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
                 for cmd in ([FOLLOWUP, "list"], [sys.executable, "-c", TYPER, "list"])]
    finally:
        os.close(write_end)
    assert [(p.returncode, p.stderr) for p in procs] == [(1, ""), (1, "")]


def test_unreachable_database_is_one_line(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    quick, typer = both("list", "--count", env_extra={"FOLLOWUP_DATABASE_URL": url})
    assert quick.returncode == typer.returncode == 1
    assert quick.stderr == typer.stderr and quick.stderr.startswith("error: database problem")
    assert len(quick.stderr.strip().splitlines()) == 1


def test_a_fresh_database_gets_its_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'followup.db'}"
    env = os.environ | {"FOLLOWUP_DATABASE_URL": url}
    proc = subprocess.run([FOLLOWUP, "list", "--count"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.stdout == "0\n", proc.stderr
    from models import make_engine
    from models.schema import HEAD, current_revision

    assert current_revision(make_engine(url)) == HEAD


def test_list_loads_neither_typer_nor_sqlmodel_nor_prefect(several):
    probe = ("import sys; sys.argv = ['followup', 'list', '--overdue', '--now', '2010-02-08']\n"
             "from cli.entry import run; run()\n"
             "print(sorted({m.split('.')[0] for m in sys.modules}\n"
             "             & {'typer', 'click', 'sqlmodel', 'prefect', 'rich', 'alembic', 'notify'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    lines = out.stdout.strip().splitlines()
    assert "Hold the Program Review" in out.stdout and lines[-1] == "[]", out


def test_the_quick_path_leaves_to_typer_what_it_does_not_know():
    assert list_options(["--overdue", "-s", "open", "--status=waiting", "--limit", "5"]) == {
        "status": ["open", "waiting"], "owner": None, "kind": None, "overdue": True, "all_": False,
        "count": False, "limit": 5, "format": "table", "now": None}
    for args in (["--help"], ["--api", "http://x"], ["-s=open"], ["-sopen"], ["--owner"],
                 ["--owner", "--count"], ["--kind", "a", "--kind", "b"], ["--count=1"], ["extra"],
                 ["--limit", "0"], ["--limit", "x"], ["--"]):
        assert list_options(args) is None, args


def test_the_core_table_reads_like_the_orm_table():
    """models.query.ITEMS stands in for ActionItem's table: same names, same Python types."""
    from models import ActionItem
    from models.query import ITEMS

    def python_type(column):
        kind = column.type
        return getattr(kind, "impl", kind).python_type  # SQLModel's are TypeDecorators

    real = ActionItem.__table__.c
    for column in ITEMS.c:
        assert column.name in real, column.name
        assert python_type(column) is python_type(real[column.name]), column.name
        assert getattr(column.type, "enums", None) == getattr(real[column.name].type, "enums", None)
    assert {c.name for c in ITEMS.c} >= {"status", "due_end", "evidence", "created_at", "updated_at"}


def test_ctrl_c_on_the_quick_path_reads_as_click_has_it(capsys):
    from cli.entry import user_errors

    with pytest.raises(SystemExit) as stop:
        with user_errors():
            raise KeyboardInterrupt
    assert stop.value.code == 1 and capsys.readouterr().err == "\nAborted!\n"
