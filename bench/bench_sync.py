"""Payroll sync at company scale: N approved appraisals pulled into a new workbook of N rows.

    python bench/bench_sync.py --appraisals 5000

Installs crm_performance into a database, gives it N employees (badge IDs, in sales teams of
100) and N approved appraisals of one month (bulk rows made from an ORM-created appraisal, as
make_dataset.py does), serves it with a real Odoo server (the fixture of tests/conftest.py),
then runs the sync's command line once per transport (``crm-performance-sync <month> <new
workbook> --new --transport ...``) and reports seconds, RPC calls (reads among them) and rows/s.
The workbook is checked to hold N employee rows.
"""

import argparse
import contextlib
import io
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
from benchlib import ROOT, environment, odoo_bin, print_table, write_conf
from crm_performance_sync.cli import main as sync_main
from crm_performance_sync.transport import connect
from make_dataset import bulk_insert, next_id, template_row

sys.path.insert(0, str(ROOT / "tests"))
from conftest import drop_server, make_api_key, start_server

TEAM_SIZE = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench_sync", help="database prepared (and kept)")
    parser.add_argument("--appraisals", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--transports", nargs="+", default=["jsonrpc", "json2"])
    return parser.parse_args(argv)


def prepare(db, count, month):
    """Install the module into ``db`` and give it ``count`` approved appraisals of ``month``."""
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    odoo_bin(
        write_conf(db),
        "-d",
        db,
        "-i",
        "crm_performance",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    )
    rng = random.Random(7)
    with environment(db, commit=True) as env:
        env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))  # noqa: PLW2901
        env.ref("base.user_admin").group_ids = [(4, env.ref("crm_performance.crm_performance_group_hr").id)]
        teams = env["crm.team"].create(
            [{"name": f"Sync team {k:03d}"} for k in range(math.ceil(count / TEAM_SIZE))]
        )
        employees = env["hr.employee"].create(
            [{"name": f"Employee {i:05d}", "barcode": f"P{i:06d}"} for i in range(count)]
        )
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": month})
        # an appraisal needs an employee with a user: one made by the ORM is the rows' template
        user = env["res.users"].create({"name": "Template", "login": "bench_sync_template"})
        appraisal = env["crm.appraisal"].create(
            {
                "employee_id": env["hr.employee"].create({"name": "Template", "user_id": user.id}).id,
                "period_id": period.id,
                "plan_id": env.ref("crm_performance.plan_salesperson").id,
            }
        )
        row = template_row(env, "crm.appraisal", appraisal)
        appraisal.unlink()
        first = next_id(env, "crm_appraisal")
        columns = ("id", "name", "employee_id", "user_id", "team_id", "state", "total_score", "grade")
        columns += ("completion_rate",)

        def rows():
            for k, employee in enumerate(employees):
                score = round(rng.uniform(40, 110), 2)
                grade = next(
                    name for floor, name in ((90, "A"), (75, "B"), (60, "C"), (0, "D")) if score >= floor
                )
                name = f"{employee.name} – {period.name} – Salesperson"
                team = teams[k // TEAM_SIZE].id
                yield (
                    first + k,
                    name,
                    employee.id,
                    None,
                    team,
                    "approved",
                    score,
                    grade,
                    round(rng.uniform(50, 150), 2),
                )

        bulk_insert(env, "crm.appraisal", row, columns, rows())
        approved = env["crm.appraisal"].search_count(
            [("period_id", "=", period.id), ("state", "=", "approved")]
        )
        assert approved == count, (approved, count)
        return period.name


def run_sync(server, key, period, transport, page_size, folder):
    """One run of the sync's command line; (seconds, rpc calls, reads, rows in the workbook)."""
    transports = []

    def factory(connection):
        client = connect(connection)
        client.methods = Counter()
        call = client.call

        def counted(model, method, ids=None, **kwargs):
            client.methods[method] += 1
            return call(model, method, ids, **kwargs)

        client.call = counted
        transports.append(client)
        return client

    config = folder / "sync.toml"
    config.write_text("")
    workbook = folder / f"payroll-{transport}.xlsx"
    os.environ.update(
        CRM_PERF_URL=server.url, CRM_PERF_DB=server.db, CRM_PERF_LOGIN="admin", CRM_PERF_API_KEY=key
    )
    argv = [period, str(workbook), "--new", "--config", str(config), "--transport", transport]
    argv += ["--page-size", str(page_size)]
    output = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        status = sync_main(argv, transport_factory=factory)
    seconds = time.perf_counter() - start
    if status:
        raise RuntimeError(f"the sync failed ({status}):\n{output.getvalue()}")
    sheet = openpyxl.load_workbook(workbook, read_only=True).worksheets[0]
    rows = sum(1 for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0])
    client = transports[0]
    return seconds, client.rpc_calls, client.methods["search_read"], rows


def main(argv=None):
    args = parse_args(argv)
    today = date.today()
    month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    started = time.perf_counter()
    period = prepare(args.db, args.appraisals, month)
    print(
        f"[bench_sync {time.perf_counter() - started:.0f}s] {args.db}: {args.appraisals} approved appraisals"
    )
    os.environ["CRMPERF_TEMPLATE_DB"] = args.db
    server = start_server()
    try:
        key = make_api_key(server, "admin", "bench")
        table = []
        with tempfile.TemporaryDirectory() as folder:
            for transport in args.transports:
                run_sync(server, key, period, transport, args.page_size, Path(folder))  # warm the server
                (Path(folder) / f"payroll-{transport}.xlsx").unlink()
                seconds, calls, reads, rows = run_sync(
                    server, key, period, transport, args.page_size, Path(folder)
                )
                assert rows == args.appraisals, f"{rows} rows in the workbook, {args.appraisals} expected"
                pages = math.ceil(args.appraisals / args.page_size)
                table.append(
                    [
                        transport,
                        args.appraisals,
                        f"{seconds:.2f}",
                        calls,
                        f"{reads} (1 + {pages})",
                        f"{rows / seconds:.0f}",
                    ]
                )
    finally:
        drop_server(server)
    print()
    print_table(["transport", "appraisals", "seconds", "RPC calls", "of which reads", "rows/s"], table)
    print(
        f"\npage size {args.page_size}; reads = the period, then one search_read per page; second run of each"
    )


if __name__ == "__main__":
    main()
