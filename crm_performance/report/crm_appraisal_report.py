from odoo import _, api, models


class ReportCrmAppraisal(models.AbstractModel):
    """Printed appraisal (考核表): one page per appraisal with the signature chain."""

    _name = "report.crm_performance.report_crm_appraisal"
    _description = "Appraisal Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        appraisals = self.env["crm.appraisal"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "crm.appraisal",
            "docs": appraisals,
            "signatures": {appraisal: self._signatures(appraisal) for appraisal in appraisals},
        }

    @api.model
    def _signatures(self, appraisal):
        """The chain that signs, level by level: [(role, name or False, datetime or False)].

        Who took each step and when, once taken; before that the expected area manager.
        """
        area_manager = (
            appraisal.submitted_by_id.name or appraisal.manager_id.name or appraisal.team_id.user_id.name
        )
        return [
            (_("Employee"), appraisal.employee_id.name, appraisal.acknowledged_date),
            (_("Area Manager"), area_manager or False, appraisal.submitted_date),
            (_("Sales VP"), appraisal.reviewed_by_id.name or False, appraisal.reviewed_date),
            (_("HR"), appraisal.approved_by_id.name or False, appraisal.approved_date),
        ]
