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
        """The chain that signs, level by level: [(role, name or False, date or False)]."""
        area_manager = appraisal.manager_id.name or appraisal.team_id.user_id.name
        return [
            (_("Employee"), appraisal.employee_id.name, False),
            (_("Area Manager"), area_manager or False, False),
            (_("Sales VP"), False, False),
            (_("HR"), False, False),
        ]
