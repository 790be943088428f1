from datetime import date

from odoo.tests import tagged

from odoo.addons.crm_performance.tests.common import PerformanceCase


@tagged("post_install", "-at_install")
class TestAccountKpis(PerformanceCase):
    """Alice's customer invoices, credit notes and payments (no taxes, due on the invoice date):

    ======  ==========================  =================================
    date    document                    paid (matched with a payment on)
    ======  ==========================  =================================
    10 Mar  invoice 1 000               400 on 25 Mar, 300 on 10 Apr (and the
                                        credit note of 20 Mar, which is no money)
    15 Mar  invoice 9 999, draft        -
    20 Mar  credit note 100             -
     2 Apr  invoice 500                 500 on 20 Apr
     5 Apr  credit note 200 (clawback)  -
    ======  ==========================  =================================

    March: invoiced 1 000 - 100 = 900, returns 100 / 1 000 = 10 %, paid 400, due 1 000,
    collected 40 %. April: 500 - 200 = 300, returns 200 / 500 = 40 %, paid 300 + 500 = 800,
    due 500, collected 160 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Customer"})
        receipts = cls.env["account.account"].create(
            {
                "name": "Outstanding receipts",
                "code": "OUTREC",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.bank.inbound_payment_method_line_ids.payment_account_id = receipts
        cls.invoice = cls._move("out_invoice", date(2025, 3, 10), 1000)
        cls._move("out_invoice", date(2025, 3, 15), 9999, post=False)
        cls.refund = cls._move("out_refund", date(2025, 3, 20), 100)
        cls._pay(cls.invoice, 400, date(2025, 3, 25))
        cls._pay(cls.invoice, 300, date(2025, 4, 10))
        cls._pay(cls._move("out_invoice", date(2025, 4, 2), 500), 500, date(2025, 4, 20))
        cls._move("out_refund", date(2025, 4, 5), 200)
        cls.april = cls.env["crm.appraisal.period"].create(
            {"period_type": "month", "date_from": date(2025, 4, 1)}
        )
        cls.account_kpi = {
            name: cls.env.ref(f"crm_performance_account.kpi_{name}")
            for name in ("invoiced_revenue", "return_rate", "paid_revenue", "invoices_due", "collection_rate")
        }

    @classmethod
    def _move(cls, move_type, day, amount, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_user_id": cls.alice.id,
                "invoice_date": day,
                "invoice_date_due": day,
                "invoice_line_ids": [
                    (0, 0, {"name": "Widgets", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, day):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": day, "journal_id": cls.bank.id})._create_payments()

    def measure(self, name, period):
        values = self.account_kpi[name]._measure(
            period.date_from, period.date_to, self.company, {self.alice.id}
        )
        return values.get(self.alice.id)

    def test_invoiced_net_of_credit_notes_and_returns(self):
        self.assertEqual(self.measure("invoiced_revenue", self.march), 900.0)
        self.assertEqual(self.measure("return_rate", self.march), 10.0)
        self.assertEqual(self.measure("invoiced_revenue", self.april), 300.0)
        self.assertEqual(self.measure("return_rate", self.april), 40.0)

    def test_paid_by_payment_date_and_collection_rate(self):
        self.assertEqual(self.invoice.amount_residual, 300.0)
        self.assertEqual(self.measure("paid_revenue", self.march), 400.0)
        self.assertEqual(self.measure("invoices_due", self.march), 1000.0)
        self.assertEqual(self.measure("collection_rate", self.march), 40.0)
        self.assertEqual(self.measure("paid_revenue", self.april), 800.0)
        self.assertEqual(self.measure("collection_rate", self.april), 160.0)

    def test_a_credit_note_matched_with_the_invoice_is_not_money_received(self):
        receivable = self.refund.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.invoice.js_assign_outstanding_line(receivable.id)
        self.assertEqual(self.invoice.amount_residual, 200.0)
        self.assertEqual(self.measure("paid_revenue", self.march), 400.0)

    def test_credit_note_after_an_approved_month_claws_back_the_next_one(self):
        """The clawback rule: March approved at 900 stays 900; a credit note dated in April
        counts in April, and marks only April's draft appraisal."""
        plan = self._plan(
            [(self.account_kpi["invoiced_revenue"], 100, {"default_target": 1000})],
            employees=self.emp_alice.ids,
        )
        appraisals = (
            self.env["crm.appraisal"]._generate(self.march | self.april).filtered(lambda a: a.plan_id == plan)
        )
        march = appraisals.filtered(lambda a: a.period_id == self.march)
        april = appraisals - march
        kpi = self.account_kpi["invoiced_revenue"]
        self.assertEqual((self.line_of(march, kpi).actual, self.line_of(april, kpi).actual), (900.0, 300.0))
        self.env.cr.precommit.clear()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_appraisal SET needs_recompute = FALSE WHERE id IN %s", [appraisals._ids]
        )
        appraisals.invalidate_recordset(["needs_recompute"])
        self._move("out_refund", date(2025, 4, 28), 50)
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual((march.needs_recompute, april.needs_recompute), (False, True))
        appraisals._compute_scores()
        self.assertEqual((self.line_of(march, kpi).actual, self.line_of(april, kpi).actual), (900.0, 250.0))
