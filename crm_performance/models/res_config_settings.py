from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_deadline_day = fields.Integer(related="company_id.performance_deadline_day", readonly=False)
    performance_reminder_days = fields.Integer(related="company_id.performance_reminder_days", readonly=False)
    performance_reviewer_id = fields.Many2one(related="company_id.performance_reviewer_id", readonly=False)
    performance_hr_user_id = fields.Many2one(related="company_id.performance_hr_user_id", readonly=False)

    # integrity signals
    performance_signals_employee_visible = fields.Boolean(
        related="company_id.performance_signals_employee_visible", readonly=False
    )
    performance_signal_pull_forward = fields.Boolean(
        related="company_id.performance_signal_pull_forward", readonly=False
    )
    performance_signal_pull_forward_threshold = fields.Integer(
        related="company_id.performance_signal_pull_forward_threshold", readonly=False
    )
    performance_signal_pull_forward_days = fields.Integer(
        related="company_id.performance_signal_pull_forward_days", readonly=False
    )
    performance_signal_pull_forward_after_days = fields.Integer(
        related="company_id.performance_signal_pull_forward_after_days", readonly=False
    )
    performance_signal_activity_burst = fields.Boolean(
        related="company_id.performance_signal_activity_burst", readonly=False
    )
    performance_signal_activity_burst_threshold = fields.Integer(
        related="company_id.performance_signal_activity_burst_threshold", readonly=False
    )
    performance_signal_burst_minutes = fields.Integer(
        related="company_id.performance_signal_burst_minutes", readonly=False
    )
    performance_signal_activity_after_hours = fields.Boolean(
        related="company_id.performance_signal_activity_after_hours", readonly=False
    )
    performance_signal_activity_after_hours_threshold = fields.Integer(
        related="company_id.performance_signal_activity_after_hours_threshold", readonly=False
    )
    performance_signal_work_hour_from = fields.Float(
        related="company_id.performance_signal_work_hour_from", readonly=False
    )
    performance_signal_work_hour_to = fields.Float(
        related="company_id.performance_signal_work_hour_to", readonly=False
    )
    performance_signal_activity_backdated = fields.Boolean(
        related="company_id.performance_signal_activity_backdated", readonly=False
    )
    performance_signal_activity_backdated_threshold = fields.Integer(
        related="company_id.performance_signal_activity_backdated_threshold", readonly=False
    )
    performance_signal_empty_win = fields.Boolean(
        related="company_id.performance_signal_empty_win", readonly=False
    )
    performance_signal_empty_win_threshold = fields.Integer(
        related="company_id.performance_signal_empty_win_threshold", readonly=False
    )
    performance_signal_quick_win = fields.Boolean(
        related="company_id.performance_signal_quick_win", readonly=False
    )
    performance_signal_quick_win_threshold = fields.Integer(
        related="company_id.performance_signal_quick_win_threshold", readonly=False
    )
    performance_signal_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Signal Amount Currency"
    )
    performance_signal_quick_win_amount = fields.Monetary(
        related="company_id.performance_signal_quick_win_amount",
        currency_field="performance_signal_currency_id",
        readonly=False,
    )
    performance_signal_thin_customer = fields.Boolean(
        related="company_id.performance_signal_thin_customer", readonly=False
    )
    performance_signal_thin_customer_threshold = fields.Integer(
        related="company_id.performance_signal_thin_customer_threshold", readonly=False
    )
    performance_signal_duplicate_customer = fields.Boolean(
        related="company_id.performance_signal_duplicate_customer", readonly=False
    )
    performance_signal_duplicate_customer_threshold = fields.Integer(
        related="company_id.performance_signal_duplicate_customer_threshold", readonly=False
    )
    performance_signal_stage_jump = fields.Boolean(
        related="company_id.performance_signal_stage_jump", readonly=False
    )
    performance_signal_stage_jump_threshold = fields.Integer(
        related="company_id.performance_signal_stage_jump_threshold", readonly=False
    )
