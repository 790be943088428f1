from datetime import date, datetime

from psycopg2.errors import UniqueViolation

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PerformanceCase

USERS = ["alice", "bob"]


@tagged("post_install", "-at_install")
class TestMeasureModes(PerformanceCase):
    """Every measure mode over the March 2025 fixture, {salesperson: value} by hand."""

    def measure(self, kpi, start=date(2025, 3, 1), end=date(2025, 3, 31)):
        values = kpi._measure(start, end, self.company, {self.alice.id, self.bob.id})
        return {login: values.get(getattr(self, login).id) for login in USERS}

    def field(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    def source_kpi(self, **values):
        return self.env["crm.kpi.definition"].create(
            {
                "name": "Test",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "date_field_id": self.field("crm.lead", "date_closed").id,
                "user_field_id": self.field("crm.lead", "user_id").id,
                "domain": "[('won_status', '=', 'won')]",
                **values,
            }
        )

    def test_count_and_sum(self):
        self.assertEqual(self.measure(self.kpi["won_deals"]), {"alice": 2.0, "bob": 1.0})
        self.assertEqual(self.measure(self.kpi["won_revenue"]), {"alice": 40000.0, "bob": 5000.0})

    def test_average_of_a_field(self):
        kpi = self.source_kpi(measure_mode="average", field_id=self.field("crm.lead", "expected_revenue").id)
        self.assertEqual(self.measure(kpi), {"alice": 20000.0, "bob": 5000.0})
        self.assertEqual(
            self.measure(kpi, date(2025, 5, 1), date(2025, 5, 31)), {"alice": None, "bob": None}, "no data"
        )

    def test_average_duration_in_days_and_hours(self):
        self.assertEqual(self.measure(self.kpi["days_to_close"]), {"alice": 11.5, "bob": 10.0})
        self.kpi["days_to_close"].duration_unit = "hours"
        self.assertEqual(self.measure(self.kpi["days_to_close"]), {"alice": 276.0, "bob": 240.0})

    def test_ratio_and_zero_denominator(self):
        values = self.measure(self.kpi["conversion_rate"])
        self.assertAlmostEqual(values["alice"], 200 / 3)
        self.assertAlmostEqual(values["bob"], 25.0)
        self.assertEqual(self.measure(self.kpi["lost_rate"])["bob"], 75.0)
        empty = self.measure(self.kpi["conversion_rate"], date(2025, 6, 1), date(2025, 6, 30))
        self.assertEqual(empty, {"alice": None, "bob": None}, "nothing closed: no rate, not 0 %")

    def test_growth_vs_previous_and_last_year(self):
        growth = self.kpi["revenue_growth"]
        self.assertEqual(self.measure(growth), {"alice": 100.0, "bob": None})  # 40 000 vs 20 000; Bob had 0
        growth.growth_compare = "last_year"
        self.assertEqual(self.measure(growth), {"alice": 300.0, "bob": None})  # vs 10 000 in March 2024

    def test_quarter_growth_compares_with_previous_quarter(self):
        growth = self.kpi["revenue_growth"]
        self.assertEqual(
            growth._compared_span(date(2025, 4, 1), date(2025, 6, 30)), (date(2025, 1, 1), date(2025, 3, 31))
        )
        self.assertEqual(
            growth._compared_span(date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 2, 1), date(2025, 2, 28))
        )

    def test_counts_of_the_standard_catalogue_on_other_models(self):
        lead = self._lead(self.alice, 0, datetime(2025, 3, 1), datetime(2025, 3, 1))
        for _i in range(3):
            lead.activity_schedule("mail.mail_activity_data_call", user_id=self.alice.id).action_feedback(
                "done"
            )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_activity SET date_done = '2025-03-10' WHERE res_model = 'crm.lead' AND res_id = %s",
            (lead.id,),
        )
        self.env.invalidate_all()
        self.assertEqual(self.measure(self.kpi["followups_done"]), {"alice": 3.0, "bob": 0.0})
        self.env["calendar.event"].create(
            [
                {
                    "name": "Visit",
                    "user_id": self.bob.id,
                    "start": datetime(2025, 3, 3, 9),
                    "stop": datetime(2025, 3, 3, 10),
                },
                {
                    "name": "Visit",
                    "user_id": self.bob.id,
                    "start": datetime(2025, 4, 3, 9),
                    "stop": datetime(2025, 4, 3, 10),
                },
            ]
        )
        self.assertEqual(self.measure(self.kpi["meetings"]), {"alice": 0.0, "bob": 1.0})
        customer = self.env["res.partner"].create({"name": "ACME", "user_id": self.alice.id})
        self.env.cr.execute("UPDATE res_partner SET create_date = '2025-03-04' WHERE id = %s", (customer.id,))
        self.assertEqual(self.measure(self.kpi["new_customers"]), {"alice": 1.0, "bob": 0.0})

    def test_first_follow_up_is_stamped_once(self):
        lead = self._lead(self.alice, 0, datetime(2025, 3, 1), datetime(2025, 3, 1))
        lead.activity_schedule("mail.mail_activity_data_call", user_id=self.alice.id).action_feedback(
            "called"
        )
        first = lead.first_followup_date
        self.assertTrue(first)
        lead.activity_schedule("mail.mail_activity_data_call", user_id=self.alice.id).action_feedback("again")
        self.assertEqual(lead.first_followup_date, first)


@tagged("post_install", "-at_install")
class TestRules(PerformanceCase):
    """Banded tables, lower-is-better with an actual of 0, deduction and manual rules."""

    def test_banded_rule(self):
        plan = self._plan(
            [
                (
                    self.kpi["won_revenue"],
                    100,
                    {
                        "scoring_rule": "banded",
                        "default_target": 50000,
                        "band_ids": [
                            (0, 0, {"min_achievement": m, "points": p})
                            for m, p in ((100, 100), (80, 70), (50, 40))
                        ],
                    },
                )
            ]
        )
        appraisals = self.env["crm.appraisal"]._generate(self.march)
        by_login = {a.user_id.login: a for a in appraisals}
        self.assertEqual(by_login["perf_alice"].total_score, 70.0)  # 80 % reaches the 80 % band
        self.assertEqual(by_login["perf_bob"].total_score, 0.0)  # 10 % reaches no band
        self.assertEqual(plan.line_ids.scoring_rule, "banded")

    def test_lower_is_better_with_nothing_lost_gets_the_cap(self):
        self._won(self.alice, 1, datetime(2025, 4, 1), datetime(2025, 4, 2))
        april = self.env["crm.appraisal.period"].create({"date_from": date(2025, 4, 1)})
        self._plan(
            [(self.kpi["lost_rate"], 100, {"default_target": 20, "cap": 150})], employees=self.emp_alice.ids
        )
        appraisal = self.env["crm.appraisal"]._generate(april)
        line = appraisal.line_ids
        self.assertEqual((line.actual, line.has_data, line.score), (0.0, True, 150.0))

    def test_deduction_and_manual(self):
        self._plan(
            [(self.kpi["attendance"], 70, {}), (self.kpi["weekly_reports"], 30, {"max_points": 20})],
            employees=self.emp_alice.ids,
        )
        appraisal = self.env["crm.appraisal"]._generate(self.march)
        attendance = self.line_of(appraisal, self.kpi["attendance"])
        self.assertEqual(
            (attendance.score, attendance.note), (0.0, "Not entered"), "not 100: nothing entered"
        )
        attendance.occurrences = 0
        self.assertEqual((attendance.score, attendance.note), (100.0, False), "nobody absent")
        attendance.occurrences = 0.5  # half a day counts as a day
        self.assertEqual((attendance.score, attendance.actual, attendance.occurrences), (96.0, 1.0, 0.5))
        attendance.occurrences = 30  # floor at 0
        self.assertEqual(attendance.score, 0.0)
        self.line_of(appraisal, self.kpi["weekly_reports"]).manual_points = 15
        self.assertEqual(appraisal.total_score, 22.5)  # 70 x 0 + 30 x 15 / 20


@tagged("post_install", "-at_install")
class TestRollup(PerformanceCase):
    """Quarter = months of the span; January missing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(
            [(cls.kpi["weekly_reports"], 100, {"max_points": 100})], employees=cls.emp_alice.ids
        )
        for period, points in ((cls.feb, 90), (cls.march, 60)):
            cls.env["crm.appraisal"]._generate(period).line_ids.manual_points = points
        cls.quarter = cls.env["crm.appraisal.period"].create(
            {"period_type": "quarter", "date_from": date(2025, 1, 1)}
        )

    def test_missing_month_counts_as_zero(self):
        quarter = self.env["crm.appraisal"]._generate(self.quarter)
        self.assertEqual(
            (quarter.month_count, quarter.months_present, quarter.missing_months), (3, 2, "2025-01")
        )
        self.assertEqual(quarter.total_score, 50.0)  # (90 + 60 + 0) / 3
        self.assertEqual(quarter.grade, "D")
        self.assertFalse(quarter.line_ids)

    def test_missing_month_left_out(self):
        self.plan.rollup_missing = "skip"
        quarter = self.env["crm.appraisal"]._generate(self.quarter)
        self.assertEqual(quarter.total_score, 75.0)  # (90 + 60) / 2
        self.assertEqual(quarter.missing_months, "2025-01", "still shown")

    def test_year_follows_monthly_changes(self):
        year = self.env["crm.appraisal.period"].create({"period_type": "year", "date_from": date(2025, 1, 1)})
        annual = self.env["crm.appraisal"]._generate(year)
        self.assertEqual(annual.total_score, 12.5)  # 150 / 12
        march = self.env["crm.appraisal"].search([("period_id", "=", self.march.id)])
        march.line_ids.manual_points = 90
        annual._compute_scores()
        self.assertEqual(annual.total_score, 15.0)  # 180 / 12


@tagged("post_install", "-at_install")
class TestTargets(PerformanceCase):
    def test_split_team_target(self):
        Target = self.env["crm.kpi.target"]
        team_target = Target.create(
            {
                "kpi_id": self.kpi["won_revenue"].id,
                "period_id": self.march.id,
                "target_type": "team",
                "team_id": self.team.id,
                "value": 80000,
                "split_mode": "equal",
            }
        )
        team_target.action_split()
        split = Target.search([("parent_id", "=", team_target.id)])
        self.assertEqual(sorted(split.mapped("value")), [40000, 40000])
        team_target.write({"split_mode": "weight"})
        team_target.action_split()  # weights 3 : 1, existing rows updated, none added
        split = Target.search([("parent_id", "=", team_target.id)])
        self.assertEqual({t.employee_id.name: t.value for t in split}, {"Alice": 60000, "Bob": 20000})

    def test_target_unique_per_subject(self):
        values = {
            "kpi_id": self.kpi["won_deals"].id,
            "period_id": self.march.id,
            "employee_id": self.emp_alice.id,
            "value": 3,
        }
        self.env["crm.kpi.target"].create(values)
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["crm.kpi.target"].create(values)
