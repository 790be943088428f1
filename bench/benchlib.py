"""Shared helpers of the benchmark scripts: Odoo configuration, an environment on a database,
a stopwatch that also counts SQL queries, and the table printer."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".odoo"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo19"))
WINDOW_PARAM = "crm_performance_bench.window"
# the salespeople make_dataset.py made game their numbers, and how (integrity signals)
GAMED_PARAM = "crm_performance_bench.gamed"


def write_conf(db):
    """An Odoo configuration file for ``db`` with this checkout's addons (as tools/lib.sh does)."""
    STATE_DIR.mkdir(exist_ok=True)
    conf = STATE_DIR / f"bench-{db}.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {ODOO_SRC / 'addons'},{ROOT}\n"
        f"data_dir = {STATE_DIR / 'data'}\n"
        f"db_name = {db}\n"
        "list_db = False\n"
        "http_interface = 127.0.0.1\n"
        "http_port = 0\n"
        "max_cron_threads = 0\n"
    )
    return conf


def odoo_bin(conf, *args):
    subprocess.run([sys.executable, str(ODOO_SRC / "odoo-bin"), "-c", str(conf), *args], check=True)


@contextlib.contextmanager
def scratch_copy(db):
    """A throw-away copy of ``db`` (``createdb -T``), dropped on exit: runs may commit in it."""
    copy = f"{db}_run"
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}  # no "does not exist" notice
    subprocess.run(["dropdb", "--if-exists", copy], check=True, env=quiet)
    subprocess.run(["createdb", "-T", db, copy], check=True)
    try:
        yield copy
    finally:
        subprocess.run(["dropdb", "--if-exists", copy], check=True, env=quiet)


@contextlib.contextmanager
def environment(db, commit=False):
    """A superuser environment (time zone UTC) on ``db``; rolled back unless ``commit``."""
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.sql_db import close_db
    from odoo.tools import config

    config.parse_config(["-c", str(write_conf(db)), "-d", db, "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tz": "UTC", "lang": "en_US"})
        try:
            yield env
        finally:
            if commit:
                cr.commit()
            else:
                cr.rollback()
    close_db(db)  # no idle connection left: the database can be copied (createdb -T) at once


def switch_signals(env, on):
    """Every integrity signal of the company on or off (committed)."""
    from odoo.addons.crm_performance.models.crm_appraisal_signal import KINDS

    env.company.write({f"performance_signal_{kind}": on for kind in KINDS})
    env.cr.commit()


class Stopwatch:
    """Wall seconds and SQL queries of a block: ``with Stopwatch(env) as sw: ...``."""

    def __init__(self, env):
        self.env = env
        self.seconds = self.queries = 0

    def __enter__(self):
        self.env.flush_all()
        self._queries = self.env.cr.sql_log_count
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.env.flush_all()
        self.seconds = time.perf_counter() - self._start
        self.queries = self.env.cr.sql_log_count - self._queries


def print_table(headers, rows, out=sys.stdout):
    """A plain aligned text table (also valid Markdown)."""
    texts = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in texts)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    print(line, file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for row in texts:
        print("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |", file=out)
