"""The batched scans behind every measured figure: KPIs sharing a source model and a
salesperson field are measured by one grouped query, each KPI an aggregate filtered by its own
domain; distinct-customer KPIs sharing a customer field by one grouped query of their own.

The definitions (``crm.kpi.definition``) say which records count (filter, dates, company,
salespeople: ``_period_domain``, ``_date_domain``, ``_user_domain``, ``_user_sql``); the scans
turn them into ``{kpi: {user id: value}}``. :class:`~.measure.Measurement` decides which scans
a computation runs.
"""

import contextlib
from datetime import date, timedelta

from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import currency
from . import spans


class Unmeasured(dict):
    """The values of a KPI that could not be measured: nobody has a value, and ``reason`` says
    why (a filter the database refuses, a field removed by a module update)."""

    def __init__(self, reason):
        super().__init__()
        self.reason = reason


def scan(kpis, date_from, date_to, company, user_ids, guard=True):
    """``{kpi: {user_id: value}}`` of count/sum/average/customer ``kpis`` sharing a source model
    and a salesperson field over [date_from, date_to] in ``company``: one grouped query (a KPI
    whose domain needs a join gets a query of its own). A KPI that cannot be measured gets
    ``Unmeasured`` and leaves the others measured; unless ``guard`` is false: then the scans run
    without a savepoint of their own and an error the database raises propagates (the caller
    holds a savepoint around several scans and measures again with ``guard`` if one fails).

    Users without records get 0 for counts and sums, and no entry (no data) for averages."""
    if not (kpis and user_ids):
        return {kpi: {} for kpi in kpis}
    removed = kpis.filtered(lambda kpi: not (kpi.user_field_id and kpi.date_field_id))
    if removed:  # a field removed by a module uninstalled since: nothing can be attributed
        gone = Unmeasured(kpis.env._("its Salesperson Field or Date Field was removed"))
        return {
            **dict.fromkeys(removed, gone),
            **scan(kpis - removed, date_from, date_to, company, user_ids, guard),
        }
    cohorts = kpis.filtered(lambda k: k.measure_mode == "customers")
    if cohorts:
        return {
            **scan(kpis - cohorts, date_from, date_to, company, user_ids, guard),
            **_cohort_scan(cohorts, date_from, date_to, company, user_ids, guard),
        }
    model = kpis.env[kpis[:1].model_name].sudo()
    users = kpis[:1]._user_domain(user_ids)
    measured, scans, conditions = {}, [], {}
    for kpi in kpis:
        try:
            condition = kpi._period_condition(date_from, date_to, company)
            if condition is None:
                measured[kpi] = _measured_values(kpi, {}, user_ids)
            elif condition is False:  # a filter that needs a join: a search of its own
                domain = kpi._period_domain(date_from, date_to, company)
                scans.append((model._search(domain & users), {kpi: SQL("TRUE")}))
            else:
                conditions[kpi] = condition
        except Exception as exc:  # a KPI the ORM cannot express must not stop the others
            measured[kpi] = Unmeasured(failure_reason(exc))
    if conditions:
        shared = model._search(users, active_test=False)
        shared.add_where(SQL("(%s)", SQL(" OR ").join(SQL("(%s)", c) for c in conditions.values())))
        scans.append((shared, conditions))
    for query, kpi_conditions in scans:
        measured.update(
            _run_scan(model, query, kpi_conditions, (date_from, date_to), company, user_ids, guard)
        )
    return measured


def _run_scan(model, query, kpi_conditions, span, company, user_ids, guard):
    """Run one grouped scan; if the database refuses it, measure each of its KPIs alone, so that
    only the one it refuses is ``Unmeasured``."""
    kpis = list(kpi_conditions)

    def rows():
        user_sql = kpis[0]._user_sql(model, query)
        aggregates = [_aggregate_sql(kpi, model, query, kpi_conditions[kpi], company) for kpi in kpis]
        query.groupby = user_sql
        return model.env.execute_query(query.select(user_sql, *aggregates))

    return _grouped(model.env, kpis, user_ids, guard, rows, lambda kpi: scan(kpi, *span, company, user_ids))


def _aggregate_sql(kpi, model, query, condition, company):
    """The SQL aggregate of ``kpi`` over the rows matching ``condition``; amounts of a currency
    field stored on the record are converted into the company's currency at the rate of the
    record's date (the KPI's date field)."""
    if kpi.measure_mode == "average" and kpi.average_of == "duration":
        start_sql = model._field_to_sql(model._table, kpi.duration_start_field_id.name, query)
        end_sql = model._field_to_sql(model._table, kpi.duration_end_field_id.name, query)
        per_unit = 3600.0 if kpi.duration_unit == "hours" else 86400.0
        return SQL(
            "AVG(EXTRACT(EPOCH FROM (%s::timestamp - %s::timestamp))) FILTER (WHERE %s) / %s",
            end_sql,
            start_sql,
            SQL("%s AND %s IS NOT NULL AND %s IS NOT NULL", condition, start_sql, end_sql),
            per_unit,
        )
    if kpi.measure_mode == "count":
        return SQL("COUNT(*) FILTER (WHERE %s)", condition)
    function = SQL("SUM") if kpi.measure_mode == "sum" else SQL("AVG")
    return SQL("%s(%s) FILTER (WHERE %s)", function, _value_sql(kpi, model, query, company), condition)


def _value_sql(kpi, model, query, company):
    """The measured field of a record as SQL, in the company's currency."""
    field_sql = model._field_to_sql(model._table, kpi.field_id.name, query)
    currency_fname = record_currency_field(model, kpi.field_id.name)
    if not currency_fname:
        return field_sql
    date_sql = model._field_to_sql(model._table, kpi.date_field_id.name, query)
    if kpi.date_field_id.ttype == "datetime":
        date_sql = SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)", date_sql, spans.company_tz(company))
    currency_sql = model._field_to_sql(model._table, currency_fname, query)
    rate = currency.conversion_sql(currency_sql, SQL("%s::date", date_sql), company)
    return SQL("%s * %s", field_sql, rate)


def _cohort_scan(kpis, date_from, date_to, company, user_ids, guard):
    """``{kpi: {user_id: value}}`` of distinct-customer KPIs sharing a source model, a
    salesperson field and a customer field: one grouped query over the salespeople's records of
    the period and the previous one, per salesperson and customer, then per salesperson. If the
    database refuses it, each KPI is measured alone (``Unmeasured`` when it fails)."""

    def rows():
        inner, cohorts = cohort_sql(kpis, date_from, date_to, company, user_ids)
        values = SQL(", ").join(cohorts[kpi][1] for kpi in kpis)
        return kpis.env.execute_query(
            SQL("SELECT cohort.u, %s FROM (%s) AS cohort GROUP BY cohort.u", values, inner)
        )

    return _grouped(
        kpis.env,
        list(kpis),
        user_ids,
        guard,
        rows,
        lambda kpi: _cohort_scan(kpi, date_from, date_to, company, user_ids, guard),
    )


def _grouped(env, kpis, user_ids, guard, rows, alone):
    """``{kpi: {user id: value}}`` from ``rows()``, one grouped query of ``kpis`` (a user id, then
    a value per KPI), run in a savepoint unless the caller holds one (``guard`` false: an error
    propagates). If the database refuses it, each KPI is measured alone (``alone(kpi)``), so that
    only the one it refuses is ``Unmeasured``."""
    try:
        with _savepoint(env, guard):
            result = rows()
    except Exception as exc:  # one KPI the database refuses must not stop the month
        if not guard:
            raise
        if len(kpis) == 1:
            return {kpis[0]: Unmeasured(failure_reason(exc))}
        measured = {}
        for kpi in kpis:
            measured.update(alone(kpi))
        return measured
    return {
        kpi: _measured_values(kpi, {row[0]: row[index] for row in result}, user_ids)
        for index, kpi in enumerate(kpis, start=1)
    }


def cohort_sql(kpis, date_from, date_to, company, user_ids):
    """``(inner, {kpi: (condition, value)})``: ``inner`` selects one row per salesperson ``u`` and
    customer ``c`` of these KPIs' records over the period and the previous one, with whether the
    customer bought in each span under each KPI's filter (and the amounts); ``condition`` tells
    whether a row's customer is in the KPI's cohort, ``value`` aggregates the cohort per
    salesperson (its number, or the sum of the measured field)."""
    first = kpis[:1]
    model = kpis.env[first.model_name].sudo()
    customer_fname = first.customer_field_id.name
    prev_from, prev_to = spans.compared_span(date_from, date_to)
    query = model._search(
        first._user_domain(user_ids) & Domain(customer_fname, "!=", False), active_test=False
    )
    user_sql = first._user_sql(model, query)
    customer_sql = model._field_to_sql(model._table, customer_fname, query)
    columns, scopes, cohorts = [], [], {}
    for index, kpi in enumerate(kpis):
        scope = _where(model, model._search(kpi._period_domain(prev_from, date_to, company)))
        scopes.append(scope)
        current = SQL(
            "(%s AND %s)", scope, _where(model, model._search(kpi._date_domain(date_from, date_to, company)))
        )
        previous = SQL(
            "(%s AND %s)", scope, _where(model, model._search(kpi._date_domain(prev_from, prev_to, company)))
        )
        columns += [
            SQL("COALESCE(BOOL_OR(%s), FALSE) AS %s", current, SQL.identifier(f"cur_{index}")),
            SQL("COALESCE(BOOL_OR(%s), FALSE) AS %s", previous, SQL.identifier(f"prev_{index}")),
        ]
        cur, prev = SQL.identifier("cohort", f"cur_{index}"), SQL.identifier("cohort", f"prev_{index}")
        cohort = kpi.customer_cohort
        if cohort == "new":
            before = kpi._period_domain(date(1900, 1, 1), date_from - timedelta(days=1), company)
            prior = model._search(before)
            prior_customers = prior.subselect(model._field_to_sql(prior.table, customer_fname, prior))
            condition = SQL("(%s AND cohort.c NOT IN %s)", cur, prior_customers)
        else:
            condition = {
                "active": cur,
                "previous": prev,
                "returning": SQL("(%s AND %s)", prev, cur),
                "lost": SQL("(%s AND NOT %s)", prev, cur),
            }[cohort]
        if kpi.field_id:
            in_span = previous if cohort in ("previous", "lost") else current
            amount = SQL.identifier(f"amount_{index}")
            columns.append(
                SQL(
                    "SUM(%s) FILTER (WHERE %s) AS %s", _value_sql(kpi, model, query, company), in_span, amount
                )
            )
            value = SQL("SUM(%s) FILTER (WHERE %s)", SQL.identifier("cohort", f"amount_{index}"), condition)
            if kpi.per_customer:
                value = SQL("%s / NULLIF(COUNT(*) FILTER (WHERE %s), 0)", value, condition)
        else:
            value = SQL("COUNT(*) FILTER (WHERE %s)", condition)
        cohorts[kpi] = (condition, value)
    query.add_where(SQL("(%s)", SQL(" OR ").join(scopes)))
    query.groupby = SQL("%s, %s", user_sql, customer_sql)
    inner = query.select(SQL("%s AS u", user_sql), SQL("%s AS c", customer_sql), *columns)
    return inner, cohorts


def _measured_values(kpi, values, user_ids):
    """Counts and sums are 0 for users without records, averages (per customer too) have no
    entry."""
    if kpi.measure_mode != "average" and not (kpi.measure_mode == "customers" and kpi.per_customer):
        values = {uid: float(value or 0.0) for uid, value in values.items()}
        values.update({uid: 0.0 for uid in user_ids if uid not in values})
    return {uid: float(value) for uid, value in values.items() if value is not None}


def _where(model, query):
    """The condition of a search on ``model`` as SQL over its table's rows (a search that needs a
    join is tested by id)."""
    if query.is_empty():
        return SQL("FALSE")
    if query._joins:
        return SQL("%s IN %s", SQL.identifier(model._table, "id"), query.subselect())
    return query.where_clause if query._where_clauses else SQL("TRUE")


def _savepoint(env, guard):
    """A savepoint around a scan, or nothing when the caller holds one (``guard`` false)."""
    return env.cr.savepoint(flush=False) if guard else contextlib.nullcontext()


def failure_reason(exc):
    """One line a manager can read from what stopped a measure."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def record_currency_field(model, fname):
    """The currency of a monetary field when each record stores its own (an order, an invoice),
    else None: a currency taken from the record's company is the appraisal's company currency,
    since only that company's records (and shared ones) are counted."""
    field = model._fields[fname]
    if field.type != "monetary":
        return None
    currency_fname = field.get_currency_field(model)
    currency_field = model._fields.get(currency_fname)
    if currency_field and currency_field.store and currency_field.type == "many2one":
        return currency_fname
    return None
