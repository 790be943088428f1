"""Reading the approved appraisals of one period from Odoo, a page per request."""

import sys

import pandas as pd
from tqdm import tqdm

from .errors import OdooDataError
from .i18n import N_, _

APPROVED = ("approved", "locked")
APPRAISAL_FIELDS = [
    "employee_id",
    "period_id",
    "department_id",
    "team_id",
    "state",
    "total_score",
    "grade",
    "completion_rate",
    "rank",
]
IDENTIFIER_FIELDS = {
    "barcode": ("employee_barcode", N_("badge ID (Employee > HR Settings > Badge ID)")),
    "identification_id": (
        "employee_identification",
        N_("identification No (Employee > Private Information)"),
    ),
}
FRAME_COLUMNS = [
    "identifier",
    "employee",
    "department",
    "team",
    "period",
    "score",
    "grade",
    "completion",
    "rank",
    "appraisal_id",
]
# (option, model whose record names are matched, field of the appraisal)
FILTERS = (
    ("company", "res.company", "company_id"),
    ("department", "hr.department", "department_id"),
    ("team", "crm.team", "team_id"),
)


class Progress:
    """A tqdm bar on a terminal, plain ``fetched n/total`` lines otherwise (logs, cron mails)."""

    def __init__(self, total, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.bar = tqdm(total=total, unit="appraisal", file=self.stream) if self.stream.isatty() else None

    def update(self, count):
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        else:
            print(
                _("fetched {done}/{total} appraisals").format(done=self.done, total=self.total),
                file=self.stream,
                flush=True,
            )

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _name(many2one):
    return many2one[1] if many2one else ""


def _filter_domain(transport, pull):
    domain = []
    for option, model, appraisal_field in FILTERS:
        wanted = getattr(pull, option)
        if not wanted:
            continue
        found = transport.search_read(model, [("name", "=", wanted)], ["id"])
        if not found:
            raise OdooDataError(
                _("no {option} named '{name}' in Odoo (the name must match exactly)").format(
                    option=option, name=wanted
                )
            )
        domain.append((appraisal_field, "in", [record["id"] for record in found]))
    return domain


def _periods(transport, period, company):
    periods = transport.search_read("crm.appraisal.period", [("name", "=", period), *company], ["id"])
    if not periods:
        raise OdooDataError(
            _(
                "period '{period}' not found in Odoo. Periods are named like 2026-10 (a month), "
                "2026-Q4 (a quarter) or 2026 (a year)."
            ).format(period=period)
        )
    return [("period_id", "in", [record["id"] for record in periods])]


def _no_approved(transport, period, domain):
    pending = transport.search_count("crm.appraisal", domain)
    if pending:
        return OdooDataError(
            _(
                "period {period} has no approved appraisal yet ({pending} still in review). "
                "HR approves them in Odoo (Performance > Appraisals) before the payroll run."
            ).format(period=period, pending=pending)
        )
    return OdooDataError(
        _("period {period} has no appraisal for the chosen company, department or team").format(period=period)
    )


def _identifier(record, id_field):
    if id_field == "id":
        return str(record["employee_id"][0]) if record["employee_id"] else ""
    value = record[IDENTIFIER_FIELDS[id_field][0]]
    return str(value).strip() if value else ""


def _frame(records, sheet, period):
    id_field = sheet.id_field
    rows = [
        {
            "identifier": _identifier(record, id_field),
            "employee": _name(record["employee_id"]),
            "department": _name(record["department_id"]),
            "team": _name(record["team_id"]),
            "period": period,
            "score": record["total_score"],
            "grade": record["grade"] or "",
            "completion": record["completion_rate"],
            "rank": record["rank"],
            "appraisal_id": record["id"],
        }
        for record in records
    ]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    missing = frame[frame.identifier == ""]
    if len(missing):
        label = _(IDENTIFIER_FIELDS[id_field][1]) if id_field in IDENTIFIER_FIELDS else id_field
        raise OdooDataError(
            _(
                "{count} approved appraisal(s) belong to employees without a {label} in Odoo: "
                "{employees}. Fill it in Odoo, or choose another --id-field."
            ).format(count=len(missing), label=label, employees=", ".join(missing.employee))
        )
    twice = frame[frame.identifier.map(sheet.key).duplicated(keep=False)]
    if len(twice):
        raise OdooDataError(
            _(
                "several approved appraisals in the period for the same employee identifier: "
                "{listed}. Payroll needs one appraisal per employee; check the plans and "
                "identifiers in Odoo."
            ).format(listed=", ".join(f"{row.identifier} ({row.employee})" for row in twice.itertuples()))
        )
    return frame.sort_values("identifier", ignore_index=True)


def pull_appraisals(transport, period, pull, sheet, stream=None):
    """A DataFrame (``FRAME_COLUMNS``) of the approved appraisals of ``period``, one per employee
    (``sheet``: the :class:`~.config.Sheet` settings, identifier field and matching)."""
    id_field = sheet.id_field
    filters = _filter_domain(transport, pull)
    scope = _periods(transport, period, filters[:1] if pull.company else []) + filters
    domain = [*scope, ("state", "in", list(APPROVED))]
    total = transport.search_count("crm.appraisal", domain)
    if not total:
        raise _no_approved(transport, period, scope)
    progress = Progress(total, stream)
    records = []
    try:
        for page in _pages(transport, domain, _fields(APPRAISAL_FIELDS, id_field), total, pull.page_size):
            records.extend(page)
            progress.update(len(page))
    finally:
        progress.close()
    return _frame(records, sheet, period)


def _fields(fields, id_field):
    # only the identifier asked for: badge IDs may be readable by fewer users than the rest
    return fields + [IDENTIFIER_FIELDS[key][0] for key in (id_field,) if key in IDENTIFIER_FIELDS]


def _pages(transport, domain, fields, total, page_size):
    """The ``total`` appraisals of ``domain``, a request (a list of records) at a time."""
    for offset in range(0, total, page_size):
        yield transport.search_read(
            "crm.appraisal", domain, fields, offset=offset, limit=page_size, order="id"
        )


def explain_unmatched(transport, period, pull, sheet, identifiers, pulled):
    """{identifier: why no approved appraisal of the run matched it} for sheet rows that got
    nothing: not in Odoo for the period, not approved yet, or left out by a filter option.
    Reads the period's other appraisals (``pulled``: the ids the run read), a page at a time."""
    if not identifiers:
        return {}
    periods = transport.search_read("crm.appraisal.period", [("name", "=", period)], ["id"])
    pulled = [int(appraisal) for appraisal in pulled]
    domain = [("period_id", "in", [record["id"] for record in periods]), ("id", "not in", pulled)]
    fields = ["employee_id", "state", *(name for _option, _model, name in FILTERS)]
    found = {}
    total = transport.search_count("crm.appraisal", domain)
    for page in _pages(transport, domain, _fields(fields, sheet.id_field), total, pull.page_size):
        for record in page:
            found.setdefault(sheet.key(_identifier(record, sheet.id_field)), []).append(record)
    reasons = {}
    for identifier in identifiers:
        records = found.get(sheet.key(identifier), [])
        approved = [record for record in records if record["state"] in APPROVED]
        if approved:
            options = [
                f"--{option} '{getattr(pull, option)}'"
                for option, _model, name in FILTERS
                if getattr(pull, option) and _name(approved[0][name]) != getattr(pull, option)
            ]
            reasons[identifier] = _("approved, but left out by {options}").format(options=", ".join(options))
        elif records:
            reasons[identifier] = _("appraisal not approved yet (state: {state})").format(
                state=records[0]["state"]
            )
        else:
            reasons[identifier] = _("not in Odoo for {period} (no appraisal with this identifier)").format(
                period=period
            )
    return reasons
