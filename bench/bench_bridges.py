"""The bridge modules' KPIs at company scale: Sales, Invoicing, Time Off, Expenses.

    python bench/bench_bridges.py --db crmperf_bench_bridges --users 50 --leads 100000 [--repeat 5]

Builds ``--db`` (dropped first; kept at the end for re-runs with ``--reuse``) from a copy of
``<db>_installed``, made once (again with ``--reinstall``, after a change to the modules) with
crm_performance, gamification, sale, account, hr_holidays and hr_expense (the bridges install
themselves), then
``--users`` salespeople (``make_dataset.make_org``) and, over the twelve full months before the
current one, rows in proportion to make_dataset.py's ``--leads`` L: L / 5 sales orders (3 %
cancelled, a discount on a third), one posted invoice per confirmed order (due 30 days later),
credit notes on 5 % of them, payments on 90 % (10 % of these partial), a leave a month and two
expenses a month per salesperson. Bulk rows go in with COPY from a record the ORM made (so NOT
NULL and defaulted columns are right); the columns the KPIs read are written as the ORM would.

Then, for the dataset's last month and all U salespeople, per bridge: the engine measuring every
KPI the bridge ships (one ``engine.measure.Measurement``, as the month's computation does),
the raw-SQL floor (hand-written grouped queries giving the same numbers) and, where gamification
can express the goal, a challenge's ``_update_all`` over the same users and month. Medians of
``--repeat`` runs (raw SQL: best of 3). **Asserts** that the engine, the floor and gamification
give the same number for every measure and user.
"""

import argparse
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

from bench_compute import compare, median, prepare_update
from benchlib import WINDOW_PARAM, Stopwatch, environment, odoo_bin, print_table, write_conf
from dateutil.relativedelta import relativedelta
from make_dataset import bulk_insert, data_window, make_org, moment, next_id, template_row

MODULES = "crm_performance,gamification,sale,account,hr_holidays,hr_expense"
BRIDGES = ("crm_performance_sale", "crm_performance_account", "crm_performance_hr_expense")
PAYMENT_MARK = "crm_performance_bench.payment_line"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", default="crmperf_bench_bridges")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--leads", type=int, default=100_000, help="the CRM size the rows follow")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time an existing database, build nothing")
    parser.add_argument(
        "--reinstall",
        action="store_true",
        help="install the modules again (kept in <db>_installed otherwise)",
    )
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------------------------
# the dataset
# ----------------------------------------------------------------------------------------------


def templates(env, salesperson, customer):
    """Records made by the ORM whose rows the bulk rows start from: a confirmed order, a posted
    invoice paid by a registered payment, a credit note, a leave, an expense."""
    product = env["product.product"].create({"name": "Bench widget", "list_price": 100, "taxes_id": []})
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "user_id": salesperson.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1, "price_unit": 100})],
        }
    )
    order.action_confirm()
    receipts = env["account.account"].create(
        {"name": "Bench receipts", "code": "BENCHREC", "account_type": "asset_current", "reconcile": True}
    )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    bank.inbound_payment_method_line_ids.payment_account_id = receipts
    moves = env["account.move"]
    for move_type in ("out_invoice", "out_refund"):
        moves |= moves.create(
            {
                "move_type": move_type,
                "partner_id": customer.id,
                "invoice_user_id": salesperson.id,
                "invoice_date": date.today(),
                "invoice_line_ids": [(0, 0, {"name": "Widgets", "price_unit": 100, "tax_ids": []})],
            }
        )
    moves.action_post()
    invoice = moves[0]
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
        {"amount": 100, "journal_id": bank.id}
    )._create_payments()
    partial = invoice.line_ids.matched_credit_ids
    employee = salesperson.employee_id
    leave_type = env["hr.leave.type"].create({"name": "Bench absence", "requires_allocation": False})
    leave = env["hr.leave"].create(
        {
            "employee_id": employee.id,
            "holiday_status_id": leave_type.id,
            "request_date_from": date.today(),
            "request_date_to": date.today(),
        }
    )
    expense = env["hr.expense"].create(
        {"name": "Bench taxi", "employee_id": employee.id, "total_amount_currency": 50, "date": date.today()}
    )
    return order, invoice, moves[1], partial, leave, leave_type, expense


ORDER_COLUMNS = (
    *("id", "name", "partner_id", "partner_invoice_id", "partner_shipping_id", "user_id", "state"),
    *("date_order", "amount_untaxed", "amount_total", "amount_tax", "amount_before_discount"),
    *("create_date", "write_date"),
)
MOVE_COLUMNS = (
    *("id", "name", "move_type", "partner_id", "commercial_partner_id", "invoice_user_id", "date"),
    *("invoice_date", "invoice_date_due", "amount_untaxed", "amount_untaxed_signed", "amount_total"),
    *("amount_total_signed", "amount_residual", "amount_residual_signed", "create_date", "write_date"),
)
LINE_COLUMNS = (
    *("id", "move_id", "move_name", "partner_id", "debit", "credit", "balance", "amount_currency"),
    *("amount_residual", "amount_residual_currency", "reconciled", "date", "date_maturity"),
    *("full_reconcile_id", "matching_number", "create_date", "write_date"),
)
PARTIAL_COLUMNS = (
    *("id", "debit_move_id", "amount", "debit_amount_currency", "credit_amount_currency", "max_date"),
    *("invoice_user_id", "full_reconcile_id", "create_date", "write_date"),
)
LEAVE_COLUMNS = (
    *("id", "employee_id", "holiday_status_id", "state", "request_date_from", "request_date_to"),
    *("date_from", "date_to", "number_of_days", "create_date", "write_date"),
)
EXPENSE_COLUMNS = (
    *("id", "employee_id", "state", "date", "total_amount", "total_amount_currency"),
    *("untaxed_amount_currency", "create_date", "write_date"),
)
DUE_DAYS = 30


def make_orders(rng, salespeople, own, count, first, window):
    """[(order id, user id, customer, moment, untaxed, state)] in date order."""
    start, end = (datetime.combine(day, datetime.min.time()) for day in window)
    orders = []
    for oid in range(first, first + count):
        user = rng.choice(salespeople).id
        customer = rng.choice(own[user][:10] if rng.random() < 0.6 else own[user])
        untaxed = round(rng.lognormvariate(7, 1), 2)
        orders.append(
            (
                oid,
                user,
                customer,
                moment(rng, start, end),
                untaxed,
                "cancel" if rng.random() < 0.03 else "sale",
            )
        )
    return sorted(orders, key=lambda order: order[3])


def make_moves(rng, orders, first):
    """Invoices (one per confirmed order, on its day) and credit notes (5 % of them, a quarter of
    the amount, 1 to 40 days later): ([(move id, user, customer, day, amount)], [...])."""
    invoices, refunds, move_id = [], [], first
    for _oid, user, customer, when, untaxed, state in orders:
        if state != "sale":
            continue
        invoices.append((move_id, user, customer, when.date(), untaxed))
        move_id += 1
        if rng.random() < 0.05:
            day = when.date() + timedelta(days=rng.randrange(1, 40))
            refunds.append((move_id, user, customer, day, round(untaxed / 4, 2)))
            move_id += 1
    return invoices, refunds


def move_rows(invoices, refunds):
    for kind, moves, sign in (("out_invoice", invoices, 1), ("out_refund", refunds, -1)):
        for mid, user, customer, day, amount in moves:
            due = day + timedelta(days=DUE_DAYS)
            yield (mid, f"BENCH/{mid}", kind, customer, customer, user, day, day, due, amount, sign * amount,
                   amount, sign * amount, 0.0, 0.0, day, day)  # fmt: skip


def make_payments(rng, invoices, first_line, first_partial, end):
    """The invoices' receivable lines and the payments matched with 90 % of them (10 % of these
    half paid), 2 to 60 days after the invoice: (lines, partials) as table rows."""
    lines, partials = [], []
    for index, (mid, user, customer, day, amount) in enumerate(invoices):
        line_id, paid = first_line + index, 0.0
        if rng.random() < 0.9:
            paid = amount if rng.random() < 0.9 else round(amount / 2, 2)
            paid_on = min(day + timedelta(days=int(rng.gammavariate(2, 15))), end - timedelta(days=1))
            pid = first_partial + len(partials)
            partials.append((pid, line_id, paid, paid, paid, paid_on, user, None, paid_on, paid_on))
        residual = round(amount - paid, 2)
        lines.append((line_id, mid, f"BENCH/{mid}", customer, amount, 0.0, amount, amount, residual, residual,
                      paid == amount, day, day + timedelta(days=DUE_DAYS), None, None, day, day))  # fmt: skip
    return lines, partials


def make_absences(rng, salespeople, leave_type, window, first_leave, first_expense):
    """A leave a month per salesperson (a day, half a day or two days), two expenses a month."""
    start, end = window
    months = []
    while start < end:
        months.append(start)
        start += relativedelta(months=1)
    leaves, expenses = [], []
    for user in salespeople:
        employee = user.employee_id.id
        for month in months:
            day = month + timedelta(days=rng.randrange(0, 25))
            days = rng.choice((0.5, 1.0, 1.0, 2.0))
            last = day + timedelta(days=1) if days == 2 else day
            begin = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
            stop = datetime.combine(last, datetime.min.time()) + timedelta(hours=12 if days == 0.5 else 17)
            leaves.append((first_leave + len(leaves), employee, leave_type.id, "validate", day, last,
                           begin, stop, days, day, day))  # fmt: skip
            for _k in range(2):
                spent, amount = month + timedelta(days=rng.randrange(0, 28)), rng.randrange(20, 400)
                expenses.append((first_expense + len(expenses), employee, "approved", spent, amount, amount,
                                 amount, spent, spent))  # fmt: skip
    return leaves, expenses


def make_rows(env, rng, salespeople, leads, window):
    """The bulk rows of the four bridges' sources; returns their counts."""
    customers = env["res.partner"].create(
        [{"name": f"Bench customer {k}"} for k in range(max(len(salespeople) * 40, 10))]
    )
    order, invoice, _refund, partial, leave, leave_type, expense = templates(
        env, salespeople[0], customers[0]
    )
    env["ir.config_parameter"].set_param("crm_performance_bench.leave_type", leave_type.id)
    # each salesperson sells to 40 customers of their own, ten of them month after month
    own = {user.id: customers[k * 40 : (k + 1) * 40].ids for k, user in enumerate(salespeople)}
    orders = make_orders(rng, salespeople, own, leads // 5, next_id(env, "sale_order"), window)
    order_rows = (
        (
            oid,
            f"BS{oid}",
            customer,
            customer,
            customer,
            user,
            state,
            when,
            untaxed,
            untaxed,
            0.0,
            round(untaxed / (0.9 if oid % 3 == 0 else 1.0), 2),
            when,
            when,
        )  # fmt: skip
        for oid, user, customer, when, untaxed, state in orders
    )
    counts = {
        "sale.order": bulk_insert(
            env, "sale.order", template_row(env, "sale.order", order), ORDER_COLUMNS, order_rows
        )
    }
    invoices, refunds = make_moves(rng, orders, next_id(env, "account_move"))
    template = template_row(env, "account.move", invoice)
    counts["account.move"] = bulk_insert(
        env, "account.move", template, MOVE_COLUMNS, move_rows(invoices, refunds)
    )
    receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
    lines, partials = make_payments(
        rng, invoices, next_id(env, "account_move_line"), next_id(env, "account_partial_reconcile"), window[1]
    )
    template = template_row(env, "account.move.line", receivable)
    counts["account.move.line"] = bulk_insert(env, "account.move.line", template, LINE_COLUMNS, lines)
    template = template_row(env, "account.partial.reconcile", partial)
    counts["account.partial.reconcile"] = bulk_insert(
        env, "account.partial.reconcile", template, PARTIAL_COLUMNS, partials
    )
    leaves, expenses = make_absences(
        rng, salespeople, leave_type, window, next_id(env, "hr_leave"), next_id(env, "hr_expense")
    )
    counts["hr.leave"] = bulk_insert(
        env, "hr.leave", template_row(env, "hr.leave", leave), LEAVE_COLUMNS, leaves
    )
    template = template_row(env, "hr.expense", expense)
    counts["hr.expense"] = bulk_insert(env, "hr.expense", template, EXPENSE_COLUMNS, expenses)
    return counts


def build(args):
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    installed = f"{args.db}_installed"  # the modules installed once, copied for each build
    if args.reinstall:
        subprocess.run(["dropdb", "--if-exists", installed], check=True)
    exists = subprocess.run(["psql", "-lqt"], check=True, capture_output=True, text=True).stdout
    if installed not in {line.split("|")[0].strip() for line in exists.splitlines()}:
        odoo_bin(
            write_conf(installed),
            "-d",
            installed,
            "-i",
            MODULES,
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        )
    subprocess.run(["createdb", "-T", installed, args.db], check=True)
    window = data_window(date.today())
    with environment(args.db, commit=True) as superuser_env:
        env = superuser_env(
            context=dict(superuser_env.context, tracking_disable=True, mail_create_nolog=True)
        )
        env.company.partner_id.tz = "UTC"
        salespeople, _managers = make_org(env, args.users)
        counts = make_rows(env, random.Random(args.seed), salespeople, args.leads, window)
        env["ir.config_parameter"].set_param(WINDOW_PARAM, f"{window[0]}/{window[1]}")
    subprocess.run(["vacuumdb", "--analyze", "--quiet", args.db], check=True)
    return counts


# ----------------------------------------------------------------------------------------------
# the floor: hand-written grouped queries giving the engine's numbers
# ----------------------------------------------------------------------------------------------

RAW = {
    "crm_performance_sale": [
        """SELECT user_id, SUM(amount_untaxed), COUNT(*), AVG(amount_untaxed), SUM(amount_before_discount)
              FROM sale_order
             WHERE state = 'sale' AND date_order >= %(start)s AND date_order < %(stop)s
               AND (company_id = %(company)s OR company_id IS NULL)
               AND user_id = ANY(%(users)s)
             GROUP BY user_id""",
        """SELECT u, COUNT(*) FILTER (WHERE prev), COUNT(*) FILTER (WHERE prev AND cur),
                   COUNT(*) FILTER (WHERE prev AND NOT cur),
                   SUM(amount) FILTER (WHERE cur AND c NOT IN (
                       SELECT partner_id FROM sale_order
                        WHERE state = 'sale' AND partner_id IS NOT NULL AND date_order < %(start)s
                          AND (company_id = %(company)s OR company_id IS NULL)))
              FROM (SELECT user_id AS u, partner_id AS c, BOOL_OR(date_order >= %(start)s) AS cur,
                           BOOL_OR(date_order < %(start)s) AS prev,
                           SUM(amount_untaxed) FILTER (WHERE date_order >= %(start)s) AS amount
                      FROM sale_order
                     WHERE state = 'sale' AND partner_id IS NOT NULL
                       AND (company_id = %(company)s OR company_id IS NULL)
                       AND user_id = ANY(%(users)s)
                       AND date_order >= %(previous)s AND date_order < %(stop)s
                     GROUP BY 1, 2) AS cohort
             GROUP BY u""",
        """SELECT u, SUM(amount) / COUNT(*)
              FROM (SELECT user_id AS u, partner_id AS c, SUM(amount_untaxed) AS amount
                      FROM sale_order
                     WHERE state = 'sale' AND partner_id IS NOT NULL
                       AND (company_id = %(company)s OR company_id IS NULL)
                       AND user_id = ANY(%(users)s)
                       AND date_order >= %(year)s AND date_order < %(stop)s
                     GROUP BY 1, 2) AS customer
             GROUP BY u""",
    ],
    "crm_performance_account": [
        """SELECT invoice_user_id, SUM(amount_untaxed_signed),
                   SUM(amount_untaxed) FILTER (WHERE move_type = 'out_invoice'),
                   SUM(amount_untaxed) FILTER (WHERE move_type = 'out_refund')
              FROM account_move
             WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
               AND (company_id = %(company)s OR company_id IS NULL)
               AND invoice_date >= %(start)s AND invoice_date < %(stop)s AND invoice_user_id = ANY(%(users)s)
             GROUP BY 1""",
        """SELECT p.invoice_user_id, SUM(p.amount)
             FROM account_partial_reconcile p
             JOIN account_move_line debit ON debit.id = p.debit_move_id
             JOIN account_move invoice ON invoice.id = debit.move_id
             JOIN account_move_line credit ON credit.id = p.credit_move_id
             JOIN account_move money ON money.id = credit.move_id
            WHERE invoice.move_type = 'out_invoice' AND invoice.state = 'posted'
              AND (money.origin_payment_id IS NOT NULL OR money.statement_line_id IS NOT NULL)
              AND p.max_date >= %(start)s AND p.max_date < %(stop)s
              AND (p.company_id = %(company)s OR p.company_id IS NULL) AND p.invoice_user_id = ANY(%(users)s)
            GROUP BY 1""",
        """SELECT user_id, SUM(amount_owed), SUM(amount_paid)
              FROM crm_performance_receivable
             WHERE month >= %(start)s AND month < %(stop)s
               AND (company_id = %(company)s OR company_id IS NULL) AND user_id = ANY(%(users)s)
             GROUP BY 1""",
    ],
    "crm_performance_hr_expense": [
        """SELECT employee.user_id, SUM(expense.total_amount)
             FROM hr_expense expense JOIN hr_employee employee ON employee.id = expense.employee_id
            WHERE expense.state IN ('approved', 'posted', 'in_payment', 'paid')
              AND expense.date >= %(start)s AND expense.date < %(stop)s
              AND (expense.company_id = %(company)s OR expense.company_id IS NULL)
              AND employee.user_id = ANY(%(users)s)
            GROUP BY 1""",
        """SELECT invoice_user_id, SUM(amount_untaxed_signed)
              FROM account_move
             WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
               AND (company_id = %(company)s OR company_id IS NULL)
               AND invoice_date >= %(start)s AND invoice_date < %(stop)s AND invoice_user_id = ANY(%(users)s)
             GROUP BY 1""",
    ],
    "crm_performance_hr_holidays": [
        """SELECT employee.user_id, SUM(leave.number_of_days)
             FROM hr_leave leave JOIN hr_employee employee ON employee.id = leave.employee_id
            WHERE leave.state = 'validate' AND leave.holiday_status_id = %(leave_type)s
              AND leave.request_date_from >= %(start)s AND leave.request_date_to < %(stop)s
              AND employee.user_id = ANY(%(users)s)
            GROUP BY 1""",
    ],
}


def _ratio(numerators, denominators):
    return {
        uid: 100.0 * float(numerators.get(uid) or 0.0) / float(value)
        for uid, value in denominators.items()
        if value
    }


def raw_values(cr, bridge, params):
    """{measure: {user id: value}} from the floor's queries, named as the bridge's KPIs."""
    results = []
    for query in RAW[bridge]:
        cr.execute(query, params)
        results.append(cr.fetchall())
    columns = {
        "crm_performance_sale": [
            ("order_revenue", "order_count", "average_order_value", "order_list_amount"),
            (
                "order_customers_previous",
                "order_customers_returning",
                "order_customers_lost",
                "new_customer_revenue",
            ),
            ("customer_lifetime_value",),
        ],
        "crm_performance_account": [
            ("invoiced_revenue", "invoiced_gross", "credit_notes"),
            ("paid_revenue",),
            ("receivables_due", "receivables_collected"),
        ],
        "crm_performance_hr_expense": [("sales_expenses",), ("invoiced_revenue",)],
        "crm_performance_hr_holidays": [("attendance_days",)],
    }[bridge]
    values = {}
    for names, rows in zip(columns, results, strict=True):
        for index, name in enumerate(names, start=1):
            values[name] = {row[0]: float(row[index]) for row in rows if row[index] is not None}
    if bridge == "crm_performance_sale":
        values["price_retention"] = _ratio(values["order_revenue"], values["order_list_amount"])
        values["repurchase_rate"] = _ratio(
            values["order_customers_returning"], values["order_customers_previous"]
        )
        values["churn_rate"] = _ratio(values["order_customers_lost"], values["order_customers_previous"])
    elif bridge == "crm_performance_account":
        values["return_rate"] = _ratio(values["credit_notes"], values["invoiced_gross"])
        values["collection_rate"] = _ratio(values["receivables_collected"], values["receivables_due"])
    elif bridge == "crm_performance_hr_expense":
        values["expense_to_revenue"] = _ratio(values["sales_expenses"], values.pop("invoiced_revenue"))
    return values


# ----------------------------------------------------------------------------------------------
# the engine and gamification
# ----------------------------------------------------------------------------------------------


def bridge_kpis(env, bridge):
    """{name: KPI} of the KPI definitions a bridge ships (by their XML ids)."""
    data = env["ir.model.data"].search([("module", "=", bridge), ("model", "=", "crm.kpi.definition")])
    return {row.name.removeprefix("kpi_"): env["crm.kpi.definition"].browse(row.res_id) for row in data}


def engine_values(env, bridge, period, users, leave_type):
    """The bridge's numbers as the month's computation gets them."""
    if bridge == "crm_performance_hr_holidays":
        from odoo.addons.crm_performance_hr_holidays.models.crm_appraisal import _leave_days

        employees = users.employee_id
        days = _leave_days(period, employees, leave_type)
        by_user = {employee.id: employee.user_id.id for employee in employees}
        return {
            "attendance_days": {by_user[employee_id]: taken for (employee_id, _type), taken in days.items()}
        }
    kpis = bridge_kpis(env, bridge)
    from odoo.addons.crm_performance.engine.measure import Measurement

    span = (period.date_from, period.date_to)
    measurement = Measurement(env, env.company, users.ids)
    measurement.need(env["crm.kpi.definition"].concat(*kpis.values()), *span).run()
    return {name: measurement.values(kpi, *span) for name, kpi in kpis.items()}


# bridge: [(measure, model, domain, date field, summed field, batch user field or None)]
GAMIFIED = {
    "crm_performance_sale": [
        ("order_revenue", "sale.order", [("state", "=", "sale")], "date_order", "amount_untaxed", "user_id"),
        ("order_count", "sale.order", [("state", "=", "sale")], "date_order", None, "user_id"),
    ],
    "crm_performance_account": [
        (
            "invoiced_revenue",
            "account.move",
            [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")],
            "invoice_date",
            "amount_untaxed_signed",
            "invoice_user_id",
        ),
        (
            "paid_revenue",
            "account.partial.reconcile",
            [
                ("debit_move_id.move_id.move_type", "=", "out_invoice"),
                ("debit_move_id.move_id.state", "=", "posted"),
                "|",
                ("credit_move_id.move_id.origin_payment_id", "!=", False),
                ("credit_move_id.move_id.statement_line_id", "!=", False),
            ],
            "max_date",
            "amount",
            "invoice_user_id",
        ),
    ],
    "crm_performance_hr_expense": [
        (
            "sales_expenses",
            "hr.expense",
            [("state", "in", ("approved", "posted", "in_payment", "paid"))],
            "date",
            "total_amount",
            None,
        ),
    ],
    "crm_performance_hr_holidays": [
        (
            "attendance_days",
            "hr.leave",
            [("state", "=", "validate")],
            "request_date_from",
            "number_of_days",
            None,
        ),
    ],
}


def gamification_challenge(env, bridge, period, users, leave_type):
    """A challenge on the bridge's goals gamification can express, for the users and the month;
    returns (challenge, {measure: definition})."""
    fields_model = env["ir.model.fields"]
    definitions = {}
    for name, model, filters, date_field, summed, batch_field in GAMIFIED[bridge]:
        domain = [*filters, ("holiday_status_id", "=", leave_type.id)] if model == "hr.leave" else filters
        values = {
            "name": f"Bench {name}",
            "computation_mode": "sum" if summed else "count",
            "model_id": env["ir.model"]._get_id(model),
            "field_date_id": fields_model._get(model, date_field).id,
            "field_id": summed and fields_model._get(model, summed).id,
        }
        if batch_field:
            values.update(
                domain=repr(domain),
                batch_mode=True,
                batch_distinctive_field=fields_model._get(model, batch_field).id,
                batch_user_expression="user.id",
            )
        else:  # attributed through the employee: one query per user
            values["domain"] = repr(domain)[:-1] + ", ('employee_id.user_id', '=', user.id)]"
        definitions[name] = env["gamification.goal.definition"].create(values)
    challenge = env["gamification.challenge"].create(
        {
            "name": f"Bench {bridge}",
            "period": "once",
            "start_date": period.date_from,
            "end_date": period.date_to,
            "user_domain": False,
            "user_ids": [(6, 0, users.ids)],
            "report_message_frequency": "never",
            "line_ids": [(0, 0, {"definition_id": d.id, "target_goal": 1.0}) for d in definitions.values()],
        }
    )
    challenge.action_start()
    return challenge, definitions


def goal_values(challenge, definitions):
    names = {definition: name for name, definition in definitions.items()}
    values = {name: {} for name in definitions}
    for goal in challenge.env["gamification.goal"].search([("challenge_id", "=", challenge.id)]):
        values[names[goal.definition_id]][goal.user_id.id] = goal.current
    return values


# ----------------------------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------------------------


def run(env, repeat):
    window = env["ir.config_parameter"].get_param(WINDOW_PARAM)
    if not window:
        sys.exit("this database was not made by bench/bench_bridges.py (no data window)")
    end = date.fromisoformat(window.split("/")[1])
    month = end - relativedelta(months=1)
    period = env["crm.appraisal.period"].search([("period_type", "=", "month"), ("date_from", "=", month)])
    period = period or env["crm.appraisal.period"].create({"period_type": "month", "date_from": month})
    users = env["res.users"].search([("login", "=like", "bench_sp_%")], order="id")
    leave_type = env["hr.leave.type"].browse(
        int(env["ir.config_parameter"].get_param("crm_performance_bench.leave_type"))
    )
    params = {
        "start": month,
        "stop": end,
        "previous": month - relativedelta(months=1),
        "year": end - relativedelta(months=12),
        "company": env.company.id,
        "users": users.ids,
        "leave_type": leave_type.id,
    }
    rows = []
    for bridge in (
        "crm_performance_sale",
        "crm_performance_account",
        "crm_performance_hr_holidays",
        "crm_performance_hr_expense",
    ):
        expected = raw_values(env.cr, bridge, params)  # warms the buffers for every side
        found = engine_values(env, bridge, period, users, leave_type)
        compare(f"{bridge}: engine = raw SQL", expected, found, list(expected))
        ours = []
        for _run in range(repeat):
            env.invalidate_all()
            with Stopwatch(env) as watch:
                engine_values(env, bridge, period, users, leave_type)
            ours.append(watch)
        floor = None
        for _run in range(3):
            with Stopwatch(env) as watch:
                raw_values(env.cr, bridge, params)
            floor = watch if floor is None or watch.seconds < floor.seconds else floor
        challenge, definitions = gamification_challenge(env, bridge, period, users, leave_type)
        compare(
            f"{bridge}: gamification = raw SQL",
            {n: expected[n] for n in definitions},
            goal_values(challenge, definitions),
            list(definitions),
        )
        game = []
        for _run in range(repeat):
            prepare_update(env, challenge, users, reset=True)
            with Stopwatch(env) as watch:
                challenge._update_all()
            game.append(watch)
        compare(
            f"{bridge}: gamification after _update_all",
            {n: expected[n] for n in definitions},
            goal_values(challenge, definitions),
            list(definitions),
        )
        env.cr.commit()
        ours, game = median(ours), median(game)
        rows.append(
            (
                bridge.removeprefix("crm_performance_"),
                len(found),
                f"{ours.seconds:.3f}",
                ours.queries,
                f"{floor.seconds:.3f}",
                floor.queries,
                f"{ours.seconds / floor.seconds:.1f}",
                f"{len(definitions)}: {', '.join(definitions)}",
                f"{game.seconds:.3f}",
                game.queries,
                f"{game.seconds / ours.seconds:.1f}",
            )
        )
    return month, len(users), rows


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    if not args.reuse:
        counts = build(args)
        print(f"[bench_bridges {time.perf_counter() - started:6.1f}s] built {args.db}: {counts}", flush=True)
    with environment(args.db, commit=True) as env:
        month, n_users, rows = run(env, args.repeat)
    print(f"\nMonth {month:%Y-%m}, {n_users} salespeople, medians of {args.repeat} (raw SQL: best of 3)\n")
    print_table(
        (
            "bridge",
            "KPIs",
            "engine s",
            "queries",
            "floor s",
            "queries",
            "x floor",
            "gamification goals",
            "gamification s",
            "queries",
            "gamification / ours",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
