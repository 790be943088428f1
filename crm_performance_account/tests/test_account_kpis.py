from datetime import date

from odoo.exceptions import UserError
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

    March: invoiced 1 000 - 100 = 900, returns 100 / 1 000 = 10 %, paid 400; receivables due by
    the end of March 1 000, collected 400 (40 %). April: 500 - 200 = 300, returns 200 / 500 =
    40 %, paid 300 + 500 = 800; due by the end of April and open on 1 April 600 + 500 = 1 100,
    collected 300 + 500 = 800 (72.73 %).
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
            for name in (
                "invoiced_revenue",
                "return_rate",
                "paid_revenue",
                "receivables_due",
                "receivables_collected",
                "collection_rate",
            )
        }

    @classmethod
    def _move(cls, move_type, day, amount, post=True, due=None, user=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_user_id": (user or cls.alice).id,
                "invoice_date": day,
                "invoice_date_due": due or day,
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

    def measure(self, name, period, user=None):
        user = user or self.alice
        values = self.account_kpi[name]._measure(period.date_from, period.date_to, self.company, {user.id})
        return values.get(user.id)

    def collection(self, period):
        """(receivables due, collected, collection rate) of Alice's month."""
        return tuple(
            self.measure(name, period)
            for name in ("receivables_due", "receivables_collected", "collection_rate")
        )

    def _commit_hooks(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _clear_marks(self, appraisals):
        self.env.cr.precommit.clear()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_appraisal SET needs_recompute = FALSE WHERE id IN %s", [appraisals._ids]
        )
        appraisals.invalidate_recordset(["needs_recompute"])

    def test_invoiced_net_of_credit_notes_and_returns(self):
        self.assertEqual(self.measure("invoiced_revenue", self.march), 900.0)
        self.assertEqual(self.measure("return_rate", self.march), 10.0)
        self.assertEqual(self.measure("invoiced_revenue", self.april), 300.0)
        self.assertEqual(self.measure("return_rate", self.april), 40.0)

    def test_paid_by_payment_date_and_collection_rate(self):
        self.assertEqual(self.invoice.amount_residual, 300.0)
        self.assertEqual(self.measure("paid_revenue", self.march), 400.0)
        self.assertEqual(self.collection(self.march), (1000.0, 400.0, 40.0))
        self.assertEqual(self.measure("paid_revenue", self.april), 800.0)
        due, collected, rate = self.collection(self.april)
        self.assertEqual((due, collected), (1100.0, 800.0))
        self.assertAlmostEqual(rate, 100.0 * 800 / 1100)

    def test_collection_counts_what_was_due_by_the_months_end(self):
        """An invoice of 200 dated 20 March, due 15 April, 150 paid early on 25 March: paid revenue
        in March (550), but nothing of it was due by the end of March (collection unchanged);
        on 1 April 50 of it is open and due by April's end: due 1 150, collected 800."""
        self._pay(
            self._move("out_invoice", date(2025, 3, 20), 200, due=date(2025, 4, 15)), 150, date(2025, 3, 25)
        )
        self.assertEqual(self.measure("paid_revenue", self.march), 550.0)
        self.assertEqual(self.collection(self.march), (1000.0, 400.0, 40.0))
        due, collected, rate = self.collection(self.april)
        self.assertEqual((due, collected), (1150.0, 800.0))
        self.assertAlmostEqual(rate, 100.0 * 800 / 1150)

    def test_collection_drill_down_opens_the_receivables(self):
        plan = self._plan(
            [(self.account_kpi["collection_rate"], 100, {"default_target": 90})], employees=self.emp_alice.ids
        )
        appraisal = self.env["crm.appraisal"]._generate(self.april).filtered(lambda a: a.plan_id == plan)
        line = self.line_of(appraisal, self.account_kpi["collection_rate"])
        self.assertAlmostEqual(line.actual, 100.0 * 800 / 1100, places=2)
        action = line.action_open_records()
        rows = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(action["res_model"], "crm.performance.receivable")
        self.assertEqual(
            sorted((row.move_id.amount_total, row.amount_owed, row.amount_paid) for row in rows),
            [(500.0, 500.0, 500.0), (1000.0, 600.0, 300.0)],
        )
        with self.assertRaises(UserError):  # a salesperson without Invoicing rights reads no receivable
            line.with_user(self.alice).action_open_records()

    def test_a_credit_note_matched_with_the_invoice_is_not_money_received(self):
        receivable = self.refund.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.invoice.js_assign_outstanding_line(receivable.id)
        self.assertEqual(self.invoice.amount_residual, 200.0)
        self.assertEqual(self.measure("paid_revenue", self.march), 400.0)
        # nor is it collected: it is no longer owed (matched on 20 March, the credit note's date)
        due, collected, rate = self.collection(self.march)
        self.assertEqual((due, collected), (900.0, 400.0))
        self.assertAlmostEqual(rate, 100.0 * 400 / 900)
        self.assertEqual(self.collection(self.april), (1000.0, 800.0, 80.0))

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
        self._clear_marks(appraisals)
        self._move("out_refund", date(2025, 4, 28), 50)
        self._commit_hooks()
        self.assertEqual((march.needs_recompute, april.needs_recompute), (False, True))
        appraisals._compute_scores()
        self.assertEqual((self.line_of(march, kpi).actual, self.line_of(april, kpi).actual), (900.0, 250.0))

    def test_reassigning_an_invoice_marks_both_salespeople_and_moves_its_payments(self):
        """The March invoice (1 000, 400 paid in March) passes from Alice to Bob: both March
        appraisals are marked; after the job Alice has 0 paid and invoiced in March, Bob 400 and
        1 000."""
        plan = self._plan(
            [
                (self.account_kpi["paid_revenue"], 50, {"default_target": 1000}),
                (self.account_kpi["invoiced_revenue"], 50, {"default_target": 1000}),
            ]
        )
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        bob = appraisals - alice
        self._clear_marks(appraisals)
        self.invoice.invoice_user_id = self.bob
        self._commit_hooks()
        self.assertEqual((alice.needs_recompute, bob.needs_recompute), (True, True))
        self.env["crm.appraisal"]._cron_recompute_live()
        paid, invoiced = self.account_kpi["paid_revenue"], self.account_kpi["invoiced_revenue"]
        self.assertEqual(
            [(self.line_of(a, paid).actual, self.line_of(a, invoiced).actual) for a in (alice, bob)],
            [(0.0, -100.0), (400.0, 1000.0)],
        )

    def test_a_payment_marks_the_invoice_month_and_the_months_owed(self):
        """Bob's invoice of 10 February (300, due 10 February) is paid on 5 April: the payment's
        month (paid revenue), the invoice's month (its payment state) and every month it was owed
        since February are marked, nobody else's."""
        invoice = self._move("out_invoice", date(2025, 2, 10), 300, user=self.bob)
        plan = self._plan([(self.account_kpi["collection_rate"], 100, {"default_target": 90})])
        appraisals = (
            self.env["crm.appraisal"]
            ._generate(self.feb | self.march | self.april)
            .filtered(lambda a: a.plan_id == plan)
        )
        bob = appraisals.filtered(lambda a: a.employee_id == self.emp_bob)
        self.assertEqual(
            [self.line_of(a, self.account_kpi["collection_rate"]).actual for a in bob.sorted("date_from")],
            [0.0, 0.0, 0.0],
        )
        self._clear_marks(appraisals)
        self._pay(invoice, 300, date(2025, 4, 5))
        self._commit_hooks()
        self.assertEqual(appraisals.filtered("needs_recompute"), bob)
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual(
            [self.line_of(a, self.account_kpi["collection_rate"]).actual for a in bob.sorted("date_from")],
            [0.0, 0.0, 100.0],
        )
