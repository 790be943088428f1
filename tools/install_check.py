"""Fail when an Odoo log contains WARNING, ERROR or CRITICAL lines.

Usage: python tools/install_check.py LOGFILE
Odoo's log lines look like ``2026-11-22 20:00:00,123 4242 WARNING db odoo.x: message``.
"""

import re
import sys

LEVEL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (WARNING|ERROR|CRITICAL) ")


def main(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        bad = [line.rstrip() for line in log if LEVEL.match(line)]
    for line in bad:
        print(f"install log: {line}", file=sys.stderr)
    if bad:
        print(f"install produced {len(bad)} warning/error line(s): {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
