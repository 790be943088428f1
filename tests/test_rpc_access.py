"""Privacy and rights over RPC (odoorpc / JSON-RPC), as each role of a small sales org.

Alice and Bob sell in Carol's team (Carol is their manager); Dave manages another team; the
VP reviews everything; HR approves. Expected visibility is written out per role.
"""

import odoorpc
import pytest

from .conftest import PERF, connect

# Odoo's messages: access rights ("not allowed to modify ...") or record rules ("doesn't have ...")
DENIED = r"not allowed to (access|modify|create)|doesn't have '\w+' access"

VISIBLE = {
    "rpc_alice": {"Alice"},
    "rpc_bob": {"Bob"},
    "rpc_carol": {"Alice", "Bob"},
    "rpc_dave": {"Dave"},
    "rpc_vp": {"Alice", "Bob", "Dave"},
    "rpc_hr": {"Alice", "Bob", "Dave"},
}


@pytest.mark.parametrize("login", sorted(VISIBLE))
def test_each_role_sees_exactly_its_appraisals(odoo_server, rpc_org, login):
    env = connect(odoo_server, login, f"{login}-pw").env
    domain = [("period_id", "=", rpc_org["period"])]
    rows = env["crm.appraisal"].search_read(domain, ["employee_id", "total_score"])
    assert {row["employee_id"][1] for row in rows} == VISIBLE[login]
    groups = env["crm.appraisal"].read_group(domain, ["total_score:sum"], ["employee_id"])
    assert {g["employee_id"][1] for g in groups} == VISIBLE[login]
    lines = env["crm.appraisal.line"].search_read(
        [("appraisal_id.period_id", "=", rpc_org["period"])], ["appraisal_id"]
    )
    assert len(lines) == len(VISIBLE[login])
    for name, appraisal_id in rpc_org["appraisals"].items():
        if name in VISIBLE[login]:
            continue
        with pytest.raises(odoorpc.error.RPCError, match=DENIED):
            env["crm.appraisal"].read([appraisal_id], ["total_score"])


def test_salesperson_cannot_change_or_configure(odoo_server, rpc_org):
    env = connect(odoo_server, "rpc_alice", "rpc_alice-pw").env
    own = rpc_org["appraisals"]["Alice"]
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.appraisal"].write([own], {"manager_comment": "self praise"})
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.kpi.definition"].create({"name": "Mine", "measure_mode": "manual"})
    with pytest.raises(odoorpc.error.RPCError, match="Only a manager can take this step"):
        env["crm.appraisal"].action_submit([own])
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.appraisal.period"].action_generate_appraisals([rpc_org["period"]])


def test_hr_generates_a_month_over_rpc(odoo_server, rpc_org):
    """The period's button, as Performance HR: every employee of the plan, scored, lines in."""
    period = (
        connect(odoo_server, "admin", "admin")
        .env["crm.appraisal.period"]
        .create({"period_type": "month", "date_from": "2025-05-01"})
    )
    env = connect(odoo_server, "rpc_hr", "rpc_hr-pw").env
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        connect(odoo_server, "rpc_carol", "rpc_carol-pw").env[
            "crm.appraisal.period"
        ].action_generate_appraisals([period])
    env["crm.appraisal.period"].action_generate_appraisals([period])
    rows = env["crm.appraisal"].search_read(
        [("period_id", "=", period)], ["employee_id", "line_ids", "computed_at"]
    )
    assert sorted(row["employee_id"][1] for row in rows) == sorted(rpc_org["appraisals"])
    assert all(len(row["line_ids"]) == 1 and row["computed_at"] for row in rows)


def test_workflow_over_rpc_by_the_right_people(odoo_server, rpc_org):
    dave = rpc_org["appraisals"]["Dave"]
    vp = connect(odoo_server, "rpc_vp", "rpc_vp-pw").env["crm.appraisal"]
    hr = connect(odoo_server, "rpc_hr", "rpc_hr-pw").env["crm.appraisal"]
    carol = connect(odoo_server, "rpc_carol", "rpc_carol-pw").env["crm.appraisal"]
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        carol.action_submit([dave])  # not Carol's team
    vp.action_submit([dave])  # the VP is Dave's manager in this org by rights
    vp.action_consolidate([dave])
    vp.action_first_review([dave])
    with pytest.raises(odoorpc.error.RPCError, match="Only HR can take this step"):
        vp.action_approve([dave])
    hr.action_approve([dave])
    assert hr.read([dave], ["state"])[0]["state"] == "approved"
    with pytest.raises(odoorpc.error.RPCError, match="approved and cannot change"):
        hr.write([dave], {"manager_comment": "late edit"})


def test_hr_of_another_company_sees_nothing(odoo_server, rpc_org):
    """Even the highest appraisal level stops at the company boundary."""
    admin = connect(odoo_server, "admin", "admin").env
    other = admin["res.company"].create({"name": "Other Co (RPC)"})
    admin["res.users"].create(
        {
            "name": "Other HR",
            "login": "rpc_other_hr",
            "password": "rpc_other_hr-pw",
            "company_id": other,
            "company_ids": [(6, 0, [other])],
            "group_ids": [(6, 0, [admin.ref("crm_performance.crm_performance_group_hr").id])],
        }
    )
    env = connect(odoo_server, "rpc_other_hr", "rpc_other_hr-pw").env
    assert env["crm.appraisal"].search_read([("period_id", "=", rpc_org["period"])], ["id"]) == []
    assert env["crm.appraisal.line"].search_count([]) == 0
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.appraisal"].read([rpc_org["appraisals"]["Alice"]], ["total_score"])


def test_recompute_and_close_check_the_caller_over_rpc(odoo_server, rpc_org):
    """The period's Recompute and Close compute as superuser: a salesperson or a manager is
    refused before anything moves, and HR's correction is not reverted by them."""
    alice = rpc_org["appraisals"]["Alice"]
    hr = connect(odoo_server, "rpc_hr", "rpc_hr-pw").env
    wizard = (
        hr["crm.appraisal.reason.wizard"]
        .with_context(active_model="crm.appraisal", active_ids=[alice], default_action="correct")
        .create({"reason": "Agreed with the employee", "score": 88.0})
    )
    hr["crm.appraisal.reason.wizard"].browse(wizard).action_confirm()
    for login in ("rpc_alice", "rpc_carol"):
        periods = connect(odoo_server, login, f"{login}-pw").env["crm.appraisal.period"]
        with pytest.raises(odoorpc.error.RPCError, match="Only HR can take this step"):
            periods.action_compute([rpc_org["period"]])
        with pytest.raises(odoorpc.error.RPCError, match=DENIED):
            periods.action_close([rpc_org["period"]])
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        hr["crm.appraisal.period"].action_close([rpc_org["period"]])  # administrators close
    hr["crm.appraisal.period"].action_compute([rpc_org["period"]])
    row = hr["crm.appraisal"].read([alice], ["total_score", "score_corrected", "correction_reason"])[0]
    assert (row["total_score"], row["score_corrected"], row["correction_reason"]) == (
        88.0,
        True,
        "Agreed with the employee",
    )
    with pytest.raises(odoorpc.error.RPCError, match="Only HR can take this step"):
        connect(odoo_server, "rpc_carol", "rpc_carol-pw").env["crm.appraisal"].action_remove_correction(
            [alice]
        )


def test_kpi_configuration_needs_the_rights_to_read_the_source_over_rpc(odoo_server, rpc_org):
    """A Performance Administrator without Employees rights cannot measure an HR-private field."""
    admin = connect(odoo_server, "admin", "admin").env
    admin["res.users"].create(
        {
            "name": "Configurator",
            "login": "rpc_config",
            "password": "rpc_config-pw",
            "group_ids": [
                (
                    6,
                    0,
                    [
                        admin.ref(f"{PERF}admin").id,
                        admin.ref("sales_team.group_sale_salesman_all_leads").id,
                    ],
                )
            ],
        }
    )
    env = connect(odoo_server, "rpc_config", "rpc_config-pw").env
    fields = admin["ir.model.fields"]
    crm_lead = admin["ir.model"].search([("model", "=", "crm.lead")])[0]
    lead_field = {
        name: fields.search([("model", "=", "crm.lead"), ("name", "=", name)])[0]
        for name in ("create_date", "user_id")
    }
    values = {
        "name": "Distance of the salesperson",
        "model_id": crm_lead,
        "date_field_id": lead_field["create_date"],
        "user_field_id": lead_field["user_id"],
    }
    with pytest.raises(
        odoorpc.error.RPCError, match="you may not read the field “Home-Work Distance in Km” of Employee"
    ):
        env["crm.kpi.definition"].create(
            {**values, "domain": "[('user_id.employee_ids.km_home_work', '>', 10)]"}
        )
    kpi = env["crm.kpi.definition"].create({**values, "domain": "[('won_status', '=', 'won')]"})
    assert env["crm.kpi.definition"].read([kpi], ["model_name"])[0]["model_name"] == "crm.lead"


def test_the_workflows_own_writes_cannot_be_forged_over_rpc(odoo_server, rpc_org):
    """The context flags under which the workflow and the computation write states and scores
    are set by the server's own code: the same keys sent by a caller change nothing."""
    bob = rpc_org["appraisals"]["Bob"]
    carol = connect(odoo_server, "rpc_carol", "rpc_carol-pw").env["crm.appraisal"]
    with pytest.raises(odoorpc.error.RPCError, match="Use the workflow buttons"):
        carol.with_context(crm_performance_workflow=True).write([bob], {"state": "approved"})
    with pytest.raises(odoorpc.error.RPCError, match="Scores are computed from the KPI lines"):
        carol.with_context(crm_performance_compute=True).write([bob], {"total_score": 100})
    assert carol.read([bob], ["state"])[0]["state"] == "draft"


def test_a_manager_sets_targets_for_his_team_only(odoo_server, rpc_org):
    """Set Targets over RPC: Carol sees and sets Alice's and Bob's targets, not Dave's; Alice
    (a salesperson) none; a refused save writes nothing."""
    admin = connect(odoo_server, "admin", "admin").env
    [plan] = admin["crm.appraisal.plan"].search([("name", "=", "RPC plan")])
    [dave] = admin["hr.employee"].search([("user_id.login", "=", "rpc_dave")])
    [alice] = admin["hr.employee"].search([("user_id.login", "=", "rpc_alice")])
    period = rpc_org["period"]
    carol = connect(odoo_server, "rpc_carol", "rpc_carol-pw").env["crm.kpi.target.grid"]
    grid = carol.get_grid(period, plan)
    assert [row["name"] for row in grid["rows"]] == ["Alice", "Bob"]
    [revenue] = [column["kpi_id"] for column in grid["columns"]]
    with pytest.raises(odoorpc.error.RPCError, match="not your own"):
        carol.save_grid(
            period,
            plan,
            [
                {"employee_id": alice, "kpi_id": revenue, "value": 2000},
                {"employee_id": dave, "kpi_id": revenue, "value": 1},
            ],
        )
    targets = [("period_id", "=", period), ("employee_id", "in", [alice, dave])]
    assert admin["crm.kpi.target"].search(targets) == []
    saved = carol.save_grid(period, plan, [{"employee_id": alice, "kpi_id": revenue, "value": 2000}])
    assert saved["rows"][0]["cells"] == {str(revenue): 2000}
    carol.save_grid(period, plan, [{"employee_id": alice, "kpi_id": revenue, "value": None}])
    assert admin["crm.kpi.target"].search(targets) == []
    salesperson = connect(odoo_server, "rpc_alice", "rpc_alice-pw").env["crm.kpi.target.grid"]
    with pytest.raises(odoorpc.error.RPCError, match="Targets are set by managers"):
        salesperson.get_grid(period, plan)
