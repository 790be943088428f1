"""Screenshots of the key screens of the demo, as each role, in English and Chinese, on a desktop
(1440x900) and a phone (390x844), with Debian's Chromium driven over the DevTools protocol.

    python tools/screenshots.py [--url http://127.0.0.1:8069] [--db crm_performance_demo]
                                [--out screenshots] [--lang en_US --lang zh_CN] [--only li.na]

Needs the demo running (``make demo``, which installs Chinese too; every password is the
login). Each user's language is switched by the administrator before their screens are taken
and restored afterwards. Files: OUT/<lang>/<size>/<login>-<screen>.png
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

import requests
import websocket

SIZES = {"desktop": (1440, 900, False), "phone": (390, 844, True)}
# login -> [(screen name, path after the server URL, CSS selector that says it is ready)]
APPRAISALS = "/odoo/action-crm_performance.crm_appraisal_action"
# lists open as kanban cards on a phone
LIST = ".o_list_view, .o_kanban_view"
TEAM_BOARD = "/odoo/action-crm_performance.crm_performance_dashboard_action_team"
WHAT_IF = "/odoo/action-crm_performance.crm_appraisal_simulation_action"
SET_TARGETS = (
    "set-targets",
    "/odoo/action-crm_performance.crm_kpi_target_grid_client_action",
    ".o_crm_target_grid .o_crm_grid, .o_crm_target_grid .o_view_nocontent",
)
SCREENS = {
    "admin": [
        ("kpi-definition", "{kpi_form}", ".o_form_view"),
        (
            "performance-settings",
            "/odoo/action-crm_performance.res_company_action_performance_settings",
            ".o_form_view",
        ),
        ("kpi-customers", "{customers_kpi_form}", ".o_form_view"),
    ],
    "li.na": [
        ("home", "/odoo", ".o_crm_my_performance .o_crm_kpi, .o_crm_my_performance .o_view_nocontent"),
        ("my-appraisals", "/odoo/action-crm_performance.crm_appraisal_action_my", ".o_kanban_record"),
        ("my-kpis", "/odoo/action-crm_performance.crm_appraisal_line_action_my", LIST),
        ("my-appraisal", "{first_own}", ".o_form_view .o_field_one2many"),
        ("ratio-line", "{ratio_line}", ".o_form_view .oe_button_box"),
    ],
    "north": [
        ("queue", APPRAISALS, LIST),
        ("team-board", TEAM_BOARD, ".o_crm_team_board .o_crm_members, .o_crm_team_board .o_view_nocontent"),
        ("team-appraisal", "{first_team}", ".o_form_view .o_field_one2many"),
        ("signalled-appraisal", "{signalled}", ".o_form_view .o_field_one2many"),
        ("signals", "/odoo/action-crm_performance.crm_appraisal_signal_action", LIST),
        ("kanban", APPRAISALS + "?view_type=kanban", ".o_kanban_view"),
        ("leaderboard", "/odoo/action-crm_performance.crm_appraisal_action_leaderboard", LIST),
        (
            "dashboard",
            "/odoo/action-crm_performance.crm_performance_dashboard_action_my",
            ".o_crm_my_performance",
        ),
        ("what-if", WHAT_IF, ".o_dialog .o_form_view"),
        ("what-if-results", WHAT_IF, ".o_dialog .o_crm_simulation_results", "button[name='action_simulate']"),
        SET_TARGETS,
    ],
    "vp": [
        ("queue", APPRAISALS, LIST),
        ("team-board", TEAM_BOARD, ".o_crm_team_board .o_crm_members, .o_crm_team_board .o_view_nocontent"),
        (
            "team-comparison",
            "/odoo/action-crm_performance.crm_appraisal_action_team_comparison",
            ".o_graph_view",
        ),
    ],
    "hr": [
        ("queue", APPRAISALS, LIST),
        ("corrected-appraisal", "{corrected}", ".o_form_view .o_field_one2many"),
        ("correct-score", "{corrected}", ".o_dialog .o_form_view", "button[name='%(correct)s']"),
        ("analysis", "/odoo/action-crm_performance.crm_appraisal_action_analysis", ".o_pivot_view"),
        SET_TARGETS,
    ],
}
CLICK_JS = "document.querySelector(%s).click()"
# on a phone, a form's buttons beyond the first wait in the status bar's dropdown
MORE_BUTTONS = ".o_statusbar_buttons .dropdown-toggle"
READY_JS = """(() => {
    const ready = document.querySelector(%s);
    const busy = document.querySelector('.o_blockUI, .o_loading_indicator');
    return Boolean(ready) && !busy && document.readyState === 'complete';
})()"""


class Rpc:
    """JSON-RPC on the web client's routes with a session cookie."""

    def __init__(self, url, db, login):
        self.url = url
        self.session = requests.Session()
        self.call("/web/session/authenticate", {"db": db, "login": login, "password": login})
        self.uid = self.call("/web/session/get_session_info", {})["uid"]

    def call(self, route, params):
        response = self.session.post(
            self.url + route, json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]

    def orm(self, model, method, *args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    @property
    def cookie(self):
        return self.session.cookies["session_id"]


class Chromium:
    """A headless Chromium and one page, driven over the DevTools protocol."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="crmperf-shots-")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "/usr/bin/chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--remote-debugging-port=0",  # a free port, written in the profile: runs side by side
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _attempt in range(300):
            try:
                port = port_file.read_text().split()[0]
                targets = json.load(urlopen(f"http://127.0.0.1:{port}/json"))
                break
            except (OSError, IndexError):
                time.sleep(0.1)
        page = next(target for target in targets if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def shoot(self, url, ready, path, size, click=None, timeout=30):
        """The page at ``url`` once ``ready`` shows; with ``click``, once that shows it is
        clicked and then ``ready`` waited for (a dialog)."""
        width, height, mobile = SIZES[size]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.send("Emulation.setTouchEmulationEnabled", enabled=mobile)
        self.send("Page.navigate", url=url)
        if click:
            self.wait(".o_form_view", path, timeout)
            self.evaluate(CLICK_JS % json.dumps(f"{click}, {MORE_BUTTONS}"))  # on a phone: the menu first
            self.wait(click, path, timeout)
            self.evaluate(CLICK_JS % json.dumps(click))
        self.wait(ready, path, timeout)
        time.sleep(1.0)  # charts and fonts settle
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def wait(self, ready, path, timeout):
        deadline = time.time() + timeout
        while not self.evaluate(READY_JS % json.dumps(ready)):
            if time.time() > deadline:
                print(f"  ! not ready after {timeout}s ({ready}): {path.name}")
                return
            time.sleep(0.25)

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def record_paths(rpc, login):
    """Form URLs of the role's own first appraisal, of a subordinate's, of one with integrity
    signals it may see (a subordinate's otherwise), of a corrected one and of a KPI."""
    own = rpc.orm(
        "crm.appraisal", "search", [("user_id", "=", rpc.uid), ("period_type", "=", "month")], limit=1
    )
    team = rpc.orm(
        "crm.appraisal", "search", [("user_id", "!=", rpc.uid), ("period_type", "=", "month")], limit=1
    )
    corrected = rpc.orm("crm.appraisal", "search", [("score_corrected", "=", True)], limit=1) or team
    signalled = rpc.orm("crm.appraisal", "search", [("signal_ids", "!=", False)], limit=1) or team
    kpi = rpc.orm("crm.kpi.definition", "search", [("measure_mode", "=", "sum")], limit=1)
    ratio = rpc.orm(
        "crm.appraisal.line",
        "search",
        [("appraisal_id.user_id", "=", rpc.uid), ("measure_mode", "=", "ratio")],
        limit=1,
    )
    # a customer measure over months (the lifetime value, with the Sales bridge) or any customer one
    customers = rpc.orm(
        "crm.kpi.definition",
        "search",
        [("measure_mode", "=", "customers")],
        order="customer_months desc",
        limit=1,
    )
    return {
        "first_own": f"/odoo/action-crm_performance.crm_appraisal_action_my/{own[0]}" if own else "/odoo",
        "first_team": f"{APPRAISALS}/{team[0]}" if team else APPRAISALS,
        "corrected": f"{APPRAISALS}/{corrected[0]}" if corrected else APPRAISALS,
        "signalled": f"{APPRAISALS}/{signalled[0]}" if signalled else APPRAISALS,
        "kpi_form": f"/odoo/action-crm_performance.crm_kpi_definition_action/{kpi[0]}" if kpi else "/odoo",
        "ratio_line": f"/odoo/action-crm_performance.crm_appraisal_line_action_my/{ratio[0]}"
        if ratio
        else "/odoo",
        "customers_kpi_form": (
            f"/odoo/action-crm_performance.crm_kpi_definition_action/{customers[0]}" if customers else "/odoo"
        ),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="crm_performance_demo")
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--lang", action="append", help="en_US and zh_CN by default")
    parser.add_argument("--only", action="append", help="logins to take (all by default)")
    args = parser.parse_args()
    admin = Rpc(args.url, args.db, "admin")
    [correct] = admin.orm(
        "ir.model.data", "search_read", [("name", "=", "crm_appraisal_correct_action")], ["res_id"]
    )
    correct = correct["res_id"]
    browser = Chromium()
    try:
        for login in args.only or SCREENS:
            [user_id] = admin.orm("res.users", "search", [("login", "=", login)])
            [original] = admin.orm("res.users", "read", [user_id], ["lang"])
            for lang in args.lang or ["en_US", "zh_CN"]:
                admin.orm("res.users", "write", [user_id], {"lang": lang})
                rpc = Rpc(args.url, args.db, login)
                browser.send("Network.setCookie", name="session_id", value=rpc.cookie, url=args.url)
                paths = {**record_paths(rpc, login), "correct": correct}
                for size in SIZES:
                    for screen, path, ready, *click in SCREENS[login]:
                        target = args.out / lang / size / f"{login}-{screen}.png"
                        clicked = click[0] % paths if click else None
                        browser.shoot(args.url + path.format(**paths), ready, target, size, clicked)
                        print(target)
            admin.orm("res.users", "write", [user_id], {"lang": original["lang"]})
    finally:
        browser.close()


if __name__ == "__main__":
    main()
