from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import scoring
from ..tools.trusted import trusted
from ..tools.workflow import FROZEN_STATES, STATES, WORKFLOW

# fields that may change on an approved appraisal: the employee's answer and mail bookkeeping
FROZEN_WRITABLE = {"acknowledged_date", "appealed", "employee_comment", "coaching_needed"}
# context of batch computations: the chatter records people's actions, not nightly recomputes
BATCH_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
# the scheduled jobs' batches, committed one by one
BATCH_SIZE = 500
# the (user id, day) pairs whose months a transaction's changes made stale, flushed at commit
DIRTY = "crm_performance.dirty"
# what a reviewer enters on a manual or deduction line; ``entered`` tells 0 from nothing entered
INPUT_FIELDS = ("manual_points", "occurrences", "entered")
COMPUTE = "crm_performance_compute"
# who the employee was at generation time (computed from the employee, then kept)
ORGANISATION = ("department_id", "job_id", "manager_id", "team_id")
# what the computation stores on an appraisal line
LINE_RESULTS = (
    "weight",
    "target",
    "actual",
    "has_data",
    "achievement",
    "score",
    "weighted_score",
    "note",
    "fed",
)
# results of the computation, and HR's correction of the score: written by the computation and
# the correction only (``_correct_score``, tracked in the chatter)
RESULT_FIELDS = {
    "total_score",
    "computed_total",
    "grade",
    "completion_rate",
    "computed_at",
    "month_count",
    "months_present",
    "missing_months",
    "score_corrected",
    "correction_reason",
    "corrected_by_id",
    "corrected_date",
}


def _name(employee, period, plan):
    return f"{employee.name} – {period.name} – {plan.name}"


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
    # HR pulls these into payroll: readable by HR officers and Performance HR alike
    employee_barcode = fields.Char(
        related="employee_id.barcode",
        string="Badge ID",
        groups="hr.group_hr_user,crm_performance.crm_performance_group_hr",
    )
    employee_identification = fields.Char(
        related="employee_id.identification_id",
        string="Identification No",
        groups="hr.group_hr_user,crm_performance.crm_performance_group_hr",
    )
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
    total_score = fields.Float(
        string="Total Score",
        readonly=True,
        digits=(16, 2),
        tracking=True,
        aggregator="avg",
        help="The score that counts for grades, roll-ups, reports and pay: the computed score, or "
        "HR's correction of it.",
    )
    computed_total = fields.Float(
        string="Computed Score",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="The score computed from the KPI lines, kept beside HR's correction.",
    )
    score_corrected = fields.Boolean(string="Corrected by HR", readonly=True, copy=False, tracking=True)
    correction_reason = fields.Text(readonly=True, copy=False, tracking=True)
    corrected_by_id = fields.Many2one("res.users", string="Corrected By", readonly=True, copy=False)
    corrected_date = fields.Datetime(string="Corrected On", readonly=True, copy=False)
    grade = fields.Char(readonly=True, tracking=True)
    completion_rate = fields.Float(
        string="Plan Completion (%)", readonly=True, digits=(16, 2), aggregator="avg"
    )
    rank = fields.Integer(compute="_compute_rank", help="Rank in the sales team for this period and plan.")
    rank_count = fields.Integer(compute="_compute_rank", string="Team Size")
    computed_at = fields.Datetime(readonly=True, copy=False)
    needs_recompute = fields.Boolean(
        readonly=True,
        copy=False,
        help="A record this draft month counts has changed since it was computed: the live "
        "recompute job takes it within a minute.",
    )
    month_count = fields.Integer(string="Months in Span", readonly=True)
    months_present = fields.Integer(string="Months Appraised", readonly=True)
    missing_months = fields.Char(readonly=True, help="Months of the span without a monthly appraisal.")
    manager_comment = fields.Text(tracking=True)
    employee_comment = fields.Text(tracking=True)
    acknowledged_date = fields.Datetime(readonly=True, copy=False, tracking=True)
    appealed = fields.Boolean(readonly=True, copy=False, tracking=True)
    coaching_needed = fields.Boolean(
        string="1:1 Coaching",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set when this month and the month before are both below target.",
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    reviewed_by_id = fields.Many2one("res.users", string="First Reviewer", readonly=True, copy=False)
    reviewed_date = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    is_own = fields.Boolean(compute="_compute_is_own", help="The current user is the appraised employee.")

    _needs_recompute_idx = models.Index("(id) WHERE needs_recompute")
    _employee_period_plan_unique = models.UniqueIndex(
        "(employee_id, period_id, plan_id)",
        "An employee has only one appraisal per period and plan.",
    )

    @api.depends("employee_id", "period_id", "plan_id")
    def _compute_name(self):
        for appraisal in self:
            appraisal.name = _name(appraisal.employee_id, appraisal.period_id, appraisal.plan_id)

    @api.depends("employee_id")
    def _compute_organisation(self):
        organisation = self._organisation_values(self.employee_id)
        for appraisal in self:
            appraisal.update(organisation.get(appraisal.employee_id.id, dict.fromkeys(ORGANISATION, False)))

    @api.model
    def _organisation_values(self, employees):
        """``{employee id: values}``: department, job, manager and sales team (the one they sell
        in, else the one they lead) of ``employees``, with one query for the teams."""
        led_teams = {}
        for team in (
            self.env["crm.team"]
            .sudo()
            .search([("user_id", "in", employees.user_id.ids)], order="sequence desc, id desc")
        ):
            led_teams[team.user_id.id] = team.id
        return {
            employee.id: {
                "department_id": employee.department_id.id,
                "job_id": employee.job_id.id,
                "manager_id": employee.parent_id.id,
                "team_id": employee.user_id.sale_team_id.id or led_teams.get(employee.user_id.id, False),
            }
            for employee in employees
        }

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

    @api.depends_context("uid")
    def _compute_is_own(self):
        for appraisal in self:
            appraisal.is_own = appraisal.user_id == self.env.user

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
        self._check_not_duplicate(vals_list)
        appraisals = super().create(vals_list)
        appraisals.period_id._check_open()
        return appraisals

    def write(self, vals):
        if not trusted(self.env, WORKFLOW):
            changed = {name for name in vals if not name.startswith(("message_", "activity_"))}
            if changed - FROZEN_WRITABLE:
                self._check_not_frozen()
            if "state" in vals:
                raise UserError(_("Use the workflow buttons to change the status of an appraisal."))
        if RESULT_FIELDS & set(vals) and not trusted(self.env, COMPUTE):
            raise UserError(
                _(
                    "Scores are computed from the KPI lines; enter manual points on the lines or "
                    "ask HR to correct a score (Correct Score)."
                )
            )
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda a: a.state != "draft"):
            raise UserError(_("Only draft appraisals can be deleted."))
        return super().unlink()

    @api.model
    def _check_not_duplicate(self, vals_list):
        """One appraisal per employee, period and plan: say who, before the unique index does."""
        keys = [(v.get("employee_id"), v.get("period_id"), v.get("plan_id")) for v in vals_list]
        existing = self.sudo().search(
            [
                ("employee_id", "in", [k[0] for k in keys]),
                ("period_id", "in", [k[1] for k in keys]),
                ("plan_id", "in", [k[2] for k in keys]),
            ]
        )
        seen = {(a.employee_id.id, a.period_id.id, a.plan_id.id) for a in existing}
        for key in keys:
            if key in seen:
                employee_id, period_id, plan_id = key
                raise ValidationError(
                    _(
                        "%(employee)s already has an appraisal for %(period)s under plan %(plan)s.",
                        employee=self.env["hr.employee"].sudo().browse(employee_id).name,
                        period=self.env["crm.appraisal.period"].sudo().browse(period_id).name,
                        plan=self.env["crm.appraisal.plan"].sudo().browse(plan_id).name,
                    )
                )
            seen.add(key)

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
        self.check_access("write")
        self._check_editable()
        self._compute_scores()
        return True

    def _check_not_frozen(self):
        frozen = self.filtered(lambda a: a.state in FROZEN_STATES)
        if frozen:
            raise UserError(
                _(
                    "The appraisal %(appraisal)s is approved and cannot change. HR can reopen it "
                    "with a reason.",
                    appraisal=frozen[0].name,
                )
            )

    def _check_entered(self):
        """Every manual and deduction item is entered before an appraisal goes to review: a score
        made of items nobody entered is not one a company can pay on."""
        missing = self.line_ids.filtered(
            lambda line: line.scoring_rule in ("manual", "deduction") and not (line.entered or line.fed)
        )
        if missing:
            raise UserError(
                _(
                    "Enter these items before submitting (0 is a value: enter it too):\n%(items)s",
                    items="\n".join(
                        f"{appraisal.employee_id.name}: {', '.join(lines.mapped('name'))}"
                        for appraisal, lines in missing.grouped("appraisal_id").items()
                    ),
                )
            )
