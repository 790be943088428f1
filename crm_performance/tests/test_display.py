from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import AppraisalCase


@tagged("post_install", "-at_install")
class TestLineDisplay(AppraisalCase):
    """What the lists and the form show of a line: units, integers, gap in words, state."""

    def _read(self, appraisal, kpi, *fields):
        """The line's ``fields`` as its employee reads them."""
        return self.line_of(appraisal, kpi).with_user(appraisal.user_id).read(fields)[0]

    @freeze_time("2025-03-16")
    def test_alice_march(self):
        self.company.currency_id.write({"symbol": "¥", "position": "before"})
        fields = (
            "weight_display",
            "target_display",
            "actual_display",
            "gap_display",
            "achievement_display",
            "status",
        )
        self.assertEqual(
            {
                key: value
                for key, value in self._read(self.alice_march, self.kpi["won_revenue"], *fields).items()
                if key != "id"
            },
            {
                "weight_display": "70%",
                "target_display": "¥ 50,000",
                "actual_display": "¥ 40,000",
                "gap_display": "¥ 10,000 to go",
                "achievement_display": "80%",
                "status": "on_track",
            },
        )
        days = self._read(self.alice_march, self.kpi["days_to_close"], *fields)
        self.assertEqual(
            (days["target_display"], days["actual_display"], days["gap_display"], days["status"]),
            ("12.0 days", "11.5 days", "0.5 days under target", "reached"),
        )
        self.assertEqual(days["achievement_display"], "104.4%")
        bob_days = self._read(self.appraisal["Bob", self.march], self.kpi["days_to_close"], "gap_display")
        self.assertEqual(bob_days["gap_display"], "2.0 days under target")
        reports = self._read(self.alice_march, self.kpi["weekly_reports"], *fields)
        self.assertEqual(
            (reports["weight_display"], reports["target_display"], reports["gap_display"], reports["status"]),
            ("10%", False, False, "not_entered"),
        )
        self.line_of(self.alice_march, self.kpi["weekly_reports"]).manual_points = 7.5
        reports = self._read(self.alice_march, self.kpi["weekly_reports"], "actual_display")
        self.assertEqual(reports["actual_display"], "7.5 / 10 points")

    def test_counts_are_integers_and_lower_is_better_behind(self):
        """Won deals count (Alice 2, target 4), days to close over a target of 10 days."""
        plan = self._plan(
            [
                (self.kpi["won_deals"], 50, {"default_target": 4}),
                (self.kpi["days_to_close"], 50, {"default_target": 10}),
            ],
            name="Counts",
            employees=self.emp_alice.ids,
        )
        appraisal = self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == plan)
        deals = self._read(
            appraisal, self.kpi["won_deals"], "target_display", "actual_display", "gap_display"
        )
        self.assertEqual(
            (deals["target_display"], deals["actual_display"], deals["gap_display"]), ("4", "2", "2 to go")
        )
        days = self._read(appraisal, self.kpi["days_to_close"], "gap_display", "status")
        self.assertEqual((days["gap_display"], days["status"]), ("1.5 days over target", "behind"))

    def test_input_scores_while_typing(self):
        """One Input column: 8 points of 10 score 80 as soon as they are typed, saved as points."""
        with Form(self.alice_march.with_user(self.carol)) as form:
            reports = next(
                i
                for i, line in enumerate(self.alice_march.line_ids)
                if line.kpi_id == self.kpi["weekly_reports"]
            )
            with form.line_ids.edit(reports) as line:
                line.entry = 8
                self.assertEqual((line.score, line.weighted_score), (80, 8))
            self.assertAlmostEqual(form.total_score, 84.87, msg="the total follows before saving")
            self.assertEqual(form.grade, "B")
        line = self.line_of(self.alice_march, self.kpi["weekly_reports"])
        self.assertEqual((line.manual_points, line.entry, line.score), (8, 8, 80))
        self.assertAlmostEqual(self.alice_march.total_score, 84.87)

    def test_input_of_a_deduction(self):
        attendance = self._plan(
            [(self.kpi["attendance"], 100, {"max_points": 100, "penalty": 4})],
            name="Attendance",
            employees=self.emp_alice.ids,
        )
        appraisal = (
            self.env["crm.appraisal"]._generate(self.march).filtered(lambda a: a.plan_id == attendance)
        )
        line = appraisal.line_ids
        line.with_user(self.carol).entry = 1.5
        self.assertEqual((line.occurrences, line.score, appraisal.total_score), (1.5, 92, 92))


@tagged("post_install", "-at_install")
class TestAppraisalName(AppraisalCase):
    """An appraisal's name is built from its parts in the reader's language."""

    def test_name_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.plan.with_context(lang="zh_CN").name = "销售"
        zh = self.alice_march.with_context(lang="zh_CN")
        self.assertEqual(zh.display_name, "Alice – 2025年3月 – 销售")
        self.assertEqual(
            self.alice_march.with_context(lang="en_US").display_name, "Alice – March 2025 – Sales"
        )
        self.assertEqual(self.alice_march.name, "Alice – 2025-03 – Sales", "the stored name searched stays")
        self.assertEqual(
            self.env["crm.appraisal"]
            .with_context(lang="zh_CN")
            .search([("display_name", "ilike", "Alice – 2025-03")]),
            self.alice_march,
        )
        Period = self.env["crm.appraisal.period"]
        quarter = Period.create({"period_type": "quarter", "date_from": "2025-01-01"})
        year = Period.create({"period_type": "year", "date_from": "2025-01-01", "name": "FY 2025"})
        self.assertEqual(
            [quarter.with_context(lang=lang).display_name for lang in ("en_US", "zh_CN")],
            ["Q1 2025", "2025年第1季度"],
        )
        self.assertEqual(
            year.with_context(lang="zh_CN").display_name, "FY 2025", "a name typed by hand is kept"
        )
        # the dashboard reads in the language the web client sends
        dashboard = self.env["crm.performance.dashboard"].with_user(self.alice).with_context(lang="zh_CN")
        data = dashboard.get_my_performance("2025-03-01")
        self.assertEqual(data["appraisals"][0]["name"], "Alice – 2025年3月 – 销售")
