import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.crm_performance.models.crm_performance_demo import MONTHS_BACK, QUIET, TEAMS


class CrmPerformanceDemo(models.AbstractModel):
    """``make demo`` with Sales and Invoicing: six months of confirmed orders of the demo
    salespeople (two currencies, discounts, returning customers), their invoices, payments
    (some partial) and a credit note; the East region on the "Sales (orders and invoices)"
    plan, with its appraisals."""

    _inherit = "crm.performance.demo"

    @api.model
    def _load_sales(self):
        env = self.with_context(**QUIET).env
        rng = random.Random(20261130)
        today = fields.Date.context_today(self)
        first_month = today.replace(day=1) - relativedelta(months=MONTHS_BACK)
        logins = [name.lower().replace(" ", ".") for _m, reps in TEAMS.values() for name in reps]
        users = env["res.users"].search([("login", "in", logins)])
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
            pricelists.append(
                env["product.pricelist"].create({"name": "Export list", "currency_id": foreign.id})
            )
        orders = self._demo_orders(env, rng, users, customers, products, pricelists, first_month, today)
        self._demo_invoices(env, rng, orders, today)
        plan = env.ref("crm_performance_sale.plan_sales_orders_invoices")
        plan.department_ids = env["hr.department"].search([("name", "=", "East Region")])
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
        return True

    def _demo_orders(self, env, rng, users, customers, products, pricelists, first_month, today):
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
                        datetime.combine(
                            day + timedelta(days=rng.randrange(span)), time(rng.randrange(9, 18))
                        )
                    )
            day += relativedelta(months=1)
        orders.action_confirm()
        for order, moment in zip(orders, dates, strict=True):
            order.date_order = moment
        cancelled = orders.filtered(lambda o: rng.random() < 0.05)
        cancelled._action_cancel()
        return orders - cancelled

    def _demo_invoices(self, env, rng, orders, today):
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
            invoice.write(
                {"invoice_date": invoice_date, "invoice_date_due": invoice_date + timedelta(days=30)}
            )
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
                ).create(
                    {"amount": amount, "payment_date": paid_on, "journal_id": bank.id}
                )._create_payments()
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
