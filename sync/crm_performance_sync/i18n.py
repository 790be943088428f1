"""English and Simplified Chinese: the gettext catalogue shipped in the package as .po files
(``locale/<language>/LC_MESSAGES/crm_performance_sync.po``), read when the sync starts.

Reading the .po source itself means nothing has to be compiled at install time: a fresh
checkout installed with ``pip install -e sync`` speaks Chinese at once. Messages are written
``_("... {name} ...").format(name=...)`` so translators can move the placeholders.
"""

import argparse
import ast
import os
from pathlib import Path

DOMAIN = "crm_performance_sync"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "zh_CN")
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order
CHINESE = ("zh", "zh_cn", "zh_sg", "zh_hans")


def read_po(text):
    """{msgid: msgstr} of the translated entries of a .po file."""
    messages, entry, key = {}, {}, None

    def flush():
        if entry.get("msgid") and entry.get("msgstr") and "fuzzy" not in entry:
            messages[entry["msgid"]] = entry["msgstr"]
        entry.clear()

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif line.startswith(("msgid ", "msgstr ")):
            key, _space, literal = line.partition(" ")
            if key == "msgid" and "msgid" in entry:  # a new entry without a blank line before it
                flush()
            entry[key] = ast.literal_eval(literal)
        elif line.startswith("#,") and "fuzzy" in line:
            if "msgid" in entry:
                flush()
            entry["fuzzy"] = True
        elif not line:
            flush()
            key = None
    return messages


class Catalogue:
    """The messages of one language; English is the messages themselves."""

    def __init__(self, language="en"):
        self.language = language
        path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        self.messages = read_po(path.read_text(encoding="utf-8")) if path.exists() else {}

    def gettext(self, message):
        return self.messages.get(message, message)


_CURRENT = [Catalogue()]


def language_of(tag):
    """``zh_CN`` for a Simplified Chinese locale name (zh_CN.UTF-8, zh-Hans, zh), else ``en``."""
    code = tag.split(".")[0].split("@")[0].replace("-", "_").casefold()
    return "zh_CN" if code in CHINESE else "en"


def language_from_environment(environ=None):
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable, "")
        if value:
            return language_of(value.split(":")[0])
    return "en"


def use(language):
    """Speak ``language`` (one of ``LANGUAGES``) from now on, argparse's own messages included
    (it looks them up through its module's ``_`` and ``ngettext``)."""
    _CURRENT[0] = Catalogue(language)
    argparse._ = _
    argparse.ngettext = lambda singular, plural, count: _(singular if count == 1 else plural)


def _(message):
    return _CURRENT[0].gettext(message)


def N_(message):
    """Mark a message for the catalogue; it is translated where it is shown."""
    return message


# argparse's messages for a command line it refuses, as the catalogue translates them
ARGPARSE = (
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)
