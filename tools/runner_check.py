"""Fail unless Odoo's own test runner ran every test module of the addons, without a failure.

Usage: python tools/runner_check.py LOGFILE ADDON_DIR...

LOGFILE is the log of ``odoo-bin --test-enable --test-tags /addon,... --log-level=info``: its
last report (``N failed, M error(s) of T tests when loading database``) must say 0 and 0, and
every ``tests/test_*.py`` of the addons must have run (Odoo logs each test as it starts, under
the test module's logger): a module ``tests/__init__.py`` does not import would not.
"""

import re
import sys
from pathlib import Path

REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")


def main(log_path, addons):
    log = Path(log_path).read_text(encoding="utf-8", errors="replace")
    reports = REPORT.findall(log)
    if not reports:
        print(f"{log_path}: Odoo's test runner gave no report", file=sys.stderr)
        return 1
    failed, errors, total = map(int, reports[-1])
    modules = [
        f"odoo.addons.{Path(addon).name}.tests.{test.stem}"
        for addon in addons
        for test in sorted(Path(addon, "tests").glob("test_*.py"))
    ]
    not_run = [module for module in modules if f" {module}: " not in log]
    for module in not_run:
        print(f"{log_path}: Odoo's runner did not run {module}", file=sys.stderr)
    print(
        f"Odoo's test runner: {total} tests of {len(modules) - len(not_run)}/{len(modules)} modules, "
        f"{failed} failed, {errors} error(s)"
    )
    return 1 if failed or errors or not total or not_run else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
