"""A sales floor opening My Performance at 9:00: latency and throughput under load.

    python bench/bench_load.py --db crmperf_bench [--clients 25 100 200] [--seconds 60]

In a scratch copy of a database made by make_dataset.py (dropped at the end): the standard plan
is given to every salesperson and the dataset's last month is generated (``--running-month``: the
month running today, whose dashboard also forecasts the month's end from the pipeline and the
history of the months before: make_dataset.py's months end with last month, so the running
month's own figures are those of its first morning); every salesperson gets an API key. Odoo
then serves the copy with ``--workers`` worker processes, and N clients (threads of this process,
each a salesperson with their own key over JSON-2; with fewer salespeople than clients, keys are
shared round-robin) loop over three requests in turn (client n starting with
the n-th mod 3), first for ``--ramp`` seconds not counted (the first burst of every client's
requests, on workers whose caches do not know these users yet), then for ``--seconds``, counted:

- ``dashboard``: ``crm.performance.dashboard/get_my_performance`` (My Performance's one call);
- ``appraisal``: their appraisals of the month (``crm.appraisal/search_read``);
- ``pipeline``: Odoo's own CRM pipeline read, their opportunities as the kanban asks for them
  (``crm.lead/web_search_read``, 80 records): the anchor, in the same run.

Every call carries the user's context (language, time zone) as the web client's calls do.

Per N and request: p50, p95 and max latency, requests per second and errors as the clients see
them, and from Odoo's own request log (werkzeug at INFO) the time the server spent on each
request (its SQL and the rest: the cost of the request without the wait in the listen queue)
and its queries. Target: no error, and the dashboard's p95 no worse than the pipeline's at
every N.

The listening socket is made as a production deployment under systemd makes it: a socket unit
(``ListenStream``, backlog ``SOMAXCONN``) hands it to Odoo (``systemd-socket-activate``, which
Odoo's prefork server accepts through ``LISTEN_FDS``). ``--listen odoo`` lets Odoo open it
itself, with a backlog of 8 x workers (32 connections at 4 workers): more clients than that
waiting overflow it, and the kernel drops their connections (counted as the run's listen
overflows, ``nstat``).

``--replica``: the copy is served from a primary PostgreSQL cluster with a streaming hot standby
(``tests/pg_replica.py``, as ``tests/test_replica.py`` runs them; ports 5490 and 5491 by default)
and Odoo gets ``--db_replica_host/--db_replica_port``: its read-only routes (JSON-2 calls of
``@api.readonly`` methods, all three requests here) go to the standby. Each cluster's committed
transactions during the run are printed.
"""

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import requests
from bench_compute import spans
from benchlib import ODOO_SRC, ROOT, environment, print_table, scratch_copy, write_conf
from dateutil.relativedelta import relativedelta

KEY_NAME = "bench_load"
# the salespeople's language and time zone (prepare() sets the time zone in their preferences)
CONTEXT = {"lang": "en_US", "tz": "UTC"}
KINDS = {"crm.performance.dashboard": "dashboard", "crm.appraisal": "appraisal", "crm.lead": "pipeline"}
# Odoo's request log (werkzeug at INFO): path, status, then queries, SQL seconds, other seconds
REQUEST_LOG = re.compile(r'"POST /json/2/([\w.]+)/\w+ HTTP/1\.1" 200 - (\d+) ([\d.]+) ([\d.]+)')
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
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds every N runs before its requests are counted"
    )
    parser.add_argument("--port", type=int, default=8769)
    parser.add_argument(
        "--listen",
        choices=["systemd", "odoo"],
        default="systemd",
        help="who opens the listening socket: systemd (backlog SOMAXCONN; default) or Odoo (8 x workers)",
    )
    parser.add_argument("--replica", action="store_true", help="serve from a primary and its hot standby")
    parser.add_argument(
        "--running-month", action="store_true", help="the month running today (its dashboard forecasts)"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="with --running-month: the day Odoo takes for today (bench/odoo_on_day.py), e.g. mid-month",
    )
    parser.add_argument("--pg-ports", type=int, nargs=2, default=[5490, 5491], help="primary, standby")
    args = parser.parse_args(argv)
    if args.today and not args.running_month:
        parser.error("--today is the day of the running month: give --running-month too")
    return args


def prepare(env, running_month=False, today=None):
    """The month's appraisals of every salesperson, and one API key each: [(uid, key)]."""
    month = (today or date.today()).replace(day=1) if running_month else spans(env)[0]
    plan = env.ref("crm_performance.plan_salesperson")
    plan.employee_ids = env["hr.employee"].search([("job_id.name", "=", "Salesperson (bench)")])
    Period = env["crm.appraisal.period"]
    period = Period.create({"period_type": "month", "date_from": month})
    period._store_forecast_history()  # as the daily job does on the month's first run
    if running_month:  # last month's appraisals: a forecast reads who was appraised then (own pace)
        env["crm.appraisal"]._generate(
            Period.create({"period_type": "month", "date_from": month - relativedelta(months=1)})
        )
    env["crm.appraisal"]._generate(period)
    if running_month:  # as the daily job does each morning
        period._store_forecast_day(today or date.today())
    # the salespeople use the module as its users: Performance User (own appraisals), with a time
    # zone in their preferences that the clients send in the context as the web client does;
    # without it, a request asking for the user's today (the dashboard) reads the user record
    salespeople = plan.employee_ids.user_id
    salespeople.group_ids |= env.ref("crm_performance.crm_performance_group_user")
    salespeople.tz = CONTEXT["tz"]  # the dataset company's
    keys = env["res.users.apikeys"].sudo()
    return [
        (user.id, keys.with_user(user).sudo()._generate(None, KEY_NAME, None))
        for user in salespeople.sorted("id")
    ], str(month)


def serve(db, port, workers, listen, log, database_options=(), today=None):
    conf = write_conf(db)
    on_day = [str(Path(__file__).with_name("odoo_on_day.py")), str(today)] if today else []
    odoo = [sys.executable, *on_day, str(ODOO_SRC / "odoo-bin"), "-c", str(conf), "-d", db]
    odoo += [f"--http-port={port}"]
    odoo += [f"--workers={workers}", "--max-cron-threads=0", "--limit-time-real=600", "--log-level=warn"]
    odoo += [
        "--limit-memory-soft=4294967296",
        "--limit-memory-hard=5368709120",
        f"--db_maxconn={8 * workers}",
        f"--logfile={log}",
        "--log-handler=werkzeug:INFO",  # a line per request: its queries and server time
        *database_options,
    ]
    # an odoo.socket unit: systemd listens (backlog SOMAXCONN) and passes the socket to odoo.service
    command = ["systemd-socket-activate", "-l", f"127.0.0.1:{port}", *odoo] if listen == "systemd" else odoo
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


def listen_overflows():
    """Connections the kernel dropped because a listening socket's queue was full (whole host)."""
    output = subprocess.run(
        ["nstat", "-az", "TcpExtListenOverflows"], check=True, capture_output=True, text=True
    ).stdout
    return int(output.split("TcpExtListenOverflows")[1].split()[0])


def backlog(port):
    """The listening socket's backlog as the kernel holds it (``ss``: Send-Q of a listener)."""
    output = subprocess.run(
        ["ss", "-Hltn", f"sport = :{port}"], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(output[2]) if output else None


def client(url, db, uid, key, month, first, count_from, stop_at, results, errors):
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
    turn = first
    while time.monotonic() < stop_at:
        kind, model, method, params = calls[turn % len(calls)]
        turn += 1
        counted = time.monotonic() >= count_from
        start = time.perf_counter()
        try:
            # the user's context with every call, as the web client sends it
            response = session.post(
                f"{url}/json/2/{model}/{method}", json={**params, "context": CONTEXT}, timeout=120
            )
            ok = response.status_code == 200
            if not ok and counted:
                errors.append((kind, f"HTTP {response.status_code} {response.text[:200]}"))
        except requests.RequestException as exc:
            ok = False
            if counted:
                errors.append((kind, f"{type(exc).__name__}: {str(exc)[:200]}"))
        if counted:
            results.append((kind, time.perf_counter() - start, ok))


def server_side(log, since):
    """{kind: [(milliseconds in the server, queries)]} of the requests Odoo logged after byte
    ``since`` of its log."""
    found = {kind: [] for kind in KINDS.values()}
    with log.open(encoding="utf-8", errors="replace") as lines:
        lines.seek(since)
        for match in REQUEST_LOG.finditer(lines.read()):
            model, queries, sql, other = match.groups()
            if model in KINDS:
                found[KINDS[model]].append(((float(sql) + float(other)) * 1000, int(queries)))
    return found


def percentile(values, share):
    return values[min(len(values) - 1, max(round(share * len(values)) - 1, 0))]


def run(url, db, keys, month, clients, seconds, ramp=0.0, log=None):
    """N clients for ``ramp`` + ``seconds``; only requests started after the ramp are counted.
    Client n starts with request n mod 3, so that no kind of request has all the first ones.
    With Odoo's ``log``, the server's own time and queries of the requests it logged after the
    ramp are added."""
    results, errors = [], []
    count_from = time.monotonic() + ramp
    stop_at = count_from + seconds
    threads = [
        threading.Thread(
            target=client,
            args=(url, db, *keys[n % len(keys)], month, n, count_from, stop_at, results, errors),
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(count_from - time.monotonic(), 0))
    since = log.stat().st_size if log else 0
    for thread in threads:
        thread.join()
    server = server_side(log, since) if log else {}
    for (kind, error), count in Counter(errors).most_common(5):
        print(f"{clients} clients, {kind}: {count} x {error}")
    rows = []
    for kind in ("dashboard", "appraisal", "pipeline"):
        times = sorted(t for k, t, ok in results if k == kind and ok)
        errors = sum(1 for k, _t, ok in results if k == kind and not ok)
        inside = sorted(server.get(kind, []))
        if not times:
            rows.append([clients, kind, "-", "-", "-", "0.0", errors, "-", "-", "-"])
            continue
        rows.append(
            [
                clients,
                kind,
                f"{statistics.median(times) * 1000:.0f}",
                f"{percentile(times, 0.95) * 1000:.0f}",
                f"{times[-1] * 1000:.0f}",
                f"{len(times) / seconds:.1f}",
                errors,
                f"{statistics.median(ms for ms, _q in inside):.0f}" if inside else "-",
                f"{percentile(inside, 0.95)[0]:.0f}" if inside else "-",
                statistics.median(q for _ms, q in inside) if inside else "-",
            ]
        )
    return rows


@contextlib.contextmanager
def database(args, db):
    """Odoo's database options for ``db`` and a function returning each server's committed
    transactions: the local server, or with ``--replica`` a primary and its standby."""
    if not args.replica:
        yield [], dict
        return
    sys.path.insert(0, str(ROOT))
    from tests.pg_replica import primary_and_standby, psql

    with primary_and_standby(db, db, args.pg_ports) as clusters:
        primary, standby = clusters["primary"], clusters["standby"]
        options = [f"--db_host={primary['host']}", f"--db_port={primary['port']}"]
        options += [f"--db_replica_host={standby['host']}", f"--db_replica_port={standby['port']}"]
        query = f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{db}'"  # noqa: S608 - our own name
        yield options, lambda: {name: int(psql(clusters[name], db, query)) for name in ("primary", "standby")}


def main(argv=None):
    args = parse_args(argv)
    with scratch_copy(args.db) as db:
        with environment(db, commit=True) as env:
            keys, month = prepare(env, args.running_month, args.today)
        print(
            f"{len(keys)} salespeople with a key; month {month}; {args.workers} workers"
            + (f"; today is {args.today} for Odoo" if args.today else "")
        )
        with database(args, db) as (options, transactions):
            log = Path(tempfile.mkdtemp(prefix="crmperf-load-")) / "odoo.log"
            process = serve(db, args.port, args.workers, args.listen, log, options, args.today)
            print(f"listening socket by {args.listen}: backlog {backlog(args.port)}")
            try:
                url = f"http://127.0.0.1:{args.port}"
                run(url, db, keys, month, min(5, len(keys)), 5)  # warm every worker's caches
                rows = []
                for clients in args.clients:
                    overflows, before = listen_overflows(), transactions()
                    rows += run(url, db, keys, month, clients, args.seconds, args.ramp, log)
                    after = transactions()
                    print(
                        f"{clients} clients: {listen_overflows() - overflows} listen queue overflows (host)"
                        + "".join(f"; {name} {after[name] - before[name]} transactions" for name in after)
                    )
            finally:
                process.terminate()
                process.wait(timeout=60)
                shutil.rmtree(log.parent, ignore_errors=True)
    print()
    headers = ["clients", "request", "p50 ms", "p95 ms", "max ms", "requests/s", "errors"]
    print_table([*headers, "server p50 ms", "server p95 ms", "queries"], rows)
    print(
        "\nserver: the time Odoo itself spent on the request (SQL + the rest) and its queries, from its log"
    )


if __name__ == "__main__":
    main()
