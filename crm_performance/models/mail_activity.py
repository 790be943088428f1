from odoo import fields, models

# done activities on leads: the predicate of the integrity signals' indexes, written as their
# queries write it (``tools/signals.py``), so that PostgreSQL matches them
DONE_ON_LEAD = "res_model = 'crm.lead' AND NOT active AND date_done IS NOT NULL"
# due before the UTC day 14 hours (the largest time zone offset) after the creation: the done
# activities that may be backdated in some time zone
BACKDATED = "date_deadline < (create_date + INTERVAL '14 hours')::date"


class MailActivity(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "crm.performance.source"]

    # the date that places a done activity in a period (follow-ups done KPI)
    _date_done_idx = models.Index("(date_done) WHERE date_done IS NOT NULL")
    # one salesperson's done activities of a period (live recompute, My Performance)
    _user_date_done_idx = models.Index("(user_id, date_done) WHERE date_done IS NOT NULL")
    # integrity signals (activity bursts, done after hours): each salesperson's done activities
    # in the order they were marked done, with what places them in the period and the company,
    # read without the table and without sorting the month
    _signal_done_idx = models.Index(
        f"(user_id, write_date) INCLUDE (id, date_done, res_id) WHERE {DONE_ON_LEAD}"
    )
    # wins without activity: whether a lead has a done activity, without the table
    _signal_done_lead_idx = models.Index(f"(res_id) WHERE {DONE_ON_LEAD}")
    # backdated activities: the few done activities due on or before their creation day, with
    # what the signal reads
    _signal_backdated_idx = models.Index(
        f"(write_date) INCLUDE (id, user_id, date_done, res_id, create_date, date_deadline) "
        f"WHERE {DONE_ON_LEAD} AND {BACKDATED}"
    )

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
