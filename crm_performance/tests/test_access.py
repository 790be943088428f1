from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import GROUP, PerformanceCase


@tagged("post_install", "-at_install")
class TestAccess(PerformanceCase):
    """Privacy: an appraisal is seen by its employee, managers up the chain and the team leader,
    reviewers and HR; configuration is changed by administrators only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(
            [(cls.kpi["won_revenue"], 100, {"default_target": 50000})],
            employees=(cls.emp_alice | cls.emp_bob | cls.emp_dave).ids,
        )
        cls.appraisals = cls.env["crm.appraisal"]._generate(cls.march)
        cls.by_employee = {a.employee_id: a for a in cls.appraisals}

    def visible(self, user, model="crm.appraisal"):
        field = "period_id" if model == "crm.appraisal" else "appraisal_id.period_id"
        records = self.env[model].with_user(user).search([(field, "=", self.march.id)])
        if model == "crm.appraisal":
            return set(records.employee_id.mapped("name"))
        return set(records.appraisal_id.employee_id.mapped("name"))

    def test_who_sees_which_appraisal(self):
        expected = {
            self.alice: {"Alice"},
            self.bob: {"Bob"},
            self.carol: {"Alice", "Bob"},  # their manager and team leader
            self.dave: {"Dave"},  # manager of another team: own only
            self.vp: {"Alice", "Bob", "Dave"},
            self.hr_user: {"Alice", "Bob", "Dave"},
        }
        for user, names in expected.items():
            self.assertEqual(self.visible(user), names, user.login)
            self.assertEqual(self.visible(user, "crm.appraisal.line"), names, user.login)

    def test_read_group_and_export_respect_privacy(self):
        groups = (
            self.env["crm.appraisal"]
            .with_user(self.alice)
            .read_group([("period_id", "=", self.march.id)], ["total_score:sum"], [])
        )
        self.assertEqual(groups[0]["__count"], 1)
        self.carol.group_ids |= self.env.ref("base.group_allow_export")
        rows = (
            self.env["crm.appraisal"]
            .with_user(self.carol)
            .search([("period_id", "=", self.march.id)])
            .export_data(["employee_id"])["datas"]
        )
        self.assertEqual(sorted(rows), [["Alice"], ["Bob"]])

    def test_direct_read_of_another_appraisal_is_refused(self):
        bob_appraisal = self.by_employee[self.emp_bob]
        with self.assertRaises(AccessError):
            bob_appraisal.with_user(self.alice).read(["total_score"])
        with self.assertRaises(AccessError):
            bob_appraisal.line_ids[0].with_user(self.alice).action_open_records()
        with self.assertRaises(AccessError):
            bob_appraisal.with_user(self.dave).read(["total_score"])

    def test_salesperson_cannot_write_or_configure(self):
        own = self.by_employee[self.emp_alice]
        with self.assertRaises(AccessError):
            own.with_user(self.alice).write({"manager_comment": "great"})
        with self.assertRaises(AccessError):
            own.with_user(self.alice).action_compute()
        for model, values in (
            ("crm.kpi.definition", {"name": "Mine", "measure_mode": "manual"}),
            ("crm.appraisal.period", {"date_from": "2030-01-01"}),
            (
                "crm.kpi.target",
                {
                    "kpi_id": self.kpi["won_deals"].id,
                    "period_id": self.march.id,
                    "employee_id": self.emp_alice.id,
                    "value": 1,
                },
            ),
        ):
            for user in (self.alice, self.carol, self.hr_user):
                with self.assertRaises(AccessError, msg=f"{user.login} on {model}"):
                    self.env[model].with_user(user).create(values)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.carol).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.kpi["won_revenue"].with_user(self.hr_user).unlink()

    def test_manager_writes_team_not_others(self):
        self.by_employee[self.emp_alice].with_user(self.carol).manager_comment = "Good month"
        with self.assertRaises(AccessError):
            self.by_employee[self.emp_dave].with_user(self.carol).manager_comment = "Not my team"

    def test_administrator_configures(self):
        kpi = (
            self.env["crm.kpi.definition"]
            .with_user(self.admin)
            .create({"name": "Report quality", "measure_mode": "manual", "max_points": 20})
        )
        self.assertEqual(kpi.max_points, 20)

    def test_only_hr_generates_appraisals(self):
        """Generating creates appraisals: refused to those who may not create one (the button
        is on the period, which every performance user reads), done for HR."""
        april = self.env["crm.appraisal.period"].create({"period_type": "month", "date_from": "2025-04-01"})
        for user in (self.alice, self.carol, self.vp):
            with self.assertRaises(AccessError, msg=user.login):
                april.with_user(user).action_generate_appraisals()
        self.assertFalse(april.appraisal_ids)
        april.with_user(self.hr_user).action_generate_appraisals()
        self.assertEqual(april.appraisal_ids.employee_id, self.emp_alice | self.emp_bob | self.emp_dave)
        self.assertEqual(april.appraisal_ids.create_uid, self.hr_user, "created as HR, scored as superuser")
        self.assertEqual(len(april.appraisal_ids.line_ids), 3)

    def test_other_company_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        stranger = new_test_user(
            self.env,
            "perf_stranger",
            groups=f"{GROUP}hr",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.env["crm.appraisal"].with_user(stranger).search([]))
        self.assertFalse(self.env["crm.appraisal.line"].with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            self.by_employee[self.emp_alice].with_user(stranger).read(["total_score"])
        with self.assertRaises(AccessError):
            self.by_employee[self.emp_alice].line_ids.with_user(stranger).read(["actual"])

    def test_recomputing_and_closing_check_the_caller_first(self):
        """Recompute and close run as superuser: the caller is checked before anything moves."""
        alice = self.by_employee[self.emp_alice]
        alice.with_user(self.hr_user)._correct_score(77, "Agreed")
        self._won(self.alice, 10000, datetime(2025, 3, 3), datetime(2025, 3, 28))
        for user in (self.alice, self.carol, self.vp):
            with self.assertRaises(AccessError, msg=user.login):
                self.march.with_user(user).action_compute()
            with self.assertRaises(AccessError, msg=user.login):
                self.march.with_user(user).action_close()
        with self.assertRaises(AccessError):
            self.march.with_user(self.hr_user).action_close()  # administrators close periods
        with self.assertRaises(AccessError):
            alice.with_user(self.alice).action_compute()
        with self.assertRaises(AccessError):
            self.by_employee[self.emp_dave].with_user(self.carol).action_compute()  # not her team
        self.assertEqual(
            (self.line_of(alice, self.kpi["won_revenue"]).actual, self.march.state), (40000, "open")
        )
        self.march.with_user(self.hr_user).action_compute()
        self.assertEqual(
            (self.line_of(alice, self.kpi["won_revenue"]).actual, alice.total_score), (50000, 77)
        )
        self.march.with_user(self.admin).action_close()
        self.assertEqual(self.march.state, "closed")

    def test_drill_down_says_what_the_users_rights_hide(self):
        """Carol's Sales rights are "own documents", plus (a rule of her company) deals under
        20 000: of Alice's two won deals (10 000 and 30 000) one is hers to see, and the
        drill-down says so."""
        small_deals = self.env["res.groups"].create({"name": "Small deals only"})
        self.env["ir.rule"].create(
            {
                "name": "Small deals only",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "groups": [(6, 0, small_deals.ids)],
                "domain_force": "[('expected_revenue', '<', 20000)]",
            }
        )
        self.carol.group_ids = (
            self.env.ref(f"{GROUP}manager") | self.env.ref("sales_team.group_sale_salesman") | small_deals
        )
        line = self.line_of(self.by_employee[self.emp_alice], self.kpi["won_revenue"])
        action = line.with_user(self.carol).action_open_records()
        self.assertEqual(
            action["name"],
            "Won revenue – Alice – March 2025 (2 records counted, 1 visible to you: your access rights hide "
            "the others.)",
        )
        visible = self.env["crm.lead"].with_user(self.carol).search(action["domain"])
        self.assertEqual(visible.mapped("expected_revenue"), [10000])
        self.assertEqual(len(self.env["crm.lead"].search(action["domain"])), 2)
        with self.assertRefused(UserError, "2 records counted, 0 visible to you"):
            line.with_user(self.vp).action_open_records()  # the VP has no Sales rights here

        # a ratio says it for each side: Alice's conversion rate is her 2 won deals (10 000 and
        # 30 000) over her 3 closed ones (the lost one at 0): Carol sees 1 of 2, and 2 of 3
        plan = self._plan(
            [(self.kpi["conversion_rate"], 100, {"default_target": 50})], employees=self.emp_alice.ids
        )
        conversion = (
            self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan).line_ids
        )
        self.assertEqual(
            conversion.with_user(self.carol).action_open_records()["name"],
            "Conversion rate: Won deals – Alice – March 2025 (2 records counted, 1 visible to you: your "
            "access rights hide the others.)",
        )
        closed = conversion.with_user(self.carol).action_open_denominator_records()
        self.assertEqual(
            closed["name"],
            "Conversion rate: Closed deals (won or lost) – Alice – March 2025 (3 records counted, 2 visible "
            "to you: your access rights hide the others.)",
        )
        self.assertEqual(
            sorted(
                self.env["crm.lead"].with_user(self.carol).search(closed["domain"]).mapped("expected_revenue")
            ),
            [0, 10000],
        )
        with self.assertRefused(UserError, "3 records counted, 0 visible to you"):
            conversion.with_user(self.vp).action_open_denominator_records()
