"""The access matrix over the wire, on both transports: JSON-RPC (odoorpc, API key as password)
and Odoo 19's JSON-2 (``/json/2/<model>/<method>``, bearer API key). A representative subset of
crm_performance/tests/test_access_matrix.py, on Alice's records of the RPC org (conftest).
Y: allowed / in the result, N: refused with an access error / not in the result.
"""

import pytest
from crm_performance_sync.config import Connection
from crm_performance_sync.errors import AccessDenied
from crm_performance_sync.transport import TRANSPORTS, connect

from .conftest import make_api_key

MATRIX = """
model                role       search_read  read  read_group  open_records  write  unlink
crm.appraisal        rpc_alice  Y            Y     Y           -             N      N
crm.appraisal        rpc_dave   N            N     N           -             N      N
crm.appraisal        rpc_carol  Y            Y     Y           -             Y      N
crm.appraisal        rpc_vp     Y            Y     Y           -             Y      N
crm.appraisal        rpc_hr     Y            Y     Y           -             Y      N
crm.appraisal.line   rpc_alice  Y            Y     Y           Y             N      N
crm.appraisal.line   rpc_dave   N            N     N           N             N      N
crm.appraisal.line   rpc_carol  Y            Y     Y           Y             Y      N
crm.appraisal.line   rpc_vp     Y            Y     Y           Y             Y      N
crm.appraisal.line   rpc_hr     Y            Y     Y           Y             Y      N
crm.kpi.definition   rpc_alice  Y            Y     Y           -             N      N
crm.kpi.definition   rpc_carol  Y            Y     Y           -             N      N
crm.kpi.definition   rpc_hr     Y            Y     Y           -             N      N
"""
# harmless changes, made for real when allowed (the server keeps them)
CHANGES = {
    "crm.appraisal": {"manager_comment": "Seen over RPC"},
    "crm.appraisal.line": {"note": "Seen over RPC"},
    "crm.kpi.definition": {"name": "Renamed over RPC"},
}


def read_group_count(client, model, record_id):
    groups = client.call(model, "read_group", domain=[("id", "=", record_id)], fields=["__count"], groupby=[])
    return groups[0]["__count"] == 1


OPERATIONS = {
    "search_read": lambda c, model, i: bool(c.search_read(model, [("id", "=", i)], ["display_name"])),
    "read": lambda c, model, i: c.call(model, "read", ids=[i], fields=["display_name"])[0]["id"] == i,
    "read_group": read_group_count,
    "open_records": lambda c, model, i: c.call(model, "action_open_records", ids=[i])["res_model"]
    == "crm.lead",
    "write": lambda c, model, i: c.call(model, "write", ids=[i], vals=CHANGES[model]),
    "unlink": lambda c, model, i: c.call(model, "unlink", ids=[i]),
}


def rows():
    header, *lines = (line.split() for line in MATRIX.strip().splitlines())
    return [(model, role, dict(zip(header[2:], marks, strict=True))) for model, role, *marks in lines]


@pytest.fixture(scope="module")
def subjects(rpc_org, odoo_server):
    admin = connect(
        Connection(odoo_server.url, odoo_server.db, "admin", make_api_key(odoo_server, "admin"), "json2")
    )
    revenue = admin.search_read("ir.model.data", [("name", "=", "kpi_won_revenue")], ["res_id"])[0]["res_id"]
    return {
        "crm.appraisal": rpc_org["appraisals"]["Alice"],
        "crm.appraisal.line": rpc_org["lines"]["Alice"],
        "crm.kpi.definition": revenue,
    }


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize(("model", "role", "expected"), rows(), ids=lambda value: str(value)[:20])
def test_matrix_over_rpc(odoo_server, subjects, transport, model, role, expected):
    client = connect(
        Connection(odoo_server.url, odoo_server.db, role, make_api_key(odoo_server, role), transport)
    )
    found = {}
    for operation, mark in expected.items():
        if mark == "-":
            continue
        try:
            allowed = OPERATIONS[operation](client, model, subjects[model])
        except AccessDenied:
            allowed = False
        found[operation] = "Y" if allowed else "N"
    assert found == {operation: mark for operation, mark in expected.items() if mark != "-"}
