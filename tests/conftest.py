"""Fixtures that run a real Odoo 19 server with crm_performance installed, on 127.0.0.1.

``make test`` installs the module once and passes a template database in
``CRMPERF_TEMPLATE_DB``; each server fixture copies it (``createdb -T``), so tests that
commit data never see each other. Run alone (``pytest tests``), the fixture installs the
module into a fresh database itself.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import odoorpc
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
STATE_DIR = ROOT / ".odoo"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OdooServer:
    """A running Odoo server process and how to reach it."""

    db: str
    port: int
    process: subprocess.Popen
    conf: Path
    log: Path

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _odoo_cmd(conf, *args):
    return [sys.executable, str(ODOO_SRC / "odoo-bin"), "-c", str(conf), *args]


def _write_conf(db, port):
    STATE_DIR.mkdir(exist_ok=True)
    conf = STATE_DIR / f"rpc-{db}.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {ODOO_SRC / 'addons'},{ROOT}\n"
        f"data_dir = {STATE_DIR / 'data'}\n"
        f"db_name = {db}\n"
        f"dbfilter = ^{db}$\n"
        "http_interface = 127.0.0.1\n"
        f"http_port = {port}\n"
        "list_db = False\n"
        "max_cron_threads = 0\n"
        "workers = 0\n",
        encoding="utf-8",
    )
    return conf


def _template_db():
    template = os.environ.get("CRMPERF_TEMPLATE_DB")
    if template:
        return template
    template = f"crmperf_rpc_tpl_{os.getpid()}"
    conf = _write_conf(template, 0)
    subprocess.run(
        _odoo_cmd(conf, "-d", template, "-i", "crm_performance", "--stop-after-init", "--no-http"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ["CRMPERF_TEMPLATE_DB"] = template
    os.environ["CRMPERF_TEMPLATE_OWNED"] = "1"
    return template


@contextlib.contextmanager
def database_copy():
    """A private copy of the installed database (dropped afterwards); yields its name."""
    db = f"crmperf_copy_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", _template_db(), db], check=True)
    try:
        yield db
    finally:
        from odoo.modules.registry import Registry
        from odoo.sql_db import close_db

        Registry.delete(db)
        close_db(db)
        subprocess.run(["dropdb", "--if-exists", db], check=False)


def load_registry(db):
    """The Odoo registry of ``db`` in this process, loaded afresh."""
    from odoo.modules.registry import Registry
    from odoo.tools import config

    test_enable = config["test_enable"]
    config["test_enable"] = False  # pytest-odoo's setting: loading would run the at_install tests
    try:
        Registry.delete(db)
        return Registry(db)
    finally:
        config["test_enable"] = test_enable


def start_server(db=None):
    """Copy the template database and serve it; return an :class:`OdooServer`."""
    db = db or f"crmperf_rpc_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", _template_db(), db], check=True)
    return serve(db)


def serve(db, options=()):
    """Serve ``db`` with Odoo's command-line ``options``; return an :class:`OdooServer` once it
    answers."""
    port = free_port()
    conf = _write_conf(db, port)
    log = STATE_DIR / f"rpc-{db}.log"
    process = subprocess.Popen(
        _odoo_cmd(conf, f"--logfile={log}", "--log-level=info", *options),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = OdooServer(db=db, port=port, process=process, conf=conf, log=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Odoo exited with {process.returncode}; see {log}")
        try:
            if requests.get(f"{server.url}/web/health", timeout=2).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):  # still loading, or a busy machine
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"Odoo did not answer on {server.url} within 120 s; see {log}")


def drop_server(server):
    server.stop()
    subprocess.run(["dropdb", "--if-exists", server.db], check=False)
    shutil.rmtree(STATE_DIR / "data" / "filestore" / server.db, ignore_errors=True)
    server.conf.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def english_sync(monkeypatch):
    """The sync speaks English in the tests whatever the machine's locale (a test may switch)."""
    monkeypatch.setenv("LANGUAGE", "en")
    yield
    from crm_performance_sync import i18n

    i18n.use("en")


@pytest.fixture(scope="session")
def odoo_server():
    """One server for the session, on a private copy of the installed database."""
    server = start_server()
    yield server
    drop_server(server)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.pop("CRMPERF_TEMPLATE_OWNED", None):
        subprocess.run(["dropdb", "--if-exists", os.environ.pop("CRMPERF_TEMPLATE_DB")], check=False)


PERF = "crm_performance.crm_performance_group_"
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


@pytest.fixture(scope="session")
def rpc_org(odoo_server):
    """Over RPC on the session server: Alice and Bob sell in Carol's team North (Carol is their
    manager), Dave manages another team, the VP reviews, HR approves; March 2025 appraisals.
    Each user's password is ``<login>-pw``."""
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
    rows = env["crm.appraisal"].search_read([("period_id", "=", period)], ["employee_id", "line_ids"])
    return {
        "appraisals": {row["employee_id"][1]: row["id"] for row in rows},
        "lines": {row["employee_id"][1]: row["line_ids"][0] for row in rows},
        "period": period,
    }


def make_api_key(server, login, name="crm-performance-sync tests"):
    """A persistent RPC API key for ``login`` on ``server``'s database; returns the key.

    Odoo makes keys in ``res.users.apikeys._generate``, but only behind an identity check
    (password re-entry in a browser session), so it cannot be called over RPC. This inserts the
    row that ``_generate`` inserts, hashed with Odoo's own ``KEY_CRYPT_CONTEXT``; the server checks
    keys against that table on every request, so the key works at once, even while it runs.
    """
    import psycopg2

    from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

    key = secrets.token_hex(20)  # as _generate: 20 random bytes in hex
    with psycopg2.connect(dbname=server.db) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM res_users WHERE login = %s", [login])
        (user_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO res_users_apikeys (name, user_id, scope, key, index) VALUES (%s, %s, NULL, %s, %s)",
            [name, user_id, KEY_CRYPT_CONTEXT.hash(key), key[:INDEX_SIZE]],
        )
    connection.close()
    return key


@pytest.fixture(scope="session")
def admin_api_key(odoo_server):
    return make_api_key(odoo_server, "admin")


@pytest.fixture(scope="session")
def new_api_key():
    """``new_api_key(server, login)``: see :func:`make_api_key`."""
    return make_api_key


@pytest.fixture
def dead_url():
    """The address of a port nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


def payroll_book(headers):
    """(openpyxl workbook, its sheet "Payroll") with HR's merged title on row 1 and ``headers``
    in bold on row 3."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Payroll"
    sheet["A1"] = "Payroll October 2026"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:D1")
    for column, header in enumerate(headers, start=1):
        sheet.cell(3, column, header).font = Font(bold=True)
    return book, sheet


def build_payroll_workbook(path):
    """HR's payroll workbook as the sync finds it: a title above the header, a formula column,
    formats and widths, a second sheet that refers to the first, no "Sync note" column yet."""
    from openpyxl.styles import PatternFill

    headers = [
        "Badge ID",
        "Employee",
        "Department",
        "Pay base",
        "Period",
        "Score",
        "Grade",
        "Completion %",
        "Base pay",
        "Plan-completion pay",
        "Daily-work pay",
        "Over-plan bonus",
        "Monthly pay",
        "Net pay",
    ]
    book, sheet = payroll_book(headers)
    rows = [
        ("B1001", "Alice Martin", "Sales North", 10000, "2026-09", 80, "B", 90),
        ("B1002", "Bob Chen", "Sales North", 6000, None, None, None, None),
        ("B1003", "Carla Diaz", "Sales South", None, None, None, None, None),
        ("B1009", "Dan Left", "Sales South", 7000, "2026-09", 70, "C", 80),
    ]
    for offset, values in enumerate(rows):
        row = 4 + offset
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value)
        sheet.cell(row, 4).number_format = "#,##0.00"
        sheet.cell(row, 2).fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.cell(row, 14, f"=M{row}*0.9")
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["N"].width = 14
    notes = book.create_sheet("Notes")
    notes["A1"] = "Alice's pay base x 2"
    notes["B1"] = "=Payroll!D4*2"
    notes["A2"] = "kept as is"
    book.save(path)
    return path


@pytest.fixture
def payroll_xlsx(tmp_path):
    return build_payroll_workbook(tmp_path / "payroll.xlsx")


@pytest.fixture
def appraisal_frame():
    """``appraisal_frame(rows)``: the DataFrame the pull makes, from (identifier, employee, score,
    grade, completion) tuples, for period 2026-10."""
    import pandas as pd
    from crm_performance_sync.pull import FRAME_COLUMNS

    def make(rows):
        return pd.DataFrame(
            [
                {
                    "identifier": identifier,
                    "employee": employee,
                    "department": "",
                    "team": "",
                    "period": "2026-10",
                    "score": score,
                    "grade": grade,
                    "completion": completion,
                    "rank": rank,
                    "appraisal_id": rank,
                }
                for rank, (identifier, employee, score, grade, completion) in enumerate(rows, start=1)
            ],
            columns=FRAME_COLUMNS,
        )

    return make
