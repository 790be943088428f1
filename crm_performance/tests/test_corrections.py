from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestCorrections(AppraisalCase):
    """HR corrects Alice's March score (computed 70 x 80 % + 20 x 12 / 11.5 x 100 % = 76.87)."""

    def setUp(self):
        super().setUp()
        self.computed = 56 + 20.87
        self.assertAlmostEqual(self.alice_march.total_score, self.computed)
        self.alice_march.with_user(self.hr_user)._correct_score(91.5, "Deal of 31 March booked in April")

    def assert_corrected(self, appraisal, score, grade):
        self.assertEqual(
            (appraisal.total_score, appraisal.grade, appraisal.score_corrected, appraisal.computed_total),
            (score, grade, True, self.computed),
        )

    def test_the_correction_is_shown_with_who_when_why(self):
        appraisal = self.alice_march
        self.assert_corrected(appraisal, 91.5, "A")
        self.assertEqual(appraisal.corrected_by_id, self.hr_user)
        self.assertTrue(appraisal.corrected_date)
        self.assertEqual(appraisal.correction_reason, "Deal of 31 March booked in April")
        self.assertIn("Score corrected by HR from 76.87 to 91.50", appraisal.message_ids[0].body)

    def test_the_correction_holds_through_recomputes_crons_close_and_reopen(self):
        appraisal = self.alice_march
        # 45 000: 70 x 90 % = 63; closed in 11.5 days, the average days to close stay 11.5
        self._won(self.alice, 5000, datetime(2025, 3, 18, 12), datetime(2025, 3, 30))
        self.computed = 63 + 20.87
        appraisal.with_user(self.carol).action_compute()
        self.assert_corrected(appraisal, 91.5, "A")
        self.env["crm.appraisal"]._cron_recompute()
        self.assert_corrected(appraisal, 91.5, "A")
        self.march.with_user(self.hr_user).action_compute()
        self.assert_corrected(appraisal, 91.5, "A")
        self.march.with_user(self.admin).action_close()
        self.march.with_user(self.admin).action_reopen()
        appraisal.with_user(self.carol).action_compute()
        self.assert_corrected(appraisal, 91.5, "A")
        # the line's manual points rescore the lines, not HR's score
        self.line_of(appraisal, self.kpi["weekly_reports"]).with_user(self.carol).manual_points = 10
        self.computed = 63 + 20.87 + 10
        self.assert_corrected(appraisal, 91.5, "A")

    def test_removed_the_computed_score_counts_again(self):
        appraisal = self.alice_march
        with self.assertRaises(AccessError):
            appraisal.with_user(self.carol).action_remove_correction()
        appraisal.with_user(self.hr_user).action_remove_correction()
        self.assertEqual(
            (appraisal.total_score, appraisal.grade, appraisal.score_corrected, appraisal.correction_reason),
            (76.87, "B", False, False),
        )

    def test_roll_ups_use_the_corrected_score(self):
        quarter = self.env["crm.appraisal.period"].create(
            {"period_type": "quarter", "date_from": date(2025, 1, 1)}
        )
        rollup = (
            self.env["crm.appraisal"]._generate(quarter).filtered(lambda a: a.employee_id == self.emp_alice)
        )
        february = self.appraisal["Alice", self.feb].total_score
        self.assertEqual(rollup.total_score, round((february + 91.5) / 3, 2), "January missing counts 0")
        rollup.with_user(self.hr_user)._correct_score(50, "Quarter agreed with the employee")
        self.march.with_user(self.hr_user).action_compute()
        quarter.appraisal_ids._compute_scores()
        self.assertEqual((rollup.total_score, rollup.score_corrected), (50, True))

    def test_who_and_what_may_correct(self):
        appraisal = self.alice_march
        for user in (self.alice, self.carol, self.vp):
            with self.assertRaises(AccessError):
                appraisal.with_user(user)._correct_score(100, "Because")
        with self.assertRefused(ValidationError, "Say why"):
            appraisal.with_user(self.hr_user)._correct_score(80, " ")
        with self.assertRefused(ValidationError, "0 or more"):
            appraisal.with_user(self.hr_user)._correct_score(float("nan"), "Typo")
        with self.assertRefused(UserError, "Scores are computed"):
            appraisal.with_user(self.hr_user).write({"score_corrected": False})
        self.assert_corrected(appraisal, 91.5, "A")
