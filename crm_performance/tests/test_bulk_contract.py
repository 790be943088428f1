from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestBulkContract(PerformanceCase):
    """Generation inserts appraisals and lines with one statement per model, and still keeps the
    ORM's promises: rows built by overridable hooks, defaults applied, constraints and company
    checks run on what was inserted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        k = cls.kpi
        cls.plan = cls._plan([(k["won_revenue"], 60, {"default_target": 50000}), (k["attendance"], 40, {})])
        cls.Appraisal = cls.env["crm.appraisal"]
        cls.Line = cls.env["crm.appraisal.line"]

    def _hook(self, model, name, extra):
        """Override ``model``'s ``name`` hook as an inheriting module would: the standard values,
        updated by ``extra(values)``."""
        standard = getattr(type(model), name)

        def override(this, *args):
            values = standard(this, *args)
            return {**values, **extra(values)}

        return patch.object(type(model), name, override)

    def test_hooks_build_every_row(self):
        appraisal_hook = self._hook(
            self.Appraisal, "_prepare_appraisal_vals", lambda v: {"manager_comment": f"Hooked {v['name']}"}
        )
        line_hook = self._hook(self.Line, "_prepare_line_vals", lambda v: {"note": f"Hooked {v['weight']:g}"})
        with appraisal_hook, line_hook:
            appraisals = self.Appraisal._generate(self.march)
        self.assertEqual(
            sorted(appraisals.mapped("manager_comment")),
            ["Hooked Alice – 2025-03 – Test plan", "Hooked Bob – 2025-03 – Test plan"],
        )
        self.assertEqual(
            sorted(appraisals.line_ids.mapped("note")), ["Hooked 40", "Hooked 40", "Hooked 60", "Hooked 60"]
        )

    def test_line_hook_on_recompute(self):
        """Lines a recompute adds (a KPI added to the plan) go through the same hook."""
        appraisals = self.Appraisal._generate(self.march)
        revenue_line = self.plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["won_revenue"])
        self.plan.write(
            {
                "line_ids": [
                    (1, revenue_line.id, {"weight": 50}),
                    (0, 0, {"kpi_id": self.kpi["weekly_reports"].id, "weight": 10}),
                ]
            }
        )
        with self._hook(self.Line, "_prepare_line_vals", lambda v: {"note": "Added"}):
            appraisals._compute_scores()
        self.assertEqual(
            appraisals.line_ids.filtered(lambda line: line.kpi_id == self.kpi["weekly_reports"]).mapped(
                "note"
            ),
            ["Added", "Added"],
        )

    def test_defaults_apply(self):
        """A default the company set (ir.default) lands on generated rows, as create() does."""
        self.env["ir.default"].set("crm.appraisal", "manager_comment", "Discuss in the 1:1")
        appraisals = self.Appraisal._generate(self.march)
        self.assertEqual(appraisals.mapped("manager_comment"), ["Discuss in the 1:1"] * 2)
        self.assertEqual(appraisals.mapped("state"), ["draft"] * 2, "the field's default")

    def test_constraint_raises_during_generation(self):
        nobody = self.env["hr.employee"].create({"name": "Nobody"})
        with (
            self._hook(
                self.Appraisal,
                "_prepare_appraisal_vals",
                lambda v: {"employee_id": nobody.id} if v["employee_id"] == self.emp_alice.id else {},
            ),
            self.assertRaisesRegex(ValidationError, "Nobody has no user"),
        ):
            self.Appraisal._generate(self.march)

    def test_line_constraint_raises_during_generation(self):
        with (
            self._hook(self.Line, "_prepare_line_vals", lambda v: {"occurrences": -1.0}),
            self.assertRaisesRegex(ValidationError, "occurrences must be a number of 0 or more"),
        ):
            self.Appraisal._generate(self.march)

    def test_company_check_runs_during_generation(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign_plan = self.env["crm.appraisal.plan"].create({"name": "Foreign", "company_id": other.id})
        with (
            self._hook(self.Appraisal, "_prepare_appraisal_vals", lambda v: {"plan_id": foreign_plan.id}),
            self.assertRaisesRegex(
                UserError, r"“Alice – March 2025 – Foreign” belongs to company .* \(plan_id: 'Foreign'\)"
            ),
        ):
            self.Appraisal._generate(self.march)
