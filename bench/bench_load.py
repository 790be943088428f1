"""A sales floor opening My Performance at 9:00: latency and throughput under load.

    python bench/bench_load.py --db crmperf_bench [--clients 25 100 200] [--seconds 60]

In a scratch copy of a database made by make_dataset.py (dropped at the end): the standard plan
is given to every salesperson and the dataset's last month is generated; every salesperson gets
an API key. Odoo then serves the copy with ``--workers`` worker processes, and N clients (threads
of this process, each a salesperson with their own key over JSON-2; with fewer salespeople than
clients, keys are shared round-robin) loop for ``--seconds`` over three requests in turn:

- ``dashboard``: ``crm.performance.dashboard/get_my_performance`` (My Performance's one call);
- ``appraisal``: their appraisals of the month (``crm.appraisal/search_read``);
- ``pipeline``: Odoo's own CRM pipeline read, their opportunities as the kanban asks for them
  (``crm.lead/web_search_read``, 80 records): the anchor, in the same run.

Per N and request: p50, p95 and max latency, requests per second and errors. Target: no error,
and the dashboard's p95 no worse than the pipeline's at every N.
"""

import argparse
import statistics
import subprocess
import sys
import threading
import time

import requests
from bench_compute import spans
from benchlib import ODOO_SRC, environment, print_table, scratch_copy, write_conf

KEY_NAME = "bench_load"
PIPELINE = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "expected_revenue": {},
    "stage_id": {"fields": {"display_name": {}}},
    "probability": {},
    "activity_state": {},
    "tag_ids": {"fields": {"display_name": {}}},
    "priority": {},
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench")
    parser.add_argument("--clients", type=int, nargs="+", default=[25, 100, 200])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8769)
    return parser.parse_args(argv)


def prepare(env):
    """The month's appraisals of every salesperson, and one API key each: [(uid, key)]."""
    month, _quarter, _year = spans(env)
    plan = env.ref("crm_performance.plan_salesperson")
    plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
    period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": month})
    env["crm.appraisal"]._generate(period)
    # the salespeople use the module as its users: Performance User (own appraisals)
    plan.employee_ids.user_id.group_ids |= env.ref("crm_performance.crm_performance_group_user")
    keys = env["res.users.apikeys"].sudo()
    return [
        (user.id, keys.with_user(user).sudo()._generate(None, KEY_NAME, None))
        for user in plan.employee_ids.user_id.sorted("id")
    ], str(month)


def serve(db, port, workers):
    conf = write_conf(db)
    command = [sys.executable, str(ODOO_SRC / "odoo-bin"), "-c", str(conf), "-d", db, f"--http-port={port}"]
    command += [f"--workers={workers}", "--max-cron-threads=0", "--limit-time-real=600", "--log-level=warn"]
    command += [
        "--limit-memory-soft=4294967296",
        "--limit-memory-hard=5368709120",
        f"--db_maxconn={8 * workers}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    sys.exit("Odoo did not start within 120 s")


def client(url, db, uid, key, month, stop_at, results, errors):
    session = requests.Session()
    session.headers.update({"Authorization": f"bearer {key}", "X-Odoo-Database": db})
    calls = [
        ("dashboard", "crm.performance.dashboard", "get_my_performance", {"month": month}),
        ("appraisal", "crm.appraisal", "search_read",
         {"domain": [("user_id", "=", uid), ("period_id.code", "=", month[:7])],
          "fields": ["total_score", "grade", "rank", "state"]}),
        ("pipeline", "crm.lead", "web_search_read",
         {"domain": [("user_id", "=", uid), ("type", "=", "opportunity")], "specification": PIPELINE,
          "limit": 80}),
    ]  # fmt: skip
    turn = 0
    while time.monotonic() < stop_at:
        kind, model, method, params = calls[turn % len(calls)]
        turn += 1
        start = time.perf_counter()
        try:
            response = session.post(f"{url}/json/2/{model}/{method}", json=params, timeout=120)
            ok = response.status_code == 200
            if not ok and not errors:
                errors.append(f"{kind}: HTTP {response.status_code} {response.text[:300]}")
        except requests.RequestException as exc:
            ok = False
            if not errors:
                errors.append(f"{kind}: {exc}")
        results.append((kind, time.perf_counter() - start, ok))


def run(url, db, keys, month, clients, seconds):
    results, errors = [], []
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(url, db, *keys[n % len(keys)], month, stop_at, results, errors))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"first error with {clients} clients: {errors[0]}")
    rows = []
    for kind in ("dashboard", "appraisal", "pipeline"):
        times = sorted(t for k, t, ok in results if k == kind and ok)
        errors = sum(1 for k, _t, ok in results if k == kind and not ok)
        if not times:
            rows.append([clients, kind, "-", "-", "-", "0.0", errors])
            continue
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        rows.append(
            [
                clients,
                kind,
                f"{statistics.median(times) * 1000:.0f}",
                f"{p95 * 1000:.0f}",
                f"{times[-1] * 1000:.0f}",
                f"{len(times) / seconds:.1f}",
                errors,
            ]
        )
    return rows


def main(argv=None):
    args = parse_args(argv)
    with scratch_copy(args.db) as db:
        with environment(db, commit=True) as env:
            keys, month = prepare(env)
        print(f"{len(keys)} salespeople with a key; month {month}; {args.workers} workers")
        process = serve(db, args.port, args.workers)
        try:
            url = f"http://127.0.0.1:{args.port}"
            run(url, db, keys, month, min(5, len(keys)), 5)  # warm every worker's caches
            rows = []
            for clients in args.clients:
                rows += run(url, db, keys, month, clients, args.seconds)
        finally:
            process.terminate()
            process.wait(timeout=60)
    print()
    print_table(["clients", "request", "p50 ms", "p95 ms", "max ms", "requests/s", "errors"], rows)


if __name__ == "__main__":
    main()
