from odoo import fields, models


class MailActivity(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "crm.performance.source"]

    # the date that places a done activity in a period (follow-ups done KPI)
    _date_done_idx = models.Index("(date_done) WHERE date_done IS NOT NULL")

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
