from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmAppraisalReasonWizard(models.TransientModel):
    """Asks the reason of a send-back, a reopening or an appeal before doing it; confirms a
    submission with an optional comment."""

    _name = "crm.appraisal.reason.wizard"
    _description = "Appraisal Workflow Reason"

    appraisal_ids = fields.Many2many("crm.appraisal", required=True)
    action = fields.Selection(
        [("submit", "Submit"), ("send_back", "Send back"), ("reopen", "Reopen"), ("appeal", "Appeal")],
        required=True,
    )
    reason = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.appraisal" and "appraisal_ids" in fields_list:
            values["appraisal_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
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
        else:
            appraisals._appeal(self.reason)
        return {"type": "ir.actions.act_window_close"}
