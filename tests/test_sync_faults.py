"""The sync under faults it cannot prevent: a server answering HTTP 500, a truncated JSON body,
no answer before the timeout, a read-only folder, a full disk. Each time: a non-zero exit, one
clear message, the workbook (and its backup) byte for byte as before, no stray file, and the
next run, once the fault is gone, succeeds. (Connection refused and a server stopped mid-run:
test_sync_cli.py and test_sync_e2e.py.)"""

import contextlib
import http.server
import subprocess
import threading
import time

import pytest
from crm_performance_sync.cli import main
from crm_performance_sync.config import Connection
from crm_performance_sync.transport import connect

from .conftest import make_api_key

FAULTS = {
    "http_500": (500, b"<html><body>Internal Server Error</body></html>", "text/html"),
    "truncated_json": (
        200,
        b'{"jsonrpc": "2.0", "id": 1, "result": {"uid": 2, "user_con',
        "application/json",
    ),
    "no_answer": None,
}


# what the one-line message says, by fault and transport
EXPECTED = {
    ("http_500", "jsonrpc"): "(the server answered HTTP 500). Check the address",
    ("http_500", "json2"): "answered HTTP 500 without JSON",
    ("no_answer", "jsonrpc"): "(no answer within 1 s). Check the address",
    ("no_answer", "json2"): "(no answer within 1 s). Check the address",
    ("truncated_json", "jsonrpc"): "(the answer was cut short). Check the address",
    ("truncated_json", "json2"): "answered HTTP 200 without JSON",
}


class FaultyHandler(http.server.BaseHTTPRequestHandler):
    fault = None

    def do_POST(self):  # the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.fault is None:
            time.sleep(3)  # longer than the client's timeout
            return
        status, body, kind = self.fault
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) + 100))  # a body cut short
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def faulty_server(request):
    handler = type("Handler", (FaultyHandler,), {"fault": FAULTS[request.param]})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def approved_period(odoo_server, rpc_org):
    """Bob's March 2025 appraisal of the RPC org, approved (by admin, who holds every group)."""
    admin = connect(
        Connection(odoo_server.url, odoo_server.db, "admin", make_api_key(odoo_server, "admin"), "json2")
    )
    bob = rpc_org["appraisals"]["Bob"]
    for step in ("action_submit", "action_consolidate", "action_first_review", "action_approve"):
        admin.call("crm.appraisal", step, ids=[bob])
    return "2025-03"


@pytest.fixture
def sync(monkeypatch, capsys, tmp_path, odoo_server, approved_period):
    """``sync(workbook, url=the real server)`` -> (status, stdout, stderr), as HR's admin."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    key = make_api_key(odoo_server, "admin")

    def run(workbook, *argv, url=odoo_server.url):
        for variable, value in {"CRM_PERF_URL": url, "CRM_PERF_DB": odoo_server.db,
                                "CRM_PERF_LOGIN": "admin", "CRM_PERF_API_KEY": key}.items():  # fmt: skip
            monkeypatch.setenv(variable, value)
        # a short timeout for the faulty servers; the real one may be slow on a busy machine
        timeout = "30" if url == odoo_server.url else "1"
        argv = [approved_period, str(workbook), "--id-field", "id", "--timeout", timeout, *argv]
        status = main(argv)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def snapshot(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
@pytest.mark.parametrize("faulty_server", sorted(FAULTS), indirect=True)
def test_server_faults(sync, payroll_xlsx, faulty_server, transport, request):
    before = snapshot(payroll_xlsx.parent)
    status, out, err = sync(payroll_xlsx, "--transport", transport, url=faulty_server)
    assert (status, out) == (3, "")
    error = "crm-performance-sync: error: "
    assert err.startswith(
        (f"{error}cannot reach the Odoo server at {faulty_server}", f"{error}{faulty_server} answered HTTP ")
    ), err
    assert len(err.splitlines()) == 1 and " object at 0x" not in err, "one clear message"
    assert EXPECTED[(request.node.callspec.params["faulty_server"], transport)] in err, err
    assert snapshot(payroll_xlsx.parent) == before
    status, _out, err = sync(payroll_xlsx, "--transport", transport)
    assert status == 0, err


def mount(*argv):
    return subprocess.run(["mount", *argv], capture_output=True, check=False).returncode == 0


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if not (mount("--bind", folder, folder) and mount("-o", "remount,ro,bind", folder)):
        pytest.skip("a read-only bind mount needs root (mount --bind) in this environment")
    yield folder
    subprocess.run(["umount", folder], check=False)


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "disk"
    folder.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", folder):
        pytest.skip("a small tmpfs needs root (mount -t tmpfs) in this environment")
    yield folder
    subprocess.run(["umount", folder], check=False)


def test_read_only_folder(sync, read_only_folder, payroll_xlsx):
    subprocess.run(["mount", "-o", "remount,rw,bind", read_only_folder], check=True)
    workbook = read_only_folder / "payroll.xlsx"
    workbook.write_bytes(payroll_xlsx.read_bytes())
    subprocess.run(["mount", "-o", "remount,ro,bind", read_only_folder], check=True)
    before = snapshot(read_only_folder)
    status, out, err = sync(workbook)
    assert (status, out) == (6, "")
    assert "read-only" in err or "cannot write in the folder" in err, err
    assert snapshot(read_only_folder) == before
    subprocess.run(["mount", "-o", "remount,rw,bind", read_only_folder], check=True)
    assert sync(workbook)[0] == 0


def test_full_disk(sync, small_disk, payroll_xlsx):
    workbook = small_disk / "payroll.xlsx"
    workbook.write_bytes(payroll_xlsx.read_bytes())
    assert sync(workbook)[0] == 0, "a first run leaves a backup to protect"
    workbook.write_bytes(payroll_xlsx.read_bytes())  # HR starts again from the original
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as stream, contextlib.suppress(OSError):  # until no space left
        while True:
            stream.write(b"\0" * 1024)
    before = snapshot(small_disk)
    status, out, err = sync(workbook)
    assert status == 6
    assert "could not write" in err and "the old file is unchanged" in err, err
    assert snapshot(small_disk) == before, "workbook and backup as they were, no temporary file"
    filler.unlink()
    status, out, err = sync(workbook)
    assert status == 0, err
