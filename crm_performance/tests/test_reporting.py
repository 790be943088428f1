from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import GROUP, AppraisalCase

MANAGER_MENUS = (
    "crm_performance.crm_performance_menu_reporting",
    "crm_performance.crm_performance_dashboard_menu_team",
    "crm_performance.crm_appraisal_menu_leaderboard",
    "crm_performance.crm_appraisal_menu_team_comparison",
    "crm_performance.crm_appraisal_menu_analysis",
    "crm_performance.crm_appraisal_signal_menu",
)


@tagged("post_install", "-at_install")
class TestReporting(AppraisalCase):
    def _visible(self, user, xmlids):
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return {xmlid for xmlid in xmlids if self.env.ref(xmlid).id in visible}

    def test_menu_order(self):
        """My Performance first, then Appraisals, Integrity Signals, Set Targets, Reporting,
        Configuration."""
        root = self.env.ref("crm_performance.crm_performance_menu_root")
        self.assertEqual(
            root.child_id.sorted("sequence").mapped("name"),
            [
                "My Performance",
                "Appraisals",
                "Integrity Signals",
                "Set Targets",
                "Reporting",
                "Configuration",
            ],
        )
        self.assertEqual(
            self.env.ref("crm_performance.crm_performance_menu_my")
            .child_id.sorted("sequence")
            .mapped("name"),
            ["Dashboard", "My KPIs", "My Appraisals"],
        )

    def test_salesperson_does_not_see_manager_menus(self):
        mine = (
            "crm_performance.crm_performance_dashboard_menu_my",
            "crm_performance.crm_appraisal_line_menu_my",
            "crm_performance.crm_appraisal_menu_my",
        )
        self.assertEqual(self._visible(self.alice, mine + MANAGER_MENUS), set(mine))
        self.assertEqual(self._visible(self.carol, mine + MANAGER_MENUS), set(mine + MANAGER_MENUS))
        grid = ("crm_performance.crm_kpi_target_grid_menu",)
        self.assertEqual(self._visible(self.alice, grid), set(), "targets are set by managers and above")
        self.assertEqual(self._visible(self.carol, grid), set(grid), "for their team members")
        self.assertEqual(self._visible(self.admin, grid), set(grid))

    def test_manager_actions_are_restricted(self):
        for xmlid in (
            "crm_performance.crm_appraisal_action_leaderboard",
            "crm_performance.crm_appraisal_action_team_comparison",
            "crm_performance.crm_appraisal_action_analysis",
        ):
            self.assertEqual(
                self.env.ref(xmlid).group_ids, self.env.ref(f"{GROUP}manager"), f"{xmlid} is for managers"
            )

    def test_leaderboard(self):
        """Current month's appraisals by plan then team (area managers never ranked among
        salespeople), best first, with their rank and a medal for the first three."""
        action = self.env.ref("crm_performance.crm_appraisal_action_leaderboard")
        self.assertEqual(action.view_id, self.env.ref("crm_performance.crm_appraisal_view_list_leaderboard"))
        context = safe_eval(action.context)
        self.assertEqual(
            context,
            {"search_default_current_month": 1, "group_by": ["plan_id", "team_id"]},
        )
        board = (
            self.env["crm.appraisal"]
            .with_user(self.carol)
            .search(
                [("team_id", "=", self.team.id), ("period_id", "=", self.march.id)],
                order="total_score desc, id",
            )
        )
        self.assertEqual(
            [(a.employee_id.name, a.rank, a.total_score, a.medal) for a in board],
            [("Alice", 1, 76.87, "🥇"), ("Bob", 2, 31.0, "🥈")],
        )
        views = self.env["crm.appraisal"].with_user(self.carol).get_views([(action.view_id.id, "list")])
        self.assertIn('name="rank"', views["views"]["list"]["arch"])

    def test_team_comparison(self):
        """Average total score and completion by team and month."""
        rows = (
            self.env["crm.appraisal"]
            .with_user(self.carol)
            ._read_group(
                [("period_type", "=", "month")],
                ["team_id", "date_from:month"],
                ["total_score:avg", "completion_rate:avg"],
            )
        )
        self.assertEqual(
            [
                (team.name, month.month, round(score, 3), completion)
                for team, month, score, completion in rows
            ],
            [("North", 2, 17.87, 20.0), ("North", 3, 53.935, 45.0)],
        )

    def test_kpi_lines_by_employee_period_and_kpi(self):
        """The KPI analysis groups lines by employee, period and KPI, read through their appraisal
        and plan line."""
        rows = (
            self.env["crm.appraisal.line"]
            .with_user(self.carol)
            ._read_group(
                [("kpi_id", "=", self.kpi["won_revenue"].id), ("company_id", "=", self.company.id)],
                ["employee_id", "period_id", "kpi_id"],
                ["actual:sum"],
            )
        )
        self.assertEqual(
            [(employee.name, period.name, kpi.name, actual) for employee, period, kpi, actual in rows],
            [
                ("Alice", "2025-02", "Won revenue", 20000.0),
                ("Alice", "2025-03", "Won revenue", 40000.0),
                ("Bob", "2025-02", "Won revenue", 0.0),
                ("Bob", "2025-03", "Won revenue", 5000.0),
            ],
        )

    def test_reporting_views_render_for_a_manager(self):
        for xmlid in (
            "crm_performance.crm_appraisal_action_team_comparison",
            "crm_performance.crm_appraisal_action_analysis",
        ):
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            modes = [*action["view_mode"].split(","), "search"]
            views = self.env["crm.appraisal"].with_user(self.carol).get_views([(False, m) for m in modes])
            self.assertEqual(set(views["views"]), set(modes))
        pivot = self.env["crm.appraisal"].get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertIn('<field name="completion_rate" type="measure"/>', pivot)


@tagged("post_install", "-at_install")
class TestSmartButtons(AppraisalCase):
    def test_counts(self):
        """Employee, user and team count the appraisals their reader may see."""
        self.assertEqual(self.emp_alice.crm_appraisal_count, 2)
        self.assertEqual(self.alice.crm_appraisal_count, 2)
        self.assertEqual((self.team.crm_appraisal_count, self.team_south.crm_appraisal_count), (4, 0))
        self.assertEqual(self.team.with_user(self.carol).crm_appraisal_count, 4)
        self.assertEqual(self.team.with_user(self.alice).crm_appraisal_count, 2, "Alice sees only hers")
        self.assertEqual(self.team.with_user(self.dave).crm_appraisal_count, 0)

    def test_counts_in_one_query(self):
        teams = self.team | self.team_south
        teams.invalidate_recordset(["crm_appraisal_count"])
        # the members are read before, they are not what is counted here
        self.assertEqual(teams.member_ids.employee_ids, self.emp_alice | self.emp_bob | self.emp_dave)
        with self.assertQueryCount(1):
            self.assertEqual(teams.mapped("crm_appraisal_count"), [4, 0])

    def test_actions_open_the_counted_appraisals(self):
        appraisals = self.env["crm.appraisal"]
        for record, expected in (
            (self.emp_bob, appraisals.search([("employee_id", "=", self.emp_bob.id)])),
            (self.bob, appraisals.search([("employee_id", "=", self.emp_bob.id)])),
            (self.team, appraisals.search([("team_id", "=", self.team.id)])),
        ):
            action = record.action_open_crm_appraisals()
            self.assertEqual(action["res_model"], "crm.appraisal")
            self.assertEqual(appraisals.search(action["domain"]), expected)
            self.assertEqual(len(expected), record.crm_appraisal_count)

    def test_buttons_only_for_performance_users(self):
        hr_only = new_test_user(
            self.env, "perf_hr_only", groups="hr.group_hr_user,sales_team.group_sale_manager"
        )
        hr_perf = new_test_user(
            self.env, "perf_hr_perf", groups=f"hr.group_hr_user,sales_team.group_sale_salesman,{GROUP}user"
        )
        for model, view in (
            ("hr.employee", "hr.view_employee_form"),
            ("crm.team", "sales_team.crm_team_view_form"),
        ):
            for user, shown in ((hr_only, False), (hr_perf, True)):
                arch = self.env[model].with_user(user).get_views([(self.env.ref(view).id, "form")])
                self.assertEqual(
                    "action_open_crm_appraisals" in arch["views"]["form"]["arch"],
                    shown,
                    f"{model} {user.login}",
                )
        arch = self.env["res.users"].get_views([(self.env.ref("base.view_users_form").id, "form")])
        self.assertIn("action_open_crm_appraisals", arch["views"]["form"]["arch"])
