from odoo import api, fields, models


class CrmAppraisalStatMixin(models.AbstractModel):
    """Smart button counting and opening the appraisals of an employee, a user or a sales team."""

    _name = "crm.appraisal.stat.mixin"
    _description = "Appraisals Smart Button"

    crm_appraisal_count = fields.Integer(
        string="Appraisals",
        compute="_compute_crm_appraisal_count",
        groups="crm_performance.crm_performance_group_user",
    )

    def _crm_appraisal_employees(self):
        """The employees whose appraisals belong to this record (one record)."""
        raise NotImplementedError

    @api.depends_context("uid")
    def _compute_crm_appraisal_count(self):
        """One grouped query for all records; the reader's record rules decide what counts."""
        employees_of = {record: record._crm_appraisal_employees() for record in self}
        employees = self.env["hr.employee"].union(*employees_of.values())
        counts = dict(
            self.env["crm.appraisal"]._read_group(
                [("employee_id", "in", employees.ids)], ["employee_id"], ["__count"]
            )
        )
        for record in self:
            record.crm_appraisal_count = sum(counts.get(employee, 0) for employee in employees_of[record])

    def action_open_crm_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_performance.crm_appraisal_action")
        action["domain"] = [("employee_id", "in", self._crm_appraisal_employees().ids)]
        return action
