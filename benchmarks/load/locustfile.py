"""Staff at work, for locust (see benchmarks/city.py and benchmarks/loadtest.py).

LOAD_MIX chooses who works: "mixed" (city, county and town accounts), "city", "town", or
"district" (the demo district's accounts, for the load-and-faults run). LOAD_TASKS chooses
what they do: "dashboard" (only dashboards, for the scale table) or "work" (reading pages
and writing records: members registered, events recorded — every acknowledged write is
appended to LOAD_WRITES so the runner can check none was lost).
"""

from __future__ import annotations

import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = "demo-2026"
ACCOUNTS = {
    "city": ["shi_mishu", "shi_lingdao"],
    "county": ["yiwu_mishu", "yiwu_lingdao", "wucheng_mishu"],
    "town": ["yiwu1_mishu", "yiwu1_luru", "dongyang3_mishu"],
    "district": ["qu_mishu", "qu_luru", "xiaoshun_mishu", "xiaoshun_luru", "caozhai_mishu"],
}
MIX = os.environ.get("LOAD_MIX", "mixed")
TASKS = os.environ.get("LOAD_TASKS", "dashboard")
WRITES = os.environ.get("LOAD_WRITES", "")
YEAR = os.environ.get("LOAD_YEAR", "2025")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _accounts() -> list[str]:
    if MIX == "mixed":
        return ACCOUNTS["city"] + ACCOUNTS["county"] + ACCOUNTS["town"]
    return ACCOUNTS[MIX]


class Staff(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.username = random.choice(_accounts())
        page = self.client.get("/login/", name="login page")
        token = _CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
        )

    @task(4)
    def dashboard(self) -> None:
        self.client.get(f"/reports/dashboard/?year={YEAR}", name="dashboard")

    @task(2 if TASKS == "work" else 0)
    def tables(self) -> None:
        self.client.get(f"/reports/tables/?year={YEAR}", name="tables")

    @task(3 if TASKS == "work" else 0)
    def member_list(self) -> None:
        self.client.get("/members/", name="member list")

    @task(1 if TASKS == "work" else 0)
    def events(self) -> None:
        self.client.get("/activities/events/", name="event list")

    @task(2 if TASKS == "work" else 0)
    def record_event(self) -> None:
        """A write: an event recorded through the staff page; remembered when acknowledged."""
        form = self.client.get("/activities/events/new/", name="event form")
        if form.status_code != 200:
            return  # a read-only account
        token = _CSRF.search(form.text).group(1)
        # The association is picked as in the browser: the picker's search, first match.
        picked = self.client.get("/associations/pick/", name="association picker").json()
        if not picked["results"]:
            return
        title = f"压测活动-{uuid.uuid4().hex[:12]}"
        response = self.client.post(
            "/activities/events/new/",
            {
                "csrfmiddlewaretoken": token,
                "association": picked["results"][0]["value"],
                "type": "lecture",
                "title": title,
                "started_on": "2025-06-01",
                "participants": "30",
                "cost": "0",
            },
            name="event save",
            allow_redirects=False,
        )
        if response.status_code == 302 and WRITES:
            with open(WRITES, "a", encoding="utf-8") as log:
                log.write(title + "\n")
