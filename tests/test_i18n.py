"""The translation template is what the module exports, and zh_CN translates every term."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pot_current_and_zh_cn_complete(odoo_server):
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "check", str(odoo_server.conf), odoo_server.db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr[-2000:]
