"""`make bench` (API part): GET /items and PATCH throughput and latency against uvicorn.

Starts `followup api` on a free loopback port over a temporary SQLite file,
then drives it with concurrent httpx clients (threads in BENCH_API_CLIENT_PROCESSES
processes). Prints a Markdown table.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cli.up import free_port  # noqa: E402  (after the path: the repository's own module)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

ITEMS = int(os.environ.get("BENCH_API_ITEMS", "2000"))
CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "8"))
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "500"))  # per client per phase
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "2"))  # uvicorn processes
CLIENT_PROCESSES = min(CLIENTS, int(os.environ.get("BENCH_API_CLIENT_PROCESSES", "2")))


def seed(url: str) -> str:
    from models import ActionItemCreate, RecordCreate, init_db, make_engine, session_scope
    from models import records
    from models.tokens import Role, create_token

    engine = make_engine(url)
    init_db(engine)
    now = datetime(2010, 1, 1, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        records.ingest_record(session=s, record_in=RecordCreate(title="bench", text="bench"), now=now,
                            auto_accept=0.5, items_in=[
                                ActionItemCreate(title=f"item {i}", owner=f"owner {i % 20}", confidence=0.9,
                                                 due_start=date(2010, 1, 1) + timedelta(days=i % 90),
                                                 due_end=date(2010, 1, 1) + timedelta(days=i % 90))
                                for i in range(ITEMS)])
        _, token = create_token(session=s, name="bench", role=Role.editor, now=now)
    engine.dispose()
    return token


def client_process(base: str, token: str, work, clients: range, barrier, results) -> None:
    """Threads `clients` of one client process; sends back (when done, latencies)."""
    lat: list[list[float]] = [[] for _ in clients]

    def run(n: int, i: int) -> None:
        with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as c:
            c.get("/healthz")  # connect before the clock starts
            barrier.wait()
            work(c, i, lat[n])

    threads = [threading.Thread(target=run, args=(n, i)) for n, i in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((time.perf_counter(), [x for row in lat for x in row]))


def drive(base: str, token: str, work) -> tuple[float, list[float]]:
    """Run `work(client, index, latencies)` in CLIENTS threads spread over CLIENT_PROCESSES
    processes (one process's threads would queue on its GIL); (seconds, latencies)."""
    mp = multiprocessing.get_context("spawn")
    barrier, results = mp.Barrier(CLIENTS + 1), mp.Queue()
    procs = [mp.Process(target=client_process, args=(base, token, work, range(p, CLIENTS, CLIENT_PROCESSES),
                                                     barrier, results))
             for p in range(CLIENT_PROCESSES)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in every process
    done = [results.get() for _ in procs]
    for p in procs:
        p.join()
    return max(end for end, _ in done) - t0, [x for _, lat in done for x in lat]


def get_items(c: httpx.Client, i: int, lat: list[float]) -> None:
    pages = [f"/items?limit=50&offset={offset}" for offset in range(0, ITEMS, 50)]
    for n in range(REQUESTS):
        t = time.perf_counter()
        r = c.get(pages[n % len(pages)])
        lat.append(time.perf_counter() - t)
        r.raise_for_status()


def patch_items(c: httpx.Client, i: int, lat: list[float]) -> None:
    """Each client moves its own item in_progress <-> waiting, with If-Match every time.

    Bodies and the URL are made once: encoding the same JSON for every request was
    CPU the clients took from the server on the same two cores."""
    item_id, version = i + 1, 1
    url = f"/items/{item_id}"
    bodies = [json.dumps({"status": s}).encode() for s in ("in_progress", "waiting")]
    for n in range(REQUESTS):
        t = time.perf_counter()
        r = c.patch(url, content=bodies[n % 2],
                    headers={"If-Match": f'"{version}"', "Content-Type": "application/json"})
        lat.append(time.perf_counter() - t)
        r.raise_for_status()
        version += 1


def row(name: str, secs: float, lat: list[float]) -> str:
    q = statistics.quantiles(lat, n=100)
    return (f"| {name} | {CLIENTS} | {len(lat)} | {len(lat) / secs:.0f}/s | "
            f"{statistics.median(lat) * 1000:.1f} ms | {q[98] * 1000:.1f} ms |")


@contextmanager
def running_api(workers: int) -> Iterator[tuple[str, str, subprocess.Popen]]:
    """`followup api` with `workers` processes over a seeded temporary SQLite file, every
    worker started; (base URL, an editor token, the server process)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        token = seed(url)
        port = free_port()
        env = os.environ | {"FOLLOWUP_DATABASE_URL": url, "FOLLOWUP_DATA_DIR": tmp,
                            "PYTHONPATH": str(REPO)}  # this checkout's code, whatever is installed
        proc = subprocess.Popen([str(Path(sys.executable).parent / "followup"), "api", "--port", str(port),
                                 "--workers", str(workers)],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            started = 0
            while started < workers:  # every worker up: one still importing would eat a core
                line = proc.stderr.readline()
                if not line:
                    raise SystemExit("error: the API did not start")
                started += "Application startup complete" in line
            # Keep reading the access log, or uvicorn blocks once the pipe is full.
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            yield f"http://127.0.0.1:{port}", token, proc
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    with running_api(WORKERS) as (base, token, _):
        print(f"API on SQLite, {ITEMS} items, uvicorn ({WORKERS} worker processes), "
              f"clients are threads in {CLIENT_PROCESSES} other process(es)\n")
        print("| request | clients | requests | throughput | p50 | p99 |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(row("GET /items?limit=50", *drive(base, token, get_items)))
        print(row("PATCH /items/{id} (If-Match)", *drive(base, token, patch_items)))

if __name__ == "__main__":
    main()
