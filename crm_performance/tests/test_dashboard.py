from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import GROUP, AppraisalCase

HOME = "crm_performance.crm_performance_dashboard_action_my"


@tagged("post_install", "-at_install")
class TestDashboard(AppraisalCase):
    def _dashboard(self, user, month="2025-03-01"):
        return self.env["crm.performance.dashboard"].with_user(user).get_my_performance(month)

    @freeze_time("2025-03-16")
    def test_alice_march(self):
        """Alice's March, as on her appraisal: 16 of 31 days gone, so the revenue (a sum) is due
        at 16/31 of its target; days to close (an average) against its whole target."""
        data = self._dashboard(self.alice)
        self.assertEqual(
            (data["month"], data["previous_month"], data["next_month"]),
            ("2025-03-01", "2025-02-01", False),
        )
        self.assertEqual(data["employee"], "Alice")
        [appraisal] = data["appraisals"]
        self.assertEqual(appraisal["id"], self.alice_march.id)
        self.assertEqual(
            (appraisal["total_score"], appraisal["grade"], appraisal["rank"], appraisal["rank_count"]),
            (76.87, "B", 1, 2),
        )
        self.assertEqual(appraisal["previous_total"], 35.74)
        self.assertEqual(appraisal["pace"], 16 / 31)
        revenue, days, reports = appraisal["lines"]
        self.assertEqual(
            {
                key: revenue[key]
                for key in ("name", "target", "actual", "gap", "achievement", "score", "weighted_score")
            },
            {
                "name": "Won revenue",
                "target": 50000,
                "actual": 40000,
                "gap": 10000,
                "achievement": 80.0,
                "score": 80.0,
                "weighted_score": 56.0,
            },
        )
        self.assertEqual(
            (revenue["pace"], revenue["status"], revenue["is_money"]), (16 / 31, "on_track", True)
        )
        self.assertTrue(revenue["can_open"])
        self.assertEqual(
            (days["direction"], days["gap"], days["achievement"], days["pace"], days["status"]),
            ("lower", -0.5, 104.35, 1.0, "reached"),
        )
        self.assertEqual((days["weighted_score"], days["is_money"]), (20.87, False))
        self.assertEqual(
            (reports["status"], reports["can_open"], reports["max_points"]), ("not_entered", False, 10)
        )
        trend = appraisal["trend"]
        self.assertEqual([point["month"] for point in trend][:2], ["2024-04-01", "2024-05-01"])
        self.assertEqual(len(trend), 12)
        self.assertEqual(
            [point["total_score"] for point in trend],
            [None] * 10 + [35.74, 76.87],
            "missing months stay empty",
        )

    @freeze_time("2025-03-16")
    def test_statuses(self):
        """Behind pace, no data, no target and not entered each read as such."""
        self.line_of(self.alice_march, self.kpi["weekly_reports"]).sudo().has_data = False
        lines = self._dashboard(self.alice)["appraisals"][0]["lines"]
        self.assertEqual(lines[2]["status"], "not_entered")
        bob = self._dashboard(self.bob)["appraisals"][0]
        self.assertEqual(bob["id"], self.appraisal["Bob", self.march].id)
        revenue, days, _reports = bob["lines"]
        self.assertEqual((revenue["achievement"], revenue["status"]), (10.0, "behind"))
        self.assertEqual(days["status"], "reached")
        self.plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["won_revenue"]).default_target = 0
        self.appraisal["Bob", self.march].action_compute()
        self.assertEqual(self._dashboard(self.bob)["appraisals"][0]["lines"][0]["status"], "no_target")
        april = self.env["crm.appraisal.period"].create(
            {"period_type": "month", "date_from": date(2025, 4, 1)}
        )
        self.env["crm.appraisal"]._generate(april)
        lines = self._dashboard(self.bob, "2025-04-10")["appraisals"][0]["lines"]
        self.assertEqual((lines[1]["has_data"], lines[1]["status"]), (False, "no_data"))
        self.assertEqual(lines[1]["pace"], 1.0)

    def test_only_own_figures(self):
        """Whatever is asked, the caller gets their own appraisals: a manager sees none of the
        team's here, HR none of anyone's, and no argument names another person."""
        for user, expected in (
            (self.alice, self.alice_march),
            (self.bob, self.appraisal["Bob", self.march]),
            (self.carol, self.env["crm.appraisal"]),
            (self.vp, self.env["crm.appraisal"]),
            (self.hr_user, self.env["crm.appraisal"]),
        ):
            with self.subTest(user=user.login):
                data = self._dashboard(user)
                self.assertEqual([a["id"] for a in data["appraisals"]], expected.ids)
        with self.assertRaises(TypeError):
            self.env["crm.performance.dashboard"].with_user(self.alice).get_my_performance(
                "2025-03-01", user_id=self.bob.id
            )

    def test_month_without_appraisal(self):
        data = self._dashboard(self.alice, "2025-06-15")
        self.assertEqual((data["month"], data["appraisals"]), ("2025-06-01", []))

    def test_query_count_does_not_grow(self):
        """Two months of a three-KPI plan or four months of a five-KPI plan: the same queries."""
        counts = []
        for extra_kpis, months in (
            ((), ()),
            (("meetings", "new_customers"), (date(2024, 12, 1), date(2025, 1, 1))),
        ):
            if extra_kpis:
                revenue = self.plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["won_revenue"])
                self.plan.line_ids = [(1, revenue.id, {"weight": 60})] + [
                    (0, 0, {"kpi_id": self.kpi[name].id, "weight": 5}) for name in extra_kpis
                ]
            periods = self.env["crm.appraisal.period"].create(
                [{"period_type": "month", "date_from": start} for start in months]
            )
            self.env["crm.appraisal"]._generate(periods)
            self.alice_march.action_compute()
            self.env.flush_all()
            self.env.invalidate_all()
            self._dashboard(self.alice)  # warm the registry caches (ormcache: a plan saved clears them)
            self.env.invalidate_all()
            with patch("random.random", lambda: 1):
                start = self.env.cr.sql_log_count
                data = self._dashboard(self.alice)
                counts.append(self.env.cr.sql_log_count - start)
            months_present = sum(point["total_score"] is not None for point in data["appraisals"][0]["trend"])
            self.assertEqual(
                (len(data["appraisals"][0]["lines"]), months_present), (3 + len(extra_kpis), 2 + len(months))
            )
        self.assertEqual(counts[0], counts[1])

    def test_method_is_readonly(self):
        method = type(self.env["crm.performance.dashboard"]).get_my_performance
        self.assertTrue(method._readonly)

    def test_salespeople_land_on_my_performance(self):
        """A salesperson's home is My Performance; managers and users with a home keep theirs."""
        home = self.env.ref(HOME).id
        self.assertEqual((self.alice.action_id.id, self.bob.action_id.id), (home, home))
        self.assertFalse(self.carol.action_id, "managers land on their queues")
        other = self.env.ref("base.action_res_users").id
        own = new_test_user(self.env, "perf_own_home", groups=f"{GROUP}user", action_id=other)
        self.assertEqual(own.action_id.id, other)
        plain = new_test_user(self.env, "perf_plain", groups="base.group_user")
        self.assertFalse(plain.action_id)
        plain.group_ids = [(4, self.env.ref(f"{GROUP}user").id)]
        self.assertEqual(plain.action_id.id, home, "added to the salespeople later")


@tagged("post_install", "-at_install")
class TestDashboardRpc(AppraisalCase, HttpCase):
    def _call(self, login, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/crm.performance.dashboard/get_my_performance",
            {
                "model": "crm.performance.dashboard",
                "method": "get_my_performance",
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def test_rpc_returns_own_figures_only(self):
        data = self._call("perf_alice", ["2025-03-01"])
        self.assertEqual([a["id"] for a in data["appraisals"]], [self.alice_march.id])
        self.assertEqual(data["appraisals"][0]["total_score"], 76.87)
        bob = self._call("perf_bob", [], {"month": "2025-03-01"})
        self.assertEqual([a["id"] for a in bob["appraisals"]], [self.appraisal["Bob", self.march].id])
        self.assertEqual(self._call("perf_carol", ["2025-03-01"])["appraisals"], [], "not the team's")

    def test_rpc_ids_of_another_person_are_refused(self):
        """Bob's appraisal as ids or Bob as an argument is refused; Bob's uid in the context is
        ignored: Alice gets her own figures."""
        bob_march = self.appraisal["Bob", self.march].id
        for args, kwargs in (([[bob_march], "2025-03-01"], {}), (["2025-03-01"], {"user_id": self.bob.id})):
            with self.subTest(args=args, kwargs=kwargs), self.assertRaises(JsonRpcException):
                self._call("perf_alice", args, kwargs)
        data = self._call("perf_alice", ["2025-03-01"], {"context": {"uid": self.bob.id}})
        self.assertEqual([a["id"] for a in data["appraisals"]], [self.alice_march.id])
        self.assertNotIn("Bob", str(data))


@tagged("post_install", "-at_install")
class TestTeamBoard(AppraisalCase):
    def _board(self, user, month="2025-03-01", plan_id=None):
        return self.env["crm.performance.dashboard"].with_user(user).get_team_board(month, plan_id)

    @freeze_time("2025-03-16")
    def test_carol_sees_her_team(self):
        """Alice: 40 000 of 50 000, 11.5 days against 12; Bob: 5 000, 10 days. North's revenue is
        45 000 of 100 000 (45 %), its days to close the mean of 104.35 % and 120 %."""
        data = self._board(self.carol)
        self.assertEqual(data["plans"], [{"id": self.plan.id, "name": "Sales", "count": 2}])
        self.assertEqual(data["plan_id"], self.plan.id)
        revenue, days, reports = self.plan.line_ids.sorted("sequence")
        self.assertEqual([c["id"] for c in data["columns"]], [revenue.id, days.id, reports.id])
        self.assertEqual(
            [c["name"] for c in data["columns"]],
            ["Won revenue", "Average days to close", "Weekly report quality"],
        )
        alice, bob = data["members"]
        self.assertEqual(
            (alice["employee"], alice["team"], alice["total_score"], alice["grade"]),
            ("Alice", "North", 76.87, "B"),
        )
        self.assertEqual((bob["employee"], bob["total_score"], bob["grade"]), ("Bob", 31.0, "D"))
        self.assertEqual(
            {pl: (line["achievement"], line["status"]) for pl, line in bob["lines"].items()},
            {revenue.id: (10.0, "behind"), days.id: (120.0, "reached"), reports.id: (0.0, "not_entered")},
        )
        [north] = data["teams"]
        self.assertEqual((north["team"], north["count"], north["total_score"]), ("North", 2, 53.935))
        self.assertEqual(
            north["kpis"], {revenue.id: 45.0, days.id: 112.175, reports.id: None}, "nothing entered"
        )

    def test_record_rules_decide_who_appears(self):
        self.assertEqual(self._board(self.dave)["members"], [], "another team's manager sees nobody here")
        self.assertEqual(self._board(self.dave)["plans"], [])
        self.assertEqual([m["employee"] for m in self._board(self.vp)["members"]], ["Alice", "Bob"])
        self.assertEqual([m["employee"] for m in self._board(self.hr_user)["members"]], ["Alice", "Bob"])
        for user in (self.alice, self.bob):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._board(user)

    def test_teams_side_by_side_by_plan(self):
        """The VP sees Dave's team next to Carol's; Dave's area manager plan is its own board."""
        manager_plan = self._plan(
            [(self.kpi["won_revenue"], 100, {"default_target": 10000})],
            name="Area",
            employees=self.emp_carol.ids,
        )
        self.plan.employee_ids |= self.emp_dave
        self.env["crm.appraisal"]._generate(self.march)
        data = self._board(self.vp)
        self.assertEqual(
            [(p["name"], p["count"]) for p in data["plans"]],
            [("Sales", 3), ("Area", 1)],
            "the plan with most first",
        )
        self.assertEqual([(t["team"], t["count"]) for t in data["teams"]], [("North", 2), ("South", 1)])
        area = self._board(self.vp, plan_id=manager_plan.id)
        self.assertEqual([m["employee"] for m in area["members"]], ["Carol"])
        self.assertEqual(
            [m["employee"] for m in self._board(self.carol, plan_id=manager_plan.id)["members"]], ["Carol"]
        )
