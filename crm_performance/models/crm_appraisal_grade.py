from odoo import fields, models


class CrmAppraisalGrade(models.Model):
    """A grade band of a plan: totals from ``min_score`` up get this grade (A >= 90 ...)."""

    _name = "crm.appraisal.grade"
    _inherit = ["crm.appraisal.rules.mixin"]
    _description = "Appraisal Grade Band"
    _order = "plan_id, min_score desc, id"

    plan_id = fields.Many2one("crm.appraisal.plan", required=True, ondelete="cascade", index=True)
    name = fields.Char(string="Grade", required=True, translate=True)
    min_score = fields.Float(string="From Score", required=True, digits=(16, 2))

    _min_score_positive = models.Constraint(
        "CHECK(min_score >= 0)",
        "A grade band cannot start below a score of 0.",
    )
