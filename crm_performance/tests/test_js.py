from odoo.tests import HttpCase, tagged


def hoot_id(name):
    """The id HOOT gives a suite or test named ``name`` (the hash of web/tests/test_js.py)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestDashboardUnit(HttpCase):
    def test_my_performance_component(self):
        """The dashboard component's HOOT tests (static/tests), in Chromium."""
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_id('@crm_performance')}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )
