"""`followup up`: the whole local stack in the foreground, stopped cleanly on Ctrl-C or SIGTERM.

Children run in their own process groups so that Ctrl-C reaches only us and we
stop them in order: deployments first (no new runs), then the API, then the
Prefect server they report to.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows import NO_TELEMETRY
from models import InvalidInput

STARTUP_TIMEOUT = 180.0  # a fresh Prefect database migrates for ~10 s; 2 busy cores, more
STOP_TIMEOUT = 20.0


class AlreadyRunning(InvalidInput):
    """A second `followup up` on the same data directory."""


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log: Path
    health: str


@dataclass
class Stack:
    data_dir: Path
    children: list[Child] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)


def lock_path(data_dir: Path) -> Path:
    return data_dir / "up.lock"


def running_state(data_dir: Path) -> dict | None:
    """What a running `followup up` on this data directory wrote, or None if none runs."""
    path = lock_path(data_dir)
    if not path.is_file():
        return None
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            try:
                return json.loads(fh.read() or "{}")
            except json.JSONDecodeError:
                return {}
        fcntl.flock(fh, fcntl.LOCK_UN)
    return None


def use_running_stack(data_dir: Path) -> None:
    """Point Prefect at a running `followup up` unless PREFECT_API_URL says otherwise."""
    if os.environ.get("PREFECT_API_URL"):
        return
    state = running_state(data_dir)
    if state and state.get("prefect_api"):
        os.environ["PREFECT_API_URL"] = state["prefect_api"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_port(port: int, flag: str) -> int:
    with socket.socket() as s:
        # As the servers do: a port left in TIME_WAIT by the last `up` is free to use.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise InvalidInput(f"port {port} on 127.0.0.1 is in use; pass {flag} with a free port") from None
    return port


def _start(stack: Stack, name: str, argv: list[str], env: dict, health: str) -> Child:
    logs = stack.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
    child = Child(name, proc, log, health)
    stack.children.append(child)
    return child


def _wait_healthy(stack: Stack, child: Child, timeout: float = STARTUP_TIMEOUT) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while not stack.stopping.is_set():
            if child.proc.poll() is not None:
                raise InvalidInput(f"{child.name} exited with status {child.proc.returncode} while "
                                   f"starting; see {child.log}")
            try:
                if client.get(child.health).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise InvalidInput(f"{child.name} did not answer {child.health} within "
                                   f"{timeout:.0f} s; see {child.log}")
            stack.stopping.wait(0.3)
    raise KeyboardInterrupt


def stop_all(stack: Stack) -> None:
    """Stop children newest first: SIGTERM to each group, then SIGKILL what lingers."""
    for child in reversed(stack.children):
        if child.proc.poll() is None:
            try:
                os.killpg(child.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                child.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(child.proc.pid, signal.SIGKILL)
                child.proc.wait()
        # The group may hold grandchildren (flow runs) that outlived their parent.
        try:
            os.killpg(child.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        print(f"stopped {child.name}", flush=True)


def _hold_lock(data_dir: Path):
    """Take the data directory's up.lock for as long as this process runs the stack; the
    one check for a `followup up` already running (the lock is the truth, not the file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = open(lock_path(data_dir), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        state = running_state(data_dir) or {}
        raise AlreadyRunning(f"followup up is already running (pid {state.get('pid', '?')}), UI at "
                             f"{state.get('ui', '?')}; stop it with Ctrl-C there first") from None
    # Our pid at once (the URLs once everything answers): what a killed `up` left is gone.
    _write_state(lock, {"pid": os.getpid()})
    return lock


def _write_state(lock, state: dict | None) -> None:
    lock.seek(0)
    lock.truncate()
    if state:
        lock.write(json.dumps(state))
    lock.flush()


def run_stack(*, data_dir: Path, port: int, api_port: int | None, exe_dir: Path) -> int:
    """Run the stack until Ctrl-C or SIGTERM; `api_port` None: a free one. Its exit status."""
    lock = _hold_lock(data_dir)  # before the ports: a running stack holds them too
    try:
        check_port(port, "--port")
        api_port = check_port(api_port, "--api-port") if api_port else free_port()
    except InvalidInput:
        _write_state(lock, None)
        lock.close()
        raise
    stack = Stack(data_dir)
    ui = f"http://127.0.0.1:{port}"
    prefect_api = f"{ui}/api"
    env = os.environ | NO_TELEMETRY | {
        "PREFECT_HOME": str(data_dir / "prefect"), "PREFECT_API_URL": prefect_api,
        "PREFECT_UI_API_URL": prefect_api, "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port), "PREFECT_UI_ENABLED": "true"}
    old_term = signal.signal(signal.SIGTERM, lambda *_: stack.stopping.set())
    old_int = signal.signal(signal.SIGINT, lambda *_: stack.stopping.set())
    try:
        server = _start(stack, "prefect-server", [str(exe_dir / "prefect"), "server", "start",
                        "--host", "127.0.0.1", "--port", str(port)], env, f"{prefect_api}/health")
        print(f"starting the Prefect server on {ui} (log: {server.log})", flush=True)
        _wait_healthy(stack, server)
        api_url = f"http://127.0.0.1:{api_port}"
        api = _start(stack, "api", [str(exe_dir / "followup"), "api", "--host", "127.0.0.1",
                     "--port", str(api_port)], env, f"{api_url}/healthz")
        _wait_healthy(stack, api)
        docs = f"{api_url}/docs"
        env["FOLLOWUP_API_URL"] = api_url
        # The base of one-click links in the notices the deployments send (issue 6).
        env.setdefault("FOLLOWUP_PUBLIC_URL", api_url)
        runner_port = free_port()
        serve_env = env | {"PREFECT_RUNNER_SERVER_ENABLE": "true",
                           "PREFECT_RUNNER_SERVER_HOST": "127.0.0.1",
                           "PREFECT_RUNNER_SERVER_PORT": str(runner_port)}
        served = _start(stack, "deployments", [sys.executable, "-m", "flows.serve"], serve_env,
                        f"http://127.0.0.1:{runner_port}/health")
        _wait_healthy(stack, served)
        _write_state(lock, {"pid": os.getpid(), "ui": ui, "prefect_api": prefect_api, "docs": docs})
        print(f"Prefect UI:   {ui}", flush=True)
        print(f"API docs:     {docs}", flush=True)
        print(f"deployments:  ingest, sweep (hourly), dispatch (every minute), digest (Mon 08:00), "
              f"dashboard, notify (on status change); logs in {data_dir / 'logs'}", flush=True)
        print(f"Other followup commands on this data directory now report here; elsewhere "
              f"export PREFECT_API_URL={prefect_api}. Ctrl-C stops everything.", flush=True)
        while not stack.stopping.wait(1.0):
            dead = [c for c in stack.children if c.proc.poll() is not None]
            if dead:
                print(f"error: {dead[0].name} exited with status {dead[0].proc.returncode}; "
                      f"see {dead[0].log}; stopping the rest", file=sys.stderr, flush=True)
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all(stack)
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)
        _write_state(lock, None)
        lock.close()


def register(app: typer.Typer) -> None:
    @app.command(epilog="Example: followup up --port 4200   (then open http://127.0.0.1:4200)")
    def up(port: Annotated[int, typer.Option(help="Prefect server and UI port.")] = 4200,
           api_port: Annotated[Optional[int], typer.Option(
               help="HTTP API port; default: a free one.")] = None) -> None:
        """Start the Prefect server, the HTTP API and every deployment; Ctrl-C stops them all."""
        from flows.deps import get_settings

        raise typer.Exit(run_stack(data_dir=get_settings().data_dir, port=port, api_port=api_port,
                                   exe_dir=Path(sys.executable).parent))
