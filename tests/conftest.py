"""Fixtures that run a real Odoo 19 server with crm_performance installed, on 127.0.0.1.

``make test`` installs the module once and passes a template database in
``CRMPERF_TEMPLATE_DB``; each server fixture copies it (``createdb -T``), so tests that
commit data never see each other. Run alone (``pytest tests``), the fixture installs the
module into a fresh database itself.
"""

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


def start_server(db=None):
    """Copy the template database and serve it; return an :class:`OdooServer`."""
    db = db or f"crmperf_rpc_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", _template_db(), db], check=True)
    port = free_port()
    conf = _write_conf(db, port)
    log = STATE_DIR / f"rpc-{db}.log"
    process = subprocess.Popen(
        _odoo_cmd(conf, f"--logfile={log}", "--log-level=info"),
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
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"Odoo did not answer on {server.url} within 120 s; see {log}")


def drop_server(server):
    server.stop()
    subprocess.run(["dropdb", "--if-exists", server.db], check=False)
    shutil.rmtree(STATE_DIR / "data" / "filestore" / server.db, ignore_errors=True)
    server.conf.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def odoo_server():
    """One server for the session, on a private copy of the installed database."""
    server = start_server()
    yield server
    drop_server(server)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.pop("CRMPERF_TEMPLATE_OWNED", None):
        subprocess.run(["dropdb", "--if-exists", os.environ.pop("CRMPERF_TEMPLATE_DB")], check=False)


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
