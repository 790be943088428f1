from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_deadline_day = fields.Integer(related="company_id.performance_deadline_day", readonly=False)
    performance_reminder_days = fields.Integer(related="company_id.performance_reminder_days", readonly=False)
    performance_reviewer_id = fields.Many2one(related="company_id.performance_reviewer_id", readonly=False)
    performance_hr_user_id = fields.Many2one(related="company_id.performance_hr_user_id", readonly=False)
