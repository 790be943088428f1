from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import scoring

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("consolidated", "Consolidated"),
    ("reviewed", "First Review Done"),
    ("approved", "Approved"),
    ("locked", "Locked"),
]
# context of batch computations: the chatter records people's actions, not nightly recomputes
BATCH_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


class CrmAppraisal(models.Model):
    """Appraisal (考核表) of an employee for a period under a plan, computed from CRM data."""

    _name = "crm.appraisal"
    _description = "Performance Appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, plan_id, total_score desc, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, check_company=True, ondelete="restrict", tracking=True
    )
    user_id = fields.Many2one(related="employee_id.user_id", store=True, index=True, string="User")
    employee_barcode = fields.Char(related="employee_id.barcode", string="Badge ID")
    employee_identification = fields.Char(related="employee_id.identification_id", string="Identification No")
    period_id = fields.Many2one(
        "crm.appraisal.period", required=True, index=True, check_company=True, ondelete="restrict"
    )
    period_type = fields.Selection(related="period_id.period_type", store=True)
    date_from = fields.Date(related="period_id.date_from", store=True)
    date_to = fields.Date(related="period_id.date_to", store=True)
    plan_id = fields.Many2one(
        "crm.appraisal.plan", required=True, index=True, check_company=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    # who the employee was at generation time: history must not move with a transfer
    department_id = fields.Many2one(
        "hr.department", compute="_compute_organisation", store=True, readonly=False, precompute=True
    )
    job_id = fields.Many2one(
        "hr.job", compute="_compute_organisation", store=True, readonly=False, precompute=True
    )
    manager_id = fields.Many2one(
        "hr.employee",
        string="Manager",
        compute="_compute_organisation",
        store=True,
        readonly=False,
        precompute=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_organisation",
        store=True,
        readonly=False,
        precompute=True,
    )
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, copy=False, index=True)
    line_ids = fields.One2many("crm.appraisal.line", "appraisal_id", string="KPI Lines")
    total_score = fields.Float(readonly=True, digits=(16, 2), tracking=True, aggregator="avg")
    grade = fields.Char(readonly=True, tracking=True)
    completion_rate = fields.Float(
        string="Plan Completion (%)", readonly=True, digits=(16, 2), aggregator="avg"
    )
    rank = fields.Integer(compute="_compute_rank", help="Rank in the sales team for this period and plan.")
    rank_count = fields.Integer(compute="_compute_rank", string="Team Size")
    computed_at = fields.Datetime(readonly=True, copy=False)
    month_count = fields.Integer(string="Months in Span", readonly=True)
    months_present = fields.Integer(string="Months Appraised", readonly=True)
    missing_months = fields.Char(readonly=True, help="Months of the span without a monthly appraisal.")
    manager_comment = fields.Text(tracking=True)
    employee_comment = fields.Text(tracking=True)

    _employee_period_plan_unique = models.UniqueIndex(
        "(employee_id, period_id, plan_id)",
        "An employee has only one appraisal per period and plan.",
    )

    @api.depends("employee_id", "period_id", "plan_id")
    def _compute_name(self):
        for appraisal in self:
            appraisal.name = (
                f"{appraisal.employee_id.name} – {appraisal.period_id.name} – {appraisal.plan_id.name}"
            )

    @api.depends("employee_id")
    def _compute_organisation(self):
        for appraisal in self:
            employee = appraisal.employee_id
            appraisal.department_id = employee.department_id
            appraisal.job_id = employee.job_id
            appraisal.manager_id = employee.parent_id
            appraisal.team_id = employee.user_id.sale_team_id

    @api.depends("total_score", "team_id", "period_id", "plan_id")
    def _compute_rank(self):
        """Competition rank by total score within team × period × plan (one query per group)."""
        groups = defaultdict(lambda: self.browse())
        for appraisal in self:
            groups[appraisal.team_id, appraisal.period_id, appraisal.plan_id] |= appraisal
        for (team, period, plan), appraisals in groups.items():
            if not (period.id and plan.id):
                appraisals.rank = appraisals.rank_count = 0
                continue
            rows = self.sudo().search_read(
                [("team_id", "=", team.id), ("period_id", "=", period.id), ("plan_id", "=", plan.id)],
                ["total_score"],
            )
            ranks = scoring.competition_ranks({row["id"]: row["total_score"] for row in rows})
            for appraisal in appraisals:
                appraisal.rank = ranks.get(appraisal.id, 0)
                appraisal.rank_count = len(rows)

    @api.constrains("employee_id", "period_id", "plan_id")
    def _check_unique(self):
        duplicates = {
            tuple(key)
            for *key, _count in self._read_group(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("period_id", "in", self.period_id.ids),
                    ("plan_id", "in", self.plan_id.ids),
                ],
                ["employee_id", "period_id", "plan_id"],
                ["__count"],
                having=[("__count", ">", 1)],
            )
        }
        for appraisal in self:
            if (appraisal.employee_id, appraisal.period_id, appraisal.plan_id) in duplicates:
                raise ValidationError(
                    _(
                        "%(employee)s already has an appraisal for %(period)s under plan %(plan)s.",
                        employee=appraisal.employee_id.name,
                        period=appraisal.period_id.name,
                        plan=appraisal.plan_id.name,
                    )
                )

    @api.constrains("employee_id")
    def _check_employee_user(self):
        for appraisal in self:
            if not appraisal.employee_id.user_id:
                raise ValidationError(
                    _(
                        "%(employee)s has no user: appraisals are computed from the CRM records of the "
                        "employee's user. Link the employee to a user first.",
                        employee=appraisal.employee_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        appraisals = super().create(vals_list)
        appraisals.period_id._check_open()
        return appraisals

    def _check_editable(self):
        """Only draft appraisals of an open period take new scores."""
        self.period_id._check_open()
        frozen = self.filtered(lambda a: a.state != "draft")
        if frozen:
            raise UserError(
                _(
                    "The appraisal %(appraisal)s is %(state)s: its scores can no longer change.",
                    appraisal=frozen[0].name,
                    state=dict(STATES)[frozen[0].state],
                )
            )

    def action_compute(self):
        self._check_editable()
        self._compute_scores()
        return True

    # ------------------------------------------------------------------
    # generation and computation
    # ------------------------------------------------------------------

    @api.model
    def _generate(self, periods):
        """Create the missing appraisals of ``periods`` for every plan and applicable employee.

        Creates every appraisal of a period in one batch (with its KPI lines), then computes
        them. Returns the created appraisals.
        """
        periods._check_open()
        batch = self.with_context(**BATCH_CONTEXT)
        created = self.browse()
        for period in periods:
            plans = self.env["crm.appraisal.plan"].search([("company_id", "=", period.company_id.id)])
            existing = {
                (employee.id, plan.id)
                for employee, plan in self._read_group(
                    [("period_id", "=", period.id)], ["employee_id", "plan_id"]
                )
            }
            vals_list = []
            for plan in plans.filtered("line_ids"):
                lines = (
                    []
                    if period.period_type != "month"
                    else [fields.Command.create({"plan_line_id": line.id}) for line in plan.line_ids]
                )
                vals_list.extend(
                    {
                        "employee_id": employee.id,
                        "period_id": period.id,
                        "plan_id": plan.id,
                        "line_ids": lines,
                    }
                    for employee in plan._get_applicable_employees()
                    if (employee.id, plan.id) not in existing
                )
            created |= batch.create(vals_list)
        created._compute_scores()
        return created.with_env(self.env)

    def _compute_scores(self):
        """Recompute the draft appraisals of open periods: months from CRM data, then rollups."""
        todo = self.filtered(lambda a: a.state == "draft" and a.period_id.state == "open").with_context(
            **BATCH_CONTEXT
        )
        months = todo.filtered(lambda a: a.period_type == "month")
        cache = {}
        for period, appraisals in months.grouped("period_id").items():
            appraisals._compute_month(period, cache)
        for period, appraisals in (todo - months).grouped("period_id").items():
            appraisals._compute_rollup(period)

    def _compute_month(self, period, cache):
        """Measure every KPI of the plans once for all employees of the period, then score."""
        self._sync_lines()
        lines = self.line_ids
        kpis = lines.kpi_id
        tz = period._tz()
        user_ids = set(self.user_id.ids)
        kpis._prefetch_measures(period.date_from, period.date_to, tz, user_ids, cache)
        measured = {
            kpi: kpi._measure(period.date_from, period.date_to, tz, user_ids, cache)
            for kpi in kpis
            if kpi.measure_mode not in ("manual", "deduction")
        }
        targets = self.env["crm.kpi.target"].sudo()._lookup(period, kpis, self.employee_id)
        line_ids, results = [], []
        for appraisal in self:
            uid, employee_id = appraisal.user_id.id, appraisal.employee_id.id
            for line in appraisal.line_ids:
                kpi = line.kpi_id
                actual = measured.get(kpi, {}).get(uid)
                target = targets.get((kpi.id, employee_id), line.plan_line_id.default_target)
                line_ids.append(line.id)
                results.append(line._result_values(actual, target))
        lines.browse(line_ids)._write_results(results)
        self._compute_totals()

    def _sync_lines(self):
        """Give draft monthly appraisals a line for every KPI line their plan has now."""
        missing = [
            {"appraisal_id": appraisal.id, "plan_line_id": plan_line.id}
            for appraisal in self
            for plan_line in appraisal.plan_id.line_ids - appraisal.line_ids.plan_line_id
        ]
        if missing:
            self.env["crm.appraisal.line"].create(missing)

    def _compute_totals(self):
        now = fields.Datetime.now()
        for appraisal in self:
            lines = appraisal.line_ids
            total = sum(lines.mapped("weighted_score"))
            completion = lines.filtered("is_completion_line")[:1]
            appraisal.write(
                {
                    "total_score": total,
                    "grade": scoring.grade(total, appraisal.plan_id._grade_bands()),
                    "completion_rate": completion.achievement,
                    "computed_at": now,
                }
            )

    def _compute_rollup(self, period):
        """Quarter / year: mean of the monthly totals; missing months listed, counted per plan."""
        month_starts = period._month_starts()
        monthly = self.search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("plan_id", "in", self.plan_id.ids),
                ("period_type", "=", "month"),
                ("date_from", ">=", period.date_from),
                ("date_to", "<=", period.date_to),
            ]
        )
        by_key = monthly.grouped(lambda a: (a.employee_id, a.plan_id))
        now = fields.Datetime.now()
        for appraisal in self:
            months = by_key.get((appraisal.employee_id, appraisal.plan_id), self.browse())
            present = {m.date_from.replace(day=1) for m in months}
            missing = [start for start in month_starts if start not in present]
            divisor = len(month_starts) if appraisal.plan_id.rollup_missing == "zero" else len(months)
            total = sum(months.mapped("total_score")) / divisor if divisor else 0.0
            completion = sum(months.mapped("completion_rate")) / divisor if divisor else 0.0
            appraisal.write(
                {
                    "total_score": total,
                    "grade": scoring.grade(total, appraisal.plan_id._grade_bands()),
                    "completion_rate": completion,
                    "month_count": len(month_starts),
                    "months_present": len(months),
                    "missing_months": ", ".join(f"{m.year}-{m.month:02d}" for m in missing) or False,
                    "computed_at": now,
                }
            )
