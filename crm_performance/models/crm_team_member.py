from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    target_weight = fields.Float(
        default=1.0,
        help="Share of the team targets this member gets when a team target is split by weight.",
    )

    _target_weight_positive = models.Constraint(
        "CHECK(target_weight >= 0)", "A member's target weight cannot be negative."
    )
