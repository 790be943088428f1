from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user

GROUP = "crm_performance.crm_performance_group_"


class PerformanceCase(TransactionCase):
    """A small sales org with hand-countable CRM records in March 2025.

    Team "North" led by Carol (area manager, parent of Alice and Bob). Won revenue, deals and
    durations per salesperson (all closed in March unless said otherwise):

    ======  ==========================================  ===========================
    Alice   won 10 000 (created 20 Feb, 13 days)        lost 1 (15 Mar)
            won 30 000 (created 1 Mar, 10 days)         February: won 20 000
            March 2024: won 10 000                      April: won 99 999 (outside)
    Bob     won 5 000 (created 10 Mar, 10 days)         lost 3
    ======  ==========================================  ===========================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.company
        # only the plans a test makes apply (the shipped plans may apply to demo employees)
        cls.env["crm.appraisal.plan"].search([]).active = False
        cls.company.partner_id.tz = "UTC"
        cls.admin = new_test_user(cls.env, "perf_admin", groups=f"{GROUP}admin,sales_team.group_sale_manager")
        cls.hr_user = new_test_user(cls.env, "perf_hr", groups=f"{GROUP}hr")
        cls.vp = new_test_user(cls.env, "perf_vp", groups=f"{GROUP}reviewer")
        cls.carol = new_test_user(
            cls.env, "perf_carol", groups=f"{GROUP}manager,sales_team.group_sale_salesman_all_leads"
        )
        cls.alice = new_test_user(cls.env, "perf_alice", groups=f"{GROUP}user,sales_team.group_sale_salesman")
        cls.bob = new_test_user(cls.env, "perf_bob", groups=f"{GROUP}user,sales_team.group_sale_salesman")
        cls.dave = new_test_user(
            cls.env, "perf_dave", groups=f"{GROUP}manager,sales_team.group_sale_salesman"
        )
        employees = cls.env["hr.employee"]
        cls.emp_carol = employees.create({"name": "Carol", "user_id": cls.carol.id, "barcode": "E1001"})
        cls.emp_alice = employees.create(
            {"name": "Alice", "user_id": cls.alice.id, "parent_id": cls.emp_carol.id, "barcode": "E1002"}
        )
        cls.emp_bob = employees.create(
            {"name": "Bob", "user_id": cls.bob.id, "parent_id": cls.emp_carol.id, "barcode": "E1003"}
        )
        cls.emp_dave = employees.create({"name": "Dave", "user_id": cls.dave.id, "barcode": "E1004"})
        cls.team = cls.env["crm.team"].create(
            {
                "name": "North",
                "user_id": cls.carol.id,
                "crm_team_member_ids": [
                    (0, 0, {"user_id": cls.alice.id, "target_weight": 3.0}),
                    (0, 0, {"user_id": cls.bob.id, "target_weight": 1.0}),
                ],
            }
        )
        cls.team_south = cls.env["crm.team"].create(
            {
                "name": "South",
                "user_id": cls.dave.id,
                "crm_team_member_ids": [(0, 0, {"user_id": cls.dave.id})],
            }
        )
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Period = cls.env["crm.appraisal.period"]
        cls.feb = Period.create({"period_type": "month", "date_from": date(2025, 2, 1)})
        cls.march = Period.create({"period_type": "month", "date_from": date(2025, 3, 1)})

        cls._won(cls.alice, 10000, datetime(2025, 2, 20), datetime(2025, 3, 5))
        cls._won(cls.alice, 30000, datetime(2025, 3, 1), datetime(2025, 3, 11))
        cls._lost(cls.alice, datetime(2025, 3, 2), datetime(2025, 3, 15))
        cls._won(cls.alice, 20000, datetime(2025, 1, 10), datetime(2025, 2, 10))
        cls._won(cls.alice, 10000, datetime(2024, 3, 1), datetime(2024, 3, 20))
        cls._won(cls.alice, 99999, datetime(2025, 3, 25), datetime(2025, 4, 1))
        cls._won(cls.bob, 5000, datetime(2025, 3, 10), datetime(2025, 3, 20))
        for day in (3, 4, 5):
            cls._lost(cls.bob, datetime(2025, 3, 1), datetime(2025, 3, day))

        cls.kpi = {
            name: cls.env.ref(f"crm_performance.kpi_{name}")
            for name in (
                "won_revenue",
                "won_deals",
                "conversion_rate",
                "lost_rate",
                "days_to_close",
                "revenue_growth",
                "attendance",
                "weekly_reports",
                "followups_done",
                "meetings",
                "new_customers",
            )
        }

    @classmethod
    def _lead(cls, user, revenue, created, closed, **vals):
        lead = cls.env["crm.lead"].create(
            {
                "name": f"{user.login} {revenue} {closed:%Y-%m-%d}",
                "type": "opportunity",
                "user_id": user.id,
                "team_id": False,
                "expected_revenue": revenue,
                **vals,
            }
        )
        cls.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", (created, lead.id))
        lead.invalidate_recordset(["create_date"])
        return lead

    @classmethod
    def _won(cls, user, revenue, created, closed):
        lead = cls._lead(user, revenue, created, closed, stage_id=cls.won_stage.id)
        lead.date_closed = closed
        return lead

    @classmethod
    def _lost(cls, user, created, closed):
        lead = cls._lead(user, 0, created, closed)
        lead.action_set_lost()
        lead.date_closed = closed
        return lead

    @classmethod
    def _plan(cls, lines, **vals):
        """A plan with ``lines`` = [(kpi, weight, {extra line values})]."""
        return cls.env["crm.appraisal.plan"].create(
            {
                "name": vals.pop("name", "Test plan"),
                "employee_ids": [(6, 0, vals.pop("employees", (cls.emp_alice | cls.emp_bob).ids))],
                "line_ids": [
                    (0, 0, {"kpi_id": kpi.id, "weight": weight, **extra}) for kpi, weight, extra in lines
                ],
                "grade_ids": [
                    (0, 0, {"name": name, "min_score": minimum})
                    for name, minimum in (("A", 90), ("B", 75), ("C", 60), ("D", 0))
                ],
                **vals,
            }
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """assertRaisesRegex inside a savepoint: the refused operation leaves nothing behind."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _month_queries(self, period):
        """Generate then recompute ``period``'s appraisals: ((queries to generate, queries to
        recompute), the appraisals). As assertQueryCount: no random garbage collection of the
        bus/mail tables meanwhile."""
        self.env.flush_all()
        self.env.invalidate_all()
        with patch("random.random", lambda: 1):
            start = self.env.cr.sql_log_count
            appraisals = self.env["crm.appraisal"]._generate(period)
            self.env.flush_all()
            generated = self.env.cr.sql_log_count - start
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            appraisals._compute_scores()
            self.env.flush_all()
        return (generated, self.env.cr.sql_log_count - start), appraisals

    @staticmethod
    def line_of(appraisal, kpi):
        return appraisal.line_ids.filtered(lambda line: line.kpi_id == kpi)

    @staticmethod
    def enter_items(appraisals, user):
        """``user`` (the manager) confirms 0 on every manual or deduction item nobody entered
        yet: Submit refuses an appraisal with an item not entered."""
        appraisals.line_ids.filtered(
            lambda line: line.scoring_rule in ("manual", "deduction") and not line.entered
        ).with_user(user).write({"entered": True})


class AppraisalCase(PerformanceCase):
    """PerformanceCase with a three-KPI plan and the February and March appraisals of Alice and Bob.

    Plan "Sales": won revenue (weight 70, default target 50 000, plan completion), average days
    to close (20, lower is better, default target 12) and weekly report quality (10, manual).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        k = cls.kpi
        cls.plan = cls._plan(
            [
                (k["won_revenue"], 70, {"default_target": 50000, "is_completion_line": True}),
                (k["days_to_close"], 20, {"default_target": 12}),
                (k["weekly_reports"], 10, {"max_points": 10}),
            ],
            name="Sales",
        )
        appraisals = cls.env["crm.appraisal"]._generate(cls.feb | cls.march)
        cls.appraisal = {
            (appraisal.employee_id.name, appraisal.period_id): appraisal for appraisal in appraisals
        }
        cls.alice_march = cls.appraisal["Alice", cls.march]
