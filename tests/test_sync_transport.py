"""Both transports against the real server: login, reads, RPC count, and every failure mode."""

import pytest
from crm_performance_sync.config import Connection
from crm_performance_sync.errors import AccessDenied, OdooDataError, ServerError
from crm_performance_sync.transport import TRANSPORTS, connect

pytestmark = pytest.mark.parametrize("transport", sorted(TRANSPORTS))


def connection(server, key, transport, **changes):
    values = {
        "url": server.url,
        "database": server.db,
        "login": "admin",
        "api_key": key,
        "transport": transport,
        "timeout": 30.0,
    }
    return Connection(**(values | changes))


@pytest.fixture(scope="module")
def portal_key(odoo_server, admin_api_key, new_api_key):
    """A key of a user without any back-office rights (made over RPC with the admin key)."""
    admin = connect(connection(odoo_server, admin_api_key, "json2"))
    portal_group = admin.search_read(
        "ir.model.data", [("module", "=", "base"), ("name", "=", "group_portal")], ["res_id"]
    )[0]["res_id"]
    admin.call(
        "res.users",
        "create",
        vals_list=[{"name": "Sync Portal", "login": "sync_portal", "group_ids": [(6, 0, [portal_group])]}],
    )
    return new_api_key(odoo_server, "sync_portal")


def test_login_and_paged_reads(odoo_server, admin_api_key, transport):
    client = connect(connection(odoo_server, admin_api_key, transport))
    logged_in = client.rpc_calls
    domain = [("login", "in", ["admin", "__system__"]), ("active", "in", [True, False])]
    first = client.search_read("res.users", domain, ["login"], offset=0, limit=1, order="id")
    second = client.search_read("res.users", domain, ["login"], offset=1, limit=1, order="id")
    assert [row["login"] for row in first + second] == ["__system__", "admin"]
    assert client.search_count("res.users", domain) == 2
    assert client.call("res.users", "read", ids=[first[0]["id"]], fields=["login"]) == first
    assert client.rpc_calls == logged_in + 4


def test_key_is_checked_at_login(odoo_server, transport):
    with pytest.raises(AccessDenied, match="Odoo refused the login 'admin' with this API key"):
        connect(connection(odoo_server, "0" * 40, transport))


def test_unknown_database(odoo_server, admin_api_key, transport):
    with pytest.raises(ServerError, match="has no database 'payroll_typo'"):
        connect(connection(odoo_server, admin_api_key, transport, database="payroll_typo"))


def test_unreachable_server(odoo_server, dead_url, transport):
    with pytest.raises(ServerError, match=f"cannot reach the Odoo server at {dead_url} "):
        connect(connection(odoo_server, "k", transport, url=dead_url))


def test_access_error_names_the_group(odoo_server, portal_key, transport):
    client = connect(connection(odoo_server, portal_key, transport, login="sync_portal"))
    with pytest.raises(
        AccessDenied, match="(?s)Odoo refused access for sync_portal: .*Performance / HR group"
    ):
        client.search_read("hr.employee", [], ["name"])


def test_missing_model(odoo_server, admin_api_key, transport):
    client = connect(connection(odoo_server, admin_api_key, transport))
    with pytest.raises(OdooDataError, match="has no 'crm.nothing' model"):
        client.search_read("crm.nothing", [], ["name"])
