"""Rows of a computation stored with one statement per model, as the ORM's flush would store them.

``write`` and ``create`` of the ORM cost a Python round per record and split their statements
in batches of 100 rows (with foreign-key checks per statement); the computation writes thousands
of rows. Values are converted as the flush does (floats rounded to their digits as in the cache,
sent as JSON numbers, cheaper than ``convert_to_column``'s decimal strings), the magic fields are
set, and the cache is invalidated and dependents marked modified.

``create`` keeps the rest of the ORM's promises on what it inserts: the defaults of the fields
not given (``default=``, ``ir.default``, ``default_*`` context keys) are applied, and the Python
constraints (``@api.constrains``) and the company checks (``check_company``) run on the inserted
records, so an error raises and the caller's transaction is rolled back. What ``create()``
overrides would add is the models' ``_prepare_*_vals`` hooks' job: the callers build every row
through them.
"""

import functools
import json

from odoo.models import MAGIC_COLUMNS
from odoo.tools import SQL, float_round


def update(records, vals_list):
    """Write ``vals_list`` (one dict per record of ``records``, same keys) in one UPDATE."""
    if not records:
        return
    fnames = sorted(vals_list[0])
    records.flush_recordset(fnames)
    rows = _rows(records, fnames, vals_list, [{"id": record.id} for record in records])
    records.env.cr.execute(
        SQL(
            "UPDATE %(table)s SET %(assignments)s, write_uid = %(uid)s, write_date = %(now)s"
            " FROM json_to_recordset(%(rows)s::json) AS v(id int, %(types)s) WHERE %(table)s.id = v.id",
            table=SQL.identifier(records._table),
            assignments=SQL(", ").join(
                SQL("%s = v.%s", SQL.identifier(fname), SQL.identifier(fname)) for fname in fnames
            ),
            types=_types(records, fnames),
            rows=rows,
            uid=records.env.uid,
            now=records.env.cr.now(),
        )
    )
    records.invalidate_recordset([*fnames, "write_uid", "write_date"])
    records.modified(fnames)


def create(model, vals_list):
    """Insert ``vals_list`` (one dict per record) in one INSERT; the new records, in the order of
    ``vals_list``. Fields not given take their default, else NULL; constraints and company checks
    run on the new records."""
    if not vals_list:
        return model.browse()
    vals_list = _with_defaults(model, vals_list)
    fnames = sorted(vals_list[0])
    rows = _rows(model, fnames, vals_list, [{"n": n} for n in range(len(vals_list))])
    columns = SQL(", ").join(SQL.identifier(fname) for fname in fnames)
    model.env.cr.execute(
        SQL(
            "INSERT INTO %(table)s (%(columns)s, create_uid, create_date, write_uid, write_date)"
            " SELECT %(values)s, %(uid)s, %(now)s, %(uid)s, %(now)s"
            " FROM json_to_recordset(%(rows)s::json) AS v(n int, %(types)s) ORDER BY v.n RETURNING id",
            table=SQL.identifier(model._table),
            columns=columns,
            values=SQL(", ").join(SQL("v.%s", SQL.identifier(fname)) for fname in fnames),
            types=_types(model, fnames),
            rows=rows,
            uid=model.env.uid,
            now=model.env.cr.now(),
        )
    )
    # ids follow the insertion order, which is v.n's
    records = model.browse(sorted(row[0] for row in model.env.cr.fetchall()))
    # as create(): the given fields (related ones included) are not recomputed
    with model.env.protecting([model._fields[fname] for fname in fnames], records):
        records.modified(fnames, create=True)
    # the one2many fields listing such records (e.g. a period's appraisals) are read again
    for fname in fnames:
        for inverse in model.pool.field_inverses[model._fields[fname]]:
            model.env[inverse.model_name].invalidate_model([inverse.name])
    records._validate_fields(fnames)
    if model._check_company_auto:
        records._check_company(fnames)
    return records


def _with_defaults(model, vals_list):
    """``vals_list`` with the same keys in every row: what a row does not give takes the field's
    default (computed once for all rows, as ``default_get`` gives it), else None."""
    given = set().union(*vals_list)
    defaults = model.default_get(
        [
            fname
            for fname, field in model._fields.items()
            if field.store and field.column_type and fname not in given and fname not in MAGIC_COLUMNS
        ]
    )
    defaults = {fname: value for fname, value in defaults.items() if model._fields[fname].column_type}
    fnames = given | set(defaults)
    return [{**dict.fromkeys(fnames), **defaults, **vals} for vals in vals_list]


def converter(model, fname):
    """The function turning a value of field ``fname`` into what the flush stores: for a float,
    its value in the cache (rounded to the field's digits), else its column value."""
    field = model._fields[fname]
    if field.type != "float":
        return functools.partial(field.convert_to_column, record=model)
    digits = field.get_digits(model.env)
    if not digits:
        return lambda value: float(value or 0.0)
    return lambda value: _round(float(value or 0.0), digits[1])


@functools.lru_cache(maxsize=1 << 16)
def _round(value, digits):
    """``float_round``, remembered: a computation rounds the same weights and scores many times."""
    return float_round(value, precision_digits=digits)


def _rows(model, fnames, vals_list, keys):
    converters = [(fname, converter(model, fname)) for fname in fnames]
    for key, vals in zip(keys, vals_list, strict=True):
        for fname, convert in converters:
            key[fname] = convert(vals[fname])
    return json.dumps(keys, default=str)


def _types(model, fnames):
    return SQL(", ").join(
        SQL("%s %s", SQL.identifier(fname), SQL(model._fields[fname].column_type[1])) for fname in fnames
    )
