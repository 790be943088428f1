"""Settings: config file (TOML, INI), environment and options, in that order of precedence."""

import os
from decimal import Decimal

import pytest
from crm_performance_sync.config import load_settings, require_connection
from crm_performance_sync.errors import ConfigError

TOML = """
[odoo]
url = "https://odoo.example.com"
database = "prod"
login = "hr@example.com"
api_key = "from-file"
transport = "json2"

[pull]
page_size = 50

[sheet]
name = "October"
id_field = "identification_id"

[columns]
identifier = "Staff no"

[pay]
bonus_rate = 0.2
"""

INI = """
[odoo]
url = https://odoo.example.com
database = prod
login = hr@example.com
api_key = from-file

[pay]
base_share = 0.6
bonus_cap = 0.3
"""


def write(tmp_path, name, text, mode=0o600):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_toml_file(tmp_path):
    settings = load_settings(write(tmp_path, "sync.toml", TOML), environ={})
    assert settings.odoo.transport == "json2"
    assert settings.odoo.api_key == "from-file"
    assert settings.pull.page_size == 50
    assert settings.sheet.name == "October"
    assert settings.sheet.id_field == "identification_id"
    assert settings.columns.identifier == "Staff no"
    assert settings.columns.pay_base == "Pay base"
    assert settings.pay.bonus_rate == Decimal("0.2")
    assert settings.pay.base_share == Decimal("0.50")


def test_ini_file(tmp_path):
    settings = load_settings(write(tmp_path, "sync.ini", INI), environ={})
    assert settings.odoo.database == "prod"
    assert settings.odoo.transport == "jsonrpc"
    assert (settings.pay.base_share, settings.pay.bonus_cap) == (Decimal("0.6"), Decimal("0.3"))


def test_environment_over_file_and_options_over_environment(tmp_path):
    environ = {"CRM_PERF_DB": "from-env", "CRM_PERF_API_KEY": "key-from-env", "CRM_PERF_URL": "http://env"}
    settings = load_settings(
        write(tmp_path, "sync.toml", TOML),
        options={"odoo.url": "http://option", "pay.bonus_cap": "0.4", "odoo.login": None},
        environ=environ,
    )
    assert settings.odoo.database == "from-env"
    assert settings.odoo.api_key == "key-from-env"
    assert settings.odoo.url == "http://option"
    assert settings.odoo.login == "hr@example.com"
    assert settings.pay.bonus_cap == Decimal("0.4")


def test_environment_alone_is_enough(tmp_path):
    environ = {
        "CRM_PERF_URL": "http://127.0.0.1:8069",
        "CRM_PERF_DB": "db",
        "CRM_PERF_LOGIN": "hr",
        "CRM_PERF_API_KEY": "k",
    }
    settings = load_settings(None, environ=environ | {"XDG_CONFIG_HOME": "/nonexistent"})
    assert require_connection(settings).url == "http://127.0.0.1:8069"


def test_missing_connection_settings_are_named():
    settings = load_settings(None, environ={"CRM_PERF_URL": "http://x", "XDG_CONFIG_HOME": "/nonexistent"})
    with pytest.raises(ConfigError) as error:
        require_connection(settings)
    assert str(error.value) == (
        "missing connection settings: database ([odoo] database in the config file or CRM_PERF_DB); "
        "login ([odoo] login in the config file or CRM_PERF_LOGIN); "
        "api_key ([odoo] api_key in the config file or CRM_PERF_API_KEY)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[odoo]\npassword = 'x'\n", "unknown setting 'password' in [odoo] of"),
        ("[payroll]\nx = 1\n", "unknown section [payroll] in"),
        ("[pull]\npage_size = 'many'\n", "setting 'page_size' in [pull] of"),
        ("[odoo]\ntransport = 'xmlrpc'\n", "transport must be one of jsonrpc, json2, not 'xmlrpc'"),
        ("[sheet]\nid_field = 'email'\n", "id_field must be one of barcode, identification_id, id"),
        ("[pay]\nbonus_rate = -0.1\n", "cannot be negative"),
        ("url = 'x'\n", "'url' must be inside a section such as [odoo]"),
        ("[odoo\n", "is not valid TOML"),
    ],
)
def test_bad_config_file(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(write(tmp_path, "bad.toml", text), environ={})


def test_missing_config_file_given_explicitly(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the config file .*nothere.toml"):
        load_settings(tmp_path / "nothere.toml", environ={})


def test_readable_key_file_is_warned_about(tmp_path):
    warnings = []
    path = write(tmp_path, "sync.toml", TOML, mode=0o644)
    load_settings(path, environ={}, warn=warnings.append)
    assert warnings == [
        f"warning: {path} holds an API key and other users can read it; run: chmod 600 {path}"
    ]
