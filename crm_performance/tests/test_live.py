from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from ..tools.trusted import TRUSTED
from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestLiveRecompute(AppraisalCase):
    """A change to a record a KPI counts marks the salesperson's draft month in the same
    transaction; the triggered job recomputes just the marked months.

    Alice's March: won 10 000 and 30 000 (40 000 of 50 000); Bob's: won 5 000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.live = cls.env.ref("crm_performance.ir_cron_crm_appraisal_live")
        cls.bob_march = cls.appraisal["Bob", cls.march]
        cls.alice_deal = cls.env["crm.lead"].search(
            [("user_id", "=", cls.alice.id), ("expected_revenue", "=", 30000)]
        )

    def setUp(self):
        super().setUp()
        # setUpClass ran in a transaction that never committed: drop its pending hooks
        self.env.cr.precommit.clear()

    def commit_hooks(self):
        """What the transaction's commit runs before committing (its precommit hooks)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def revenue(self, appraisal):
        return self.line_of(appraisal, self.kpi["won_revenue"]).actual

    def test_a_deal_won_moves_the_score_after_the_job(self):
        lead = self._lead(self.bob, 20000, datetime(2025, 3, 2), datetime(2025, 3, 26))
        self.commit_hooks()
        self.assertFalse(self.bob_march.needs_recompute, "an open deal created today counts nowhere in March")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.live.id)])
        lead.write({"stage_id": self.won_stage.id})
        lead.date_closed = datetime(2025, 3, 26)
        self.commit_hooks()
        self.assertEqual((self.bob_march.needs_recompute, self.alice_march.needs_recompute), (True, False))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.live.id)]), triggers + 1
        )
        self.assertEqual(self.revenue(self.bob_march), 5000, "not before the job")
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual((self.revenue(self.bob_march), self.bob_march.needs_recompute), (25000, False))
        # 70 x 25 000 / 50 000 + 20 x 12 / ((10 + 24) / 2) days to close (14.12 as the line shows it)
        self.assertEqual(self.bob_march.total_score, 35 + 14.12)

    def test_a_reassigned_deal_updates_both_salespeople(self):
        self.alice_deal.user_id = self.bob
        self.commit_hooks()
        self.assertEqual((self.alice_march.needs_recompute, self.bob_march.needs_recompute), (True, True))
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual((self.revenue(self.alice_march), self.revenue(self.bob_march)), (10000, 35000))

    def test_approved_appraisals_never_move(self):
        self.bob_march.with_context(crm_performance_workflow=TRUSTED).write({"state": "approved"})
        total = self.bob_march.total_score
        self._won(self.bob, 20000, datetime(2025, 3, 2), datetime(2025, 3, 26))
        self.commit_hooks()
        self.assertFalse(self.bob_march.needs_recompute)
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual((self.revenue(self.bob_march), self.bob_march.total_score), (5000, total))

    def test_an_unrelated_change_marks_nothing(self):
        self.alice_deal.description = "Called the buyer"
        self.commit_hooks()
        self.assertFalse((self.alice_march | self.bob_march).filtered("needs_recompute"))

    def test_the_quarter_follows_its_months(self):
        quarter = self.env["crm.appraisal.period"].create(
            {"period_type": "quarter", "date_from": "2025-01-01"}
        )
        rollup = (
            self.env["crm.appraisal"]._generate(quarter).filtered(lambda a: a.employee_id == self.emp_bob)
        )
        self._won(self.bob, 45000, datetime(2025, 3, 2), datetime(2025, 3, 14))  # 12 days: 100 %
        self.commit_hooks()
        self.env["crm.appraisal"]._cron_recompute_live()
        february = self.appraisal["Bob", self.feb].total_score
        self.assertEqual(rollup.total_score, round((february + self.bob_march.total_score) / 3, 2))

    def test_a_filter_saved_counts_at_the_next_recompute(self):
        """The scans' conditions are compiled once per server process; saving a definition's
        filter drops them (Alice won 10 000 and 30 000 in March)."""
        kpi = self.kpi["won_revenue"]
        kpi.domain = "[('won_status', '=', 'won'), ('expected_revenue', '>', 20000)]"
        self.alice_march._compute_scores()
        self.assertEqual(self.revenue(self.alice_march), 30000)
        kpi.domain = "[('won_status', '=', 'won'), ('expected_revenue', '<', 20000)]"
        self.alice_march._compute_scores()
        self.assertEqual(self.revenue(self.alice_march), 10000)

    def test_a_filter_naming_the_user_is_compiled_for_each_user(self):
        kpi = self.kpi["won_revenue"]
        kpi.domain = "[('won_status', '=', 'won'), ('user_id', '=', uid)]"
        march = self.alice_march.period_id
        measured = [
            kpi.with_user(user)
            .sudo()
            ._measure(march.date_from, march.date_to, march.company_id, {self.alice.id})
            for user in (self.alice, self.env.user)
        ]
        self.assertEqual(measured, [{self.alice.id: 40000.0}, {self.alice.id: 0.0}])

    def test_query_count_does_not_grow_with_salespeople(self):
        """The job recomputing 2 or 6 salespeople's months costs the same queries."""
        users = self.env["res.users"].create([{"name": f"Rep {i}", "login": f"rep{i}"} for i in range(4)])
        reps = self.env["hr.employee"].create([{"name": u.name, "user_id": u.id} for u in users])
        self.plan.employee_ids |= reps
        self.env["crm.appraisal"]._generate(self.march)
        Appraisal = self.env["crm.appraisal"]
        counts = []
        for sellers in (self.alice | self.bob, self.alice | self.bob | users):
            for seller in sellers:
                self._won(seller, 1000, datetime(2025, 3, 2), datetime(2025, 3, 9))
            self.commit_hooks()
            self.assertEqual(Appraisal.search_count([("needs_recompute", "=", True)]), len(sellers))
            self.env.invalidate_all()
            with patch("random.random", lambda: 1):
                start = self.env.cr.sql_log_count
                Appraisal._cron_recompute_live()
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])
