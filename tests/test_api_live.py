"""Against a real uvicorn on loopback: concurrent edits, the CLI's remote mode, tokens by command."""

from __future__ import annotations

import subprocess
import threading

import httpx
import pytest

from tests.api_helpers import app, auth, clock, ids, live_api, tokens  # noqa: F401  (fixtures)
from tests.test_api import events
from tests.receivers import free_port
from tests.test_cli import FOLLOWUP, run


def twenty_clients_same_etag(base: str, item_id: int, token: str) -> list[int]:
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def patch(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            barrier.wait()
            r = c.patch(f"/items/{item_id}", json={"status": "done", "note": f"client {i}"},
                        headers=auth(token) | {"If-Match": '"1"'})
            codes.append(r.status_code)

    threads = [threading.Thread(target=patch, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(codes)


def test_twenty_clients_same_etag_exactly_one_wins(live_api, ids, tokens, engine):
    assert twenty_clients_same_etag(live_api, ids[0], tokens["editor"]) == [200] + [412] * 19
    assert len(events(engine, ids[0], "status-changed")) == 1


def test_worker_processes_one_winner_and_redacted_log(ids, tokens, engine):
    port = free_port()
    proc = subprocess.Popen([FOLLOWUP, "api", "--port", str(port), "--workers", "2", "--access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = 0
        while started < 2:  # both workers up, so both take connections
            line = proc.stderr.readline()
            assert line, "the API exited before its workers started"
            started += "Application startup complete" in line
        base = f"http://127.0.0.1:{port}"
        assert twenty_clients_same_etag(base, ids[0], tokens["editor"]) == [200] + [412] * 19
        assert httpx.get(f"{base}/act/not-a-real-link-token").status_code == 410
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0]  # uvicorn's access log goes to stdout
    assert len(events(engine, ids[0], "status-changed")) == 1
    assert "/act/<redacted>" in log and "not-a-real-link-token" not in log


def test_sqlite_writers_hold_a_lock_other_processes_see(tmp_path):
    import fcntl
    import os

    from api.writes import SqliteWriters

    db = str(tmp_path / "x.db")
    other = os.open(f"{db}.writer-lock", os.O_RDWR | os.O_CREAT)  # as another process would
    try:
        with SqliteWriters(db).held():
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once released
    finally:
        os.close(other)


def test_cli_list_show_update_against_the_api(live_api, ids, tokens):
    env = {"FOLLOWUP_API_URL": live_api, "FOLLOWUP_API_TOKEN": tokens["editor"],
           "FOLLOWUP_DATABASE_URL": "sqlite:////nonexistent/never-used.db"}
    listed = run("list", "--format", "json", env_extra=env)
    assert listed.returncode == 0, listed.stderr
    assert "Hold the Program Review" in listed.stdout
    shown = run("show", str(ids[0]), env_extra=env)
    assert shown.returncode == 0 and "first week of February 2010" in shown.stdout
    moved = run("update", str(ids[0]), "--status", "in_progress", "--if-version", "1", env_extra=env)
    assert moved.returncode == 0 and "in_progress (version 2)" in moved.stdout
    stale = run("update", str(ids[0]), "--status", "done", "--if-version", "1", env_extra=env)
    assert stale.returncode == 1 and stale.stderr.count("\n") == 1 and "412" in stale.stderr
    viewer = run("update", str(ids[0]), "--status", "done", env_extra=env | {
        "FOLLOWUP_API_TOKEN": tokens["viewer"]})
    assert viewer.returncode == 1 and "403" in viewer.stderr and tokens["viewer"] not in viewer.stderr
    nobody = run("list", env_extra=env | {"FOLLOWUP_API_TOKEN": ""})
    assert nobody.returncode == 1 and "FOLLOWUP_API_TOKEN" in nobody.stderr


def test_token_commands(engine):
    made = run("token", "create", "--name", "ci-bot", "--role", "editor")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("fu_")
    listed = run("token", "list")
    assert "ci-bot" in listed.stdout and "editor" in listed.stdout and token not in listed.stdout
    assert run("token", "create", "--name", "x", "--role", "root").stderr.startswith("error: unknown role")
    assert run("token", "revoke", "ci-bot").returncode == 0
    assert "ci-bot" not in run("token", "list").stdout
    assert run("token", "revoke", "nobody").returncode == 1


def test_api_refuses_public_address_without_secret(engine):
    proc = run("api", "--host", "0.0.0.0", "--port", "1", env_extra={"FOLLOWUP_API_SECRET": ""})
    assert proc.returncode == 1 and "FOLLOWUP_API_SECRET" in proc.stderr and "Traceback" not in proc.stderr


def test_link_and_feed_url_commands(engine, ids):
    from config import Settings
    from config.secret import api_secret
    from models.clock import utcnow
    from models.links import verify_link

    env = {"FOLLOWUP_PUBLIC_URL": "https://followup.example"}
    out = run("link", str(ids[0]), "--action", "snooze", env_extra=env).stdout.strip()
    assert out.startswith("https://followup.example/act/")
    claim = verify_link(secret=api_secret(Settings()), token=out.rsplit("/", 1)[1], now=utcnow())
    assert (claim.item_id, claim.version, claim.action) == (ids[0], 1, "snooze")
    feed = run("token", "feed-url", "--owner", "EXBS", env_extra=env).stdout.strip()
    assert feed.startswith("https://followup.example/calendar.ics?owner=EXBS&key=")
    assert run("link", str(ids[0]), "--action", "explode").stderr.startswith("error: unknown action")
    remote_now = run("list", "--api", "http://127.0.0.1:9", "--now", "2010-01-01")
    assert remote_now.returncode == 1 and "--now cannot be used with --api" in remote_now.stderr
