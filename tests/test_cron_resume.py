"""Scheduled jobs that survive: the nightly recompute commits each batch (``ir.cron``'s
``_commit_progress``), so a run that runs out of time, or is stopped, resumes with the
appraisals it had not reached and computes nothing twice. On a real database copy, with real
commits, the job run with the context Odoo's scheduler gives it."""

import time
from datetime import date, datetime, timedelta

from .conftest import database_copy, load_registry

PERF = "crm_performance.crm_performance_group_"


def make_org(registry):
    """Five salespeople under a one-KPI plan, April 2025 generated, computed last night."""
    from odoo import api
    from odoo.tests.common import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        env["crm.appraisal.plan"].search([]).active = False
        employees = env["hr.employee"]
        for number in range(5):
            user = new_test_user(env, f"night_{number}", groups=f"{PERF}user")
            employees |= employees.create({"name": f"Seller {number}", "user_id": user.id})
        env["crm.appraisal.plan"].create(
            {
                "name": "Nightly",
                "employee_ids": [(6, 0, employees.ids)],
                "line_ids": [(0, 0, {"kpi_id": env.ref("crm_performance.kpi_won_deals").id, "weight": 100})],
            }
        )
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": date(2025, 4, 1)})
        appraisals = env["crm.appraisal"]._generate(period)
        last_night = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=2)
        cr.execute(
            "UPDATE crm_appraisal SET computed_at = %s WHERE id = ANY(%s)", (last_night, appraisals.ids)
        )
        return appraisals.ids


def run_job(registry, seconds_left):
    """``_cron_recompute`` in batches of 2, as the scheduler runs it with ``seconds_left``;
    returns the job's progress (done, remaining)."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cron = env.ref("crm_performance.ir_cron_crm_appraisal_recompute")
        progress = env["ir.cron.progress"].create({"cron_id": cron.id})
        cr.commit()
        context = {
            "cron_id": cron.id,
            "ir_cron_progress_id": progress.id,
            "cron_end_time": time.monotonic() + seconds_left,
        }
        env(context=context)["crm.appraisal"]._cron_recompute(batch_size=2)
        cr.rollback()  # what the job did not commit is lost, as when a worker is killed
        progress.invalidate_recordset()
        return progress.done, progress.remaining


def computed_at(registry, ids):
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        return dict(env["crm.appraisal"].browse(ids).mapped(lambda a: (a.id, a.computed_at)))


def test_the_nightly_recompute_resumes_where_it_stopped():
    with database_copy() as db:
        registry = load_registry(db)
        ids = make_org(registry)
        midnight = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        assert run_job(registry, seconds_left=0) == (2, 3), "out of time after its first batch"
        first = computed_at(registry, ids)
        done = sorted(i for i, at in first.items() if at >= midnight)
        assert len(done) == 2
        assert run_job(registry, seconds_left=600) == (3, 0), "the rest, and only the rest"
        second = computed_at(registry, ids)
        assert all(at >= midnight for at in second.values())
        assert {i: second[i] for i in done} == {i: first[i] for i in done}, "nothing computed twice"
        assert run_job(registry, seconds_left=600) == (0, 0), "a third run finds nothing to do"
