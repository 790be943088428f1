"""Translation files of crm_performance: regenerate the template, keep zh_CN in step, check both.

    python tools/i18n.py update CONF DB   export i18n/crm_performance.pot from DB and merge it into
                                          i18n/zh_CN.po (translations kept, new terms added empty,
                                          obsolete ones dropped)
    python tools/i18n.py check CONF DB    exit 1 if the committed .pot is not what DB exports or if
                                          a term of zh_CN.po is untranslated

DB must have crm_performance installed (``make test`` passes its throw-away database).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "crm_performance" / "i18n"
POT = I18N / "crm_performance.pot"
ZH = I18N / "zh_CN.po"


def export_pot(conf, db, target):
    """The template Odoo exports for the module from ``db``."""
    odoo_bin = Path(os.environ.get("ODOO_SRC", "/opt/odoo19")) / "odoo-bin"
    command = [sys.executable, str(odoo_bin), "i18n", "export", "-c", conf, "-d", db]
    command += ["-l", "pot", "-o", str(target), "crm_performance"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return polib.pofile(str(target))


def keys(po):
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def update(conf, db):
    pot = export_pot(conf, db, POT)
    zh = polib.pofile(str(ZH)) if ZH.exists() else polib.POFile()
    known = {(entry.msgctxt, entry.msgid): entry for entry in zh}
    merged = polib.POFile()
    merged.metadata = {
        "Project-Id-Version": "crm_performance 19.0",
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
    merged.save(str(ZH))
    missing = [e.msgid for e in merged if not e.msgstr]
    print(f"{len(merged)} terms, {len(missing)} without a Chinese translation")


def check(conf, db):
    with tempfile.TemporaryDirectory() as tmp:
        fresh = export_pot(conf, db, Path(tmp) / "fresh.pot")
    problems = []
    committed = polib.pofile(str(POT))
    if keys(fresh) != keys(committed):
        added = sorted(m for _c, m in keys(fresh) - keys(committed))[:10]
        gone = sorted(m for _c, m in keys(committed) - keys(fresh))[:10]
        problems.append(f"the .pot is out of date (new: {added}, gone: {gone}); run tools/i18n.py update")
    zh = polib.pofile(str(ZH))
    if keys(zh) != keys(committed):
        problems.append("zh_CN.po and the .pot have different terms; run tools/i18n.py update")
    untranslated = [e.msgid for e in zh if not e.msgstr or "fuzzy" in e.flags]
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated zh_CN terms, e.g. {untranslated[:5]}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    action, conf, db = sys.argv[1:4]
    sys.exit(update(conf, db) if action == "update" else check(conf, db))
