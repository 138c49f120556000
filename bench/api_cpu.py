"""Server CPU per request: what the API costs, measured where wall-clock throughput is noisy.

Starts `followup api` (BENCH_API_WORKERS, default 1) over a temporary SQLite file
with bench/api.py's items, sends BENCH_CPU_REQUESTS PATCHes (then a fifth as many
GET /items pages) from one httpx client, one at a time, and reads the user and
system CPU time of the server's processes from /proc before and after. Other
work on the machine slows the requests down but hardly changes their CPU, so
two versions of the code can be compared on a busy machine (Linux only).
`python bench/api_cpu.py`; run it from the checkout whose code you want measured.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.api import ITEMS, running_api  # noqa: E402  (after the path: the repository's own module)

REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", "2000"))
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "1"))


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of `pids` (fields 14 and 15 of /proc/PID/stat)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(proc: subprocess.Popen) -> list[int]:
    """The process that serves: uvicorn itself, or with --workers its worker children."""
    if WORKERS == 1:
        return [proc.pid]
    out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def per_request(pids: list[int], n: int, send) -> float:
    """Milliseconds of server CPU per request over `n` calls of `send(i)`."""
    before = cpu_seconds(pids)
    for i in range(n):
        send(i)
    return (cpu_seconds(pids) - before) * 1000 / n


def main() -> None:
    with running_api(WORKERS) as (base, token, proc):
        pids = server_pids(proc)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bodies = [b'{"status": "in_progress"}', b'{"status": "waiting"}']
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            version = 1

            def patch(i: int) -> None:
                nonlocal version
                c.patch("/items/1", content=bodies[i % 2],
                        headers={"If-Match": f'"{version}"'}).raise_for_status()
                version += 1

            def page(i: int) -> None:
                c.get(f"/items?limit=50&offset={i * 50 % ITEMS}").raise_for_status()

            per_request(pids, 200, patch)  # warm: imports, caches, the token
            patched = per_request(pids, REQUESTS, patch)
            paged = per_request(pids, max(1, REQUESTS // 5), page)
        print(f"server CPU per request ({WORKERS} worker(s), one client at a time, {REPO.name}): "
              f"PATCH {patched:.2f} ms, GET /items?limit=50 {paged:.2f} ms")

if __name__ == "__main__":
    main()
