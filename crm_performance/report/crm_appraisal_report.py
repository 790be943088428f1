from odoo import api, models


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
            "signatures": {appraisal: appraisal._signatures() for appraisal in appraisals},
        }
