"""The scale-out path the README documents: `prefect deploy --all` from prefect.yaml, then a worker.

With FOLLOWUP_TEST_DATABASE_URL set it runs a second time with the Prefect server and our
database both on PostgreSQL (PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://...).

A real `prefect server start` on a free loopback port with its own PREFECT_HOME;
every process the test starts is stopped at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from cli.up import free_port
from conftest import _backends

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _on_postgres(request, env: dict) -> None:
    """Prefect's own database and ours on PostgreSQL, as a production install has them."""
    from conftest import _admin, _fresh_postgres

    ours = _fresh_postgres(request.getfixturevalue("postgres_url"))
    name = f"prefect_run{os.getpid()}"
    _admin(ours, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(ours, f'CREATE DATABASE "{name}"')
    request.addfinalizer(lambda: _admin(ours, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    base = make_url(ours)
    env["FOLLOWUP_DATABASE_URL"] = ours
    env["PREFECT_API_DATABASE_CONNECTION_URL"] = base.set(
        drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


@pytest.fixture(params=_backends())
def server(request, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FOLLOWUP_"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1", "FOLLOWUP_DATA_DIR": str(tmp_path / "data"),
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    if request.param == "postgresql":
        _on_postgres(request, env)
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            threading.Event().wait(0.3)
        yield env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _prefect(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(BIN / "prefect"), *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=timeout)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc


def test_deploy_all_then_a_worker_runs_the_sweep(server, seeds):
    api = server["PREFECT_API_URL"]
    _prefect(server, "work-pool", "create", "followup", "--type", "process")
    _prefect(server | {"PWD": str(REPO)}, "--no-prompt", "deploy", "--all")  # as a shell in REPO would
    deps = httpx.post(f"{api}/deployments/filter", json={}, timeout=30).json()
    by_name = {d["name"]: d for d in deps}
    assert set(by_name) == {"ingest", "sweep", "dispatch", "digest", "dashboard", "notify"}
    assert all(d["work_pool_name"] == "followup" for d in deps)
    assert by_name["dispatch"]["global_concurrency_limit"]["limit"] == 1
    assert by_name["digest"]["schedules"][0]["schedule"]["cron"] == "0 8 * * 1"

    # Something to remind about, stored by the CLI on the same database the worker uses.
    ingest = subprocess.run([str(BIN / "followup"), "ingest", str(seeds / "002_e34cec0141987b43.txt"),
                             "--now", "2009-10-10T10:00"], capture_output=True, text=True,
                            env=server, timeout=300)
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    run = httpx.post(f"{api}/deployments/{by_name['sweep']['id']}/create_flow_run",
                     json={"parameters": {"now": "2010-02-01T09:00:00+00:00"}}, timeout=30).json()
    _prefect(server, "worker", "start", "--pool", "followup", "--run-once")
    final = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=30).json()
    assert final["state_type"] == "COMPLETED", final["state"]
    # This run's own: the worker may also pick up a scheduled dashboard run, which publishes
    # the same key, so "the latest action-items" depends on the clock.
    [table] = httpx.post(f"{api}/artifacts/filter", json={"artifacts": {
        "key": {"any_": ["action-items"]}, "flow_run_id": {"any_": [run["id"]]}}}, timeout=30).json()
    assert table["flow_run_id"] == run["id"] and "Program Review" in table["data"]
