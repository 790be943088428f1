from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestManagerTour(AppraisalCase, HttpCase):
    def test_manager_scores_and_submits_then_vp_reviews(self):
        """Carol opens Alice's March appraisal from the menu, gives 8 / 10 points, saves and
        submits; the VP opens it, consolidates and gives the first review."""
        self.start_tour("/odoo", "crm_performance_manager_tour", login="perf_carol")
        line = self.line_of(self.alice_march, self.kpi["weekly_reports"])
        self.assertEqual((line.manual_points, line.score, line.weighted_score), (8, 80, 8))
        self.assertAlmostEqual(self.alice_march.total_score, 84.87)
        self.assertEqual(
            (self.alice_march.state, self.alice_march.submitted_by_id), ("submitted", self.carol)
        )
        self.start_tour("/odoo", "crm_performance_vp_tour", login="perf_vp")
        self.assertEqual((self.alice_march.state, self.alice_march.reviewed_by_id), ("reviewed", self.vp))

    def _this_month(self):
        """This month's appraisals: Alice won 20 000 in 10 days, Bob nothing."""
        now = datetime.now().replace(microsecond=0)
        month = self.env["crm.appraisal.period"].create(
            {"period_type": "month", "date_from": now.date().replace(day=1)}
        )
        self._won(self.alice, 20000, now - timedelta(days=10), now)
        return self.env["crm.appraisal"]._generate(month).filtered(lambda a: a.user_id == self.alice)

    def test_salesperson_dashboard(self):
        """Alice's home shows this month's appraisal: 20 000 won of 50 000 (score 40, weighted 28),
        10 days to close against 12 (capped at 120, weighted 24), no points yet: 52.00, grade D,
        first of two. The tour reads those numbers and opens the records behind the revenue."""
        appraisal = self._this_month()
        self.assertEqual((appraisal.total_score, appraisal.grade, appraisal.rank), (52.0, "D", 1))
        revenue = self.line_of(appraisal, self.kpi["won_revenue"])
        self.assertEqual(
            (revenue.actual, revenue.gap, revenue.score, revenue.weighted_score), (20000, 30000, 40, 28)
        )
        days = self.line_of(appraisal, self.kpi["days_to_close"])
        self.assertEqual((days.actual, days.gap, days.weighted_score), (10, -2, 24))
        self.start_tour("/odoo", "crm_performance_dashboard_tour", login="perf_alice")

    def test_manager_team_board_to_a_manual_score(self):
        """Carol's team board shows Alice at 40 % of her revenue target and 52.00 in total; from
        there she opens the appraisal and gives 8 of 10 points: 52 + 8 = 60."""
        appraisal = self._this_month()
        self.start_tour("/odoo", "crm_performance_team_board_tour", login="perf_carol")
        line = self.line_of(appraisal, self.kpi["weekly_reports"])
        self.assertEqual((line.manual_points, line.score, line.weighted_score), (8, 80, 8))
        self.assertEqual(appraisal.total_score, 60.0)
