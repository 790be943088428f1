"""Settings: defaults, then a config file (TOML or INI), then environment variables, then options.

Every setting lives in a section of the config file; the same table drives the command line
options (``SETTINGS``), so ``--help``, the config file and the README always agree.
"""

import configparser
import dataclasses
import os
import stat
import tomllib
from dataclasses import dataclass, field
from decimal import InvalidOperation
from pathlib import Path

from .errors import ConfigError
from .i18n import N_, _
from .payrule import PayRule


def default_config_path(environ=None):
    """``$XDG_CONFIG_HOME/crm-performance-sync.toml``, by default ``~/.config/...``."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "crm-performance-sync.toml"


ENVIRONMENT = {
    "CRM_PERF_URL": ("odoo", "url"),
    "CRM_PERF_DB": ("odoo", "database"),
    "CRM_PERF_LOGIN": ("odoo", "login"),
    "CRM_PERF_API_KEY": ("odoo", "api_key"),
}

TRANSPORTS = ("jsonrpc", "json2")
ID_FIELDS = ("barcode", "identification_id", "id")
MATCHES = ("ignore-case", "exact")


@dataclass(frozen=True)
class Connection:
    """How to reach Odoo. The API key comes from the config file or CRM_PERF_API_KEY only."""

    url: str = ""
    database: str = ""
    login: str = ""
    api_key: str = ""
    transport: str = "jsonrpc"
    timeout: float = 60.0


@dataclass(frozen=True)
class Pull:
    """Which appraisals to read and how."""

    company: str = ""
    department: str = ""
    team: str = ""
    page_size: int = 200


@dataclass(frozen=True)
class Sheet:
    """Where the payroll rows are and how they are matched to employees."""

    name: str = ""
    id_field: str = "barcode"
    match: str = "ignore-case"

    def key(self, identifier):
        """What identifiers are compared by: surrounding spaces never count, case only when
        ``match`` is ``exact``."""
        identifier = identifier.strip()
        return identifier if self.match == "exact" else identifier.casefold()


@dataclass(frozen=True)
class Columns:
    """Column headers (matched without regard to case or surrounding spaces)."""

    identifier: str = "Badge ID"
    employee: str = "Employee"
    pay_base: str = "Pay base"
    period: str = "Period"
    score: str = "Score"
    grade: str = "Grade"
    completion: str = "Completion %"
    base_pay: str = "Base pay"
    completion_pay: str = "Plan-completion pay"
    daily_pay: str = "Daily-work pay"
    bonus: str = "Over-plan bonus"
    monthly_pay: str = "Monthly pay"
    note: str = "Sync note"


@dataclass(frozen=True)
class Settings:
    odoo: Connection = field(default_factory=Connection)
    pull: Pull = field(default_factory=Pull)
    sheet: Sheet = field(default_factory=Sheet)
    columns: Columns = field(default_factory=Columns)
    pay: PayRule = field(default_factory=PayRule)


SECTIONS = {f.name: f.default_factory for f in dataclasses.fields(Settings)}

# (section, key, option, help) of every setting that has a command line option. The API key has
# none on purpose: a command line is visible to every user of the machine.
SETTINGS = (
    ("odoo", "url", "--url", N_("Odoo address, e.g. https://odoo.example.com [CRM_PERF_URL]")),
    ("odoo", "database", "--db", N_("Odoo database name [CRM_PERF_DB]")),
    ("odoo", "login", "--login", N_("Odoo login of the HR user [CRM_PERF_LOGIN]")),
    ("odoo", "transport", "--transport", N_("jsonrpc (default, via odoorpc) or json2 (Odoo 19 JSON-2 API)")),
    ("odoo", "timeout", "--timeout", N_("seconds to wait for each answer of the server (default 60)")),
    ("pull", "company", "--company", N_("only appraisals of this company (exact name)")),
    ("pull", "department", "--department", N_("only appraisals of this department (exact name)")),
    ("pull", "team", "--team", N_("only appraisals of this sales team (exact name)")),
    ("pull", "page_size", "--page-size", N_("appraisals read per request (default 200)")),
    ("sheet", "name", "--sheet", N_("worksheet to update (default: the first one)")),
    (
        "sheet",
        "id_field",
        "--id-field",
        N_("employee identifier: barcode (badge ID, default), identification_id or id"),
    ),
    (
        "sheet",
        "match",
        "--match",
        N_("ignore-case (default: s0004 is S0004) or exact; surrounding spaces never count"),
    ),
    ("columns", "identifier", "--id-column", N_('header of the identifier column (default "Badge ID")')),
    (
        "columns",
        "employee",
        "--name-column",
        N_('header of the name column (default "Employee", then Name, 姓名, 员工...)'),
    ),
    (
        "columns",
        "pay_base",
        "--pay-base-column",
        N_('header of the total pay base column (default "Pay base")'),
    ),
    ("pay", "base_share", "--base-share", N_("share of the pay base paid as base pay (default 0.50)")),
    ("pay", "completion_share", "--completion-share", N_("share paid by plan completion (default 0.35)")),
    ("pay", "daily_share", "--daily-share", N_("share paid by the daily-work score (default 0.15)")),
    ("pay", "bonus_rate", "--bonus-rate", N_("over-plan bonus per 100%% above plan (default 0.10)")),
    (
        "pay",
        "bonus_cap",
        "--bonus-cap",
        N_("completion above 100%% counted for the bonus at most (default 0.50)"),
    ),
)


def option_dest(section, key):
    return f"{section}.{key}"


def read_config_file(path):
    """{section: {key: value}} from a TOML or INI file (INI values are strings)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            _("cannot read the config file {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    if path.suffix.lower() in (".ini", ".cfg", ".conf"):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text, source=str(path))
        except configparser.Error as exc:
            raise ConfigError(
                _("the config file {path} is not valid INI: {reason}").format(path=path, reason=exc)
            ) from exc
        return {name: dict(parser[name]) for name in parser.sections()}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("the config file {path} is not valid TOML: {reason}").format(path=path, reason=exc)
        ) from exc
    for name, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(
                _("{path}: '{name}' must be inside a section such as [odoo]").format(path=path, name=name)
            )
    return data


def _warn_if_readable(path, values, warn):
    if values.get("odoo", {}).get("api_key") and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(
            _("warning: {path} holds an API key and other users can read it; run: chmod 600 {path}").format(
                path=path
            )
        )


def _convert(cls, section, values, origin):
    known = {f.name: f for f in dataclasses.fields(cls)}
    converted = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                _("unknown setting '{key}' in [{section}] of {origin} (known: {known})").format(
                    key=key, section=section, origin=origin, known=", ".join(known)
                )
            )
        kind = type(known[key].default)
        try:
            converted[key] = value if isinstance(value, kind) else kind(str(value).strip())
        except (ValueError, InvalidOperation):
            raise ConfigError(
                _("setting '{key}' in [{section}] of {origin} must be a {kind}, not {value}").format(
                    key=key, section=section, origin=origin, kind=kind.__name__, value=repr(value)
                )
            ) from None
    return cls(**converted)


def load_settings(config_path=None, options=None, environ=None, warn=print):
    """Merge defaults, the config file, the environment and the options into :class:`Settings`.

    ``config_path`` None means the default file, if it exists; ``options`` maps
    ``"section.key"`` to a value (None = not given).
    """
    environ = os.environ if environ is None else environ
    layers = []  # (origin, {section: {key: value}})
    path = Path(config_path).expanduser() if config_path else default_config_path(environ)
    if config_path or path.exists():
        data = read_config_file(path)
        _warn_if_readable(path, data, warn)
        layers.append((str(path), data))
    environment = {}
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            environment.setdefault(section, {})[key] = environ[variable]
    layers.append((_("the environment"), environment))
    given = {}
    for dest, value in (options or {}).items():
        if value is not None:
            section, key = dest.split(".")
            given.setdefault(section, {})[key] = value
    layers.append((_("the command line"), given))

    merged = {name: {} for name in SECTIONS}
    for origin, data in layers:
        for section, values in data.items():
            if section not in SECTIONS:
                raise ConfigError(
                    _("unknown section [{section}] in {origin} (known: {known})").format(
                        section=section, origin=origin, known=", ".join(SECTIONS)
                    )
                )
            _convert(SECTIONS[section], section, values, origin)  # report errors where they are
            merged[section].update(values)
    settings = Settings(
        **{name: _convert(cls, name, merged[name], _("the settings")) for name, cls in SECTIONS.items()}
    )
    _validate(settings)
    return settings


def _validate(settings):
    for name, value, allowed in (
        ("transport", settings.odoo.transport, TRANSPORTS),
        ("id_field", settings.sheet.id_field, ID_FIELDS),
        ("match", settings.sheet.match, MATCHES),
    ):
        if value not in allowed:
            raise ConfigError(
                _("{name} must be one of {allowed}, not '{value}'").format(
                    name=name, allowed=", ".join(allowed), value=value
                )
            )
    if settings.pull.page_size < 1:
        raise ConfigError(_("page_size must be at least 1"))
    if settings.odoo.timeout <= 0:
        raise ConfigError(_("timeout must be a positive number of seconds"))
    shares = (settings.pay.base_share, settings.pay.completion_share, settings.pay.daily_share)
    if any(share < 0 for share in (*shares, settings.pay.bonus_rate, settings.pay.bonus_cap)):
        raise ConfigError(_("pay shares, bonus rate and bonus cap cannot be negative"))


def require_connection(settings):
    """The connection settings, or a ConfigError naming each missing one and where to set it."""
    missing = [
        _("{key} ([odoo] {key} in the config file or {variable})").format(key=key, variable=variable)
        for variable, (_section, key) in ENVIRONMENT.items()
        if not getattr(settings.odoo, key)
    ]
    if missing:
        raise ConfigError(_("missing connection settings: {missing}").format(missing="; ".join(missing)))
    return settings.odoo
