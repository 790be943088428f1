from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.performance.source"]

    team_user_id = fields.Many2one(
        related="team_id.user_id",
        store=True,
        index="btree_not_null",
        string="Team Leader",
        help="Attributes the lead to the team leader (area manager) for team KPIs.",
    )
    first_followup_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the first activity on this lead was marked as done (follow-up timeliness KPI).",
    )
    first_followup_hours = fields.Float(
        compute="_compute_first_followup_hours",
        store=True,
        aggregator="avg",
        help="Hours from the lead's creation to its first follow-up.",
    )

    # the dates that place leads in a period (won, lost, closed, assigned... KPIs)
    _date_closed_idx = models.Index("(date_closed)")
    _create_date_idx = models.Index("(create_date)")
    # one salesperson's leads of a period (live recompute, My Performance): read without the
    # salesperson's whole history nor the whole company's month
    _user_date_closed_idx = models.Index("(user_id, date_closed)")
    _user_create_date_idx = models.Index("(user_id, create_date)")
    # one salesperson's open pipeline by expected closing (the forecast of the running month, My
    # Performance): without their won and lost history
    _user_open_pipeline_idx = models.Index(
        "(user_id, date_deadline) WHERE active AND type = 'opportunity' AND won_status = 'pending'"
    )
    # integrity signals: the month's wins with what their signals read, without the table (the
    # closed deals of a month are mostly lost ones, in random places of the table)
    _signal_won_idx = models.Index(
        "(date_closed) INCLUDE (id, user_id, company_id, team_id, create_date, expected_revenue) "
        "WHERE won_status = 'won'"
    )

    @api.depends("first_followup_date", "create_date")
    def _compute_first_followup_hours(self):
        for lead in self:
            if lead.first_followup_date and lead.create_date:
                delta = lead.first_followup_date - lead.create_date
                lead.first_followup_hours = max(delta.total_seconds() / 3600.0, 0.0)
            else:
                lead.first_followup_hours = 0.0
