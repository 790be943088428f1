"""Scheduled jobs of appraisals: generation, the nightly and the live recompute, committed batch
by batch, and the marking of the months a change makes stale."""

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_appraisal import BATCH_SIZE, DIRTY


class CrmAppraisal(models.Model):
    """Scheduled jobs: each resumes where a stopped run left off (``ir.cron._commit_progress``)."""

    _inherit = "crm.appraisal"

    @api.model
    def _cron_generate(self):
        """Make sure this month, quarter and year exist in every company, with their appraisals,
        the month's forecast history and what its forecasts read that stays the same all day: a
        company at a time (generation only adds what is missing, so a run stopped part-way
        resumes with the companies it had not reached)."""
        today = fields.Date.context_today(self)
        Period = self.env["crm.appraisal.period"]
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, start=1):
            periods = Period.with_company(company)._ensure_periods(today, company)
            periods = periods.filtered(lambda p: p.state == "open")
            periods._store_forecast_history()
            self.with_company(company)._generate(periods)
            periods._store_forecast_day(today)
            if self._progress(1, len(companies) - done) <= 0:
                break

    @api.model
    def _cron_recompute(self, batch_size=BATCH_SIZE):
        """Nightly safety net: recompute the draft appraisals of every open period that were not
        computed since midnight (UTC), months before the quarters and years they roll up into,
        a batch at a time. A run stopped part-way resumes with the appraisals it had not reached:
        nothing is computed twice."""
        midnight = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        domain = [
            ("state", "=", "draft"),
            ("period_id.state", "=", "open"),
            "|",
            ("computed_at", "=", False),
            ("computed_at", "<", midnight),
        ]
        while batch := self.search(domain, limit=batch_size, order="period_type, period_id, id"):
            batch._compute_scores()
            remaining = self.search_count(domain)
            if self._progress(len(batch), remaining) <= 0 or not remaining:
                break

    @api.model
    def _cron_recompute_live(self, batch_size=BATCH_SIZE):
        """Recompute the draft months whose records changed (``needs_recompute``, marked when a
        lead, an activity, a meeting or a customer that a KPI counts changes) and the quarters
        and years they roll up into, a batch at a time; approved appraisals never move."""
        domain = [("needs_recompute", "=", True)]
        while batch := self.search(domain, limit=batch_size, order="period_id, id"):
            months = batch.filtered(lambda a: a.state == "draft" and a.period_id.state == "open")
            rollups = self.search(
                [
                    ("employee_id", "in", months.employee_id.ids),
                    ("period_type", "!=", "month"),
                    ("state", "=", "draft"),
                    ("period_id.state", "=", "open"),
                    ("date_from", "<=", max(months.mapped("date_to"), default=False)),
                    ("date_to", ">=", min(months.mapped("date_from"), default=False)),
                ]
            )
            (months | rollups)._compute_scores()
            self.env.execute_query(
                SQL("UPDATE crm_appraisal SET needs_recompute = FALSE WHERE id = ANY(%s)", batch.ids)
            )
            batch.invalidate_recordset(["needs_recompute"])
            # a batch short of its size took all that were marked (the transaction's snapshot)
            remaining = self.search_count(domain) if len(batch) == batch_size else 0
            if self._progress(len(batch), remaining) <= 0 or not remaining:
                break

    @api.model
    def _mark_dirty_later(self, stamps):
        """Remember ``{(user id, day)}`` whose draft months must be recomputed; at commit, one
        statement marks them all (``_mark_dirty``), however many records changed."""
        if not stamps:
            return
        data = self.env.cr.precommit.data
        if DIRTY not in data:
            data[DIRTY] = set()
            self.env.cr.precommit.add(lambda: self.sudo()._mark_dirty(data.pop(DIRTY, set())))
        data[DIRTY].update(stamps)

    @api.model
    def _mark_dirty(self, stamps):
        """Mark the draft months of open periods that hold ``{(user id, day)}`` and wake the live
        recompute job up."""
        if not stamps:
            return
        self.flush_model(["needs_recompute", "state", "user_id", "date_from", "date_to", "period_id"])
        rows = self.env.execute_query(
            SQL(
                "UPDATE crm_appraisal a SET needs_recompute = TRUE"
                " FROM crm_appraisal_period p, (VALUES %s) AS t(user_id, day)"
                " WHERE p.id = a.period_id AND p.state = 'open' AND a.state = 'draft'"
                " AND a.period_type = 'month' AND a.needs_recompute IS NOT TRUE"
                " AND a.user_id = t.user_id AND t.day::date BETWEEN a.date_from AND a.date_to"
                " RETURNING a.id",
                SQL(", ").join(SQL("(%s, %s)", user_id, day) for user_id, day in sorted(stamps)),
            )
        )
        if rows:
            self.browse(row[0] for row in rows).invalidate_recordset(["needs_recompute"])
            self.env.ref("crm_performance.ir_cron_crm_appraisal_live")._trigger()

    @api.model
    def _progress(self, done, remaining):
        """Between two batches of a scheduled job, commit them and return the time left
        (``ir.cron._commit_progress``); run by hand (a button, a test), the caller's transaction
        carries on."""
        if not self.env.context.get("cron_id"):
            return float("inf")
        return self.env["ir.cron"]._commit_progress(done, remaining=remaining)
