"""Follow-ups of appraisals: deadline reminders, below-pace alerts and coaching flags."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

from ..tools.workflow import FROZEN_STATES


class CrmAppraisal(models.Model):
    """Follow-ups: one open activity per appraisal and kind, flags set once."""

    _inherit = "crm.appraisal"

    @api.model
    def _cron_follow_up(self):
        """Reminders, below-pace alerts and coaching flags, each committed when done; each is
        idempotent (one open activity per appraisal and kind, flags set once), so a run stopped
        part-way resumes without doubles."""
        today = fields.Date.context_today(self)
        steps = [self._schedule_deadline_reminders, self._schedule_kpi_alerts, self._flag_coaching]
        for done, step in enumerate(steps, start=1):
            step(today)
            if self._progress(1, len(steps) - done) <= 0:
                break

    @api.model
    def _schedule_deadline_reminders(self, today):
        """Before the HR deadline (day N of the next month), remind whoever holds an appraisal."""
        pending = self.search(
            [("period_type", "=", "month"), ("state", "not in", FROZEN_STATES), ("date_to", "<", today)]
        )
        for appraisal in pending:
            company = appraisal.company_id
            deadline = appraisal.date_to + relativedelta(days=company.performance_deadline_day)
            if today < deadline - relativedelta(days=company.performance_reminder_days):
                continue
            appraisal._schedule_once(
                "crm_performance.mail_activity_type_appraisal_step",
                appraisal._step_user(),
                deadline,
                _("Appraisal due to HR by %(date)s", date=deadline),
            )

    @api.model
    def _schedule_kpi_alerts(self, today):
        """During a month, alert the manager of KPIs whose forecast at the period's end
        (``_forecast``: pipeline, own pace) falls below their alert threshold."""
        lines = self.env["crm.appraisal.line"].search(
            [
                ("appraisal_id.state", "=", "draft"),
                ("appraisal_id.period_type", "=", "month"),
                ("appraisal_id.date_from", "<=", today),
                ("appraisal_id.date_to", ">=", today),
                ("plan_line_id.alert_threshold", ">", 0),
                ("target", ">", 0),
            ]
        )
        forecasts = lines.appraisal_id._forecast(today)

        def below(line):
            projected = forecasts.get(line.appraisal_id.id, {}).get("lines", {}).get(line.id)
            return bool(
                projected
                and projected["forecast"] is not None
                and projected["achievement"] < line.plan_line_id.alert_threshold
            )

        for appraisal, alerts in lines.filtered(below).grouped("appraisal_id").items():
            appraisal._schedule_once(
                "crm_performance.mail_activity_type_kpi_alert",
                appraisal.manager_id.user_id or appraisal.team_id.user_id,
                today,
                _("Below pace: %(kpis)s", kpis=", ".join(alerts.mapped("name"))),
            )

    @api.model
    def _flag_coaching(self, today):
        """Two consecutive finished months below target: flag and plan a 1:1 coaching."""
        last_month_end = today.replace(day=1) - relativedelta(days=1)
        recent = self.search(
            [
                ("period_type", "=", "month"),
                ("date_to", "=", last_month_end),
                ("coaching_needed", "=", False),
            ]
        )._below_target()
        previous = self.search(
            [
                ("period_type", "=", "month"),
                ("date_to", "=", last_month_end.replace(day=1) - relativedelta(days=1)),
                ("employee_id", "in", recent.employee_id.ids),
            ]
        )._below_target()
        below_before = {(a.employee_id, a.plan_id) for a in previous}
        flagged = recent.filtered(lambda a: (a.employee_id, a.plan_id) in below_before)
        flagged.write({"coaching_needed": True})
        for appraisal in flagged:
            appraisal._schedule_once(
                "crm_performance.mail_activity_type_coaching",
                appraisal.manager_id.user_id or appraisal.team_id.user_id,
                today + relativedelta(days=7),
                _(
                    "1:1 coaching with %(employee)s: two months below target",
                    employee=appraisal.employee_id.name,
                ),
            )

    def _below_target(self):
        """The appraisals below target: the plan-completion line's achievement under 100 % when
        the plan has one (and it has a figure), else the score under the plan's coaching
        threshold. A figure that does not exist flags nobody."""
        completion = {line.appraisal_id: line for line in self.line_ids.filtered("is_completion_line")}

        def below(appraisal):
            line = completion.get(appraisal)
            if line:
                return line.has_data and line.target > 0 and line.achievement < 100.0
            threshold = appraisal.plan_id.coaching_threshold
            return bool(threshold) and appraisal.total_score < threshold

        return self.filtered(below)

    def _schedule_once(self, activity_xmlid, user, deadline, summary):
        """One open activity of a type per appraisal: reschedule it rather than pile them up."""
        self.ensure_one()
        if not user:
            return
        activity_type = self.env.ref(activity_xmlid)
        existing = self.activity_ids.filtered(lambda act: act.activity_type_id == activity_type)
        if existing:
            existing.write({"user_id": user.id, "date_deadline": deadline, "summary": summary})
        else:
            self.activity_schedule(activity_xmlid, date_deadline=deadline, summary=summary, user_id=user.id)
