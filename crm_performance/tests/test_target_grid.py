from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestTargetGrid(AppraisalCase):
    """Set Targets: plan "Sales" applies here to Alice, Bob, Carol and Dave; it measures won
    revenue (default target 50 000) and days to close (default 12, an average), weekly reports
    are entered. Carol manages Alice and Bob and leads North (Alice, Bob); Dave leads South
    (himself only). Bob has a March won-revenue target of 4 000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.employee_ids |= cls.emp_carol | cls.emp_dave
        cls.env["crm.kpi.target"].create(
            {
                "kpi_id": cls.kpi["won_revenue"].id,
                "period_id": cls.march.id,
                "employee_id": cls.emp_bob.id,
                "value": 4000,
            }
        )
        cls.won, cls.days = cls.kpi["won_revenue"], cls.kpi["days_to_close"]

    def _grid(self, user):
        return self.env["crm.kpi.target.grid"].with_user(user).get_grid(self.march.id, self.plan.id)

    def _save(self, user, *cells):
        cells = [{"employee_id": e.id, "kpi_id": k.id, "value": v} for e, k, v in cells]
        return self.env["crm.kpi.target.grid"].with_user(user).save_grid(self.march.id, self.plan.id, cells)

    def _targets(self):
        rows = self.env["crm.kpi.target"].search([("period_id", "=", self.march.id)])
        return {(t.employee_id.name, t.kpi_id.name, t.value) for t in rows}

    def test_grid_is_employees_by_kpis_with_units(self):
        grid = self._grid(self.admin)
        self.assertEqual(
            [(c["name"], c["unit"], c["is_money"], c["default"], c["summable"]) for c in grid["columns"]],
            [("Won revenue", "", True, 50000, True), ("Average days to close", "days", False, 12, False)],
            "measured KPIs only; an average's targets never add up",
        )
        self.assertEqual([row["name"] for row in grid["rows"]], ["Alice", "Bob", "Carol", "Dave"])
        bob = grid["rows"][1]
        self.assertEqual(bob["cells"], {self.won.id: 4000, self.days.id: None}, "None: the default applies")
        self.assertEqual(grid["period_id"], self.march.id)

    def test_manager_sees_and_sets_only_the_people_below_him(self):
        self.assertEqual([row["name"] for row in self._grid(self.carol)["rows"]], ["Alice", "Bob"])
        self.assertEqual(self._grid(self.dave)["rows"], [], "his team is himself: nobody sets his own target")
        self.assertEqual(len(self._grid(self.vp)["rows"]), 4)
        with self.assertRefused(AccessError, "not your own"):
            self._save(self.carol, (self.emp_alice, self.won, 40000), (self.emp_carol, self.won, 1))
        with self.assertRefused(AccessError, "not your own"):
            self._save(self.carol, (self.emp_dave, self.won, 1))
        self.assertEqual(
            self._targets(), {("Bob", "Won revenue", 4000)}, "nothing of a refused save is written"
        )
        with self.assertRefused(AccessError, "Targets are set by managers"):
            self._grid(self.alice)
        with self.assertRefused(AccessError, "Targets are set by managers"):
            self._save(self.alice, (self.emp_alice, self.won, 99999))

    def test_save_creates_changes_and_clears_targets(self):
        grid = self._save(
            self.carol,
            (self.emp_alice, self.won, 40000),
            (self.emp_bob, self.days, 10),
            (self.emp_bob, self.won, None),
        )
        self.assertEqual(
            self._targets(), {("Alice", "Won revenue", 40000), ("Bob", "Average days to close", 10)}
        )
        self.assertEqual(
            [row["cells"] for row in grid["rows"]],
            [{self.won.id: 40000, self.days.id: None}, {self.won.id: None, self.days.id: 10}],
            "the grid comes back as saved",
        )
        # the targets typed are the ones the month is scored against: Alice won 40 000 (target
        # 40 000), Bob closed his deal in 10 days (target 10) and won 5 000 (default 50 000 again)
        self.alice_march.action_compute()
        bob_march = self.appraisal["Bob", self.march]
        bob_march.action_compute()
        alice_won = self.line_of(self.alice_march, self.won)
        self.assertEqual((alice_won.target, alice_won.achievement), (40000, 100.0))
        bob_days = self.line_of(bob_march, self.days)
        self.assertEqual((bob_days.target, bob_days.actual, bob_days.achievement), (10, 10, 100.0))
        bob_won = self.line_of(bob_march, self.won)
        self.assertEqual((bob_won.target, bob_won.achievement), (50000, 10.0))

    def test_bad_cells_are_refused_and_nothing_is_lost(self):
        for value, message in (
            (0, "must be greater than 0"),
            (-5, "must be greater than 0"),
            ("12", "is a number"),
        ):
            with self.assertRefused(ValidationError, message):
                self._save(self.admin, (self.emp_alice, self.won, 40000), (self.emp_alice, self.days, value))
        with self.assertRefused(UserError, "not measured from data"):
            self._save(self.admin, (self.emp_alice, self.kpi["weekly_reports"], 5))
        self.march.action_close()
        with self.assertRefused(ValidationError, "closed"):
            self._save(self.admin, (self.emp_alice, self.won, 40000))
        self.assertEqual(self._targets(), {("Bob", "Won revenue", 4000)})
