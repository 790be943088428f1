from datetime import date

from babel.dates import format_skeleton
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import babel_locale_parse, get_lang

MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
# how a period reads in the user's language (CLDR skeletons): November 2026 / 2026年11月,
# Q4 2026 / 2026年第4季度, 2026 / 2026年
SKELETONS = {"month": "yMMMM", "quarter": "yQQQ", "year": "y"}
# fields a closed period keeps as they are (state is changed by the close / reopen actions)
FROZEN_FIELDS = {"name", "period_type", "date_from", "date_to", "company_id"}


class CrmAppraisalPeriod(models.Model):
    """A month, quarter or year being appraised; open while scores may change, then closed."""

    _name = "crm.appraisal.period"
    _description = "Appraisal Period"
    _order = "date_from desc, period_type, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, readonly=False, required=True, precompute=True)
    code = fields.Char(compute="_compute_code", store=True, precompute=True, index=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Type",
        required=True,
        default="month",
    )
    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(
        compute="_compute_date_to", store=True, readonly=False, required=True, precompute=True
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], required=True, default="open", copy=False
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    appraisal_ids = fields.One2many("crm.appraisal", "period_id", string="Appraisals")
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    forecast_history = fields.Json(
        readonly=True,
        copy=False,
        prefetch=False,
        groups="base.group_system",
        help="What the forecasts of this month learn from the company's past (deals closed and "
        "expected before the month), stored by the daily job on the month's first run.",
    )
    forecast_day = fields.Json(
        string="Forecast of the Day",
        readonly=True,
        copy=False,
        prefetch=False,
        groups="base.group_system",
        help="What the forecasts of this month read that stays the same all day (the deals expected "
        "outside the pipeline, last month's pace), stored by the daily job for the day.",
    )

    _dates_ordered = models.Constraint("CHECK(date_from <= date_to)", "A period cannot end before it starts.")

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for period in self:
            if period.date_from:
                months = MONTHS_IN[period.period_type or "month"]
                period.date_to = period.date_from + relativedelta(months=months, days=-1)

    @api.depends("period_type", "date_from")
    def _compute_code(self):
        for period in self:
            start = period.date_from
            if not start:
                period.code = False
            elif period.period_type == "year":
                period.code = f"{start.year}"
            elif period.period_type == "quarter":
                period.code = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            else:
                period.code = f"{start.year}-{start.month:02d}"

    @api.depends("code")
    def _compute_name(self):
        for period in self:
            period.name = period.code

    @api.depends("name", "code", "period_type", "date_from")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The month, quarter or year in the user's language; a name typed by hand is kept."""
        locale = babel_locale_parse(get_lang(self.env).code)
        for period in self:
            if period.date_from and period.name == period.code:
                period.display_name = format_skeleton(
                    SKELETONS[period.period_type], period.date_from, locale=locale
                )
            else:
                period.display_name = period.name

    def _compute_appraisal_count(self):
        counts = dict(
            self.env["crm.appraisal"]._read_group([("period_id", "in", self.ids)], ["period_id"], ["__count"])
        )
        for period in self:
            period.appraisal_count = counts.get(period, 0)

    @api.constrains("date_from", "date_to", "period_type", "company_id")
    def _check_overlap(self):
        for period in self:
            overlapping = self.search(
                [
                    ("id", "!=", period.id),
                    ("company_id", "=", period.company_id.id),
                    ("period_type", "=", period.period_type),
                    ("date_from", "<=", period.date_to),
                    ("date_to", ">=", period.date_from),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    _(
                        "Period %(period)s (%(start)s – %(end)s) overlaps %(other)s: two periods of the "
                        "same type cannot share a day.",
                        period=period.display_name,
                        start=period.date_from,
                        end=period.date_to,
                        other=overlapping.display_name,
                    )
                )

    def write(self, vals):
        if FROZEN_FIELDS & set(vals) and "closed" in self.mapped("state"):
            raise ValidationError(
                _(
                    "Period %(period)s is closed and cannot be edited; reopen it first.",
                    period=self[0].display_name,
                )
            )
        return super().write(vals)

    def unlink(self):
        if self.appraisal_ids:
            raise UserError(
                _(
                    "Period %(period)s has appraisals and cannot be deleted.",
                    period=self.appraisal_ids[0].period_id.display_name,
                )
            )
        return super().unlink()

    def _check_open(self):
        closed = self.filtered(lambda p: p.state == "closed")
        if closed:
            raise ValidationError(
                _(
                    "Period %(period)s is closed: its targets and appraisals can no longer change.",
                    period=closed[0].display_name,
                )
            )

    def action_generate_appraisals(self):
        """Create the missing appraisals of these periods for every plan that applies."""
        self.env["crm.appraisal"]._generate(self)
        return self.action_view_appraisals()

    def action_compute(self):
        """HR recomputes every draft appraisal of the periods (as the nightly job does)."""
        self.env["crm.appraisal"]._check_group("hr")
        self.appraisal_ids._compute_scores()
        return True

    def action_close(self):
        """Compute a last time, then freeze the scores of the period (administrators)."""
        self.check_access("write")
        open_periods = self.filtered(lambda p: p.state == "open")
        open_periods.appraisal_ids._compute_scores()
        open_periods.state = "closed"
        return True

    def action_reopen(self):
        self.check_access("write")
        self.filtered(lambda p: p.state == "closed").state = "open"
        return True

    def action_view_appraisals(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_performance.crm_appraisal_action")
        action["domain"] = [("period_id", "in", self.ids)]
        action["context"] = {"search_default_group_state": 1}
        return action

    @api.model
    def _ensure_periods(self, day, company):
        """Return the month, quarter and year periods containing ``day``, creating missing ones."""
        periods = self.browse()
        for period_type, months in MONTHS_IN.items():
            start = date(day.year, ((day.month - 1) // months) * months + 1, 1)
            period = self.search(
                [
                    ("company_id", "=", company.id),
                    ("period_type", "=", period_type),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
            periods |= period or self.create(
                {"period_type": period_type, "date_from": start, "company_id": company.id}
            )
        return periods

    def _store_forecast_history(self):
        """Store on the months among these periods that have none what their forecasts learn from
        the past (``crm.appraisal._forecast_past``): every server process then reads it from
        there instead of computing it (``crm.appraisal._forecast_history``)."""
        self.check_access("write")
        months = self.filtered(lambda p: p.period_type == "month")
        self.flush_model(["forecast_history"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM crm_appraisal_period WHERE id = ANY(%s) AND forecast_history IS NULL",
                months.ids,
            )
        )
        Appraisal = self.env["crm.appraisal"]
        for period in self.browse(row[0] for row in rows):
            period.sudo().forecast_history = Appraisal._forecast_past(period.company_id.id, period.date_from)

    def _store_forecast_day(self, today):
        """Store on the months among these periods that ``today`` falls in before their last day,
        unless stored for the day, what their forecasts read that stays the same all day for
        every salesperson appraised (``crm.appraisal._forecast_day``): every server process then
        reads it once (``crm.appraisal._stored_forecast_day``) instead of reading it for each
        forecast. A KPI's definition saved drops it (``_drop_forecast_days``); so does the day's
        run on the other months of these periods' companies (none reads it again)."""
        self.check_access("write")
        months = self.filtered(lambda p: p.period_type == "month" and p.date_from <= today < p.date_to)
        self.flush_model(["forecast_day"])
        self.env.execute_query(
            SQL(
                "UPDATE crm_appraisal_period SET forecast_day = NULL WHERE company_id = ANY(%s)"
                " AND forecast_day IS NOT NULL AND id != ALL(%s)",
                self.company_id.ids,
                months.ids,
            )
        )
        self.invalidate_model(["forecast_day"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM crm_appraisal_period WHERE id = ANY(%s)"
                " AND (forecast_day IS NULL OR forecast_day->>'day' != %s)",
                months.ids,
                str(today),
            )
        )
        for period in self.browse(row[0] for row in rows).sudo():
            day = period.appraisal_ids._forecast_day(period, today)
            period.forecast_day = {"day": str(today), **day.to_json()}
        if rows:  # a process that read none for the day reads it again
            self.env.registry.clear_cache()

    @api.model
    def _drop_forecast_days(self):
        """Forget the days stored on the months (their KPIs' definitions changed) and have the
        daily job store them again."""
        self.flush_model(["forecast_day"])
        if self.env.execute_query(
            SQL(
                "UPDATE crm_appraisal_period SET forecast_day = NULL"
                " WHERE forecast_day IS NOT NULL RETURNING id"
            )
        ):
            self.invalidate_model(["forecast_day"])
            self.env.ref("crm_performance.ir_cron_crm_appraisal_generate")._trigger()

    @api.model
    def _stored_forecast_history(self, company_id, date_from):
        """The history stored on the company's month starting ``date_from``, or None."""
        self.flush_model(["forecast_history", "company_id", "period_type", "date_from"])
        rows = self.env.execute_query(
            SQL(
                "SELECT forecast_history FROM crm_appraisal_period WHERE company_id = %s"
                " AND period_type = 'month' AND date_from = %s AND forecast_history IS NOT NULL",
                company_id,
                date_from,
            )
        )
        return rows[0][0] if rows else None

    def _month_periods(self):
        """The month periods inside this quarter or year (same company)."""
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("period_type", "=", "month"),
                ("date_from", ">=", self.date_from),
                ("date_to", "<=", self.date_to),
            ],
            order="date_from",
        )

    def _month_starts(self):
        """First day of every calendar month of the span."""
        self.ensure_one()
        starts, day = [], self.date_from.replace(day=1)
        while day <= self.date_to:
            starts.append(day)
            day += relativedelta(months=1)
        return starts

    def _elapsed_ratio(self, today):
        """Share of the period elapsed at ``today`` (linear pace), between 0 and 1."""
        self.ensure_one()
        days = (self.date_to - self.date_from).days + 1
        elapsed = (min(today, self.date_to) - self.date_from).days + 1
        return min(max(elapsed / days, 0.0), 1.0)
