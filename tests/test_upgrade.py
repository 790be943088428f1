"""Upgrade safety: ``odoo-bin -u crm_performance`` on a database in use keeps every appraisal,
line and total, and the configuration people changed (shipped data is noupdate)."""

import subprocess
from datetime import date

from .conftest import _odoo_cmd, _write_conf, database_copy, load_registry

PERF = "crm_performance.crm_performance_group_"


def state(registry):
    """What an upgrade must not change, as plain values."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        plan = env.ref("crm_performance.plan_salesperson")
        appraisals = env["crm.appraisal"].search([], order="id")
        return {
            "kpi": env.ref("crm_performance.kpi_won_revenue").read(["name", "description", "domain"]),
            "weights": [(line.kpi_id.id, line.weight, line.default_target) for line in plan.line_ids],
            "plan": plan.read(["name", "rollup_missing"]),
            "cron": env.ref("crm_performance.ir_cron_crm_appraisal_recompute").read(
                ["active", "interval_number"]
            ),
            "appraisals": appraisals.read(
                ["state", "total_score", "grade", "completion_rate", "manager_comment"]
            ),
            "lines": appraisals.line_ids.read(
                ["actual", "target", "score", "weighted_score", "manual_points"]
            ),
        }


def make_history(registry):
    """An org using the shipped salesperson plan after HR changed it: appraisals in every state."""
    from odoo import api
    from odoo.tests.common import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        kpi = env.ref("crm_performance.kpi_won_revenue")
        kpi.write({"name": "Revenue won (our rule)", "description": "Changed by HR", "domain": "[]"})
        plan = env.ref("crm_performance.plan_salesperson")
        lines = {line.kpi_id: line for line in plan.line_ids}
        plan.write(
            {
                "name": "Field sales",
                "rollup_missing": "skip",
                "line_ids": [
                    (1, lines[kpi].id, {"weight": 25, "default_target": 80000}),
                    (1, lines[env.ref("crm_performance.kpi_won_deals")].id, {"weight": 3}),
                ],
            }
        )
        env.ref("crm_performance.ir_cron_crm_appraisal_recompute").write(
            {"active": False, "interval_number": 2}
        )
        employees = env["hr.employee"]
        for number in range(3):
            user = new_test_user(env, f"upgrade_{number}", groups=f"{PERF}user")
            employees |= employees.create({"name": f"Seller {number}", "user_id": user.id})
        plan.employee_ids = employees
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": date(2025, 5, 1)})
        appraisals = env["crm.appraisal"]._generate(period)
        weekly = appraisals.line_ids.filtered(lambda line: line.scoring_rule == "manual")
        weekly.write({"manual_points": 80})
        appraisals.line_ids.filtered(lambda line: line.scoring_rule == "deduction").write({"occurrences": 0})
        appraisals.write({"manager_comment": "Reviewed in May"})
        for step in ("action_submit", "action_consolidate", "action_first_review", "action_approve"):
            getattr(appraisals[0], step)()
        appraisals[1].action_submit()
        cr.commit()


def test_upgrade_keeps_data_and_configuration():
    with database_copy() as db:
        registry = load_registry(db)
        make_history(registry)
        before = state(registry)
        assert len(before["appraisals"]) == 3
        assert {row["state"] for row in before["appraisals"]} == {"approved", "submitted", "draft"}
        conf = _write_conf(db, 0)
        try:
            upgrade = subprocess.run(
                _odoo_cmd(conf, "-d", db, "-u", "crm_performance", "--stop-after-init", "--no-http"),
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            conf.unlink(missing_ok=True)
        assert upgrade.returncode == 0, upgrade.stderr[-2000:]
        assert state(load_registry(db)) == before
