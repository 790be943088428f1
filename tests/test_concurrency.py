"""Two transactions at once on a real database (a copy of the installed one), as two Odoo
cursors or two RPC requests in parallel: nothing is duplicated, nothing half-written, and an
approval is never lost to a recompute. PostgreSQL (REPEATABLE READ, unique indexes) makes the
loser fail cleanly; Odoo retries it (``odoo.service.model.retrying``, as for every RPC call).
"""

import threading
import time
from datetime import date, datetime

import psycopg2
import pytest
import requests

from .conftest import database_copy, load_registry, make_api_key

PERF = "crm_performance.crm_performance_group_"
STAFF = 12  # salespeople appraised by the plan


def wait_until_blocked(db, seconds=20):
    """Wait until a backend of ``db`` waits for a lock (seen from a connection of its own: a
    transaction sees the activity of the others as it was at its start)."""
    deadline = time.monotonic() + seconds
    connection = psycopg2.connect(dbname=db)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    [db],
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.05)
    finally:
        connection.close()
    raise AssertionError("the other transaction never waited for our lock")


@pytest.fixture(scope="module")
def registry():
    with database_copy() as db:
        yield load_registry(db)


@pytest.fixture(scope="module")
def org(registry):
    """Carol's team of STAFF salespeople with won deals in March 2025, a plan, VP and HR."""
    from odoo import api
    from odoo.tests.common import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        env["crm.appraisal.plan"].search([]).active = False
        env.company.partner_id.tz = "UTC"
        carol = new_test_user(env, "conc_carol", groups=f"{PERF}manager")
        vp = new_test_user(env, "conc_vp", groups=f"{PERF}reviewer")
        hr = new_test_user(env, "conc_hr", groups=f"{PERF}hr")
        boss = env["hr.employee"].create({"name": "Carol", "user_id": carol.id})
        employees = env["hr.employee"]
        won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        for number in range(STAFF):
            user = new_test_user(env, f"conc_sales{number}", groups=f"{PERF}user")
            employees |= employees.create(
                {"name": f"Sales {number}", "user_id": user.id, "parent_id": boss.id}
            )
            lead = env["crm.lead"].create(
                {
                    "name": f"Deal {number}",
                    "type": "opportunity",
                    "user_id": user.id,
                    "expected_revenue": 1000 * (number + 1),
                    "stage_id": won.id,
                }  # fmt: skip
            )
            lead.date_closed = datetime(2025, 3, 10)
        revenue = env.ref("crm_performance.kpi_won_revenue")
        plan = env["crm.appraisal.plan"].create(
            {
                "name": "Concurrency plan",
                "employee_ids": [(6, 0, employees.ids)],
                "line_ids": [
                    (0, 0, {"kpi_id": revenue.id, "weight": 70, "default_target": 10000}),
                    (0, 0, {"kpi_id": env.ref("crm_performance.kpi_won_deals").id, "weight": 30,
                            "default_target": 2}),
                ],
            }
        )  # fmt: skip
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": date(2025, 3, 1)})
        return {
            "users": {"carol": carol.id, "vp": vp.id, "hr": hr.id},
            "employees": employees.ids,
            "plan": plan.id,
            "period": period.id,
            "won": won.id,
        }


def environment(cr, uid=None):
    from odoo import api

    return api.Environment(cr, uid or api.SUPERUSER_ID, {"tracking_disable": True})


def appraisals(env, org):
    return env["crm.appraisal"].search([("period_id", "=", org["period"]), ("plan_id", "=", org["plan"])])


def assert_consistent(appraisal):
    """Lines and totals agree: what an appraisal says is what its lines add up to."""
    appraisal.invalidate_recordset()
    lines = appraisal.line_ids
    assert len(lines) == 2
    for line in lines:
        assert line.weighted_score == pytest.approx(line.weight * line.score / 100, abs=0.01)
    assert appraisal.total_score == pytest.approx(sum(lines.mapped("weighted_score")), abs=0.01)


def test_two_generators_make_one_set_of_appraisals(registry, org):
    """A generates without committing; B generates too and waits on the unique index; A commits:
    B fails cleanly, and B's retry finds nothing left to create."""
    from odoo.service.model import retrying

    errors, created_by_b = [], []

    def generate_b():
        with registry.cursor() as cr:
            env = environment(cr)
            try:
                env["crm.appraisal"]._generate(env["crm.appraisal.period"].browse(org["period"]))
                env.flush_all()
            except psycopg2.Error as exc:
                errors.append(exc)
                cr.rollback()
            retried = retrying(
                lambda: env["crm.appraisal"]._generate(env["crm.appraisal.period"].browse(org["period"])),
                env,
            )
            created_by_b.extend(retried.ids)

    with registry.cursor() as cr_a:
        env_a = environment(cr_a)
        created = env_a["crm.appraisal"]._generate(env_a["crm.appraisal.period"].browse(org["period"]))
        env_a.flush_all()
        thread = threading.Thread(target=generate_b)
        thread.start()
        wait_until_blocked(registry.db_name)
        cr_a.commit()
    thread.join(60)
    assert len(created) == STAFF
    assert len(errors) == 1, "B waited for A's rows and failed"
    assert isinstance(errors[0], psycopg2.errors.UniqueViolation | psycopg2.errors.SerializationFailure)
    assert created_by_b == [], "the retry found every appraisal made"
    with registry.cursor() as cr:
        found = appraisals(environment(cr), org)
        assert sorted(found.employee_id.ids) == sorted(org["employees"]), "one appraisal per employee"
        for appraisal in found:
            assert_consistent(appraisal)


def appraisal_with_new_deal(registry, org, number, revenue):
    """The March appraisal of salesperson ``number``, once a deal they won late in March is in."""
    with registry.cursor() as cr:
        env = environment(cr)
        employee = org["employees"][number]
        target = appraisals(env, org).filtered(lambda a: a.employee_id.id == employee)
        lead = env["crm.lead"].create(
            {
                "name": f"Late deal {number}",
                "type": "opportunity",
                "user_id": target.user_id.id,
                "expected_revenue": revenue,
                "stage_id": org["won"],
            }  # fmt: skip
        )
        lead.date_closed = datetime(2025, 3, 20)
    return target


def test_recompute_loses_to_an_approval_made_meanwhile(registry, org):
    """The nightly recompute reads a draft appraisal; before it writes, the reviewers take the
    appraisal to approved and commit. The recompute's write fails (serialization), its retry
    leaves the approved appraisal alone: approved, with the scores that were approved."""
    from odoo.service.model import retrying

    target = appraisal_with_new_deal(registry, org, 0, 5000)  # the recompute would raise the score
    attempts, approved = [], []
    with registry.cursor() as cr_cron:
        env_cron = environment(cr_cron)

        def recompute():
            todo = env_cron["crm.appraisal"].search([("state", "=", "draft"), ("id", "=", target.id)])
            if not attempts:  # first attempt: the reviewers act between the read and the write
                approved.append(walk_to_approved(registry, org, target.id))
            attempts.append(len(todo))
            todo._compute_scores()

        retrying(recompute, env_cron)
        cr_cron.commit()
    assert attempts == [1, 0], "the first attempt failed on the approved row, the retry skipped it"
    with registry.cursor() as cr:
        appraisal = environment(cr)["crm.appraisal"].browse(target.id)
        assert appraisal.state == "approved"
        assert appraisal.total_score == approved[0], "the scores HR approved"
        assert_consistent(appraisal)


def walk_to_approved(registry, org, appraisal_id):
    """Submit (which recomputes), review and approve in one transaction; the approved total."""
    steps = [("carol", "action_submit"), ("vp", "action_consolidate"), ("vp", "action_first_review"),
             ("hr", "action_approve")]  # fmt: skip
    with registry.cursor() as cr:
        for who, step in steps:
            getattr(environment(cr, org["users"][who])["crm.appraisal"].browse(appraisal_id), step)()
        cr.commit()
        return environment(cr)["crm.appraisal"].browse(appraisal_id).total_score


def test_a_step_waiting_on_a_recompute_is_retried_on_the_new_scores(registry, org):
    """The recompute writes first and holds the rows; the manager's submission (which
    recomputes too) waits, fails on commit of the first, and is retried: submitted, with
    consistent totals that include the latest deal."""
    from odoo.service.model import retrying

    target = appraisal_with_new_deal(registry, org, 1, 3000)
    tries = []

    def submit():
        with registry.cursor() as cr:
            env = environment(cr, org["users"]["carol"])
            appraisal = env["crm.appraisal"].browse(target.id)

            def step():
                tries.append(appraisal.state)
                appraisal.action_submit()

            retrying(step, env)

    with registry.cursor() as cr_cron:
        env_cron = environment(cr_cron)
        env_cron["crm.appraisal"].browse(target.id)._compute_scores()
        env_cron.flush_all()
        thread = threading.Thread(target=submit)
        thread.start()
        wait_until_blocked(registry.db_name)
        cr_cron.commit()
    thread.join(60)
    assert len(tries) >= 2, "the submission waited, failed and was retried"
    with registry.cursor() as cr:
        submitted = environment(cr)["crm.appraisal"].browse(target.id)
        assert submitted.state == "submitted"
        revenue = submitted.line_ids.filtered(lambda line: line.kpi_id.name == "Won revenue")
        assert revenue.actual == 2000 + 3000
        assert_consistent(submitted)


def test_parallel_rpc_generation(odoo_server):
    """Two HTTP requests to action_generate_appraisals at once (JSON-2, threaded server)."""
    key = make_api_key(odoo_server, "admin")
    session = requests.Session()
    session.headers.update({"Authorization": f"bearer {key}", "X-Odoo-Database": odoo_server.db})

    def call(model, method, **kwargs):
        return session.post(f"{odoo_server.url}/json/2/{model}/{method}", json=kwargs, timeout=120)

    period = call(
        "crm.appraisal.period", "create", vals_list=[{"period_type": "month", "date_from": "2024-02-01"}]
    ).json()[0]
    users = call(
        "res.users",
        "create",
        vals_list=[{"name": f"Parallel {n}", "login": f"parallel{n}"} for n in range(6)],
    ).json()
    employees = call(
        "hr.employee",
        "create",
        vals_list=[{"name": f"Parallel {n}", "user_id": uid} for n, uid in enumerate(users)],
    ).json()
    revenue = call(
        "ir.model.data", "search_read", domain=[("name", "=", "kpi_won_revenue")], fields=["res_id"]
    )
    plan = call(
        "crm.appraisal.plan",
        "create",
        vals_list=[
            {
                "name": "Parallel plan",
                "employee_ids": [(6, 0, employees)],
                "line_ids": [(0, 0, {"kpi_id": revenue.json()[0]["res_id"], "weight": 100})],
            }
        ],
    ).json()
    barrier = threading.Barrier(2)
    answers = []

    def generate():
        barrier.wait()
        answers.append(call("crm.appraisal.period", "action_generate_appraisals", ids=[period]))

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for answer in answers:
        assert answer.ok or "one appraisal per period and plan" in answer.json()["message"], answer.text
    domain = [("period_id", "=", period), ("plan_id", "in", plan)]
    rows = call("crm.appraisal", "search_read", domain=domain, fields=["employee_id"])
    assert sorted(row["employee_id"][0] for row in rows.json()) == sorted(employees)
    call("crm.appraisal.plan", "write", ids=plan, vals={"active": False})  # other tests' generations
