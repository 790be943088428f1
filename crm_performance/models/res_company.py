from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_appraisal_signal import KINDS


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

    # integrity signals: each switched on or off, raised at its threshold (records per month)
    performance_signals_employee_visible = fields.Boolean(
        string="Employees See Their Signals",
        help="Salespeople see the integrity signals of their own appraisals (read only).",
    )
    performance_signal_pull_forward = fields.Boolean(
        string="Pulled-forward Wins",
        default=True,
        help="Deals won in the last days of a month, then reopened or archived in the first days of "
        "the next.",
    )
    performance_signal_pull_forward_threshold = fields.Integer(
        string="Pulled-forward Wins Threshold", default=2
    )
    performance_signal_pull_forward_days = fields.Integer(
        string="Won in the Last Days", default=3, help="Wins of the last days of the month are watched."
    )
    performance_signal_pull_forward_after_days = fields.Integer(
        string="Reopened in the First Days",
        default=7,
        help="A watched win reopened or archived in these first days of the next month is pulled forward.",
    )
    performance_signal_activity_burst = fields.Boolean(
        string="Activity Bursts",
        default=True,
        help="Many activities marked done within a few minutes by the same salesperson.",
    )
    performance_signal_activity_burst_threshold = fields.Integer(string="Activities in a Burst", default=10)
    performance_signal_burst_minutes = fields.Integer(string="Burst Minutes", default=5)
    performance_signal_activity_after_hours = fields.Boolean(
        string="Activities Done After Hours",
        default=True,
        help="Activities marked done outside working hours (company time zone), many on one day.",
    )
    performance_signal_activity_after_hours_threshold = fields.Integer(
        string="After-hours Activities in a Day", default=10
    )
    performance_signal_work_hour_from = fields.Float(string="Working Hours From", default=7.0)
    performance_signal_work_hour_to = fields.Float(string="Working Hours To", default=21.0)
    performance_signal_activity_backdated = fields.Boolean(
        string="Backdated Activities",
        default=True,
        help="Activities due before the day they were created: entered after the fact.",
    )
    performance_signal_activity_backdated_threshold = fields.Integer(
        string="Backdated Activities Threshold", default=5
    )
    performance_signal_empty_win = fields.Boolean(
        string="Wins Without Activity",
        default=True,
        help="Deals won without any activity done or meeting on them.",
    )
    performance_signal_empty_win_threshold = fields.Integer(
        string="Wins Without Activity Threshold", default=5
    )
    performance_signal_quick_win = fields.Boolean(
        string="Same-day Big Wins",
        default=True,
        help="Deals created and won on the same day, of an amount or more.",
    )
    performance_signal_quick_win_threshold = fields.Integer(string="Same-day Big Wins Threshold", default=2)
    performance_signal_quick_win_amount = fields.Monetary(
        string="Same-day Win Amount", currency_field="currency_id", default=50000.0
    )
    performance_signal_thin_customer = fields.Boolean(
        string="Thin Customers",
        default=True,
        help="New customers with a phone and no email, address, tax ID or website.",
    )
    performance_signal_thin_customer_threshold = fields.Integer(string="Thin Customers Threshold", default=5)
    performance_signal_duplicate_customer = fields.Boolean(
        string="Duplicate Customers",
        default=True,
        help="New customers with the email, phone or tax ID of an existing customer.",
    )
    performance_signal_duplicate_customer_threshold = fields.Integer(
        string="Duplicate Customers Threshold", default=2
    )
    performance_signal_stage_jump = fields.Boolean(
        string="Stage Jumps",
        default=True,
        help="Deals won straight from the first stage of the pipeline.",
    )
    performance_signal_stage_jump_threshold = fields.Integer(string="Stage Jumps Threshold", default=10)

    _performance_deadline_day_range = models.Constraint(
        "CHECK(performance_deadline_day BETWEEN 1 AND 28)",
        "The appraisal deadline day must be between 1 and 28.",
    )
    _performance_reminder_days_positive = models.Constraint(
        "CHECK(performance_reminder_days >= 0)",
        "Reminder days before the deadline cannot be negative.",
    )

    @api.constrains(
        *(f"performance_signal_{kind}_threshold" for kind in KINDS),
        "performance_signal_pull_forward_days",
        "performance_signal_pull_forward_after_days",
        "performance_signal_burst_minutes",
        "performance_signal_work_hour_from",
        "performance_signal_work_hour_to",
        "performance_signal_quick_win_amount",
    )
    def _check_performance_signals(self):
        for company in self:
            counts = [company[f"performance_signal_{kind}_threshold"] for kind in KINDS] + [
                company.performance_signal_pull_forward_days,
                company.performance_signal_pull_forward_after_days,
                company.performance_signal_burst_minutes,
            ]
            if min(counts) < 1:
                raise ValidationError(
                    _(
                        "Integrity signals: thresholds, days and minutes are 1 or more (switch a signal "
                        "off instead of setting 0)."
                    )
                )
            if (
                not 0
                <= company.performance_signal_work_hour_from
                < company.performance_signal_work_hour_to
                <= 24
            ):
                raise ValidationError(
                    _("Integrity signals: working hours run from 0:00 to 24:00, the start before the end.")
                )
            if company.performance_signal_quick_win_amount < 0:
                raise ValidationError(_("Integrity signals: the same-day win amount cannot be negative."))

    def write(self, vals):
        """The Performance Administrator sets the company's performance settings (its
        ``performance_*`` fields: the appraisal workflow and the integrity signals) without the
        rights to write companies, as a user writes their own preferences: only these fields,
        of the companies they work in (the companies' record rule)."""
        if (
            vals
            and not self.env.su
            and all(name.startswith("performance_") for name in vals)
            and not self.browse().has_access("write")
            and self.env.user.has_group("crm_performance.crm_performance_group_admin")
        ):
            self.check_access("read")
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    @api.model
    def action_performance_settings(self):
        """The current company's performance settings (Performance > Configuration > Settings)."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Performance Settings"),
            "res_model": "res.company",
            "res_id": self.env.company.id,
            "views": [(self.env.ref("crm_performance.res_company_view_form_performance").id, "form")],
            "target": "current",
        }
