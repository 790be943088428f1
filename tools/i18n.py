"""Translation files of crm_performance and its bridge modules: regenerate each template, keep
zh_CN in step, check both.

    python tools/i18n.py update CONF DB   export <addon>/i18n/<addon>.pot from DB for every addon
                                          of the repository and merge it into its i18n/zh_CN.po
                                          (translations kept, new terms added empty, obsolete
                                          ones dropped)
    python tools/i18n.py check CONF DB    exit 1 if a committed .pot is not what DB exports or if
                                          a term of a zh_CN.po is untranslated

DB must have every addon of the repository installed (``make test`` passes its throw-away
database).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(manifest.parent.name for manifest in ROOT.glob("*/__manifest__.py"))


def paths(addon):
    """The template and the Chinese catalogue of ``addon``."""
    i18n = ROOT / addon / "i18n"
    return i18n / f"{addon}.pot", i18n / "zh_CN.po"


def export_pot(conf, db, addon, target):
    """The template Odoo exports for ``addon`` from ``db``."""
    odoo_bin = Path(os.environ.get("ODOO_SRC", "/opt/odoo19")) / "odoo-bin"
    command = [sys.executable, str(odoo_bin), "i18n", "export", "-c", conf, "-d", db]
    command += ["-l", "pot", "-o", str(target), addon]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return polib.pofile(str(target))


def keys(po):
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def update(conf, db):
    for addon in ADDONS:
        update_addon(conf, db, addon)


def update_addon(conf, db, addon):
    pot_path, zh_path = paths(addon)
    pot_path.parent.mkdir(exist_ok=True)
    pot = export_pot(conf, db, addon, pot_path)
    zh = polib.pofile(str(zh_path)) if zh_path.exists() else polib.POFile()
    known = {(entry.msgctxt, entry.msgid): entry for entry in zh}
    merged = polib.POFile()
    merged.metadata = {
        "Project-Id-Version": f"{addon} 19.0",
        "Language": "zh_CN",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for entry in pot:
        old = known.get((entry.msgctxt, entry.msgid))
        entry.msgstr = old.msgstr if old else ""
        merged.append(entry)
    merged.save(str(zh_path))
    missing = [e.msgid for e in merged if not e.msgstr]
    print(f"{addon}: {len(merged)} terms, {len(missing)} without a Chinese translation")


def check(conf, db):
    problems = []
    for addon in ADDONS:
        problems += [f"{addon}: {problem}" for problem in check_addon(conf, db, addon)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def check_addon(conf, db, addon):
    pot_path, zh_path = paths(addon)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = export_pot(conf, db, addon, Path(tmp) / "fresh.pot")
    problems = []
    if not (pot_path.exists() and zh_path.exists()):
        return [f"{pot_path.name} or zh_CN.po is missing; run tools/i18n.py update"]
    committed = polib.pofile(str(pot_path))
    if keys(fresh) != keys(committed):
        added = sorted(m for _c, m in keys(fresh) - keys(committed))[:10]
        gone = sorted(m for _c, m in keys(committed) - keys(fresh))[:10]
        problems.append(f"the .pot is out of date (new: {added}, gone: {gone}); run tools/i18n.py update")
    zh = polib.pofile(str(zh_path))
    if keys(zh) != keys(committed):
        problems.append("zh_CN.po and the .pot have different terms; run tools/i18n.py update")
    untranslated = [e.msgid for e in zh if not e.msgstr or "fuzzy" in e.flags]
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated zh_CN terms, e.g. {untranslated[:5]}")
    return problems


if __name__ == "__main__":
    action, conf, db = sys.argv[1:4]
    sys.exit(update(conf, db) if action == "update" else check(conf, db))
