"""Integrity signals over RPC (odoorpc / JSON-RPC): who reads them, who explains them.

Alice and Bob each typed in a customer with a phone only this month; with the company's thin
customer threshold at 1, their appraisals of this month carry a "Thin customers" signal.
"""

from datetime import date

import odoorpc
import pytest

from .conftest import connect

DENIED = r"not allowed to (access|modify|create)|doesn't have '\w+' access"
VISIBLE = {
    "rpc_alice": set(),
    "rpc_bob": set(),
    "rpc_carol": {"Alice", "Bob"},
    "rpc_dave": set(),
    "rpc_vp": {"Alice", "Bob"},
    "rpc_hr": {"Alice", "Bob"},
}


@pytest.fixture(scope="module")
def signals(odoo_server, rpc_org):
    admin = connect(odoo_server, "admin", "admin").env
    company = admin["res.users"].read([admin.uid], ["company_id"])[0]["company_id"][0]
    admin["res.company"].write([company], {"performance_signal_thin_customer_threshold": 1})
    for number, login in enumerate(("rpc_alice", "rpc_bob")):
        user = admin["res.users"].search([("login", "=", login)])[0]
        admin["res.partner"].create(
            {"name": f"Walk-in {login}", "phone": f"138 0013 800{number}", "user_id": user}
        )
    Period = admin["crm.appraisal.period"]
    first = date.today().replace(day=1).isoformat()
    period = Period.search([("period_type", "=", "month"), ("date_from", "=", first)]) or [
        Period.create({"period_type": "month", "date_from": first})
    ]
    hr = connect(odoo_server, "rpc_hr", "rpc_hr-pw").env["crm.appraisal.period"]
    hr.action_generate_appraisals(period)
    hr.action_compute(period)
    rows = admin["crm.appraisal.signal"].search_read(
        [("period_id", "=", period[0]), ("kind", "=", "thin_customer")], ["employee_id", "appraisal_id"]
    )
    found = {row["employee_id"][1]: (row["id"], row["appraisal_id"][0]) for row in rows}
    assert {"Alice", "Bob"} <= set(found)
    yield {"period": period[0], "signals": found, "admin": admin, "company": company}
    admin["res.company"].write([company], {"performance_signals_employee_visible": False})


@pytest.mark.parametrize("login", sorted(VISIBLE))
def test_each_role_reads_exactly_its_signals(odoo_server, signals, login):
    env = connect(odoo_server, login, f"{login}-pw").env
    domain = [("period_id", "=", signals["period"]), ("kind", "=", "thin_customer")]
    rows = env["crm.appraisal.signal"].search_read(domain, ["employee_id", "count"])
    assert {row["employee_id"][1] for row in rows} == VISIBLE[login]
    groups = env["crm.appraisal.signal"].read_group(domain, ["count:sum"], ["employee_id"])
    assert {group["employee_id"][1] for group in groups} == VISIBLE[login]
    for name, (signal, _appraisal) in signals["signals"].items():
        if name not in VISIBLE[login]:
            with pytest.raises(odoorpc.error.RPCError, match=DENIED):
                env["crm.appraisal.signal"].read([signal], ["count"])


def test_salesperson_sees_own_signals_only_when_the_company_allows(odoo_server, signals):
    alice = connect(odoo_server, "rpc_alice", "rpc_alice-pw").env
    own, appraisal = signals["signals"]["Alice"]
    read = alice["crm.appraisal"].read([appraisal], ["signal_count", "signal_ids", "signal_summary"])[0]
    assert (read["signal_count"], read["signal_ids"], read["signal_summary"]) == (0, [], "")
    with pytest.raises(odoorpc.error.RPCError, match=DENIED):
        alice["crm.appraisal.signal"].read([own], ["count"])
    signals["admin"]["res.company"].write(
        [signals["company"]], {"performance_signals_employee_visible": True}
    )
    try:
        assert alice["crm.appraisal.signal"].read([own], ["count"])[0]["count"] == 1
        assert alice["crm.appraisal"].read([appraisal], ["signal_ids"])[0]["signal_ids"] == [own]
        with pytest.raises(odoorpc.error.RPCError, match=DENIED):
            alice["crm.appraisal.signal"].read([signals["signals"]["Bob"][0]], ["count"])
        with pytest.raises(odoorpc.error.RPCError, match="your own appraisal"):
            alice["crm.appraisal.signal"].write([own], {"comment": "Fine"})
    finally:
        signals["admin"]["res.company"].write(
            [signals["company"]], {"performance_signals_employee_visible": False}
        )


def test_manager_explains_and_cannot_forge_the_computation(odoo_server, signals):
    carol = connect(odoo_server, "rpc_carol", "rpc_carol-pw").env["crm.appraisal.signal"]
    bob, _appraisal = signals["signals"]["Bob"]
    with pytest.raises(odoorpc.error.RPCError, match="a reviewer can only explain them"):
        carol.with_context(crm_performance_signals=True).write([bob], {"explained": True, "count": 0})
    with pytest.raises(odoorpc.error.RPCError, match="Write the explanation"):
        carol.action_explain([bob])
    carol.write([bob], {"comment": "A walk-in customer who would not leave an email."})
    carol.action_explain([bob])
    assert carol.read([bob], ["explained", "count"])[0] == {"id": bob, "explained": True, "count": 1}
    action = carol.action_open_records([bob])
    assert action["res_model"] == "res.partner"
    partners = signals["admin"]["res.partner"].search_read(action["domain"], ["name"])
    assert [partner["name"] for partner in partners] == ["Walk-in rpc_bob"]


def test_only_the_performance_administrator_sets_the_settings(odoo_server, signals):
    """Performance > Configuration > Settings writes the company's ``performance_*`` fields: the
    Performance Administrator may (without Odoo's Settings rights), nobody else, and no other field."""
    admin, company = signals["admin"], signals["company"]
    admin["res.users"].create(
        {
            "name": "Pat",
            "login": "rpc_pat",
            "password": "rpc_pat-pw",
            "group_ids": [(6, 0, [admin.ref("crm_performance.crm_performance_group_admin").id])],
        }
    )
    pat = connect(odoo_server, "rpc_pat", "rpc_pat-pw").env["res.company"]
    try:
        pat.write([company], {"performance_signal_stage_jump_threshold": 12, "performance_deadline_day": 9})
        assert pat.read([company], ["performance_signal_stage_jump_threshold", "performance_deadline_day"])[
            0
        ] == {
            "id": company,
            "performance_signal_stage_jump_threshold": 12,
            "performance_deadline_day": 9,
        }
        with pytest.raises(odoorpc.error.RPCError, match=DENIED):
            pat.write([company], {"name": "Renamed", "performance_signal_stage_jump_threshold": 3})
        for login in ("rpc_hr", "rpc_vp", "rpc_carol", "rpc_alice"):
            other = connect(odoo_server, login, f"{login}-pw").env["res.company"]
            with pytest.raises(odoorpc.error.RPCError, match=DENIED):
                other.write([company], {"performance_signal_stage_jump_threshold": 3})
        assert (
            admin["res.company"].read([company], ["name", "performance_signal_stage_jump_threshold"])[0][
                "performance_signal_stage_jump_threshold"
            ]
            == 12
        )
    finally:
        admin["res.company"].write(
            [company], {"performance_signal_stage_jump_threshold": 10, "performance_deadline_day": 8}
        )
