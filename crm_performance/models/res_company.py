from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    performance_deadline_day = fields.Integer(
        string="Appraisal Deadline Day",
        default=8,
        help="Monthly appraisals must reach HR before this day of the next month.",
    )
    performance_reminder_days = fields.Integer(
        string="Reminder Days Before Deadline",
        default=3,
        help="Reminder activities are scheduled this many days before the deadline.",
    )
    performance_reviewer_id = fields.Many2one(
        "res.users", string="First Reviewer (Sales VP)", help="Receives appraisals to consolidate and review."
    )
    performance_hr_user_id = fields.Many2one(
        "res.users",
        string="HR Officer",
        help="Approves and locks appraisals, handles appeals of approved ones.",
    )

    _performance_deadline_day_range = models.Constraint(
        "CHECK(performance_deadline_day BETWEEN 1 AND 28)",
        "The appraisal deadline day must be between 1 and 28.",
    )
    _performance_reminder_days_positive = models.Constraint(
        "CHECK(performance_reminder_days >= 0)",
        "Reminder days before the deadline cannot be negative.",
    )
