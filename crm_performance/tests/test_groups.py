from itertools import pairwise

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGroups(TransactionCase):
    def test_groups_form_one_chain(self):
        """User < Manager < Reviewer < HR < Administrator, in one privilege."""
        chain = [
            "user",
            "manager",
            "reviewer",
            "hr",
            "admin",
        ]
        groups = [self.env.ref(f"crm_performance.crm_performance_group_{name}") for name in chain]
        self.assertEqual(len({g.privilege_id for g in groups}), 1)
        for lower, higher in pairwise(groups):
            self.assertIn(lower, higher.all_implied_ids)
            self.assertNotIn(higher, lower.all_implied_ids)
        self.assertIn(groups[-1], self.env.ref("base.user_admin").all_group_ids)
