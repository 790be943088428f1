"""End to end: a small sales org with appraisals made over RPC on a real server, the sync run
as HR runs it, the workbook read back with openpyxl."""

import contextlib

import openpyxl
import pandas as pd
import psycopg2
import pytest
from crm_performance_sync.cli import main
from crm_performance_sync.config import Connection
from crm_performance_sync.transport import connect

from .conftest import drop_server, make_api_key, start_server

# identifier, name, department, team, appraisals {period: (state, score, grade, completion)}
STAFF = [
    ("B1001", "Alice Martin", "Sales North", "Team North", {"2026-10": ("approved", 88.5, "A", 112.0),
                                                            "2026-11": ("draft", 60.0, "C", 70.0)}),
    ("B1002", "Bob Chen", "Sales North", "Team North", {"2026-10": ("locked", 72.0, "C", 95.0)}),
    ("B1003", "Carla Diaz", "Sales North", "Team North", {"2026-10": ("approved", 90.0, "A", 100.0)}),
    ("B1010", "Eve Newman", "Sales North", "Team North", {"2026-10": ("approved", 81.0, "B", 101.5)}),
    ("B1011", "Frank Ortiz", "Sales South", "Team South", {"2026-10": ("reviewed", 50.0, "D", 60.0)}),
    ("B1012", "Gina Park", "Sales South", "Team South", {"2026-10": ("approved", 66.0, "C", 88.0)}),
    ("", "Hugo Nobadge", "Sales South", "Team South", {"2026-12": ("approved", 75.0, "B", 90.0)}),
]  # fmt: skip
PERIODS = ("2026-10-01", "2026-11-01", "2026-12-01")
# the workflow steps (as admin, who holds every crm_performance group) that reach each state
STEPS = {
    "draft": [],
    "reviewed": ["action_submit", "action_consolidate", "action_first_review"],
    "approved": ["action_submit", "action_consolidate", "action_first_review", "action_approve"],
    "locked": ["action_submit", "action_consolidate", "action_first_review", "action_approve", "action_lock"],
}


def admin_client(server):
    key = make_api_key(server, "admin")
    return connect(Connection(server.url, server.db, "admin", key, "json2"))


def create(client, model, values):
    return client.call(model, "create", vals_list=[values])[0]


def xmlid(client, module, name):
    domain = [("module", "=", module), ("name", "=", name)]
    return client.search_read("ir.model.data", domain, ["res_id"])[0]["res_id"]


def make_user(client, login, groups):
    group_ids = [xmlid(client, *group.split(".")) for group in groups]
    return create(client, "res.users", {"name": login, "login": login, "group_ids": [(6, 0, group_ids)]})


def appraise(client, db, employee, period, plan, team, state, score, grade, completion):
    """An appraisal taken through the workflow buttons to ``state``, with the given scores.

    Scores come from the computation or from HR's correction only, so the fixture stores these
    exact figures in the database itself, after the submission (which recomputes them from CRM
    data) and before the approval freezes them. The manual and deduction items are entered
    first: Submit refuses an appraisal with an item nobody entered."""
    appraisal = create(client, "crm.appraisal", {"employee_id": employee, "period_id": period,
                                                 "plan_id": plan, "team_id": team})  # fmt: skip
    client.call("crm.appraisal", "action_compute", ids=[appraisal])
    entered = [("appraisal_id", "=", appraisal), ("scoring_rule", "in", ("manual", "deduction"))]
    line_ids = [row["id"] for row in client.search_read("crm.appraisal.line", entered, ["id"])]
    client.call("crm.appraisal.line", "write", ids=line_ids, vals={"entered": True})
    if state == "draft":
        store_scores(db, appraisal, score, grade, completion)
    for step in STEPS[state]:
        client.call("crm.appraisal", step, ids=[appraisal])
        if step == "action_submit":
            store_scores(db, appraisal, score, grade, completion)


def store_scores(db, appraisal, score, grade, completion):
    with contextlib.closing(psycopg2.connect(dbname=db)) as connection, connection:
        connection.cursor().execute(
            "UPDATE crm_appraisal SET total_score = %s, computed_total = %s, grade = %s, completion_rate = %s"
            " WHERE id = %s",
            (score, score, grade, completion, appraisal),
        )


def build_org(server):
    """The STAFF above in Odoo; returns the API key of an HR user (Performance: HR)."""
    client = admin_client(server)
    periods = {
        start[:7]: create(client, "crm.appraisal.period", {"date_from": start, "period_type": "month"})
        for start in PERIODS
    }
    plan = client.search_read("crm.appraisal.plan", [], ["id"], limit=1, order="id")[0]["id"]
    departments, teams = {}, {}
    for identifier, name, department, team, appraisals in STAFF:
        departments.setdefault(department, create(client, "hr.department", {"name": department}))
        teams.setdefault(team, create(client, "crm.team", {"name": team}))
        user = make_user(client, name.split()[0].lower(), ["crm_performance.crm_performance_group_user"])
        employee = create(
            client,
            "hr.employee",
            {"name": name, "user_id": user, "barcode": identifier or False,
             "identification_id": f"ID-{name.split()[0]}", "department_id": departments[department]},
        )  # fmt: skip
        for period, values in appraisals.items():
            appraise(client, server.db, employee, periods[period], plan, teams[team], *values)
    # Performance HR alone: the badge IDs on appraisals are readable by it (no Employees rights)
    make_user(client, "hr_officer", ["crm_performance.crm_performance_group_hr"])
    make_user(client, "clerk", ["base.group_user"])
    return make_api_key(server, "hr_officer")


@pytest.fixture(scope="module")
def org_server():
    server = start_server()
    server.api_key = build_org(server)
    yield server
    drop_server(server)


@pytest.fixture
def run(monkeypatch, capsys, tmp_path, org_server):
    """``run(*argv, transport_factory=connect)`` -> (status, stdout, stderr) against the org."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    monkeypatch.setenv("CRM_PERF_URL", org_server.url)
    monkeypatch.setenv("CRM_PERF_DB", org_server.db)
    monkeypatch.setenv("CRM_PERF_LOGIN", "hr_officer")
    monkeypatch.setenv("CRM_PERF_API_KEY", org_server.api_key)

    def invoke(*argv, transport_factory=connect):
        status = main([str(arg) for arg in argv], transport_factory=transport_factory)
        out, err = capsys.readouterr()
        return status, out, err

    return invoke


def values(path, row, first=1, last=15):
    sheet = openpyxl.load_workbook(path)["Payroll"]
    return [sheet.cell(row, column).value for column in range(first, last + 1)]


@pytest.mark.parametrize(("transport", "requests"), [("jsonrpc", 2 + 5), ("json2", 1 + 5)])
def test_monthly_run(run, payroll_xlsx, transport, requests):
    # login, period, count, 3 pages of 2 (5 approved or locked appraisals in 2026-10)
    status, out, err = run("2026-10", payroll_xlsx, "--transport", transport, "--page-size", 2)
    assert status == 0, err
    assert out.splitlines() == [
        f"period 2026-10: 5 approved appraisal(s) read in {requests} request(s) to Odoo ({transport})",
        f"{payroll_xlsx}, sheet 'Payroll': 3 row(s) updated, 2 added, 0 unchanged",
        "monthly pay: 16,010.50 in total for 2 row(s)",
        "pay not computed for 3 row(s):",
        "    row 6 B1003 Carla Diaz: no pay base in the row: scores written, pay left empty",
        "    row 8 B1010 Eve Newman: no pay base in the row: scores written, pay left empty",
        "    row 9 B1012 Gina Park: no pay base in the row: scores written, pay left empty",
        "1 row(s) of the sheet got nothing:",
        "    row 7 B1009 Dan Left: not in Odoo for 2026-10 (no appraisal with this identifier)",
        f"saved {payroll_xlsx} (previous version: {payroll_xlsx}.bak)",
    ]
    assert err.splitlines() == ["fetched 2/5 appraisals", "fetched 4/5 appraisals", "fetched 5/5 appraisals"]
    assert values(payroll_xlsx, 4) == [
        "B1001", "Alice Martin", "Sales North", 10000, "2026-10", 88.5, "A", 112,
        5000, 3920, 1327.5, 120, 10367.5, "=M4*0.9", None,
    ]  # fmt: skip
    assert values(payroll_xlsx, 5, 5, 13) == ["2026-10", 72, "C", 95, 3000, 1995, 648, 0, 5643]
    assert values(payroll_xlsx, 7, 1, 5) == [
        "B1009",
        "Dan Left",
        "Sales South",
        7000,
        "2026-09",
    ]  # not in Odoo
    assert values(payroll_xlsx, 9) == [
        "B1012", "Gina Park", None, None, "2026-10", 66, "C", 88,
        None, None, None, None, None, "=M9*0.9", "Added by the sync for 2026-10",
    ]  # fmt: skip


def test_second_run_changes_nothing(run, payroll_xlsx):
    assert run("2026-10", payroll_xlsx)[0] == 0
    after_first = payroll_xlsx.read_bytes()
    backup = (payroll_xlsx.parent / "payroll.xlsx.bak").read_bytes()
    status, out, _err = run("2026-10", payroll_xlsx, "--transport", "json2")
    assert status == 0
    assert out.splitlines()[1:] == [
        f"{payroll_xlsx}, sheet 'Payroll': 0 row(s) updated, 0 added, 5 unchanged",
        "monthly pay: 16,010.50 in total for 2 row(s)",
        "pay not computed for 3 row(s):",
        "    row 6 B1003 Carla Diaz: no pay base in the row: scores written, pay left empty",
        "    row 8 B1010 Eve Newman: no pay base in the row: scores written, pay left empty",
        "    row 9 B1012 Gina Park: no pay base in the row: scores written, pay left empty",
        "1 row(s) of the sheet got nothing:",
        "    row 7 B1009 Dan Left: not in Odoo for 2026-10 (no appraisal with this identifier)",
        f"nothing to change: {payroll_xlsx} not rewritten",
    ]
    assert payroll_xlsx.read_bytes() == after_first
    assert (payroll_xlsx.parent / "payroll.xlsx.bak").read_bytes() == backup


def test_dry_run_shows_the_changes_and_writes_nothing(run, payroll_xlsx):
    before = payroll_xlsx.read_bytes()
    status, out, _err = run("2026-10", payroll_xlsx, "--dry-run", "--department", "Sales North")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("period 2026-10: 4 approved appraisal(s) read in")
    assert lines[lines.index("new column O: Sync note") :] == [
        "new column O: Sync note",
        "row 4 B1001 Alice Martin: updated",
        "    Period: 2026-09 → 2026-10",
        "    Score: 80 → 88.5",
        "    Grade: B → A",
        "    Completion %: 90 → 112",
        "    Base pay: (empty) → 5,000.00",
        "    Plan-completion pay: (empty) → 3,920.00",
        "    Daily-work pay: (empty) → 1,327.50",
        "    Over-plan bonus: (empty) → 120.00",
        "    Monthly pay: (empty) → 10,367.50",
        "row 5 B1002 Bob Chen: updated",
        "    Period: (empty) → 2026-10",
        "    Score: (empty) → 72",
        "    Grade: (empty) → C",
        "    Completion %: (empty) → 95",
        "    Base pay: (empty) → 3,000.00",
        "    Plan-completion pay: (empty) → 1,995.00",
        "    Daily-work pay: (empty) → 648.00",
        "    Over-plan bonus: (empty) → 0.00",
        "    Monthly pay: (empty) → 5,643.00",
        "row 6 B1003 Carla Diaz: updated",
        "    Period: (empty) → 2026-10",
        "    Score: (empty) → 90",
        "    Grade: (empty) → A",
        "    Completion %: (empty) → 100",
        "row 8 B1010 Eve Newman: added",
        "    Period: (empty) → 2026-10",
        "    Score: (empty) → 81",
        "    Grade: (empty) → B",
        "    Completion %: (empty) → 101.5",
        "    Badge ID: (empty) → B1010",
        "    Employee: (empty) → Eve Newman",
        "    Sync note: (empty) → Added by the sync for 2026-10",
        "dry run: nothing written",
    ]
    assert payroll_xlsx.read_bytes() == before
    assert sorted(path.name for path in payroll_xlsx.parent.iterdir()) == ["payroll.xlsx"]


def test_new_workbook_and_csv(run, tmp_path):
    book_path, csv_path = tmp_path / "new.xlsx", tmp_path / "scores.csv"
    status, out, err = run("2026-10", book_path, "--new", "--csv", csv_path, "--team", "Team South")
    assert status == 0, err
    assert out.splitlines()[-2:] == [f"saved {book_path}", f"saved {csv_path}"]
    sheet = openpyxl.load_workbook(book_path)["Payroll"]
    assert [cell.value for cell in sheet[2]] == [
        "B1012", "Gina Park", None, "2026-10", 66, "C", 88, None, None, None, None, None, None,
    ]  # fmt: skip
    table = pd.read_csv(csv_path, encoding="utf-8-sig", keep_default_na=False)
    assert table.to_dict("records") == [
        {"identifier": "B1012", "employee": "Gina Park", "department": "Sales South", "team": "Team South",
         "period": "2026-10", "score": 66.0, "grade": "C", "completion": 88.0, "rank": 1,
         "base_pay": "", "completion_pay": "", "daily_pay": "", "bonus": "", "monthly_pay": "",
         "status": "added", "pay_note": "no pay base in the row: scores written, pay left empty"},
    ]  # fmt: skip
    csv_bytes = csv_path.read_bytes()
    status, out, _err = run("2026-10", "--csv", csv_path, "--team", "Team South")
    assert (status, out.splitlines()[-1]) == (0, f"{csv_path} already up to date")
    assert csv_path.read_bytes() == csv_bytes


def test_other_identifier(run, tmp_path):
    book_path = tmp_path / "ids.xlsx"
    argv = (
        "--new",
        "--id-field",
        "identification_id",
        "--id-column",
        "Staff no",
        "--department",
        "Sales South",
    )
    assert run("2026-10", book_path, *argv)[0] == 0
    sheet = openpyxl.load_workbook(book_path)["Payroll"]
    assert [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=1)] == [
        ("Staff no", "Employee"),
        ("ID-Gina", "Gina Park"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["2026-13"], "period '2026-13' not found in Odoo. Periods are named like 2026-10 (a month)"),
        (["2026-11"], "period 2026-11 has no approved appraisal yet (1 still in review)"),
        (["2026-10", "--company", "Nope Ltd"], "no company named 'Nope Ltd' in Odoo"),
        (["2026-10", "--team", "Team West"], "no team named 'Team West' in Odoo"),
        (
            ["2026-12"],
            "1 approved appraisal(s) belong to employees without a badge ID (Employee > HR Settings",
        ),
    ],
)
def test_odoo_data_problems(run, payroll_xlsx, argv, message):
    before = payroll_xlsx.read_bytes()
    status, out, err = run(argv[0], payroll_xlsx, *argv[1:])
    assert (status, out) == (5, "")
    assert message in err
    assert payroll_xlsx.read_bytes() == before


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_user_without_performance_rights(run, monkeypatch, org_server, payroll_xlsx, transport):
    before = payroll_xlsx.read_bytes()
    monkeypatch.setenv("CRM_PERF_LOGIN", "clerk")
    monkeypatch.setenv("CRM_PERF_API_KEY", make_api_key(org_server, "clerk"))
    status, out, err = run("2026-10", payroll_xlsx, "--transport", transport)
    assert (status, out) == (4, "")
    assert err.startswith("crm-performance-sync: error: Odoo refused access for clerk: ")
    assert err.endswith("The sync needs a user in the Performance / HR group.\n")
    assert len(err.splitlines()) == 1, "Odoo's details for administrators are left out"
    assert payroll_xlsx.read_bytes() == before


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_server_stopped_mid_run_writes_nothing(monkeypatch, capsys, payroll_xlsx, transport):
    server = start_server()
    try:
        key = build_org(server)
        for variable, value in {"CRM_PERF_URL": server.url, "CRM_PERF_DB": server.db,
                                "CRM_PERF_LOGIN": "hr_officer", "CRM_PERF_API_KEY": key}.items():  # fmt: skip
            monkeypatch.setenv(variable, value)

        def stop_after_first_page(connection):
            client = connect(connection)
            read = client.search_read

            def search_read(model, *args, **kwargs):
                rows = read(model, *args, **kwargs)
                if model == "crm.appraisal":
                    server.stop()  # the real server process ends between two pages
                return rows

            client.search_read = search_read
            return client

        before = payroll_xlsx.read_bytes()
        argv = ["2026-10", str(payroll_xlsx), "--page-size", "1", "--transport", transport, "--timeout", "10"]
        status = main(argv, transport_factory=stop_after_first_page)
        out, err = capsys.readouterr()
        assert (status, out) == (3, "")
        assert err.splitlines()[0] == "fetched 1/5 appraisals"
        assert err.splitlines()[1].startswith(
            f"crm-performance-sync: error: cannot reach the Odoo server at {server.url}"
        )
        assert payroll_xlsx.read_bytes() == before
        assert sorted(path.name for path in payroll_xlsx.parent.iterdir()) == ["payroll.xlsx"]
    finally:
        drop_server(server)


def test_config_file_with_own_pay_rule(run, monkeypatch, org_server, payroll_xlsx, tmp_path):
    for variable in ("CRM_PERF_URL", "CRM_PERF_DB", "CRM_PERF_LOGIN", "CRM_PERF_API_KEY"):
        monkeypatch.delenv(variable)
    config = tmp_path / "sync.ini"
    config.write_text(
        f"[odoo]\nurl = {org_server.url}\ndatabase = {org_server.db}\nlogin = hr_officer\n"
        f"api_key = {org_server.api_key}\ntransport = json2\n\n[pay]\nbonus_rate = 0.2\n",
        encoding="utf-8",
    )
    config.chmod(0o600)
    status, out, err = run("2026-10", payroll_xlsx, "--config", config, "--dry-run")
    assert status == 0, err
    # Alice: 10000 x 20 % x 12 % = 240.00, monthly 5000 + 3920 + 1327.50 + 240 = 10487.50
    assert "    Over-plan bonus: (empty) → 240.00\n    Monthly pay: (empty) → 10,487.50\n" in out
    assert "(json2)" in out.splitlines()[0]


def _add_rows(path, rows):
    book = openpyxl.load_workbook(path)
    for row, values in rows.items():
        for column, value in enumerate(values, start=1):
            book["Payroll"].cell(row, column, value)
    book.save(path)


def test_rows_that_got_nothing(run, payroll_xlsx):
    # Frank's appraisal is still in review; his badge typed in lower case still finds him
    _add_rows(payroll_xlsx, {8: ["b1011 ", "Frank Ortiz", "Sales South", 5000]})
    status, out, _err = run("2026-10", payroll_xlsx, "--dry-run", "--department", "Sales South")
    assert status == 0
    lines = out.splitlines()
    assert lines[lines.index("5 row(s) of the sheet got nothing:") :][:6] == [
        "5 row(s) of the sheet got nothing:",
        "    row 4 B1001 Alice Martin: approved, but left out by --department 'Sales South'",
        "    row 5 B1002 Bob Chen: approved, but left out by --department 'Sales South'",
        "    row 6 B1003 Carla Diaz: approved, but left out by --department 'Sales South'",
        "    row 7 B1009 Dan Left: not in Odoo for 2026-10 (no appraisal with this identifier)",
        "    row 8 b1011 Frank Ortiz: appraisal not approved yet (state: reviewed)",
    ]
    assert "row 9 B1012 Gina Park: added" in lines


def test_summary_in_chinese(run, payroll_xlsx):
    status, out, _err = run("2026-10", payroll_xlsx, "--lang", "zh_CN", "--transport", "json2")
    assert status == 0
    assert out.splitlines() == [
        "期间 2026-10：通过 4 次请求从 Odoo 读取了 5 份已批准的考核（json2）",
        f"{payroll_xlsx}，工作表 'Payroll'：更新 3 行，添加 2 行，0 行未更改",
        "月度工资：2 行合计 16,010.50",
        "3 行未计算工资：",
        "    第 6 行 B1003 Carla Diaz：该行没有工资基数：已写入得分，工资留空",
        "    第 8 行 B1010 Eve Newman：该行没有工资基数：已写入得分，工资留空",
        "    第 9 行 B1012 Gina Park：该行没有工资基数：已写入得分，工资留空",
        "表格中有 1 行未获得任何数据：",
        "    第 7 行 B1009 Dan Left：不在 Odoo 中：2026-10 没有使用此编号的考核",
        f"已保存 {payroll_xlsx}（上一版本：{payroll_xlsx}.bak）",
    ]
    assert values(payroll_xlsx, 8)[-1] == "由同步程序为 2026-10 添加"
