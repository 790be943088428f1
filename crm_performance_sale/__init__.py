from . import models


def uninstall_hook(env):
    """Appraisals keep their plan: the shipped plan, when appraisals use it, stays as the
    company's own (its external id is dropped, so a new install ships a fresh one instead of
    adding its lines to this one a second time)."""
    plan = env.ref("crm_performance_sale.plan_sales_orders_invoices", raise_if_not_found=False)
    if plan and env["crm.appraisal"].sudo().search_count([("plan_id", "=", plan.id)], limit=1):
        env["ir.model.data"].search(
            [("module", "=", "crm_performance_sale"), ("model", "=", plan._name), ("res_id", "=", plan.id)]
        ).unlink()
