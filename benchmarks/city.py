"""City-scale benchmark: every row of the scale issue's table, on PostgreSQL.

    .venv/bin/python benchmarks/city.py [--runs 5] [--load-seconds 120] [--skip-load]
                                         [--skip-files] [--growth] [--only-lists]

Uses the database in CITY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jsx_city),
creating and seeding it with `seed_demo --scale city` when it is missing (about 5 minutes).
Prints a table: what was measured, median of --runs runs (min–max), SQL queries, the target.
Figures are read from the store, refreshed as the task worker would; `--growth` adds the
report's time at 20,000, 100,000 and 500,000 members (seeding two more cities).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jsx_city"
YEAR = 2025
ROWS: list[tuple[str, str, str, str]] = []  # what, measured, queries, target


def _env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-secret-key-not-for-deployment-0000"),
        "PERSONAL_DATA_KEY": os.environ.get(
            "PERSONAL_DATA_KEY", "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA="
        ),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ENV_FILE": "/dev/null",
        **extra,
    }


def _manage(url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(url, **env),
        capture_output=True,
        text=True,
        check=False,
    )


def _database_exists(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as db:
        return (
            db.execute("select 1 from pg_database where datname=%s", [name]).fetchone() is not None
        )


def ensure_city(url: str, members: int | None = None) -> None:
    """Create and seed the city database unless it is there already."""
    import psycopg

    if _database_exists(url):
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    print(f"Seeding {name} (a city{f' of {members:,} members' if members else ''}) …", flush=True)
    extra = {"CITY_MEMBERS": str(members)} if members else {}
    for args in (("migrate", "-v0"), ("seed_demo", "--scale", "city")):
        done = _manage(url, *args, **extra)
        if done.returncode:
            sys.exit(done.stdout + done.stderr)
    print(done.stdout.strip().splitlines()[-1], flush=True)


def measure(label: str, target: str, fn: Callable[[], object], runs: int) -> list[float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm: caches, the first connection, the font
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    ROWS.append((label, _seconds(times), str(queries), target))
    print(f"{label}: {_seconds(times)} ({queries} queries)", flush=True)
    return times


def _seconds(times: list[float]) -> str:
    median = statistics.median(times)
    unit = (lambda t: f"{t * 1000:.0f} ms") if median < 1 else (lambda t: f"{t:.2f} s")
    return f"{unit(median)} ({unit(min(times))}–{unit(max(times))})"


def in_process(runs: int) -> None:
    """The annual report, the tables, the dashboards and the lists, in this process."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from associations.demo_city import CITY_CODE
    from associations.models import Association, User
    from reports.catalog.store import work_off
    from reports.management.commands.annual_report import render_json

    work_off()  # what the worker has done after the last writes
    city = Association.objects.get(code=CITY_CODE)
    county = Association.objects.get(code="339907")
    town = Association.objects.get(code="339907101")

    for scope, name in ((city, "city"), (county, "county"), (town, "town")):
        times = measure(
            f"annual report, all indicators (JSON) — {name}",
            "≤ 1 s",
            lambda scope=scope: render_json(scope, YEAR),
            runs,
        )
        if scope is city:
            report = statistics.median(times)

    def bare_group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "select association_id, count(*) from members_member group by association_id"
            )
            cursor.fetchall()

    bare = statistics.median(
        measure("bare GROUP BY over the members table", "—", bare_group_by, runs)
    )
    ROWS.append(("city report ÷ bare GROUP BY", f"{report / bare:.2f}×", "", "≤ 1.5×"))

    secretary = User.objects.get(username="shi_mishu")
    client = Client()
    client.force_login(secretary)
    params = {"scope": city.pk, "year": YEAR, "layout": "children"}
    for name, target in (("tables", "≤ 1 s"), ("tables_xlsx", "≤ 1.5 s"), ("tables_pdf", "≤ 5 s")):
        measure(
            f"city tables by children — {name.removeprefix('tables_') if '_' in name else 'HTML'}",
            target,
            lambda name=name: _ok(client.get(reverse(f"reports:{name}"), params)),
            runs if name != "tables_pdf" else max(3, runs // 2),
        )
    for scope, name in ((city, "city"), (county, "county"), (town, "town")):
        measure(
            f"dashboard — {name}",
            "≤ 300 ms",
            lambda scope=scope: _ok(
                client.get(reverse("reports:dashboard", args=[scope.pk]), {"year": YEAR})
            ),
            runs,
        )


def _ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.request['PATH_INFO']}: HTTP {response.status_code}")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def lists(runs: int) -> None:
    """The staff lists against the Django admin's changelists, the same searches: members,
    households and events of the city."""
    from django.test import Client

    from activities.models import Event
    from associations.demo_city import CITY_CODE
    from associations.models import Association, User
    from members.models import Household, Member

    city = Association.objects.get(code=CITY_CODE)
    village = Association.objects.filter(path__startswith=city.path, level="village").first()
    name = Member.objects.filter(association=village).values_list("name", flat=True).first()
    head = Household.objects.filter(association=village).values_list("head_name", flat=True)[0]
    admin, _created = User.objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True, "role": "admin"}
    )
    staff = User.objects.get(username="shi_mishu")
    staff_client, admin_client = Client(), Client()
    staff_client.force_login(staff)
    admin_client.force_login(admin)
    in_village = ({"scope": village.pk}, {"association__id__exact": village.pk})
    members = [
        ("page 1", {}, {}),
        ("page 200", {"page": 200}, {"p": 199}),
        ("name", {"q": name}, {"q": name}),
        (
            "name + village",
            {"q": name, "scope": village.pk},
            {"q": name, "association__id__exact": village.pk},
        ),
        ("status left", {"status": "left"}, {"status__exact": "left"}),
        ("village", *in_village),
    ]
    households = [
        ("page 1", {}, {}),
        ("page 200", {"page": 200}, {"p": 199}),
        ("head's name", {"q": head}, {"q": head}),
        ("village", *in_village),
    ]
    events = [
        ("page 1", {}, {}),
        ("page 200", {"page": 200}, {"p": 199}),
        ("year", {"year": YEAR}, {"started_on__year": YEAR}),
        ("village", *in_village),
    ]
    assert Event.objects.exists()
    for what, staff_url, admin_url, cases in (
        ("member list", "/members/", "/admin/members/member/", members),
        ("household list", "/members/households/", "/admin/members/household/", households),
        ("event list", "/activities/events/", "/admin/activities/event/", events),
    ):
        for label, staff_params, admin_params in cases:
            staff_times = measure(
                f"{what} (staff) — {label}",
                "≥ 5× faster than the admin",
                lambda u=staff_url, p=staff_params: _ok(staff_client.get(u, p)),
                runs,
            )
            admin_times = measure(
                f"{what} (admin changelist) — {label}",
                "—",
                lambda u=admin_url, p=admin_params: _ok(admin_client.get(u, p)),
                runs,
            )
            ratio = statistics.median(admin_times) / statistics.median(staff_times)
            ROWS.append((f"{what}: admin ÷ staff — {label}", f"{ratio:.1f}×", "", "≥ 5×"))


def files(url: str) -> None:
    """The full export and the 100,000-member import, as the task worker runs them."""
    output = Path(tempfile.mkdtemp()) / "members.xlsx"
    started = time.perf_counter()
    done = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            sys.executable,
            "manage.py",
            "export_records",
            "members",
            "--scope",
            "339900",
            "-o",
            str(output),
        ],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    ROWS.append(
        ("export of all members (xlsx)", f"{elapsed:.1f} s, {peak:.0f} MB", "", "≤ 60 s, ≤ 300 MB")
    )
    print(ROWS[-1], flush=True)
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/import_members.py",
            "--rows",
            "100000",
            "--scope",
            "339907101",
        ],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout, done.stderr[-2000:], flush=True)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            ROWS.append(("import of 100,000 members into a town", line[7:], "", "≤ 60 s, ≤ 1 GB"))


def load(url: str, seconds: int) -> None:
    """20 clients at once against gunicorn with 4 workers: mixed, all city, all town."""
    port = "8765"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(url),
        start_new_session=True,
    )
    try:
        time.sleep(4)
        for mix in ("mixed", "city", "town"):
            stats = Path(tempfile.mkdtemp()) / "load"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    "benchmarks/load/locustfile.py",
                    "--headless",
                    "-u",
                    "20",
                    "-r",
                    "10",
                    "-t",
                    f"{seconds}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(stats),
                    "--only-summary",
                ],
                cwd=ROOT,
                env=_env(url, LOAD_MIX=mix, LOAD_TASKS="dashboard"),
                capture_output=True,
                text=True,
                check=False,
            )
            ROWS.append(
                (
                    f"20 clients, {seconds} s, dashboards — {mix}",
                    *_locust_summary(stats),
                    "p95 ≤ 300 ms, 0 errors",
                )
            )
            print(ROWS[-1], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _locust_summary(stats: Path) -> tuple[str, str]:
    import csv

    with open(f"{stats}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return (
        f"p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s",
        f"{total['Request Count']} requests, {total['Failure Count']} errors",
    )


def growth(runs: int) -> None:
    """The report's time at 20,000, 100,000 and 500,000 members: stored and live."""
    for members, url in (
        (20_000, "jsx_city_20k"),
        (100_000, "jsx_city_100k"),
        (500_000, "jsx_city"),
    ):
        full = DEFAULT_URL.rsplit("/", 1)[0] + "/" + url
        ensure_city(full, None if members == 500_000 else members)
        done = subprocess.run(
            [sys.executable, "benchmarks/city.py", "--only-report", "--runs", str(runs)],
            cwd=ROOT,
            env={**_env(full), "CITY_DATABASE_URL": full},
            capture_output=True,
            text=True,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.startswith("GROWTH "):
                ROWS.append((f"city report at {members:,} members", line[7:], "", "flat"))
                print(ROWS[-1], flush=True)


def only_report(runs: int) -> None:
    from associations.demo_city import CITY_CODE
    from associations.models import Association
    from reports.catalog import evaluate
    from reports.catalog.engine import evaluate_live
    from reports.catalog.store import work_off

    work_off()
    city = Association.objects.get(code=CITY_CODE)
    stored = measure("stored", "", lambda: evaluate(city, YEAR), runs)
    live = measure("live", "", lambda: evaluate_live(city, YEAR), max(2, runs // 2))
    print(f"GROWTH stored {_seconds(stored)}; computed live {_seconds(live)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=int, default=120)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--growth", action="store_true")
    parser.add_argument("--only-report", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only-lists", action="store_true", help="only the staff lists")
    args = parser.parse_args()
    url = os.environ.get("CITY_DATABASE_URL", DEFAULT_URL)
    if not args.only_report:
        ensure_city(url)
        _manage(url, "collectstatic", "--noinput", "-v0")  # pages render with DEBUG off
    os.environ.update(_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    if args.only_report:
        only_report(args.runs)
        return
    if not args.only_lists:
        in_process(args.runs)
    lists(args.runs)
    if not args.skip_files and not args.only_lists:
        files(url)
    if not args.skip_load and not args.only_lists:
        load(url, args.load_seconds)
    if args.growth:
        growth(args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    database = url.rsplit("/", 1)[1]
    print(f"\nCity benchmark ({database}, year {YEAR}; this process peaked at {peak:.0f} MB)\n")
    width = max(len(row[0]) for row in ROWS)
    print(f"{'what':<{width}}  {'measured':<34} {'queries':>7}  target")
    for what, measured, queries, target in ROWS:
        print(f"{what:<{width}}  {measured:<34} {queries:>7}  {target}")


if __name__ == "__main__":
    main()
