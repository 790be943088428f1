"""The command line: help, settings and workbook errors, connection errors. Every failure exits
non-zero with one clear message on stderr and leaves the workbook byte for byte as it was."""

import subprocess
import sys

import openpyxl
import pytest
from crm_performance_sync.cli import main
from crm_performance_sync.config import SETTINGS


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    """``cli(*argv, **environment)`` -> (exit status, stdout, stderr); no config file is read."""

    def run(*argv, **environment):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
        for variable in ("CRM_PERF_URL", "CRM_PERF_DB", "CRM_PERF_LOGIN", "CRM_PERF_API_KEY"):
            monkeypatch.delenv(variable, raising=False)
        for variable, value in environment.items():
            monkeypatch.setenv(variable, value)
        status = main([str(arg) for arg in argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def server_env(odoo_server, admin_api_key):
    return {
        "CRM_PERF_URL": odoo_server.url,
        "CRM_PERF_DB": odoo_server.db,
        "CRM_PERF_LOGIN": "admin",
        "CRM_PERF_API_KEY": admin_api_key,
    }


def test_console_script_help():
    script = subprocess.run(
        [sys.executable, "-m", "crm_performance_sync.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for _section, _key, option, _text in SETTINGS:
        assert option in script.stdout
    for documented in ("--config", "--new", "--csv", "--dry-run", "CRM_PERF_API_KEY", "exit status"):
        assert documented in script.stdout


def test_nothing_to_write(cli):
    assert cli("2026-10") == (
        2,
        "",
        "crm-performance-sync: error: give a workbook to update (or --new to create one), or --csv PATH\n",
    )


def test_missing_connection_settings(cli, payroll_xlsx):
    before = payroll_xlsx.read_bytes()
    status, _out, err = cli("2026-10", payroll_xlsx, CRM_PERF_URL="http://127.0.0.1:1")
    assert status == 2
    assert err.startswith("crm-performance-sync: error: missing connection settings: database ")
    assert payroll_xlsx.read_bytes() == before


def test_bad_option_value(cli, payroll_xlsx):
    status, _out, err = cli("2026-10", payroll_xlsx, "--page-size", "0")
    assert (status, err) == (2, "crm-performance-sync: error: page_size must be at least 1\n")


def _lock(path):
    (path.parent / f".~lock.{path.name}#").write_text("HR,pc42", encoding="utf-8")


def _garble(path):
    path.write_bytes(b"not a zip file")


def _duplicate(path, identifier="B1002"):
    book = openpyxl.load_workbook(path)
    book["Payroll"]["A7"] = identifier
    book.save(path)


def _duplicate_in_another_case(path):
    _duplicate(path, " b1002")


@pytest.mark.parametrize(
    ("spoil", "argv", "message"),
    [
        (
            None,
            ["--sheet", "October"],
            "has no sheet 'October' (sheets: Payroll, Notes); choose one with --sheet",
        ),
        (None, ["--id-column", "Staff no"], "sheet 'Payroll' has no column 'Staff no' in its first 10 rows"),
        (None, ["--pay-base-column", "Salary"], "sheet 'Payroll' has no column 'Salary'"),
        (None, ["--new"], "payroll.xlsx already exists; leave out --new to update it"),
        (_lock, [], "payroll.xlsx is open in another program (lock file .~lock.payroll.xlsx#)"),
        (_garble, [], "payroll.xlsx is not an Excel workbook (.xlsx, .xlsm)"),
        (_duplicate, [], "the same employee identifier more than once: B1002 in rows 5, 7"),
        (_duplicate_in_another_case, [], "the same employee identifier more than once: b1002 in rows 5, 7"),
    ],
)
def test_workbook_problems(cli, payroll_xlsx, dead_url, spoil, argv, message):
    if spoil:
        spoil(payroll_xlsx)
    before = payroll_xlsx.read_bytes()
    env = {"CRM_PERF_URL": dead_url, "CRM_PERF_DB": "db", "CRM_PERF_LOGIN": "hr", "CRM_PERF_API_KEY": "k"}
    status, out, err = cli("2026-10", payroll_xlsx, *argv, **env)
    assert status == 6
    assert out == ""
    assert err.startswith("crm-performance-sync: error: ")
    assert message in err
    assert payroll_xlsx.read_bytes() == before


def test_missing_workbook(cli, tmp_path):
    status, _out, err = cli("2026-10", tmp_path / "payroll.xlsx")
    assert status == 6
    assert "payroll.xlsx does not exist (use --new to create one)" in err
    assert not (tmp_path / "payroll.xlsx").exists()


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"CRM_PERF_API_KEY": "f" * 40}, 4, "Odoo refused the login 'admin' with this API key"),
        ({"CRM_PERF_DB": "payroll_typo"}, 3, "has no database 'payroll_typo'"),
        ({"CRM_PERF_URL": "dead"}, 3, "(connection refused: nothing answers on that port). Check the"),
    ],
)
def test_connection_problems(cli, payroll_xlsx, server_env, dead_url, transport, change, status, message):
    before = payroll_xlsx.read_bytes()
    env = server_env | change
    if env["CRM_PERF_URL"] == "dead":
        env["CRM_PERF_URL"] = dead_url
    result = cli("2026-10", payroll_xlsx, "--transport", transport, **env)
    assert result[:2] == (status, "")
    assert message in result[2]
    assert len(result[2].splitlines()) == 1 and " object at 0x" not in result[2], "one clean line"
    assert payroll_xlsx.read_bytes() == before
    assert sorted(path.name for path in payroll_xlsx.parent.iterdir()) == ["payroll.xlsx"]
