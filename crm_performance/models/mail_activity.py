from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Stamp the first follow-up of the leads whose activities are done now."""
        lead_ids = {act.res_id for act in self if act.res_model == "crm.lead" and act.res_id}
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if lead_ids:
            leads = self.env["crm.lead"].sudo().browse(lead_ids).exists()
            leads.filtered(
                lambda lead: not lead.first_followup_date
            ).first_followup_date = fields.Datetime.now()
        return result
