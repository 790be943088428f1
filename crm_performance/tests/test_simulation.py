from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import AppraisalCase

MODELS = (
    "crm.appraisal",
    "crm.appraisal.line",
    "crm.appraisal.plan",
    "crm.appraisal.plan.line",
    "crm.appraisal.grade",
    "crm.kpi.target",
    "crm.appraisal.period",
)


@tagged("post_install", "-at_install")
class TestSimulation(AppraisalCase):
    """What-if of plan "Sales" on February and March 2025, as Carol (Alice's and Bob's manager).

    As stored (won revenue 70 of 50 000, days to close 20 of 12 days, weekly reports 10, not
    entered):

    ======  ====================================  ====================================
            February                              March
    ======  ====================================  ====================================
    Alice   20 000: 40 % → 28; 31 days: 38.71 %   40 000: 80 % → 56; 11.5 days: 104.35 %
            → 7.74; total 35.74, D                → 20.87; total 76.87, B
    Bob     nothing: 0, D                         5 000: 10 % → 7; 10 days: 120 % → 24;
                                                  total 31, D
    ======  ====================================  ====================================
    """

    def wizard(self, user=None, **values):
        Simulation = self.env["crm.appraisal.simulation"].with_user(user or self.carol)
        return Simulation.create(
            {"plan_id": self.plan.id, "period_ids": [(6, 0, (self.feb | self.march).ids)], **values}
        )

    def set_line(self, wizard, kpi, **values):
        wizard.line_ids.filtered(lambda line: line.kpi_id == self.kpi[kpi]).write(values)

    def results(self, wizard):
        return {
            r.employee_name: (r.current_total, r.current_grade, r.simulated_total, r.simulated_grade)
            for r in wizard.result_ids
        }

    def test_one_weight_moved_by_hand(self):
        wizard = self.wizard(pay_base=10000)
        self.assertEqual(wizard.user_ids, self.alice | self.bob)
        self.set_line(wizard, "won_revenue", weight=60)
        self.set_line(wizard, "days_to_close", weight=30)
        wizard.action_simulate()
        # Alice: March 60 x 0.8 + 30 x 1.0435 = 48 + 31.30 = 79.30; February 24 + 11.61 = 35.61
        # the span: mean of the two months (missing months count zero)
        alice, bob = (
            wizard.result_ids.filtered(lambda r, u=u: r.user_id == u) for u in (self.alice, self.bob)
        )
        self.assertAlmostEqual(alice.current_total, (76.87 + 35.74) / 2)
        self.assertAlmostEqual(alice.simulated_total, (79.30 + 35.61) / 2)
        self.assertEqual((alice.current_grade, alice.simulated_grade, alice.months), ("D", "D", 2))
        # Bob: March 6 + 36 = 42, February 0
        self.assertAlmostEqual(bob.current_total, 15.5)
        self.assertAlmostEqual(bob.simulated_total, 21.0)
        # months by grade: B, D, D, D now and simulated
        self.assertEqual(
            [(d.grade, d.current_count, d.simulated_count) for d in wizard.distribution_ids],
            [("A", 0, 0), ("B", 1, 1), ("C", 0, 0), ("D", 3, 3)],
        )
        # pay on 10 000 a month: 5 000 + 3 500 x completion + 1 500 x score / 100
        # Alice March 5 000 + 2 800 + 1 153.05 → 1 189.50; February 5 000 + 1 400 + 536.10 → 534.15
        self.assertAlmostEqual(alice.current_pay, 8953.05 + 6936.10)
        self.assertAlmostEqual(alice.simulated_pay, 8989.50 + 6934.15)
        self.assertAlmostEqual(alice.pay_difference, 34.50)
        # Bob March 5 000 + 350 + 465 → 630; February 5 000
        self.assertAlmostEqual(bob.pay_difference, 165.0)
        self.assertAlmostEqual(wizard.pay_difference, 199.50)
        # a pay base of his own for Bob
        bob.pay_base = 20000
        self.assertAlmostEqual(bob.pay_difference, 330.0)
        self.assertAlmostEqual(wizard.pay_difference, 364.50)

    def test_the_plan_as_it_is_gives_the_stored_totals(self):
        wizard = self.wizard()
        wizard.action_simulate()
        stored = {
            name: sum(self.appraisal[name, period].computed_total for period in (self.feb, self.march)) / 2
            for name in ("Alice", "Bob")
        }
        for name, (now, grade_now, then, grade_then) in self.results(wizard).items():
            self.assertAlmostEqual(now, stored[name])
            self.assertEqual((then, grade_then), (now, grade_now))

    def test_targets_floors_and_grade_bands(self):
        wizard = self.wizard()
        # revenue targets 80 % of 50 000 = 40 000: Alice's March 100 % → 70, total 90.87: A
        self.set_line(wizard, "won_revenue", target_factor=80)
        wizard.grade_ids.filtered(lambda g: g.name == "D").min_score = 30  # below 30: no grade
        wizard.action_simulate()
        alice = wizard.result_ids.filtered(lambda r: r.user_id == self.alice)
        # February: 20 000 of 40 000 → 35 + 7.74 = 42.74
        self.assertAlmostEqual(alice.simulated_total, (90.87 + 42.74) / 2)
        self.assertEqual(
            [(d.grade, d.current_count, d.simulated_count) for d in wizard.distribution_ids],
            [("A", 0, 1), ("B", 1, 0), ("C", 0, 0), ("D", 3, 2), ("No grade", 0, 1)],
        )
        # a floor of 50 %: Alice's February 50 % still counts, Bob's March 12.5 % does not
        self.set_line(wizard, "won_revenue", floor=50)
        wizard.action_simulate()
        bob = wizard.result_ids.filtered(lambda r: r.user_id == self.bob)
        self.assertAlmostEqual(bob.simulated_total, 24 / 2)

    def test_writes_nothing(self):
        before = {model: self.env[model].sudo().search_count([]) for model in MODELS}
        totals = {a.id: (a.total_score, a.grade) for a in self.appraisal.values()}
        wizard = self.wizard(pay_base=5000)
        self.set_line(wizard, "won_revenue", weight=50, cap=150, scoring_rule="linear")
        self.set_line(wizard, "days_to_close", weight=40)
        wizard.action_simulate()
        self.env.flush_all()
        self.assertEqual({model: self.env[model].sudo().search_count([]) for model in MODELS}, before)
        self.assertEqual({a.id: (a.total_score, a.grade) for a in self.appraisal.values()}, totals)
        self.assertEqual(self.plan.line_ids.mapped("weight"), [70.0, 20.0, 10.0])

    def test_a_manager_simulates_only_whom_they_see(self):
        wizard = self.wizard(user=self.dave)
        self.assertFalse(wizard.user_ids, "Dave manages neither Alice nor Bob")
        wizard.user_ids = self.alice
        with self.assertRaisesRegex(AccessError, "perf_alice"):
            wizard.action_simulate()
        with self.assertRaises(AccessError):
            self.wizard(user=self.alice)

    def test_weights_must_add_up(self):
        wizard = self.wizard()
        self.set_line(wizard, "won_revenue", weight=80)
        with self.assertRaisesRegex(ValidationError, "add up to 110"):
            wizard.action_simulate()
        self.set_line(wizard, "won_revenue", weight=70, scoring_rule="manual")
        with self.assertRaisesRegex(ValidationError, "Won revenue"):
            wizard.action_simulate()
