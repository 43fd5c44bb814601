"""Locust workload of the collatz dashboard service: a mix of what the page and API clients ask.

Run by load/run.sh (headless, 100 users); by hand:

    target/locust-venv/bin/locust -f collatz-node/examples/dashboard/load/locustfile.py \
        --headless -u 100 -r 50 -t 30s --host http://127.0.0.1:8080

Request names (the rows of Locust's statistics; load/run.sh checks the cached ones):

- ``stats``: GET /api/stats/:n of a random n: small, hundreds of digits, or a parser form
  such as ``2^500+1`` (URL-encoded).
- ``trajectory (first page)`` / ``trajectory (next page)``: GET /api/trajectory/:n, then up to
  two more pages through ``next_cursor``.
- ``summary (popular)``: GET /api/summary of a small fixed set of ranges (cache hits).
- ``density (popular)``: GET /api/density of a small fixed set of views (cache hits).
- ``job (POST)`` / ``job (GET)``: now and then a summary job of a small range, then its state
  until it is final.

An intended 429 (the job quota or queue, or the rate limit) is a success, and is also counted
on its own under the request type ``429`` (one row per route name), so the totals show how
many there were. Anything else that is not 2xx is a failure.
"""

import random

import gevent
from urllib.parse import quote

from locust import FastHttpUser, between, task

# Summaries the dashboard opens with and a few neighbours: few enough that the cache answers.
POPULAR_SUMMARIES = [
    ("1", "1000000", True),
    ("1", "1000000", False),
    ("1", "10000000", True),
    ("1", "10000000", False),
    ("1", "100000", True),
    ("1000000", "2000000", False),
    ("1", "2^20", False),
]

# Density views: the page's first view, a zoom and two other fields.
POPULAR_DENSITY = [
    ("1", "1000000", 512, 256, "total_stopping_time"),
    ("1", "10000000", 512, 256, "total_stopping_time"),
    ("1", "1000000", 256, 128, "stopping_time"),
    ("250000", "500000", 512, 256, "total_stopping_time"),
    ("1", "1000000", 256, 128, "odd_steps"),
]

# Small job ranges: the job runner looks them up in the same cache.
JOB_RANGES = [("1", "100000"), ("1", "50000"), ("100000", "200000")]


def random_n():
    """A start value as the API takes it: decimal of 1 to 600 digits, or a parser form."""
    r = random.random()
    if r < 0.35:
        return str(random.randint(1, 10**12))
    if r < 0.70:
        digits = random.randint(100, 600)
        return str(random.randint(10 ** (digits - 1), 10**digits - 1))
    forms = [
        lambda: f"2^{random.randint(64, 1000)}+1",
        lambda: f"2^{random.randint(64, 1000)}-1",
        lambda: f"3^{random.randint(40, 400)}",
        lambda: f"{random.randint(1, 9)}e{random.randint(3, 18)}",
        lambda: "27",
    ]
    return random.choice(forms)()


class DashboardUser(FastHttpUser):
    wait_time = between(0.2, 1.0)
    # The server compresses above 1 KiB; ask for gzip like any HTTP client.
    default_headers = {"Accept-Encoding": "gzip"}

    def _get(self, path, name, **kwargs):
        """GET with the 429 rule; returns the response when it was 2xx, else None."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as resp:
            return self._judge(resp, name)

    def _judge(self, resp, name):
        code = resp.status_code
        if 200 <= code < 300:
            resp.success()
            return resp
        if code == 429:
            resp.success()
            self.environment.events.request.fire(
                request_type="429",
                name=name,
                response_time=0,
                response_length=0,
                exception=None,
                context={},
            )
            return None
        body = (resp.text or "")[:200] if hasattr(resp, "text") else ""
        resp.failure(f"HTTP {code}: {body}")
        return None

    @task(6)
    def stats(self):
        n = random_n()
        self._get(f"/api/stats/{quote(n, safe='')}", "stats")

    @task(3)
    def trajectory(self):
        n = quote(random_n(), safe="")
        limit = random.choice([100, 500, 1000])
        resp = self._get(f"/api/trajectory/{n}?limit={limit}", "trajectory (first page)")
        for _ in range(2):
            if resp is None:
                return
            cursor = resp.json().get("next_cursor")
            if cursor is None:
                return
            resp = self._get(
                f"/api/trajectory/{n}?limit={limit}&cursor={quote(cursor, safe='')}",
                "trajectory (next page)",
            )

    @task(5)
    def summary_popular(self):
        start, end, histogram = random.choice(POPULAR_SUMMARIES)
        query = f"start={quote(start, safe='')}&end={quote(end, safe='')}"
        if histogram:
            query += "&histogram=true"
        self._get(f"/api/summary?{query}", "summary (popular)")

    @task(4)
    def density_popular(self):
        start, end, width, height, field = random.choice(POPULAR_DENSITY)
        self._get(
            f"/api/density?start={start}&end={end}&width={width}&height={height}&field={field}",
            "density (popular)",
        )

    @task(1)
    def metrics(self):
        # The page's operations panel reads the service's own metrics.
        self._get("/metrics", "metrics")

    @task(1)
    def job(self):
        # An occasional job: 1 user in 5 that picks this task actually starts one.
        if random.random() > 0.2:
            return
        start, end = random.choice(JOB_RANGES)
        with self.client.post(
            "/api/jobs",
            json={"kind": "summary", "start": start, "end": end},
            name="job (POST)",
            catch_response=True,
        ) as resp:
            code = resp.status_code
            if code != 202:
                if code == 429:
                    self._judge(resp, "job (POST)")
                else:
                    resp.failure(f"HTTP {code}: expected 202")
                return
            resp.success()
            job_id = resp.json()["id"]
        for _ in range(20):
            got = self._get(f"/api/jobs/{job_id}", "job (GET)")
            if got is None:
                return
            state = got.json().get("state")
            if state in ("done", "cancelled", "failed"):
                if state != "done":
                    self.environment.events.request.fire(
                        request_type="JOB",
                        name=f"job ended {state}",
                        response_time=0,
                        response_length=0,
                        exception=RuntimeError(f"summary job ended {state}"),
                        context={},
                    )
                return
            gevent.sleep(0.1)
