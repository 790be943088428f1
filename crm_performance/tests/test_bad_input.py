import math

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PerformanceCase

MALFORMED_DOMAINS = [
    "[('won_status', '=='",  # not Python
    "[('no_such_field', '=', 1)]",  # unknown field
    "[('won_status', 'like like', 'won')]",  # unknown operator
    "[('user_id.no_such_field', '=', 1)]",  # unknown path
    "__import__('os').system('true')",  # not a domain, and not allowed
    "{'a': 1}",  # a dict
    "[1, 2, 3]",  # a list of anything
]


@tagged("post_install", "-at_install")
class TestBadInput(PerformanceCase):
    """What people type in the UI (forms) or send over RPC: refused with a clear message,
    never stored, never a crash later in the computation."""

    def field(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    def kpi_form(self):
        form = Form(self.env["crm.kpi.definition"])
        form.name = "Form KPI"
        form.measure_mode = "count"
        return form

    def test_form_offers_the_conventional_fields_of_the_source_model(self):
        form = self.kpi_form()
        form.model_id = self.env["ir.model"]._get("calendar.event")
        self.assertEqual(form.user_field_id, self.field("calendar.event", "user_id"))
        self.assertEqual(form.date_field_id, self.field("calendar.event", "create_date"))
        self.assertEqual(form.domain, "[]")
        kpi = form.save()
        self.assertEqual(kpi.model_name, "calendar.event")

    def test_form_refuses_malformed_domains(self):
        count = self.env["crm.kpi.definition"].search_count([])
        for domain in MALFORMED_DOMAINS:
            form = self.kpi_form()
            form.model_id = self.env["ir.model"]._get("crm.lead")
            form.domain = domain
            with self.assertRefused(ValidationError, "Filter is not a valid domain"):
                form.save()
        self.assertEqual(self.env["crm.kpi.definition"].search_count([]), count, "nothing saved")
        kpi = self.kpi["won_deals"]
        with self.assertRefused(ValidationError, "Filter is not a valid domain on crm"), Form(kpi) as form:
            form.domain = "[('stage_id.is_won', '=', True"
        self.assertEqual(kpi.domain, "[('won_status', '=', 'won')]")

    def test_form_refuses_fields_that_do_not_fit(self):
        for field_name, value, message in (
            (
                "date_field_id",
                self.field("mail.activity", "date_done"),
                "Date Field date_done does not exist",
            ),
            ("date_field_id", self.field("crm.lead", "name"), "Date Field .* stored field of type date"),
            ("user_field_id", self.field("crm.lead", "partner_id"), "Salesperson Field must point to users"),
        ):
            form = self.kpi_form()
            form.model_id = self.env["ir.model"]._get("crm.lead")
            setattr(form, field_name, value)
            with self.assertRefused(ValidationError, message):
                form.save()
        with self.assertRefused(ValidationError, "Measured Field .* stored field of type integer"):
            self.kpi["won_revenue"].field_id = self.field("crm.lead", "email_from")

    def test_not_a_number_is_refused_on_lines(self):
        self._plan(
            [
                (self.kpi["won_revenue"], 40, {"default_target": 50000}),
                (self.kpi["weekly_reports"], 30, {"max_points": 10}),
                (self.kpi["attendance"], 30, {}),
            ],
            employees=self.emp_alice.ids,
        )
        appraisal = self.env["crm.appraisal"]._generate(self.march)
        manual = self.line_of(appraisal, self.kpi["weekly_reports"])
        deduction = self.line_of(appraisal, self.kpi["attendance"])
        for value in (math.nan, math.inf, -math.inf, -1):
            with self.assertRefused(ValidationError, "points must be between 0 and 10.0"):
                manual.manual_points = value
            with self.assertRefused(ValidationError, "occurrences must be a number of 0 or more"):
                deduction.occurrences = value
        deduction.occurrences = 1.5  # two days
        stored = appraisal.line_ids.read(["actual", "achievement", "score", "weighted_score"])
        values = [value for row in stored for key, value in row.items() if key != "id"]
        values.append(appraisal.total_score)
        self.assertTrue(all(math.isfinite(value) for value in values), values)

    def test_tiny_target_gives_a_finite_achievement(self):
        self._plan([(self.kpi["won_revenue"], 100, {"default_target": 1e-300})], employees=self.emp_alice.ids)
        appraisal = self.env["crm.appraisal"]._generate(self.march)
        line = appraisal.line_ids
        self.assertTrue(math.isfinite(line.achievement))
        self.assertEqual(line.score, 120.0, "capped at 120 %")

    def test_source_model_uninstalled_later(self):
        """Uninstalling a model deletes its ir.model row: ondelete='set null' empties the source
        of the KPIs built on it. The computation goes on (no data) and the form says why."""
        kpi = self.env["crm.kpi.definition"].create(
            {
                "name": "Meetings held",
                "model_id": self.env["ir.model"]._get_id("calendar.event"),
                "date_field_id": self.field("calendar.event", "start").id,
                "user_field_id": self.field("calendar.event", "user_id").id,
            }
        )
        ratio = self.env["crm.kpi.definition"].create(
            {
                "name": "Meetings per won deal",
                "measure_mode": "ratio",
                "numerator_id": kpi.id,
                "denominator_id": self.kpi["won_deals"].id,
            }
        )
        self._plan(
            [
                (kpi, 30, {"default_target": 4}),
                (ratio, 30, {"default_target": 100}),
                (self.kpi["won_revenue"], 40, {"default_target": 50000}),
            ],
            employees=self.emp_alice.ids,
        )
        appraisal = self.env["crm.appraisal"]._generate(self.march)
        # what deleting the ir.model row of calendar.event (and its fields) does to the KPI
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_kpi_definition SET model_id = NULL, date_field_id = NULL, user_field_id = NULL "
            "WHERE id = %s",
            [kpi.id],
        )
        self.env.invalidate_all()
        appraisal.action_compute()
        for orphan in (kpi, ratio):
            line = self.line_of(appraisal, orphan)
            self.assertEqual((line.has_data, line.note, line.score), (False, "No data", 0.0), orphan.name)
        self.assertEqual(self.line_of(appraisal, self.kpi["won_revenue"]).score, 80.0)
        self.assertEqual(appraisal.total_score, 32.0, "40 x 80 %")
        with self.assertRefused(UserError, "Source Model is not installed anymore"):
            self.line_of(appraisal, kpi).action_open_records()
        # the form asks for the Source Model again (required field), a write says why
        with self.assertRaisesRegex(AssertionError, "model_id is a required field"), Form(kpi) as form:
            form.domain = "[('privacy', '=', 'public')]"
        with self.assertRefused(ValidationError, "Meetings held”: choose the Source Model"):
            kpi.domain = "[('privacy', '=', 'public')]"
