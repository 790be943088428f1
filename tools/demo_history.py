"""Six months of history for the demo organisation of ``make demo`` (outside the registry).

Usage: python tools/demo_history.py CONF DB

The organisation (users, employees, departments, teams) is crm_performance's XML demo data. This
script gives it what XML cannot: leads, opportunities, activities, meetings and customers dated
relative to today, targets, the appraisals of every period and the review chain walked as far as
each month got; with the Sales bridge, orders (two currencies, discounts, returning customers),
invoices, payments and a credit note, and the East region on the "Sales (orders and invoices)"
plan; with the Time Off bridge, absences (half days, one refused) counted by the attendance lines.
Runs once per database (``crm_performance.demo_history`` system parameter); ``tools/demo.sh``
calls it when it creates the demo database.
"""

import random
import sys
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
MONTHS_BACK = 6
DONE = "crm_performance.demo_history"


def main(conf, db):
    config.parse_config(["-c", conf, "-d", db])
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, QUIET)
        if env["ir.config_parameter"].get_param(DONE):
            print(f"{db} has its demo history already")
            return 0
        if not env.ref("crm_performance.demo_user_vp", raise_if_not_found=False):
            sys.exit(f"{db} has no crm_performance demo data: create it with --with-demo")
        load_crm(env)
        installed = set(env["ir.module.module"].search([("state", "=", "installed")]).mapped("name"))
        if "crm_performance_sale" in installed:
            load_sales(env)
        if "crm_performance_hr_holidays" in installed:
            load_leaves(env)
        env["ir.config_parameter"].set_param(DONE, fields.Date.to_string(fields.Date.context_today(env.user)))
    return 0


def first_month_of(env):
    today = fields.Date.context_today(env.user)
    return today, today.replace(day=1) - relativedelta(months=MONTHS_BACK)


def organisation(env):
    """The XML demo organisation: VP, HR, area managers and salespeople (employees)."""
    employees = env["hr.employee"].search([("user_id", "!=", False)])
    return {
        "vp": env.ref("crm_performance.demo_user_vp"),
        "hr": env.ref("crm_performance.demo_user_hr"),
        "managers": employees.filtered(
            lambda e: e.job_id == env.ref("crm_performance.demo_job_area_manager")
        ),
        "salespeople": employees.filtered(
            lambda e: e.job_id == env.ref("crm_performance.demo_job_salesperson")
        ),
    }


def load_crm(env):
    rng = random.Random(20261122)  # the same history on every install
    company = env.company
    org = organisation(env)
    today, start = first_month_of(env)
    Period = env["crm.appraisal.period"]
    periods = Period.browse()
    day = start
    while day <= today:
        periods |= Period._ensure_periods(day, company)
        day += relativedelta(months=1)
    months = periods.filtered(lambda p: p.period_type == "month").sorted("date_from")
    create_activity(env, rng, org["salespeople"], start, today)
    create_targets(env, rng, org, months)
    appraisals = env["crm.appraisal"]._generate(periods)
    score_and_review(env, rng, org, appraisals.filtered(lambda a: a.period_type == "month"), today)


def create_activity(env, rng, salespeople, first_month, today):
    """Leads, opportunities won and lost, done activities, meetings and new customers."""
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    open_stages = env["crm.stage"].search([("is_won", "=", False)])
    skill = {emp: rng.uniform(0.6, 1.4) for emp in salespeople}
    leads_vals, created, closed, lost, followed = [], [], [], [], []
    partners_vals, partner_dates, meetings, activities = [], [], [], []
    day = first_month
    while day <= today:
        month_end = min(day + relativedelta(months=1, days=-1), today)
        span = (month_end - day).days + 1
        for emp in salespeople:
            user = emp.user_id
            for _i in range(int(rng.uniform(10, 18) * skill[emp])):
                create = datetime.combine(
                    day + timedelta(days=rng.randrange(span)), time(rng.randrange(8, 18))
                )
                outcome = rng.random()
                is_won, is_lost = outcome < 0.3 * skill[emp], 0.3 * skill[emp] <= outcome < 0.5
                close = create + timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 8))
                if close.date() > today:
                    is_won = is_lost = False
                complete = rng.random() < 0.8
                leads_vals.append(
                    {
                        "name": f"{rng.choice(['ERP', 'CRM', 'Cloud', 'Support', 'Training'])} deal "
                        f"{rng.randint(100, 999)}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "expected_revenue": rng.randrange(5, 80) * 1000,
                        "stage_id": won_stage.id if is_won else rng.choice(open_stages).id,
                        "partner_name": f"Customer {rng.randint(1, 400)}" if complete else False,
                        "email_from": f"contact{rng.randint(1, 999)}@example.com",
                        "phone": f"+86 21 5555 {rng.randint(1000, 9999)}" if complete else False,
                        "city": rng.choice(["Shanghai", "Beijing", "Shenzhen", "Hangzhou"]),
                        "date_deadline": (create + timedelta(days=rng.randint(10, 60))).date(),
                    }
                )
                created.append(create)
                closed.append(close if (is_won or is_lost) else None)
                lost.append(is_lost)
                followed.append(create + timedelta(hours=rng.choice([2, 6, 20, 30, 50])))
            for _i in range(int(rng.uniform(15, 35) * skill[emp])):
                activities.append((user, day + timedelta(days=rng.randrange(span))))
            for _i in range(int(rng.uniform(4, 10) * skill[emp])):
                start = datetime.combine(
                    day + timedelta(days=rng.randrange(span)), time(rng.randrange(8, 17))
                )
                meetings.append(
                    {
                        "name": "Customer visit",
                        "user_id": user.id,
                        "start": start,
                        "stop": start + timedelta(hours=1),
                    }
                )
            for _i in range(rng.randint(2, 8)):
                partners_vals.append({"name": f"New customer {len(partners_vals) + 1}", "user_id": user.id})
                partner_dates.append(datetime.combine(day + timedelta(days=rng.randrange(span)), time(10)))
        day += relativedelta(months=1)
    leads = env["crm.lead"].create(leads_vals)
    env["crm.lead"].browse(
        [lid for lid, is_lost in zip(leads.ids, lost, strict=True) if is_lost]
    ).action_set_lost()
    env.flush_all()
    rows = list(zip(leads.ids, created, closed, followed, strict=True))
    for lead_id, create, close, follow in rows:
        env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_closed = %s, first_followup_date = %s WHERE id = %s",
            (create, close, follow if follow.date() <= today else None, lead_id),
        )
    partners = env["res.partner"].create(partners_vals)
    for partner_id, create in zip(partners.ids, partner_dates, strict=True):
        env.cr.execute("UPDATE res_partner SET create_date = %s WHERE id = %s", (create, partner_id))
    env["calendar.event"].create(meetings)
    call = env.ref("mail.mail_activity_data_call")
    lead_model = env["ir.model"]._get_id("crm.lead")
    done = env["mail.activity"].create(
        [
            {
                "res_model_id": lead_model,
                "res_id": rng.choice(leads.ids),
                "activity_type_id": call.id,
                "user_id": user.id,
                "summary": "Follow-up call",
                "date_deadline": when,
            }
            for user, when in activities
        ]
    )
    done.action_archive()
    env.flush_all()
    # planned a day or three ahead, done during the working day: the way honest follow-ups look
    # to the integrity signals (no backdating, no bursts)
    zone = pytz.timezone(env.company.partner_id.tz or "UTC")

    def utc(day, hour, minutes=0):
        local = zone.localize(datetime.combine(day, time(hour)) + timedelta(minutes=minutes))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    for activity_id, (_user, when) in zip(done.ids, activities, strict=True):
        planned = utc(when - timedelta(days=rng.randrange(1, 4)), 8)
        marked = utc(when, 9, rng.randrange(9 * 60))
        env.cr.execute(
            "UPDATE mail_activity SET date_done = %s, create_date = %s, write_date = %s WHERE id = %s",
            (when, planned, marked, activity_id),
        )
    env.invalidate_all()
    leads.modified(["create_date", "first_followup_date", "date_closed"])
    env.flush_all()


def create_targets(env, rng, org, months):
    revenue = env.ref("crm_performance.kpi_won_revenue")
    team_revenue = env.ref("crm_performance.kpi_team_won_revenue")
    values = []
    for period in months:
        for emp in org["salespeople"]:
            values.append(
                {
                    "kpi_id": revenue.id,
                    "period_id": period.id,
                    "employee_id": emp.id,
                    "value": rng.choice([150, 180, 200, 220]) * 1000,
                }
            )
        for emp in org["managers"]:
            values.append(
                {
                    "kpi_id": team_revenue.id,
                    "period_id": period.id,
                    "employee_id": emp.id,
                    "value": 800000,
                }
            )
    env["crm.kpi.target"].create(values)


def score_and_review(env, rng, org, appraisals, today):
    """Manual items and attendance entered, then the chain walked as far as each month got."""
    for line in appraisals.line_ids:
        if line.scoring_rule == "manual":
            line.manual_points = rng.randint(6, 10) * line.max_points / 10
        elif line.scoring_rule == "deduction":
            line.occurrences = rng.choice([0, 0, 0, 0.5, 1, 2])
    last_month = today.replace(day=1) - relativedelta(months=1)
    chain = [
        ("action_submit", lambda a: a.manager_id.user_id),
        ("action_consolidate", lambda a: org["vp"]),
        ("action_first_review", lambda a: org["vp"]),
        ("action_approve", lambda a: org["hr"]),
        ("action_lock", lambda a: org["hr"]),
    ]
    for appraisal in appraisals.sorted("date_from"):
        if appraisal.date_from >= today.replace(day=1):
            continue  # this month stays in draft, recomputed nightly
        steps = 5 if appraisal.date_from < last_month else rng.choice([1, 2, 3, 3, 4])
        for method, who in chain[:steps]:
            getattr(appraisal.with_user(who(appraisal)), method)()
        if appraisal.state == "reviewed" and rng.random() < 0.3:
            appraisal.with_user(appraisal.user_id)._appeal(
                "Two deals of mine closed on the last day of the month."
            )
        elif appraisal.state in ("approved", "locked"):
            appraisal.with_user(appraisal.user_id).action_acknowledge()
    env["crm.appraisal"]._flag_coaching(today)
    appraisals.period_id.filtered(lambda p: p.date_to < last_month).action_close()


def load_sales(env):
    """Orders, invoices, payments and a credit note of the salespeople; East on the Sales plan."""
    rng = random.Random(20261130)
    today, first_month = first_month_of(env)
    users = organisation(env)["salespeople"].user_id
    customers = env["res.partner"].create([{"name": f"Demo customer {n}"} for n in range(1, 41)])
    products = env["product.product"].create(
        [
            {
                "name": name,
                "type": "service",
                "invoice_policy": "order",
                "list_price": price,
                "taxes_id": [],
            }
            for name, price in (("CRM licence", 1200), ("Onboarding", 3000), ("Support plan", 800))
        ]
    )
    pricelists = [
        env["product.pricelist"].create({"name": "Demo list", "currency_id": env.company.currency_id.id})
    ]
    foreign = env.ref("base.EUR" if env.company.currency_id != env.ref("base.EUR") else "base.USD")
    if foreign.rate_ids:  # converted at its demo rates
        foreign.active = True
        pricelists.append(env["product.pricelist"].create({"name": "Export list", "currency_id": foreign.id}))
    orders = demo_orders(env, rng, users, customers, products, pricelists, first_month, today)
    demo_invoices(env, rng, orders, today)
    plan = env.ref("crm_performance_sale.plan_sales_orders_invoices")
    plan.department_ids = env.ref("crm_performance.demo_department_east")
    attendance = plan.line_ids.filtered(lambda line: line.scoring_rule == "deduction")
    if "leave_type_ids" in attendance._fields:  # with Time Off: the leave the other plans count
        salesperson = env.ref("crm_performance.plan_salesperson").line_ids
        attendance.leave_type_ids = salesperson.filtered(
            lambda line: line.scoring_rule == "deduction"
        ).leave_type_ids
    periods = env["crm.appraisal.period"].search(
        [("company_id", "=", env.company.id), ("state", "=", "open"), ("date_from", ">=", first_month)]
    )
    env["crm.appraisal"]._generate(periods)


def demo_orders(env, rng, users, customers, products, pricelists, first_month, today):
    """Two to five confirmed orders per salesperson and month, a few cancelled."""
    orders, dates = env["sale.order"], []
    regulars = {user: customers.browse(rng.sample(customers.ids, 6)) for user in users}
    day = first_month
    while day <= today:
        span = (min(day + relativedelta(months=1, days=-1), today) - day).days + 1
        for user in users:
            for _i in range(rng.randint(2, 5)):
                customer = rng.choice(regulars[user]) if rng.random() < 0.6 else rng.choice(customers)
                order = env["sale.order"].create(
                    {
                        "partner_id": customer.id,
                        "user_id": user.id,
                        "pricelist_id": rng.choice(pricelists).id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": rng.randint(1, 5),
                                    "discount": rng.choice([0, 0, 5, 10, 15]),
                                },
                            )
                            for product in products.browse(rng.sample(products.ids, rng.randint(1, 3)))
                        ],
                    }
                )
                orders |= order
                dates.append(
                    datetime.combine(day + timedelta(days=rng.randrange(span)), time(rng.randrange(9, 18)))
                )
        day += relativedelta(months=1)
    orders.action_confirm()
    for order, moment in zip(orders, dates, strict=True):
        order.date_order = moment
    cancelled = orders.filtered(lambda o: rng.random() < 0.05)
    cancelled._action_cancel()
    return orders - cancelled


def demo_invoices(env, rng, orders, today):
    """Most orders invoiced a few days later, most invoices paid (some in two parts), one
    credit note this month on an invoice of last month (the clawback)."""
    receipts = env["account.account"].create(
        {
            "name": "Outstanding receipts (demo)",
            "code": "DEMOREC",
            "account_type": "asset_current",
            "reconcile": True,
        }
    )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    bank.inbound_payment_method_line_ids.filtered(
        lambda m: not m.payment_account_id
    ).payment_account_id = receipts
    invoices = env["account.move"]
    for order in orders.filtered(lambda o: rng.random() < 0.85):
        invoice_date = min(order.date_order.date() + timedelta(days=rng.randint(0, 5)), today)
        invoice = order._create_invoices()
        invoice.write({"invoice_date": invoice_date, "invoice_date_due": invoice_date + timedelta(days=30)})
        invoices |= invoice
    invoices.action_post()
    for invoice in invoices:
        paid_on = invoice.invoice_date + timedelta(days=rng.randint(3, 40))
        if paid_on > today or rng.random() < 0.15:
            continue
        parts = [invoice.amount_residual] if rng.random() < 0.8 else [invoice.amount_residual / 2]
        for amount in parts:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": paid_on, "journal_id": bank.id})._create_payments()
    last_month = today.replace(day=1) - relativedelta(months=1)
    returned = invoices.filtered(
        lambda i: i.invoice_date >= last_month and i.invoice_date < today.replace(day=1)
    )[:1]
    if returned:
        reversal = (
            env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=returned.ids)
            .create({"date": today, "reason": "Returned goods", "journal_id": returned.journal_id.id})
        )
        reversal.refund_moves()


def load_leaves(env):
    """Absences (days and half days, one refused) counted by the plans' attendance lines."""
    env = env(context=dict(env.context, leave_skip_state_check=True))
    rng = random.Random(20261201)
    today, first_month = first_month_of(env)
    absence = env["hr.leave.type"].create(
        {
            "name": "Absence",
            "requires_allocation": False,
            "request_unit": "half_day",
            "leave_validation_type": "hr",
        }
    )
    counted = absence | env.ref("hr_holidays.leave_type_unpaid")
    plans = env["crm.appraisal.plan"].search([])
    plans.line_ids.filtered(lambda line: line.scoring_rule == "deduction").leave_type_ids = counted
    employees = env["hr.employee"].search([("user_id", "!=", False), ("parent_id", "!=", False)])
    span = (today - first_month).days
    for employee in employees:
        days = sorted({first_month + timedelta(days=rng.randrange(span)) for _i in range(rng.randint(0, 4))})
        for day in (d for d in days if d.weekday() < 5):
            half = rng.choice(["am", "pm", None, None])
            leave = env["hr.leave"].create(
                {
                    "name": "Absent",
                    "employee_id": employee.id,
                    "holiday_status_id": absence.id,
                    "request_date_from": day,
                    "request_date_to": day,
                    **({"request_date_from_period": half, "request_date_to_period": half} if half else {}),
                }
            )
            if rng.random() < 0.15:
                leave.action_refuse()
            else:
                leave.action_approve()
    env["crm.appraisal"].search([("state", "=", "draft")])._compute_scores()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
