"""The foundation: a real server with the module installed answers over RPC."""

import odoorpc
import pytest


def test_admin_sees_module_installed(odoo_server):
    odoo = odoorpc.ODOO("127.0.0.1", port=odoo_server.port, timeout=60)
    odoo.login(odoo_server.db, "admin", "admin")
    module = odoo.env["ir.module.module"].search_read(
        [("name", "=", "crm_performance")], ["state", "latest_version"]
    )
    assert module == [{"id": module[0]["id"], "state": "installed", "latest_version": "19.0.1.0.0"}]


def test_wrong_password_is_refused(odoo_server):
    odoo = odoorpc.ODOO("127.0.0.1", port=odoo_server.port, timeout=60)
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        odoo.login(odoo_server.db, "admin", "not-the-password")
