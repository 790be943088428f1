from odoo.tests import tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestPlanRulesSaved(AppraisalCase):
    """Computations read a plan's rules once per server process (``crm.appraisal.plan._rules``):
    every edit of a rule counts at the next recompute, never the rule read before it.

    Alice's March under plan "Sales": won 40 000 of 50 000 (80 %, 70 x 0.8 = 56), 11.5 days to
    close against 12 (lower is better: 12 / 11.5 = 104.35 %, 20 x 1.0435 = 20.87), weekly reports
    not entered: 76.87, grade B (75 to 90)."""

    def revenue_line(self):
        return self.plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["won_revenue"])

    def recompute(self):
        self.alice_march._compute_scores()
        revenue = self.line_of(self.alice_march, self.kpi["won_revenue"])
        return revenue.weighted_score, self.alice_march.total_score, self.alice_march.grade

    def test_computed_before_any_edit(self):
        self.assertEqual(self.recompute(), (56, 76.87, "B"))

    def test_a_line_saved_counts(self):
        self.recompute()
        self.revenue_line().default_target = 40000
        # 70 x 100 % + 20.87 = 90.87: grade A
        self.assertEqual(self.recompute(), (70, 90.87, "A"))

    def test_scoring_bands_saved_count(self):
        revenue = self.revenue_line()
        revenue.write({"scoring_rule": "banded", "band_ids": [(0, 0, {"min_achievement": 75, "points": 50})]})
        # 80 % reaches the 75 % band: 50 points x 70 % = 35; 35 + 20.87 = 55.87, grade D
        self.assertEqual(self.recompute(), (35, 55.87, "D"))
        revenue.band_ids.points = 90
        # 90 x 70 % = 63; 63 + 20.87 = 83.87, grade B
        self.assertEqual(self.recompute(), (63, 83.87, "B"))
        revenue.band_ids.unlink()
        # no band reached: 0; 20.87, grade D
        self.assertEqual(self.recompute(), (0, 20.87, "D"))

    def test_grades_saved_count(self):
        self.recompute()
        grades = self.plan.grade_ids.grouped("name")
        grades["B"].min_score = 80
        self.assertEqual(self.recompute(), (56, 76.87, "C"))
        grades["C"].name = "Fair"
        self.assertEqual(self.recompute(), (56, 76.87, "Fair"))
        grades["C"].unlink()
        self.assertEqual(self.recompute(), (56, 76.87, "D"))
        self.plan.write({"grade_ids": [(0, 0, {"name": "B-", "min_score": 76})]})
        self.assertEqual(self.recompute(), (56, 76.87, "B-"))

    def test_a_grade_translated_counts_in_its_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        grade = self.plan.grade_ids.filtered(lambda g: g.name == "B")
        self.assertIn((75, "B"), self.plan.with_context(lang="zh_CN")._grade_bands())
        grade.update_field_translations("name", {"zh_CN": "良"})
        self.assertIn((75, "良"), self.plan.with_context(lang="zh_CN")._grade_bands())
        self.assertIn((75, "B"), self.plan.with_context(lang="en_US")._grade_bands())

    def test_a_kpi_direction_saved_counts(self):
        self.recompute()
        days = self.line_of(self.alice_march, self.kpi["days_to_close"])
        self.kpi["days_to_close"].direction = "higher"
        # 11.5 / 12 = 95.83 %: 20 x 0.9583 = 19.17; 56 + 19.17 = 75.17
        self.assertEqual(self.recompute(), (56, 75.17, "B"))
        self.assertEqual(days.weighted_score, 19.17)

    def test_a_line_added_and_removed_counts(self):
        self.recompute()
        revenue = self.revenue_line()
        self.plan.write(
            {
                "line_ids": [
                    (1, revenue.id, {"weight": 60}),
                    (0, 0, {"kpi_id": self.kpi["won_deals"].id, "weight": 10, "default_target": 4}),
                ]
            }
        )
        # 60 x 80 % = 48; won deals 2 of 4: 10 x 50 % = 5; 48 + 20.87 + 5 = 73.87, grade C
        self.assertEqual(self.recompute(), (48, 73.87, "C"))
        deals = self.line_of(self.alice_march, self.kpi["won_deals"])
        self.assertEqual((deals.actual, deals.weighted_score), (2, 5))
        self.plan.write({"line_ids": [(2, deals.plan_line_id.id), (1, revenue.id, {"weight": 70})]})
        self.assertEqual(self.recompute(), (56, 76.87, "B"))
        self.assertFalse(self.line_of(self.alice_march, self.kpi["won_deals"]))
