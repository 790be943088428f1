"""Odoo serving as if today were another day (``bench_load.py --today``):

    python bench/odoo_on_day.py 2026-11-16 /opt/odoo19/odoo-bin -c odoo.conf ...

Only the day the ORM calls today moves (``fields.Date.today`` and ``fields.Date.context_today``
without a timestamp: the dashboard's month, its days gone and its forecast); clocks, timestamps
and PostgreSQL's ``now()`` stay real. The process stays the one a socket activation handed the
listening socket to."""

import runpy
import sys
from datetime import date
from pathlib import Path

day, program = date.fromisoformat(sys.argv[1]), sys.argv[2]
sys.argv = sys.argv[2:]
sys.path.insert(0, str(Path(program).resolve().parent))

from odoo import fields  # noqa: E402 - after the path to Odoo's sources

context_today = fields.Date.context_today
fields.Date.today = staticmethod(lambda *args: day)
fields.Date.context_today = staticmethod(
    lambda record, timestamp=None: context_today(record, timestamp) if timestamp else day
)
runpy.run_path(program, run_name="__main__")
