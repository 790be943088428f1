"""README.rst and static/description/index.html of each addon, generated from its readme/ fragments.

    python tools/gen_readme.py [--check] [ADDON_DIR ...]

OCA's layout and template (``oca-gen-addon-readme`` of OCA/maintainer-tools, which is not
published on PyPI): the Markdown fragments DESCRIPTION, CONTEXT, INSTALL, CONFIGURE, USAGE,
DEVELOP, ROADMAP, HISTORY, CONTRIBUTORS and CREDITS of ``readme/`` are converted to
reStructuredText with pandoc (``pypandoc-binary``), put in the template
(``tools/readme.rst.jinja``) with the manifest's name, badges, authors and maintainers, and
rendered to HTML with docutils (the settings of pypa/readme_renderer, as OCA does).
``--check`` writes nothing and fails (exit 1) when a generated file is not what the fragments
give: ``make lint`` runs it.
"""

import argparse
import ast
import hashlib
import sys
from pathlib import Path

import pypandoc
from docutils.core import publish_string
from jinja2 import Template

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = ("crm-performance", "crm_performance")  # GitHub organisation and repository
BRANCH = "19.0"
# fragment -> section title (None: the description, at the top); level-3 ones go under Credits
SECTIONS = {
    "DESCRIPTION": None,
    "CONTEXT": "Use Cases / Context",
    "INSTALL": "Installation",
    "CONFIGURE": "Configuration",
    "USAGE": "Usage",
    "DEVELOP": "Development",
    "ROADMAP": "Known issues / Roadmap",
    "HISTORY": "Changelog",
}
CREDITS = {"CONTRIBUTORS": "Contributors", "CREDITS": "Other credits"}
BADGES = {
    "development_status": {
        "beta": "https://img.shields.io/badge/maturity-Beta-yellow.png",
        "alpha": "https://img.shields.io/badge/maturity-Alpha-red.png",
        "production/stable": "https://img.shields.io/badge/maturity-Production%2FStable-green.png",
        "mature": "https://img.shields.io/badge/maturity-Mature-brightgreen.png",
    },
    "license": {"lgpl-3": "https://img.shields.io/badge/license-LGPL--3-blue.png"},
}
# pypa/readme_renderer's settings, as OCA renders index.html
RST2HTML = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "unicode",
}
TEMPLATE = Template((ROOT / "tools" / "readme.rst.jinja").read_text(), keep_trailing_newline=True)


def generate(addon):
    """{path: text} of the README.rst and index.html of ``addon`` (a directory)."""
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    fragments = {
        name: (addon / "readme" / f"{name}.md").read_text()
        for name in [*SECTIONS, *CREDITS]
        if (addon / "readme" / f"{name}.md").exists()
    }
    for required in ("DESCRIPTION", "CONTRIBUTORS"):
        if required not in fragments:
            raise SystemExit(f"{addon.name}: readme/{required}.md is missing")
    rst = {name: pypandoc.convert_text(text, "rst", format="gfm").strip() for name, text in fragments.items()}
    digest = hashlib.sha256(
        repr((sorted(fragments.items()), manifest["name"], manifest["version"])).encode()
    ).hexdigest()[:32]
    readme = TEMPLATE.render(
        name=manifest["name"],
        digest=digest,
        badges=[BADGES[key][manifest[key].lower()] for key in BADGES],
        sections=rst,
        parts=[(title, rst[name]) for name, title in SECTIONS.items() if title and name in rst],
        credits=[(title, rst[name]) for name, title in CREDITS.items() if name in rst],
        authors=[author.strip() for author in manifest["author"].split(",")],
        maintainers=manifest["maintainers"],
        org=REPOSITORY[0],
        repo=REPOSITORY[1],
        branch=BRANCH,
        addon=addon.name,
    )
    html = publish_string(readme, writer_name="html4css1", settings_overrides=RST2HTML)
    return {addon / "README.rst": readme, addon / "static" / "description" / "index.html": html}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    parser.add_argument("addons", nargs="*", type=Path, help="addon directories (default: every addon)")
    args = parser.parse_args(argv)
    addons = args.addons or sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))
    stale = []
    for addon in addons:
        for path, text in generate(addon).items():
            if path.exists() and path.read_text() == text:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    for path in stale:
        print(f"{'stale' if args.check else 'written'}: {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
