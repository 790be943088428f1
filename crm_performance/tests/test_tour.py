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
