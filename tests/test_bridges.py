"""The bridge modules install and uninstall cleanly on a database in use: every appraisal, line
and total is kept, an approved one too."""

import subprocess
from datetime import date, datetime

from .conftest import _odoo_cmd, _write_conf, database_copy, load_registry

BRIDGES = [
    "crm_performance_hr_expense",
    "crm_performance_sale",
    "crm_performance_account",
    "crm_performance_hr_holidays",
]


def odoo(db, *args, command=()):
    """Run odoo-bin (``command``: a subcommand and its words before the options) on ``db``."""
    conf = _write_conf(db, 0)
    cmd = _odoo_cmd(conf, "-d", db, *args)
    cmd[2:2] = command  # odoo-bin takes its subcommand first
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    finally:
        conf.unlink(missing_ok=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def state(registry):
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        appraisals = env["crm.appraisal"].search([], order="id")
        modules = env["ir.module.module"].search([("name", "in", BRIDGES)])
        return {
            "installed": sorted(modules.filtered(lambda m: m.state == "installed").mapped("name")),
            "appraisals": appraisals.read(["state", "total_score", "grade", "plan_id"]),
            "lines": appraisals.line_ids.read(["actual", "target", "score", "weighted_score", "note"]),
        }


def recompute(registry):
    """Recompute the draft appraisals; the notes of the lines that could not be measured."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        drafts = env["crm.appraisal"].search([("state", "=", "draft")])
        drafts._compute_scores()
        notes = {line.kpi_id.name: line.note for line in drafts.line_ids if line.note}
        cr.commit()
        return notes


def make_history(registry):
    """Two sellers on the shipped Sales (orders and invoices) plan, an order each in May 2025;
    one appraisal approved."""
    from odoo import api
    from odoo.tests.common import new_test_user

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
        plan = env.ref("crm_performance_sale.plan_sales_orders_invoices")
        customer = env["res.partner"].create({"name": "Bridge customer"})
        product = env["product.product"].create({"name": "Bridge widget", "list_price": 100, "taxes_id": []})
        employees = env["hr.employee"]
        for number in range(2):
            user = new_test_user(env, f"bridge_{number}", groups="crm_performance.crm_performance_group_user")
            employees |= employees.create({"name": f"Bridge seller {number}", "user_id": user.id})
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": number + 1})],
                }
            )
            order.action_confirm()
            order.date_order = datetime(2025, 5, 10)
        plan.employee_ids = employees
        period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": date(2025, 5, 1)})
        appraisals = env["crm.appraisal"]._generate(period)
        appraisals.line_ids.filtered(lambda line: line.scoring_rule == "deduction").write({"occurrences": 0})
        for step in ("action_submit", "action_consolidate", "action_first_review", "action_approve"):
            getattr(appraisals[0], step)()
        cr.commit()


def test_bridges_uninstall_and_reinstall_keep_appraisals():
    with database_copy() as db:
        odoo(db, "-i", ",".join(BRIDGES), "--stop-after-init", "--no-http")
        registry = load_registry(db)
        make_history(registry)
        before = state(registry)
        assert before["installed"] == sorted(BRIDGES)
        assert [row["state"] for row in before["appraisals"]] == ["approved", "draft"]
        assert {line["actual"] for line in before["lines"]} >= {100.0, 200.0}  # order revenue

        odoo(db, *BRIDGES, command=("module", "uninstall"))
        after = state(load_registry(db))
        assert after["installed"] == []
        assert (after["appraisals"], after["lines"]) == (before["appraisals"], before["lines"])

        # a KPI whose bridge field is gone cannot be measured; the others are
        notes = recompute(load_registry(db))
        assert notes["Paid revenue"].startswith("Could not be measured"), notes
        assert "Order revenue" not in notes

        odoo(db, "-i", ",".join(BRIDGES), "--stop-after-init", "--no-http")
        registry = load_registry(db)
        assert "Paid revenue" not in recompute(registry)
        assert state(registry) == before
