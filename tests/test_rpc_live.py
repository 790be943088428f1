"""Live scores over RPC: a deal won through the API moves the salesperson's draft month once the
live recompute job has run, without the nightly recompute."""

from .conftest import connect


def test_a_deal_won_over_rpc_moves_the_score_after_the_job(odoo_server, rpc_org):
    admin = connect(odoo_server, "admin", "admin").env
    period = admin["crm.appraisal.period"].create({"period_type": "month", "date_from": "2025-06-01"})
    connect(odoo_server, "rpc_hr", "rpc_hr-pw").env["crm.appraisal.period"].action_generate_appraisals(
        [period]
    )
    alice = admin["res.users"].search([("login", "=", "rpc_alice")])[0]
    Appraisal = admin["crm.appraisal"]
    appraisal = Appraisal.search([("period_id", "=", period), ("user_id", "=", alice)])[0]
    fields = ["total_score", "needs_recompute"]
    assert Appraisal.read([appraisal], fields)[0]["total_score"] == 0
    won = admin["crm.stage"].search([("is_won", "=", True)], limit=1)[0]
    lead = admin["crm.lead"].create(
        {"name": "Big deal", "type": "opportunity", "user_id": alice, "expected_revenue": 800}
    )
    admin["crm.lead"].write([lead], {"stage_id": won})  # won today, then dated back into June
    admin["crm.lead"].write([lead], {"date_closed": "2025-06-12 09:00:00"})
    # the commit of that call marked the month; the score moves with the job, not before
    assert Appraisal.read([appraisal], fields)[0] == {
        "id": appraisal,
        "total_score": 0,
        "needs_recompute": True,
    }
    admin["ir.cron"].browse(
        admin.ref("crm_performance.ir_cron_crm_appraisal_live").id
    ).method_direct_trigger()
    # 100 x 800 / 1 000 (the plan's default target)
    assert Appraisal.read([appraisal], fields)[0] == {
        "id": appraisal,
        "total_score": 80,
        "needs_recompute": False,
    }
