from datetime import date

from odoo.exceptions import ValidationError
from odoo.fields import Date
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PerformanceCase


@tagged("post_install", "-at_install")
class TestFiltersThatNeedAJoin(PerformanceCase):
    """Filters through related, inherited and x2many fields are measured exactly; a KPI the
    database cannot measure is refused when saved, and one that fails later (a module changed
    since) leaves every other KPI and appraisal computed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fields = cls.env["ir.model.fields"]
        vip = cls.env["crm.tag"].create({"name": "VIP"})
        china = cls.env.ref("base.cn")
        won = cls.env["crm.lead"].search(
            [("user_id", "in", (cls.alice | cls.bob).ids), ("won_status", "=", "won")]
        )
        # Alice's 30 000 and Bob's 5 000 are VIP deals with a Chinese customer
        for lead in won.filtered(lambda lead: lead.expected_revenue in (30000, 5000)):
            lead.tag_ids = vip
            lead.partner_id = cls.env["res.partner"].create(
                {"name": f"Customer {lead.id}", "country_id": china.id}
            )

    def lead_kpi(self, domain, **values):
        return self.env["crm.kpi.definition"].create(
            {
                "name": "Probe",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "date_field_id": self.fields._get("crm.lead", "date_closed").id,
                "user_field_id": self.fields._get("crm.lead", "user_id").id,
                "domain": domain,
                **values,
            }
        )

    def measure(self, kpi, start=date(2025, 3, 1), end=date(2025, 3, 31)):
        return kpi._measure(start, end, self.company, {self.alice.id, self.bob.id})

    def test_many2one_path_and_x2many_path(self):
        by_country = self.lead_kpi("[('won_status', '=', 'won'), ('partner_id.country_id.code', '=', 'CN')]")
        by_tag = self.lead_kpi(
            "[('won_status', '=', 'won'), ('tag_ids.name', '=', 'VIP')]",
            measure_mode="sum",
            field_id=self.fields._get("crm.lead", "expected_revenue").id,
        )
        self.assertEqual(self.measure(by_country), {self.alice.id: 1.0, self.bob.id: 1.0})
        self.assertEqual(self.measure(by_tag), {self.alice.id: 30000.0, self.bob.id: 5000.0})

    def test_inherited_field(self):
        """``hr.employee.km_home_work`` lives on the employee's version (``_inherits``)."""
        self.emp_alice.km_home_work = 25
        self.emp_bob.km_home_work = 5
        kpi = self.env["crm.kpi.definition"].create(
            {
                "name": "Far from the office",
                "model_id": self.env["ir.model"]._get_id("hr.employee"),
                "date_field_id": self.fields._get("hr.employee", "create_date").id,
                "user_field_id": self.fields._get("hr.employee", "user_id").id,
                "domain": "[('km_home_work', '>', 10)]",
            }
        )
        today = Date.context_today(kpi)
        self.assertEqual(self.measure(kpi, today, today), {self.alice.id: 1.0, self.bob.id: 0.0})

    def test_a_kpi_the_database_cannot_measure_is_refused_when_saved(self):
        with self.assertRefused(ValidationError, "Probe"):
            self.lead_kpi("[('duplicate_lead_count', '>', 0)]")

    @mute_logger("odoo.addons.crm_performance.models.crm_kpi_definition")
    def test_a_kpi_failing_at_run_time_stops_only_its_lines(self):
        broken = self.lead_kpi("[('won_status', '=', 'won')]", name="Broken")
        self._plan(
            [(self.kpi["won_revenue"], 60, {"default_target": 50000}), (broken, 40, {"default_target": 1})]
        )
        # a module update removed the field the filter uses
        self.env.cr.execute(
            "UPDATE crm_kpi_definition SET domain = %s WHERE id = %s", ("[('gone_field', '=', 1)]", broken.id)
        )
        broken.invalidate_recordset(["domain"])
        appraisals = self.env["crm.appraisal"]._generate(self.march)
        alice = appraisals.filtered(lambda a: a.employee_id == self.emp_alice)
        revenue, failed = self.line_of(alice, self.kpi["won_revenue"]), self.line_of(alice, broken)
        self.assertEqual((revenue.actual, revenue.weighted_score), (40000, 48))  # 60 x 80 %
        self.assertEqual((failed.has_data, failed.score), (False, 0))
        self.assertRegex(failed.note, r"^Could not be measured: .*gone_field")
        self.assertEqual(alice.total_score, 48)
        activity = broken.activity_ids
        self.assertEqual((len(activity), activity.summary), (1, "KPI “Broken” could not be measured"))
        appraisals._compute_scores()
        self.assertEqual(len(broken.activity_ids), 1, "one activity, not one per recompute")

    @mute_logger("odoo.addons.crm_performance.models.crm_kpi_definition")
    def test_a_ratio_built_on_a_failing_part_says_why(self):
        broken = self.lead_kpi("[('won_status', '=', 'won')]", name="Broken")
        share = self.env["crm.kpi.definition"].create(
            {
                "name": "Share of broken deals",
                "measure_mode": "ratio",
                "numerator_id": broken.id,
                "denominator_id": self.env.ref("crm_performance.kpi_won_deals").id,
            }
        )
        self._plan(
            [(self.kpi["won_revenue"], 60, {"default_target": 50000}), (share, 40, {"default_target": 50})]
        )
        self.env.cr.execute(
            "UPDATE crm_kpi_definition SET domain = %s WHERE id = %s", ("[('gone_field', '=', 1)]", broken.id)
        )
        broken.invalidate_recordset(["domain"])
        alice = (
            self.env["crm.appraisal"]
            ._generate(self.march)
            .filtered(lambda a: a.employee_id == self.emp_alice)
        )
        line = self.line_of(alice, share)
        # not "no data": the ratio says which part failed and why
        self.assertEqual((line.has_data, line.score), (False, 0))
        self.assertRegex(line.note, r"^Could not be measured: .*gone_field")
        self.assertEqual(alice.total_score, 48)
