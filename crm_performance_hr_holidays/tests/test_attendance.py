from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.crm_performance.tests.common import PerformanceCase


@tagged("post_install", "-at_install")
class TestAttendanceFromLeave(PerformanceCase):
    """Attendance (100 points, 4 per day, every started day counts) fed by approved leave of the
    type "Unpaid" (counted), not "Paid" (uncounted), for Alice in March 2025:

    Unpaid 3-4 Mar (2 days, approved), Unpaid 10 Mar morning (0.5, approved), Unpaid 20 Mar
    (refused), Paid 12 Mar (approved, not counted): 2.5 days, counted as 3 → 100 - 12 = 88.
    Bob has no leave: 0 days, entered automatically → 100.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        LeaveType = cls.env["hr.leave.type"]
        common = {"requires_allocation": False, "request_unit": "half_day", "leave_validation_type": "hr"}
        cls.unpaid = LeaveType.create({"name": "Unpaid", **common})
        cls.paid = LeaveType.create({"name": "Paid", **common})
        cls.attendance = cls.kpi["attendance"]
        cls.plan = cls._plan([(cls.attendance, 100, {"leave_type_ids": [(6, 0, cls.unpaid.ids)]})])
        cls._leave(cls.unpaid, date(2025, 3, 3), date(2025, 3, 4))
        cls._leave(cls.unpaid, date(2025, 3, 10), date(2025, 3, 10), half="am")
        cls._leave(cls.unpaid, date(2025, 3, 20), date(2025, 3, 20), approve=False).action_refuse()
        cls._leave(cls.paid, date(2025, 3, 12), date(2025, 3, 12))
        cls.appraisals = (
            cls.env["crm.appraisal"]._generate(cls.march).filtered(lambda a: a.plan_id == cls.plan)
        )
        cls.alice_march = cls.appraisals.filtered(lambda a: a.employee_id == cls.emp_alice)
        cls.bob_march = cls.appraisals - cls.alice_march

    @classmethod
    def _leave(cls, leave_type, day_from, day_to, half=None, approve=True):
        leave = (
            cls.env["hr.leave"]
            .with_context(leave_skip_state_check=True)
            .create(
                {
                    "name": "Away",
                    "employee_id": cls.emp_alice.id,
                    "holiday_status_id": leave_type.id,
                    "request_date_from": day_from,
                    "request_date_to": day_to,
                    **({"request_date_from_period": half, "request_date_to_period": half} if half else {}),
                }
            )
        )
        if approve:
            leave.action_approve()
        return leave

    def test_approved_leave_of_the_counted_types_feeds_the_deduction(self):
        alice = self.line_of(self.alice_march, self.attendance)
        self.assertEqual((alice.fed, alice.entered, alice.actual, alice.score), (True, False, 3.0, 88.0))
        self.assertEqual(alice.note, "2.5 from approved leave; 2.5 entered, counted as 3")
        bob = self.line_of(self.bob_march, self.attendance)
        self.assertEqual(
            (bob.fed, bob.actual, bob.score, bob.note), (True, 0.0, 100.0, "0 from approved leave")
        )
        self.assertEqual(self.alice_march.total_score, 88.0)
        self.alice_march.with_user(self.carol).action_submit()  # fed lines count as entered
        self.assertEqual(self.alice_march.state, "submitted")

    def test_the_manager_overrides_and_the_override_shows(self):
        line = self.line_of(self.alice_march, self.attendance)
        line.with_user(self.carol).occurrences = 1
        self.assertEqual((line.entered, line.actual, line.score), (True, 1.0, 96.0))
        self.assertEqual(line.note, "entered by hand over 2.5 from approved leave")
        self.alice_march._compute_scores()
        self.assertEqual((line.score, line.note), (96.0, "entered by hand over 2.5 from approved leave"))
        line.with_user(self.carol).entered = False  # back to the feed
        self.assertEqual((line.actual, line.score), (3.0, 88.0))

    def test_a_leave_approved_later_marks_the_month(self):
        self.env.cr.precommit.clear()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_appraisal SET needs_recompute = FALSE WHERE id IN %s", [self.appraisals._ids]
        )
        self.appraisals.invalidate_recordset(["needs_recompute"])
        self._leave(self.unpaid, date(2025, 3, 25), date(2025, 3, 25))
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual((self.alice_march.needs_recompute, self.bob_march.needs_recompute), (True, False))
        self.env["crm.appraisal"]._cron_recompute_live()
        self.assertEqual(self.line_of(self.alice_march, self.attendance).score, 84.0)

    def test_target_prorated_by_leave_when_asked(self):
        """March 2025 has 21 working days; Alice was away 3.5 (2 + 0.5 unpaid, 1 paid): her target
        of 50 000 becomes 50 000 x 17.5 / 21 = 41 666.67, and 40 000 won is 96 %. Bob: 50 000."""
        revenue = self.kpi["won_revenue"]
        plan = self._plan(
            [
                (revenue, 70, {"default_target": 50000, "prorate_by_leave": True}),
                (self.attendance, 30, {"leave_type_ids": [(6, 0, self.unpaid.ids)]}),
            ]
        )
        appraisals = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        alice = self.line_of(appraisals.filtered(lambda a: a.employee_id == self.emp_alice), revenue)
        self.assertAlmostEqual(alice.target, 50000 * 17.5 / 21, places=2)
        self.assertEqual((alice.actual, alice.achievement), (40000.0, 96.0))
        self.assertEqual(alice.note, "target prorated: 3.5 of 21 working days on leave")
        bob = self.line_of(appraisals.filtered(lambda a: a.employee_id == self.emp_bob), revenue)
        self.assertEqual((bob.target, bob.note), (50000.0, False))
        # off by default
        self.assertEqual(self.line_of(self.alice_march, self.attendance).plan_line_id.prorate_by_leave, False)

    def test_only_counts_and_sums_are_prorated(self):
        with self.assertRefused(ValidationError, "can be prorated by leave"):
            self._plan([(self.kpi["days_to_close"], 100, {"prorate_by_leave": True})])

    def test_only_deduction_lines_count_leave(self):
        with self.assertRefused(ValidationError, "only a deduction line can count leave types"):
            self._plan([(self.kpi["won_revenue"], 100, {"leave_type_ids": [(6, 0, self.unpaid.ids)]})])
