from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestValidation(PerformanceCase):
    """Each bad input is refused with a message naming what is wrong, and nothing is saved."""

    def field(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    def kpi_values(self, **values):
        return {
            "name": "Test KPI",
            "measure_mode": "count",
            "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "date_field_id": self.field("crm.lead", "date_closed").id,
            "user_field_id": self.field("crm.lead", "user_id").id,
            **values,
        }

    def test_weights_must_sum_to_100(self):
        with self.assertRefused(ValidationError, "add up to 90.0; they must add up to 100"):
            self._plan([(self.kpi["won_revenue"], 60, {}), (self.kpi["won_deals"], 30, {})])
        plan = self._plan([(self.kpi["won_revenue"], 60, {}), (self.kpi["won_deals"], 40, {})])
        with self.assertRefused(ValidationError, "add up to 110.0"):
            plan.line_ids[0].weight = 70
        # the plan form saves every line at once: 60/40 -> 30/70 is fine
        plan.write(
            {"line_ids": [(1, plan.line_ids[0].id, {"weight": 30}), (1, plan.line_ids[1].id, {"weight": 70})]}
        )
        self.assertEqual(plan.line_ids.mapped("weight"), [30, 70])

    def test_target_must_be_positive(self):
        for value in (0, -5):
            with self.assertRefused(ValidationError, "Won revenue” must be greater than 0"):
                self.env["crm.kpi.target"].create(
                    {
                        "kpi_id": self.kpi["won_revenue"].id,
                        "period_id": self.march.id,
                        "employee_id": self.emp_alice.id,
                        "value": value,
                    }
                )

    def test_invalid_domain(self):
        with self.assertRefused(ValidationError, "Filter is not a valid domain"):
            self.env["crm.kpi.definition"].create(self.kpi_values(domain="[('won_status', '=='"))
        with self.assertRefused(ValidationError, "Filter is not a valid domain"):
            self.env["crm.kpi.definition"].create(self.kpi_values(domain="[('no_such_field', '=', 1)]"))

    def test_field_of_another_model(self):
        with self.assertRefused(ValidationError, "Date Field date_done does not exist on crm.lead"):
            self.env["crm.kpi.definition"].create(
                self.kpi_values(date_field_id=self.field("mail.activity", "date_done").id)
            )

    def test_sum_of_a_non_numeric_field(self):
        with self.assertRefused(ValidationError, "Measured Field .* must be a stored field of type integer"):
            self.env["crm.kpi.definition"].create(
                self.kpi_values(measure_mode="sum", field_id=self.field("crm.lead", "name").id)
            )

    def test_date_field_must_be_a_date(self):
        with self.assertRefused(ValidationError, "Date Field .* must be a stored field of type date"):
            self.env["crm.kpi.definition"].create(
                self.kpi_values(date_field_id=self.field("crm.lead", "expected_revenue").id)
            )

    def test_salesperson_field_must_point_to_users(self):
        with self.assertRefused(ValidationError, "Salesperson Field must point to users"):
            self.env["crm.kpi.definition"].create(
                self.kpi_values(user_field_id=self.field("crm.lead", "partner_id").id)
            )

    def test_ratio_needs_its_parts(self):
        with self.assertRefused(ValidationError, "needs a Numerator and a Denominator"):
            self.env["crm.kpi.definition"].create({"name": "Bad ratio", "measure_mode": "ratio"})
        with self.assertRefused(ValidationError, "must be counts, sums, averages or customers"):
            self.env["crm.kpi.definition"].create(
                {
                    "name": "Ratio of ratios",
                    "measure_mode": "ratio",
                    "numerator_id": self.kpi["conversion_rate"].id,
                    "denominator_id": self.kpi["won_deals"].id,
                }
            )

    def test_overlapping_periods(self):
        with self.assertRefused(ValidationError, "overlaps March 2025"):
            self.env["crm.appraisal.period"].create(
                {"period_type": "month", "date_from": date(2025, 3, 15), "date_to": date(2025, 4, 14)}
            )
        quarter = self.env["crm.appraisal.period"].create(
            {"period_type": "quarter", "date_from": date(2025, 1, 1)}
        )
        self.assertEqual(
            (quarter.code, quarter.date_to), ("2025-Q1", date(2025, 3, 31)), "other types may overlap"
        )

    def test_duplicate_appraisal(self):
        plan = self._plan([(self.kpi["won_revenue"], 100, {"default_target": 1000})])
        self.env["crm.appraisal"]._generate(self.march)
        with (
            self.assertRefused(ValidationError, "Alice already has an appraisal for 2025-03"),
            mute_logger("odoo.sql_db"),
        ):
            self.env["crm.appraisal"].create(
                {"employee_id": self.emp_alice.id, "period_id": self.march.id, "plan_id": plan.id}
            )

    def test_manual_points_above_max(self):
        self._plan([(self.kpi["won_revenue"], 50, {}), (self.kpi["weekly_reports"], 50, {"max_points": 10})])
        appraisal = self.env["crm.appraisal"]._generate(self.march)[0]
        line = self.line_of(appraisal, self.kpi["weekly_reports"])
        with self.assertRefused(ValidationError, "points must be between 0 and 10.0, not 12.0"):
            line.manual_points = 12
        with self.assertRefused(UserError, "measured from CRM data"):
            self.line_of(appraisal, self.kpi["won_revenue"]).manual_points = 5

    def test_closed_period_is_frozen(self):
        self._plan([(self.kpi["weekly_reports"], 100, {"max_points": 10})])
        appraisal = self.env["crm.appraisal"]._generate(self.march)[0]
        self.march.action_close()
        with self.assertRefused(ValidationError, "closed and cannot be edited"):
            self.march.date_from = date(2025, 3, 2)
        with self.assertRefused(ValidationError, "closed: its targets and appraisals can no longer change"):
            appraisal.line_ids.manual_points = 5
        with self.assertRefused(ValidationError, "closed"):
            self.env["crm.kpi.target"].create(
                {
                    "kpi_id": self.kpi["won_deals"].id,
                    "period_id": self.march.id,
                    "employee_id": self.emp_alice.id,
                    "value": 3,
                }
            )
        self.march.action_reopen()
        appraisal.line_ids.manual_points = 5
        self.assertEqual(appraisal.total_score, 50)

    def test_employee_without_user(self):
        plan = self._plan([(self.kpi["won_revenue"], 100, {})])
        nobody = self.env["hr.employee"].create({"name": "No User"})
        with self.assertRefused(ValidationError, "No User has no user"):
            self.env["crm.appraisal"].create(
                {"employee_id": nobody.id, "period_id": self.march.id, "plan_id": plan.id}
            )
