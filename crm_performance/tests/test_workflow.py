from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools.workflow import BULK_STEPS, BUTTONS
from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestWorkflow(PerformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.performance_reviewer_id = cls.vp
        cls.company.performance_hr_user_id = cls.hr_user
        cls.plan = cls._plan(
            [
                (cls.kpi["won_revenue"], 70, {"default_target": 50000, "is_completion_line": True}),
                (cls.kpi["weekly_reports"], 30, {"max_points": 10}),
            ],
            employees=(cls.emp_alice | cls.emp_bob | cls.emp_carol).ids,
        )
        appraisals = cls.env["crm.appraisal"]._generate(cls.march)
        # people's actions are tracked in the chatter
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        appraisals = appraisals.with_env(cls.env)
        cls.alice_m = appraisals.filtered(lambda a: a.employee_id == cls.emp_alice)
        cls.carol_m = appraisals.filtered(lambda a: a.employee_id == cls.emp_carol)

    def setUp(self):
        super().setUp()
        # setUpClass ran with tracking disabled and never committed: drop its pending hooks
        self.env.cr.precommit.clear()

    def _walk(self, appraisal, until, start=0):
        """Take the steps start+1 .. until of the chain, each as the user whose job it is."""
        steps = [
            (self.carol, "action_submit"),
            (self.vp, "action_consolidate"),
            (self.vp, "action_first_review"),
            (self.hr_user, "action_approve"),
            (self.hr_user, "action_lock"),
        ]
        self.enter_items(appraisal, self.carol)
        for user, method in steps[start:until]:
            getattr(appraisal.with_user(user), method)()
            # tracking messages are written when the transaction commits: do it now
            self.env.flush_all()
            self.env.cr.precommit.run()

    def test_full_chain_by_the_right_users(self):
        manual = self.line_of(self.alice_m, self.kpi["weekly_reports"])
        manual.with_user(self.carol).manual_points = 9
        # 70 x 40 000 / 50 000 + 30 x 9 / 10
        self.assertAlmostEqual(self.alice_m.total_score, 56 + 27)
        expected = ["submitted", "consolidated", "reviewed", "approved", "locked"]
        for step, state in enumerate(expected):
            self._walk(self.alice_m, step + 1, start=step)
            self.assertEqual(self.alice_m.state, state)
        self.assertEqual(self.alice_m.submitted_by_id, self.carol)
        self.assertEqual(self.alice_m.reviewed_by_id, self.vp)
        self.assertEqual(self.alice_m.approved_by_id, self.hr_user)
        tracked = self.alice_m.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(len(tracked), 5, "every state change is in the chatter")
        self.assertEqual(
            set(tracked.mail_message_id.author_id.ids),
            {self.carol.partner_id.id, self.vp.partner_id.id, self.hr_user.partner_id.id},
        )

    def test_wrong_users_are_refused(self):
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.alice).action_submit()
        self._walk(self.alice_m, 1)
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.carol).action_consolidate()
        self._walk(self.alice_m, 3, start=1)
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.vp).action_approve()
        with self.assertRaises(UserError):
            self.alice_m.with_user(self.hr_user).action_lock()  # not approved yet
        self.assertEqual(self.alice_m.state, "reviewed")

    def test_buttons_follow_the_table(self):
        """Each user sees the buttons of the transitions their groups take from the state (HR is
        also a reviewer, a reviewer also a manager), never on their own appraisal."""
        people = {"alice": self.alice, "carol": self.carol, "vp": self.vp, "hr": self.hr_user}

        def buttons(appraisal):
            """The buttons each person sees (none on an appraisal they may not read)."""
            return {
                who: {name for name in BUTTONS if appraisal.with_user(user)[f"can_{name}"]}
                if appraisal.with_user(user).has_access("read")
                else set()
                for who, user in people.items()
            }

        manager, reviewer = {"submit"}, {"consolidate", "send_back"}
        self.assertEqual(
            buttons(self.alice_m), {"alice": set(), "carol": manager, "vp": manager, "hr": manager}
        )
        self.assertEqual(buttons(self.carol_m)["carol"], set(), "not on one's own appraisal")
        expected = [
            {"alice": set(), "carol": set(), "vp": reviewer, "hr": reviewer},
            {
                "alice": set(),
                "carol": set(),
                "vp": {"first_review", "send_back"},
                "hr": {"first_review", "send_back"},
            },
            {"alice": set(), "carol": set(), "vp": set(), "hr": {"approve", "send_back"}},
            {"alice": set(), "carol": set(), "vp": set(), "hr": {"lock", "reopen"}},
            {"alice": set(), "carol": set(), "vp": set(), "hr": {"reopen"}},
        ]
        for step, states_buttons in enumerate(expected):
            self._walk(self.alice_m, step + 1, start=step)
            self.alice_m.invalidate_recordset()
            self.assertEqual(buttons(self.alice_m), states_buttons, self.alice_m.state)

    def test_bulk_review_takes_the_table_steps(self):
        wizard_steps = self.env["crm.appraisal.bulk.wizard"]._fields["step"].get_values(self.env)
        self.assertEqual(set(wizard_steps), set(BULK_STEPS))
        self.assertEqual(
            self.alice_m._bulk_step("submit")[self.alice_m], "This step cannot be taken on a selection."
        )
        self.assertEqual(self.alice_m.state, "draft")

    def test_next_actor_follows_the_table(self):
        self.assertEqual(
            [self.alice_m._step_user(state) for state in ("draft", "submitted", "reviewed", "approved")],
            [self.carol, self.vp, self.hr_user, self.hr_user],
        )
        self.assertFalse(self.alice_m._step_user("locked"))

    def test_team_leader_is_appraised_in_the_team_they_lead(self):
        self.assertEqual((self.carol_m.team_id, self.alice_m.team_id), (self.team, self.team))

    def test_nobody_moves_their_own_appraisal(self):
        with self.assertRefused(UserError, "your own appraisal"):
            self.carol_m.with_user(self.carol).action_submit()

    def test_scores_are_computed_not_typed(self):
        """Nobody types a total; HR corrects one with a reason (tracked), nobody else can."""
        self._walk(self.alice_m, 1)
        for user in (self.carol, self.vp, self.hr_user):
            with self.assertRefused(UserError, "Scores are computed from the KPI lines"):
                self.alice_m.with_user(user).write({"total_score": 100})
        for user in (self.carol, self.vp):
            with self.assertRaises(AccessError):
                self.alice_m.with_user(user)._correct_score(100, "Because")
        self.correct(self.alice_m, 90, "Deal signed on 31 March, booked in April")
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.alice_m.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "total_score"
        )
        self.assertEqual(
            (tracked.new_value_float, tracked.mail_message_id.author_id), (90, self.hr_user.partner_id)
        )

    def correct(self, appraisal, score, reason):
        """HR's Correct Score, as the button's dialog does it."""
        wizard = (
            self.env["crm.appraisal.reason.wizard"]
            .with_user(self.hr_user)
            .with_context(active_model="crm.appraisal", active_ids=appraisal.ids, default_action="correct")
            .create({"reason": reason})
        )
        self.assertEqual(wizard.score, appraisal.total_score, "the dialog starts from the current score")
        wizard.score = score
        wizard.action_confirm()

    def test_state_cannot_be_written_directly(self):
        with self.assertRefused(UserError, "workflow buttons"):
            self.alice_m.write({"state": "approved"})

    def test_approved_is_immutable(self):
        self._walk(self.alice_m, 4)
        total = self.alice_m.total_score
        with self.assertRefused(UserError, "approved and cannot change"):
            self.alice_m.write({"manager_comment": "changed"})
        with self.assertRaises(UserError):
            self.alice_m.line_ids[0].write({"score": 0})
        with self.assertRaises(UserError):
            self.line_of(self.alice_m, self.kpi["weekly_reports"]).manual_points = 1
        with self.assertRaises(UserError):
            self.alice_m.unlink()
        self._won(self.alice, 50000, self.alice_m.date_from, self.alice_m.date_to)
        self.env["crm.appraisal"]._cron_recompute()
        self.march.action_close()
        self.assertEqual(self.alice_m.total_score, total, "recompute and close leave approved scores alone")

    def snapshot(self, appraisal):
        appraisal.invalidate_recordset()
        values = ["kpi_id", "weight", "target", "actual", "achievement", "score", "weighted_score"]
        lines = appraisal.line_ids.read([*values, "manual_points"])
        return appraisal.read(["state", "total_score", "grade", "completion_rate", "line_ids"]), lines

    def test_no_path_changes_an_approved_or_locked_appraisal(self):
        manual = self.line_of(self.alice_m, self.kpi["weekly_reports"])
        manual.with_user(self.carol).manual_points = 9
        revenue = self.line_of(self.alice_m, self.kpi["won_revenue"])
        for steps in (4, 5):  # approved, then locked
            self._walk(self.alice_m, steps, start=steps - 1 if steps == 5 else 0)
            before = self.snapshot(self.alice_m)
            refused = {
                "write": lambda: self.alice_m.with_user(self.hr_user).write({"manager_comment": "x"}),
                "write total": lambda: self.alice_m.write({"total_score": 100}),
                "compute": lambda: self.alice_m.with_user(self.hr_user).action_compute(),
                "submit": lambda: self.alice_m.with_user(self.carol).action_submit(),
                "line write": lambda: revenue.with_user(self.hr_user).write({"actual": 1e6}),
                "manual points": lambda: manual.write({"manual_points": 1}),
                "line unlink": revenue.unlink,
                "line create": lambda: self.env["crm.appraisal.line"].create(
                    {"appraisal_id": self.alice_m.id, "plan_line_id": revenue.plan_line_id.id}
                ),
                "unlink": self.alice_m.unlink,
                "plan line KPI": lambda: revenue.plan_line_id.write({"kpi_id": self.kpi["won_deals"].id}),
                "plan line removed": revenue.plan_line_id.unlink,
            }
            allowed = []
            for path, attempt in refused.items():
                try:
                    with self.env.cr.savepoint():
                        attempt()
                except UserError:  # access and validation errors included
                    continue
                allowed.append(path)
            self.assertEqual(allowed, [], f"refused on an {self.alice_m.state} appraisal")
            # what runs without asking: new CRM data, nightly jobs, the period's buttons
            self._won(self.alice, 50000, self.alice_m.date_from, self.alice_m.date_to)
            with freeze_time("2025-03-20"):
                self.env["crm.appraisal"]._cron_generate()
                self.env["crm.appraisal"]._cron_recompute()
                self.env["crm.appraisal"]._cron_follow_up()
            self.env["crm.appraisal"]._generate(self.march)
            self.march.action_compute()
            self.march.action_close()
            self.march.action_reopen()
            self.assertEqual(self.snapshot(self.alice_m), before, self.alice_m.state)
        self.assertEqual(self.alice_m.state, "locked")
        with self.assertRefused(ValidationError, "closed"):
            self.march.action_close()
            self.alice_m.with_user(self.hr_user)._reopen("after close")

    def test_send_back_one_step_with_reason(self):
        self._walk(self.alice_m, 2)
        wizard = (
            self.env["crm.appraisal.reason.wizard"]
            .with_user(self.vp)
            .create(
                {
                    "appraisal_ids": [(6, 0, self.alice_m.ids)],
                    "action": "send_back",
                    "reason": "Recheck visits",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.alice_m.state, "submitted")
        self.assertIn("Recheck visits", self.alice_m.message_ids[0].body)
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.carol)._send_back("no")

    def test_only_hr_reopens_approved_with_reason(self):
        self._walk(self.alice_m, 5)
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.vp)._reopen("typo")
        self.alice_m.with_user(self.hr_user)._reopen("Wrong attendance")
        self.assertEqual(self.alice_m.state, "draft")
        self.assertIn("Wrong attendance", self.alice_m.message_ids[0].body)
        self.assertEqual(self.alice_m.message_ids[0].author_id, self.hr_user.partner_id)

    def test_employee_acknowledges_or_appeals(self):
        """Acknowledged once approved only; appealed once: its own chatter message and an
        appeal activity for the reviewer, without the comment as a note."""
        self._walk(self.alice_m, 3)
        with self.assertRaises(AccessError):
            self.alice_m.with_user(self.carol).action_acknowledge()
        with self.assertRaisesRegex(UserError, "acknowledged once it is approved"):
            self.alice_m.with_user(self.alice).action_acknowledge()
        self.alice_m.with_user(self.alice)._appeal("My March deal closed on the 31st")
        self.assertEqual((self.alice_m.state, self.alice_m.appealed), ("submitted", True))
        activity = self.alice_m.activity_ids
        self.assertEqual(activity.user_id, self.vp, "the appeal goes back to the reviewer")
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_performance.mail_activity_type_appeal"))
        self.assertEqual((activity.summary, activity.note), ("Appeal from Alice", False))
        self.assertIn("My March deal closed on the 31st", self.alice_m.message_ids[0].body)
        self.assertEqual(self.alice_m.employee_comment, "My March deal closed on the 31st")
        with self.assertRaisesRegex(UserError, "already appealed"):
            self.alice_m.with_user(self.alice)._appeal("Again")
        self._walk(self.alice_m, 4, start=1)
        self.assertFalse(self.alice_m.activity_ids, "answered by the reviewer's next steps")
        self.alice_m.with_user(self.alice).action_acknowledge()
        self.assertTrue(self.alice_m.acknowledged_date)

    def test_submit_confirms_with_an_optional_comment(self):
        self.line_of(self.alice_m, self.kpi["weekly_reports"]).with_user(self.carol).manual_points = 8
        Wizard = self.env["crm.appraisal.reason.wizard"].with_user(self.carol)
        Wizard.create({"action": "submit", "appraisal_ids": self.alice_m.ids}).action_confirm()
        self.assertEqual(self.alice_m.state, "submitted")
        self.alice_m.with_user(self.vp)._send_back("Check the visits")
        Wizard.create(
            {"action": "submit", "appraisal_ids": self.alice_m.ids, "reason": "Visits checked"}
        ).action_confirm()
        self.assertEqual(self.alice_m.state, "submitted")
        self.assertIn("Submitted: Visits checked", self.alice_m.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.env["crm.appraisal.reason.wizard"].with_user(self.vp).create(
                {"action": "send_back", "appraisal_ids": self.alice_m.ids}
            ).action_confirm()

    def test_appeal_of_approved_goes_to_hr_without_changing_scores(self):
        self._walk(self.alice_m, 4)
        self.alice_m.with_user(self.alice)._appeal("Please check")
        self.assertEqual(self.alice_m.state, "approved")
        self.assertEqual(self.alice_m.activity_ids.user_id, self.hr_user)
