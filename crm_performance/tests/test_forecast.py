from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PerformanceCase

TODAY = "2026-09-10"  # Thursday: 8 of September 2026's 22 working days elapsed


@tagged("post_install", "-at_install")
class TestForecast(PerformanceCase):
    """September 2026, forecast on the 10th.

    Stage win rates from the deals closed March-August 2026 (a won deal passed every stage, a
    lost one the stages up to its own; Qualify before Propose):

    ==========  ===================================  ==================  ==================
    who         closed deals                         Qualify             Propose
    ==========  ===================================  ==================  ==================
    Alice       4 won; 2 lost in Qualify, 2 in       4 / 8 = 0.5         4 / 6
                Propose (team North)
    North       + Carol: 1 won                       5 / 9               5 / 7
    company     + the admin: 1 lost in Propose       5 / 10              5 / 8
                (no team)
    ==========  ===================================  ==================  ==================

    Bob has no history: North's rates. Dave (team South, no history anywhere): the company's.
    No opportunity expected to close before August has a date: without slippage history, those
    not yet due count in full. Meetings: Alice, appraised in August, has 7 in the last 14
    working days of August (the days September has left after the 10th) and one before them;
    Bob and Dave join the plan in September.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.stage"]
        cls.qualify = Stage.create({"name": "Qualify", "sequence": 101})
        cls.propose = Stage.create({"name": "Propose", "sequence": 102})
        cls.team.user_id = cls.carol
        july = datetime(2026, 7, 8)  # before the 10th: none closed in the month's rest
        for _n in range(4):
            cls._closed(cls.alice, cls.team, cls.won_stage, july)
        for stage in (cls.qualify, cls.qualify, cls.propose, cls.propose):
            cls._closed(cls.alice, cls.team, stage, july, won=False)
        cls._closed(cls.carol, cls.team, cls.won_stage, july)
        cls._closed(cls.admin, cls.env["crm.team"], cls.propose, july, won=False)
        # before the six months: not counted
        cls._closed(cls.bob, cls.team, cls.propose, datetime(2026, 2, 27), won=False)

        Period = cls.env["crm.appraisal.period"]
        cls.sept = Period.create({"period_type": "month", "date_from": date(2026, 9, 1)})
        cls.aug = Period.create({"period_type": "month", "date_from": date(2026, 8, 1)})
        cls._won(cls.alice, 20000, datetime(2026, 8, 20), datetime(2026, 9, 3))
        cls._lost(cls.alice, datetime(2026, 8, 20), datetime(2026, 9, 4))
        for user, day in (
            *((cls.alice, date(2026, 9, day)) for day in (1, 2, 7, 8)),
            *((cls.alice, date(2026, 8, day)) for day in (11, 12, 13, 14, 17, 18, 19, 31)),
            (cls.bob, date(2026, 9, 2)),
            *((cls.bob, date(2026, 8, 20)) for _n in range(3)),
        ):
            cls._meeting(user, day)
        cls.o1 = cls._open(cls.alice, cls.team, cls.propose, 30000, date(2026, 9, 20))
        cls.o2 = cls._open(cls.alice, cls.team, cls.qualify, 10000, date(2026, 9, 25))
        cls._open(cls.alice, cls.team, cls.propose, 50000, date(2026, 10, 5))  # closes in October
        cls._open(cls.alice, cls.team, cls.qualify, 70000, False)  # no expected closing
        cls.o5 = cls._open(cls.bob, cls.team, cls.propose, 14000, date(2026, 9, 15))
        cls.o6 = cls._open(cls.dave, cls.team_south, cls.propose, 8000, date(2026, 9, 28))
        cls._open(cls.carol, cls.team, cls.propose, 90000, date(2026, 9, 18))  # nobody appraised

        k = cls.kpi
        cls.plan = cls._plan(
            [
                (
                    k["won_revenue"],
                    50,
                    {"default_target": 50000, "is_completion_line": True, "alert_threshold": 95},
                ),
                (k["won_deals"], 10, {"default_target": 2}),
                (k["conversion_rate"], 20, {"default_target": 50}),
                (k["meetings"], 20, {"default_target": 10}),
            ],
            employees=cls.emp_alice.ids,
        )
        cls.env["crm.appraisal"]._generate(cls.aug)
        cls.plan.employee_ids = cls.emp_alice | cls.emp_bob | cls.emp_dave
        cls.appraisals = cls.env["crm.appraisal"]._generate(cls.sept)

    @classmethod
    def _closed(cls, user, team, stage, closed, won=True):
        created = closed - relativedelta(months=1)  # not a deal of the month it closed in
        lead = cls._lead(user, 1000, created, closed, stage_id=stage.id, team_id=team.id)
        if not won:
            lead.action_set_lost()
        lead.date_closed = closed
        return lead

    @classmethod
    def _meeting(cls, user, day):
        return cls.env["calendar.event"].create(
            {
                "name": "Visit",
                "user_id": user.id,
                "partner_ids": [(6, 0, [])],
                "start": datetime.combine(day, time(9)),
                "stop": datetime.combine(day, time(10)),
            }
        )

    @classmethod
    def _open(cls, user, team, stage, revenue, deadline):
        return cls._lead(
            user,
            revenue,
            datetime(2026, 8, 1),
            datetime(2026, 8, 1),
            stage_id=stage.id,
            team_id=team.id,
            date_deadline=deadline,
        )

    def appraisal(self, employee):
        return self.appraisals.filtered(lambda a: a.employee_id == employee)

    def forecast_of(self, employee, user=None):
        appraisal = self.appraisal(employee)
        with freeze_time(TODAY):
            return appraisal.with_user(user or employee.user_id)._forecast(date(2026, 9, 10))[appraisal.id]

    def line(self, forecast, employee, kpi):
        return forecast["lines"][self.line_of(self.appraisal(employee), self.kpi[kpi]).id]

    def test_alice_by_hand(self):
        forecast = self.forecast_of(self.emp_alice)
        revenue = self.line(forecast, self.emp_alice, "won_revenue")
        # 20 000 won + 30 000 x 4/6 (Propose) + 10 000 x 0.5 (Qualify) = 45 000 of 50 000
        self.assertEqual(
            (revenue["method"], revenue["actual"], revenue["pipeline"], revenue["forecast"]),
            ("won", 20000.0, 25000.0, 45000.0),
        )
        self.assertEqual(set(revenue["opportunity_ids"]), {self.o1.id, self.o2.id})
        self.assertAlmostEqual(revenue["achievement"], 90.0)
        self.assertEqual(revenue["status"], "off_track")  # under the line's alert threshold, 95 %
        revenue_line = self.line_of(self.appraisal(self.emp_alice), self.kpi["won_revenue"]).plan_line_id
        revenue_line.alert_threshold = 85  # saved after a forecast was made: the next one follows it
        self.assertEqual(
            self.line(self.forecast_of(self.emp_alice), self.emp_alice, "won_revenue")["status"], "at_risk"
        )
        deals = self.line(forecast, self.emp_alice, "won_deals")
        # 1 won + 4/6 + 1/2 = 13/6 of 2: 108.33 %
        self.assertAlmostEqual(deals["forecast"], 13 / 6)
        self.assertEqual(deals["status"], "on_track")
        conversion = self.line(forecast, self.emp_alice, "conversion_rate")
        # (1 + 7/6) won of (2 closed + 2 closing) = 54.17 %
        self.assertAlmostEqual(conversion["forecast"], 100 * (13 / 6) / 4)
        meetings = self.line(forecast, self.emp_alice, "meetings")
        # 4 meetings in 8 working days and 7 in August's last 14 (not the one on the 11th): 11 in
        # a month of 22 working days, 7 more in the 14 left
        self.assertEqual((meetings["method"], meetings["actual"], meetings["forecast"]), ("pace", 4.0, 11.0))
        self.assertAlmostEqual(meetings["pace"], 7.0)
        # 50 x 0.9 + 10 x 1.0833 + 20 x 54.17 / 50 (capped 1.2: 1.0833) + 20 x 1.1
        # = 45 + 10.83 + 21.67 + 22 = 99.5
        self.assertAlmostEqual(forecast["total_score"], 99.5, places=2)
        self.assertEqual(forecast["grade"], "A")

    def test_fallback_to_team_then_company(self):
        bob = self.line(self.forecast_of(self.emp_bob), self.emp_bob, "won_revenue")
        # no history of his own: North's Propose rate 5/7 x 14 000 = 10 000
        self.assertAlmostEqual(bob["pipeline"], 10000.0)
        self.assertEqual(bob["opportunity_ids"], (self.o5.id,))
        dave = self.line(self.forecast_of(self.emp_dave), self.emp_dave, "won_revenue")
        # South has no history either: the company's Propose rate 5/8 x 8 000 = 5 000
        self.assertAlmostEqual(dave["pipeline"], 5000.0)
        self.assertEqual(dave["status"], "off_track")  # 10 % of 50 000

    def test_only_own_opportunities_and_own_appraisal(self):
        forecast = self.forecast_of(self.emp_alice)
        counted = {i for line in forecast["lines"].values() for i in line["opportunity_ids"]}
        self.assertEqual(counted, {self.o1.id, self.o2.id}, "not Bob's, Dave's or Carol's")
        with freeze_time(TODAY):
            data = (
                self.env["crm.performance.dashboard"].with_user(self.alice).get_my_performance("2026-09-01")
            )
        self.assertEqual([a["id"] for a in data["appraisals"]], self.appraisal(self.emp_alice).ids)
        revenue = next(line for line in data["appraisals"][0]["lines"] if line["name"] == "Won revenue")
        self.assertEqual(
            {key: revenue["forecast"][key] for key in ("value", "actual", "pipeline", "opportunity_count")},
            {"value": 45000.0, "actual": 20000.0, "pipeline": 25000.0, "opportunity_count": 2},
        )
        self.assertAlmostEqual(data["appraisals"][0]["forecast"]["total_score"], 99.5, places=2)
        with self.assertRaises(AccessError), freeze_time(TODAY):
            self.appraisal(self.emp_bob).with_user(self.alice)._forecast(date(2026, 9, 10))

    def test_pay_parts_as_shares_of_the_pay_base(self):
        # the documented rule on the forecast total 99.5 and plan completion 90 % (won revenue):
        # base 50 %, plan completion 35 % x 0.9 = 31.5 %, daily work 15 % x 0.995 = 14.925 ->
        # 14.93 %, no over-plan bonus below 100 %: 96.43 % of the pay base
        expected = {"base": 50.0, "completion": 31.5, "daily": 14.93, "bonus": 0.0, "total": 96.43}
        self.assertEqual(self.forecast_of(self.emp_alice)["pay"], expected)
        with freeze_time(TODAY):
            dashboard = self.env["crm.performance.dashboard"]
            mine = dashboard.with_user(self.alice).get_my_performance("2026-09-01")
            board = dashboard.with_user(self.carol).get_team_board("2026-09-01")
        self.assertEqual(mine["appraisals"][0]["forecast"]["pay"], expected)
        self.assertAlmostEqual(mine["appraisals"][0]["forecast"]["completion_rate"], 90.0)
        members = {member["employee"]: member for member in board["members"]}
        self.assertEqual(members["Alice"]["forecast_pay"], expected)
        self.assertNotIn("Dave", members, "no pay share of someone the manager does not see")
        with self.assertRaises(AccessError), freeze_time(TODAY):
            dashboard.with_user(self.bob).get_team_board("2026-09-01")

    def test_own_pace_without_last_month(self):
        meetings = self.line(self.forecast_of(self.emp_bob), self.emp_bob, "meetings")
        # not appraised in August: his own pace, 1 meeting in 8 working days of 22 (not August's 3)
        self.assertEqual((meetings["actual"], meetings["forecast"]), (1.0, 2.75))
        # the same beside Alice, whose August completes her pace (as the team board forecasts them)
        both = self.appraisal(self.emp_alice) | self.appraisal(self.emp_bob)
        with freeze_time(TODAY):
            forecasts = both._forecast(date(2026, 9, 10))
        self.assertEqual(
            self.line(forecasts[self.appraisal(self.emp_bob).id], self.emp_bob, "meetings"), meetings
        )
        alice = self.line(self.forecast_of(self.emp_alice), self.emp_alice, "meetings")
        self.assertEqual(
            self.line(forecasts[self.appraisal(self.emp_alice).id], self.emp_alice, "meetings"), alice
        )

    def test_overdue_opportunities_count_as_often_as_slipped_deals_closed(self):
        """Opportunities expected on 10 May 2026 (in the six months before August): Carol's deals
        closed on 8 May (won), 10 May (lost), 14 May (won), 25 May (lost) and one still open: 2
        days early, on the day, 4 and 15 days late, never. Alice has one more in Propose, 12 000
        expected on 7 September, overdue on the 10th."""
        for closed, won in ((8, True), (10, False), (14, True), (25, False)):
            stage = self.won_stage if won else self.propose
            deal = self._closed(self.carol, self.team, stage, datetime(2026, 5, closed), won=won)
            deal.date_deadline = date(2026, 5, 10)
        self._open(self.carol, self.team, self.propose, 1000, date(2026, 5, 10))
        overdue = self._open(self.alice, self.team, self.propose, 12000, date(2026, 9, 7))

        forecast = self.forecast_of(self.emp_alice)
        revenue = self.line(forecast, self.emp_alice, "won_revenue")
        # due on the 20th and 25th: 3 of the 5 later than 10 / 15 days early closed by 10 / 5 days
        # late; overdue by 3 days: 2 of the 3 later than that closed within the 23 days left.
        # 20 000 + 30 000 x 4/6 x 3/5 + 10 000 x 1/2 x 3/5 + 12 000 x 4/6 x 2/3 = 40 333.33
        self.assertAlmostEqual(revenue["forecast"], 20000 + 12000 + 3000 + 16000 / 3)
        self.assertEqual(set(revenue["opportunity_ids"]), {self.o1.id, self.o2.id, overdue.id})
        conversion = self.line(forecast, self.emp_alice, "conversion_rate")
        # (1 + 4/6 x 3/5 + 1/2 x 3/5 + 4/6 x 2/3) won of (2 + 3/5 + 3/5 + 2/3) closed
        won, closed = 1 + 2 / 5 + 3 / 10 + 4 / 9, 2 + 6 / 5 + 2 / 3
        self.assertAlmostEqual(conversion["forecast"], 100 * won / closed)

        # the last day: nothing slipped or due can still close, the forecast is what was won
        with freeze_time("2026-09-30"):
            last_day = self.appraisal(self.emp_alice).with_user(self.alice)._forecast(date(2026, 9, 30))
        revenue = self.line(last_day[self.appraisal(self.emp_alice).id], self.emp_alice, "won_revenue")
        self.assertEqual((revenue["forecast"], revenue["opportunity_ids"]), (20000.0, ()))

    def test_deals_outside_the_pipeline_as_in_the_previous_months(self):
        """Bob, without a team, won two deals of 6 000 created on 15 June and closed on the 25th,
        and lost two created on 20 July and closed on the 28th: closed after the 10th of their
        month and not in that day's pipeline (created later; no expected closing), over the six
        months before September. Too few for his own win rates (North's still count)."""
        for _n in range(2):
            self._won(self.bob, 6000, datetime(2026, 6, 15), datetime(2026, 6, 25))
            self._lost(self.bob, datetime(2026, 7, 20), datetime(2026, 7, 28))
        forecast = self.forecast_of(self.emp_bob)
        revenue = self.line(forecast, self.emp_bob, "won_revenue")
        # 14 000 x 5/7 open + 12 000 / 6 months outside the pipeline
        self.assertEqual(
            (revenue["pipeline"], revenue["arriving"], revenue["forecast"]), (10000.0, 2000.0, 12000.0)
        )
        conversion = self.line(forecast, self.emp_bob, "conversion_rate")
        # (5/7 + 2/6) won of (1 + 4/6) closed
        self.assertAlmostEqual(conversion["forecast"], 100 * (5 / 7 + 1 / 3) / (1 + 2 / 3))
        # on the 25th: no win of June or July closed later in its month, two losses did (on
        # 28 July, outside the pipeline of the 25th: no expected closing)
        with freeze_time("2026-09-25"):
            late = self.appraisal(self.emp_bob).with_user(self.bob)._forecast(date(2026, 9, 25))
        late = late[self.appraisal(self.emp_bob).id]
        self.assertEqual(self.line(late, self.emp_bob, "won_revenue")["arriving"], 0.0)
        self.assertEqual(self.line(late, self.emp_bob, "won_deals")["arriving"], 0.0)
        # his opportunity expected on the 15th is overdue and no deal ever slipped: it counts no
        # more; 0 won of the 2/6 lost outside the pipeline
        conversion = self.line(late, self.emp_bob, "conversion_rate")
        self.assertEqual((conversion["forecast"], conversion["opportunity_ids"]), (0.0, ()))
        # the last day has no day left: nothing outside the pipeline either (not July's 31st);
        # nothing closed, nothing closing: no conversion rate, as the month stands
        with freeze_time("2026-09-30"):
            last = self.appraisal(self.emp_bob).with_user(self.bob)._forecast(date(2026, 9, 30))
        closed = self.line(last[self.appraisal(self.emp_bob).id], self.emp_bob, "conversion_rate")
        self.assertEqual((closed["arriving"], closed["forecast"]), (0.0, None))

    def test_drilldown_opens_the_opportunities_counted(self):
        line = self.line_of(self.appraisal(self.emp_alice), self.kpi["won_revenue"])
        with freeze_time(TODAY):
            action = line.with_user(self.alice).action_open_forecast()
        leads = self.env["crm.lead"].with_user(self.alice).search(action["domain"])
        self.assertEqual(leads, self.o1 | self.o2)

    def test_alert_follows_the_forecast(self):
        with freeze_time(TODAY):
            self.env["crm.appraisal"]._schedule_kpi_alerts(date(2026, 9, 10))
        alerts = self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.appraisal"),
                ("res_id", "in", self.appraisals.ids),
                ("activity_type_id", "=", self.env.ref("crm_performance.mail_activity_type_kpi_alert").id),
            ]
        )
        # threshold 95 %: Alice's forecast 90 %, Bob's 20 %, Dave's 10 %; the linear pace would
        # have called Alice ahead (20 000 of the 50 000 x 10/30 = 16 667 due)
        self.assertEqual(sorted(alerts.mapped("res_id")), sorted(self.appraisals.ids))

    def test_team_board_carries_the_forecast_of_whom_the_manager_sees(self):
        with freeze_time(TODAY):
            board = self.env["crm.performance.dashboard"].with_user(self.carol).get_team_board("2026-09-01")
        members = {member["employee"]: member for member in board["members"]}
        self.assertEqual(set(members), {"Alice", "Bob"}, "Dave is not Carol's")
        self.assertAlmostEqual(members["Alice"]["forecast_total"], 99.5, places=2)
        self.assertEqual(members["Alice"]["forecast_grade"], "A")
        revenue_line = self.plan.line_ids.filtered(lambda line: line.kpi_id == self.kpi["won_revenue"])
        bob = members["Bob"]["lines"][revenue_line.id]["forecast"]
        # no win of his own yet: 10 000 expected of 50 000
        self.assertEqual((bob["value"], bob["opportunity_count"], bob["status"]), (10000.0, 1, "off_track"))

    def test_the_month_keeps_its_history_for_every_server_process(self):
        """The daily job stores the running month's history on the month and forecasts read it
        there: a past deal changed since does not move them (as it would, each server process
        computing the history when its cache is cleared)."""
        with freeze_time(TODAY):
            self.env["crm.appraisal"]._cron_generate()
        quarter = self.env["crm.appraisal.period"].search([("code", "=", "2026-Q3")])
        self.assertTrue(self.sept.forecast_history)
        self.assertFalse(quarter.forecast_history, "only months have a forecast")
        # Bob loses a deal in Propose in July: North's Propose rate would become 5/8
        self._closed(self.bob, self.team, self.propose, datetime(2026, 7, 8), won=False)
        self.env.registry.clear_cache()
        bob = self.line(self.forecast_of(self.emp_bob), self.emp_bob, "won_revenue")
        self.assertAlmostEqual(bob["pipeline"], 10000.0, msg="stored: 5/7 x 14 000")
        self.sept.forecast_history = False
        self.env.registry.clear_cache()
        bob = self.line(self.forecast_of(self.emp_bob), self.emp_bob, "won_revenue")
        self.assertAlmostEqual(bob["pipeline"], 8750.0, msg="computed: 5/8 x 14 000")

    def test_the_stored_history_is_the_administrators(self):
        with self.assertRaises(AccessError):
            self.sept.with_user(self.alice).read(["forecast_history"])
        with self.assertRaises(AccessError):
            self.sept.with_user(self.alice)._store_forecast_history()
        self.assertFalse(self.sept.forecast_history, "nothing stored")

    def test_the_day_is_stored_for_every_server_process(self):
        """The daily job stores on the month what the forecasts read that stays the same all day
        (deals expected outside the pipeline, last month's pace) for every salesperson
        appraised; forecasts read it on that day, and only that day, with the same figures."""
        for _n in range(2):
            self._won(self.bob, 6000, datetime(2026, 6, 15), datetime(2026, 6, 25))
        with freeze_time(TODAY):
            computed = self.appraisals._forecast(date(2026, 9, 10))
            self.env["crm.appraisal"]._cron_generate()
        self.assertEqual(self.sept.forecast_day["day"], TODAY)
        self.assertEqual(self.sept.forecast_day["user_ids"], sorted((self.alice | self.bob | self.dave).ids))
        with freeze_time(TODAY):
            self.assertEqual(self.appraisals._forecast(date(2026, 9, 10)), computed, "the same figures")

        # later that day, Bob wins one more June deal and Alice holds one more August meeting in
        # the last 14 working days: the day's forecasts keep what was stored
        self._won(self.bob, 6000, datetime(2026, 6, 15), datetime(2026, 6, 25))
        self._meeting(self.alice, date(2026, 8, 28))
        self.env.registry.clear_cache()
        bob = self.line(self.forecast_of(self.emp_bob), self.emp_bob, "won_revenue")
        self.assertEqual(bob["arriving"], 2000.0, "stored: 12 000 / 6 months")
        meetings = self.line(self.forecast_of(self.emp_alice), self.emp_alice, "meetings")
        self.assertEqual(
            meetings["forecast"],
            self.line(computed[self.appraisal(self.emp_alice).id], self.emp_alice, "meetings")["forecast"],
        )

        # the next day reads them again (until the job stores that day)
        with freeze_time("2026-09-11"):
            appraisal = self.appraisal(self.emp_bob)
            bob = appraisal.with_user(self.bob)._forecast(date(2026, 9, 11))[appraisal.id]
        self.assertEqual(self.line(bob, self.emp_bob, "won_revenue")["arriving"], 3000.0, "18 000 / 6")

        # someone appraised since the job ran: their forecast reads their own now
        self._won(self.carol, 6000, datetime(2026, 6, 15), datetime(2026, 6, 25))
        self.plan.employee_ids |= self.emp_carol
        carol = self.env["crm.appraisal"]._generate(self.sept)
        forecast = carol.with_user(self.carol)._forecast(date(2026, 9, 10))[carol.id]
        revenue = forecast["lines"][self.line_of(carol, self.kpi["won_revenue"]).id]
        self.assertEqual(revenue["arriving"], 1000.0, "6 000 / 6 months, not stored")

        # the month's last day reads nothing stored: the job drops it
        with freeze_time("2026-09-30"):
            self.env["crm.appraisal"]._cron_generate()
        self.assertFalse(self.sept.forecast_day)

    def test_a_kpi_saved_drops_the_stored_days(self):
        """The stored pace measured the KPIs as they were: saving a KPI's definition drops the
        days stored and wakes the daily job up to store them again."""
        with freeze_time(TODAY):
            self.env["crm.appraisal"]._cron_generate()
        self.assertTrue(self.sept.forecast_day)
        job = self.env.ref("crm_performance.ir_cron_crm_appraisal_generate")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", job.id)])
        meetings = self.kpi["meetings"].with_user(self.admin)  # the Performance Administrator
        meetings.name = "Visits"
        self.assertTrue(self.sept.forecast_day, "a name changes no figure")
        meetings.domain = "[('name', '=', 'Visit')]"
        self.assertFalse(self.sept.forecast_day)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", job.id)]), triggers + 1)

    def test_the_stored_day_is_the_administrators(self):
        with self.assertRaises(AccessError):
            self.sept.with_user(self.alice).read(["forecast_day"])
        with self.assertRaises(AccessError):
            self.sept.with_user(self.alice)._store_forecast_day(date(2026, 9, 10))
        self.assertFalse(self.sept.forecast_day, "nothing stored")

    def test_queries_do_not_grow_with_the_salespeople(self):
        counts = []
        for appraisals in (self.appraisal(self.emp_alice), self.appraisals):
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.registry.clear_cache()  # the month's history is computed again
            start = self.env.cr.sql_log_count
            forecasts = appraisals._forecast(date(2026, 9, 10))
            counts.append(self.env.cr.sql_log_count - start)
            self.assertEqual(len(forecasts), len(appraisals))
        self.assertEqual(counts[0], counts[1])
