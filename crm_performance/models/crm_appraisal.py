from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import engine
from ..tools import bulk, scoring
from ..tools.trusted import TRUSTED, trusted
from ..tools.workflow import FROZEN_STATES, STATES, WORKFLOW
from .crm_kpi_definition import Unmeasured

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

    # ------------------------------------------------------------------
    # generation and computation
    # ------------------------------------------------------------------

    @api.model
    def _generate(self, periods):
        """Create the missing appraisals of ``periods`` for every plan and applicable employee.

        Inserts every appraisal of a period with one statement, a month's already scored with
        its KPI lines; quarters and years are then rolled up. Returns the created appraisals.
        """
        periods._check_open()
        self.check_access("create")
        # the plans' employees, who they are and what they sold are read whoever generates (as
        # the scores are computed)
        batch = self.sudo().with_context(**BATCH_CONTEXT)
        created, cache = batch.browse(), {}
        for period in periods:
            plans = batch.env["crm.appraisal.plan"].search([("company_id", "=", period.company_id.id)])
            existing = {
                (employee.id, plan.id)
                for employee, plan in batch._read_group(
                    [("period_id", "=", period.id)], ["employee_id", "plan_id"]
                )
            }
            created |= batch._insert(
                period,
                [
                    (employee, plan)
                    for plan in plans.filtered("line_ids")
                    for employee in plan._get_applicable_employees()
                    if (employee.id, plan.id) not in existing
                ],
                cache,
            )
        created = created.with_env(self.env)
        created.check_access("create")  # the record rules, as create() checks them
        created.filtered(lambda a: a.period_type != "month")._compute_scores()
        return created

    @api.model
    def _insert(self, period, pairs, cache):
        """Insert the draft appraisals of ``period`` for the (employee, plan) ``pairs`` with one
        statement (``tools.bulk``), a month's with their scores and KPI lines (one more
        statement), as ``_compute_month`` would store them. Every row is built by
        ``_prepare_appraisal_vals`` and ``crm.appraisal.line._prepare_line_vals`` (the hooks an
        inheriting module overrides), takes the defaults of what it does not give, and the
        constraints and company checks run on what was inserted. ``create`` would cost a
        statement per 100 appraisals and a Python round per record; what its override checks
        holds by construction: the pairs are new and the period is open."""
        employees = self.env["hr.employee"].union(*(employee for employee, _plan in pairs))
        organisation = self._organisation_values(employees)
        vals_list = [
            self._prepare_appraisal_vals(employee, period, plan, organisation[employee.id])
            for employee, plan in pairs
        ]
        if period.period_type != "month" or not pairs:
            return bulk.create(self, vals_list)
        scores = self._score_month(
            period, [(employee, employee.user_id.id, plan, []) for employee, plan in pairs], cache
        )
        now = fields.Datetime.now()
        appraisals = bulk.create(
            self,
            [
                {**vals, **totals, "computed_at": now}
                for vals, (_lines, totals) in zip(vals_list, scores, strict=True)
            ],
        )
        Line = self.env["crm.appraisal.line"]
        bulk.create(
            Line,
            [
                Line._prepare_line_vals(appraisal, plan_line_id, sequence, values)
                for appraisal, (lines, _totals) in zip(appraisals, scores, strict=True)
                for _line_id, plan_line_id, sequence, values in lines
            ],
        )
        appraisals._compute_signals(period)
        return appraisals

    @api.model
    def _prepare_appraisal_vals(self, employee, period, plan, organisation):
        """The values of the appraisal of ``employee`` for ``period`` under ``plan``, as generation
        inserts it: override to store more (the defaults of what is not given apply).
        ``organisation`` is the employee's department, job, manager and team
        (``_organisation_values``)."""
        return {
            "name": _name(employee, period, plan),
            "employee_id": employee.id,
            "user_id": employee.user_id.id,
            "plan_id": plan.id,
            "period_id": period.id,
            "period_type": period.period_type,
            "date_from": period.date_from,
            "date_to": period.date_to,
            "company_id": period.company_id.id,
            **organisation,
        }

    def _compute_scores(self):
        """Recompute the draft appraisals of open periods: months from CRM data, then rollups.

        Runs as superuser once the caller is known to be allowed to change these appraisals: a
        score counts every record of the salesperson, whoever asks.
        """
        self.check_access("write")
        todo = (
            self.filtered(lambda a: a.state == "draft" and a.period_id.state == "open")
            .with_context(**BATCH_CONTEXT)
            .sudo()
        )
        months = todo.filtered(lambda a: a.period_type == "month")
        cache = {}
        for period, appraisals in months.grouped("period_id").items():
            appraisals._compute_month(period, cache)
        for period, appraisals in (todo - months).grouped("period_id").items():
            appraisals._compute_rollup(period)

    def _compute_month(self, period, cache):
        """Score the appraisals of a month (``_score_month``) and store the results: one INSERT
        of the missing lines, one UPDATE of the lines whose results changed, one UPDATE of the
        totals (``tools.bulk``): no statement per employee."""
        Line = self.env["crm.appraisal.line"]
        Line.flush_model(["appraisal_id", "plan_line_id", *INPUT_FIELDS, *LINE_RESULTS])
        existing, stored = defaultdict(list), {}
        rows = self.env.execute_query(
            SQL(
                "SELECT appraisal_id, id, plan_line_id, manual_points, occurrences, entered, %s"
                " FROM crm_appraisal_line WHERE appraisal_id = ANY(%s) ORDER BY id",
                SQL(", ").join(SQL.identifier(fname) for fname in LINE_RESULTS),
                self.ids,
            )
        )
        for appraisal_id, line_id, plan_line_id, manual_points, occurrences, entered, *results in rows:
            existing[appraisal_id].append(
                (line_id, plan_line_id, manual_points or 0.0, occurrences or 0.0, bool(entered))
            )
            stored[line_id] = tuple(results)
        scores = self._score_month(
            period,
            [
                (appraisal.employee_id, appraisal.user_id.id, appraisal.plan_id, existing[appraisal.id])
                for appraisal in self
            ],
            cache,
        )
        as_stored = [bulk.converter(Line, fname) for fname in LINE_RESULTS]
        updated_ids, updated, inserted = [], [], []
        for appraisal, (lines, _totals) in zip(self, scores, strict=True):
            for line_id, plan_line_id, sequence, values in lines:
                if not line_id:
                    inserted.append(Line._prepare_line_vals(appraisal, plan_line_id, sequence, values))
                elif stored[line_id] != tuple(
                    convert(values[fname]) for fname, convert in zip(LINE_RESULTS, as_stored, strict=True)
                ):
                    updated_ids.append(line_id)
                    updated.append(values)
        bulk.update(Line.browse(updated_ids), updated)
        bulk.create(Line, inserted)
        now = fields.Datetime.now()
        bulk.update(
            self,
            [
                {**appraisal._keep_correction(totals), "computed_at": now}
                for appraisal, (_lines, totals) in zip(self, scores, strict=True)
            ],
        )
        self._compute_signals(period)

    @api.model
    def _score_month(self, period, entries, cache):
        """Measure every KPI of the plans once for all employees of the month, then score.

        ``entries`` are (employee, their user's id, plan, stored lines): the lines of an
        existing appraisal as (id, plan line id, manual points, occurrences, entered), none for
        a new one. Every figure counts the period's company's records only; a KPI that cannot
        be measured leaves its lines unscored with the reason, and its administrator an
        activity. Returns, per entry, its lines as (line id or None, plan line id, sequence, result
        values), one for each KPI line the plan has now besides the stored ones, and its totals;
        all from plain values.
        """
        Line = self.env["crm.appraisal.line"]
        employees = self.env["hr.employee"].union(*(entry[0] for entry in entries))
        plans = self.env["crm.appraisal.plan"].union(*(entry[2] for entry in entries))
        plan_lines = plans.line_ids | self.env["crm.appraisal.plan.line"].browse(
            {row[1] for entry in entries for row in entry[3]}
        )
        kpis = plan_lines.kpi_id
        company = period.company_id
        user_ids = {entry[1] for entry in entries}
        kpis._prefetch_measures(period.date_from, period.date_to, company, user_ids, cache)
        measured = {
            kpi.id: kpi._measure(period.date_from, period.date_to, company, user_ids, cache)
            for kpi in kpis
            if kpi.measure_mode not in ("manual", "deduction")
        }
        unmeasured = {
            kpi_id: _("Could not be measured: %(reason)s", reason=values.reason)
            for kpi_id, values in measured.items()
            if isinstance(values, Unmeasured)
        }
        for kpi_id, note in unmeasured.items():
            self.env["crm.kpi.definition"].browse(kpi_id)._notify_unmeasured(note)
        targets = self.env["crm.kpi.target"].sudo()._lookup(period, kpis, employees)
        fed = self._fed_occurrences(period, employees, plan_lines)
        prorated = self._target_factors(period, employees, plan_lines)
        rules = {
            line.id: (
                line.kpi_id.id,
                line.sequence,
                line.default_target,
                line.is_completion_line,
                line._scorer(),
            )
            for line in plan_lines
        }
        plan_rules = {plan.id: (plan.line_ids.ids, plan._grade_bands()) for plan in plans}
        stored = bulk.converter(Line, "weighted_score")
        scores = []
        for employee, uid, plan, stored_lines in entries:
            plan_line_ids, bands = plan_rules[plan.id]
            missing = set(plan_line_ids).difference(row[1] for row in stored_lines)
            lines = stored_lines + [
                (None, plan_line_id, 0.0, 0.0, False)
                for plan_line_id in plan_line_ids
                if plan_line_id in missing
            ]
            scored, ranked = [], []
            for index, (line_id, plan_line_id, manual_points, occurrences, entered) in enumerate(lines):
                kpi_id, sequence, default_target, is_completion, scorer = rules[plan_line_id]
                feed = fed.get((employee.id, plan_line_id))
                factor, prorated_note = prorated.get((employee.id, plan_line_id), (1.0, False))
                values = scorer(
                    measured.get(kpi_id, {}).get(uid),
                    targets.get((kpi_id, employee.id), default_target) * factor,
                    manual_points,
                    # fed from data, unless the manager entered a value
                    feed[0] if feed and not entered else occurrences,
                    entered or bool(feed),
                )
                values["fed"] = bool(feed)
                if feed:
                    values["note"] = self._fed_note(values["note"], feed, entered)
                if prorated_note:
                    values["note"] = "; ".join(filter(None, [prorated_note, values["note"]]))
                if kpi_id in unmeasured:
                    values["note"] = unmeasured[kpi_id]
                scored.append((line_id, plan_line_id, sequence, values))
                # totals add the values as stored, in the lines' order (sequence, id; new ones last)
                ranked.append(((sequence, line_id is None, line_id or index), values, is_completion))
            ranked.sort(key=lambda item: item[0])
            scores.append(
                (
                    scored,
                    engine.score.totals(
                        [(values, completion) for _key, values, completion in ranked], bands, stored
                    ),
                )
            )
        return scores

    @api.model
    def _fed_occurrences(self, period, employees, plan_lines):
        """Hook for the bridge modules: ``{(employee id, plan line id): (occurrences, source)}``
        of the deduction lines fed from data in ``period`` (e.g. the days of approved leave of
        the types a line names, with ``source`` "approved leave"). A fed line counts as entered;
        a value the manager enters overrides the feed, and the line says so."""
        return {}

    @api.model
    def _target_factors(self, period, employees, plan_lines):
        """Hook for the bridge modules: ``{(employee id, plan line id): (factor, note)}``, the
        share of the target an employee is measured against in ``period`` (e.g. the working
        days not on leave) and what the line says about it; 1 for everyone else."""
        return {}

    @api.model
    def _fed_note(self, note, feed, entered_by_hand):
        """What a deduction line fed from data says: where its occurrences come from, or that the
        manager's value overrides them (then the line's own note)."""
        occurrences, source = feed
        if entered_by_hand:
            said = _("entered by hand over %(fed)s from %(source)s", fed=f"{occurrences:g}", source=source)
        else:
            said = _("%(fed)s from %(source)s", fed=f"{occurrences:g}", source=source)
        return "; ".join(filter(None, [said, note]))

    def _compute_totals(self):
        now = fields.Datetime.now()
        for appraisal in self.with_context(**{COMPUTE: TRUSTED}):
            values = engine.score.totals(
                [(line, line.is_completion_line) for line in appraisal.line_ids],
                appraisal.plan_id._grade_bands(),
            )
            appraisal.write({**appraisal._keep_correction(values), "computed_at": now})

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
        vals_list = []
        for appraisal in self:
            months = by_key.get((appraisal.employee_id, appraisal.plan_id), self.browse())
            present = {m.date_from.replace(day=1) for m in months}
            missing = [start for start in month_starts if start not in present]
            totals = engine.score.rollup(
                [(month.total_score, month.completion_rate) for month in months],
                len(month_starts),
                appraisal.plan_id.rollup_missing,
                appraisal.plan_id._grade_bands(),
            )
            vals_list.append(
                {
                    **appraisal._keep_correction(totals),
                    "month_count": len(month_starts),
                    "months_present": len(months),
                    "missing_months": ", ".join(f"{m.year}-{m.month:02d}" for m in missing) or False,
                    "computed_at": now,
                }
            )
        bulk.update(self, vals_list)
