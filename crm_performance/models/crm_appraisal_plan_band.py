from odoo import fields, models


class CrmAppraisalPlanBand(models.Model):
    """A row of a banded scoring table: achievement from ``min_achievement`` % gives ``points``."""

    _name = "crm.appraisal.plan.band"
    _inherit = ["crm.appraisal.rules.mixin"]
    _description = "Appraisal Scoring Band"
    _order = "plan_line_id, min_achievement desc, id"

    plan_line_id = fields.Many2one("crm.appraisal.plan.line", required=True, ondelete="cascade", index=True)
    min_achievement = fields.Float(string="From Achievement (%)", required=True)
    points = fields.Float(string="Score", required=True)

    _points_range = models.Constraint(
        "CHECK(points >= 0 AND min_achievement >= 0)",
        "Band achievements and scores cannot be negative.",
    )
