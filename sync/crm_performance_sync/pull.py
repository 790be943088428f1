"""Reading the approved appraisals of one period from Odoo, a page per request."""

import sys

import pandas as pd
from tqdm import tqdm

from .errors import OdooDataError

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
    "barcode": ("employee_barcode", "badge ID (Employee > HR Settings > Badge ID)"),
    "identification_id": ("employee_identification", "identification No (Employee > Private Information)"),
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
            print(f"fetched {self.done}/{self.total} appraisals", file=self.stream, flush=True)

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
            raise OdooDataError(f"no {option} named '{wanted}' in Odoo (the name must match exactly)")
        domain.append((appraisal_field, "in", [record["id"] for record in found]))
    return domain


def _periods(transport, period, company):
    periods = transport.search_read("crm.appraisal.period", [("name", "=", period), *company], ["id"])
    if not periods:
        raise OdooDataError(
            f"period '{period}' not found in Odoo. Periods are named like 2026-10 (a month), "
            "2026-Q4 (a quarter) or 2026 (a year)."
        )
    return [("period_id", "in", [record["id"] for record in periods])]


def _no_approved(transport, period, domain):
    pending = transport.search_count("crm.appraisal", domain)
    if pending:
        return OdooDataError(
            f"period {period} has no approved appraisal yet ({pending} still in review). "
            "HR approves them in Odoo (Performance > Appraisals) before the payroll run."
        )
    return OdooDataError(f"period {period} has no appraisal for the chosen company, department or team")


def _identifier(record, id_field):
    if id_field == "id":
        return str(record["employee_id"][0]) if record["employee_id"] else ""
    value = record[IDENTIFIER_FIELDS[id_field][0]]
    return str(value).strip() if value else ""


def _frame(records, id_field, period):
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
        label = IDENTIFIER_FIELDS[id_field][1] if id_field in IDENTIFIER_FIELDS else id_field
        raise OdooDataError(
            f"{len(missing)} approved appraisal(s) belong to employees without a {label} in Odoo: "
            + ", ".join(missing.employee)
            + ". Fill it in Odoo, or choose another --id-field."
        )
    twice = frame[frame.identifier.duplicated(keep=False)]
    if len(twice):
        raise OdooDataError(
            "several approved appraisals in the period for the same employee identifier: "
            + ", ".join(f"{row.identifier} ({row.employee})" for row in twice.itertuples())
            + ". Payroll needs one appraisal per employee; check the plans and identifiers in Odoo."
        )
    return frame.sort_values("identifier", ignore_index=True)


def pull_appraisals(transport, period, pull, id_field, stream=None):
    """A DataFrame (``FRAME_COLUMNS``) of the approved appraisals of ``period``, one per employee."""
    filters = _filter_domain(transport, pull)
    scope = _periods(transport, period, filters[:1] if pull.company else []) + filters
    domain = [*scope, ("state", "in", list(APPROVED))]
    total = transport.search_count("crm.appraisal", domain)
    if not total:
        raise _no_approved(transport, period, scope)
    # only the identifier asked for: badge IDs may be readable by fewer users than the rest
    fields = APPRAISAL_FIELDS + [IDENTIFIER_FIELDS[key][0] for key in (id_field,) if key in IDENTIFIER_FIELDS]
    progress = Progress(total, stream)
    records = []
    try:
        for offset in range(0, total, pull.page_size):
            page = transport.search_read(
                "crm.appraisal", domain, fields, offset=offset, limit=pull.page_size, order="id"
            )
            records.extend(page)
            progress.update(len(page))
    finally:
        progress.close()
    return _frame(records, id_field, period)
