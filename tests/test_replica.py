"""Scale-out: Odoo's answer when one database server is not enough is a PostgreSQL streaming
standby behind ``--db_replica_host``. The test runs a primary and a real hot standby
(``pg_basebackup``), each a cluster of its own in a temporary folder on its own port, serves a
copy of the installed database from the primary with Odoo, and shows the reads Odoo routes to
the standby (``@api.readonly`` methods: the leaderboard's read, My Performance's data) served
there with the primary's figures, while writes go to the primary. The standby's own statement
log shows what it ran."""

import time

import pytest
import requests

from .conftest import _template_db, free_port, serve
from .pg_replica import primary_and_standby, psql


@pytest.fixture(scope="module")
def clusters():
    """A primary with a copy of the installed database, and its hot standby logging every
    statement; both stopped and removed afterwards."""
    with primary_and_standby(
        _template_db(), "crmperf_replica", (free_port(), free_port()), log_statement="'all'"
    ) as servers:
        yield servers


def caught_up(clusters):
    """Wait until the standby has replayed everything the primary wrote so far."""
    target = psql(clusters["primary"], clusters["db"], "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        if psql(clusters["standby"], clusters["db"], query) == "t":
            return
        time.sleep(0.2)
    pytest.fail("the standby did not catch up within 60 s")


def login(server, user, password):
    """A web session of ``user``: ``call(model, method, *args, **kwargs)`` goes through
    ``/web/dataset/call_kw``, which Odoo routes to the standby for ``@api.readonly`` methods."""
    session = requests.Session()
    params = {"db": server.db, "login": user, "password": password}
    session.post(
        f"{server.url}/web/session/authenticate", json={"params": params}, timeout=60
    ).raise_for_status()

    def call(model, method, *args, **kwargs):
        payload = {"params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        response = session.post(f"{server.url}/web/dataset/call_kw", json=payload, timeout=60).json()
        assert "error" not in response, response.get("error")
        return response["result"]

    return call


def statements(standby, since):
    """What the standby was asked since byte ``since`` of its log."""
    with standby["log"].open(encoding="utf-8", errors="replace") as log:
        log.seek(since)
        return log.read()


def make_month(call):
    """Three salespeople won 900, 400 and 1 500 in March 2025 against a 1 000 target; the month
    generated. Returns the period."""
    revenue = call("ir.model.data", "search_read", [("name", "=", "kpi_won_revenue")], ["res_id"])
    group = call("ir.model.data", "search_read", [("name", "=", "crm_performance_group_user")], ["res_id"])
    sellers = [
        {
            "name": f"Seller {n}",
            "login": f"seller{n}",
            "password": f"seller{n}-pw",
            "group_ids": [(4, group[0]["res_id"])],
        }
        for n in range(3)
    ]
    users = call("res.users", "create", sellers)
    employees = call(
        "hr.employee", "create", [{"name": f"Seller {n}", "user_id": u} for n, u in enumerate(users)]
    )
    line = {"kpi_id": revenue[0]["res_id"], "weight": 100, "default_target": 1000}
    plan = {"name": "Replica plan", "employee_ids": [(6, 0, employees)], "line_ids": [(0, 0, line)]}
    call("crm.appraisal.plan", "create", [plan])
    period = call("crm.appraisal.period", "create", [{"period_type": "month", "date_from": "2025-03-01"}])
    won = call("crm.stage", "search", [("is_won", "=", True)], limit=1)[0]
    for user, amount in zip(users, (900, 400, 1500), strict=True):
        deal = {
            "name": "Deal",
            "type": "opportunity",
            "user_id": user,
            "expected_revenue": amount,
            "stage_id": won,
        }
        lead = call("crm.lead", "create", [deal])
        call("crm.lead", "write", lead, {"date_closed": "2025-03-10 10:00:00"})
    call("crm.appraisal.period", "action_generate_appraisals", period)
    return period[0]


def test_reads_on_the_standby_writes_on_the_primary(clusters):
    primary, standby = clusters["primary"], clusters["standby"]
    options = [f"--db_host={primary['host']}", f"--db_port={primary['port']}"]
    options += [f"--db_replica_host={standby['host']}", f"--db_replica_port={standby['port']}"]
    server = serve(clusters["db"], options)
    try:
        call = login(server, "admin", "admin")
        period = make_month(call)
        caught_up(clusters)

        mark = standby["log"].stat().st_size
        domain = [("period_id", "=", period)]
        board = call(
            "crm.appraisal", "search_read", domain, ["employee_id", "total_score"], order="total_score desc"
        )
        assert "crm_appraisal" in statements(standby, mark), "the leaderboard's read ran on the standby"
        assert [(row["employee_id"][1], row["total_score"]) for row in board] == [
            ("Seller 2", 120.0),  # 150 %, capped at 120
            ("Seller 0", 90.0),
            ("Seller 1", 40.0),
        ]
        scores = "string_agg(round(total_score::numeric, 2)::text, ',' ORDER BY total_score DESC)"
        on_primary = psql(
            primary,
            clusters["db"],
            f"SELECT {scores} FROM crm_appraisal WHERE period_id = {period}",  # noqa: S608 - psql text of this test's own ids
        )
        assert on_primary == "120.00,90.00,40.00", "the primary's figures, served by the standby"

        mark = standby["log"].stat().st_size
        dashboard = login(server, "seller0", "seller0-pw")(
            "crm.performance.dashboard", "get_my_performance", "2025-03-01"
        )
        assert "crm_appraisal" in statements(standby, mark), "My Performance's data came from the standby"
        assert [appraisal["total_score"] for appraisal in dashboard["appraisals"]] == [90.0]

        mark = standby["log"].stat().st_size
        first = board[0]["id"]
        call("crm.appraisal", "write", [first], {"manager_comment": "Great month"})
        assert "UPDATE" not in statements(standby, mark), "writes go to the primary"
        caught_up(clusters)
        comment = f"SELECT manager_comment FROM crm_appraisal WHERE id = {first}"  # noqa: S608 - psql text of this test's own ids
        assert psql(standby, clusters["db"], comment) == "Great month"
    finally:
        server.stop()
