from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP, PerformanceCase


@tagged("post_install", "-at_install")
class TestKpiRights(PerformanceCase):
    """A KPI is measured as superuser and shown on appraisal lines: whoever saves one must be
    allowed to read its source model and every field it uses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # configures performance, with Sales rights but no Employees rights
        cls.configurator = new_test_user(
            cls.env, "perf_config", groups=f"{GROUP}admin,sales_team.group_sale_salesman_all_leads"
        )
        # configures performance and nothing else
        cls.bare = new_test_user(cls.env, "perf_bare", groups=f"{GROUP}admin")
        cls.Kpi = cls.env["crm.kpi.definition"]
        cls.fields = cls.env["ir.model.fields"]

    def kpi_values(self, model, **values):
        return {
            "name": "Probe",
            "model_id": self.env["ir.model"]._get_id(model),
            "date_field_id": self.fields._get(model, "create_date").id,
            "user_field_id": self.fields._get(model, "user_id").id,
            **values,
        }

    def test_a_source_model_the_author_may_not_read_is_refused(self):
        with self.assertRefused(AccessError, "you may not read Lead, so you cannot measure it"):
            self.Kpi.with_user(self.bare).create(self.kpi_values("crm.lead"))
        with self.assertRefused(AccessError, "you may not read Employee"):
            self.Kpi.with_user(self.configurator).create(self.kpi_values("hr.employee"))
        kpi = self.Kpi.with_user(self.configurator).create(self.kpi_values("crm.lead"))
        with self.assertRefused(AccessError, "you may not read Employee"):
            kpi.write(self.kpi_values("hr.employee"))  # changing the model re-checks

    def test_a_field_the_author_may_not_read_is_refused(self):
        """Summing an HR-private field, or filtering on one through a path."""
        officer = new_test_user(
            self.env, "perf_officer", groups=f"{GROUP}admin,hr.group_hr_user,sales_team.group_sale_salesman"
        )
        hr_employee = self.kpi_values("hr.employee")
        private = self.fields._get("hr.version", "km_home_work")
        self.assertEqual(self.env["hr.version"]._fields["km_home_work"].groups, "hr.group_hr_user")
        self.Kpi.with_user(officer).create({**hr_employee, "domain": "[('km_home_work', '>', 10)]"})
        with self.assertRefused(AccessError, "you may not read Employee"):
            self.Kpi.with_user(self.configurator).create(
                {**hr_employee, "domain": "[('km_home_work', '>', 10)]"}
            )
        by_path = self.kpi_values("crm.lead", domain="[('user_id.employee_ids.km_home_work', '>', 10)]")
        with self.assertRefused(AccessError, "Home-Work Distance"):
            self.Kpi.with_user(self.configurator).create(by_path)
        self.Kpi.with_user(officer).create(by_path)
        version_sum = {
            **self.kpi_values("hr.version", measure_mode="sum", field_id=private.id),
            "user_field_id": self.fields._get("hr.version", "create_uid").id,
        }
        with self.assertRefused(AccessError, "you may not read"):
            self.Kpi.with_user(self.configurator).create(version_sum)

    def test_the_pickers_offer_only_what_the_author_may_read(self):
        kpi = self.Kpi.with_user(self.configurator).new({})
        readable = kpi.readable_model_ids.mapped("model")
        self.assertIn("crm.lead", readable)
        self.assertNotIn("hr.version", readable)
        self.assertNotIn("ir.config_parameter", readable)
        self.assertEqual(kpi.user_group_ids.ids, self.configurator.all_group_ids.ids)

    def test_definitions_saved_by_someone_allowed_keep_working(self):
        """HR's nightly recompute measures a KPI its author was allowed to save."""
        kpi = self.Kpi.create(
            self.kpi_values(
                "crm.lead",
                domain="[('won_status', '=', 'won')]",
                date_field_id=self.fields._get("crm.lead", "date_closed").id,
            )
        )
        values = kpi.with_user(self.bare)._measure(
            date(2025, 3, 1), date(2025, 3, 31), self.company, {self.alice.id, self.bob.id}
        )
        self.assertEqual(values, {self.alice.id: 2.0, self.bob.id: 1.0})
