from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestCompute(PerformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        k = cls.kpi
        cls.plan = cls._plan(
            [
                (k["won_revenue"], 40, {"default_target": 50000, "is_completion_line": True}),
                (k["conversion_rate"], 20, {"default_target": 50, "floor": 50}),
                (k["days_to_close"], 10, {"default_target": 12, "cap": 150}),
                (k["attendance"], 20, {}),
                (k["weekly_reports"], 10, {"max_points": 10}),
            ]
        )
        cls.appraisals = cls.env["crm.appraisal"]._generate(cls.march)
        cls.alice_m = cls.appraisals.filtered(lambda a: a.employee_id == cls.emp_alice)
        cls.bob_m = cls.appraisals.filtered(lambda a: a.employee_id == cls.emp_bob)

    def test_generated_once_per_employee(self):
        self.assertEqual(self.appraisals.employee_id, self.emp_alice | self.emp_bob)
        self.assertEqual(len(self.alice_m.line_ids), 5)
        self.assertFalse(self.env["crm.appraisal"]._generate(self.march), "a second run creates nothing")
        self.assertEqual(self.alice_m.team_id, self.team)
        self.assertEqual(self.alice_m.manager_id, self.emp_carol)

    def test_measured_lines(self):
        """Actual, target, achievement and score of every measured line, by hand."""
        k = self.kpi
        revenue = self.line_of(self.alice_m, k["won_revenue"])
        self.assertEqual((revenue.actual, revenue.target), (40000, 50000))
        self.assertAlmostEqual(revenue.achievement, 80.0)
        self.assertAlmostEqual(revenue.score, 80.0)
        self.assertAlmostEqual(revenue.weighted_score, 32.0)
        conversion = self.line_of(self.alice_m, k["conversion_rate"])
        self.assertAlmostEqual(conversion.actual, 200 / 3)  # 2 won of 3 closed
        self.assertEqual(conversion.achievement, 133.33, "stored with 2 decimals")
        self.assertAlmostEqual(conversion.score, 120.0, msg="capped at 120 %")
        days = self.line_of(self.alice_m, k["days_to_close"])
        self.assertAlmostEqual(days.actual, 11.5)  # (13 + 10) / 2
        self.assertEqual(days.score, 104.35, "lower is better: 100 x target / actual = 100 x 12 / 11.5")
        bob_conversion = self.line_of(self.bob_m, k["conversion_rate"])
        self.assertAlmostEqual(bob_conversion.actual, 25.0)
        self.assertAlmostEqual(bob_conversion.score, 50.0, msg="exactly at the 50 % floor still scores")

    def test_totals_grade_completion_rank(self):
        k = self.kpi
        self.line_of(self.alice_m, k["attendance"]).occurrences = 1.5  # counts as 2 days: 100 - 8
        self.line_of(self.alice_m, k["weekly_reports"]).manual_points = 8
        # 32 + 24 + 10 x (12 / 11.5) + 20 x 92 % + 10 x 8 / 10, the sum of the weighted scores shown
        self.assertEqual(self.line_of(self.alice_m, k["days_to_close"]).weighted_score, 10.43)
        self.assertAlmostEqual(self.alice_m.total_score, 32 + 24 + 10.43 + 18.4 + 8, places=6)
        self.assertEqual(self.alice_m.grade, "A")
        self.assertAlmostEqual(self.alice_m.completion_rate, 80.0)
        deduction = self.line_of(self.alice_m, k["attendance"])
        self.assertEqual((deduction.actual, deduction.score), (2.0, 92.0), "2 days counted")
        self.assertEqual(deduction.note, "1.5 entered, counted as 2")
        # Bob, nothing entered: attendance and weekly report score nothing and say so
        # 40 x 10 % + 20 x 50 % + 10 x 120 % = 26
        self.assertAlmostEqual(self.bob_m.total_score, 26.0)
        for kpi in (k["attendance"], k["weekly_reports"]):
            line = self.line_of(self.bob_m, kpi)
            self.assertEqual(
                (line.entered, line.has_data, line.score, line.note), (False, False, 0, "Not entered")
            )
        self.line_of(self.bob_m, k["attendance"]).occurrences = 0  # 0 days absent is a value
        self.line_of(self.bob_m, k["weekly_reports"]).entered = True  # 0 points, confirmed
        # + 20 x 100 % + 0 = 46
        self.assertAlmostEqual(self.bob_m.total_score, 46.0)
        self.assertEqual(self.bob_m.grade, "D")
        self.assertAlmostEqual(self.bob_m.completion_rate, 10.0)
        self.assertEqual((self.alice_m.rank, self.bob_m.rank, self.bob_m.rank_count), (1, 2, 2))

    def test_employee_target_overrides_default(self):
        self.env["crm.kpi.target"].create(
            {
                "kpi_id": self.kpi["won_revenue"].id,
                "period_id": self.march.id,
                "employee_id": self.emp_bob.id,
                "value": 4000,
            }
        )
        self.bob_m.action_compute()
        revenue = self.line_of(self.bob_m, self.kpi["won_revenue"])
        self.assertEqual(revenue.target, 4000)
        self.assertAlmostEqual(revenue.achievement, 125.0)
        self.assertAlmostEqual(revenue.score, 120.0)
        self.assertAlmostEqual(self.bob_m.completion_rate, 125.0, msg="completion is not capped")

    def test_drill_down_opens_the_counted_records(self):
        action = self.line_of(self.alice_m, self.kpi["won_revenue"]).action_open_records()
        leads = self.env["crm.lead"].search(action["domain"])
        self.assertEqual(sorted(leads.mapped("expected_revenue")), [10000, 30000])

    def test_ratio_drill_down_opens_both_sides(self):
        """Bob's conversion rate is 25 %: 1 won deal (5 000) of his 4 closed ones (3 lost)."""
        line = self.line_of(self.bob_m, self.kpi["conversion_rate"])
        self.assertEqual(line.actual, 25.0)
        Lead = self.env["crm.lead"]
        won = line.action_open_records()
        self.assertEqual(Lead.search(won["domain"]).mapped("expected_revenue"), [5000])
        self.assertEqual(won["name"], "Conversion rate: Won deals – Bob – March 2025")
        closed = line.action_open_denominator_records()
        self.assertEqual(sorted(Lead.search(closed["domain"]).mapped("expected_revenue")), [0, 0, 0, 5000])
        self.assertEqual(closed["name"], "Conversion rate: Closed deals (won or lost) – Bob – March 2025")
        self.assertEqual(line.action_open_records("denominator")["domain"], closed["domain"])
        with self.assertRefused(UserError, "numerator or of the denominator"):
            line.action_open_records("everything")

    def test_no_target_and_no_data(self):
        self.line_of(self.alice_m, self.kpi["won_revenue"]).plan_line_id.default_target = 0
        self.alice_m.action_compute()
        revenue = self.line_of(self.alice_m, self.kpi["won_revenue"])
        self.assertEqual((revenue.score, revenue.note), (0.0, "No target"))

    def test_datetime_boundaries_follow_company_timezone(self):
        """A deal won at 17:00 UTC on 28 Feb is 1 March 01:00 in Shanghai."""
        self._won(self.bob, 700, datetime(2025, 2, 1), datetime(2025, 2, 28, 17, 0))
        self.bob_m.action_compute()
        self.assertEqual(self.line_of(self.bob_m, self.kpi["won_revenue"]).actual, 5000)
        self.company.partner_id.tz = "Asia/Shanghai"
        self.bob_m.action_compute()
        self.assertEqual(self.line_of(self.bob_m, self.kpi["won_revenue"]).actual, 5700)

    def test_query_count_does_not_grow_with_employees(self):
        """Generating and computing 2 or 6 employees' appraisals cost the same queries."""
        users = self.env["res.users"].create([{"name": f"Rep {i}", "login": f"rep{i}"} for i in range(4)])
        reps = self.env["hr.employee"].create([{"name": u.name, "user_id": u.id} for u in users])
        april, may, june = self.env["crm.appraisal.period"].create(
            [{"period_type": "month", "date_from": date(2025, month, 1)} for month in (4, 5, 6)]
        )
        self.env["crm.appraisal"]._generate(april)  # warm the registry caches (ormcache)
        counts = []
        for period, employees in ((may, self.env["hr.employee"]), (june, reps)):
            self.plan.employee_ids |= employees
            count, appraisals = self._month_queries(period)
            counts.append(count)
            self.assertEqual(len(appraisals), 2 + len(employees))
        self.assertEqual(counts[0], counts[1])

    def test_generation_stores_what_create_stores(self):
        """The one-statement insert of _generate stores every column as create() would."""
        april = self.env["crm.appraisal.period"].create(
            {"period_type": "month", "date_from": date(2025, 4, 1)}
        )
        Appraisal = self.env["crm.appraisal"]
        generated = Appraisal._generate(april).filtered(lambda a: a.employee_id == self.emp_alice)
        stored = self._stored(generated)
        self.assertEqual(stored[0]["name"], "Alice – 2025-04 – Test plan")
        self.assertEqual(
            [stored[0][f] for f in ("team_id", "manager_id", "state")],
            [self.team.id, self.emp_carol.id, "draft"],
        )
        self.assertEqual(len(stored[1]), 5)
        self.assertGreater(stored[0]["total_score"], 0, "scored at generation: 99 999 won on 1 April")
        generated.unlink()
        created = Appraisal.create(
            {"employee_id": self.emp_alice.id, "period_id": april.id, "plan_id": self.plan.id}
        )
        created._compute_scores()
        self.assertEqual(self._stored(created), stored)

    def _stored(self, appraisal):
        """Every column of the appraisal and of its lines (in their order), ids aside, and
        whether it was computed (its wall-clock time may differ by a second)."""
        self.env.flush_all()
        self.env.cr.execute("SELECT * FROM crm_appraisal WHERE id = %s", [appraisal.id])
        columns = [c.name for c in self.env.cr.description]
        row = dict(zip(columns, self.env.cr.fetchone(), strict=True))
        self.env.cr.execute(
            "SELECT * FROM crm_appraisal_line WHERE appraisal_id = %s ORDER BY sequence, id", [appraisal.id]
        )
        columns = [c.name for c in self.env.cr.description]
        lines = [dict(zip(columns, values, strict=True)) for values in self.env.cr.fetchall()]
        for values in [row, *lines]:
            values.pop("id")
            values.pop("appraisal_id", None)
        row["computed_at"] = bool(row["computed_at"])
        return row, lines

    def test_lines_leave_room_for_their_updates(self):
        """Line pages are filled to 70 %: a recompute's new row versions stay on their page."""
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE oid = 'crm_appraisal_line'::regclass")
        self.assertEqual(self.env.cr.fetchone()[0], ["fillfactor=70"])

    def test_recompute_rewrites_only_changed_lines(self):
        """A recompute leaves unchanged lines alone and rewrites the one a new deal changes."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_appraisal_line SET write_date = '2025-01-01' WHERE appraisal_id = ANY(%s)",
            [self.appraisals.ids],
        )
        self.env.invalidate_all()
        self.appraisals._compute_scores()
        self.env.flush_all()
        self.assertEqual(set(self.appraisals.line_ids.mapped("write_date")), {datetime(2025, 1, 1)})
        self._won(self.bob, 800, datetime(2025, 3, 1), datetime(2025, 3, 20))
        self.appraisals._compute_scores()
        self.env.flush_all()
        changed = self.appraisals.line_ids.filtered(lambda line: line.write_date != datetime(2025, 1, 1))
        # Bob's won revenue (5000 + 800), conversion (2 won of 5 closed), days to close (10 + 19) / 2
        self.assertEqual(changed.mapped("actual"), [5800.0, 40.0, 14.5])
        self.assertEqual(changed.appraisal_id, self.bob_m)
