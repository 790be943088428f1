from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.crm_performance.engine.measure import Measurement
from odoo.addons.crm_performance.tests.common import PerformanceCase


@tagged("post_install", "-at_install")
class TestSaleKpis(PerformanceCase):
    """Confirmed orders of March 2025 against February, in the company's currency C and a foreign
    currency F worth 2 C until 14 March (rate 0.5) and 1.25 C from 15 March (rate 0.8).

    =====  ========  ======  ==================================  ========  ==========
    who    date      cust.   lines                               untaxed   before disc.
    =====  ========  ======  ==================================  ========  ==========
    Alice  20 Feb    P3      1 x 40 C                            40 C      40 C
    Alice   5 Mar    P3      2 x 100 C, 10 % off                 180 C     200 C
    Alice  10 Mar    P3      1 x 100 F                           200 C     200 C
    Alice  20 Mar    P4      1 x 100 F, 20 % off (80 F)          100 C     125 C
    Alice  12 Mar    P4      1 x 1 000 C, cancelled              -         -
    Bob    10 Feb    P1      1 x 100 C                           100 C     100 C
    Bob    15 Feb    P2      1 x 50 C                            50 C      50 C
    Bob     3 Mar    P1      1 x 300 C                           300 C     300 C
    Bob    25 Mar    P5      1 x 70 C                            70 C      70 C
    =====  ========  ======  ==================================  ========  ==========

    March: Alice 480 C in 3 orders (average 160), price retention 480 / 525; repurchase P3 of P3
    (100 %), new-customer revenue P4 100. Bob 370 C in 2 orders (average 185), retention 100 %,
    repurchase P1 of P1, P2 (50 %), churn 50 %, new-customer revenue P5 70.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        own = cls.company.currency_id
        cls.foreign = cls.env.ref("base.EUR") if own != cls.env.ref("base.EUR") else cls.env.ref("base.USD")
        cls.foreign.active = True
        cls.env["res.currency.rate"].search([("currency_id", "in", (own | cls.foreign).ids)]).unlink()
        for day, rate in ((date(2025, 1, 1), 0.5), (date(2025, 3, 15), 0.8)):
            cls.env["res.currency.rate"].create(
                {"name": day, "rate": rate, "currency_id": cls.foreign.id, "company_id": cls.company.id}
            )
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": cls.foreign.id, "company_id": cls.company.id}
        )
        cls.own_pricelist = cls.env["product.pricelist"].create(
            {"name": "Own", "currency_id": own.id, "company_id": cls.company.id}
        )
        cls.product = cls.env["product.product"].create({"name": "Widget", "list_price": 100, "taxes_id": []})
        cls.customer = {
            number: cls.env["res.partner"].create({"name": f"P{number}"}) for number in range(1, 6)
        }
        for user, when, number, lines, currency in (
            (cls.alice, datetime(2025, 2, 20), 3, [(1, 40, 0)], "own"),
            (cls.alice, datetime(2025, 3, 5), 3, [(2, 100, 10)], "own"),
            (cls.alice, datetime(2025, 3, 10), 3, [(1, 100, 0)], "foreign"),
            (cls.alice, datetime(2025, 3, 20), 4, [(1, 100, 20)], "foreign"),
            (cls.bob, datetime(2025, 2, 10), 1, [(1, 100, 0)], "own"),
            (cls.bob, datetime(2025, 2, 15), 2, [(1, 50, 0)], "own"),
            (cls.bob, datetime(2025, 3, 3), 1, [(1, 300, 0)], "own"),
            (cls.bob, datetime(2025, 3, 25), 5, [(1, 70, 0)], "own"),
        ):
            cls._order(user, when, cls.customer[number], lines, currency)
        cls._order(cls.alice, datetime(2025, 3, 12), cls.customer[4], [(1, 1000, 0)], "own").action_cancel()
        cls.sale_kpi = {
            name: cls.env.ref(f"crm_performance_sale.kpi_{name}")
            for name in (
                "order_revenue",
                "order_count",
                "average_order_value",
                "price_retention",
                "repurchase_rate",
                "churn_rate",
                "new_customer_revenue",
                "customer_lifetime_value",
            )
        }

    @classmethod
    def _order(cls, user, when, customer, lines, currency):
        pricelist = cls.foreign_pricelist if currency == "foreign" else cls.own_pricelist
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": user.id,
                "team_id": False,
                "pricelist_id": pricelist.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "discount": off,
                        },
                    )
                    for qty, price, off in lines
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    def measure(self, name):
        values = self.sale_kpi[name]._measure(
            date(2025, 3, 1), date(2025, 3, 31), self.company, {self.alice.id, self.bob.id}
        )
        return values.get(self.alice.id), values.get(self.bob.id)

    def test_order_revenue_count_and_average_in_the_company_currency(self):
        self.assertEqual(self.measure("order_revenue"), (480.0, 370.0))
        self.assertEqual(self.measure("order_count"), (3.0, 2.0))
        self.assertEqual(self.measure("average_order_value"), (160.0, 185.0))

    def test_conversion_is_odoo_rate_of_the_order_date(self):
        own = self.company.currency_id
        for day, factor in ((date(2025, 3, 10), 2.0), (date(2025, 3, 20), 1.25)):
            self.assertAlmostEqual(
                self.env["res.currency"]._get_conversion_rate(self.foreign, own, self.company, day), factor
            )

    def test_price_retention(self):
        alice, bob = self.measure("price_retention")
        self.assertAlmostEqual(alice, 100.0 * 480 / 525)
        self.assertEqual(bob, 100.0)

    def test_repurchase_churn_and_new_customer_revenue(self):
        self.assertEqual(self.measure("repurchase_rate"), (100.0, 50.0))
        self.assertEqual(self.measure("churn_rate"), (0.0, 50.0))
        self.assertEqual(self.measure("new_customer_revenue"), (100.0, 70.0))

    def test_drill_down_with_the_users_own_rights(self):
        plan = self._plan(
            [
                (self.sale_kpi["order_revenue"], 50, {"default_target": 1000}),
                (self.sale_kpi["repurchase_rate"], 50, {"default_target": 50}),
            ]
        )
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        revenue = self.line_of(alice, self.sale_kpi["order_revenue"]).with_user(self.alice)
        action = revenue.action_open_records()
        orders = self.env["sale.order"].with_user(self.alice).search(action["domain"])
        self.assertEqual(sorted(orders.mapped("amount_untaxed")), [80.0, 100.0, 180.0])  # F, F, C
        repurchase = self.line_of(alice, self.sale_kpi["repurchase_rate"]).with_user(self.alice)
        action = repurchase.action_open_records()
        self.assertEqual(
            (action["res_model"], self.env["res.partner"].search(action["domain"])),
            ("res.partner", self.customer[3]),
        )
        with self.assertRaises(AccessError):  # Bob may not open Alice's appraisal
            revenue.with_user(self.bob).action_open_records()

    def test_a_cancelled_order_moves_nothing_and_a_confirmed_one_marks_the_month(self):
        plan = self._plan([(self.sale_kpi["order_revenue"], 100, {"default_target": 1000})])
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        self.assertEqual(self.line_of(alice, self.sale_kpi["order_revenue"]).actual, 480.0)
        self.env.cr.precommit.clear()
        appraisals.needs_recompute = False
        order = self._order(self.alice, datetime(2025, 3, 28), self.customer[1], [(1, 20, 0)], "own")
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual((alice.needs_recompute, (appraisals - alice).needs_recompute), (True, False))
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual(self.line_of(alice, self.sale_kpi["order_revenue"]).actual, 500.0)
        order.action_cancel()
        alice._compute_scores()
        self.assertEqual(self.line_of(alice, self.sale_kpi["order_revenue"]).actual, 480.0)

    def test_customer_lifetime_value_over_n_months(self):
        """Over the 12 months to March (February and March here): Alice's customers P3 (40 + 180 +
        200) and P4 (100), 520 / 2 = 260; Bob's P1 (100 + 300), P2 (50), P5 (70), 520 / 3. Over 1
        month: Alice P3 380, P4 100, 240; Bob P1 300, P5 70, 185."""
        clv = self.sale_kpi["customer_lifetime_value"]
        alice, bob = self.measure("customer_lifetime_value")
        self.assertEqual(alice, 260.0)
        self.assertAlmostEqual(bob, 520 / 3)
        clv.customer_months = 1
        self.assertEqual(self.measure("customer_lifetime_value"), (240.0, 185.0))
        # nobody without customers has a lifetime value (no data, not 0)
        values = clv._measure(date(2025, 3, 1), date(2025, 3, 31), self.company, {self.carol.id})
        self.assertEqual(values, {})

    def test_customer_measures_one_query_per_span(self):
        """Ten customer KPIs over 12 months and one over 3: two grouped queries (in one
        savepoint), whatever the number of KPIs of each span."""
        kpis = self.sale_kpi["customer_lifetime_value"]
        for months in [12] * 9 + [3]:
            kpis |= kpis[:1].copy({"customer_months": months})
        users = {self.alice.id, self.bob.id}
        span = (date(2025, 3, 1), date(2025, 3, 31))
        counts = []
        for measured in (kpis[:10], kpis):
            # the definitions and their fields read once
            Measurement(self.env, self.company, users).need(measured, *span).run()
            start = self.env.cr.sql_log_count
            Measurement(self.env, self.company, users).need(measured, *span).run()
            counts.append(self.env.cr.sql_log_count - start)
        self.assertLessEqual(counts[0], 3)
        self.assertEqual(counts[1], counts[0] + 1)

    def test_lifetime_value_drill_down_opens_the_customers_and_their_orders(self):
        plan = self._plan([(self.sale_kpi["customer_lifetime_value"], 100, {"default_target": 300})])
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        line = self.line_of(alice, self.sale_kpi["customer_lifetime_value"]).with_user(self.alice)
        self.assertEqual(line.actual, 260.0)
        action = line.action_open_records()
        customers = self.env["res.partner"].with_user(self.alice).search(action["domain"])
        self.assertEqual(customers, self.customer[3] | self.customer[4])
        # each one's form opens its orders (Sales button): P3's 3, P4's 2 (the cancelled one listed too)
        self.assertEqual(customers.mapped("sale_order_count"), [3, 2])

    def test_an_order_line_edited_on_a_confirmed_order_marks_the_month(self):
        """Alice's discount on the 5 March order goes from 10 % to 50 %: 2 x 100 at 50 % = 100,
        her March revenue 480 - 180 + 100 = 400, her price retention 400 / 525."""
        plan = self._plan([(self.sale_kpi["order_revenue"], 100, {"default_target": 1000})])
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        self.env.cr.precommit.clear()
        appraisals.needs_recompute = False
        self.env.flush_all()
        order = self.env["sale.order"].search([("user_id", "=", self.alice.id), ("amount_untaxed", "=", 180)])
        order.order_line.name = "Widgets, blue"  # nothing measured moves
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertFalse(appraisals.filtered("needs_recompute"))
        order.order_line.discount = 50
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual((alice.needs_recompute, (appraisals - alice).needs_recompute), (True, False))
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual(self.line_of(alice, self.sale_kpi["order_revenue"]).actual, 400.0)
        self.assertAlmostEqual(self.measure("price_retention")[0], 100.0 * 400 / 525)
        # a line added to a confirmed order marks it too (a quantity of 1 more widget at 100)
        appraisals.needs_recompute = False
        self.env.flush_all()
        self.env["sale.order.line"].create(
            {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 1, "price_unit": 100}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual((alice.needs_recompute, (appraisals - alice).needs_recompute), (True, False))

    def test_a_change_marks_every_month_a_customer_measure_covers(self):
        """The lifetime value covers 12 months: a price changed on an order of Alice's of 15
        January moves her March figure (P3 60 + 40 + 180 + 200, P4 100: 580 / 2 = 290). Over 1
        month, March's figures do not read January (the repurchase KPIs read February): nothing
        is marked."""
        clv = self.sale_kpi["customer_lifetime_value"]
        january = self._order(self.alice, datetime(2025, 1, 15), self.customer[3], [(1, 40, 0)], "own")
        plan = self._plan([(clv, 100, {"default_target": 300})])
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        for months, price, marked in ((1, 50, False), (12, 60, True)):
            clv.customer_months = months
            self.env.cr.precommit.clear()
            appraisals.needs_recompute = False
            self.env.flush_all()
            january.order_line.price_unit = price
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.assertEqual((alice.needs_recompute, (appraisals - alice).needs_recompute), (marked, False))
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual(self.line_of(alice, clv).actual, 290.0)


@tagged("post_install", "-at_install")
class TestSalesPlan(PerformanceCase):
    def test_sales_plan_is_daily_work_70_and_attendance_30(self):
        plan = self.env.ref("crm_performance_sale.plan_sales_orders_invoices")
        attendance = plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["attendance"])
        self.assertEqual((plan.total_weight, attendance.weight), (100.0, 30.0))
        self.assertEqual(plan.line_ids.filtered("is_completion_line").kpi_id.name, "Order revenue")
