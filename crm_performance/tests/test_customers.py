from datetime import date, datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..engine import scan
from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestCustomerCohorts(PerformanceCase):
    """Distinct customers of won deals (closed date), March 2025 against February.

    ========  =================================  ===========================
    customer  Alice                              Bob
    ========  =================================  ===========================
    P1        Feb 500, Mar 1 000                 -
    P2        Feb 700                            Feb 20
    P3        Mar 2 000 + Mar 3 000              Jan 50 (so P3 is not new)
    P4        -                                  Mar 4 000
    P5        Mar 6 000                          -
    ========  =================================  ===========================

    Alice in March: customers P1 P3 P5 (3, 12 000), new P5 (1, 6 000), previous P1 P2 (2, 1 200),
    returning P1 (1, 1 000), lost P2 (1, 700). Bob: customers P4 (1), new P4 (1), previous P2
    (1), returning 0, lost P2 (1).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create([{"name": f"P{index}"} for index in range(1, 6)])
        cls.p = dict(zip(range(1, 6), partners, strict=True))
        for user, number, revenue, closed in (
            (cls.alice, 1, 500, datetime(2025, 2, 10)),
            (cls.alice, 2, 700, datetime(2025, 2, 12)),
            (cls.alice, 1, 1000, datetime(2025, 3, 5)),
            (cls.alice, 3, 2000, datetime(2025, 3, 8)),
            (cls.alice, 3, 3000, datetime(2025, 3, 9)),
            (cls.alice, 5, 6000, datetime(2025, 3, 20)),
            (cls.bob, 2, 20, datetime(2025, 2, 20)),
            (cls.bob, 3, 50, datetime(2025, 1, 15)),
            (cls.bob, 4, 4000, datetime(2025, 3, 10)),
        ):
            cls._won(user, revenue, datetime(2025, 1, 1), closed).partner_id = cls.p[number]
        cls._lost(cls.alice, datetime(2025, 3, 1), datetime(2025, 3, 2)).partner_id = cls.p[4]
        Kpi = cls.env["crm.kpi.definition"]
        cls.cohort = {}
        for cohort in ("active", "new", "previous", "returning", "lost"):
            for measured in (False, True):
                cls.cohort[cohort, measured] = Kpi.create(
                    {
                        "name": f"{cohort} customers{' revenue' if measured else ''}",
                        "measure_mode": "customers",
                        "model_id": cls.env["ir.model"]._get_id("crm.lead"),
                        "domain": "[('won_status', '=', 'won')]",
                        "date_field_id": cls.env["ir.model.fields"]._get("crm.lead", "date_closed").id,
                        "user_field_id": cls.env["ir.model.fields"]._get("crm.lead", "user_id").id,
                        "customer_field_id": cls.env["ir.model.fields"]._get("crm.lead", "partner_id").id,
                        "customer_cohort": cohort,
                        "field_id": measured
                        and cls.env["ir.model.fields"]._get("crm.lead", "expected_revenue").id,
                    }
                )
        cls.repurchase = Kpi.create(
            {
                "name": "Repurchase rate",
                "measure_mode": "ratio",
                "numerator_id": cls.cohort["returning", False].id,
                "denominator_id": cls.cohort["previous", False].id,
            }
        )
        cls.churn = Kpi.create(
            {
                "name": "Churn",
                "measure_mode": "ratio",
                "direction": "lower",
                "numerator_id": cls.cohort["lost", False].id,
                "denominator_id": cls.cohort["previous", False].id,
            }
        )

    def measure(self, kpi):
        return kpi._measure(date(2025, 3, 1), date(2025, 3, 31), self.company, {self.alice.id, self.bob.id})

    def test_cohorts_counted_and_summed(self):
        # cohort: (Alice's customers, Bob's customers, Alice's revenue, Bob's revenue)
        expected = {
            "active": (3.0, 1.0, 12000.0, 4000.0),
            "new": (1.0, 1.0, 6000.0, 4000.0),
            "previous": (2.0, 1.0, 1200.0, 20.0),
            "returning": (1.0, 0.0, 1000.0, 0.0),
            "lost": (1.0, 1.0, 700.0, 20.0),
        }
        for cohort, (alice, bob, alice_sum, bob_sum) in expected.items():
            counted, summed = (
                self.measure(self.cohort[cohort, False]),
                self.measure(self.cohort[cohort, True]),
            )
            self.assertEqual(counted, {self.alice.id: alice, self.bob.id: bob}, cohort)
            self.assertEqual(summed, {self.alice.id: alice_sum, self.bob.id: bob_sum}, cohort)

    def test_repurchase_and_churn_rates(self):
        self.assertEqual(self.measure(self.repurchase), {self.alice.id: 50.0, self.bob.id: 0.0})
        self.assertEqual(self.measure(self.churn), {self.alice.id: 50.0, self.bob.id: 100.0})

    def test_one_query_for_every_cohort(self):
        """Ten cohort KPIs cost what one costs: one grouped query (and its savepoint)."""
        kpis = self.env["crm.kpi.definition"].concat(*self.cohort.values())
        span = (date(2025, 3, 1), date(2025, 3, 31), self.company, {self.alice.id, self.bob.id})
        counts = []
        for measured in (kpis[:1], kpis):
            scan.scan(measured, *span)  # the definitions and their fields read once
            start = self.env.cr.sql_log_count
            scan.scan(measured, *span)
            counts.append(self.env.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 3)

    def test_drill_down_opens_the_customers(self):
        plan = self._plan([(self.repurchase, 100, {"default_target": 50})])
        appraisal = (
            self.env["crm.appraisal"]
            ._generate(self.march)
            .filtered(lambda a: a.employee_id == self.emp_alice and a.plan_id == plan)
        )
        line = self.line_of(appraisal, self.repurchase)
        self.assertEqual(line.actual, 50.0)
        action = line.with_user(self.carol).action_open_records()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.p[1])

    def test_an_average_per_customer_needs_a_measured_field_and_months_are_not_negative(self):
        with self.assertRefused(ValidationError, "average per customer needs the Measured Field"):
            self.cohort["active", False].per_customer = True
        with self.assertRefused(ValidationError, "Over Months is a number of months, 0 or more"):
            self.cohort["active", False].customer_months = -1

    def test_customers_over_months_and_per_customer(self):
        """Over 2 months (February and March), per customer: Alice P1 1 500, P2 700, P3 5 000,
        P5 6 000, 13 200 / 4 = 3 300; Bob P2 20, P4 4 000, 4 020 / 2 = 2 010."""
        kpi = self.cohort["active", True]
        kpi.write({"customer_months": 2, "per_customer": True})
        self.assertEqual(self.measure(kpi), {self.alice.id: 3300.0, self.bob.id: 2010.0})

    def test_customer_field_must_be_a_contact(self):
        with self.assertRefused(ValidationError, "Customer Field must point to contacts"):
            self.cohort["active", False].customer_field_id = self.env["ir.model.fields"]._get(
                "crm.lead", "team_id"
            )


@tagged("post_install", "-at_install")
class TestEmployeeAttribution(PerformanceCase):
    """A KPI attributed through an employee field counts for the employee's user: new reports of a
    manager (``hr.employee.parent_id``), created in March: Carol 2 (Alice, Bob), Dave 1 (Eve)."""

    def test_employee_field_counts_for_its_user(self):
        eve = self.env["hr.employee"].create({"name": "Eve", "parent_id": self.emp_dave.id})
        self.env["hr.employee"].create({"name": "Frank", "parent_id": self.emp_dave.id})
        march = datetime(2025, 3, 3)
        self.env.cr.execute(
            "UPDATE hr_employee SET create_date = %s WHERE id IN %s",
            (march, tuple((self.emp_alice | self.emp_bob | eve).ids)),
        )
        self.env["hr.employee"].invalidate_model(["create_date"])
        kpi = self.env["crm.kpi.definition"].create(
            {
                "name": "New reports",
                "measure_mode": "count",
                "model_id": self.env["ir.model"]._get_id("hr.employee"),
                "date_field_id": self.env["ir.model.fields"]._get("hr.employee", "create_date").id,
                "user_field_id": self.env["ir.model.fields"]._get("hr.employee", "parent_id").id,
            }
        )
        users = {self.carol.id, self.dave.id, self.alice.id}
        self.assertEqual(
            kpi._measure(date(2025, 3, 1), date(2025, 3, 31), self.company, users),
            {self.carol.id: 2.0, self.dave.id: 1.0, self.alice.id: 0.0},
        )
        domain = kpi._span_domain(date(2025, 3, 1), date(2025, 3, 31), self.company, [self.dave.id])
        self.assertEqual(self.env["hr.employee"].search(domain), eve)
