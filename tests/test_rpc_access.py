"""Privacy and rights over RPC (odoorpc / JSON-RPC), as each role of a small sales org.

Alice and Bob sell in Carol's team (Carol is their manager); Dave manages another team; the
VP reviews everything; HR approves. Expected visibility is written out per role.
"""

import odoorpc
import pytest

PERF = "crm_performance.crm_performance_group_"
# Odoo's messages: access rights ("not allowed to modify ...") or record rules ("doesn't have ...")
DENIED = r"not allowed to (access|modify|create)|doesn't have '\w+' access"
ROLES = {
    "rpc_alice": (["user"], "sales_team.group_sale_salesman"),
    "rpc_bob": (["user"], "sales_team.group_sale_salesman"),
    "rpc_carol": (["manager"], "sales_team.group_sale_salesman_all_leads"),
    "rpc_dave": (["manager"], "sales_team.group_sale_salesman"),
    "rpc_vp": (["reviewer"], None),
    "rpc_hr": (["hr"], None),
}


def connect(server, login, password):
    odoo = odoorpc.ODOO("127.0.0.1", port=server.port, timeout=120)
    odoo.login(server.db, login, password)
    return odoo


@pytest.fixture(scope="module")
def org(odoo_server):
    admin = connect(odoo_server, "admin", "admin")
    env = admin.env
    users = {}
    for login, (levels, sales_group) in ROLES.items():
        groups = [env.ref(f"{PERF}{level}").id for level in levels]
        if sales_group:
            groups.append(env.ref(sales_group).id)
        users[login] = env["res.users"].create(
            {
                "name": login.split("_")[1].title(),
                "login": login,
                "password": f"{login}-pw",
                "group_ids": [(6, 0, groups)],
            }
        )
    employees = env["hr.employee"]
    carol = employees.create({"name": "Carol", "user_id": users["rpc_carol"]})
    emp = {
        "Alice": employees.create({"name": "Alice", "user_id": users["rpc_alice"], "parent_id": carol}),
        "Bob": employees.create({"name": "Bob", "user_id": users["rpc_bob"], "parent_id": carol}),
        "Dave": employees.create({"name": "Dave", "user_id": users["rpc_dave"]}),
    }
    env["crm.team"].create(
        {
            "name": "North",
            "user_id": users["rpc_carol"],
            "crm_team_member_ids": [
                (0, 0, {"user_id": users["rpc_alice"]}),
                (0, 0, {"user_id": users["rpc_bob"]}),
            ],
        }
    )
    revenue = env.ref("crm_performance.kpi_won_revenue").id
    env["crm.appraisal.plan"].create(
        {
            "name": "RPC plan",
            "employee_ids": [(6, 0, list(emp.values()))],
            "line_ids": [(0, 0, {"kpi_id": revenue, "weight": 100, "default_target": 1000})],
        }
    )
    period = env["crm.appraisal.period"].create({"period_type": "month", "date_from": "2025-03-01"})
    env["crm.appraisal.period"].browse(period).action_generate_appraisals()
    appraisals = {
        row["employee_id"][1]: row["id"]
        for row in env["crm.appraisal"].search_read([("period_id", "=", period)], ["employee_id"])
    }
    return {"appraisals": appraisals, "period": period}


VISIBLE = {
    "rpc_alice": {"Alice"},
    "rpc_bob": {"Bob"},
    "rpc_carol": {"Alice", "Bob"},
    "rpc_dave": {"Dave"},
    "rpc_vp": {"Alice", "Bob", "Dave"},
    "rpc_hr": {"Alice", "Bob", "Dave"},
}


@pytest.mark.parametrize("login", sorted(VISIBLE))
def test_each_role_sees_exactly_its_appraisals(odoo_server, org, login):
    env = connect(odoo_server, login, f"{login}-pw").env
    domain = [("period_id", "=", org["period"])]
    rows = env["crm.appraisal"].search_read(domain, ["employee_id", "total_score"])
    assert {row["employee_id"][1] for row in rows} == VISIBLE[login]
    groups = env["crm.appraisal"].read_group(domain, ["total_score:sum"], ["employee_id"])
    assert {g["employee_id"][1] for g in groups} == VISIBLE[login]
    lines = env["crm.appraisal.line"].search_read(
        [("appraisal_id.period_id", "=", org["period"])], ["appraisal_id"]
    )
    assert len(lines) == len(VISIBLE[login])
    for name, appraisal_id in org["appraisals"].items():
        if name in VISIBLE[login]:
            continue
        with pytest.raises(odoorpc.error.RPCError, match=DENIED):
            env["crm.appraisal"].read([appraisal_id], ["total_score"])


def test_salesperson_cannot_change_or_configure(odoo_server, org):
    env = connect(odoo_server, "rpc_alice", "rpc_alice-pw").env
    own = org["appraisals"]["Alice"]
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.appraisal"].write([own], {"manager_comment": "self praise"})
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        env["crm.kpi.definition"].create({"name": "Mine", "measure_mode": "manual"})
    with pytest.raises(odoorpc.error.RPCError, match="Only a manager can take this step"):
        env["crm.appraisal"].action_submit([own])


def test_workflow_over_rpc_by_the_right_people(odoo_server, org):
    dave = org["appraisals"]["Dave"]
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
