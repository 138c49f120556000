"""End to end: `followup up` (a real `prefect server start` and `serve`) used as a new user would.

One stack for the module: ingest from "another terminal", run the sweep
deployment, read its state, the `action-items` artifact and the events back
through the Prefect API, look at the UI in headless Chromium, then stop it and
check that no process it started is left.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from cli.up import free_port

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "FOLLOWUP_"))}
    return env | {"FOLLOWUP_DATA_DIR": str(data_dir), "PREFECT_HOME": str(data_dir / "client-home"),
                  "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                  "COLUMNS": "200"}


def _ours(marker: str) -> list[int]:
    """Pids of live processes whose environment holds `marker` (our data directory)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


class Stack:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.api = f"http://127.0.0.1:{port}/api"
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.proc = subprocess.Popen([str(BIN / "followup"), "up", "--port", str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=_env(data_dir), cwd=data_dir.parent)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{text!r} not printed; got {''.join(self.out)}") from None
            self.out.append(line)
            if text in line:
                return

    def post(self, path: str, body: dict) -> list | dict:
        r = httpx.post(f"{self.api}{path}", json=body, timeout=30)
        r.raise_for_status()
        return r.json()

    def followup(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "followup"), *args], capture_output=True, text=True,
                              env=_env(self.data_dir), timeout=300, cwd=self.data_dir.parent)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("stack") / "data"
    s = Stack(data_dir, free_port())
    try:
        s.wait_for("Prefect UI:")
        yield s
    finally:
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGTERM)
            s.proc.wait(120)
        s.reader.join(30)
        s.proc.stdout.close()


def _wait_run(stack: Stack, run_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = httpx.get(f"{stack.api}/flow_runs/{run_id}", timeout=30).json()
        if run["state_type"] in TERMINAL or time.monotonic() > deadline:
            return run
        threading.Event().wait(0.5)


def _events(stack: Stack, name: str, want: int = 1, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        got = stack.post("/events/filter", {"filter": {"event": {"name": [name]},
                                                       "occurred": {"since": "2000-01-01T00:00:00Z"}},
                                            "limit": 50})["events"]
        if len(got) >= want or time.monotonic() > deadline:
            return got
        threading.Event().wait(0.5)


def test_ingest_from_another_terminal_then_the_sweep_deployment(stack, seeds):
    again = stack.followup("up", "--port", str(free_port()))
    assert again.returncode == 1 and "already running" in again.stderr, again.stderr
    assert "Traceback" not in again.stderr

    ingest = stack.followup("ingest", str(seeds / "002_e34cec0141987b43.txt"), "--now", "2009-10-10T10:00")
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    runs = stack.post("/flow_runs/filter", {"flows": {"name": {"any_": ["ingest"]}}})
    assert [r["state_type"] for r in runs] == ["COMPLETED"]  # it reported to this server

    [dep] = stack.post("/deployments/filter", {"deployments": {"name": {"any_": ["sweep"]}}})
    assert dep["schedules"][0]["schedule"]["cron"] == "0 * * * *"
    # The scheduler really makes runs from it (SQLAlchemy 2.1 silently stops that).
    deadline = time.monotonic() + 120
    while not stack.post("/flow_runs/filter", {"deployments": {"id": {"any_": [dep["id"]]}},
                                               "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}):
        assert time.monotonic() < deadline, "no scheduled sweep runs"
        threading.Event().wait(0.5)
    run = stack.post(f"/deployments/{dep['id']}/create_flow_run",
                     {"parameters": {"now": "2010-02-01T09:00:00+00:00"}})
    done = _wait_run(stack, run["id"])
    assert done["state_type"] == "COMPLETED", done["state"]

    [table] = stack.post("/artifacts/latest/filter", {"artifacts": {"key": {"any_": ["action-items"]}}})
    assert table["flow_run_id"] == run["id"] and "Program Review" in table["data"]
    [report] = stack.post("/artifacts/latest/filter", {"artifacts": {"key": {"any_": ["ingest-report"]}}})
    assert "MOU" in report["data"]

    created = _events(stack, "followup.action-item.created", want=5)
    assert len(created) >= 5
    assert all(e["resource"]["prefect.resource.id"].startswith("followup.action-item.") for e in created)
    reminded = _events(stack, "followup.action-item.reminded")
    assert any(r["prefect.resource.id"] == f"prefect.flow-run.{run['id']}"
               for e in reminded for r in e["related"])


def test_a_status_change_triggers_the_notify_deployment(stack):
    listed = stack.followup("list", "--status", "open", "--format", "json")
    item_id = json.loads(listed.stdout)[0]["id"]
    changed = stack.followup("update", str(item_id), "--status", "in_progress", "--now", "2010-02-01T09:00")
    assert changed.returncode == 0, changed.stderr[-2000:]
    deadline = time.monotonic() + 120
    while True:
        runs = stack.post("/flow_runs/filter", {"flows": {"name": {"any_": ["notify"]}}})
        if any(r["state_type"] == "COMPLETED" for r in runs) or time.monotonic() > deadline:
            break
        threading.Event().wait(0.5)
    assert [r["parameters"] for r in runs if r["state_type"] == "COMPLETED"] == [
        {"item": f"followup.action-item.{item_id}"}]


def test_the_ui_shows_the_action_items_in_chromium(stack, tmp_path):
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    [art] = stack.post("/artifacts/latest/filter", {"artifacts": {"key": {"any_": ["action-items"]}}})
    url = f"http://127.0.0.1:{stack.port}/artifacts/artifact/{art['latest_id']}"
    shot = stack.data_dir.parent / "action-items.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="networkidle", timeout=90_000)
            page.get_by_text("Program Review").first.wait_for(timeout=60_000)
            body = page.inner_text("body")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert "Program Review" in body and "MOU" in body
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("FOLLOWUP_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)


def test_sigterm_stops_everything_it_started(stack):
    marker = f"FOLLOWUP_DATA_DIR={stack.data_dir}"
    assert len(_ours(marker)) >= 3  # up, the Prefect server, the deployments
    stack.proc.send_signal(signal.SIGTERM)
    assert stack.proc.wait(120) == 0
    stack.wait_for("stopped prefect-server", timeout=10)
    assert _ours(marker) == []
    assert not (stack.data_dir / "logs" / "prefect-server.log").read_text().count("Traceback")


def test_up_on_a_busy_port_says_which_flag_to_change(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([str(BIN / "followup"), "up", "--port", str(port)], capture_output=True,
                              text=True, env=_env(tmp_path / "data"), timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == f"error: port {port} on 127.0.0.1 is in use; pass --port with a free port\n"
    assert not (tmp_path / "data" / "logs").exists()  # nothing was started
