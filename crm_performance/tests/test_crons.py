from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestCrons(PerformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.performance_reviewer_id = cls.vp
        cls.plan = cls._plan(
            [
                (
                    cls.kpi["won_revenue"],
                    100,
                    {"default_target": 50000, "is_completion_line": True, "alert_threshold": 80},
                )
            ]
        )
        cls.Appraisal = cls.env["crm.appraisal"]

    def appraisal(self, employee, period):
        return self.Appraisal.search([("employee_id", "=", employee.id), ("period_id", "=", period.id)])

    def activities(self, xmlid):
        ours = self.Appraisal.search([("period_id", "in", (self.feb | self.march).ids)])
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.appraisal"),
                ("res_id", "in", ours.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    @freeze_time("2025-03-10")
    def test_generate_creates_periods_and_appraisals(self):
        self.Appraisal._cron_generate()
        periods = self.env["crm.appraisal.period"].search(
            [("date_from", "<=", date(2025, 3, 10)), ("date_to", ">=", date(2025, 3, 10))]
        )
        self.assertEqual(sorted(periods.mapped("code")), ["2025", "2025-03", "2025-Q1"])
        self.assertIn(self.march, periods, "the existing month is reused")
        self.assertEqual(len(self.Appraisal.search([("period_id", "in", periods.ids)])), 6)  # 2 people x 3
        self.Appraisal._cron_generate()
        self.assertEqual(len(self.Appraisal.search([("period_id", "in", periods.ids)])), 6, "idempotent")

    def test_reminders_before_the_hr_deadline(self):
        self.Appraisal._generate(self.march)
        alice = self.appraisal(self.emp_alice, self.march)
        step = "crm_performance.mail_activity_type_appraisal_step"
        with freeze_time("2025-04-04"):
            self.Appraisal._cron_follow_up()
        self.assertFalse(self.activities(step), "deadline 8 April, reminders from 5 April")
        with freeze_time("2025-04-05"):
            self.Appraisal._cron_follow_up()
            self.Appraisal._cron_follow_up()
        reminder = alice.activity_ids
        self.assertEqual((reminder.user_id, reminder.date_deadline), (self.carol, date(2025, 4, 8)))
        self.assertEqual(len(self.activities(step)), 2, "one per appraisal, not one per run")
        alice.with_user(self.carol).action_submit()
        with freeze_time("2025-04-06"):
            self.Appraisal._cron_follow_up()
        self.assertEqual(alice.activity_ids.user_id, self.vp, "submitted: the VP holds it now")

    def test_kpi_alert_against_linear_pace(self):
        self.Appraisal._generate(self.march)
        with freeze_time("2025-03-16"):
            # pace 16/31 of 50 000 = 25 806: Alice (40 000) is ahead, Bob (5 000) is 19 % of pace
            self.Appraisal._cron_follow_up()
        alerts = self.activities("crm_performance.mail_activity_type_kpi_alert")
        self.assertEqual(alerts.mapped("res_id"), self.appraisal(self.emp_bob, self.march).ids)
        self.assertEqual((alerts.user_id, alerts.summary), (self.carol, "Below pace: Won revenue"))

    def test_two_months_below_target_flags_coaching(self):
        self.env["crm.kpi.target"].create(
            {
                "kpi_id": self.kpi["won_revenue"].id,
                "period_id": self.feb.id,
                "employee_id": self.emp_alice.id,
                "value": 10000,
            }
        )
        self.Appraisal._generate(self.feb | self.march)
        # Alice: February 200 %, March 80 %. Bob: February 0 %, March 10 %.
        with freeze_time("2025-04-02"):
            self.Appraisal._cron_follow_up()
        self.assertFalse(self.appraisal(self.emp_alice, self.march).coaching_needed)
        bob = self.appraisal(self.emp_bob, self.march)
        self.assertTrue(bob.coaching_needed)
        coaching = self.activities("crm_performance.mail_activity_type_coaching")
        self.assertEqual(
            (coaching.res_id, coaching.user_id, coaching.date_deadline),
            (bob.id, self.carol, date(2025, 4, 9)),
        )

    def test_coaching_without_a_completion_line_follows_the_plan_threshold(self):
        self.plan.active = False
        reports = self.kpi["weekly_reports"]
        self._plan([(reports, 100, {"max_points": 10})], name="Service", coaching_threshold=60)
        self.Appraisal._generate(self.feb | self.march)
        # Alice: 50 then 50, below 60 twice. Bob: 80 then 50.
        for employee, period, points in (
            (self.emp_alice, self.feb, 5),
            (self.emp_alice, self.march, 5),
            (self.emp_bob, self.feb, 8),
            (self.emp_bob, self.march, 5),
        ):
            self.line_of(self.appraisal(employee, period), reports).manual_points = points
        with freeze_time("2025-04-02"):
            self.Appraisal._cron_follow_up()
        flagged = self.Appraisal.search([("coaching_needed", "=", True)])
        self.assertEqual(flagged.mapped("employee_id.name"), ["Alice"])
        self.assertEqual(flagged.period_id, self.march)

    def test_no_figure_flags_nobody(self):
        """A completion line without a target is no reason for a coaching."""
        self.plan.line_ids.default_target = 0  # completion 0 %, but there is no target to miss
        self.Appraisal._generate(self.feb | self.march)
        self.assertEqual(self.appraisal(self.emp_bob, self.march).completion_rate, 0)
        with freeze_time("2025-04-02"):
            self.Appraisal._cron_follow_up()
        self.assertFalse(self.Appraisal.search([("coaching_needed", "=", True)]))
