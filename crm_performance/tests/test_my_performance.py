from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestMyPerformance(AppraisalCase):
    def _action_records(self, xmlid, user):
        """Records an action shows to ``user``: its domain evaluated for them, their record rules."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        domain = safe_eval(action["domain"], {"uid": user.id})
        return self.env[action["res_model"]].with_user(user).search(domain)

    def test_gap_is_sign_aware(self):
        """Positive gap: still behind the target, whichever direction is better."""
        k = self.kpi
        revenue = self.line_of(self.alice_march, k["won_revenue"])
        self.assertEqual((revenue.target, revenue.actual, revenue.gap), (50000, 40000, 10000))
        days = self.line_of(self.alice_march, k["days_to_close"])
        self.assertEqual((days.target, days.actual), (12, 11.5))
        self.assertEqual(days.gap, -0.5, "lower is better: 11.5 days against 12 is ahead of target")
        bob_days = self.line_of(self.appraisal["Bob", self.march], k["days_to_close"])
        self.assertEqual(bob_days.gap, -2.0)
        self.assertEqual(self.line_of(self.alice_march, k["weekly_reports"]).gap, 0.0, "manual: no gap")

    def test_gap_follows_new_target(self):
        self.env["crm.kpi.target"].create(
            {
                "kpi_id": self.kpi["days_to_close"].id,
                "period_id": self.march.id,
                "employee_id": self.emp_alice.id,
                "value": 10,
            }
        )
        self.alice_march.action_compute()
        self.assertEqual(self.line_of(self.alice_march, self.kpi["days_to_close"]).gap, 1.5)

    def test_my_appraisals_are_own(self):
        mine = self._action_records("crm_performance.crm_appraisal_action_my", self.alice)
        self.assertEqual(mine, self.appraisal["Alice", self.feb] | self.alice_march)
        self.assertEqual(
            self._action_records("crm_performance.crm_appraisal_action_my", self.carol),
            self.env["crm.appraisal"],
            "a manager's own appraisals, not the team's",
        )

    def test_my_kpis_are_own_lines(self):
        lines = self._action_records("crm_performance.crm_appraisal_line_action_my", self.alice)
        self.assertEqual(lines, (self.appraisal["Alice", self.feb] | self.alice_march).line_ids)
        self.assertEqual(len(lines), 6)
        # what the salesperson's list shows, read as the salesperson
        row = self.line_of(self.alice_march, self.kpi["won_revenue"]).with_user(self.alice)
        self.assertEqual(
            row.read(["target", "actual", "gap", "achievement", "score"])[0],
            {
                "id": row.id,
                "target": 50000,
                "actual": 40000,
                "gap": 10000,
                "achievement": 80.0,
                "score": 80.0,
            },
        )

    def test_rank_and_trend(self):
        """Rank in the team on the kanban card; monthly totals for the trend graph."""
        appraisal = self.alice_march.with_user(self.alice)
        self.assertEqual((appraisal.rank, appraisal.rank_count), (1, 2))
        trend = (
            self.env["crm.appraisal"]
            .with_user(self.alice)
            ._read_group([("user_id", "=", self.alice.id)], ["date_from:month"], ["total_score:avg"])
        )
        self.assertEqual([(month.month, round(score, 2)) for month, score in trend], [(2, 35.74), (3, 76.87)])

    def test_views_render_for_a_salesperson(self):
        """Every view of the My Performance actions loads for a plain user."""
        for xmlid in (
            "crm_performance.crm_appraisal_action_my",
            "crm_performance.crm_appraisal_line_action_my",
        ):
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            model = self.env[action["res_model"]].with_user(self.alice)
            modes = [*action["view_mode"].split(","), "search"]
            views = model.get_views([(False, mode) for mode in modes], {"load_filters": True})
            self.assertEqual(set(views["views"]), set(modes))
        kanban = self.env["crm.appraisal"].with_user(self.alice).get_views([(False, "kanban")])
        arch = kanban["views"]["kanban"]["arch"]
        for field in ("employee_id", "period_id", "total_score", "grade", "state", "rank"):
            self.assertIn(f'name="{field}"', arch)
