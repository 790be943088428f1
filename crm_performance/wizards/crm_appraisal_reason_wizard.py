from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmAppraisalReasonWizard(models.TransientModel):
    """Asks the reason of a send-back, a reopening, an appeal or HR's correction of a score
    before doing it; confirms a submission with an optional comment."""

    _name = "crm.appraisal.reason.wizard"
    _description = "Appraisal Workflow Reason"

    appraisal_ids = fields.Many2many("crm.appraisal", required=True)
    action = fields.Selection(
        [
            ("submit", "Submit"),
            ("send_back", "Send back"),
            ("reopen", "Reopen"),
            ("appeal", "Appeal"),
            ("correct", "Correct score"),
        ],
        required=True,
    )
    reason = fields.Text()
    score = fields.Float(string="Corrected Score", digits=(16, 2))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.appraisal" and "appraisal_ids" in fields_list:
            values["appraisal_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
            appraisals = self.env["crm.appraisal"].browse(self.env.context.get("active_ids", []))
            if len(appraisals) == 1 and "score" in fields_list:
                values["score"] = appraisals.total_score
        return values

    def action_confirm(self):
        self.ensure_one()
        appraisals = self.appraisal_ids
        reason = (self.reason or "").strip()
        if self.action == "submit":
            appraisals.action_submit()
            if reason:
                for appraisal in appraisals:
                    appraisal.message_post(body=_("Submitted: %(comment)s", comment=reason))
            return {"type": "ir.actions.act_window_close"}
        if not reason:
            raise UserError(_("Give the reason."))
        if self.action == "send_back":
            appraisals._send_back(self.reason)
        elif self.action == "reopen":
            appraisals._reopen(self.reason)
        elif self.action == "correct":
            appraisals._correct_score(self.score, self.reason)
        else:
            appraisals._appeal(self.reason)
        return {"type": "ir.actions.act_window_close"}
