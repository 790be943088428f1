from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestQueue(AppraisalCase):
    """Waiting for Me and bulk review: Carol manages Alice and Bob, the VP is the company's first
    reviewer and perf_hr its HR officer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"performance_reviewer_id": cls.vp.id, "performance_hr_user_id": cls.hr_user.id})
        cls.bob_march = cls.appraisal["Bob", cls.march]
        cls.alice_feb = cls.appraisal["Alice", cls.feb]
        cls.bob_feb = cls.appraisal["Bob", cls.feb]
        cls.enter_items(cls.env["crm.appraisal"].union(*cls.appraisal.values()), cls.carol)

    def _waiting(self, user):
        return self.env["crm.appraisal"].with_user(user).search([("waiting_for_me", "=", True)])

    def _review(self, appraisals, *steps):
        for step, user in steps:
            getattr(appraisals.with_user(user), f"action_{step}")()

    def test_each_role_sees_its_next_steps(self):
        everything = self.alice_feb | self.bob_feb | self.alice_march | self.bob_march
        self.assertEqual(self._waiting(self.carol), everything, "the manager submits the drafts")
        for user in (self.vp, self.hr_user, self.alice, self.dave):
            self.assertFalse(self._waiting(user), user.login)
        self._review(self.alice_march | self.bob_march, ("submit", self.carol))
        self.assertEqual(self._waiting(self.carol), self.alice_feb | self.bob_feb)
        self.assertEqual(self._waiting(self.vp), self.alice_march | self.bob_march)
        self.assertFalse(self._waiting(self.hr_user), "another first reviewer is named")
        self._review(self.alice_march, ("consolidate", self.vp), ("first_review", self.vp))
        self.assertEqual(self._waiting(self.vp), self.bob_march)
        self.assertEqual(self._waiting(self.hr_user), self.alice_march)
        self._review(self.alice_march, ("approve", self.hr_user))
        self.assertEqual(self._waiting(self.hr_user), self.alice_march, "to lock")
        self.assertEqual(self._waiting(self.alice), self.alice_march, "to acknowledge")
        self.alice_march.with_user(self.alice).action_acknowledge()
        self.assertFalse(self._waiting(self.alice))
        self.assertEqual(
            self.env["crm.appraisal"].with_user(self.carol).search([("waiting_for_me", "=", False)]),
            self.alice_march | self.bob_march,
        )
        self.assertEqual(
            (
                self.alice_march.with_user(self.hr_user).waiting_for_me,
                self.bob_march.with_user(self.hr_user).waiting_for_me,
            ),
            (True, False),
        )

    def test_unnamed_reviewer_means_any_reviewer(self):
        self.company.write({"performance_reviewer_id": False, "performance_hr_user_id": False})
        self._review(self.alice_march, ("submit", self.carol))
        self.assertEqual(self._waiting(self.vp), self.alice_march)
        self.assertEqual(self._waiting(self.hr_user), self.alice_march, "HR reviews too")

    def test_bulk_approve_refuses_what_one_by_one_would(self):
        """HR approves Alice's and Bob's March: Bob's is not reviewed yet, so only Alice's goes."""
        self._review(self.alice_march | self.bob_march, ("submit", self.carol), ("consolidate", self.vp))
        self._review(self.alice_march, ("first_review", self.vp))
        wizard = self._bulk(
            self.hr_user, (self.alice_march | self.bob_march).with_context(tracking_disable=False), "approve"
        )
        self.env.cr.precommit.run()  # the chatter's tracking messages, as at the end of a request
        self.assertEqual((self.alice_march.state, self.bob_march.state), ("approved", "consolidated"))
        self.assertEqual((wizard.state, wizard.done_count), ("done", 1))
        self.assertEqual(wizard.refusal_ids.appraisal_id, self.bob_march)
        self.assertEqual(
            wizard.refusal_ids.reason,
            f"{self.bob_march.name} is Consolidated; this step needs it First Review Done.",
        )
        self.assertEqual(self.alice_march.approved_by_id, self.hr_user)
        tracked = self.alice_march.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertIn("Approved", tracked.mapped("new_value_char"))

    def test_bulk_by_the_wrong_role_refuses_all(self):
        self._review(self.alice_march | self.bob_march, ("submit", self.carol))
        wizard = self._bulk(self.vp, self.alice_march | self.bob_march, "consolidate")
        self.assertEqual(wizard.done_count, 2)
        wizard = self._bulk(self.vp, self.alice_march | self.bob_march, "approve")
        self.assertEqual(wizard.done_count, 0)
        self.assertEqual(set(wizard.refusal_ids.mapped("reason")), {"Only HR can take this step."})
        self.assertEqual((self.alice_march.state, self.bob_march.state), ("consolidated", "consolidated"))

    def test_bulk_send_back_with_one_reason(self):
        self._review(self.alice_march | self.bob_march, ("submit", self.carol))
        self._review(self.alice_march, ("consolidate", self.vp))
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self._bulk(self.vp, self.alice_march | self.bob_march, "send_back")
        wizard = self._bulk(
            self.vp, self.alice_march | self.bob_march | self.alice_feb, "send_back", "Recheck visits"
        )
        self.assertEqual((self.alice_march.state, self.bob_march.state), ("submitted", "draft"))
        self.assertEqual(wizard.refusal_ids.appraisal_id, self.alice_feb, "a draft cannot go back")
        for appraisal in self.alice_march | self.bob_march:
            self.assertIn("Recheck visits", appraisal.message_ids[0].body)

    def test_bulk_never_on_own_appraisal(self):
        """The VP's own appraisal is refused among the others."""
        emp_vp = self.env["hr.employee"].create({"name": "Vic", "user_id": self.vp.id})
        self.plan.employee_ids |= emp_vp
        vp_march = self.env["crm.appraisal"]._generate(self.march)
        self.assertEqual(vp_march.employee_id, emp_vp)
        self.enter_items(vp_march, self.admin)
        vp_march.with_user(self.admin).action_submit()
        self._review(self.alice_march, ("submit", self.carol))
        wizard = self._bulk(self.vp, self.alice_march | vp_march, "consolidate")
        self.assertEqual((self.alice_march.state, vp_march.state), ("consolidated", "submitted"))
        self.assertEqual(wizard.refusal_ids.reason, "You cannot take a review step on your own appraisal.")

    def _bulk(self, user, appraisals, step, reason=None):
        action = appraisals.with_user(user).with_context(bulk_step=step).action_open_bulk_review()
        wizard = appraisals.env[action["res_model"]].with_user(user).browse(action["res_id"])
        wizard.reason = reason
        wizard.action_apply()
        return wizard


@tagged("post_install", "-at_install")
class TestBulkTour(AppraisalCase, HttpCase):
    def test_hr_bulk_approves_a_selection(self):
        """HR's queue holds Alice's reviewed March and Bob's consolidated one (no first reviewer is
        named, HR may review too); HR selects both and approves: Bob's is listed as refused."""
        self.enter_items(self.alice_march | self.appraisal["Bob", self.march], self.carol)
        (self.alice_march | self.appraisal["Bob", self.march]).with_user(self.carol).action_submit()
        (self.alice_march | self.appraisal["Bob", self.march]).with_user(self.vp).action_consolidate()
        self.alice_march.with_user(self.vp).action_first_review()
        self.start_tour("/odoo", "crm_performance_bulk_approve_tour", login="perf_hr")
        self.assertEqual(
            (self.alice_march.state, self.appraisal["Bob", self.march].state), ("approved", "consolidated")
        )
