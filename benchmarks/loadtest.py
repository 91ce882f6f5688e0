"""Load and lost writes: 20 staff reading and writing at once against gunicorn + PostgreSQL.

    .venv/bin/python benchmarks/loadtest.py [--users 20] [--seconds 300] [--short]

Makes a fresh PostgreSQL database with the demo district, starts gunicorn (4 workers) and the
task worker on 127.0.0.1, runs locust headless (benchmarks/load/locustfile.py, LOAD_MIX=district,
LOAD_TASKS=work), then prints p50/p95/p99 per page, the server errors (5xx) and the writes the
server acknowledged against the rows present. Exits non-zero on any server error or lost write.
Users arrive two a second (a login hashes its password on purpose slowly). `--short` (CI):
20 users for 60 seconds on a demo at a tenth of its size.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
PORT = "8766"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--short", action="store_true")
    args = parser.parse_args()
    seconds, scale = (60, "0.1") if args.short else (args.seconds, "1")

    import psycopg

    name = f"jsx_load_{uuid.uuid4().hex[:8]}"
    url = f"{SERVER}/{name}"
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    writes = work / "writes.txt"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": "loadtest-secret-key-not-for-any-deployment-000000",
        "PERSONAL_DATA_KEY": "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA=",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ENV_FILE": "/dev/null",
        "PRIVATE_FILES_DIR": str(work / "private"),
        "CACHE_URL": f"filecache://{work / 'cache'}",
        "LOAD_MIX": "district",
        "LOAD_TASKS": "work",
        "LOAD_WRITES": str(writes),
    }
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    processes: list[subprocess.Popen] = []
    try:
        for command in (
            ["migrate", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["seed_demo", "--scale", scale],
            ["refresh_figures"],  # a running system's worker has caught up with its data
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        processes.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "4"),
                    *("--timeout", "60", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"),
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        time.sleep(4)
        stats = work / "locust"
        subprocess.run(
            [
                *(sys.executable, "-m", "locust", "-f", "benchmarks/load/locustfile.py"),
                *("--headless", "-u", str(args.users), "-r", "2", "-t", f"{seconds}s"),
                *("--host", f"http://127.0.0.1:{PORT}", "--csv", str(stats), "--only-summary"),
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        return report(stats, writes, url, args.users, seconds)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(stats: Path, writes: Path, url: str, users: int, seconds: int) -> int:
    import psycopg

    with open(f"{stats}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    server_errors = 0
    with open(f"{stats}_failures.csv", encoding="utf-8") as handle:
        for failure in csv.DictReader(handle):
            if "HTTPError('5" in failure["Error"] or "500" in failure["Error"]:
                server_errors += int(failure["Occurrences"])
    acknowledged = writes.read_text(encoding="utf-8").split() if writes.exists() else []
    with psycopg.connect(url) as db:
        present = db.execute(
            "select count(*) from activities_event where title = any(%s)", [acknowledged]
        ).fetchone()[0]
    print(f"\nLoad test: {users} users for {seconds} s (gunicorn, 4 workers, PostgreSQL)\n")
    print(f"{'page':<16} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(
            f"{row['Name']:<16} {row['Request Count']:>9} {row['Failure Count']:>9} "
            f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )
    lost = len(acknowledged) - present
    print(
        f"\nserver errors: {server_errors}; writes acknowledged {len(acknowledged)}, present "
        f"{present}, lost {lost}"
    )
    if not acknowledged:
        print("no write was acknowledged: the load test no longer writes")
    return 1 if server_errors or lost or not acknowledged else 0


if __name__ == "__main__":
    sys.exit(main())
