"""Prepare the payroll sync of ``make demo``: an HR API key and HR's starting workbook.

Usage: python tools/demo_payroll.py CONF DB WORKBOOK SYNC_CONFIG PORT
Runs inside Odoo's environment (the demo server is stopped) and writes:
- SYNC_CONFIG: the sync's TOML config for the demo HR user, with a fresh API key (mode 600);
- WORKBOOK, if it does not exist yet: HR's payroll sheet (badge ID, name, department, pay base
  and a formula column) plus a notes sheet, as HR keeps it before the first sync.
Prints the most recent month whose appraisals are all approved, the one the demo pays.
"""

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

KEY_NAME = "make demo payroll sync"


def hr_api_key(env):
    hr_user = env["res.users"].search([("login", "=", "hr")], limit=1)
    if not hr_user:
        sys.exit("the demo HR user 'hr' is missing; rebuild the demo with DEMO_RESET=1")
    keys = env["res.users.apikeys"].sudo()
    keys.search([("user_id", "=", hr_user.id), ("name", "=", KEY_NAME)]).unlink()
    expiration = datetime.now() + timedelta(days=30)
    return keys.with_user(hr_user).sudo()._generate(None, KEY_NAME, expiration)


def paid_period(env):
    months = env["crm.appraisal.period"].search([("period_type", "=", "month")], order="date_from desc")
    for period in months:
        states = set(period.appraisal_ids.mapped("state"))
        if states and states <= {"approved", "locked"}:
            return period.code
    sys.exit("no month of the demo has all its appraisals approved")


def write_workbook(env, path):
    employees = env["hr.employee"].search([("barcode", "!=", False)], order="barcode")
    book = Workbook()
    sheet = book.active
    sheet.title = "Payroll"
    sheet.append(["Badge ID", "Name", "Department", "Pay base", "Housing allowance", "Gross before tax"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2678B2")
    for row, employee in enumerate(employees, start=2):
        pay_base = 9000 + 500 * (int(employee.barcode[1:]) % 7)  # HR's own figures, not Odoo's
        sheet.append(
            [employee.barcode, employee.name, employee.department_id.name, pay_base, 1500, f"=D{row}+E{row}"]
        )
        sheet.cell(row, 4).number_format = "#,##0.00"
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 18
    notes = book.create_sheet("Notes")
    notes.append(["Pay bases are HR's; the sync only fills the score and pay columns."])
    book.save(path)


def main(conf, db, workbook, sync_config, port):
    config.parse_config(["-c", conf, "-d", db])
    with Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        key = hr_api_key(env)
        period = paid_period(env)
        if not Path(workbook).exists():
            write_workbook(env, workbook)
    Path(sync_config).write_text(
        f'[odoo]\nurl = "http://127.0.0.1:{port}"\ndatabase = "{db}"\nlogin = "hr"\napi_key = "{key}"\n',
        encoding="utf-8",
    )
    os.chmod(sync_config, 0o600)
    print(period)


if __name__ == "__main__":
    main(*sys.argv[1:])
