from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestTargetGrid(AppraisalCase):
    """Plan "Sales" measures won revenue (default target 50 000) and days to close (default 12)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["crm.kpi.target"].with_user(cls.admin)
        cls.Target.create(
            {
                "kpi_id": cls.kpi["won_revenue"].id,
                "period_id": cls.march.id,
                "employee_id": cls.emp_bob.id,
                "value": 4000,
            }
        )

    def _grid(self, **vals):
        form = Form(self.env["crm.kpi.target.grid"].with_user(self.admin))
        form.period_id = self.march
        form.plan_id = self.plan
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save()

    def _targets(self):
        rows = self.Target.search([("period_id", "=", self.march.id)])
        return {(t.employee_id.name, t.kpi_id, t.value) for t in rows}

    def test_preview(self):
        grid = self._grid()
        self.assertEqual(grid.employee_ids, self.emp_alice | self.emp_bob)
        k = self.kpi
        self.assertEqual(grid.kpi_ids, k["won_revenue"] | k["days_to_close"], "measured KPIs only")
        self.assertFalse(grid.no_default_kpi_ids)
        self.plan.line_ids.filtered(lambda line: line.kpi_id == k["days_to_close"]).default_target = 0
        grid.invalidate_recordset()
        self.assertEqual(grid.no_default_kpi_ids, k["days_to_close"], "no row can be made without a value")
        grid.action_apply()
        self.assertEqual(
            self._targets(), {("Alice", k["won_revenue"], 50000), ("Bob", k["won_revenue"], 4000)}
        )

    def test_creates_missing_targets_and_opens_them(self):
        k = self.kpi
        action = self._grid().action_apply()
        self.assertEqual(
            self._targets(),
            {
                ("Alice", k["won_revenue"], 50000),
                ("Alice", k["days_to_close"], 12),
                ("Bob", k["won_revenue"], 4000),
                ("Bob", k["days_to_close"], 12),
            },
            "prefilled with the default target; Bob's own target is kept",
        )
        self.assertEqual(action["res_model"], "crm.kpi.target")
        self.assertEqual(action["context"]["group_by"], ["employee_id"])
        self.assertEqual(
            action["views"], [(self.env.ref("crm_performance.crm_kpi_target_view_list_grid").id, "list")]
        )
        self.assertEqual(len(self.Target.search(action["domain"])), 4)
        self._grid().action_apply()
        self.assertEqual(len(self._targets()), 4, "a second run creates nothing")

    def test_typed_values_are_the_targets(self):
        """The grid rows are the targets the computation uses."""
        self._grid().action_apply()
        alice = self.Target.search(
            [("employee_id", "=", self.emp_alice.id), ("kpi_id", "=", self.kpi["won_revenue"].id)]
        )
        alice.value = 40000
        self.alice_march.action_compute()
        self.assertEqual(self.line_of(self.alice_march, self.kpi["won_revenue"]).achievement, 100.0)

    def test_team_and_department_filters(self):
        self.assertEqual(self._grid(team_id=self.team_south).employee_ids, self.env["hr.employee"])
        sales = self.env["hr.department"].create({"name": "Sales"})
        east = self.env["hr.department"].create({"name": "East", "parent_id": sales.id})
        self.emp_bob.department_id = east
        grid = self._grid(team_id=self.team, department_id=sales)
        self.assertEqual(grid.employee_ids, self.emp_bob, "sub-departments included")
        grid.action_apply()
        self.assertEqual({name for name, _kpi, _value in self._targets()}, {"Bob"})

    def test_closed_period_refused(self):
        grid = self._grid()
        self.march.action_close()
        with self.assertRaises(ValidationError):
            grid.action_apply()

    def test_default_period_is_current_month(self):
        today = date.today()
        period = (
            self.env["crm.appraisal.period"]
            ._ensure_periods(today, self.company)
            .filtered(lambda p: p.period_type == "month")
        )
        self.assertEqual(self.env["crm.kpi.target.grid"].with_user(self.admin).new({}).period_id, period)
