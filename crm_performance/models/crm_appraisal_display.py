from odoo import api, fields, models

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


class CrmAppraisal(models.Model):
    """How an appraisal reads on the leaderboard: a medal for the first three of a team."""

    _inherit = "crm.appraisal"

    medal = fields.Char(compute="_compute_medal", help="The first three of the team for the period and plan.")

    @api.depends("rank")
    def _compute_medal(self):
        for appraisal in self:
            appraisal.medal = MEDALS.get(appraisal.rank, False)
