"""`followup list` process wall and CPU time (issues 4 and 7), two builds side by side.

    .venv/bin/python bench/list_wall.py [OTHER_FOLLOWUP] [--runs N]

Times this checkout's `followup` and, if given, another one (for example
/work/main/.venv/bin/followup) alternately, best of N, on the same databases:
bench/run.py's items (10,000 and 20,000 on SQLite) and bench/scale.py's 100,000
(SQLite, and PostgreSQL in a database of its own beside FOLLOWUP_BENCH_POSTGRES_URL's,
dropped at the end). Both must print the same. A shared machine makes wall time
noisy: CPU time (user + system of the process) is printed beside it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench_run  # noqa: E402  (bench/run.py)
import scale  # noqa: E402  (bench/scale.py)

OVERDUE = ["list", "--overdue", "--count", "--now", scale.NOW]
PG_URL = scale.PG_URL + "_listwall"  # a database of its own on the bench server
PG_NAME = PG_URL.rsplit("/", 1)[1]


def timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, out


def databases(tmp: Path) -> list[tuple[str, str]]:
    """(name, url) of each database, filled."""
    dbs = []
    for n in (10_000, 20_000):
        url = f"sqlite:///{tmp / f'items{n}.db'}"
        bench_run.seed_items(url, n)
        dbs.append((f"SQLite {n:,}", url))
    export = tmp / "tasks.json"
    scale.taskwarrior_export(export, 100_000)
    if admin(f'DROP DATABASE IF EXISTS "{PG_NAME}"') and admin(f'CREATE DATABASE "{PG_NAME}"'):
        dbs.append(("PostgreSQL 100,000", PG_URL))
    dbs.append(("SQLite 100,000", f"sqlite:///{tmp / 'items100000.db'}"))
    for name, url in dbs[2:]:
        scale.wall([scale.FOLLOWUP, "import", str(export), "--from", "taskwarrior"],
                   scale.ENV | {"FOLLOWUP_DATABASE_URL": url})
    return dbs


def admin(sql: str) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(scale.PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def main() -> None:
    args = sys.argv[1:]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 7
    builds = {"this": scale.FOLLOWUP}
    if args and not args[0].startswith("--"):
        builds["other"] = args[0]
    cases = {"SQLite 10,000": [["list"], ["list", "--count"], OVERDUE],
             "SQLite 20,000": [["list"], ["list", "--limit", "50"]],
             "SQLite 100,000": [OVERDUE], "PostgreSQL 100,000": [OVERDUE]}
    tmp = Path(tempfile.mkdtemp(prefix="followup-listwall-"))
    dbs = databases(tmp)
    print(f"this: {builds['this']}; other: {builds.get('other', '-')}; "
          f"load average before: {os.getloadavg()[0]:.1f}\n")
    print("| `followup ...` | items | " + " | ".join(f"{b}: wall / CPU" for b in builds) + " |")
    print("| --- | --- |" + " --- |" * len(builds))
    for name, url in dbs:
        env = scale.ENV | {"FOLLOWUP_DATABASE_URL": url}
        for argv in cases[name]:
            outs = {b: timed([cmd, *argv], env)[2] for b, cmd in builds.items()}  # also warms the cache
            assert len(set(outs.values())) == 1, f"{name} {argv}: the builds print differently"
            best = {b: (float("inf"), float("inf")) for b in builds}
            for _ in range(runs):
                for b, cmd in builds.items():
                    wall, cpu, _ = timed([cmd, *argv], env)
                    best[b] = (min(best[b][0], wall), min(best[b][1], cpu))
            cells = " | ".join(f"{w:.2f} s / {c:.2f} s" for w, c in best.values())
            print(f"| `{' '.join(argv[:3] if argv is OVERDUE else argv)}` | {name} | {cells} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if any(name.startswith("PostgreSQL") for name, _ in dbs):
        admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
